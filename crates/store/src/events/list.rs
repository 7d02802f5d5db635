//! Events in the caller's region: the filtered list, and one event with its timeline.

use crate::entity::{event, event_action};
use crate::error::{Result, StoreError};
use crate::regions::in_subtree;
use crate::{Db, workers::list::bad_filter};
use chrono::{Datelike, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;
use shegong_domain::event_access::{Source, may_see};
use shegong_domain::events::EventState;
use shegong_domain::time::from_china;
use shegong_domain::{RegionCode, Scope};
use uuid::Uuid;

/// Filters of the event list; every one optional.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct EventFilter {
    /// 区划（范围内的下级区划代码）
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// 状态：reported、accepted、rejected、escalated、assigned、fed_back、verified、closed、rated；open 为全部未办结
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// 分类键（含其下级分类）
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// 来源：patrol、window、public、open311、external
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// true：只看已超过办结时限仍未办结的
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overdue: Option<String>,
    /// 上报日期起止（含），如 2026-11-01
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

fn set(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The events a caller's region sees: reported in it, belonging to one of its communities, or
/// handed to one of them. Where an event happened (a community or its grid) is inside a region at
/// community level or above exactly when its community is, so only a grid asks for the place
/// itself: the other two conditions each have their index, and an `OR` with a third, unindexed one
/// read every event of the province (a community's 待办 scanned them all).
/// A department sees only what was handed to it.
fn scope_condition(scope: &Scope) -> Condition {
    let region = scope.region().as_str();
    let mut c = Condition::all().add(event::Column::ProvinceCode.eq(scope.region().province()));
    if let Some(d) = scope.department() {
        return c
            .add(event::Column::HandlerCode.eq(d.to_string()))
            .add(event::Column::HandlerKind.eq(super::HANDLER_DEPARTMENT));
    }
    if region.len() > 2 {
        let place = if scope.region().level() == shegong_domain::RegionLevel::Grid {
            in_subtree(event::Column::RegionCode, region)
        } else {
            in_subtree(event::Column::CommunityCode, region)
        };
        c = c.add(Condition::any().add(place).add(in_subtree(event::Column::HandlerCode, region)));
    }
    c
}

pub(super) const OPEN: [EventState; 6] = [
    EventState::Reported,
    EventState::Accepted,
    EventState::Escalated,
    EventState::Assigned,
    EventState::FedBack,
    EventState::Verified,
];

impl EventFilter {
    fn condition(&self, scope: &Scope) -> Result<Condition> {
        let mut c = scope_condition(scope);
        if let Some(r) = set(&self.region) {
            let code = RegionCode::parse(r).map_err(|_| bad_filter("region", "区划筛选条件无效"))?;
            match scope.narrow(&code) {
                Some(s) => {
                    // Inside the caller's own region the place asked for (a worker's or a
                    // department's scope does not narrow); above it, their own region.
                    let r = if scope.region().contains(code.as_str()) { code.as_str() } else { s.region().as_str() };
                    let r = r.to_string();
                    c = c.add(
                        Condition::any()
                            .add(in_subtree(event::Column::CommunityCode, &r))
                            .add(in_subtree(event::Column::RegionCode, &r)),
                    );
                }
                None => c = c.add(Expr::val(1).eq(0)),
            }
        }
        let open = || event::Column::State.is_in(OPEN.map(EventState::as_str));
        match set(&self.state) {
            None => {}
            Some("open") => c = c.add(open()),
            Some(s) => {
                let st = EventState::parse(s).ok_or_else(|| bad_filter("state", "状态筛选条件无效"))?;
                c = c.add(event::Column::State.eq(st.as_str()));
            }
        }
        if let Some(k) = set(&self.category) {
            if k.chars().count() > 32 {
                return Err(bad_filter("category", "分类筛选条件无效"));
            }
            c = c.add(
                Condition::any()
                    .add(event::Column::Category.eq(k))
                    .add(event::Column::Category.starts_with(format!("{k}."))),
            );
        }
        if let Some(s) = set(&self.source) {
            let src = Source::parse(s).ok_or_else(|| bad_filter("source", "来源筛选条件无效"))?;
            c = c.add(event::Column::Source.eq(src.as_str()));
        }
        match set(&self.overdue) {
            None | Some("false") => {}
            Some("true") => c = c.add(open()).add(event::Column::TotalDue.lt(Utc::now())),
            _ => return Err(bad_filter("overdue", "应为 true 或 false")),
        }
        // Years an event can have: an extreme date is refused, not carried into the arithmetic.
        let day = |v: &str, field: &'static str| {
            NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .ok()
                .filter(|d| (2000..=2100).contains(&d.year()))
                .ok_or_else(|| bad_filter(field, "日期应写作 2026-11-01，年份在2000至2100之间"))
        };
        if let Some(f) = set(&self.from) {
            c = c.add(event::Column::ReportedAt.gte(from_china(day(f, "from")?.and_time(chrono::NaiveTime::MIN))));
        }
        if let Some(t) = set(&self.to) {
            let next = day(t, "to")?.succ_opt().ok_or_else(|| bad_filter("to", "日期无效"))?;
            c = c.add(event::Column::ReportedAt.lt(from_china(next.and_time(chrono::NaiveTime::MIN))));
        }
        Ok(c)
    }
}

/// One page of the events in scope, newest first, and the total.
pub async fn list(
    db: &Db,
    scope: &Scope,
    filter: &EventFilter,
    page: u64,
    per_page: u64,
) -> Result<(Vec<event::Model>, u64)> {
    let q = event::Entity::find().filter(filter.condition(scope)?);
    let total = q.clone().count(&db.conn).await?;
    let rows = q
        .order_by_desc(event::Column::ReportedAt)
        .order_by_desc(event::Column::Id)
        .offset(page.saturating_sub(1).saturating_mul(per_page))
        .limit(per_page)
        .all(&db.conn)
        .await?;
    Ok((rows, total))
}

/// An event and every step taken on it, in order.
pub struct Timeline {
    pub event: event::Model,
    pub steps: Vec<event_action::Model>,
}

/// One event in scope with its timeline.
pub async fn get(db: &Db, scope: &Scope, id: Uuid) -> Result<Timeline> {
    let province = scope.region().province();
    let e = event::Entity::find()
        .filter(event::Column::ProvinceCode.eq(province))
        .filter(event::Column::Id.eq(id))
        .one(&db.conn)
        .await?
        .filter(|e| may_see(scope, &super::place(e)))
        .ok_or(StoreError::NotFound)?;
    let steps = event_action::Entity::find()
        .filter(event_action::Column::ProvinceCode.eq(province))
        .filter(event_action::Column::EventId.eq(id))
        .order_by_asc(event_action::Column::Seq)
        .all(&db.conn)
        .await?;
    Ok(Timeline { event: e, steps })
}

/// How long after its closure an event waits in the 待办 for the 回访; after that it is found in the
/// list, not among what is due.
pub const REVISIT_DAYS: i64 = 30;

/// The events waiting on the caller (待办), soonest due first, at most `limit`: for a community's
/// head and workers those of their community at a step that is theirs (a closed one for its 回访
/// within [`REVISIT_DAYS`]); for the street and above
/// those sent up to them and the extensions asked of them.
pub async fn todo(db: &Db, access: &crate::access::Access, limit: u64) -> Result<Vec<event::Model>> {
    use shegong_domain::access::Role;
    use shegong_domain::event_access::allowed;
    let mut c = scope_condition(&access.scope);
    c = match access.role {
        Role::Auditor => return Ok(vec![]),
        // What it was handed and has not reported back on.
        Role::Department => c.add(event::Column::State.eq(EventState::Assigned.as_str())),
        // The open events, and those closed lately that wait for the 回访.
        Role::CommunityHead | Role::Worker => c.add(
            Condition::any().add(event::Column::State.is_in(OPEN.map(EventState::as_str))).add(
                Condition::all()
                    .add(event::Column::State.eq(EventState::Closed.as_str()))
                    .add(event::Column::ClosedAt.gte(Utc::now() - chrono::Duration::days(REVISIT_DAYS))),
            ),
        ),
        _ => c.add(
            Condition::any().add(event::Column::State.eq(EventState::Escalated.as_str())).add(
                Condition::all()
                    .add(event::Column::State.eq(EventState::Assigned.as_str()))
                    .add(event::Column::ExtensionAsked.is_not_null()),
            ),
        ),
    };
    let rows = event::Entity::find()
        .filter(c)
        .order_by_asc(event::Column::TotalDue)
        .limit(limit.saturating_mul(4))
        .all(&db.conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter(|e| {
            let steps = allowed(access.role, &access.scope, &super::place(e), &super::progress(e));
            steps.iter().any(|s| *s != "supervise")
        })
        .take(usize::try_from(limit).unwrap_or(usize::MAX))
        .collect())
}

/// The names of the places the events name (where reported, who handles them), for a caller who
/// sees the events.
/// A grid is named with its community (`荣海社区第7网格`): its own name says nothing above it.
pub async fn names(db: &Db, events: &[event::Model]) -> Result<std::collections::HashMap<String, String>> {
    let department = |e: &event::Model| e.handler_kind.as_deref() == Some(super::HANDLER_DEPARTMENT);
    let mut codes: Vec<String> = events
        .iter()
        .flat_map(|e| {
            [
                Some(e.region_code.clone()),
                e.handler_code.clone().filter(|_| !department(e)),
                Some(e.community_code.clone()),
            ]
        })
        .flatten()
        .collect();
    let mut departments: Vec<Uuid> =
        events.iter().filter(|e| department(e)).filter_map(|e| e.handler_code.as_deref()?.parse().ok()).collect();
    departments.sort();
    departments.dedup();
    codes.sort();
    codes.dedup();
    let mut names = crate::regions::names(&db.conn, codes).await?;
    let grids: Vec<(String, String)> = names
        .iter()
        .filter(|(code, _)| code.len() > 12)
        .filter_map(|(code, name)| Some((code.clone(), format!("{}{name}", names.get(&code[..12])?))))
        .collect();
    names.extend(grids);
    if let Some(e) = events.first() {
        names.extend(crate::departments::names(&db.conn, &e.province_code, &departments).await?);
    }
    Ok(names)
}
