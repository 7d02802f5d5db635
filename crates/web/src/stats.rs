//! 统计分析: figures of a region for any date against a base date, as JSON, as a dashboard page
//! with charts and drill-down, and as Excel (every chart and table). The store computes; this module
//! shapes.

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiResult, AppError};
use crate::export::{xerr, xlsx_response};
use crate::extract::Json;
use crate::extract::Query;
use crate::pages::{Chrome, PageResult, chrome, render};
use crate::views::today;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{Format, Workbook};
use serde::Deserialize;
use serde_json::{Value, json};
use shegong_domain::stats::{
    AGE_BANDS, CERTIFICATE_LABELS, Counts, EDUCATION_LABELS, GENDER_LABELS, POLITICAL_GROUPS, POST_LABELS,
    SERVICE_BANDS, density_hundredths, fmt_bp, ratio_bp, sentences,
};
use shegong_domain::worker::parse_date;
use shegong_domain::{FieldError, RegionCode};
use shegong_store::stats::{self, Figures};

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct StatsQuery {
    pub region: Option<String>,
    pub date: Option<String>,
    pub base_date: Option<String>,
    /// Only urban communities (城乡分类 1xx): the seeds' "城市社区工作者".
    pub urban: Option<String>,
    /// For the Excel export: one part (`structure`, `children`, `trend`) or all.
    pub part: Option<String>,
}

/// The request, parsed.
pub struct Ask {
    pub region: RegionCode,
    pub date: NaiveDate,
    pub base: Option<NaiveDate>,
    pub urban: bool,
}

fn day(field: &'static str, label: &str, s: &Option<String>) -> ApiResult<Option<NaiveDate>> {
    match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Ok(Some(parse_date(field, label, s)?)),
        None => Ok(None),
    }
}

impl StatsQuery {
    /// Defaults: the caller's region, today, and the end of the year five years before.
    pub fn ask(&self, caller: &Caller, default_base: bool) -> ApiResult<Ask> {
        let region = match self.region.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(r) => RegionCode::parse(r).map_err(|e| AppError::Invalid(vec![e]))?,
            None => caller.scope.region().clone(),
        };
        let date = day("date", "统计日期", &self.date)?.unwrap_or_else(today);
        let base = match day("base_date", "对比日期", &self.base_date)? {
            Some(b) => Some(b),
            None if default_base => NaiveDate::from_ymd_opt(date.year() - 5, 12, 31),
            None => None,
        };
        if base.is_some_and(|b| b >= date) {
            return Err(AppError::Invalid(vec![FieldError::new(
                "base_date_order",
                "base_date",
                "对比日期应早于统计日期",
            )]));
        }
        if date > today() {
            return Err(AppError::Invalid(vec![FieldError::new(
                "date_future",
                "date",
                "统计日期不能晚于今天",
            )]));
        }
        for (field, d) in [("date", Some(date)), ("base_date", base)] {
            if d.is_some_and(|d| d.year() < FIRST_YEAR) {
                return Err(AppError::Invalid(vec![FieldError::new(
                    "date_too_early",
                    field,
                    format!("统计日期不能早于{FIRST_YEAR}年"),
                )]));
            }
        }
        let urban = matches!(self.urban.as_deref(), Some("true" | "1" | "on"));
        Ok(Ask {
            region,
            date,
            base,
            urban,
        })
    }
}

/// The earliest year figures are asked for (the archive's histories start later).
const FIRST_YEAR: i32 = 1990;

/// Figures on the day and on the base day.
pub async fn load(st: &AppState, caller: &Caller, a: &Ask) -> ApiResult<(Figures, Option<Figures>)> {
    let now = stats::figures(&st.db, &caller.scope, &a.region, a.date, a.urban).await?;
    let base = match a.base {
        Some(b) => Some(stats::figures(&st.db, &caller.scope, &a.region, b, a.urban).await?),
        None => None,
    };
    Ok((now, base))
}

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

