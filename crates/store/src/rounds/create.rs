//! Opening a round for a street's communities.

use super::bad;
use shegong_domain::status::{RoundStatus, Status};
use shegong_domain::worker::WorkerStatus;

use crate::Db;
use crate::access::Access;
use crate::entity::{assessment, assessment_entry, assessment_round, worker};
use crate::error::{Result, StoreError};
use crate::regions::in_subtree;
use crate::workers::editable;
use chrono::{Datelike, NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use shegong_domain::Permission;
use shegong_domain::{FieldError, RegionCode, RegionLevel};
use uuid::Uuid;

/// Opens the round of `year` for a street: one entry for every active worker of its communities
/// who served in that year. The policy in force on 31 December of that year (or today) applies.
pub async fn create(
    db: &Db,
    access: &Access,
    street: &str,
    year: i32,
    today: NaiveDate,
) -> Result<assessment_round::Model> {
    access.require(Permission::ManageAssessment)?;
    let (scope, actor) = (&access.scope, &access.actor);
    editable(scope)?;
    let street = RegionCode::parse(street)
        .ok()
        .filter(|r| r.level() == RegionLevel::Street && scope.allows_region(r.as_str()))
        .ok_or_else(|| bad("round_region", "region", "考核应由您管辖范围内的街道（乡镇）组织"))?;
    if !(2000..=today.year()).contains(&year) {
        return Err(bad("year_invalid", "year", "考核年度应在2000年至今年之间"));
    }
    let on = NaiveDate::from_ymd_opt(year, 12, 31).expect("valid").min(today);
    let policy = crate::policies::require_in_force(&db.conn, street.as_str(), on).await?;
    let txn = db.begin_write().await?;
    Db::lock_province(&txn, street.province()).await?;
    let exists = assessment_round::Entity::find()
        .filter(assessment_round::Column::ProvinceCode.eq(street.province()))
        .filter(assessment_round::Column::RegionCode.eq(street.as_str()))
        .filter(assessment_round::Column::Year.eq(year))
        .one(&txn)
        .await?;
    if exists.is_some() {
        return Err(StoreError::Conflict(FieldError::new(
            "round_exists",
            "year",
            format!("该街道{year}年度考核已创建"),
        )));
    }
    let round = assessment_round::ActiveModel {
        province_code: Set(street.province().into()),
        id: Set(Uuid::now_v7()),
        region_code: Set(street.to_string()),
        year: Set(year),
        status: Set(RoundStatus::Draft.as_str().into()),
        policy_name: Set(policy.name.clone()),
        policy_version: Set(policy.version),
        created_by: Set(actor.username.clone()),
        created_at: Set(Utc::now()),
        published_by: Set(None),
        published_at: Set(None),
    }
    .insert(&txn)
    .await?;
    let workers = worker::Entity::find()
        .filter(worker::Column::ProvinceCode.eq(street.province()))
        .filter(in_subtree(worker::Column::RegionCode, street.as_str()))
        .filter(worker::Column::Status.eq(WorkerStatus::Active.as_str()))
        .all(&txn)
        .await?;
    let graded: Vec<Uuid> = assessment::Entity::find()
        .filter(assessment::Column::ProvinceCode.eq(street.province()))
        .filter(in_subtree(assessment::Column::RegionCode, street.as_str()))
        .filter(assessment::Column::Year.eq(year))
        .all(&txn)
        .await?
        .into_iter()
        .map(|a| a.worker_id)
        .collect();
    let rows: Vec<assessment_entry::ActiveModel> = workers
        .iter()
        .filter(|w| w.service_start.is_none_or(|d| d.year() <= year) && !graded.contains(&w.id))
        .map(|w| assessment_entry::ActiveModel {
            province_code: Set(w.province_code.clone()),
            id: Set(Uuid::now_v7()),
            round_id: Set(round.id),
            worker_id: Set(w.id),
            region_code: Set(w.region_code.clone()),
            organisation_score: Set(None),
            residents_score: Set(None),
            routine_score: Set(None),
            combined_tenths: Set(None),
            grade: Set(None),
            note: Set(None),
            routine_proposal: Set(None),
            routine_reason: Set(None),
        })
        .collect();
    for chunk in rows.chunks(1000) {
        assessment_entry::Entity::insert_many(chunk.to_vec()).exec_without_returning(&txn).await?;
    }
    crate::audit::entry(actor, "assessment.round.create", street.as_str())
        .target(round.id)
        .detail(format!("{year}"))
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok(round)
}
