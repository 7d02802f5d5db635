//! Scores, the grades they propose under the policy's thresholds and cap, and changes within the cap.

use super::view::{find, round_entries};
use super::{bad, require};
use shegong_domain::status::{RoundStatus, Status};

use crate::Db;
use crate::access::Access;
use crate::entity::{assessment_entry, assessment_round};
use crate::error::{Result, StoreError};
use crate::regions::in_subtree;
use crate::workers::editable;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use serde::Deserialize;
use shegong_domain::FieldError;
use shegong_domain::Permission;
use shegong_domain::career::{Grade, excellent_cap, propose_grades, weighted_score_tenths};
use std::collections::HashMap;
use uuid::Uuid;

/// How an entry's note begins when its grade was adjusted by hand (the reason follows).
pub const ADJUSTED: &str = "调整为";

/// Scores for one worker, 0–100 each; a component whose weight is zero may be left out.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ScoreInput {
    pub worker_id: Uuid,
    pub organisation: Option<i32>,
    pub residents: Option<i32>,
    pub routine: Option<i32>,
    pub note: Option<String>,
}

/// Saves scores for many entries at once, all or nothing, while the round is a draft.
pub async fn save_scores(db: &Db, access: &Access, id: Uuid, items: &[ScoreInput]) -> Result<u64> {
    save_scores_over(db, access, id, items, &HashMap::new()).await
}

/// The three scores of an entry as a page showed them (organisation, residents, routine).
pub type Shown = [Option<i32>; 3];

/// [`save_scores`] for a page: `shown` holds, per person, the scores the page's check was made
/// against; if any of them changed before this write (another clerk saved meanwhile), nothing is
/// saved and the clerk is asked to look again. The comparison is made inside the write.
pub async fn save_scores_over(
    db: &Db,
    access: &Access,
    id: Uuid,
    items: &[ScoreInput],
    shown: &HashMap<Uuid, Shown>,
) -> Result<u64> {
    access.require(Permission::ScoreAssessment)?;
    let (scope, actor) = (&access.scope, &access.actor);
    editable(scope)?;
    let mut errors = Vec::new();
    for (i, s) in items.iter().enumerate() {
        for v in [s.organisation, s.residents, s.routine].into_iter().flatten() {
            if !(0..=100).contains(&v) {
                errors.push(FieldError::new("score_range", "score", format!("第{}行：分数应在0至100之间", i + 1)));
                break;
            }
        }
    }
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let txn = db.begin_write().await?;
    let round = find(&txn, scope, id).await?;
    // Two clerks saving at once take turns, so that the second sees the first one's scores.
    Db::lock_province(&txn, &round.province_code).await?;
    require(&round, RoundStatus::Draft)?;
    let entries: HashMap<Uuid, assessment_entry::Model> = assessment_entry::Entity::find()
        .filter(assessment_entry::Column::ProvinceCode.eq(&round.province_code))
        .filter(assessment_entry::Column::RoundId.eq(round.id))
        .filter(in_subtree(assessment_entry::Column::RegionCode, scope.region().as_str()))
        .all(&txn)
        .await?
        .into_iter()
        .map(|e| (e.worker_id, e))
        .collect();
    let mut n = 0;
    for s in items {
        let Some(e) = entries.get(&s.worker_id) else {
            return Err(bad("round_entry", "worker_id", "该人员不在本次考核名单中"));
        };
        if shown.get(&s.worker_id).is_some_and(|was| *was != [e.organisation_score, e.residents_score, e.routine_score])
        {
            return Err(StoreError::Conflict(FieldError::new(
                "scores_changed",
                "score",
                "保存前已有人修改了其中一些人的分数，本次未保存任何分数；请刷新页面核对后再保存",
            )));
        }
        let mut am = e.clone().into_active_model();
        am.organisation_score = Set(s.organisation);
        am.residents_score = Set(s.residents);
        am.routine_score = Set(s.routine);
        if s.routine != e.routine_score {
            // A reason given for the old score does not speak for a new one.
            am.routine_reason = Set(None);
        }
        am.note =
            Set(s.note.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(|n| n.chars().take(200).collect()));
        am.update(&txn).await?;
        n += 1;
    }
    crate::audit::entry(actor, "assessment.round.scores", &round.region_code)
        .target(round.id)
        .detail(format!("{n} 人"))
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok(n)
}

