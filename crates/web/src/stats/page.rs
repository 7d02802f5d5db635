//! The statistics page with its charts.
use crate::sections::Kpi;
use crate::stats::api::band_labels;
use crate::stats::api::trend_days;
use crate::stats::query::StatsQuery;
use crate::stats::query::load;

use crate::auth::Caller;
use crate::error::AppError;
use crate::extract::Query;
use crate::page::{Chrome, PageResult, chrome, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use chrono::{Datelike, NaiveDate};
use serde_json::json;
use shegong_domain::stats::{
    AGE_BANDS, CERTIFICATE_LABELS, Counts, EDUCATION_LABELS, GENDER_LABELS, POLITICAL_GROUPS, POST_LABELS,
    SERVICE_BANDS, density_hundredths, fmt_bp, ratio_bp, sentences,
};
use shegong_store::stats;

pub struct Chart {
    pub title: String,
    pub spec: String,
    pub part: &'static str,
}

#[derive(Template)]
#[template(path = "stats/stats.html")]
struct StatsPage {
    c: Chrome,
    name: String,
    code: String,
    date: String,
    base_date: String,
    urban: bool,
    query: String,
    crumbs: Vec<(String, String)>,
    kpis: Vec<Kpi>,
    sentences: Vec<String>,
    charts: Vec<Chart>,
    trend: String,
    children: Vec<Vec<(String, String)>>,
    child_label: String,
    error: String,
}

fn pie(labels: &[&str], counts: &[i64]) -> String {
    json!({"type": "pie", "data": labels.iter().zip(counts).filter(|(_, n)| **n > 0).map(|(l, n)| json!([l, n])).collect::<Vec<_>>()}).to_string()
}

fn bars(labels: &[&str], counts: &[i64]) -> String {
    json!({"type": "bar", "data": labels.iter().zip(counts).map(|(l, n)| json!([l, n])).collect::<Vec<_>>()})
        .to_string()
}

fn pct_text(part: i64, whole: i64) -> String {
    ratio_bp(part, whole).map_or("—".into(), |bp| format!("{}%", fmt_bp(bp)))
}

fn density_text(workers: i64, population: i64, per: i64) -> String {
    density_hundredths(workers, population, per).map_or("—".into(), fmt_bp)
}

/// A count with thousands separators, as on the home page.
fn th(n: impl Into<i64>) -> String {
    crate::numbers::thousands(n.into())
}

fn delta_text(now: i64, base: Option<i64>, base_date: Option<NaiveDate>) -> String {
    match (base, base_date) {
        (Some(b), Some(d)) => {
            let sign = if now >= b { "+" } else { "−" };
            format!("较{}{}{}（{}）", d, sign, th((now - b).abs()), pct_text(now - b, b))
        }
        _ => String::new(),
    }
}

/// `GET /stats`: the dashboard.
pub async fn stats_page(State(st): State<AppState>, caller: Caller, Query(q): Query<StatsQuery>) -> PageResult {
    if caller.scope.only_worker().is_some() {
        return Err(AppError::NotFound.into());
    }
    let c = chrome(&st, &caller, "stats").await?;
    let (a, error) = match q.ask(&caller, true) {
        Ok(a) => (a, String::new()),
        Err(AppError::Invalid(e)) => (
            StatsQuery { region: q.region.clone(), ..Default::default() }.ask(&caller, true)?,
            e.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("；"),
        ),
        Err(e) => return Err(e.into()),
    };
    let (now, base) = load(&st, &caller, &a).await?;
    let k = &now.counts;
    let b = base.as_ref().map(|b| &b.counts);
    let bd = base.as_ref().map(|b| b.date);
    let kpis = Kpi::list(vec![
        ("社区工作者".into(), th(k.workers), delta_text(k.workers, b.map(|b| b.workers), bd)),
        (
            "其中专职".into(),
            format!("{}（{}）", th(k.full_time), pct_text(k.full_time, k.workers)),
            delta_text(k.full_time, b.map(|b| b.full_time), bd),
        ),
        (
            "大专以上学历".into(),
            format!("{}（{}）", th(k.college_or_above()), pct_text(k.college_or_above(), k.workers)),
            format!("研究生 {} 人", k.education[0]),
        ),
        (
            "持证社工".into(),
            format!("{}（{}）", th(k.certified()), pct_text(k.certified(), k.workers)),
            delta_text(k.certified(), b.map(Counts::certified), bd),
        ),
        (
            "每万常住人口".into(),
            density_text(k.workers, now.residents, 10_000),
            format!("常住人口 {}", th(now.residents)),
        ),
        ("每300户".into(), density_text(k.workers, now.households, 300), format!("户数 {}", th(now.households))),
        ("社区“两委”成员".into(), th(k.two_committees), delta_text(k.two_committees, b.map(|b| b.two_committees), bd)),
        (
            "下级区划".into(),
            now.children.len().to_string(),
            a.region.level().child().map_or("", |l| l.label()).to_string(),
        ),
    ]);
    let age = band_labels(&AGE_BANDS);
    let service = band_labels(&SERVICE_BANDS);
    let charts: Vec<Chart> = [
        ("岗位类别", true, &POST_LABELS[..], &k.post[..]),
        ("学历结构", true, &EDUCATION_LABELS[..], &k.education[..]),
        ("社工证等级", true, &CERTIFICATE_LABELS[..], &k.certificate[..]),
        ("年龄结构", false, &age[..], &k.age[..]),
        ("性别", true, &GENDER_LABELS[..], &k.gender[..]),
        ("政治面貌", true, &POLITICAL_GROUPS[..], &k.political[..]),
        ("工作年限", false, &service[..], &k.service[..]),
    ]
    .into_iter()
    .map(|(title, is_pie, labels, counts)| Chart {
        title: title.into(),
        spec: if is_pie { pie(labels, counts) } else { bars(labels, counts) },
        part: "structure",
    })
    .collect();
    let from = bd.map_or(a.date.year() - 10, |d| d.year());
    let t = stats::trend(&st.db, &caller.scope, &a.region, &trend_days(from, a.date), a.urban).await?;
    let trend = json!({
        "type": "line",
        "categories": t.iter().map(|(d, _, _)| if *d == a.date { d.to_string() } else { format!("{}年底", d.year()) }).collect::<Vec<_>>(),
        "series": [
            ["社区工作者", t.iter().map(|x| x.1).collect::<Vec<_>>()],
            ["专职", t.iter().map(|x| x.2).collect::<Vec<_>>()],
        ],
    })
    .to_string();
    let drill = now.children.first().is_some_and(|k| {
        shegong_domain::RegionLevel::of_code(&k.code).is_some_and(|l| l < shegong_domain::RegionLevel::Community)
    });
    let mut query = format!("date={}", a.date);
    if let Some(b) = a.base {
        query += &format!("&base_date={b}");
    }
    if a.urban {
        query += "&urban=true";
    }
    let children = now
        .children
        .iter()
        .map(|x| {
            let kc = &x.counts;
            vec![
                (x.code.clone(), String::new()),
                (
                    x.name.clone(),
                    if drill { format!("/stats?region={}&{query}", x.code) } else { format!("/regions/{}", x.code) },
                ),
                (th(kc.workers), String::new()),
                (th(kc.full_time), String::new()),
                (pct_text(kc.college_or_above(), kc.workers), String::new()),
                (pct_text(kc.certified(), kc.workers), String::new()),
                (th(kc.two_committees), String::new()),
                (density_text(kc.workers, x.residents, 10_000), String::new()),
                (density_text(kc.workers, x.households, 300), String::new()),
            ]
        })
        .collect();
    let crumbs = shegong_store::regions::path(&st.db, &caller.scope, &a.region)
        .await?
        .into_iter()
        .map(|x| (format!("/stats?region={}&{query}", x.code), x.name))
        .collect();
    let child_label = match a.region.level().child() {
        Some(l) => l.label().to_string(),
        None => String::new(),
    };
    render(StatsPage {
        c,
        sentences: sentences(&now.name, now.date, k, base.as_ref().map(|b| (b.date, &b.counts)), a.urban),
        name: now.name.clone(),
        code: now.code.clone(),
        date: a.date.to_string(),
        base_date: a.base.map(|b| b.to_string()).unwrap_or_default(),
        urban: a.urban,
        query: format!("region={}&{query}", now.code),
        crumbs,
        kpis,
        charts,
        trend,
        children,
        child_label,
        error,
    })
}
