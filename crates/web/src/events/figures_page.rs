//! `/events/stats`: the figures of 民情事件 as a dashboard (key figures, charts by source, category
//! and state, each child region with a link down to its own figures and to its events, and a
//! community's people), and `/events/stats.xlsx`: each of its tables as Excel.

use crate::auth::Caller;
use crate::error::AppError;
use crate::events::figures::{EventFigures, EventGroup, EventRates, FiguresQuery, load};
use crate::numbers::thousands;
use crate::page::{Chrome, PageResult, chrome, render};
use crate::sections::Kpi;
use crate::state::AppState;
use crate::xlsx::{XCell, table_xlsx};
use askama::Template;
use axum::extract::{Query, State};
use chrono::{Datelike, Months};
use serde_json::json;
use shegong_store::regions;

/// A rate as it reads on the screen.
fn rate(v: Option<f64>) -> String {
    v.map_or("—".into(), |p| format!("{p:.1}%"))
}

fn hours(v: Option<f64>) -> String {
    v.map_or("—".into(), |h| format!("{h:.1}小时"))
}

/// A row of the children's table: the cells as text with their links.
pub struct Line {
    pub cells: Vec<(String, String)>,
}

pub struct Chart {
    pub title: &'static str,
    pub spec: String,
    pub part: &'static str,
}

#[derive(Template)]
#[template(path = "events/stats.html")]
struct StatsPage {
    c: Chrome,
    f: EventFigures,
    query: String,
    crumbs: Vec<(String, String)>,
    quick: Vec<(String, String)>,
    kpis: Vec<Kpi>,
    charts: Vec<Chart>,
    child_label: String,
    lines: Vec<Line>,
    total_line: Line,
    error: String,
    /// The dates in the form: as typed when they were refused.
    from_text: String,
    to_text: String,
}

fn qs(region: &str, from: &str, to: &str) -> String {
    serde_urlencoded::to_string([("region", region), ("from", from), ("to", to)]).unwrap_or_default()
}

/// The cells of one region's figures, linked to its events where a count is.
fn cells(name: (String, String), r: &EventRates, events: &str, overdue: &str) -> Vec<(String, String)> {
    let overdue = if r.overdue_now > 0 { overdue } else { "" };
    vec![
        name,
        (thousands(r.counts.reported), events.to_string()),
        (rate(r.acceptance_rate), String::new()),
        (thousands(r.counts.closed), String::new()),
        (rate(r.closure_rate), String::new()),
        (rate(r.on_time_rate), String::new()),
        (rate(r.rework_rate), String::new()),
        (hours(r.avg_close_hours), String::new()),
        (rate(r.satisfaction_rate), String::new()),
        (thousands(r.overdue_now), overdue.to_string()),
    ]
}

/// What is overdue now, whenever reported: the region's list without dates.
fn overdue_link(region: &str) -> String {
    format!("/events?region={region}&overdue=true#list")
}

fn pie(groups: &[EventGroup]) -> String {
    json!({"type": "pie", "unit": "件", "data": groups.iter().map(|g| json!([g.label, g.count])).collect::<Vec<_>>()})
        .to_string()
}

fn bars(groups: &[EventGroup]) -> String {
    json!({"type": "bar", "data": groups.iter().map(|g| json!([g.label, g.count])).collect::<Vec<_>>()}).to_string()
}

