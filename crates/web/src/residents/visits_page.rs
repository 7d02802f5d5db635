//! `/visits`: record a visit in under a minute from a phone (kind, household or place, what was
//! found, optionally reported as an event), this week's figures against the rule, and the visits
//! recorded (a worker's own; the region's for the staff).
use crate::auth::Caller;
use crate::clock::today;
use crate::page::PageResult;
use crate::posted::Posted;
use crate::sections::{FormSpec, Kpi, Msg, Section, SectionsPage, headers, input, link, row, select, t};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::response::Response;
use shegong_domain::visits::{Period, VisitKind};
use shegong_domain::{Permission, RegionLevel};
use shegong_store::residents::{self, HouseholdFilter, VisitFilter, VisitInput, VisitReport};
use uuid::Uuid;

const PER_PAGE: u64 = 30;

/// Whether the caller records visits here: a worker, or the head of a community.
fn records(caller: &Caller) -> bool {
    caller.role.may(Permission::ServeResidents)
        && (caller.scope.only_worker().is_some() || caller.scope.region().level() == RegionLevel::Community)
}

async fn form(st: &AppState, caller: &Caller, m: &Msg) -> Result<Section, crate::error::AppError> {
    let community = caller.scope.region().as_str().to_string();
    let on = today();
    let mut fields = Vec::new();
    if caller.scope.only_worker().is_none() {
        let people = shegong_store::grids::candidates(&st.db, &caller.scope, &community).await?;
        fields.push(select(
            "走访人",
            "worker_id",
            "",
            std::iter::once((String::new(), "请选择".to_string()))
                .chain(people.into_iter().map(|p| (p.worker_id.to_string(), p.name)))
                .collect(),
        ));
    }
    fields.push(select(
        "类型",
        "kind",
        "visit",
        VisitKind::ALL.map(|k| (k.as_str().into(), k.label().into())).to_vec(),
    ));
    let (homes, _) = residents::list(&st.db, &caller.access, &HouseholdFilter::default(), 1, 500, on).await?;
    let chosen = m.household.clone().unwrap_or_default();
    fields.push(select(
        "住户",
        "household_id",
        &chosen,
        std::iter::once((String::new(), "（不是入户走访）".to_string()))
            .chain(homes.into_iter().map(|h| {
                let care = if h.overdue { "（逾期未走访）" } else { "" };
                (h.id.to_string(), format!("{} {}（{}）{care}", h.grid_name, h.address, h.head_name))
            }))
            .collect(),
    ));
    let grids = shegong_store::events::public::grids(&st.db, &community).await?;
    fields.push(select(
        "网格",
        "grid",
        "",
        std::iter::once((String::new(), "（随住户）".to_string()))
            .chain(grids.into_iter().map(|g| (g.code, g.name)))
            .collect(),
    ));
    fields.push(input("地点", "place", "text", "", 16));
    fields.push(input("日期", "on_date", "date", on.to_string(), 10));
    fields.push(input("发现的情况", "finding", "note", "", 2000));
    let policy = shegong_store::events::policy_for(&st.db, &community, on).await?;
    fields.push(select(
        "同时上报民情事件",
        "report_category",
        "",
        std::iter::once((String::new(), "不上报".to_string()))
            .chain(
                policy
                    .categories
                    .iter()
                    .map(|c| (c.key.clone(), policy.path_label(&c.key).unwrap_or_else(|| c.label.clone()))),
            )
            .collect(),
    ));
    Ok(Section {
        id: "record".into(),
        title: "登记走访".into(),
        text:
            "选住户即为入户走访；巡查可只选网格或填地点。发现的问题选了事件分类，会同时上报为民情事件，进入办理流程。"
                .into(),
        forms: vec![FormSpec { action: "/visits".into(), fields, button: "登记".into(), ..Default::default() }],
        ..Default::default()
    })
}

