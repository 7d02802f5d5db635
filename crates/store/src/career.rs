//! Assessment grades, the exit flag they raise, and the alerts a region sees.

use crate::Db;
use crate::access::Access;
use crate::entity::{agreement, assessment, worker};
use crate::error::{Result, StoreError};
use crate::regions::in_subtree;
use crate::workers::{Changes, editable, find_scoped};
use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde::Serialize;
use shegong_domain::Permission;
use shegong_domain::career::{ExitRule, ExitTrigger, Grade, exit_flag};
use shegong_domain::worker::WorkerStatus;
use shegong_domain::{FieldError, Scope};
use std::collections::HashMap;
use uuid::Uuid;

/// Records the published grade of one year. A published grade is final: a second grade for the same
/// year is refused (corrections go through an amendment, not a silent edit).
pub async fn record_grade(
    db: &Db,
    access: &Access,
    worker_id: Uuid,
    year: i32,
    grade: Grade,
    today: NaiveDate,
) -> Result<assessment::Model> {
    access.require(Permission::ManageAssessment)?;
    let (scope, actor) = (&access.scope, &access.actor);
    editable(scope)?;
    if !(2000..=chrono::Datelike::year(&today)).contains(&year) {
        return Err(StoreError::invalid(FieldError::new("year_invalid", "year", "考核年度应在2000年至今年之间")));
    }
    let txn = db.begin_write().await?;
    let w = find_scoped(&txn, scope, worker_id).await?;
    if w.service_start.is_some_and(|d| chrono::Datelike::year(&d) > year) {
        return Err(StoreError::invalid(FieldError::new(
            "year_before_service",
            "year",
            format!("{year}年度该人员尚未任职"),
        )));
    }
    let existing = assessment::Entity::find()
        .filter(assessment::Column::ProvinceCode.eq(&w.province_code))
        .filter(assessment::Column::WorkerId.eq(worker_id))
        .filter(assessment::Column::Year.eq(year))
        .one(&txn)
        .await?;
    if let Some(e) = existing {
        let label = Grade::parse(&e.grade).map_or_else(|| e.grade.clone(), |g| g.label().to_string());
        return Err(StoreError::Conflict(FieldError::new(
            "assessment_published",
            "year",
            format!("{year}年度考核等次已发布为“{label}”，发布后不能直接修改"),
        )));
    }
    let m = assessment::ActiveModel {
        province_code: Set(w.province_code.clone()),
        id: Set(Uuid::now_v7()),
        worker_id: Set(worker_id),
        region_code: Set(w.region_code.clone()),
        year: Set(year),
        grade: Set(grade.as_str().into()),
        recorded_by: Set(actor.username.clone()),
        recorded_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    let mut ch = Changes::new(&w, actor);
    ch.push("assessment", "年度考核", None, Some(format!("{year}年度：{}", grade.label())));
    ch.save(&txn).await?;
    crate::audit::entry(actor, "worker.assessment", &w.region_code)
        .target(worker_id)
        .detail(format!("{year} {}", grade.as_str()))
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok(m)
}

/// A worker's grades, newest first.
pub async fn grades(db: &Db, scope: &Scope, worker_id: Uuid) -> Result<Vec<assessment::Model>> {
    let w = find_scoped(&db.conn, scope, worker_id).await?;
    Ok(assessment::Entity::find()
        .filter(assessment::Column::ProvinceCode.eq(w.province_code))
        .filter(assessment::Column::WorkerId.eq(worker_id))
        .order_by_desc(assessment::Column::Year)
        .all(&db.conn)
        .await?)
}

/// The exit flag of one worker under the rule.
pub fn flag_of(grades: &[assessment::Model], rule: ExitRule) -> Option<ExitTrigger> {
    let gs: Vec<(i32, Grade)> = grades.iter().filter_map(|a| Grade::parse(&a.grade).map(|g| (a.year, g))).collect();
    exit_flag(&gs, rule)
}

/// Active workers in scope whom the exit rule flags, with the trigger.
pub async fn exit_flags(db: &Db, scope: &Scope, rule: ExitRule) -> Result<Vec<(worker::Model, ExitTrigger)>> {
    let bad = assessment::Entity::find()
        .filter(assessment::Column::Grade.eq(Grade::Incompetent.as_str()))
        .filter(assessment::Column::ProvinceCode.eq(scope.region().province()))
        .filter(in_subtree(assessment::Column::RegionCode, scope.region().as_str()))
        .all(&db.conn)
        .await?;
    let mut by_worker: HashMap<Uuid, Vec<assessment::Model>> = HashMap::new();
    for a in bad {
        by_worker.entry(a.worker_id).or_default().push(a);
    }
    let flagged: Vec<(Uuid, ExitTrigger)> =
        by_worker.iter().filter_map(|(w, gs)| flag_of(gs, rule).map(|t| (*w, t))).collect();
    if flagged.is_empty() {
        return Ok(vec![]);
    }
    let workers = worker::Entity::find()
        .filter(worker::Column::ProvinceCode.eq(scope.region().province()))
        .filter(worker::Column::Id.is_in(flagged.iter().map(|(w, _)| *w).collect::<Vec<_>>()))
        .filter(worker::Column::Status.eq(WorkerStatus::Active.as_str()))
        .filter(in_subtree(worker::Column::RegionCode, scope.region().as_str()))
        .all(&db.conn)
        .await?;
    let mut triggers: HashMap<Uuid, ExitTrigger> = flagged.into_iter().collect();
    let mut out: Vec<(worker::Model, ExitTrigger)> =
        workers.into_iter().filter_map(|w| triggers.remove(&w.id).map(|t| (w, t))).collect();
    out.sort_by(|a, b| a.0.region_code.cmp(&b.0.region_code).then(a.0.name.cmp(&b.0.name)));
    Ok(out)
}

/// One alert for a region: something to act on, linked to the record behind it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Alert {
    /// exit_flag | agreement_expiring | training_overdue | certificate_goal
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub worker_id: Option<Uuid>,
    /// The worker's community, or the community itself (`certificate_goal`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region_code: Option<String>,
    pub message: String,
    pub since: Option<NaiveDate>,
}

