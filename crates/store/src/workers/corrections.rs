//! Corrections a worker asks for, and their handling.

use super::editable;
use shegong_domain::status::{CorrectionStatus, Status};

use crate::Db;
use crate::access::Access;
use crate::entity::correction;
use crate::error::{Result, StoreError};
use crate::regions::in_subtree;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set};
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
        return Err(StoreError::invalid(FieldError::new(
            "message_required",
            "message",
            "请说明需要更正的内容",
        )));
    }
    if let Err(e) = shegong_domain::text::lines("message", "更正说明", message, 1000) {
        return Err(StoreError::invalid(e));
    }
    if let Err(e) = shegong_domain::text::line("field", "更正项目", field, 30) {
        return Err(StoreError::invalid(e));
    }
    if message.chars().count() > 1000 {
        return Err(StoreError::invalid(FieldError::new(
            "message_too_long",
            "message",
            "说明不能超过1000个字",
        )));
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
    let mut q = correction::Entity::find().filter(in_subtree(correction::Column::RegionCode, scope.region().as_str()));
    if let Some(w) = scope.only_worker().or(worker_id) {
        q = q.filter(correction::Column::WorkerId.eq(w));
    }
    Ok(q.order_by_desc(correction::Column::CreatedAt)
        .limit(200)
        .all(&db.conn)
        .await?)
}

/// Marks a correction request handled (after the archive was corrected, or with no change needed).
pub async fn resolve_correction(db: &Db, access: &Access, worker_id: Uuid, id: Uuid) -> Result<correction::Model> {
    access.require(Permission::ResolveCorrection)?;
    let (scope, actor) = (&access.scope, &access.actor);
    editable(scope)?;
    let txn = db.begin_write().await?;
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
            format!(
                "该更正申请已由{}处理，不能重复处理",
                c.handled_by.as_deref().unwrap_or("他人")
            ),
        )));
    }
    let mut am = c.into_active_model();
    am.status = Set(CorrectionStatus::Handled.as_str().into());
    am.handled_by = Set(Some(actor.username.clone()));
    am.handled_at = Set(Some(Utc::now()));
    let c = am.update(&txn).await?;
    crate::audit::entry(actor, "worker.correction.resolve", &c.region_code)
        .target(worker_id)
        .detail(format!("{}：{}", c.field, c.message))
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok(c)
}
