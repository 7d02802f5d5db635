//! Rounds as their readers see them: the list, one round with its entries.

use crate::Db;
use crate::entity::{assessment_entry, assessment_round, worker};
use crate::error::{Result, StoreError};
use crate::regions::in_subtree;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use shegong_domain::Scope;
use shegong_domain::career::excellent_cap;
use shegong_domain::policy::Policy;
use std::collections::HashMap;
use uuid::Uuid;

/// Rounds in scope (a street's own, and every street's below a county), newest first.
pub async fn list(db: &Db, scope: &Scope) -> Result<Vec<assessment_round::Model>> {
    if scope.only_worker().is_some() {
        return Err(StoreError::NotFound);
    }
    Ok(assessment_round::Entity::find()
        .filter(assessment_round::Column::ProvinceCode.eq(scope.region().province()))
        .filter(in_subtree(assessment_round::Column::RegionCode, scope.region().as_str()))
        .order_by_desc(assessment_round::Column::Year)
        .order_by_asc(assessment_round::Column::RegionCode)
        .all(&db.conn)
        .await?)
}

/// One entry with the worker it belongs to.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EntryView {
    #[serde(flatten)]
    pub entry: assessment_entry::Model,
    pub name: String,
    pub title: String,
    /// The year's 事务办理, where the policy proposes routine scores from it.
    pub affairs: Option<shegong_domain::affairs::Affairs>,
    /// The routine score 事务办理 proposes, explained.
    pub proposal: Option<shegong_domain::affairs::Proposal>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RoundView {
    #[serde(flatten)]
    pub round: assessment_round::Model,
    pub entries: Vec<EntryView>,
    pub excellent_cap: Option<u32>,
    #[serde(skip)]
    pub policy: Policy,
}

pub(super) async fn find(
    db: &impl sea_orm::ConnectionTrait,
    scope: &Scope,
    id: Uuid,
) -> Result<assessment_round::Model> {
    if scope.only_worker().is_some() {
        return Err(StoreError::NotFound);
    }
    let here = scope.region().as_str();
    let r = assessment_round::Entity::find()
        .filter(assessment_round::Column::ProvinceCode.eq(&here[..2]))
        .filter(assessment_round::Column::Id.eq(id))
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)?;
    // A round in the caller's region, or their street's round seen from one of its communities
    // (whose entries are then limited to that community).
    if r.region_code.starts_with(here) || here.starts_with(&r.region_code) { Ok(r) } else { Err(StoreError::NotFound) }
}

/// A round in scope with its entries (only those inside the caller's scope: a community head of
/// one community sees that community's entries).
pub async fn get(db: &Db, scope: &Scope, id: Uuid) -> Result<RoundView> {
    let round = find(&db.conn, scope, id).await?;
    let entries = assessment_entry::Entity::find()
        .filter(assessment_entry::Column::ProvinceCode.eq(&round.province_code))
        .filter(assessment_entry::Column::RoundId.eq(round.id))
        .filter(in_subtree(assessment_entry::Column::RegionCode, scope.region().as_str()))
        .all(&db.conn)
        .await?;
    let names: HashMap<Uuid, (String, String)> = worker::Entity::find()
        .filter(worker::Column::ProvinceCode.eq(&round.province_code))
        .filter(worker::Column::Id.is_in(entries.iter().map(|e| e.worker_id).collect::<Vec<_>>()))
        .all(&db.conn)
        .await?
        .into_iter()
        .map(|w| (w.id, (w.name, w.title)))
        .collect();
    let mut entries: Vec<EntryView> = entries
        .into_iter()
        .map(|e| {
            let (name, title) = names.get(&e.worker_id).cloned().unwrap_or_default();
            EntryView { entry: e, name, title, affairs: None, proposal: None }
        })
        .collect();
    entries.sort_by(|a, b| a.entry.region_code.cmp(&b.entry.region_code).then(a.name.cmp(&b.name)));
    let (_, policy) = crate::policies::get(&db.conn, &round.policy_name, Some(round.policy_version)).await?;
    if let Some(rule) = policy.assessment.routine_rule() {
        let ids: Vec<Uuid> = entries.iter().map(|e| e.entry.worker_id).collect();
        let mut affairs = crate::events::affairs::of_workers(db, &round.province_code, &ids, round.year).await?;
        if rule.service.any() {
            crate::residents::add_service_counts(db, &round.province_code, &mut affairs, &ids, round.year).await?;
        }
        for e in &mut entries {
            // Without an account nothing is recorded under the worker's name: no proposal.
            let Some(a) = affairs.get(&e.entry.worker_id).copied() else { continue };
            e.proposal = Some(match e.entry.routine_proposal {
                // Graded: the proposal the grade was made against, whatever was done since.
                Some(score) => {
                    shegong_domain::affairs::Proposal { score, why: "评定等次时的事务办理建议分".into() }
                }
                None => shegong_domain::affairs::propose(&a, &rule),
            });
            e.affairs = Some(a);
        }
    }
    let n = assessment_entry::Entity::find()
        .filter(assessment_entry::Column::ProvinceCode.eq(&round.province_code))
        .filter(assessment_entry::Column::RoundId.eq(round.id))
        .all(&db.conn)
        .await?
        .len() as u32;
    Ok(RoundView {
        excellent_cap: policy.assessment.excellent_cap_pct.map(|c| excellent_cap(n, c)),
        round,
        entries,
        policy,
    })
}

/// Rounds among `ids` (in scope) by what people call them (2025年度考核), for the audit log.
pub async fn labels_of(db: &Db, scope: &Scope, ids: Vec<Uuid>) -> Result<HashMap<Uuid, String>> {
    if ids.is_empty() || scope.only_worker().is_some() {
        return Ok(HashMap::new());
    }
    Ok(assessment_round::Entity::find()
        .filter(assessment_round::Column::ProvinceCode.eq(scope.region().province()))
        .filter(in_subtree(assessment_round::Column::RegionCode, scope.region().as_str()))
        .filter(assessment_round::Column::Id.is_in(ids.into_iter().take(500)))
        .all(&db.conn)
        .await?
        .into_iter()
        .map(|r| (r.id, format!("{}年度考核", r.year)))
        .collect())
}

/// Every entry of a round, in the write transaction.
pub(super) async fn round_entries(
    txn: &sea_orm::DatabaseTransaction,
    round: &assessment_round::Model,
) -> Result<Vec<assessment_entry::Model>> {
    Ok(assessment_entry::Entity::find()
        .filter(assessment_entry::Column::ProvinceCode.eq(&round.province_code))
        .filter(assessment_entry::Column::RoundId.eq(round.id))
        .order_by_asc(assessment_entry::Column::Id)
        .all(txn)
        .await?)
}
