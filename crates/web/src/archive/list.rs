//! The worker list page and its Excel export.
use crate::page::Chrome;
use crate::page::PageResult;
use crate::page::chrome;
use crate::page::render;

use crate::archive::views::{WorkerItem, worker_item};
use crate::auth::{Caller, Ctx};
use crate::clock::today;
use crate::query::ListQuery;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect};
use shegong_domain::Permission;
use shegong_domain::worker::POST_CATEGORIES;
use shegong_store::workers::{self, WorkerFilter};

#[derive(Template)]
#[template(path = "archive/workers.html")]
struct WorkersPage {
    c: Chrome,
    f: WorkerFilter,
    qs: String,
    items: Vec<WorkerItem>,
    total: u64,
    page: u64,
    pages: u64,
    /// The links to the other pages: (address, label), no address for this page and the gaps.
    pager: Vec<(String, String)>,
    error: String,
    can_edit: bool,
    post_categories: Vec<(String, String)>,
    educations: Vec<(String, String)>,
    certificates: Vec<(String, String)>,
    sorts: Vec<(String, String)>,
}

pub(crate) fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

pub(crate) async fn workers_page(State(st): State<AppState>, caller: Caller, Query(q): Query<ListQuery>) -> PageResult {
    if let Some(to) = caller.own_page() {
        return Ok(Redirect::to(&to).into_response());
    }
    let c = chrome(&st, &caller, "workers").await?;
    let today = today();
    let (page, per_page) = q.paging().unwrap_or((1, 20));
    let per_page = per_page.min(100);
    let filter = q.filter_for(&caller);
    let searched = match crate::id_search::guard(&st, &caller, &filter).await {
        Err(crate::error::AppError::Rejected { message, .. }) => Err(message),
        other => other.map_err(|e| e.body().message),
    };
    let listed = match searched {
        Ok(()) => workers::list(&st.db, &caller.scope, &filter, today, page, per_page).await,
        Err(message) => Err(shegong_store::StoreError::invalid(shegong_domain::FieldError::new(
            "too_many_id_searches",
            "q",
            message,
        ))),
    };
    let (items, total, error) = match listed {
        Ok((rows, total)) => {
            let names =
                workers::community_names(&st.db, &caller.scope, rows.iter().map(|w| w.region_code.clone()).collect())
                    .await?;
            (rows.iter().map(|w| worker_item(w, &names, today)).collect(), total, String::new())
        }
        Err(shegong_store::StoreError::Invalid(errs)) => {
            (vec![], 0, errs.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("；"))
        }
        Err(e) => return Err(e.into()),
    };
    let qs = serde_urlencoded::to_string(&q.filter).unwrap_or_default();
    let pages = total.div_ceil(per_page).max(1);
    let href = |page: u64, per_page: u64| {
        let sep = if qs.is_empty() { "" } else { "&" };
        format!("/workers?{qs}{sep}page={page}&per_page={per_page}")
    };
    if page > pages && total > 0 {
        // Past the end (an old link, a typed number): the last page.
        return Ok(Redirect::to(&href(pages, per_page)).into_response());
    }
    let pager = crate::paging::Paging { page, per_page }.links(total, href);
    render(WorkersPage {
        c,
        qs,
        items,
        total,
        page,
        pages,
        pager,
        error,
        can_edit: caller.role.may(Permission::EditArchive),
        post_categories: pairs(&POST_CATEGORIES[..3]),
        educations: pairs(&[
            ("college_or_above", "大专及以上"),
            ("postgraduate", "研究生"),
            ("bachelor", "本科"),
            ("college", "大专"),
            ("high_school_or_below", "高中及以下"),
        ]),
        certificates: pairs(&[
            ("any", "持证"),
            ("none", "未持证"),
            ("junior", "助理社会工作师"),
            ("intermediate", "社会工作师"),
            ("senior", "高级社会工作师"),
        ]),
        sorts: pairs(&[
            ("region", "按社区"),
            ("name", "按姓名"),
            ("age", "年龄从小到大"),
            ("-age", "年龄从大到小"),
            ("service", "任职早的在前"),
            ("-service", "任职晚的在前"),
        ]),
        f: q.filter,
    })
}

pub(crate) async fn workers_export(Ctx { st, caller }: Ctx, Query(q): Query<ListQuery>) -> PageResult {
    Ok(crate::archive::export::workers_xlsx(&st, &caller, &q.filter).await?)
}
