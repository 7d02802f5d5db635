//! The pieces every write of an event shares: a step's row and how its taker is named, a county's
//! day numbers and their lock.

use super::PUBLIC;
use crate::Db;
use crate::entity::{event, event_action};
use crate::error::Result;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    Set,
};
use shegong_domain::events::EventState;
use shegong_domain::time::in_china;
use uuid::Uuid;

/// On PostgreSQL, serialises the reports of one county (their numbers are counted); on SQLite the
/// write transaction already does.
pub(super) async fn lock_county(txn: &sea_orm::DatabaseTransaction, county: &str) -> Result<()> {
    if txn.get_database_backend() == sea_orm::DbBackend::Postgres {
        txn.query_one_raw(sea_orm::Statement::from_sql_and_values(
            sea_orm::DbBackend::Postgres,
            "SELECT code FROM regions WHERE code = $1 FOR UPDATE",
            [county.into()],
        ))
        .await?;
    }
    Ok(())
}

/// `E261129-330481-`: the prefix of a county's numbers on the day (China's date) of `now`.
pub(super) fn number_prefix(county: &str, now: DateTime<Utc>) -> String {
    format!("E{}-{county}-", in_china(now).format("%y%m%d"))
}

/// How many numbers the county has given with `prefix` (its day) so far: the next is one more
/// (`E261129-330481-0012` is its twelfth of the day).
pub(super) async fn last_number(txn: &sea_orm::DatabaseTransaction, province: &str, prefix: &str) -> Result<u64> {
    // The day's last number, one seek on the unique index (counting them read the whole day's).
    let last: Option<String> = event::Entity::find()
        .select_only()
        .column(event::Column::Number)
        .filter(event::Column::ProvinceCode.eq(province))
        .filter(event::Column::Number.gte(prefix))
        .filter(event::Column::Number.lt(format!("{prefix}\u{10FFFF}")))
        .order_by_desc(event::Column::Number)
        .into_tuple()
        .one(txn)
        .await?;
    let n: u64 = last.and_then(|l| l[prefix.len()..].parse().ok()).unwrap_or(0);
    if n < 9999 {
        return Ok(n);
    }
    // Past four digits the text no longer sorts as the number; the day's numbers run from one
    // without gaps, so their count is the last (a county's ten-thousandth report of a day).
    Ok(event::Entity::find()
        .filter(event::Column::ProvinceCode.eq(province))
        .filter(event::Column::Number.gte(prefix))
        .filter(event::Column::Number.lt(format!("{prefix}\u{10FFFF}")))
        .count(txn)
        .await?)
}

/// One step as recorded.
pub(super) struct Step<'a> {
    /// The event's version after the step.
    pub seq: i32,
    pub action: &'a str,
    pub from: EventState,
    pub to: EventState,
    pub actor: &'a str,
    pub at: DateTime<Utc>,
    pub note: Option<String>,
    /// What else the step carries (days asked, level, rating, handler), as JSON.
    pub detail: Option<String>,
}

/// Records one step of an event. The step's `seq` is unique per event: a second writer of the same
/// version fails here, whatever the engine.
pub(super) async fn record(db: &Db, txn: &sea_orm::DatabaseTransaction, e: &event::Model, s: Step<'_>) -> Result<()> {
    let actor_name = actor_name(db, s.actor, e).await?;
    action_row(e, &s, &actor_name).insert(txn).await?;
    Ok(())
}

/// How the one who took a step is named on the timeline: as they were called when they took it
/// (kept a while: a display name changes seldom), a resident, or the Open311 client.
pub(super) async fn actor_name(db: &Db, actor: &str, e: &event::Model) -> Result<String> {
    let load = async {
        Ok(crate::entity::user::Entity::find()
            .select_only()
            .column(crate::entity::user::Column::DisplayName)
            .filter(crate::entity::user::Column::Username.eq(actor))
            .into_tuple::<String>()
            .one(&db.conn)
            .await?)
    };
    let shown: Option<String> = db.memo.get_or(format!("display|{actor}"), load).await?;
    Ok(match actor {
        PUBLIC => "居民".to_string(),
        super::OPEN311 => e.source_label.clone().unwrap_or_else(|| "Open311客户端".to_string()),
        _ => shown.filter(|d| !d.trim().is_empty()).unwrap_or_else(|| actor.to_string()),
    })
}

/// The row of one step.
pub(super) fn action_row(e: &event::Model, s: &Step<'_>, actor_name: &str) -> event_action::ActiveModel {
    event_action::ActiveModel {
        province_code: Set(e.province_code.clone()),
        id: Set(Uuid::now_v7()),
        event_id: Set(e.id),
        seq: Set(s.seq),
        action: Set(s.action.to_string()),
        from_state: Set(s.from.as_str().to_string()),
        to_state: Set(s.to.as_str().to_string()),
        actor: Set(s.actor.to_string()),
        actor_name: Set(actor_name.chars().take(50).collect()),
        at: Set(s.at),
        note: Set(s.note.clone()),
        detail: Set(s.detail.clone()),
    }
}
