//! The figures as JSON: as of a date, compared with another, and as a trend.
use crate::stats::query::FIRST_YEAR;
use crate::stats::query::StatsQuery;
use crate::stats::query::load;

use crate::auth::Ctx;
use crate::error::{ApiResult, AppError};
use crate::extract::Json;
use crate::extract::Query;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use shegong_domain::FieldError;
use shegong_domain::stats::{
    AGE_BANDS, CERTIFICATE_LABELS, Counts, EDUCATION_LABELS, GENDER_LABELS, POLITICAL_GROUPS, POST_LABELS,
    SERVICE_BANDS, density_hundredths, ratio_bp, sentences,
};
use shegong_store::stats::{self, Figures};

/// A share in percent with two decimals; `None` when the whole is zero.
fn pct(part: i64, whole: i64) -> Option<f64> {
    ratio_bp(part, whole).map(|bp| bp as f64 / 100.0)
}

/// Workers per `per` residents or households, with two decimals; `None` when there are none.
fn density(workers: i64, population: i64, per: i64) -> Option<f64> {
    density_hundredths(workers, population, per).map(|h| h as f64 / 100.0)
}

/// One group of a breakdown: its label, how many, and their share.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Share {
    pub label: &'static str,
    pub count: i64,
    pub pct: Option<f64>,
}

