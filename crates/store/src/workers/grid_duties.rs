//! A worker's grid duties follow their post: an exit, or a move to another community, ends every
//! duty they hold; leaving the 两委 ends their 包格两委 duties. Each ends on the day (never before it
//! began), kept, and the archive's history says which grids they left.

use super::Changes;
use crate::audit::Actor;
use crate::entity::{grid_duty, worker};
use crate::error::Result;
use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use shegong_domain::grids::Duty;

/// Ends the worker's current duties of the kinds given, on `on`.
pub(crate) async fn release(
    txn: &DatabaseTransaction,
    w: &worker::Model,
    duties: &[Duty],
    actor: &Actor,
    on: NaiveDate,
    ch: &mut Changes<'_>,
) -> Result<()> {
    let kinds: Vec<&str> = duties.iter().filter(|d| d.is_worker()).map(|d| d.as_str()).collect();
    let rows = grid_duty::Entity::find()
        .filter(grid_duty::Column::ProvinceCode.eq(&w.province_code))
        .filter(grid_duty::Column::WorkerId.eq(w.id))
        .filter(grid_duty::Column::EndOn.is_null())
        .filter(grid_duty::Column::Duty.is_in(kinds))
        .order_by_asc(grid_duty::Column::GridCode)
        .all(txn)
        .await?;
    if rows.is_empty() {
        return Ok(());
    }
    let names = crate::regions::names(txn, rows.iter().map(|r| r.grid_code.clone()).collect()).await?;
    for duty in [Duty::GridWorker, Duty::Committee] {
        let held: Vec<String> = rows
            .iter()
            .filter(|r| r.duty == duty.as_str())
            .map(|r| names.get(&r.grid_code).cloned().unwrap_or_default())
            .collect();
        if !held.is_empty() {
            ch.push("网格", duty.label(), Some(held.join("、")), None);
        }
    }
    for r in rows {
        let end = on.max(r.start_on);
        let mut am = r.into_active_model();
        am.end_on = Set(Some(end));
        am.ended_by = Set(Some(actor.username.clone()));
        am.ended_at = Set(Some(Utc::now()));
        am.update(txn).await?;
    }
    Ok(())
}

/// After a worker's post changed (`before` → `after`): a move to another community ends every grid
/// duty, leaving the 两委 the 包格两委 ones.
pub(crate) async fn follow_post(
    txn: &DatabaseTransaction,
    before: &worker::Model,
    after: &worker::Model,
    actor: &Actor,
) -> Result<()> {
    let duties: &[Duty] = if before.region_code != after.region_code {
        &Duty::ALL
    } else if before.two_committees && !after.two_committees {
        &[Duty::Committee]
    } else {
        return Ok(());
    };
    let mut ch = Changes::new(before, actor);
    release(txn, before, duties, actor, crate::clock::today(), &mut ch).await?;
    ch.save(txn).await
}
