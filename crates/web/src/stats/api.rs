//! The figures as JSON: as of a date, compared with another, and as a trend.
use crate::stats::query::FIRST_YEAR;
use crate::stats::query::StatsQuery;
use crate::stats::query::load;

use crate::auth::Caller;
use crate::error::{ApiResult, AppError};
use crate::extract::Json;
use crate::extract::Query;
use crate::state::AppState;
use axum::extract::State;
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use serde_json::{Value, json};
use shegong_domain::FieldError;
use shegong_domain::stats::{
    AGE_BANDS, CERTIFICATE_LABELS, Counts, EDUCATION_LABELS, GENDER_LABELS, POLITICAL_GROUPS, POST_LABELS,
    SERVICE_BANDS, density_hundredths, ratio_bp, sentences,
};
use shegong_store::stats::{self, Figures};

fn pct(part: i64, whole: i64) -> Value {
    ratio_bp(part, whole).map_or(Value::Null, |bp| json!(bp as f64 / 100.0))
}

fn density(workers: i64, population: i64, per: i64) -> Value {
    density_hundredths(workers, population, per).map_or(Value::Null, |h| json!(h as f64 / 100.0))
}

fn breakdown(labels: &[&str], counts: &[i64], whole: i64) -> Vec<Value> {
    labels
        .iter()
        .zip(counts)
        .map(|(l, n)| json!({"label": l, "count": n, "pct": pct(*n, whole)}))
        .collect()
}

pub(crate) fn band_labels(bands: &[(i32, &'static str)]) -> Vec<&'static str> {
    bands.iter().map(|(_, l)| *l).collect()
}

/// The figures of one set of counts, as the API gives them.
pub fn figures_json(c: &Counts, residents: i64, households: i64) -> Value {
    json!({
        "workers": c.workers,
        "full_time": c.full_time,
        "full_time_pct": pct(c.full_time, c.workers),
        "two_committees": c.two_committees,
        "college_or_above": c.college_or_above(),
        "college_or_above_pct": pct(c.college_or_above(), c.workers),
        "postgraduate": c.education[0],
        "certified": c.certified(),
        "certified_pct": pct(c.certified(), c.workers),
        "residents": residents,
        "households": households,
        "per_10k_residents": density(c.workers, residents, 10_000),
        "per_300_households": density(c.workers, households, 300),
        "by_post_category": breakdown(&POST_LABELS, &c.post, c.workers),
        "by_education": breakdown(&EDUCATION_LABELS, &c.education, c.workers),
        "by_certificate": breakdown(&CERTIFICATE_LABELS, &c.certificate, c.workers),
        "by_gender": breakdown(&GENDER_LABELS, &c.gender, c.workers),
        "by_political_status": breakdown(&POLITICAL_GROUPS, &c.political, c.workers),
        "by_age": breakdown(&band_labels(&AGE_BANDS), &c.age, c.workers),
        "by_service_years": breakdown(&band_labels(&SERVICE_BANDS), &c.service, c.workers),
    })
}

fn change(now: i64, base: i64) -> Value {
    json!({"base": base, "now": now, "delta": now - base, "pct": pct(now - base, base)})
}

pub fn stats_json(now: &Figures, base: Option<&Figures>) -> Value {
    let c = &now.counts;
    json!({
        "region": {"code": now.code, "name": now.name, "level": now.level},
        "date": now.date,
        "base_date": base.map(|b| b.date),
        "urban_only": now.urban_only,
        "figures": figures_json(c, now.residents, now.households),
        "base": base.map(|b| figures_json(&b.counts, b.residents, b.households)),
        "change": base.map(|b| json!({
            "workers": change(c.workers, b.counts.workers),
            "full_time": change(c.full_time, b.counts.full_time),
            "college_or_above": change(c.college_or_above(), b.counts.college_or_above()),
            "certified": change(c.certified(), b.counts.certified()),
            "two_committees": change(c.two_committees, b.counts.two_committees),
        })),
        "sentences": sentences(&now.name, now.date, c, base.map(|b| (b.date, &b.counts)), now.urban_only),
        "children": now.children.iter().map(|k| json!({
            "code": k.code,
            "name": k.name,
            "workers": k.counts.workers,
            "full_time": k.counts.full_time,
            "college_or_above": k.counts.college_or_above(),
            "certified": k.counts.certified(),
            "two_committees": k.counts.two_committees,
            "residents": k.residents,
            "households": k.households,
            "per_10k_residents": density(k.counts.workers, k.residents, 10_000),
            "per_300_households": density(k.counts.workers, k.households, 300),
        })).collect::<Vec<_>>(),
    })
}

/// `GET /api/v1/stats?region=&date=&base_date=&urban=`.
pub async fn api_stats(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<StatsQuery>,
) -> ApiResult<Json<Value>> {
    let a = q.ask(&caller, false)?;
    let (now, base) = load(&st, &caller, &a).await?;
    Ok(Json(stats_json(&now, base.as_ref())))
}

/// Year ends from `from` to the year before `date`, then `date` itself.
pub(crate) fn trend_days(from: i32, date: NaiveDate) -> Vec<NaiveDate> {
    let mut v: Vec<NaiveDate> = (from..date.year())
        .filter_map(|y| NaiveDate::from_ymd_opt(y, 12, 31))
        .collect();
    v.push(date);
    v
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TrendQuery {
    pub region: Option<String>,
    pub date: Option<String>,
    pub from_year: Option<i32>,
    pub urban: Option<String>,
}

/// `GET /api/v1/stats/trend?region=&from_year=&date=`: workers and full-time workers at each year end.
pub async fn api_trend(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<TrendQuery>,
) -> ApiResult<Json<Value>> {
    let a = StatsQuery {
        region: q.region.clone(),
        date: q.date.clone(),
        urban: q.urban.clone(),
        ..Default::default()
    }
    .ask(&caller, false)?;
    let from = match q.from_year {
        None => (a.date.year() - 10).max(FIRST_YEAR),
        Some(y) if (FIRST_YEAR..=a.date.year()).contains(&y) => y,
        Some(_) => {
            return Err(AppError::Invalid(vec![FieldError::new(
                "from_year_invalid",
                "from_year",
                format!("起始年份应在{FIRST_YEAR}年至统计日期所在年份之间"),
            )]));
        }
    };
    let t = stats::trend(&st.db, &caller.scope, &a.region, &trend_days(from, a.date), a.urban).await?;
    Ok(Json(json!(
        t.iter()
            .map(|(d, n, ft)| json!({"date": d, "workers": n, "full_time": ft}))
            .collect::<Vec<_>>()
    )))
}
