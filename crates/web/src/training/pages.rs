//! Training pages: the courses, enrolment, who is short of hours, the Excel list.
use crate::archive::list::pairs;
use crate::page::Chrome;
use crate::page::PageResult;
use crate::page::SubForm;
use crate::page::chrome;
use crate::page::render;
use crate::sections::Msg;

use crate::auth::{Caller, Ctx};
use crate::clock::today;
use crate::error::AppError;
use crate::state::AppState;
use crate::xlsx::{XCell, table_xlsx};
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse};
use shegong_domain::FieldError;
use shegong_domain::Permission;
use shegong_domain::worker::POST_CATEGORIES;
use shegong_store::workers::WorkerFilter;
use uuid::Uuid;

#[derive(Template)]
#[template(path = "training/trainings.html")]
struct TrainingsPage {
    c: Chrome,
    notice: String,
    errors: Vec<FieldError>,
    can_edit: bool,
    overdue: usize,
    kinds: Vec<(String, String)>,
    post_categories: Vec<(String, String)>,
    total: usize,
    pager: Vec<(String, String)>,
    rows: Vec<TrainingRow>,
}

struct TrainingRow {
    id: Uuid,
    name: String,
    kind: String,
    region: String,
    organiser: String,
    dates: String,
    hours: i32,
    credits: i32,
    participants: i64,
}

async fn trainings_render(
    st: &AppState,
    caller: &Caller,
    m: &Msg,
    notice: String,
    errors: Vec<FieldError>,
) -> PageResult {
    if caller.scope.only_worker().is_some() {
        return Err(AppError::NotFound.into());
    }
    use shegong_store::training;
    let rotation =
        shegong_store::career::rules_in_force(&st.db, caller.scope.region().as_str(), today()).await?.rotation;
    // Independent reads, at once.
    let (rows, overdue) = tokio::try_join!(
        training::list(&st.db, &caller.scope),
        training::overdue(&st.db, &caller.scope, today(), rotation),
    )?;
    let overdue = overdue.len();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let total = rows.len();
    let shown = m.paging().slice(rows);
    let names = shegong_store::regions::names_seen(
        &st.db,
        &caller.scope,
        shown.iter().map(|(t, _)| t.region_code.clone()).collect(),
    )
    .await?;
    let page = TrainingsPage {
        c: chrome(st, caller, "trainings").await?,
        notice,
        errors,
        can_edit: caller.role.may(Permission::ManageTraining),
        overdue,
        kinds: pairs(&training::KINDS),
        post_categories: pairs(&POST_CATEGORIES[..3]),
        total,
        pager: m.page_links("/trainings", total),
        rows: shown
            .into_iter()
            .map(|(t, n)| {
                let dates = if t.start_date == t.end_date {
                    t.start_date.to_string()
                } else {
                    format!("{} 至 {}", t.start_date, t.end_date)
                };
                TrainingRow {
                    id: t.id,
                    kind: training::kind_label(&t.kind).to_string(),
                    name: t.name,
                    region: names
                        .get(&t.region_code)
                        .map_or(t.region_code.clone(), |n| format!("{n}（{}）", t.region_code)),
                    organiser: t.organiser,
                    dates,
                    hours: t.hours,
                    credits: t.credits,
                    participants: n,
                }
            })
            .collect(),
    };
    Ok((status, Html(page.render().map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?)).into_response())
}

pub(crate) async fn trainings_page(
    Ctx { st, caller }: Ctx,
    axum::extract::Query(m): axum::extract::Query<Msg>,
) -> PageResult {
    trainings_render(&st, &caller, &m, String::new(), vec![]).await
}