/// `GET /events/stats`.
pub(crate) async fn stats_page(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<FiguresQuery>,
) -> PageResult {
    let (f, error) = match load(&st, &caller, &q).await {
        Ok(f) => (f, String::new()),
        Err(AppError::Invalid(e)) => (
            load(&st, &caller, &FiguresQuery { region: q.region.clone(), ..Default::default() }).await?,
            e.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("；"),
        ),
        Err(e) => return Err(e.into()),
    };
    let (from, to) = (f.from.to_string(), f.to.to_string());
    let code = shegong_domain::RegionCode::parse(&f.region).map_err(|_| AppError::NotFound)?;
    let crumbs = regions::path(&st.db, &caller.scope, &code)
        .await?
        .into_iter()
        .map(|r| (format!("/events/stats?{}", qs(&r.code, &from, &to)), r.name))
        .collect();
    let today = crate::clock::today();
    let month = today.with_day(1).unwrap_or(today);
    let last_month = month.checked_sub_months(Months::new(1)).unwrap_or(month);
    let year = today.with_ordinal(1).unwrap_or(today);
    let quick = [
        ("本月", month, today),
        ("上月", last_month, month.pred_opt().unwrap_or(month)),
        ("今年", year, today),
        ("近一年", today.checked_sub_months(Months::new(12)).unwrap_or(year), today),
    ]
    .into_iter()
    .map(|(l, a, b)| (l.to_string(), format!("/events/stats?{}", qs(&f.region, &a.to_string(), &b.to_string()))))
    .collect();
    let t = &f.total;
    let events = format!("/events?{}#list", qs(&f.region, &from, &to));
    let kpis = Kpi::list(vec![
        ("上报".into(), thousands(t.counts.reported), format!("仍在办理 {}", thousands(t.counts.open))),
        ("受理率".into(), rate(t.acceptance_rate), format!("不予受理 {}", thousands(t.counts.rejected))),
        ("结案率".into(), rate(t.closure_rate), format!("已结案 {}", thousands(t.counts.closed))),
        ("按期办结率".into(), rate(t.on_time_rate), format!("按期 {}", thousands(t.counts.on_time))),
        ("返工率".into(), rate(t.rework_rate), format!("返工后结案 {}", thousands(t.counts.reworked))),
        ("平均办结用时".into(), hours(t.avg_close_hours), "从上报到结案".into()),
        (
            "满意率".into(),
            rate(t.satisfaction_rate),
            format!("已评价 {}（不满意 {}）", thousands(t.counts.rated), thousands(t.counts.dissatisfied)),
        ),
        ("当前超期".into(), thousands(t.overdue_now), "超过办结时限仍未办结".into()),
    ]);
    let charts = vec![
        Chart { title: "来源", spec: pie(&f.by_source), part: "source" },
        Chart { title: "分类", spec: bars(&f.by_category), part: "category" },
        Chart { title: "办理状态", spec: bars(&f.by_state), part: "state" },
    ];
    let lines = f
        .children
        .iter()
        .map(|c| Line {
            cells: cells(
                (c.name.clone(), format!("/events/stats?{}", qs(&c.code, &from, &to))),
                &c.rates,
                &format!("/events?{}#list", qs(&c.code, &from, &to)),
                &overdue_link(&c.code),
            ),
        })
        .collect();
    let total_line = Line { cells: cells(("合计".into(), String::new()), t, &events, &overdue_link(&f.region)) };
    render(StatsPage {
        c: chrome(&st, &caller, "events").await?,
        query: qs(&f.region, &from, &to),
        crumbs,
        quick,
        kpis,
        charts,
        child_label: code.level().child().map_or("下级区划", |l| l.label()).to_string(),
        lines,
        total_line,
        from_text: if error.is_empty() { from.clone() } else { q.from.clone().unwrap_or_default() },
        to_text: if error.is_empty() { to.clone() } else { q.to.clone().unwrap_or_default() },
        error,
        f,
    })
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct XlsxQuery {
    #[serde(flatten)]
    q: FiguresQuery,
    /// children（默认）、source、category、state、people
    part: Option<String>,
}

const RATE_HEADERS: [(&str, f64); 10] = [
    ("上报", 10.0),
    ("受理率(%)", 12.0),
    ("已结案", 10.0),
    ("结案率(%)", 10.0),
    ("按期办结率(%)", 12.0),
    ("返工率(%)", 10.0),
    ("平均办结用时(小时)", 20.0),
    ("满意率(%)", 10.0),
    ("当前超期", 10.0),
    ("不予受理", 10.0),
];

fn rate_cells(r: &EventRates) -> Vec<XCell> {
    let opt = |v: Option<f64>| v.map_or(XCell::T(String::new()), XCell::N);
    vec![
        XCell::N(r.counts.reported as f64),
        opt(r.acceptance_rate),
        XCell::N(r.counts.closed as f64),
        opt(r.closure_rate),
        opt(r.on_time_rate),
        opt(r.rework_rate),
        opt(r.avg_close_hours),
        opt(r.satisfaction_rate),
        XCell::N(r.overdue_now as f64),
        XCell::N(r.counts.rejected as f64),
    ]
}

/// A column of an export: its heading and width.
type Header = (&'static str, f64);

fn named(code: &str, name: &str, r: &EventRates) -> Vec<XCell> {
    let mut v = vec![XCell::T(code.to_string()), XCell::T(name.to_string())];
    v.extend(rate_cells(r));
    v
}

/// `GET /events/stats.xlsx?part=`: one table of the dashboard as Excel.
pub(crate) async fn stats_xlsx(State(st): State<AppState>, caller: Caller, Query(x): Query<XlsxQuery>) -> PageResult {
    let f = load(&st, &caller, &x.q).await?;
    let period = format!("{}至{}", f.from, f.to);
    let (sheet, headers, rows): (&str, Vec<Header>, Vec<Vec<XCell>>) = match x.part.as_deref().unwrap_or("children") {
        "children" => {
            let mut h = vec![("代码", 16.0), ("名称", 20.0)];
            h.extend(RATE_HEADERS);
            let mut rows: Vec<Vec<XCell>> = f.children.iter().map(|c| named(&c.code, &c.name, &c.rates)).collect();
            rows.push(named(&f.region, &format!("{}（合计）", f.region_name), &f.total));
            ("各区划", h, rows)
        }
        part @ ("source" | "category" | "state") => {
            let groups = match part {
                "source" => &f.by_source,
                "category" => &f.by_category,
                _ => &f.by_state,
            };
            let rows = groups.iter().map(|g| vec![XCell::T(g.label.clone()), XCell::N(g.count as f64)]).collect();
            let sheet = match part {
                "source" => "来源",
                "category" => "分类",
                _ => "办理状态",
            };
            (sheet, vec![(sheet, 20.0), ("件数", 10.0)], rows)
        }
        "people" => {
            let rows = f
                .people
                .iter()
                .map(|p| {
                    vec![
                        XCell::T(p.name.clone()),
                        XCell::T(p.username.clone()),
                        XCell::N(p.reported as f64),
                        XCell::N(p.fed_back as f64),
                        XCell::N(p.closed as f64),
                        XCell::N(p.closed_on_time as f64),
                    ]
                })
                .collect();
            (
                "每人办理",
                vec![
                    ("姓名", 14.0),
                    ("账号", 14.0),
                    ("上报", 10.0),
                    ("处置反馈", 10.0),
                    ("结案", 10.0),
                    ("其中按期", 10.0),
                ],
                rows,
            )
        }
        _ => {
            return Err(AppError::Invalid(vec![shegong_domain::FieldError::new(
                "part_invalid",
                "part",
                "应为 children、source、category、state 或 people",
            )])
            .into());
        }
    };
    let mut once = Some(rows);
    Ok(table_xlsx(
        sheet,
        &headers,
        |_| {
            let rows = once.take().unwrap_or_default();
            async move { Ok(rows) }
        },
        "event-stats.xlsx",
        &format!("民情事件统计-{}-{}-{}.xlsx", f.region_name, sheet, period),
    )
    .await?)
}
