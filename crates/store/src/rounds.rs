//! Yearly assessment rounds (年度考核), organised by a street for its communities:
//! draft (scores entered) → scored (grades proposed under the policy's thresholds and 优秀 cap,
//! adjustable within the cap) → published (grades final, written to every archive). A published
//! grade changes only through a recorded amendment.

use crate::Db;
use crate::access::Access;
use crate::entity::{assessment, assessment_amendment, assessment_entry, assessment_round, worker};
use crate::error::{Result, StoreError};
use crate::regions::in_subtree;
use crate::workers::{Changes, editable, find_scoped};
use chrono::{Datelike, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use shegong_domain::Permission;
use shegong_domain::career::{Grade, excellent_cap, propose_grades, weighted_score_tenths};
use shegong_domain::policy::Policy;
use shegong_domain::{FieldError, RegionCode, RegionLevel, Scope};
use std::collections::HashMap;
use uuid::Uuid;

pub const STATUSES: [(&str, &str); 3] = [("draft", "评分中"), ("scored", "已评定"), ("published", "已发布")];

pub fn status_label(s: &str) -> &str {
    STATUSES.iter().find(|(k, _)| *k == s).map_or(s, |(_, l)| l)
}

fn bad(code: &'static str, field: &'static str, msg: impl Into<String>) -> StoreError {
    StoreError::invalid(FieldError::new(code, field, msg))
}

fn wrong_state(round: &assessment_round::Model, want: &str) -> StoreError {
    StoreError::Conflict(FieldError::new(
        "round_state",
        "status",
        format!(
            "该考核当前为“{}”，此操作只能在“{}”状态下进行",
            status_label(&round.status),
            status_label(want)
        ),
    ))
}

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
        status: Set("draft".into()),
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
        .filter(in_subtree(worker::Column::RegionCode, street.as_str()))
        .filter(worker::Column::Status.eq("active"))
        .all(&txn)
        .await?;
    let graded: Vec<Uuid> = assessment::Entity::find()
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
        })
        .collect();
    for chunk in rows.chunks(1000) {
        assessment_entry::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    crate::audit::record(
        &txn,
        actor,
        "assessment.round.create",
        street.as_str(),
        Some(round.id.to_string()),
        Some(format!("{year}")),
    )
    .await?;
    txn.commit().await?;
    Ok(round)
}

/// Rounds in scope (a street's own, and every street's below a county), newest first.
pub async fn list(db: &Db, scope: &Scope) -> Result<Vec<assessment_round::Model>> {
    if scope.only_worker().is_some() {
        return Err(StoreError::NotFound);
    }
    Ok(assessment_round::Entity::find()
        .filter(in_subtree(
            assessment_round::Column::RegionCode,
            scope.region().as_str(),
        ))
        .order_by_desc(assessment_round::Column::Year)
        .order_by_asc(assessment_round::Column::RegionCode)
        .all(&db.conn)
        .await?)
}

/// One entry with the worker it belongs to.
#[derive(Debug, Clone, Serialize)]
pub struct EntryView {
    #[serde(flatten)]
    pub entry: assessment_entry::Model,
    pub name: String,
    pub title: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RoundView {
    #[serde(flatten)]
    pub round: assessment_round::Model,
    pub entries: Vec<EntryView>,
    pub excellent_cap: Option<u32>,
    #[serde(skip)]
    pub policy: Policy,
}

async fn find(db: &impl sea_orm::ConnectionTrait, scope: &Scope, id: Uuid) -> Result<assessment_round::Model> {
    if scope.only_worker().is_some() {
        return Err(StoreError::NotFound);
    }
    assessment_round::Entity::find()
        .filter(assessment_round::Column::Id.eq(id))
        .filter(in_subtree(
            assessment_round::Column::RegionCode,
            scope.region().as_str(),
        ))
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
}

/// A round in scope with its entries (only those inside the caller's scope: a community head of
/// one community sees that community's entries).
pub async fn get(db: &Db, scope: &Scope, id: Uuid) -> Result<RoundView> {
    let round = if let Ok(r) = find(&db.conn, scope, id).await {
        r
    } else {
        // A community head sees the round of their street, limited to their community.
        let r = assessment_round::Entity::find()
            .filter(assessment_round::Column::Id.eq(id))
            .one(&db.conn)
            .await?
            .ok_or(StoreError::NotFound)?;
        if scope.only_worker().is_some() || !scope.region().as_str().starts_with(&r.region_code) {
            return Err(StoreError::NotFound);
        }
        r
    };
    let entries = assessment_entry::Entity::find()
        .filter(assessment_entry::Column::ProvinceCode.eq(&round.province_code))
        .filter(assessment_entry::Column::RoundId.eq(round.id))
        .filter(in_subtree(
            assessment_entry::Column::RegionCode,
            scope.region().as_str(),
        ))
        .all(&db.conn)
        .await?;
    let names: HashMap<Uuid, (String, String)> = worker::Entity::find()
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
            EntryView { entry: e, name, title }
        })
        .collect();
    entries.sort_by(|a, b| a.entry.region_code.cmp(&b.entry.region_code).then(a.name.cmp(&b.name)));
    let (_, policy) = crate::policies::get(&db.conn, &round.policy_name, Some(round.policy_version)).await?;
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