pub(crate) async fn create_training(State(st): State<AppState>, caller: Caller, Form(f): Form<SubForm>) -> PageResult {
    caller.check_csrf(&f._csrf)?;
    caller.access.require(Permission::ManageTraining)?;
    // Blank means 0; anything else that is not a number is refused by the range check.
    let num = |k: &str| {
        let v = f.get(k);
        let v = v.trim();
        if v.is_empty() { Some(0) } else { Some(v.parse::<i32>().unwrap_or(-1)) }
    };
    // The organising region by name (or code), as the picker gives it.
    let typed = f.get("region");
    let region = match typed.trim() {
        "" => String::new(),
        r => match shegong_store::region_names::resolve(&st.db, &caller.scope, "region", r).await {
            Ok(code) => code.to_string(),
            Err(shegong_store::StoreError::Invalid(errs)) => {
                return trainings_render(&st, &caller, &Msg::default(), String::new(), errs).await;
            }
            Err(e) => return Err(e.into()),
        },
    };
    let input = shegong_store::training::TrainingInput {
        region,
        name: f.get("name"),
        kind: f.get("kind"),
        organiser: f.get("organiser"),
        start_date: f.get("start_date"),
        end_date: f.get("end_date"),
        hours: num("hours"),
        credits: num("credits"),
    };
    match shegong_store::training::create(&st.db, &caller.access, &input).await {
        Ok(t) => trainings_render(&st, &caller, &Msg::default(), format!("已创建培训“{}”。", t.name), vec![]).await,
        Err(shegong_store::StoreError::Invalid(errs)) => {
            trainings_render(&st, &caller, &Msg::default(), String::new(), errs).await
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn enrol_training(
    Ctx { st, caller }: Ctx,
    Path(id): Path<Uuid>,
    Form(f): Form<SubForm>,
) -> PageResult {
    caller.check_csrf(&f._csrf)?;
    caller.access.require(Permission::ManageTraining)?;
    let filter = WorkerFilter { post_category: f.opt("post_category"), ..Default::default() };
    let n = shegong_store::training::enrol(&st.db, &caller.access, id, &filter, today()).await?;
    trainings_render(&st, &caller, &Msg::default(), format!("已记录 {n} 人参训。"), vec![]).await
}

#[derive(Template)]
#[template(path = "training/overdue.html")]
struct OverduePage {
    c: Chrome,
    total: usize,
    pager: Vec<(String, String)>,
    rule: String,
    rows: Vec<OverdueRow>,
    /// The region filter as typed, the export's address, and a filter not understood.
    region: String,
    export: String,
    error: String,
}

/// A worker short of training, as the page lists them.
pub(crate) struct OverdueRow {
    worker_id: Uuid,
    name: String,
    county: String,
    street: String,
    community: String,
    title: String,
    last_trained: String,
    overdue_since: String,
    /// This year's credits, with the shortfall when the policy asks for credits.
    credits: String,
}

pub(crate) async fn overdue_page(
    Ctx { st, caller }: Ctx,
    axum::extract::Query(m): axum::extract::Query<Msg>,
) -> PageResult {
    if caller.scope.only_worker().is_some() {
        return Err(AppError::NotFound.into());
    }
    // A region by code or name; one not understood is said, not ignored.
    let mut error = String::new();
    let region = match m.region.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        None => None,
        Some(r) => match shegong_store::region_names::resolve(&st.db, &caller.scope, "region", r).await {
            Ok(code) => Some(code.to_string()),
            Err(e) => {
                error = AppError::from(e).body().message;
                None
            }
        },
    };
    let (code, scope) = crate::sections::region_in(&caller, region.as_deref())?;
    let rotation = shegong_store::career::rules_in_force(&st.db, code.as_str(), today()).await?.rotation;
    let all = if error.is_empty() {
        shegong_store::training::overdue(&st.db, &scope, today(), rotation).await?
    } else {
        vec![]
    };
    let shown = m.paging().slice(&all);
    let mut prefixes: Vec<String> = shown
        .iter()
        .flat_map(|o| [6, 9, 12].map(|n| o.community_code.get(..n).unwrap_or_default().to_string()))
        .collect();
    prefixes.sort();
    prefixes.dedup();
    let names = shegong_store::regions::names_seen(&st.db, &caller.scope, prefixes).await?;
    let name_of = |c: &str, n: usize| c.get(..n).and_then(|p| names.get(p)).cloned().unwrap_or_default();
    let every = |n: u32| {
        if n == 1 { "每年".to_string() } else { format!("每{n}年") }
    };
    render(OverduePage {
        c: chrome(&st, &caller, "trainings").await?,
        rule: format!(
            "书记、主任{}至少参加一次培训，其他社区工作者{}至少一次{}（按适用政策）",
            every(rotation.head_every_years),
            every(rotation.others_every_years),
            if rotation.credits_per_year > 0 {
                format!("；每人每年应修满{}学分", rotation.credits_per_year)
            } else {
                String::new()
            }
        ),
        total: all.len(),
        pager: m.page_links("/training/overdue", all.len()),
        region: m.region.clone().unwrap_or_default(),
        export: match &region {
            Some(r) => format!("/api/v1/training/overdue.xlsx?region={r}"),
            None => "/api/v1/training/overdue.xlsx".into(),
        },
        error,
        rows: shown
            .into_iter()
            .map(|o| OverdueRow {
                worker_id: o.worker_id,
                name: o.name.clone(),
                county: name_of(&o.community_code, 6),
                street: name_of(&o.community_code, 9),
                community: name_of(&o.community_code, 12),
                title: o.title.clone(),
                last_trained: o.last_trained.map_or("从未参训".into(), |d| d.to_string()),
                overdue_since: o.overdue_since.map_or("—".to_string(), |d| d.to_string()),
                credits: if o.credits_required > 0 {
                    format!("{}（差{}）", o.credits_this_year, o.credits_behind)
                } else {
                    o.credits_this_year.to_string()
                },
            })
            .collect(),
    })
}

pub(crate) async fn trainings_xlsx(State(st): State<AppState>, caller: Caller) -> PageResult {
    if caller.scope.only_worker().is_some() {
        return Err(AppError::NotFound.into());
    }
    use shegong_store::training;
    let all = training::list(&st.db, &caller.scope).await?;
    let names = shegong_store::regions::names_seen(
        &st.db,
        &caller.scope,
        all.iter().map(|(t, _)| t.region_code.clone()).collect(),
    )
    .await?;
    let mut list = Some(all);
    let headers = [
        ("培训名称", 28.0),
        ("类别", 12.0),
        ("组织区划", 14.0),
        ("组织单位", 20.0),
        ("开始日期", 12.0),
        ("结束日期", 12.0),
        ("学时", 8.0),
        ("学分", 8.0),
        ("参训人数", 10.0),
    ];
    Ok(table_xlsx(
        "培训",
        &headers,
        |_| {
            let rows = list.take().unwrap_or_default();
            let names = names.clone();
            async move {
                Ok(rows
                    .into_iter()
                    .map(|(t, n)| {
                        vec![
                            XCell::T(t.name),
                            XCell::T(training::kind_label(&t.kind).to_string()),
                            XCell::T(names.get(&t.region_code).cloned().unwrap_or(t.region_code)),
                            XCell::T(t.organiser),
                            XCell::T(t.start_date.to_string()),
                            XCell::T(t.end_date.to_string()),
                            XCell::N(f64::from(t.hours)),
                            XCell::N(f64::from(t.credits)),
                            XCell::N(n as f64),
                        ]
                    })
                    .collect())
            }
        },
        "trainings.xlsx",
        "培训.xlsx",
    )
    .await?)
}
