//! Corrections a worker asks for, and their handling.

use super::editable;
use shegong_domain::status::{CorrectionStatus, Status};

use crate::Db;
use crate::access::Access;
use crate::entity::correction;
use crate::error::{Result, StoreError};
use crate::regions::in_subtree;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    Set,
};
use shegong_domain::Permission;
use shegong_domain::{FieldError, Scope};
use uuid::Uuid;

/// A worker asks for a correction of their own archive.
pub async fn request_correction(
    db: &Db,
    access: &Access,
    id: Uuid,
    field: &str,
    message: &str,
) -> Result<correction::Model> {
    access.require(Permission::RequestCorrection)?;
    let (scope, actor) = (&access.scope, &access.actor);
    if message.trim().is_empty() {
        return Err(StoreError::invalid(FieldError::new("message_required", "message", "请说明需要更正的内容")));
    }
    if let Err(e) = shegong_domain::text::lines("message", "更正说明", message, 1000) {
        return Err(StoreError::invalid(e));
    }
    if let Err(e) = shegong_domain::text::line("field", "更正项目", field, 30) {
        return Err(StoreError::invalid(e));
    }
    if message.chars().count() > 1000 {
        return Err(StoreError::invalid(FieldError::new("message_too_long", "message", "说明不能超过1000个字")));
    }
    let txn = db.begin_write().await?;
    let w = super::read::find_scoped(&txn, scope, id).await?;
    let c = correction::ActiveModel {
        province_code: Set(w.province_code.clone()),
        id: Set(Uuid::now_v7()),
        worker_id: Set(w.id),
        region_code: Set(w.region_code.clone()),
        created_at: Set(Utc::now()),
        requested_by: Set(actor.username.clone()),
        field: Set(field.trim().chars().take(64).collect()),
        message: Set(message.trim().to_string()),
        status: Set(CorrectionStatus::Pending.as_str().into()),
        handled_by: Set(None),
        handled_at: Set(None),
        reply: Set(None),
    }
    .insert(&txn)
    .await?;
    crate::audit::entry(actor, "worker.correction.request", &c.region_code)
        .target(w.id)
        .detail(format!("{}：{}", c.field, c.message))
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok(c)
}

pub async fn corrections(db: &Db, scope: &Scope, worker_id: Option<Uuid>) -> Result<Vec<correction::Model>> {
    let mut q = correction::Entity::find()
        .filter(correction::Column::ProvinceCode.eq(scope.region().province()))
        .filter(in_subtree(correction::Column::RegionCode, scope.region().as_str()));
    if let Some(w) = scope.only_worker().or(worker_id) {
        q = q.filter(correction::Column::WorkerId.eq(w));
    }
    Ok(q.order_by_desc(correction::Column::CreatedAt).limit(200).all(&db.conn).await?)
}

/// Pending correction requests follow their worker to a new community (a transfer, a move): the
/// region that now keeps the archive answers them, the one it left no longer sees them.
pub(crate) async fn follow(txn: &impl sea_orm::ConnectionTrait, w: &crate::entity::worker::Model) -> Result<()> {
    correction::Entity::update_many()
        .col_expr(correction::Column::RegionCode, sea_orm::sea_query::Expr::value(w.region_code.clone()))
        .filter(correction::Column::ProvinceCode.eq(&w.province_code))
        .filter(correction::Column::WorkerId.eq(w.id))
        .filter(correction::Column::Status.eq(CorrectionStatus::Pending.as_str()))
        .filter(correction::Column::RegionCode.ne(&w.region_code))
        .exec(txn)
        .await?;
    Ok(())
}

fn pending_in(scope: &Scope) -> sea_orm::Select<correction::Entity> {
    let prefix = scope.region().as_str();
    let mut q = correction::Entity::find()
        .filter(correction::Column::ProvinceCode.eq(&prefix[..2]))
        .filter(in_subtree(correction::Column::RegionCode, prefix))
        .filter(correction::Column::Status.eq(CorrectionStatus::Pending.as_str()));
    if let Some(w) = scope.only_worker() {
        q = q.filter(correction::Column::WorkerId.eq(w));
    }
    q
}

