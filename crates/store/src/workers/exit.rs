//! A worker leaving.

use super::read::find_scoped;
use super::{Changes, d, editable};

use crate::Db;
use crate::access::Access;
use crate::entity::worker;
use crate::error::{Result, StoreError};
use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
use shegong_domain::FieldError;
use shegong_domain::Permission;
use shegong_domain::worker::WorkerStatus;
use uuid::Uuid;

/// Records an exit: open appointments end, the archive stays (read-only) and leaves active lists.
pub async fn exit(db: &Db, access: &Access, id: Uuid, on: NaiveDate, reason: &str) -> Result<worker::Model> {
    access.require(Permission::ExitWorker)?;
    let (scope, actor) = (&access.scope, &access.actor);
    editable(scope)?;
    let Some(reason) =
        shegong_domain::text::lines("exit_reason", "退出原因", reason, 200).map_err(StoreError::invalid)?
    else {
        return Err(StoreError::invalid(FieldError::new("exit_reason_required", "exit_reason", "请填写退出原因")));
    };
    let reason = reason.as_str();
    let txn = db.begin_write().await?;
    let w = find_scoped(&txn, scope, id).await?;
    if w.status != WorkerStatus::Active.as_str() {
        return Err(StoreError::invalid(FieldError::new("worker_exited", "status", "该人员已退出")));
    }
    // An exit takes effect on its date, so it is recorded on or after that date, never ahead.
    shegong_domain::dates::past("exited_on", "退出日期", on, crate::clock::today()).map_err(StoreError::invalid)?;
    let open = super::open_appointments(&txn, &w).await?;
    for o in open {
        if o.start_date >= on {
            return Err(StoreError::invalid(FieldError::new(
                "exit_before_start",
                "exited_on",
                "退出日期应晚于任职开始日期",
            )));
        }
        let mut om = o.into_active_model();
        om.end_date = Set(Some(on));
        om.end_reason = Set(Some(format!("退出：{}", reason.trim())));
        om.update(&txn).await?;
    }
    let mut am = w.clone().into_active_model();
    am.status = Set(WorkerStatus::Exited.as_str().into());
    am.exited_on = Set(Some(on));
    am.exit_reason = Set(Some(reason.trim().into()));
    am.updated_at = Set(Utc::now());
    let updated = am.update(&txn).await?;
    crate::stats::rebuild_worker(&txn, &updated).await?;
    let mut ch = Changes::new(&w, actor);
    ch.push(
        "archive",
        "状态",
        Some(WorkerStatus::Active.label().into()),
        Some(format!("退出（{}，{}）", d(on), reason.trim())),
    );
    super::grid_duties::release(&txn, &w, &shegong_domain::grids::Duty::ALL, actor, on, &mut ch).await?;
    ch.save(&txn).await?;
    crate::audit::entry(actor, "worker.exit", &updated.region_code).target(id).detail(reason.trim()).save(&txn).await?;
    txn.commit().await?;
    Ok(updated)
}
