//! `/visits/dashboard?region=&year=`: 服务群众统计 — the weeks' visits and checks against the rule, each
//! child region's compliance, coverage, wishes, deliberation and talks (summed exactly up the tree),
//! charts drawn with ECharts, every table in Excel, and the seeds' sentences; the same as JSON under
//! `/api/v1/visits/dashboard`.
use crate::auth::{Caller, Ctx};
use crate::clock::today;
use crate::error::{ApiResult, AppError};
use crate::extract::{Json, Query};
use crate::page::PageResult;
use crate::sections::{FormSpec, Kpi, Msg, Section, SectionsPage, headers, hidden, link, n, pct, row, select, t};
use crate::state::AppState;
use axum::extract::{Query as PageQuery, State};
use chrono::Datelike;
use serde::Deserialize;
use serde_json::json;
use shegong_domain::RegionCode;
use shegong_store::residents::{self, ChildLine, ServiceDashboard};

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct DashboardQuery {
    /// 区划代码（默认本辖区）
    pub region: Option<String>,
    /// 年度（微心愿、议事按年统计；默认今年）
    pub year: Option<i32>,
}

fn year_of(y: Option<i32>) -> Result<i32, AppError> {
    let now = today().year();
    match y {
        None => Ok(now),
        Some(y) if (2000..=now).contains(&y) => Ok(y),
        Some(_) => Err(AppError::Invalid(vec![shegong_domain::FieldError::new(
            "dashboard_year",
            "year",
            format!("年度应在2000至{now}之间"),
        )])),
    }
}

/// 服务群众统计：近12周走访排查与应完成，上周各下级达标、住户覆盖，本年微心愿、居民议事，本季度谈心谈话，上级数字等于下级之和
#[utoipa::path(get, path = "/visits/dashboard", tag = "服务群众", params(DashboardQuery),
    responses((status = 200, description = "服务群众统计", body = ServiceDashboard)))]
pub async fn service_dashboard(
    Ctx { st, caller }: Ctx,
    Query(q): Query<DashboardQuery>,
) -> ApiResult<Json<ServiceDashboard>> {
    let year = year_of(q.year)?;
    let region =
        q.region.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(crate::query::region_of).transpose()?;
    Ok(Json(residents::dashboard(&st.db, &caller.access, region.as_ref(), year, today()).await?))
}

fn child_cells(c: &ChildLine, href: Option<String>) -> Vec<crate::sections::Cell> {
    let name = match href {
        Some(h) => link(&c.region_name, h),
        None => t(&c.region_name),
    };
    let (d, q) = (&c.done, &c.required);
    vec![
        name,
        n(c.workers),
        n(c.behind_workers),
        t(format!("{}/{}", d.visits + d.checks, q.visits + q.checks)),
        t(if c.households == 0 { "—".into() } else { pct(c.covered as i64, c.households as i64) }),
        n(c.wishes.posted),
        n(c.wishes.closed),
        n(c.deliberation.meetings),
        n(c.deliberation.solved),
        t(c.talks.coverage_text()),
    ]
}

