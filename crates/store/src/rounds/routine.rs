//! The routine part of a round (日常考核) proposed from each worker's 事务办理 under the policy's
//! rule: adopted where no routine score was entered yet, or overridden with a recorded reason.

use super::view::find;
use super::view::round_entries;
use super::{bad, require};
use crate::Db;
use crate::access::Access;
use crate::entity::{assessment_entry, assessment_round, worker};
use crate::error::{Result, StoreError};
use crate::regions::in_subtree;
use crate::workers::editable;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter, Set};
use shegong_domain::Permission;
use shegong_domain::affairs::{Proposal, propose};
use shegong_domain::policy::Policy;
use shegong_domain::status::RoundStatus;
use std::collections::HashMap;
use uuid::Uuid;

/// What 事务办理 proposes for each entry (empty when the policy proposes nothing).
pub(super) async fn proposals(
    db: &Db,
    round: &assessment_round::Model,
    policy: &Policy,
    entries: &[assessment_entry::Model],
) -> Result<HashMap<Uuid, Proposal>> {
    let Some(rule) = policy.assessment.routine_rule() else { return Ok(HashMap::new()) };
    let ids: Vec<Uuid> = entries.iter().map(|e| e.worker_id).collect();
    let mut affairs = crate::events::affairs::of_workers(db, &round.province_code, &ids, round.year).await?;
    if rule.service.any() {
        crate::residents::add_service_counts(db, &round.province_code, &mut affairs, &ids, round.year).await?;
    }
    Ok(affairs.iter().map(|(w, a)| (*w, propose(a, &rule))).collect())
}

/// The names of the entries whose routine score differs from the proposal without a reason.
pub(super) async fn unexplained(
    txn: &DatabaseTransaction,
    round: &assessment_round::Model,
    entries: &[assessment_entry::Model],
    proposals: &HashMap<Uuid, Proposal>,
) -> Result<Vec<String>> {
    let ids: Vec<Uuid> = entries
        .iter()
        .filter(|e| {
            let p = proposals.get(&e.worker_id).map(|p| p.score);
            p.is_some() && e.routine_score.is_some() && e.routine_score != p && e.routine_reason.is_none()
        })
        .map(|e| e.worker_id)
        .collect();
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let mut names: Vec<String> = worker::Entity::find()
        .filter(worker::Column::ProvinceCode.eq(&round.province_code))
        .filter(worker::Column::Id.is_in(ids))
        .all(txn)
        .await?
        .into_iter()
        .map(|w| w.name)
        .collect();
    names.sort();
    Ok(names)
}

/// Fills each routine score not entered yet (in the caller's part of the round) with the proposal;
/// the number filled.
pub async fn adopt_proposals(db: &Db, access: &Access, id: Uuid) -> Result<u64> {
    access.require(Permission::ScoreAssessment)?;
    let (scope, actor) = (&access.scope, &access.actor);
    editable(scope)?;
    let txn = db.begin_write().await?;
    let round = find(&*txn, scope, id).await?;
    Db::lock_province(&txn, &round.province_code).await?;
    require(&round, RoundStatus::Draft)?;
    let (_, policy) = crate::policies::get(&*txn, &round.policy_name, Some(round.policy_version)).await?;
    if policy.assessment.routine_rule().is_none() {
        return Err(bad("routine_rule_missing", "policy", "本次考核适用的政策未规定由事务办理计算日常考核建议分"));
    }
    let entries: Vec<assessment_entry::Model> = round_entries(&txn, &round)
        .await?
        .into_iter()
        .filter(|e| scope.allows_region(&e.region_code) && e.routine_score.is_none())
        .collect();
    let proposals = proposals(db, &round, &policy, &entries).await?;
    let mut n = 0;
    for e in entries {
        if let Some(p) = proposals.get(&e.worker_id) {
            let mut am = e.into_active_model();
            am.routine_score = Set(Some(p.score));
            am.update(&*txn).await?;
            n += 1;
        }
    }
    crate::audit::entry(actor, "assessment.round.adopt_routine", &round.region_code)
        .target(round.id)
        .detail(format!("{n} 人采用事务办理建议分"))
        .save(&*txn)
        .await?;
    txn.commit().await?;
    Ok(n)
}

/// Records why a worker's routine score differs from the proposal (1–200 characters).
pub async fn explain_routine(db: &Db, access: &Access, id: Uuid, worker_id: Uuid, reason: &str) -> Result<()> {
    access.require(Permission::ScoreAssessment)?;
    let (scope, actor) = (&access.scope, &access.actor);
    editable(scope)?;
    let reason = shegong_domain::text::lines("reason", "理由", reason, 200)
        .map_err(StoreError::invalid)?
        .ok_or_else(|| bad("routine_reason_required", "reason", "请填写平时考核与建议分不同的理由"))?;
    let txn = db.begin_write().await?;
    let round = find(&*txn, scope, id).await?;
    require(&round, RoundStatus::Draft)?;
    let e = assessment_entry::Entity::find()
        .filter(assessment_entry::Column::ProvinceCode.eq(&round.province_code))
        .filter(assessment_entry::Column::RoundId.eq(round.id))
        .filter(assessment_entry::Column::WorkerId.eq(worker_id))
        .filter(in_subtree(assessment_entry::Column::RegionCode, scope.region().as_str()))
        .one(&*txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    let mut am = e.into_active_model();
    am.routine_reason = Set(Some(reason.clone()));
    am.update(&*txn).await?;
    crate::audit::entry(actor, "assessment.round.routine_reason", &round.region_code)
        .target(worker_id)
        .detail(reason)
        .save(&*txn)
        .await?;
    txn.commit().await?;
    Ok(())
}