/// Draft → scored: every entry's combined score under the policy's weights, the grade its
/// thresholds give, and the 优秀 cap applied (lowest-scored 优秀 drop to 合格). Refused, changing
/// nothing, while any entry lacks a score the weights need.
pub async fn compute(db: &Db, access: &Access, id: Uuid) -> Result<assessment_round::Model> {
    access.require(Permission::ManageAssessment)?;
    let (scope, actor) = (&access.scope, &access.actor);
    editable(scope)?;
    let txn = db.begin_write().await?;
    let round = find(&txn, scope, id).await?;
    require(&round, RoundStatus::Draft)?;
    let (_, policy) = crate::policies::get(&txn, &round.policy_name, Some(round.policy_version)).await?;
    let a = &policy.assessment;
    let entries = round_entries(&txn, &round).await?;
    let mut scores = Vec::with_capacity(entries.len());
    let mut missing = 0;
    for e in &entries {
        let parts = [
            (e.organisation_score, a.organisation_weight),
            (e.residents_score, a.residents_weight),
            (e.routine_score, a.routine_weight),
        ];
        if parts.iter().any(|(s, w)| *w > 0 && s.is_none()) {
            missing += 1;
            continue;
        }
        let p: Vec<(u32, u32)> = parts.iter().map(|(s, w)| (s.unwrap_or(0).max(0) as u32, *w)).collect();
        scores.push(weighted_score_tenths(&p));
    }
    if missing > 0 {
        return Err(bad(
            "scores_missing",
            "scores",
            format!(
                "还有{missing}人未录入全部评分（组织评价、群众评议{}），不能评定等次",
                if a.routine_weight > 0 { "、平时考核" } else { "" }
            ),
        ));
    }
    // A routine score other than the one 事务办理 proposes needs its reason recorded first.
    let proposals = super::routine::proposals(db, &round, &policy, &entries).await?;
    let unexplained = super::routine::unexplained(&txn, &round, &entries, &proposals).await?;
    if !unexplained.is_empty() {
        return Err(bad(
            "routine_reason_missing",
            "routine_reason",
            format!(
                "{}人的平时考核与事务办理建议分不同，尚未说明理由（{}），请先在名单中填写理由再评定等次",
                unexplained.len(),
                unexplained.iter().take(10).cloned().collect::<Vec<_>>().join("、")
            ),
        ));
    }
    let cap = a.excellent_cap_pct.map(|c| excellent_cap(entries.len() as u32, c));
    let grades = propose_grades(&scores, |s| policy.grade_for_score(s), cap);
    for ((e, s), g) in entries.into_iter().zip(scores).zip(grades) {
        let proposal = proposals.get(&e.worker_id).map(|p| p.score);
        let mut am = e.into_active_model();
        am.routine_proposal = Set(proposal);
        am.combined_tenths = Set(Some(s as i32));
        am.grade = Set(Some(g.as_str().into()));
        am.update(&txn).await?;
    }
    let mut am = round.into_active_model();
    am.status = Set(RoundStatus::Scored.as_str().into());
    let round = am.update(&txn).await?;
    crate::audit::entry(actor, "assessment.round.score", &round.region_code).target(round.id).save(&txn).await?;
    txn.commit().await?;
    Ok(round)
}

/// Takes a scored (not yet published) round back to scoring, to correct a score: the proposed grades
/// are cleared and are proposed again by the next 评定等次.
pub async fn reopen(db: &Db, access: &Access, id: Uuid) -> Result<assessment_round::Model> {
    access.require(Permission::ManageAssessment)?;
    let (scope, actor) = (&access.scope, &access.actor);
    editable(scope)?;
    let txn = db.begin_write().await?;
    let round = find(&txn, scope, id).await?;
    require(&round, RoundStatus::Scored)?;
    assessment_entry::Entity::update_many()
        .col_expr(assessment_entry::Column::Grade, sea_orm::sea_query::Expr::value(Option::<String>::None))
        .col_expr(assessment_entry::Column::CombinedTenths, sea_orm::sea_query::Expr::value(Option::<i32>::None))
        .filter(assessment_entry::Column::ProvinceCode.eq(&round.province_code))
        .filter(assessment_entry::Column::RoundId.eq(round.id))
        .exec(&txn)
        .await?;
    let mut am = round.into_active_model();
    am.status = Set(RoundStatus::Draft.as_str().into());
    let round = am.update(&txn).await?;
    crate::audit::entry(actor, "assessment.round.reopen", &round.region_code).target(round.id).save(&txn).await?;
    txn.commit().await?;
    Ok(round)
}

/// Adjusts one proposed grade while the round is scored; the 优秀 cap still holds.
pub async fn set_grade(
    db: &Db,
    access: &Access,
    id: Uuid,
    worker_id: Uuid,
    grade: Grade,
    reason: &str,
) -> Result<assessment_entry::Model> {
    access.require(Permission::ManageAssessment)?;
    let (scope, actor) = (&access.scope, &access.actor);
    editable(scope)?;
    // An adjustment departs from what the scores gave: it says why, and the entry shows it.
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 200 {
        return Err(bad("grade_reason", "reason", "请填写调整理由（200字以内）"));
    }
    let txn = db.begin_write().await?;
    let round = find(&txn, scope, id).await?;
    require(&round, RoundStatus::Scored)?;
    let (_, policy) = crate::policies::get(&txn, &round.policy_name, Some(round.policy_version)).await?;
    if !policy.assessment.grades.contains(&grade) {
        return Err(bad("grade_not_in_policy", "grade", "该等次不在本地考核政策中"));
    }
    let entries = round_entries(&txn, &round).await?;
    let Some(e) = entries.iter().find(|e| e.worker_id == worker_id).cloned() else {
        return Err(StoreError::NotFound);
    };
    if !scope.allows_region(&e.region_code) {
        return Err(StoreError::NotFound);
    }
    if grade == Grade::Excellent
        && let Some(pct) = policy.assessment.excellent_cap_pct
    {
        let cap = excellent_cap(entries.len() as u32, pct);
        let now = entries.iter().filter(|x| x.worker_id != worker_id && x.grade.as_deref() == Some("excellent")).count()
            as u32;
        if now + 1 > cap {
            return Err(StoreError::Conflict(FieldError::new(
                "excellent_cap",
                "grade",
                format!("优秀等次不得超过参评人数的{pct}%（本次最多{cap}人），请先调整其他人员"),
            )));
        }
    }
    let mut am = e.into_active_model();
    am.grade = Set(Some(grade.as_str().into()));
    am.note = Set(Some(format!("{ADJUSTED}{}：{reason}", grade.label())));
    let e = am.update(&txn).await?;
    crate::audit::entry(actor, "assessment.round.grade", &e.region_code)
        .target(worker_id)
        .detail(format!("调整为{}：{reason}", grade.label()))
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok(e)
}