/// How many correction requests in scope wait to be handled (all of them, not the latest page).
pub async fn pending_corrections(db: &Db, scope: &Scope) -> Result<u64> {
    Ok(pending_in(scope).count(&db.conn).await?)
}

/// One page of the correction requests waiting in scope, oldest first, and how many wait in all.
pub async fn pending_page(db: &Db, scope: &Scope, page: u64, per_page: u64) -> Result<(Vec<correction::Model>, u64)> {
    let q = pending_in(scope).order_by_asc(correction::Column::CreatedAt);
    let total = q.clone().count(&db.conn).await?;
    // An export asks for every row (u64::MAX), which no engine takes as a LIMIT.
    let per_page = per_page.min(1_000_000);
    let rows = q.offset(page.saturating_sub(1).saturating_mul(per_page)).limit(per_page).all(&db.conn).await?;
    Ok((rows, total))
}

/// Marks a correction request handled (after the archive was corrected), with an optional answer to
/// the worker.
pub async fn resolve_correction(
    db: &Db,
    access: &Access,
    worker_id: Uuid,
    id: Uuid,
    reply: Option<&str>,
) -> Result<correction::Model> {
    let reply = match reply {
        Some(r) => shegong_domain::text::lines("reply", "答复", r, 500).map_err(StoreError::invalid)?,
        None => None,
    };
    answer(db, access, worker_id, id, CorrectionStatus::Handled, reply.as_deref()).await
}

/// Refuses a correction request; the reason goes back to the worker and is required.
pub async fn reject_correction(
    db: &Db,
    access: &Access,
    worker_id: Uuid,
    id: Uuid,
    reason: &str,
) -> Result<correction::Model> {
    let Some(reason) = shegong_domain::text::lines("reason", "理由", reason, 500).map_err(StoreError::invalid)?
    else {
        return Err(StoreError::invalid(FieldError::new(
            "required",
            "reason",
            "请填写不予更正的理由，该理由将告知本人",
        )));
    };
    answer(db, access, worker_id, id, CorrectionStatus::Rejected, Some(&reason)).await
}

async fn answer(
    db: &Db,
    access: &Access,
    worker_id: Uuid,
    id: Uuid,
    outcome: CorrectionStatus,
    reply: Option<&str>,
) -> Result<correction::Model> {
    access.require(Permission::ResolveCorrection)?;
    let (scope, actor) = (&access.scope, &access.actor);
    editable(scope)?;
    let txn = db.begin_write().await?;
    // The archive must be the caller's now (it may have been transferred away).
    super::read::find_scoped(&txn, scope, worker_id).await?;
    let c = correction::Entity::find()
        .filter(correction::Column::ProvinceCode.eq(&scope.region().as_str()[..2]))
        .filter(correction::Column::Id.eq(id))
        .filter(correction::Column::WorkerId.eq(worker_id))
        .filter(in_subtree(correction::Column::RegionCode, scope.region().as_str()))
        .one(&txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    if c.status != CorrectionStatus::Pending.as_str() {
        return Err(StoreError::Conflict(FieldError::new(
            "correction_handled",
            "status",
            format!("该更正申请已由{}处理，不能重复处理", c.handled_by.as_deref().unwrap_or("他人")),
        )));
    }
    let mut am = c.into_active_model();
    am.status = Set(outcome.as_str().into());
    am.reply = Set(reply.map(str::to_string));
    am.handled_by = Set(Some(actor.username.clone()));
    am.handled_at = Set(Some(Utc::now()));
    let c = am.update(&txn).await?;
    let action =
        if outcome == CorrectionStatus::Rejected { "worker.correction.reject" } else { "worker.correction.resolve" };
    crate::audit::entry(actor, action, &c.region_code)
        .target(worker_id)
        .detail(match reply {
            Some(r) => format!("{}：{}（答复：{r}）", c.field, c.message),
            None => format!("{}：{}", c.field, c.message),
        })
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok(c)
}