fn breakdown(labels: &[&'static str], counts: &[i64], whole: i64) -> Vec<Share> {
    labels.iter().zip(counts).map(|(label, n)| Share { label, count: *n, pct: pct(*n, whole) }).collect()
}

pub(crate) fn band_labels(bands: &[(i32, &'static str)]) -> Vec<&'static str> {
    bands.iter().map(|(_, l)| *l).collect()
}

/// The figures of one set of counts.
#[derive(Serialize, utoipa::ToSchema)]
pub struct FiguresView {
    pub workers: i64,
    pub full_time: i64,
    pub full_time_pct: Option<f64>,
    pub two_committees: i64,
    pub college_or_above: i64,
    pub college_or_above_pct: Option<f64>,
    pub postgraduate: i64,
    pub certified: i64,
    pub certified_pct: Option<f64>,
    pub residents: i64,
    pub households: i64,
    pub per_10k_residents: Option<f64>,
    pub per_300_households: Option<f64>,
    pub by_post_category: Vec<Share>,
    pub by_education: Vec<Share>,
    pub by_certificate: Vec<Share>,
    pub by_gender: Vec<Share>,
    pub by_political_status: Vec<Share>,
    pub by_age: Vec<Share>,
    pub by_service_years: Vec<Share>,
}

pub fn figures_view(c: &Counts, residents: i64, households: i64) -> FiguresView {
    FiguresView {
        workers: c.workers,
        full_time: c.full_time,
        full_time_pct: pct(c.full_time, c.workers),
        two_committees: c.two_committees,
        college_or_above: c.college_or_above(),
        college_or_above_pct: pct(c.college_or_above(), c.workers),
        postgraduate: c.education[0],
        certified: c.certified(),
        certified_pct: pct(c.certified(), c.workers),
        residents,
        households,
        per_10k_residents: density(c.workers, residents, 10_000),
        per_300_households: density(c.workers, households, 300),
        by_post_category: breakdown(&POST_LABELS, &c.post, c.workers),
        by_education: breakdown(&EDUCATION_LABELS, &c.education, c.workers),
        by_certificate: breakdown(&CERTIFICATE_LABELS, &c.certificate, c.workers),
        by_gender: breakdown(&GENDER_LABELS, &c.gender, c.workers),
        by_political_status: breakdown(&POLITICAL_GROUPS, &c.political, c.workers),
        by_age: breakdown(&band_labels(&AGE_BANDS), &c.age, c.workers),
        by_service_years: breakdown(&band_labels(&SERVICE_BANDS), &c.service, c.workers),
    }
}

/// A count at the base date and now.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Change {
    pub base: i64,
    pub now: i64,
    pub delta: i64,
    pub pct: Option<f64>,
}

fn change(now: i64, base: i64) -> Change {
    Change { base, now, delta: now - base, pct: pct(now - base, base) }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Changes {
    pub workers: Change,
    pub full_time: Change,
    pub college_or_above: Change,
    pub certified: Change,
    pub two_committees: Change,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct RegionRef {
    pub code: String,
    pub name: String,
    pub level: String,
}

/// A child region's main figures (its counts are the sums of its own children's).
#[derive(Serialize, utoipa::ToSchema)]
pub struct ChildFigures {
    pub code: String,
    pub name: String,
    pub workers: i64,
    pub full_time: i64,
    pub college_or_above: i64,
    pub certified: i64,
    pub two_committees: i64,
    pub residents: i64,
    pub households: i64,
    pub per_10k_residents: Option<f64>,
    pub per_300_households: Option<f64>,
}

/// The figures of a region on a day, compared with a base date when one is asked for.
#[derive(Serialize, utoipa::ToSchema)]
pub struct StatsView {
    pub region: RegionRef,
    pub date: NaiveDate,
    pub base_date: Option<NaiveDate>,
    pub urban_only: bool,
    pub figures: FiguresView,
    pub base: Option<FiguresView>,
    pub change: Option<Changes>,
    /// The figures in words (情况说明).
    pub sentences: Vec<String>,
    pub children: Vec<ChildFigures>,
}

pub fn stats_view(now: &Figures, base: Option<&Figures>) -> StatsView {
    let c = &now.counts;
    StatsView {
        region: RegionRef { code: now.code.clone(), name: now.name.clone(), level: now.level.clone() },
        date: now.date,
        base_date: base.map(|b| b.date),
        urban_only: now.urban_only,
        figures: figures_view(c, now.residents, now.households),
        base: base.map(|b| figures_view(&b.counts, b.residents, b.households)),
        change: base.map(|b| Changes {
            workers: change(c.workers, b.counts.workers),
            full_time: change(c.full_time, b.counts.full_time),
            college_or_above: change(c.college_or_above(), b.counts.college_or_above()),
            certified: change(c.certified(), b.counts.certified()),
            two_committees: change(c.two_committees, b.counts.two_committees),
        }),
        sentences: sentences(&now.name, now.date, c, base.map(|b| (b.date, &b.counts)), now.urban_only),
        children: now
            .children
            .iter()
            .map(|k| ChildFigures {
                code: k.code.clone(),
                name: k.name.clone(),
                workers: k.counts.workers,
                full_time: k.counts.full_time,
                college_or_above: k.counts.college_or_above(),
                certified: k.counts.certified(),
                two_committees: k.counts.two_committees,
                residents: k.residents,
                households: k.households,
                per_10k_residents: density(k.counts.workers, k.residents, 10_000),
                per_300_households: density(k.counts.workers, k.households, 300),
            })
            .collect(),
    }
}

/// 某区划某日的队伍统计（按历史记录计算，非当前状态）：人数、专职、岗位类别、学历、证书、年龄、性别、政治面貌、工作年限，大专以上与持证占比，每万常住人口与每300户人数，相对对比日期的增减与增幅，生成的情况说明，以及各下级区划（计数为下级之和）
#[utoipa::path(get, path = "/stats", tag = "统计分析", params(StatsQuery),
    responses((status = 200, description = "统计", body = StatsView)))]
pub async fn api_stats(Ctx { st, caller }: Ctx, Query(q): Query<StatsQuery>) -> ApiResult<Json<StatsView>> {
    let a = q.ask(&caller, false)?;
    let (now, base) = load(&st, &caller, &a).await?;
    Ok(Json(stats_view(&now, base.as_ref())))
}

/// Year ends from `from` to the year before `date`, then `date` itself.
pub(crate) fn trend_days(from: i32, date: NaiveDate) -> Vec<NaiveDate> {
    let mut v: Vec<NaiveDate> = (from..date.year()).filter_map(|y| NaiveDate::from_ymd_opt(y, 12, 31)).collect();
    v.push(date);
    v
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct TrendQuery {
    pub region: Option<String>,
    pub date: Option<String>,
    pub from_year: Option<i32>,
    pub urban: Option<String>,
}

/// 历年年底人数及专职人数
#[utoipa::path(get, path = "/stats/trend", tag = "统计分析", params(TrendQuery),
    responses((status = 200, description = "各年年底及统计日期的人数", body = Vec<TrendPoint>)))]
pub async fn api_trend(Ctx { st, caller }: Ctx, Query(q): Query<TrendQuery>) -> ApiResult<Json<Vec<TrendPoint>>> {
    let a = StatsQuery { region: q.region.clone(), date: q.date.clone(), urban: q.urban.clone(), ..Default::default() }
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
    Ok(Json(t.into_iter().map(|(date, workers, full_time)| TrendPoint { date, workers, full_time }).collect()))
}

/// Workers and full-time workers on a day.
#[derive(Serialize, utoipa::ToSchema)]
pub struct TrendPoint {
    pub date: NaiveDate,
    pub workers: i64,
    pub full_time: i64,
}