/// `GET /visits/dashboard?region=&year=`.
pub(crate) async fn dashboard_page(
    State(st): State<AppState>,
    caller: Caller,
    PageQuery(m): PageQuery<Msg>,
) -> PageResult {
    let on = today();
    let year = year_of(m.year)?;
    let mut p = SectionsPage::new(&st, &caller, "service", "服务群众统计", &m).await?;
    p.links = super::links(&caller);
    let region = match m.region.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(r) => Some(RegionCode::parse(r).map_err(|_| AppError::NotFound)?),
        None => None,
    };
    let d = residents::dashboard(&st.db, &caller.access, region.as_ref(), year, on).await?;
    let name = shegong_store::regions::names(&st.db.conn, vec![d.region_code.clone()]).await?;
    let area = name.get(&d.region_code).cloned().unwrap_or_default();
    p.subtitle = format!("{area} · {year}年");
    if SectionsPage::wants_xlsx(&m) {
        p.title = format!("服务群众统计-{area}-{year}年");
    }
    let tot = &d.total;
    let mut kpis = vec![(
        "上周走访排查（已完成/应完成）".into(),
        format!("{}/{}", tot.done.visits + tot.done.checks, tot.required.visits + tot.required.checks),
        format!("未达标 {} 人（共 {} 人）", tot.behind_workers, tot.workers),
    )];
    if tot.households > 0 {
        kpis.push((
            "住户走访覆盖".into(),
            pct(tot.covered as i64, tot.households as i64),
            format!("{} 户，按政策周期计", tot.households),
        ));
    }
    kpis.extend([
        (
            "微心愿办结".into(),
            format!("{}/{}", tot.wishes.closed, tot.wishes.posted),
            tot.wishes.average_days.map_or("尚无实现".into(), |a| format!("平均 {a:.1} 天实现")),
        ),
        (
            "居民议事活动".into(),
            format!("{} 次", tot.deliberation.meetings),
            format!("协调解决问题 {} 项，议题 {} 个", tot.deliberation.solved, tot.deliberation.topics),
        ),
        ("谈心谈话覆盖".into(), tot.talks.coverage_text(), d.quarter_label.clone()),
    ]);
    p.kpis = Kpi::list(kpis);
    let this_year = on.year();
    p.sections.push(Section {
        id: "choose".into(),
        title: "统计口径".into(),
        text: format!(
            "{}。走访排查按{}计，应完成按各社区适用政策和当前在岗人数计；微心愿按发布年度、居民议事按{}年全年（至今）计；谈心谈话按{}计。",
            d.sentences.join("；"),
            d.week_label,
            year,
            d.quarter_label
        ),
        forms: vec![FormSpec {
            get: true,
            fields: vec![
                hidden("region", &d.region_code),
                select(
                    "年度",
                    "year",
                    &year.to_string(),
                    (this_year - 4..=this_year).rev().map(|y| (y.to_string(), format!("{y}年"))).collect(),
                ),
            ],
            button: "查看".into(),
            ..Default::default()
        }],
        ..Default::default()
    });
    let weeks = &d.weeks;
    let mut s = Section {
        id: "weeks".into(),
        title: format!("近{}周走访排查", residents::WEEKS),
        text: "已结束的各周登记的走访和排查，与按各社区政策、当前在岗人数应完成的次数。".into(),
        chart: json!({
            "type": "line",
            "categories": weeks.iter().map(|w| w.label.split('（').next().unwrap_or_default().to_string()).collect::<Vec<_>>(),
            "series": [
                ["已完成（走访＋排查）", weeks.iter().map(|w| w.done.visits + w.done.checks).collect::<Vec<_>>()],
                ["应完成（走访＋排查）", weeks.iter().map(|w| w.required.visits + w.required.checks).collect::<Vec<_>>()],
            ],
        })
        .to_string(),
        headers: headers(&["周", "#走访", "#排查", "#巡查", "#谈心（走访类型）", "#应完成（走访＋排查）"]),
        ..Default::default()
    };
    for w in weeks {
        s.rows.push(row(vec![
            t(&w.label),
            n(w.done.visits),
            n(w.done.checks),
            n(w.done.patrols),
            n(w.done.talks),
            n(w.required.visits + w.required.checks),
        ]));
    }
    p.sections.push(s);
    if d.region_code.len() < 12 {
        let q = format!("year={year}");
        let mut s = Section {
            id: "children".into(),
            title: "各下级".into(),
            text: "上周走访排查写作“已完成/应完成”；合计行等于各下级之和。".into(),
            chart: json!({
                "type": "bars",
                "categories": d.children.iter().map(|c| c.region_name.clone()).collect::<Vec<_>>(),
                "series": [
                    ["上周已完成", d.children.iter().map(|c| c.done.visits + c.done.checks).collect::<Vec<_>>()],
                    ["上周应完成", d.children.iter().map(|c| c.required.visits + c.required.checks).collect::<Vec<_>>()],
                    ["办结微心愿", d.children.iter().map(|c| c.wishes.closed).collect::<Vec<_>>()],
                    ["议事活动", d.children.iter().map(|c| c.deliberation.meetings).collect::<Vec<_>>()],
                ],
            })
            .to_string(),
            headers: headers(&[
                "区划",
                "#在岗",
                "#上周未达标",
                "上周走访排查",
                "住户覆盖",
                "#发布微心愿",
                "#办结微心愿",
                "#议事活动",
                "#解决问题",
                "谈心谈话覆盖",
            ]),
            ..Default::default()
        };
        for c in &d.children {
            let mut r = row(child_cells(c, Some(format!("/visits/dashboard?region={}&{q}", c.region_code))));
            r.flag = c.behind_workers > 0;
            s.rows.push(r);
        }
        let total = ChildLine { region_name: "合计".into(), ..d.total.clone() };
        s.rows.push(row(child_cells(&total, None)));
        p.sections.push(s);
    }
    let mut s = Section {
        id: "wishes".into(),
        title: "微心愿状态".into(),
        text: format!("{year}年发布的微心愿，按现在的状态。"),
        chart: if d.wish_states.is_empty() {
            String::new()
        } else {
            json!({"type": "pie", "unit": "条", "data": d.wish_states}).to_string()
        },
        headers: headers(&["状态", "#条数"]),
        ..Default::default()
    };
    for (state, count) in &d.wish_states {
        s.rows.push(row(vec![t(state), n(count)]));
    }
    p.sections.push(s);
    p.finish(&m).await
}