/// Parameters the region's policy sets (吉林's numbers by default).
#[derive(Debug, Clone, Copy)]
pub struct AlertRules {
    pub exit: ExitRule,
    pub rotation: crate::training::Rotation,
    pub agreement_days_ahead: i64,
    pub certificate_goal: i64,
    /// List every worker behind on training (thousands in a province); pages that only need the
    /// count ask `training::overdue` instead.
    pub include_training: bool,
}

impl AlertRules {
    /// The numbers of a policy (exit rule, training, certificate goal, agreement window, reserve
    /// ratio is read per community from the policies themselves).
    pub fn from_policy(p: &shegong_domain::policy::Policy) -> Self {
        Self {
            exit: p.exit,
            rotation: crate::training::Rotation::from_policy(p),
            agreement_days_ahead: i64::from(p.agreement_alert_days),
            certificate_goal: i64::from(p.training.certificate_goal),
            include_training: true,
        }
    }
}

/// The alert rules of the policy in force for a region today (吉林's numbers when none applies).
pub async fn rules_in_force(db: &Db, region: &str, today: NaiveDate) -> Result<AlertRules> {
    Ok(crate::policies::in_force(&db.conn, region, today)
        .await?
        .map_or_else(AlertRules::default, |f| AlertRules::from_policy(&f.policy)))
}

impl Default for AlertRules {
    fn default() -> Self {
        Self {
            exit: ExitRule::default(),
            rotation: Default::default(),
            agreement_days_ahead: 90,
            certificate_goal: 3,
            include_training: true,
        }
    }
}

/// Kept between requests (see [`crate::cache`]).
pub async fn alerts(db: &Db, scope: &Scope, today: NaiveDate, rules: AlertRules) -> Result<Vec<Alert>> {
    let key = format!("career::alerts|{scope:?}|{today}|{rules:?}");
    db.cache.get_or(key, alerts_now(db, scope, today, rules)).await
}

