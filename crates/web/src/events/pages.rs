//! The events pages: the list with the caller's 待办 and the report form, and one event with its
//! timeline and a form for each step the caller may take now.

use crate::auth::Caller;
use crate::error::AppError;
use crate::events::views::EventItem;
use crate::page::{PageResult, SubForm};
use crate::sections::{
    FormSpec, Kpi, Msg, Row, Section, SectionsPage, headers, hidden, input, link, row, select, store, t,
};
use crate::state::AppState;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::Datelike;
use serde::Deserialize;
use shegong_domain::event_access::Source;
use shegong_domain::event_policy::{EventPolicy, Urgency};
use shegong_domain::events::EventState;
use shegong_store::events::{self, EventFilter, NewEvent};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    #[serde(flatten)]
    filter: EventFilter,
    page: Option<u64>,
}

const PER_PAGE: u64 = 30;

fn options(all: &str, v: impl IntoIterator<Item = (String, String)>) -> Vec<(String, String)> {
    std::iter::once((String::new(), all.to_string())).chain(v).collect()
}

fn category_options(policy: &EventPolicy) -> Vec<(String, String)> {
    policy
        .categories
        .iter()
        .map(|c| (c.key.clone(), policy.path_label(&c.key).unwrap_or_else(|| c.label.clone())))
        .collect()
}

fn event_row(e: &EventItem) -> Row {
    let mut r = row(vec![
        link(&e.number, format!("/events/{}", e.id)),
        t(&e.category_label),
        t(&e.region_name),
        t(&e.state_label),
        t(if e.warning == "none" { String::new() } else { e.warning_label.clone() }),
        t(&e.reported_at_text),
        t(&e.total_due_text),
        t(&e.source_label),
    ]);
    r.flag = e.warning == "red";
    r
}

const HEADERS: [&str; 8] = ["编号", "分类", "事发地", "状态", "时限", "上报时间", "办结时限", "来源"];

/// `GET /events`: the caller's 待办, the report form, and the events of their region.
pub(crate) async fn events_page(
    State(st): State<AppState>,
    caller: Caller,
    Query(m): Query<Msg>,
    Query(q): Query<ListQuery>,
) -> PageResult {
    build(&st, &caller, &m, &q, &NewEvent::default()).await?.finish(&m).await
}

