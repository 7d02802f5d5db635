//! The figures of 民情事件 for a region and a period (by the day reported, China's date): counted
//! where each event happened (its community), so that a county's figures are exactly the sum of its
//! streets'. One grouped read of the figures index (`idx_events_figures`), one of the overdue index
//! for what is overdue now, and for a community one of its steps by who took them.

use super::tallies;
use crate::access::Access;
use crate::entity::{event, event_action};
use crate::error::{Result, StoreError};
use crate::regions::{self, in_subtree};
use crate::{Db, workers::list::bad_filter};
use chrono::{Datelike, NaiveDate, NaiveTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, FromQueryResult, JoinType, QueryFilter, QuerySelect};
use shegong_domain::event_stats::{Counted, Tally};
use shegong_domain::events::{EventState, Satisfaction};
use shegong_domain::time::from_china;
use shegong_domain::{Permission, RegionCode, RegionLevel};
use std::collections::BTreeMap;

/// The figures of a region for a period.
#[derive(Debug, Clone, Default)]
pub struct EventStats {
    pub total: Tally,
    /// Still open past the whole time limit now (whenever reported).
    pub overdue_now: i64,
    /// Events by source key, by top category key and by state key.
    pub by_source: BTreeMap<String, i64>,
    pub by_category: BTreeMap<String, i64>,
    pub by_state: BTreeMap<String, i64>,
    /// Per child region (by code): the tally and what is overdue now. Only children with events.
    pub children: BTreeMap<String, (Tally, i64)>,
    /// For a community: the steps its people took in the period.
    pub people: Vec<PersonTally>,
}

/// What one person did in the period.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct PersonTally {
    /// 操作人账号
    pub username: String,
    /// 操作人姓名（当时的显示名）
    pub name: String,
    /// 上报的事件
    pub reported: i64,
    /// 处置反馈的次数
    pub fed_back: i64,
    /// 结案的事件
    pub closed: i64,
    /// 其中按期办结的
    pub closed_on_time: i64,
}

#[derive(FromQueryResult)]
struct Group {
    child: String,
    source: String,
    category: String,
    state: String,
    rating: Option<String>,
    reworked: i32,
    on_time: Option<bool>,
    n: i64,
    minutes: Option<i64>,
}

#[derive(FromQueryResult)]
struct Overdue {
    child: String,
    n: i64,
}

#[derive(FromQueryResult)]
struct Steps {
    actor: String,
    actor_name: String,
    action: String,
    on_time: Option<bool>,
    n: i64,
}

/// The first and last day of a period, checked: years an event can have, the first not after the last.
pub fn period(from: NaiveDate, to: NaiveDate) -> Result<(NaiveDate, NaiveDate)> {
    let year = |d: NaiveDate, field: &'static str| {
        if (2000..=2100).contains(&d.year()) {
            Ok(d)
        } else {
            Err(bad_filter(field, "日期的年份应在2000至2100之间"))
        }
    };
    let (from, to) = (year(from, "from")?, year(to, "to")?);
    if from > to {
        return Err(bad_filter("to", "结束日期不能早于开始日期"));
    }
    Ok((from, to))
}

/// The figures of `code` (inside the caller's scope) for the days `from` to `to`, for those who see
/// their region (not a worker, who sees their own record).
pub async fn stats(db: &Db, access: &Access, code: &RegionCode, from: NaiveDate, to: NaiveDate) -> Result<EventStats> {
    access.require(Permission::ViewRegion)?;
    let (from, to) = period(from, to)?;
    regions::get(db, &access.scope, code).await?;
    let province = code.province();
    let region = code.as_str();
    // Children by the length of their codes; a community's grids are places inside it, not
    // communities, so a community (and a grid) has no children here.
    let child_len = match code.level() {
        RegionLevel::Province => 4,
        RegionLevel::City => 6,
        RegionLevel::County => 9,
        RegionLevel::Street => 12,
        _ => 0,
    };
    let child = || child_expr(child_len);
    let start = from_china(from.and_time(NaiveTime::MIN));
    let end = from_china(to.succ_opt().ok_or(StoreError::NotFound)?.and_time(NaiveTime::MIN));
    let mut place = sea_orm::Condition::all().add(event::Column::ProvinceCode.eq(province));
    if region.len() > 2 {
        place = place.add(if code.level() == RegionLevel::Grid {
            event::Column::RegionCode.eq(region)
        } else {
            in_subtree(event::Column::CommunityCode, region).into()
        });
    }
    let mut out = EventStats::default();
    if matches!(code.level(), RegionLevel::Province | RegionLevel::City) {
        // A province's or a city's: from the tallies kept per county and day.
        for (child, dim, t) in tallies::read(&db.conn, province, region, child_len, from, to).await? {
            match dim.split_once(':') {
                None => {
                    out.total += t;
                    out.children.entry(child).or_default().0 += t;
                }
                Some(("s", k)) => *out.by_source.entry(k.to_string()).or_default() += t.reported,
                Some(("c", k)) => *out.by_category.entry(k.to_string()).or_default() += t.reported,
                Some(("t", k)) => *out.by_state.entry(k.to_string()).or_default() += t.reported,
                Some(_) => {}
            }
        }
        out.by_state.retain(|_, n| *n != 0);
    } else {
        direct(db, place.clone(), child_len, start, end, &mut out).await?;
    }
    let mut overdue = event::Entity::find()
        .select_only()
        .column_as(child(), "child")
        .column_as(Expr::col(event::Column::Id).count(), "n")
        .filter(place)
        .filter(event::Column::State.is_in(super::list::OPEN.map(EventState::as_str)))
        .filter(event::Column::TotalDue.lt(Utc::now()));
    if child_len > 0 {
        overdue = overdue.group_by(child());
    }
    let overdue = overdue.into_model::<Overdue>().all(&db.conn).await?;
    for o in overdue {
        out.overdue_now += o.n;
        if child_len > 0 {
            out.children.entry(o.child).or_default().1 += o.n;
        }
    }
    if code.level() == RegionLevel::Community {
        out.people = people(db, province, region, start, end).await?;
    }
    Ok(out)
}

