//! The home page: the caller's region at a glance, its children, the alerts.
use crate::error::PageError;
use crate::page::Chrome;
use crate::page::PageResult;
use crate::page::chrome;
use crate::page::render;
use shegong_domain::stats::{density_hundredths, fmt_bp};

use crate::auth::{Caller, Ctx};
use crate::clock::today;
use crate::state::AppState;
use askama::Template;
use axum::response::{IntoResponse, Redirect};
use shegong_domain::RegionCode;
use shegong_store::entity::region;
use shegong_store::regions;
use shegong_store::workers;

pub struct ChildRow {
    pub code: String,
    pub name: String,
    pub households: i64,
    pub residents: i64,
    pub workers: i64,
}

#[derive(Template)]
#[template(path = "dashboard/home.html")]
struct HomePage {
    c: Chrome,
    path: Vec<region::Model>,
    region_name: String,
    s: workers::Summary,
    totals: regions::RegionTotals,
    grids: i64,
    per300: String,
    per10k: String,
    pending_corrections: usize,
    /// The 待办 inbox: what waits, how many, the list.
    todo: Vec<crate::inbox::todo::Todo>,
    /// The first alerts about people: message, link
    alerts: Vec<(String, String)>,
    chart_post: String,
    chart_edu: String,
    chart_cert: String,
    children: Vec<ChildRow>,
    /// A message from the page before (after a forced password change, say).
    notice: String,
}

impl HomePage {
    fn pct(&self, n: &i64, d: &i64) -> String {
        pct(*n, *d)
    }
    fn num(&self, n: impl std::borrow::Borrow<i64>) -> String {
        crate::sections::thousands(*n.borrow())
    }
}

pub fn pct(n: i64, d: i64) -> String {
    if d == 0 { "—".into() } else { format!("{:.1}%", n as f64 * 100.0 / d as f64) }
}

fn chart(kind: &str, data: &[(String, i64)]) -> String {
    serde_json::json!({ "type": kind, "data": data }).to_string()
}

pub(crate) async fn child_rows(st: &AppState, caller: &Caller, code: &RegionCode) -> Result<Vec<ChildRow>, PageError> {
    let children = regions::children(&st.db, &caller.scope, code).await?;
    let counts = workers::count_by_child(&st.db, &caller.scope, code).await?;
    Ok(children
        .into_iter()
        .map(|r| ChildRow {
            workers: counts.get(&r.code).copied().unwrap_or(0),
            code: r.code,
            name: r.name,
            households: r.households,
            residents: r.residents,
        })
        .collect())
}

pub(crate) async fn home(
    Ctx { st, caller }: Ctx,
    axum::extract::Query(flash): axum::extract::Query<crate::flash::Flash>,
) -> PageResult {
    if let Some(to) = caller.own_page() {
        return Ok(Redirect::to(&to).into_response());
    }
    let code = caller.scope.region().clone();
    let rules = shegong_store::career::AlertRules {
        include_training: false,
        ..shegong_store::career::rules_in_force(&st.db, caller.scope.region().as_str(), today()).await?
    };
    // Independent reads, at once: the page waits for the slowest, not for their sum.
    let (c, s, (totals, grids), pending, all_alerts, overdue, path, children) = tokio::try_join!(
        chrome(&st, &caller, "home"),
        async { Ok::<_, PageError>(workers::summary(&st.db, &caller.scope, &code).await?) },
        async { Ok::<_, PageError>(regions::totals(&st.db, &caller.scope, &code).await?) },
        async { Ok::<_, PageError>(workers::pending_corrections(&st.db, &caller.scope).await?) },
        async { Ok::<_, PageError>(shegong_store::career::alerts(&st.db, &caller.scope, today(), rules).await?) },
        async {
            Ok::<_, PageError>(shegong_store::training::overdue(&st.db, &caller.scope, today(), rules.rotation).await?)
        },
        async { Ok::<_, PageError>(regions::path(&st.db, &caller.scope, &code).await?) },
        child_rows(&st, &caller, &code),
    )?;
    let hh = totals.households.unwrap_or(0);
    let res = totals.residents.unwrap_or(0);
    let todo = crate::inbox::todo::todo(&st, &caller, &all_alerts, overdue.len()).await?;
    let alerts = all_alerts
        .iter()
        .filter(|a| matches!(a.kind, "exit_flag" | "agreement_expiring"))
        .take(15)
        .map(|a| {
            let link = match (&a.worker_id, &a.region_code) {
                (Some(w), _) => {
                    format!("/workers/{w}{}", if a.kind == "exit_flag" { "?tab=assessment" } else { "?tab=agreement" })
                }
                (None, Some(r)) => format!("/regions/{r}"),
                _ => "/".into(),
            };
            (a.message.clone(), link)
        })
        .collect();
    render(HomePage {
        path,
        region_name: c.region_name.clone(),
        // The same figures, rounded the same way, as the statistics page.
        per300: density_hundredths(s.active, hh, 300).map_or("—".into(), fmt_bp),
        per10k: density_hundredths(s.active, res, 10_000).map_or("—".into(), fmt_bp),
        chart_post: chart("pie", &s.by_post_category),
        chart_edu: chart("bar", &s.by_education),
        chart_cert: chart("pie", &s.by_certificate),
        children,
        notice: flash.notice(caller.user.id),
        pending_corrections: pending as usize,
        todo,
        alerts,
        s,
        totals,
        grids,
        c,
    })
}
