//! Publishing a round's grades to the archives, and amendments after publication.

use super::view::find;
use super::view::round_entries;
use super::{bad, require};
use shegong_domain::status::{RoundStatus, Status};

use crate::Db;
use crate::access::Access;
use crate::entity::{assessment, assessment_amendment, assessment_round, worker};
use crate::error::{Result, StoreError};
use crate::workers::{Changes, editable, find_scoped};
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set};
use shegong_domain::Permission;
use shegong_domain::career::Grade;
use shegong_domain::{FieldError, Scope};
use std::collections::HashMap;
use uuid::Uuid;

/// Scored → published: every grade is written to its worker's archive, final. Returns the workers
/// whom the exit rule flags once these grades stand.
pub async fn publish(db: &Db, access: &Access, id: Uuid) -> Result<(assessment_round::Model, Vec<(Uuid, String)>)> {
    access.require(Permission::ManageAssessment)?;
    let (scope, actor) = (&access.scope, &access.actor);
    editable(scope)?;
    let txn = db.begin_write().await?;
    let round = find(&txn, scope, id).await?;
    require(&round, RoundStatus::Scored)?;
    if !scope.allows_region(&round.region_code) {
        return Err(StoreError::Forbidden("只有组织考核的街道及其上级可以发布"));
    }
    let (_, policy) = crate::policies::get(&txn, &round.policy_name, Some(round.policy_version)).await?;
    let entries = round_entries(&txn, &round).await?;
    let ids: Vec<Uuid> = entries.iter().map(|e| e.worker_id).collect();
    let taken = assessment::Entity::find()
        .filter(assessment::Column::ProvinceCode.eq(&round.province_code))
        .filter(assessment::Column::WorkerId.is_in(ids.clone()))
        .filter(assessment::Column::Year.eq(round.year))
        .all(&txn)
        .await?;
    if !taken.is_empty() {
        return Err(StoreError::Conflict(FieldError::new(
            "assessment_published",
            "year",
            format!("有{}人的{}年度考核等次已另行发布，请核对名单", taken.len(), round.year),
        )));
    }
    let workers: HashMap<Uuid, worker::Model> = worker::Entity::find()
        .filter(worker::Column::ProvinceCode.eq(&round.province_code))
        .filter(worker::Column::Id.is_in(ids.clone()))
        .all(&txn)
        .await?
        .into_iter()
        .map(|w| (w.id, w))
        .collect();
    let now = Utc::now();
    let mut rows = Vec::with_capacity(entries.len());
    for e in &entries {
        let g =
            e.grade.as_deref().and_then(Grade::parse).ok_or_else(|| anyhow::anyhow!("scored entry without a grade"))?;
        rows.push(assessment::ActiveModel {
            province_code: Set(round.province_code.clone()),
            id: Set(Uuid::now_v7()),
            worker_id: Set(e.worker_id),
            region_code: Set(e.region_code.clone()),
            year: Set(round.year),
            grade: Set(g.as_str().into()),
            recorded_by: Set(actor.username.clone()),
            recorded_at: Set(now),
        });
        if let Some(w) = workers.get(&e.worker_id) {
            let mut ch = Changes::new(w, actor);
            ch.push("assessment", "年度考核", None, Some(format!("{}年度：{}", round.year, g.label())));
            ch.save(&txn).await?;
        }
    }
    for chunk in rows.chunks(1000) {
        assessment::Entity::insert_many(chunk.to_vec()).exec_without_returning(&txn).await?;
    }
    let mut am = round.into_active_model();
    am.status = Set(RoundStatus::Published.as_str().into());
    am.published_by = Set(Some(actor.username.clone()));
    am.published_at = Set(Some(now));
    let round = am.update(&txn).await?;
    crate::audit::entry(actor, "assessment.round.publish", &round.region_code)
        .target(round.id)
        .detail(format!("{} 人", entries.len()))
        .save(&txn)
        .await?;
    // Who the exit rule flags now.
    let all = assessment::Entity::find()
        .filter(assessment::Column::ProvinceCode.eq(&round.province_code))
        .filter(assessment::Column::WorkerId.is_in(ids))
        .all(&txn)
        .await?;
    let mut by: HashMap<Uuid, Vec<assessment::Model>> = HashMap::new();
    for a in all {
        by.entry(a.worker_id).or_default().push(a);
    }
    let mut flagged: Vec<(Uuid, String)> = by
        .iter()
        .filter_map(|(w, gs)| {
            crate::career::flag_of(gs, policy.exit).map(|t| {
                let name = workers.get(w).map_or("", |w| w.name.as_str());
                (*w, format!("{name}：{}", t.message))
            })
        })
        .collect();
    flagged.sort();
    txn.commit().await?;
    Ok((round, flagged))
}

/// Changes a published grade through a recorded amendment (who, when, from what, why).
pub async fn amend(
    db: &Db,
    access: &Access,
    worker_id: Uuid,
    year: i32,
    grade: Grade,
    reason: &str,
) -> Result<assessment_amendment::Model> {
    access.require(Permission::ManageAssessment)?;
    let (scope, actor) = (&access.scope, &access.actor);
    editable(scope)?;
    let reason = reason.trim();
    if reason.chars().count() < 2 || reason.chars().count() > 200 {
        return Err(bad("amend_reason", "reason", "请填写更正理由（2至200字）"));
    }
    let txn = db.begin_write().await?;
    let w = find_scoped(&txn, scope, worker_id).await?;
    let a = assessment::Entity::find()
        .filter(assessment::Column::ProvinceCode.eq(&w.province_code))
        .filter(assessment::Column::WorkerId.eq(worker_id))
        .filter(assessment::Column::Year.eq(year))
        .one(&txn)
        .await?
        .ok_or_else(|| bad("assessment_missing", "year", format!("{year}年度尚无已发布的考核等次")))?;
    if a.grade == grade.as_str() {
        return Err(bad("amend_same", "grade", "更正后的等次与原等次相同"));
    }
    let old = a.grade.clone();
    let m = assessment_amendment::ActiveModel {
        province_code: Set(w.province_code.clone()),
        id: Set(Uuid::now_v7()),
        assessment_id: Set(a.id),
        worker_id: Set(worker_id),
        region_code: Set(w.region_code.clone()),
        year: Set(year),
        old_grade: Set(old.clone()),
        new_grade: Set(grade.as_str().into()),
        reason: Set(reason.into()),
        amended_by: Set(actor.username.clone()),
        amended_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    let mut am = a.into_active_model();
    am.grade = Set(grade.as_str().into());
    am.update(&txn).await?;
    let label = |g: &str| Grade::parse(g).map_or(g.to_string(), |g| g.label().to_string());
    let mut ch = Changes::new(&w, actor);
    ch.push("assessment", &format!("{year}年度考核（更正：{reason}）"), Some(label(&old)), Some(grade.label().into()));
    ch.save(&txn).await?;
    crate::audit::entry(actor, "worker.assessment.amend", &w.region_code)
        .target(worker_id)
        .detail(format!("{year} {old} → {}", grade.as_str()))
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok(m)
}

/// A worker's amendments, newest first.
pub async fn amendments(db: &Db, scope: &Scope, worker_id: Uuid) -> Result<Vec<assessment_amendment::Model>> {
    let w = find_scoped(&db.conn, scope, worker_id).await?;
    Ok(assessment_amendment::Entity::find()
        .filter(assessment_amendment::Column::ProvinceCode.eq(w.province_code))
        .filter(assessment_amendment::Column::WorkerId.eq(worker_id))
        .order_by_desc(assessment_amendment::Column::AmendedAt)
        .all(&db.conn)
        .await?)
}