/// Scores for one worker, 0–100 each; a component whose weight is zero may be left out.
#[derive(Debug, Clone, Default, Deserialize)]
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
    access.require(Permission::ScoreAssessment)?;
    let (scope, actor) = (&access.scope, &access.actor);
    editable(scope)?;
    let mut errors = Vec::new();
    for (i, s) in items.iter().enumerate() {
        for v in [s.organisation, s.residents, s.routine].into_iter().flatten() {
            if !(0..=100).contains(&v) {
                errors.push(FieldError::new(
                    "score_range",
                    "score",
                    format!("第{}行：分数应在0至100之间", i + 1),
                ));
                break;
            }
        }
    }
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let txn = db.begin_write().await?;
    let round = find(&txn, scope, id).await?;
    if round.status != "draft" {
        return Err(wrong_state(&round, "draft"));
    }
    let entries: HashMap<Uuid, assessment_entry::Model> = assessment_entry::Entity::find()
        .filter(assessment_entry::Column::ProvinceCode.eq(&round.province_code))
        .filter(assessment_entry::Column::RoundId.eq(round.id))
        .filter(in_subtree(
            assessment_entry::Column::RegionCode,
            scope.region().as_str(),
        ))
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
        let mut am = e.clone().into_active_model();
        am.organisation_score = Set(s.organisation);
        am.residents_score = Set(s.residents);
        am.routine_score = Set(s.routine);
        am.note = Set(s
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(|n| n.chars().take(200).collect()));
        am.update(&txn).await?;
        n += 1;
    }
    crate::audit::record(
        &txn,
        actor,
        "assessment.round.scores",
        &round.region_code,
        Some(round.id.to_string()),
        Some(format!("{n} 人")),
    )
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
    if round.status != "draft" {
        return Err(wrong_state(&round, "draft"));
    }
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
    let cap = a.excellent_cap_pct.map(|c| excellent_cap(entries.len() as u32, c));
    let grades = propose_grades(&scores, |s| policy.grade_for_score(s), cap);
    for ((e, s), g) in entries.into_iter().zip(scores).zip(grades) {
        let mut am = e.into_active_model();
        am.combined_tenths = Set(Some(s as i32));
        am.grade = Set(Some(g.as_str().into()));
        am.update(&txn).await?;
    }
    let mut am = round.into_active_model();
    am.status = Set("scored".into());
    let round = am.update(&txn).await?;
    crate::audit::record(
        &txn,
        actor,
        "assessment.round.score",
        &round.region_code,
        Some(round.id.to_string()),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(round)
}

async fn round_entries(
    txn: &DatabaseTransaction,
    round: &assessment_round::Model,
) -> Result<Vec<assessment_entry::Model>> {
    Ok(assessment_entry::Entity::find()
        .filter(assessment_entry::Column::ProvinceCode.eq(&round.province_code))
        .filter(assessment_entry::Column::RoundId.eq(round.id))
        .order_by_asc(assessment_entry::Column::Id)
        .all(txn)
        .await?)
}

/// Adjusts one proposed grade while the round is scored; the 优秀 cap still holds.
pub async fn set_grade(
    db: &Db,
    access: &Access,
    id: Uuid,
    worker_id: Uuid,
    grade: Grade,
) -> Result<assessment_entry::Model> {
    access.require(Permission::ManageAssessment)?;
    let (scope, actor) = (&access.scope, &access.actor);
    editable(scope)?;
    let txn = db.begin_write().await?;
    let round = find(&txn, scope, id).await?;
    if round.status != "scored" {
        return Err(wrong_state(&round, "scored"));
    }
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
        let now = entries
            .iter()
            .filter(|x| x.worker_id != worker_id && x.grade.as_deref() == Some("excellent"))
            .count() as u32;
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
    let e = am.update(&txn).await?;
    crate::audit::record(
        &txn,
        actor,
        "assessment.round.grade",
        &e.region_code,
        Some(worker_id.to_string()),
        Some(grade.as_str().into()),
    )
    .await?;
    txn.commit().await?;
    Ok(e)
}

/// Scored → published: every grade is written to its worker's archive, final. Returns the workers
/// whom the exit rule flags once these grades stand.
pub async fn publish(db: &Db, access: &Access, id: Uuid) -> Result<(assessment_round::Model, Vec<(Uuid, String)>)> {
    access.require(Permission::ManageAssessment)?;
    let (scope, actor) = (&access.scope, &access.actor);
    editable(scope)?;
    let txn = db.begin_write().await?;
    let round = find(&txn, scope, id).await?;
    if round.status != "scored" {
        return Err(wrong_state(&round, "scored"));
    }
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
        let g = e
            .grade
            .as_deref()
            .and_then(Grade::parse)
            .ok_or_else(|| anyhow::anyhow!("scored entry without a grade"))?;
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
            ch.push(
                "assessment",
                "年度考核",
                None,
                Some(format!("{}年度：{}", round.year, g.label())),
            );
            ch.save(&txn).await?;
        }
    }
    for chunk in rows.chunks(1000) {
        assessment::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    let mut am = round.into_active_model();
    am.status = Set("published".into());
    am.published_by = Set(Some(actor.username.clone()));
    am.published_at = Set(Some(now));
    let round = am.update(&txn).await?;
    crate::audit::record(
        &txn,
        actor,
        "assessment.round.publish",
        &round.region_code,
        Some(round.id.to_string()),
        Some(format!("{} 人", entries.len())),
    )
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
    ch.push(
        "assessment",
        &format!("{year}年度考核（更正：{reason}）"),
        Some(label(&old)),
        Some(grade.label().into()),
    );
    ch.save(&txn).await?;
    crate::audit::record(
        &txn,
        actor,
        "worker.assessment.amend",
        &w.region_code,
        Some(worker_id.to_string()),
        Some(format!("{year} {old} → {}", grade.as_str())),
    )
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
