//! A worker's training records, and setting a record's attendance and result.

use super::courses::get;

use crate::Db;
use crate::access::Access;
use crate::entity::{training, training_record};
use crate::error::{Result, StoreError};
use crate::workers::editable;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use shegong_domain::Permission;
use shegong_domain::status::{Attendance, Status, TrainingResult, training_outcome};
use shegong_domain::{FieldError, Scope};
use std::collections::HashMap;
use uuid::Uuid;

/// A worker's training records with their courses, newest first.
pub async fn of_worker(
    db: &Db,
    scope: &Scope,
    worker_id: Uuid,
) -> Result<Vec<(training_record::Model, training::Model)>> {
    let w = crate::workers::get(db, scope, worker_id).await?;
    let records = training_record::Entity::find()
        .filter(training_record::Column::ProvinceCode.eq(&w.province_code))
        .filter(training_record::Column::WorkerId.eq(worker_id))
        .order_by_desc(training_record::Column::CompletedOn)
        .all(&db.conn)
        .await?;
    let courses: HashMap<Uuid, training::Model> = training::Entity::find()
        .filter(training::Column::ProvinceCode.eq(&w.province_code))
        .filter(training::Column::Id.is_in(records.iter().map(|r| r.training_id).collect::<Vec<_>>()))
        .all(&db.conn)
        .await?
        .into_iter()
        .map(|t| (t.id, t))
        .collect();
    Ok(records.into_iter().filter_map(|r| courses.get(&r.training_id).cloned().map(|t| (r, t))).collect())
}

/// Records one worker's attendance and result for a training (absent or failed earns no credits);
/// with whether they were on its roster already (their result is then changed, never doubled).
pub async fn set_result(
    db: &Db,
    access: &Access,
    id: Uuid,
    worker_id: Uuid,
    attendance: &str,
    result: Option<&str>,
) -> Result<(training_record::Model, bool)> {
    access.require(Permission::ManageTraining)?;
    let (scope, actor) = (&access.scope, &access.actor);
    editable(scope)?;
    let mut errors = Vec::new();
    let parsed_attendance = Attendance::parse(attendance);
    if parsed_attendance.is_none() {
        errors.push(FieldError::new("attendance", "attendance", "出勤应为 attended（参训）或 absent（缺勤）"));
    }
    let parsed_result = result.map(TrainingResult::parse);
    if parsed_result.is_some_and(|r| r.is_none()) {
        errors.push(FieldError::new("training_result", "result", "结果应为 passed（通过）或 failed（未通过）"));
    }
    let (Some(attendance), Some(result)) = (parsed_attendance, parsed_result.map_or(Some(None), |r| r.map(Some)))
    else {
        return Err(StoreError::Invalid(errors));
    };
    let t = get(db, scope, id).await?;
    let w = crate::workers::get(db, scope, worker_id).await?;
    let txn = db.begin_write().await?;
    // Two saves of the same result at once: the second reads the first's record (on PostgreSQL the
    // province's lock orders them; SQLite's write lock already does).
    crate::Db::lock_province(&txn, &w.province_code).await?;
    let existing = training_record::Entity::find()
        .filter(training_record::Column::ProvinceCode.eq(&w.province_code))
        .filter(training_record::Column::TrainingId.eq(t.id))
        .filter(training_record::Column::WorkerId.eq(worker_id))
        .one(&txn)
        .await?;
    let (label, _, earns) = training_outcome(attendance, result);
    let credits = if earns { t.credits } else { 0 };
    let was_there = existing.is_some();
    let m = match existing {
        Some(r) => {
            let mut am: training_record::ActiveModel = r.into();
            am.attendance = Set(attendance.as_str().into());
            am.result = Set(result.map(|r| r.as_str().to_string()));
            am.credits = Set(credits);
            am.update(&txn).await?
        }
        None => {
            training_record::ActiveModel {
                province_code: Set(w.province_code.clone()),
                id: Set(Uuid::now_v7()),
                training_id: Set(t.id),
                worker_id: Set(worker_id),
                region_code: Set(w.region_code.clone()),
                completed_on: Set(t.end_date),
                credits: Set(credits),
                attendance: Set(attendance.as_str().into()),
                result: Set(result.map(|r| r.as_str().to_string())),
            }
            .insert(&txn)
            .await?
        }
    };
    crate::audit::entry(actor, "training.result", &w.region_code)
        .target(worker_id)
        .detail(format!("{}：{label}", t.name))
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok((m, was_there))
}
