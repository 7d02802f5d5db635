//! 民情事件 in the store: reported (`create`), acted on step by step (`act`), listed and read with
//! their timeline (`list`). The rules are the domain's: the closed loop
//! (`shegong_domain::events`), who may do what (`shegong_domain::event_access`), the categories
//! and time limits of the region's policy (`shegong_domain::event_policy`) on the working calendar.

mod act;
pub mod affairs;
mod create;
mod intake;
mod list;
pub mod open311;
pub mod photos;
pub mod public;
mod stats;
mod steps;
mod tallies;

pub use act::{ActInput, act};
pub use create::{NewEvent, create};
pub use list::{EventFilter, Timeline, get, list, names, todo};
pub use stats::{EventStats, PersonTally, period, stats};
pub use tallies::rebuild as rebuild_tallies;

use crate::entity::event;
use crate::error::Result;
use shegong_domain::event_access::Place;
use shegong_domain::event_policy::EventPolicy;
use shegong_domain::events::{EventState, Progress, Satisfaction};

/// Who records what an Open311 client sends (the actor of its reports).
pub(crate) const OPEN311: &str = "open311";

/// Who a resident's report and rating are recorded as.
pub(super) const PUBLIC: &str = "public";

/// The refusal of a step or a report by someone who only reads (an auditor).
pub(crate) const READ_ONLY: &str = "审计人员只能查看事件，不能上报或办理";

/// An event's handler kinds: a community (its region code in `handler_code`) or a county department
/// (its id).
pub(crate) const HANDLER_COMMUNITY: &str = "community";
pub(crate) const HANDLER_DEPARTMENT: &str = "department";

/// The refusal of a report by a department: it handles what the street hands it.
pub(crate) const HANDLES_ONLY: &str = "职能部门办理街道交办的事件，不直接上报事件";

/// The event's place for the access rules.
pub fn place(e: &event::Model) -> Place<'_> {
    Place {
        region: &e.region_code,
        community: &e.community_code,
        handler: e.handler_code.as_deref().filter(|_| e.handler_kind.as_deref() == Some(HANDLER_COMMUNITY)),
        department: e
            .handler_code
            .as_deref()
            .filter(|_| e.handler_kind.as_deref() == Some(HANDLER_DEPARTMENT))
            .and_then(|h| uuid::Uuid::parse_str(h).ok()),
        waiting_on_street: e.state == EventState::Escalated.as_str(),
    }
}

/// The stored event's place in the loop.
pub fn progress(e: &event::Model) -> Progress {
    Progress {
        state: EventState::parse(&e.state).unwrap_or(EventState::Reported),
        version: u32::try_from(e.version).unwrap_or(0),
        escalated: e.escalated,
        reworks: u32::try_from(e.reworks).unwrap_or(0),
        extension_asked: e.extension_asked.and_then(|d| u32::try_from(d).ok()),
        extended_days: u32::try_from(e.extended_days).unwrap_or(0),
        supervision: u8::try_from(e.supervision).unwrap_or(0),
        rating: e.rating.as_deref().and_then(Satisfaction::parse),
    }
}

/// The event policy in force for a region on a day (the shipped default where none is assigned),
/// kept between requests (see [`crate::memo`]).
pub async fn policy_for(db: &crate::Db, region: &str, on: chrono::NaiveDate) -> Result<std::sync::Arc<EventPolicy>> {
    let load = async {
        let f = crate::policies::in_force(&db.conn, region, on).await?;
        Ok(std::sync::Arc::new(f.map(|f| f.policy.events.clone()).unwrap_or_default()))
    };
    db.memo.get_or(format!("event_policy|{region}|{on}"), load).await
}