/// Every alert in scope: exit flags, agreements ending within the window, communities below the
/// certificate goal.
async fn alerts_now(db: &Db, scope: &Scope, today: NaiveDate, rules: AlertRules) -> Result<Vec<Alert>> {
    if scope.only_worker().is_some() {
        return Ok(vec![]);
    }
    let prefix = scope.region().as_str();
    // Five independent reads, at once (the readers are a pool): the alerts wait for the slowest.
    let (exits, agreements, training, certificates, reserves) = tokio::try_join!(
        async {
            let mut out = Vec::new();
            for (w, t) in exit_flags(db, scope, rules.exit).await? {
                out.push(Alert {
                    kind: "exit_flag",
                    worker_id: Some(w.id),
                    region_code: Some(w.region_code.clone()),
                    message: format!("{}：{}，符合退出情形", w.name, t.message),
                    since: t.years.last().and_then(|y| NaiveDate::from_ymd_opt(*y + 1, 1, 1)),
                });
            }
            Ok::<_, StoreError>(out)
        },
        async {
            let mut out = Vec::new();
            // Agreements: the latest agreement of each active worker, ending within the window.
            let horizon = today + chrono::Duration::days(rules.agreement_days_ahead);
            let ending = agreement::Entity::find()
                .filter(agreement::Column::ProvinceCode.eq(scope.region().province()))
                .filter(in_subtree(agreement::Column::RegionCode, prefix))
                .filter(agreement::Column::EndDate.gte(today))
                .filter(agreement::Column::EndDate.lte(horizon))
                .all(&db.conn)
                .await?;
            if !ending.is_empty() {
                let ids: Vec<Uuid> = ending.iter().map(|a| a.worker_id).collect();
                let later: std::collections::HashSet<Uuid> = agreement::Entity::find()
                    .select_only()
                    .column(agreement::Column::WorkerId)
                    .filter(agreement::Column::ProvinceCode.eq(scope.region().province()))
                    .filter(agreement::Column::WorkerId.is_in(ids.clone()))
                    .filter(agreement::Column::EndDate.gt(horizon))
                    .into_tuple::<Uuid>()
                    .all(&db.conn)
                    .await?
                    .into_iter()
                    .collect();
                let active: HashMap<Uuid, String> = worker::Entity::find()
                    .select_only()
                    .column(worker::Column::Id)
                    .column(worker::Column::Name)
                    .filter(worker::Column::ProvinceCode.eq(scope.region().province()))
                    .filter(worker::Column::Id.is_in(ids))
                    .filter(worker::Column::Status.eq(WorkerStatus::Active.as_str()))
                    .into_tuple::<(Uuid, String)>()
                    .all(&db.conn)
                    .await?
                    .into_iter()
                    .collect();
                for a in ending {
                    if later.contains(&a.worker_id) {
                        continue;
                    }
                    if let Some(name) = active.get(&a.worker_id) {
                        out.push(Alert {
                            kind: "agreement_expiring",
                            worker_id: Some(a.worker_id),
                            region_code: Some(a.region_code.clone()),
                            message: format!("{name}的服务协议（{}）将于{}到期", a.term, a.end_date),
                            since: Some(a.end_date),
                        });
                    }
                }
            }
            Ok::<_, StoreError>(out)
        },
        async {
            let mut out = Vec::new();
            // Training overdue under the rotation rule.
            let overdue = if rules.include_training {
                crate::training::overdue(db, scope, today, rules.rotation).await?
            } else {
                vec![]
            };
            for o in overdue {
                let rotation = o.overdue_since.map(|d| {
                    format!(
                        "{}，应于{d}前参加培训",
                        o.last_trained.map_or("从未参训".to_string(), |d| format!("最近一次参训{d}"))
                    )
                });
                let credits = (o.credits_behind > 0).then(|| {
                    format!(
                        "本年度学分{}分，距{}分的要求还差{}分",
                        o.credits_this_year, o.credits_required, o.credits_behind
                    )
                });
                out.push(Alert {
                    kind: "training_overdue",
                    worker_id: Some(o.worker_id),
                    region_code: Some(o.community_code.clone()),
                    message: format!(
                        "{}（{}）{}",
                        o.name,
                        o.title,
                        [rotation, credits].into_iter().flatten().collect::<Vec<_>>().join("；")
                    ),
                    since: o.overdue_since,
                });
            }
            Ok::<_, StoreError>(out)
        },
        async {
            let mut out = Vec::new();
            // Communities below the certificate goal.
            let certified = crate::workers::certified_by_community(&db.conn, prefix).await?;
            let communities = crate::regions::communities_under(&db.conn, prefix).await?;
            for c in communities {
                let n = certified.get(&c.code).copied().unwrap_or(0);
                if n < rules.certificate_goal {
                    out.push(Alert {
                        kind: "certificate_goal",
                        worker_id: None,
                        message: format!("{}持证社会工作者{}人，低于{}人的目标", c.name, n, rules.certificate_goal),
                        region_code: Some(c.code),
                        since: None,
                    });
                }
            }
            Ok::<_, StoreError>(out)
        },
        async {
            let mut out = Vec::new();
            // Communities short of the reserve ratio.
            for c in crate::reserves::coverage(db, scope, today).await? {
                if c.short() > 0 {
                    out.push(Alert {
                        kind: "reserve_ratio",
                        worker_id: None,
                        message: format!(
                            "{}两委职位{}个，后备人选{}人，按每职{}人还差{}人",
                            c.name,
                            c.seats,
                            c.candidates,
                            c.per_seat,
                            c.short()
                        ),
                        region_code: Some(c.community_code),
                        since: None,
                    });
                }
            }
            Ok::<_, StoreError>(out)
        },
    )?;
    let mut out = exits;
    for more in [agreements, training, certificates, reserves] {
        out.extend(more);
    }
    Ok(out)
}