/// The events page, its report form filled with `typed` (what a refused report had in it).
async fn build(
    st: &AppState,
    caller: &Caller,
    m: &Msg,
    q: &ListQuery,
    typed: &NewEvent,
) -> Result<SectionsPage, crate::error::PageError> {
    let (st, caller) = (st.clone(), caller);
    let mut p = SectionsPage::new(&st, caller, "events", "民情事件", m).await?;
    let region = caller.scope.region().as_str().to_string();
    let policy = events::policy_for(&st.db, &region, crate::clock::today()).await?;
    let todo = events::todo(&st.db, &caller.access, 200).await?;
    let todo = crate::events::api::items(&st, caller, &todo).await?;
    let count = |f: EventFilter| {
        let st = st.clone();
        let scope = caller.scope.clone();
        async move { store(events::list(&st.db, &scope, &f, 1, 1).await).map(|(_, n)| n) }
    };
    let open = count(EventFilter { state: Some("open".into()), ..Default::default() }).await?;
    let overdue = count(EventFilter { overdue: Some("true".into()), ..Default::default() }).await?;
    let today = crate::clock::today();
    let month = today.with_day(1).unwrap_or(today).to_string();
    let this_month = count(EventFilter { from: Some(month), ..Default::default() }).await?;
    let red = todo.iter().filter(|e| e.warning == "red").count();
    // A department's list is what was handed to it, not a region's.
    let whose = if caller.scope.department().is_some() { "交办本部门" } else { "本辖区" };
    p.kpis = Kpi::list(vec![
        ("我的待办".into(), todo.len().to_string(), if red > 0 { format!("其中超期 {red} 件") } else { String::new() }),
        ("未办结".into(), open.to_string(), whose.into()),
        ("超期未办结".into(), overdue.to_string(), "超过办结时限".into()),
        ("本月上报".into(), this_month.to_string(), format!("{}年{}月", today.year(), today.month())),
    ]);

    if caller.role.may(shegong_domain::Permission::ViewRegion) {
        p.links.push(("/events/stats".into(), "事件统计".into()));
        p.links.push(("/departments".into(), "职能部门".into()));
    }
    let mut s = Section {
        id: "todo".into(),
        title: "我的待办".into(),
        text: if todo.is_empty() {
            "没有等待您办理的事件。".into()
        } else {
            "最先到期的在前。".into()
        },
        headers: headers(&HEADERS),
        cards: true,
        ..Default::default()
    };
    s.rows = todo.iter().map(event_row).collect();
    p.sections.push(s);

    if shegong_domain::event_access::reports(caller.role) {
        let sources = Source::ALL.into_iter().filter(|s| s.by_staff());
        p.sections.push(Section {
            id: "report".into(),
            title: "上报事件".into(),
            text: "事发地选到社区或网格；反映人的姓名和电话只在办理链条内可见。".into(),
            forms: vec![FormSpec {
                action: "/events".into(),
                fields: vec![
                    input("事发社区或网格", "region", "region", typed.region.as_str(), 16),
                    select("分类", "category", &typed.category, options("请选择", category_options(&policy))),
                    select(
                        "紧急程度",
                        "urgency",
                        typed.urgency.as_deref().unwrap_or("normal"),
                        Urgency::ALL.map(|u| (u.as_str().into(), u.label().into())).to_vec(),
                    ),
                    select(
                        "来源",
                        "source",
                        if typed.source.is_empty() { "patrol" } else { &typed.source },
                        sources.map(|s| (s.as_str().into(), s.label().into())).collect(),
                    ),
                    input("地点", "address", "text", typed.address.clone().unwrap_or_default(), 20),
                    input("反映人", "reporter_name", "text", typed.reporter_name.clone().unwrap_or_default(), 6),
                    input("电话", "reporter_phone", "tel", typed.reporter_phone.clone().unwrap_or_default(), 11),
                    input("事件描述", "description", "note", typed.description.as_str(), 2000),
                ],
                button: "上报".into(),
                ..Default::default()
            }],
            ..Default::default()
        });
    }

    let page = q.page.unwrap_or(1).clamp(1, 10_000);
    let (rows, total) = store(events::list(&st.db, &caller.scope, &q.filter, page, PER_PAGE).await)?;
    let items = crate::events::api::items(&st, caller, &rows).await?;
    let f = &q.filter;
    let v = |o: &Option<String>| o.clone().unwrap_or_default();
    let states = EventState::ALL.map(|s| (s.as_str().to_string(), s.label().to_string()));
    // A region chosen from the figures stays chosen while the list is filtered, and is named.
    let place = match f.region.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) => match shegong_domain::RegionCode::parse(r) {
            Ok(code) => shegong_store::regions::get(&st.db, &caller.scope, &code).await.ok().map(|g| g.name),
            Err(_) => None,
        },
        None => None,
    };
    let mut s = Section {
        id: "list".into(),
        title: match &place {
            Some(name) => format!("{name}的事件（{total}件）"),
            None if caller.scope.department().is_some() => format!("交办本部门的事件（{total}件）"),
            None => format!("本辖区事件（{total}件）"),
        },
        headers: headers(&HEADERS),
        cards: true,
        forms: vec![FormSpec {
            get: true,
            fields: vec![
                select(
                    "状态",
                    "state",
                    &v(&f.state),
                    options("全部", [("open".into(), "未办结".into())].into_iter().chain(states)),
                ),
                select("分类", "category", &v(&f.category), options("全部", category_options(&policy))),
                select(
                    "来源",
                    "source",
                    &v(&f.source),
                    options("全部", Source::ALL.map(|s| (s.as_str().into(), s.label().into()))),
                ),
                select(
                    "时限",
                    "overdue",
                    &v(&f.overdue),
                    vec![(String::new(), "全部".into()), ("true".into(), "超期未办结".into())],
                ),
                input("上报日期从", "from", "date", v(&f.from), 0),
                input("至", "to", "date", v(&f.to), 0),
            ]
            .into_iter()
            .chain(place.as_ref().map(|_| hidden("region", v(&f.region))))
            .collect(),
            button: "筛选".into(),
            ..Default::default()
        }],
        ..Default::default()
    };
    s.rows = items.iter().map(event_row).collect();
    let pages = total.div_ceil(PER_PAGE).max(1);
    if pages > 1 {
        let link = |p: u64| {
            let mut query = serde_urlencoded::to_string(&q.filter).unwrap_or_default();
            query.push_str(&format!("&page={p}"));
            format!("/events?{}#list", query.trim_start_matches('&'))
        };
        if page > 1 {
            s.pager.push((link(page - 1), "上一页".into()));
        }
        s.pager.push((String::new(), format!("第{page}/{pages}页")));
        if page < pages {
            s.pager.push((link(page + 1), "下一页".into()));
        }
    }
    p.sections.push(s);
    Ok(p)
}

/// `POST /events`: a report from the form; to the new event's page.
pub(crate) async fn report(State(st): State<AppState>, caller: Caller, Form(f): Form<SubForm>) -> Response {
    let input = NewEvent {
        region: f.get("region"),
        category: f.get("category"),
        urgency: f.opt("urgency"),
        source: f.get("source"),
        description: f.get("description"),
        address: f.opt("address"),
        reporter_name: f.opt("reporter_name"),
        reporter_phone: f.opt("reporter_phone"),
        ..Default::default()
    };
    let r = async {
        caller.check_csrf(&f._csrf)?;
        Ok::<_, AppError>(events::create(&st.db, &caller.access, &input).await?)
    }
    .await;
    match r {
        Ok(e) => crate::flash::back(
            caller.user.id,
            &format!("/events/{}", e.id),
            Ok(format!("已上报，事件编号 {}", e.number)),
        ),
        // Refused: the same page again with what was typed and every reason, nothing stored.
        Err(AppError::Invalid(errors)) => {
            crate::sections::refused(build(&st, &caller, &Msg::default(), &ListQuery::default(), &input).await, &errors)
        }
        Err(e) => crate::flash::back(caller.user.id, "/events#report", Err(e)),
    }
}