fn band_labels(bands: &[(i32, &'static str)]) -> Vec<&'static str> {
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
fn trend_days(from: i32, date: NaiveDate) -> Vec<NaiveDate> {
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

// ---------------------------------------------------------------------------------------------
// Excel

fn structure_rows(c: &Counts) -> Vec<(&'static str, &'static str, i64)> {
    let mut v = Vec::new();
    let mut push = |dim: &'static str, labels: Vec<&'static str>, counts: &[i64]| {
        for (l, n) in labels.into_iter().zip(counts) {
            v.push((dim, l, *n));
        }
    };
    push("岗位类别", POST_LABELS.to_vec(), &c.post);
    push("学历", EDUCATION_LABELS.to_vec(), &c.education);
    push("社工证等级", CERTIFICATE_LABELS.to_vec(), &c.certificate);
    push("年龄", band_labels(&AGE_BANDS), &c.age);
    push("性别", GENDER_LABELS.to_vec(), &c.gender);
    push("政治面貌", POLITICAL_GROUPS.to_vec(), &c.political);
    push("工作年限", band_labels(&SERVICE_BANDS), &c.service);
    v
}

/// `GET /api/v1/stats.xlsx?…&part=structure|children|trend`: the dashboard's charts and tables.
pub async fn api_stats_xlsx(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<StatsQuery>,
) -> ApiResult<Response> {
    let a = q.ask(&caller, false)?;
    let part = q.part.as_deref().unwrap_or("all");
    if !matches!(part, "all" | "summary" | "structure" | "children" | "trend") {
        return Err(AppError::Invalid(vec![FieldError::new(
            "part_unknown",
            "part",
            "导出内容应为 summary、structure、children 或 trend",
        )]));
    }
    let (now, base) = load(&st, &caller, &a).await?;
    let trend = if matches!(part, "all" | "trend") {
        let from = a.base.map_or(a.date.year() - 10, |b| b.year());
        stats::trend(&st.db, &caller.scope, &a.region, &trend_days(from, a.date), a.urban).await?
    } else {
        Vec::new()
    };
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let pctf = Format::new().set_num_format("0.00");
    let c = &now.counts;
    let bc = base.as_ref().map(|b| &b.counts);
    if matches!(part, "all" | "summary") {
        let ws = wb.add_worksheet().set_name("概况").map_err(xerr)?;
        ws.write_string_with_format(0, 0, format!("{}（{}）", now.name, now.code), &bold)
            .map_err(xerr)?;
        ws.write_string(1, 0, format!("统计日期：{}", now.date)).map_err(xerr)?;
        let heads = ["指标", "统计日期", "对比日期", "增减", "增幅（%）"];
        for (i, h) in heads.iter().enumerate() {
            ws.write_string_with_format(3, i as u16, *h, &bold).map_err(xerr)?;
        }
        ws.set_column_width(0, 28).map_err(xerr)?;
        let lines: [(&str, i64, Option<i64>); 6] = [
            ("社区工作者", c.workers, bc.map(|b| b.workers)),
            ("其中专职", c.full_time, bc.map(|b| b.full_time)),
            ("社区“两委”成员", c.two_committees, bc.map(|b| b.two_committees)),
            ("大专以上学历", c.college_or_above(), bc.map(Counts::college_or_above)),
            ("研究生学历", c.education[0], bc.map(|b| b.education[0])),
            ("持证（助理社会工作师及以上）", c.certified(), bc.map(Counts::certified)),
        ];
        for (i, (label, n, b)) in lines.iter().enumerate() {
            let r = 4 + i as u32;
            ws.write_string(r, 0, *label).map_err(xerr)?;
            ws.write_number(r, 1, *n as f64).map_err(xerr)?;
            if let Some(b) = b {
                ws.write_number(r, 2, *b as f64).map_err(xerr)?;
                ws.write_number(r, 3, (n - b) as f64).map_err(xerr)?;
                if let Some(bp) = ratio_bp(n - b, *b) {
                    ws.write_number_with_format(r, 4, bp as f64 / 100.0, &pctf)
                        .map_err(xerr)?;
                }
            }
        }
        let r = 4 + lines.len() as u32 + 1;
        for (i, s) in sentences(
            &now.name,
            now.date,
            c,
            base.as_ref().map(|b| (b.date, &b.counts)),
            a.urban,
        )
        .iter()
        .enumerate()
        {
            ws.write_string(r + i as u32, 0, s).map_err(xerr)?;
        }
    }
    if matches!(part, "all" | "structure") {
        let ws = wb.add_worksheet().set_name("队伍结构").map_err(xerr)?;
        for (i, h) in ["分类", "项目", "人数", "占比（%）"].iter().enumerate() {
            ws.write_string_with_format(0, i as u16, *h, &bold).map_err(xerr)?;
        }
        ws.set_column_width(1, 18).map_err(xerr)?;
        for (i, (dim, label, n)) in structure_rows(c).iter().enumerate() {
            let r = i as u32 + 1;
            ws.write_string(r, 0, *dim).map_err(xerr)?;
            ws.write_string(r, 1, *label).map_err(xerr)?;
            ws.write_number(r, 2, *n as f64).map_err(xerr)?;
            if let Some(bp) = ratio_bp(*n, c.workers) {
                ws.write_number_with_format(r, 3, bp as f64 / 100.0, &pctf)
                    .map_err(xerr)?;
            }
        }
    }
    if matches!(part, "all" | "children") {
        let ws = wb.add_worksheet().set_name("下级区划").map_err(xerr)?;
        let heads = [
            "代码",
            "名称",
            "社区工作者",
            "专职",
            "大专以上",
            "持证",
            "两委成员",
            "常住人口",
            "户数",
            "每万人",
            "每300户",
        ];
        for (i, h) in heads.iter().enumerate() {
            ws.write_string_with_format(0, i as u16, *h, &bold).map_err(xerr)?;
        }
        ws.set_column_width(0, 14).map_err(xerr)?;
        ws.set_column_width(1, 16).map_err(xerr)?;
        for (i, k) in now.children.iter().enumerate() {
            let r = i as u32 + 1;
            ws.write_string(r, 0, &k.code).map_err(xerr)?;
            ws.write_string(r, 1, &k.name).map_err(xerr)?;
            let kc = &k.counts;
            for (j, v) in [
                kc.workers,
                kc.full_time,
                kc.college_or_above(),
                kc.certified(),
                kc.two_committees,
                k.residents,
                k.households,
            ]
            .iter()
            .enumerate()
            {
                ws.write_number(r, 2 + j as u16, *v as f64).map_err(xerr)?;
            }
            for (j, d) in [
                density_hundredths(kc.workers, k.residents, 10_000),
                density_hundredths(kc.workers, k.households, 300),
            ]
            .iter()
            .enumerate()
            {
                if let Some(h) = d {
                    ws.write_number_with_format(r, 9 + j as u16, *h as f64 / 100.0, &pctf)
                        .map_err(xerr)?;
                }
            }
        }
    }
    if matches!(part, "all" | "trend") {
        let ws = wb.add_worksheet().set_name("历年变化").map_err(xerr)?;
        for (i, h) in ["日期", "社区工作者", "专职"].iter().enumerate() {
            ws.write_string_with_format(0, i as u16, *h, &bold).map_err(xerr)?;
        }
        ws.set_column_width(0, 12).map_err(xerr)?;
        for (i, (d, n, ft)) in trend.iter().enumerate() {
            let r = i as u32 + 1;
            ws.write_string(r, 0, d.to_string()).map_err(xerr)?;
            ws.write_number(r, 1, *n as f64).map_err(xerr)?;
            ws.write_number(r, 2, *ft as f64).map_err(xerr)?;
        }
    }
    let name = format!("统计分析-{}-{}.xlsx", now.name, now.date.format("%Y%m%d"));
    xlsx_response(wb, "stats.xlsx", &name).await
}

// ---------------------------------------------------------------------------------------------
// Page

/// The dashboard page.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/stats", axum::routing::get(stats_page))
}

pub struct Chart {
    pub title: String,
    pub spec: String,
    pub part: &'static str,
}

#[derive(Template)]
#[template(path = "stats.html")]
struct StatsPage {
    c: Chrome,
    name: String,
    code: String,
    date: String,
    base_date: String,
    urban: bool,
    query: String,
    crumbs: Vec<(String, String)>,
    kpis: Vec<(String, String, String)>,
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

fn delta_text(now: i64, base: Option<i64>, base_date: Option<NaiveDate>) -> String {
    match (base, base_date) {
        (Some(b), Some(d)) => {
            let sign = if now >= b { "+" } else { "−" };
            format!("较{}{}{}（{}）", d, sign, (now - b).abs(), pct_text(now - b, b))
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
            StatsQuery {
                region: q.region.clone(),
                ..Default::default()
            }
            .ask(&caller, true)?,
            e.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("；"),
        ),
        Err(e) => return Err(e.into()),
    };
    let (now, base) = load(&st, &caller, &a).await?;
    let k = &now.counts;
    let b = base.as_ref().map(|b| &b.counts);
    let bd = base.as_ref().map(|b| b.date);
    let kpis = vec![
        (
            "社区工作者".into(),
            k.workers.to_string(),
            delta_text(k.workers, b.map(|b| b.workers), bd),
        ),
        (
            "其中专职".into(),
            format!("{}（{}）", k.full_time, pct_text(k.full_time, k.workers)),
            delta_text(k.full_time, b.map(|b| b.full_time), bd),
        ),
        (
            "大专以上学历".into(),
            format!(
                "{}（{}）",
                k.college_or_above(),
                pct_text(k.college_or_above(), k.workers)
            ),
            format!("研究生 {} 人", k.education[0]),
        ),
        (
            "持证社工".into(),
            format!("{}（{}）", k.certified(), pct_text(k.certified(), k.workers)),
            delta_text(k.certified(), b.map(Counts::certified), bd),
        ),
        (
            "每万常住人口".into(),
            density_text(k.workers, now.residents, 10_000),
            format!("常住人口 {}", now.residents),
        ),
        (
            "每300户".into(),
            density_text(k.workers, now.households, 300),
            format!("户数 {}", now.households),
        ),
        (
            "社区“两委”成员".into(),
            k.two_committees.to_string(),
            delta_text(k.two_committees, b.map(|b| b.two_committees), bd),
        ),
        (
            "下级区划".into(),
            now.children.len().to_string(),
            a.region.level().child().map_or("", |l| l.label()).to_string(),
        ),
    ];
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
        spec: if is_pie {
            pie(labels, counts)
        } else {
            bars(labels, counts)
        },
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
    let drill = now.children.first().is_some_and(|k| k.code.len() < 12);
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
                    if drill {
                        format!("/stats?region={}&{query}", x.code)
                    } else {
                        format!("/regions/{}", x.code)
                    },
                ),
                (kc.workers.to_string(), String::new()),
                (kc.full_time.to_string(), String::new()),
                (pct_text(kc.college_or_above(), kc.workers), String::new()),
                (pct_text(kc.certified(), kc.workers), String::new()),
                (kc.two_committees.to_string(), String::new()),
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
        sentences: sentences(
            &now.name,
            now.date,
            k,
            base.as_ref().map(|b| (b.date, &b.counts)),
            a.urban,
        ),
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