/// The steps a community's people took on its events in the period: reports, results fed back,
/// closures and how many of those were on time.
async fn people(
    db: &Db,
    province: &str,
    community: &str,
    start: chrono::DateTime<Utc>,
    end: chrono::DateTime<Utc>,
) -> Result<Vec<PersonTally>> {
    let rows = event_action::Entity::find()
        .select_only()
        .column(event_action::Column::Actor)
        .column(event_action::Column::ActorName)
        .column(event_action::Column::Action)
        .column(event::Column::OnTime)
        .column_as(Expr::col((event_action::Entity, event_action::Column::Id)).count(), "n")
        .join(
            JoinType::InnerJoin,
            event_action::Entity::belongs_to(event::Entity)
                .from((event_action::Column::ProvinceCode, event_action::Column::EventId))
                .to((event::Column::ProvinceCode, event::Column::Id))
                .into(),
        )
        .filter(event_action::Column::ProvinceCode.eq(province))
        .filter(event::Column::ProvinceCode.eq(province))
        .filter(event::Column::CommunityCode.eq(community))
        .filter(event_action::Column::At.gte(start))
        .filter(event_action::Column::At.lt(end))
        .filter(event_action::Column::Action.is_in(["report", "feedback", "close"]))
        .filter(event_action::Column::Actor.is_not_in([super::PUBLIC, super::OPEN311]))
        .group_by(event_action::Column::Actor)
        .group_by(event_action::Column::ActorName)
        .group_by(event_action::Column::Action)
        .group_by(event::Column::OnTime)
        .into_model::<Steps>()
        .all(&db.conn)
        .await?;
    let mut by: BTreeMap<(String, String), PersonTally> = BTreeMap::new();
    for r in rows {
        let p = by.entry((r.actor.clone(), r.actor_name.clone())).or_insert_with(|| PersonTally {
            username: r.actor,
            name: r.actor_name,
            ..Default::default()
        });
        match r.action.as_str() {
            "report" => p.reported += r.n,
            "feedback" => p.fed_back += r.n,
            _ => {
                p.closed += r.n;
                if r.on_time == Some(true) {
                    p.closed_on_time += r.n;
                }
            }
        }
    }
    let mut people: Vec<PersonTally> = by.into_values().collect();
    people.sort_by_key(|p| std::cmp::Reverse(p.reported + p.fed_back + p.closed));
    Ok(people)
}

/// The first `child_len` characters of an event's community: the child region it is counted in.
fn child_expr(child_len: usize) -> Expr {
    if child_len == 0 { Expr::cust("''") } else { Expr::cust(format!("SUBSTR(community_code, 1, {child_len})")) }
}

/// The counts of a county or a smaller region, from the events' figures index.
async fn direct(
    db: &Db,
    place: sea_orm::Condition,
    child_len: usize,
    start: chrono::DateTime<Utc>,
    end: chrono::DateTime<Utc>,
    out: &mut EventStats,
) -> Result<()> {
    let child = || child_expr(child_len);
    let reworked = Expr::cust("CASE WHEN reworks > 0 THEN 1 ELSE 0 END");
    let mut groups = event::Entity::find()
        .select_only()
        .column_as(child(), "child")
        .column(event::Column::Source)
        .column(event::Column::Category)
        .column(event::Column::State)
        .column(event::Column::Rating)
        .column_as(reworked.clone(), "reworked")
        .column(event::Column::OnTime)
        .column_as(Expr::cust("COUNT(*)"), "n")
        .column_as(Expr::col(event::Column::CloseMinutes).sum().cast_as("bigint"), "minutes")
        .filter(place.clone())
        .filter(event::Column::ReportedAt.gte(start))
        .filter(event::Column::ReportedAt.lt(end))
        .group_by(event::Column::Source)
        .group_by(event::Column::Category)
        .group_by(event::Column::State)
        .group_by(event::Column::Rating)
        .group_by(reworked)
        .group_by(event::Column::OnTime);
    // PostgreSQL refuses a constant to group by: a community's figures are not split.
    if child_len > 0 {
        groups = groups.group_by(child());
    }
    let groups = groups.into_model::<Group>().all(&db.conn).await?;
    for g in groups {
        let state = EventState::parse(&g.state).unwrap_or(EventState::Reported);
        let counted = Counted {
            state,
            rating: g.rating.as_deref().and_then(Satisfaction::parse),
            reworked: g.reworked > 0,
            on_time: g.on_time,
            close_minutes: None,
        };
        let mut t = Tally::of(&counted, g.n);
        // The minutes of the group are already a sum.
        if let (EventState::Closed | EventState::Rated, Some(m)) = (state, g.minutes) {
            t.timed = g.n;
            t.close_minutes = m;
        }
        out.total += t;
        *out.by_source.entry(g.source).or_default() += g.n;
        let top = g.category.split('.').next().unwrap_or_default().to_string();
        *out.by_category.entry(top).or_default() += g.n;
        *out.by_state.entry(g.state).or_default() += g.n;
        if child_len > 0 {
            out.children.entry(g.child).or_default().0 += t;
        }
    }
    Ok(())
}
