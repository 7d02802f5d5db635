//! A course's roster: who took part, with attendance, result and credits; a person taken off it.
use super::courses::get;
use crate::Db;
use crate::access::Access;
use crate::entity::{training, training_record};
use crate::error::{Result, StoreError};
use crate::regions::in_subtree;
use crate::workers::editable;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use shegong_domain::{Permission, Scope};
use uuid::Uuid;

/// One person on a roster, with their name.
#[derive(Debug, Clone)]
pub struct RosterLine {
    pub record: training_record::Model,
    pub name: String,
}

/// The course in scope and its roster (the people in the caller's scope), by community then name.
pub async fn roster(db: &Db, scope: &Scope, id: Uuid) -> Result<(training::Model, Vec<RosterLine>)> {
    let t = get(db, scope, id).await?;
    let records = training_record::Entity::find()
        .filter(training_record::Column::ProvinceCode.eq(&t.province_code))
        .filter(training_record::Column::TrainingId.eq(t.id))
        .filter(in_subtree(training_record::Column::RegionCode, scope.region().as_str()))
        .order_by_asc(training_record::Column::RegionCode)
        .all(&db.conn)
        .await?;
    let names =
        crate::workers::names_in_province(db, &t.province_code, records.iter().map(|r| r.worker_id).collect()).await?;
    let mut lines: Vec<RosterLine> = records
        .into_iter()
        .map(|record| RosterLine { name: names.get(&record.worker_id).cloned().unwrap_or_default(), record })
        .collect();
    lines.sort_by(|a, b| a.record.region_code.cmp(&b.record.region_code).then(a.name.cmp(&b.name)));
    Ok((t, lines))
}

/// Takes a person off a course's roster (recorded by mistake); their credits for it go with it.
pub async fn remove(db: &Db, access: &Access, id: Uuid, worker_id: Uuid) -> Result<()> {
    access.require(Permission::ManageTraining)?;
    let (scope, actor) = (&access.scope, &access.actor);
    editable(scope)?;
    let t = get(db, scope, id).await?;
    let txn = db.begin_write().await?;
    let r = training_record::Entity::find()
        .filter(training_record::Column::ProvinceCode.eq(&t.province_code))
        .filter(training_record::Column::TrainingId.eq(t.id))
        .filter(training_record::Column::WorkerId.eq(worker_id))
        .filter(in_subtree(training_record::Column::RegionCode, scope.region().as_str()))
        .one(&txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    training_record::Entity::delete_by_id((r.province_code.clone(), r.id)).exec(&txn).await?;
    crate::audit::entry(actor, "training.remove", &r.region_code)
        .target(worker_id)
        .detail(format!("{}：移出名单", t.name))
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}