/// A reward or sanction, as given.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RewardInput {
    /// reward | sanction
    pub kind: String,
    pub title: String,
    pub issuer: String,
    pub issued_on: String,
    pub note: Option<String>,
}

/// Records a reward (奖励) or a sanction (处分) in the archive, with its history row.
pub async fn add_reward(
    db: &Db,
    access: &Access,
    worker_id: Uuid,
    i: &RewardInput,
) -> Result<crate::entity::reward::Model> {
    access.require(Permission::EditArchive)?;
    let (scope, actor) = (&access.scope, &access.actor);
    editable(scope)?;
    let mut errors = Vec::new();
    let kind = match i.kind.trim() {
        "reward" | "奖励" => "reward",
        "sanction" | "处分" => "sanction",
        _ => {
            errors.push(FieldError::new("reward_kind", "kind", "类别应为“奖励”或“处分”"));
            ""
        }
    };
    let title = i.title.trim();
    for (field, label, v) in [("title", "名称", &i.title), ("issuer", "决定机关", &i.issuer)] {
        if let Err(e) = shegong_domain::text::line(field, label, v, 100) {
            errors.push(e);
        }
    }
    if let Err(e) = shegong_domain::text::lines("note", "备注", i.note.as_deref().unwrap_or(""), 500) {
        errors.push(e);
    }
    if title.is_empty() || title.chars().count() > 100 {
        errors.push(FieldError::new("reward_title", "title", "请填写名称（100字以内）"));
    }
    let issuer = i.issuer.trim();
    if issuer.is_empty() || issuer.chars().count() > 100 {
        errors.push(FieldError::new("reward_issuer", "issuer", "请填写决定机关（100字以内）"));
    }
    let issued_on = shegong_domain::worker::parse_date("issued_on", "决定日期", &i.issued_on)
        .and_then(|d| shegong_domain::dates::past("issued_on", "决定日期", d, crate::clock::today()))
        .map_err(|e| errors.push(e))
        .ok();
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let issued_on = issued_on.expect("no error");
    let txn = db.begin_write().await?;
    let w = find_scoped(&txn, scope, worker_id).await?;
    crate::workers::still_serving(&w)?;
    crate::workers::room_for(&txn, crate::entity::reward::Entity, &w, "奖惩").await?;
    let m = crate::entity::reward::ActiveModel {
        province_code: Set(w.province_code.clone()),
        id: Set(Uuid::now_v7()),
        worker_id: Set(worker_id),
        region_code: Set(w.region_code.clone()),
        kind: Set(kind.into()),
        title: Set(title.into()),
        issuer: Set(issuer.into()),
        issued_on: Set(issued_on),
        note: Set(i.note.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)),
    }
    .insert(&txn)
    .await?;
    let mut ch = Changes::new(&w, actor);
    let label = if kind == "reward" { "奖励" } else { "处分" };
    ch.push("reward", label, None, Some(format!("{issued_on} {issuer}：{title}")));
    ch.save(&txn).await?;
    txn.commit().await?;
    Ok(m)
}

/// A worker's rewards and sanctions, newest first.
pub async fn rewards(db: &Db, scope: &Scope, worker_id: Uuid) -> Result<Vec<crate::entity::reward::Model>> {
    let w = find_scoped(&db.conn, scope, worker_id).await?;
    Ok(crate::entity::reward::Entity::find()
        .filter(crate::entity::reward::Column::ProvinceCode.eq(w.province_code))
        .filter(crate::entity::reward::Column::WorkerId.eq(worker_id))
        .order_by_desc(crate::entity::reward::Column::IssuedOn)
        .all(&db.conn)
        .await?)
}