/// `GET /visits`.
pub(crate) async fn visits_page(State(st): State<AppState>, caller: Caller, Query(m): Query<Msg>) -> PageResult {
    let mut p = SectionsPage::new(&st, &caller, "service", "服务群众", &m).await?;
    p.links = super::links(&caller);
    let on = today();
    if records(&caller) {
        let week = Period::week(chrono::Datelike::iso_week(&on));
        let r = residents::compliance(&st.db, &caller.access, None, week, on).await?;
        let (done, need) = r.rows.iter().fold((0, 0), |(d, n), x| {
            (
                d + x.compliance.done.visits + x.compliance.done.checks,
                n + x.compliance.required.visits + x.compliance.required.checks,
            )
        });
        let alerts = residents::care_alerts(&st.db, &caller.access, None, on).await?;
        p.kpis = Kpi::list(vec![
            (
                "本周走访排查".into(),
                format!("{done} / {need}"),
                format!("每周走访{}次、排查{}次", r.rule.visits_per_week, r.rule.checks_per_week),
            ),
            match (caller.scope.only_worker(), r.rows.first()) {
                (Some(_), Some(me)) => {
                    let (q, k) = (&me.compliance.required, &me.compliance.done);
                    let short = |a: u32, b: u32| a.saturating_sub(b);
                    (
                        "本周还差".into(),
                        format!("{} 次", me.compliance.behind),
                        format!(
                            "走访{}次、排查{}次、巡查{}次",
                            short(q.visits, k.visits),
                            short(q.checks, k.checks),
                            short(q.patrols, k.patrols)
                        ),
                    )
                }
                _ => ("本周未达标".into(), format!("{} 人", r.behind_workers), format!("共 {} 人", r.workers)),
            },
            ("逾期未走访的关爱户".into(), alerts.len().to_string(), "按关爱标签的走访周期".into()),
        ]);
        p.sections.push(form(&st, &caller, &m).await?);
    }
    let (page, per_page) =
        if SectionsPage::wants_xlsx(&m) { (1, 100_000) } else { (m.page.unwrap_or(1).max(1), PER_PAGE) };
    let filter = VisitFilter { kind: m.kind.clone(), region: m.region.clone(), ..Default::default() };
    let (rows, total) = residents::visits(&st.db, &caller.access, &filter, page, per_page).await?;
    let mut s = Section {
        id: "list".into(),
        title: format!("走访记录（{total}条）"),
        forms: vec![FormSpec {
            get: true,
            fields: vec![select(
                "类型",
                "kind",
                &m.kind.clone().unwrap_or_default(),
                std::iter::once((String::new(), "全部".to_string()))
                    .chain(VisitKind::ALL.map(|k| (k.as_str().to_string(), k.label().to_string())))
                    .collect(),
            )],
            button: "筛选".into(),
            ..Default::default()
        }],
        headers: headers(&["日期", "类型", "走访人", "住户或地点", "发现的情况", "民情事件"]),
        cards: true,
        whole_export: true,
        ..Default::default()
    };
    for v in rows {
        s.rows.push(row(vec![
            t(v.on_date),
            t(&v.kind_label),
            t(&v.worker_name),
            match v.household_id {
                Some(h) if caller.scope.only_worker().is_none() => link(&v.place, format!("/households/{h}")),
                _ => t(&v.place),
            },
            t(v.finding.unwrap_or_default()),
            match (v.event_id, &v.event_number) {
                (Some(e), Some(number)) => link(number, format!("/events/{e}")),
                _ => t(""),
            },
        ]));
    }
    s.pager = Msg { per_page: Some(PER_PAGE), ..m.clone() }.page_links("/visits", total as usize);
    p.sections.push(s);
    p.finish(&m).await
}

/// `POST /visits` (the form).
pub(crate) async fn record(form: Posted) -> Response {
    form.act(Permission::ServeResidents, "/visits", async |st, access, f| {
        let id = |k: &str| f.opt(k).and_then(|v| Uuid::parse_str(&v).ok());
        let i = VisitInput {
            worker_id: id("worker_id"),
            kind: f.get("kind"),
            on_date: f.opt("on_date"),
            household_id: id("household_id"),
            grid: f.opt("grid"),
            place: f.opt("place"),
            finding: f.opt("finding"),
            report: f.opt("report_category").map(|category| VisitReport { category, urgency: None }),
        };
        let v = residents::record(&st.db, access, &i, today()).await?;
        let kind = VisitKind::parse(&v.kind).map_or("", VisitKind::label);
        Ok(if v.event_id.is_some() {
            format!("已登记{}（{}），发现的问题已上报为民情事件", kind, v.on_date)
        } else {
            format!("已登记{}（{}）", kind, v.on_date)
        })
    })
    .await
}
