//! Training (培训): courses and classes, enrolment of a whole filtered list, and who is behind.

use crate::Db;
use crate::access::Access;
use crate::entity::{training, training_record, worker};
use crate::error::{Result, StoreError};
use crate::regions::in_subtree;
use crate::workers::{WorkerFilter, editable};
use chrono::{NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde::{Deserialize, Serialize};
use shegong_domain::Permission;
use shegong_domain::career::training_overdue_since;
use shegong_domain::worker::parse_date;
use shegong_domain::{FieldError, RegionCode, Scope};
use std::collections::HashMap;
use uuid::Uuid;

pub const KINDS: [(&str, &str); 5] = [
    ("initial", "初任培训"),
    ("duty", "履职培训"),
    ("degree", "学历提升"),
    ("topic", "专题培训"),
    ("online", "网络培训"),
];

pub fn kind_label(k: &str) -> &str {
    KINDS.iter().find(|(key, _)| *key == k).map_or(k, |(_, l)| l)
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct TrainingInput {
    pub region: String,
    pub name: String,
    pub kind: String,
    pub organiser: String,
    pub start_date: String,
    pub end_date: String,
    pub hours: Option<i32>,
    pub credits: Option<i32>,
}

/// Creates a course or class organised by a region in scope. Every field is checked first.
pub async fn create(db: &Db, access: &Access, i: &TrainingInput) -> Result<training::Model> {
    access.require(Permission::ManageTraining)?;
    let (scope, actor) = (&access.scope, &access.actor);
    editable(scope)?;
    let mut errors = Vec::new();
    let region = match RegionCode::parse(if i.region.trim().is_empty() {
        scope.region().as_str()
    } else {
        &i.region
    }) {
        Ok(r) if scope.allows_region(r.as_str()) => Some(r),
        _ => {
            errors.push(FieldError::new(
                "region_out_of_scope",
                "region",
                "组织区划无效或不在您的管辖范围内",
            ));
            None
        }
    };
    let name = i.name.trim();
    if let Err(e) = shegong_domain::text::line("name", "培训名称", name, 100) {
        errors.push(e);
    }
    if let Err(e) = shegong_domain::text::line("organiser", "主办单位", &i.organiser, 100) {
        errors.push(e);
    }
    if name.is_empty() || name.chars().count() > 100 {
        errors.push(FieldError::new("training_name", "name", "请填写培训名称（100字以内）"));
    }
    if !KINDS.iter().any(|(k, _)| *k == i.kind.trim()) {
        errors.push(FieldError::new(
            "training_kind",
            "kind",
            "培训类别应为：初任、履职、学历提升、专题或网络培训",
        ));
    }
    // A training may be planned up to two years ahead; none before 2000.
    let today = crate::clock::today();
    let when = |field: &'static str, label: &str, v: &str| {
        parse_date(field, label, v)
            .and_then(|d| shegong_domain::dates::plan(field, label, d, today, 730))
            .and_then(|d| {
                if chrono::Datelike::year(&d) < 2000 {
                    Err(FieldError::new(
                        "date_too_early",
                        field,
                        format!("{label}不能早于2000年"),
                    ))
                } else {
                    Ok(d)
                }
            })
    };
    let start = when("start_date", "开始日期", &i.start_date)
        .map_err(|e| errors.push(e))
        .ok();
    let end = when("end_date", "结束日期", &i.end_date)
        .map_err(|e| errors.push(e))
        .ok();
    if let (Some(s), Some(e)) = (start, end)
        && e < s
    {
        errors.push(FieldError::new(
            "end_before_start",
            "end_date",
            "结束日期不能早于开始日期",
        ));
    }
    let hours = i.hours.unwrap_or(0);
    let credits = i.credits.unwrap_or(0);
    if !(0..=2000).contains(&hours) {
        errors.push(FieldError::new("training_hours", "hours", "学时应在0至2000之间"));
    }
    if !(0..=100).contains(&credits) {
        errors.push(FieldError::new("training_credits", "credits", "学分应在0至100之间"));
    }
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let region = region.expect("checked");
    let m = training::ActiveModel {
        province_code: Set(region.province().to_string()),
        id: Set(Uuid::now_v7()),
        region_code: Set(region.to_string()),
        name: Set(name.into()),
        kind: Set(i.kind.trim().into()),
        organiser: Set(if i.organiser.trim().is_empty() {
            actor.username.clone()
        } else {
            i.organiser.trim().chars().take(100).collect()
        }),
        start_date: Set(start.expect("checked")),
        end_date: Set(end.expect("checked")),
        hours: Set(hours),
        credits: Set(credits),
        created_by: Set(actor.username.clone()),
        created_at: Set(Utc::now()),
    }
    .insert(&db.writer)
    .await?;
    crate::audit::record(
        &db.writer,
        actor,
        "training.create",
        &m.region_code,
        Some(m.id.to_string()),
        Some(m.name.clone()),
    )
    .await?;
    Ok(m)
}

/// Trainings organised inside the scope, newest first, with their participant counts.
pub async fn list(db: &Db, scope: &Scope) -> Result<Vec<(training::Model, i64)>> {
    let rows = training::Entity::find()
        .filter(in_subtree(training::Column::RegionCode, scope.region().as_str()))
        .order_by_desc(training::Column::StartDate)
        .limit(500)
        .all(&db.conn)
        .await?;
    let counts: HashMap<Uuid, i64> = training_record::Entity::find()
        .select_only()
        .column(training_record::Column::TrainingId)
        .column_as(Expr::col(training_record::Column::Id).count(), "n")
        .filter(training_record::Column::TrainingId.is_in(rows.iter().map(|t| t.id).collect::<Vec<_>>()))
        .filter(in_subtree(training_record::Column::RegionCode, scope.region().as_str()))
        .group_by(training_record::Column::TrainingId)
        .into_tuple::<(Uuid, i64)>()
        .all(&db.conn)
        .await?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|t| {
            let n = counts.get(&t.id).copied().unwrap_or(0);
            (t, n)
        })
        .collect())
}

async fn get(db: &Db, scope: &Scope, id: Uuid) -> Result<training::Model> {
    training::Entity::find()
        .filter(training::Column::Id.eq(id))
        .filter(in_subtree(training::Column::RegionCode, scope.region().as_str()))
        .one(&db.conn)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Records completion of a training for every active worker the filter selects inside both the
/// caller's scope and the organising region (bulk enrolment). One transaction; workers already
/// recorded are skipped. Returns how many were added.
pub async fn enrol(db: &Db, access: &Access, id: Uuid, filter: &WorkerFilter, today: NaiveDate) -> Result<u64> {
    access.require(Permission::ManageTraining)?;
    let (scope, actor) = (&access.scope, &access.actor);
    editable(scope)?;
    let t = get(db, scope, id).await?;
    let inner = scope
        .narrow(&RegionCode::parse(&t.region_code).map_err(|e| anyhow::anyhow!("{e}"))?)
        .ok_or(StoreError::NotFound)?;
    let mut f = filter.clone();
    f.status = Some("active".into());
    let cond = f.condition(&inner, today)?;
    let ids: Vec<(Uuid, String, String)> = worker::Entity::find()
        .select_only()
        .column(worker::Column::Id)
        .column(worker::Column::ProvinceCode)
        .column(worker::Column::RegionCode)
        .filter(cond)
        .into_tuple()
        .all(&db.conn)
        .await?;
    let txn = db.begin_write().await?;
    let mut added = 0;
    for chunk in ids.chunks(2000) {
        let rows = chunk.iter().map(|(w, p, r)| training_record::ActiveModel {
            province_code: Set(p.clone()),
            id: Set(Uuid::now_v7()),
            training_id: Set(t.id),
            worker_id: Set(*w),
            region_code: Set(r.clone()),
            completed_on: Set(t.end_date),
            credits: Set(t.credits),
            attendance: Set("attended".into()),
            result: Set(None),
        });
        let res = training_record::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::columns([
                    training_record::Column::ProvinceCode,
                    training_record::Column::TrainingId,
                    training_record::Column::WorkerId,
                ])
                .do_nothing()
                .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
        added += res;
    }
    crate::audit::record(
        &txn,
        actor,
        "training.enrol",
        &t.region_code,
        Some(t.id.to_string()),
        Some(format!("{added} 人")),
    )
    .await?;
    txn.commit().await?;
    Ok(added)
}

/// One worker behind on training.
#[derive(Debug, Clone, Serialize)]
pub struct Overdue {
    pub worker_id: Uuid,
    pub name: String,
    pub community_code: String,
    pub title: String,
    pub last_trained: Option<NaiveDate>,
    /// When the rotation made them overdue; `None` when only behind on credits.
    pub overdue_since: Option<NaiveDate>,
    pub credits_this_year: i64,
    /// The year's quota (0: none) and how many credits short of it.
    pub credits_required: i64,
    pub credits_behind: i64,
}

/// Training rules of the policy (吉林 by default: secretaries and directors every year, others
/// every 2 years, no credit quota).
#[derive(Debug, Clone, Copy)]
pub struct Rotation {
    pub head_every_years: u32,
    pub others_every_years: u32,
    /// Credits each worker must earn in a calendar year (0: no quota).
    pub credits_per_year: u32,
}

impl Default for Rotation {
    fn default() -> Self {
        Self {
            head_every_years: 1,
            others_every_years: 2,
            credits_per_year: 0,
        }
    }
}

impl Rotation {
    pub fn from_policy(p: &shegong_domain::policy::Policy) -> Self {
        Self {
            head_every_years: p.training.head_every_years,
            others_every_years: p.training.others_every_years,
            credits_per_year: p.training.credits_per_year,
        }
    }
}

/// Active workers in scope who are behind on `as_of`: overdue under the rotation, or short of the
/// year's credit quota. Longest overdue first, then the furthest behind on credits.
pub async fn overdue(db: &Db, scope: &Scope, as_of: NaiveDate, rotation: Rotation) -> Result<Vec<Overdue>> {
    if scope.only_worker().is_some() {
        return Err(StoreError::NotFound);
    }
    let prefix = scope.region().as_str();
    let workers: Vec<(Uuid, String, String, String, Option<NaiveDate>)> = worker::Entity::find()
        .select_only()
        .columns([
            worker::Column::Id,
            worker::Column::Name,
            worker::Column::RegionCode,
            worker::Column::Title,
            worker::Column::ServiceStart,
        ])
        .filter(in_subtree(worker::Column::RegionCode, prefix))
        .filter(worker::Column::ProvinceCode.eq(scope.region().province()))
        .filter(worker::Column::Status.eq("active"))
        .into_tuple()
        .all(&db.conn)
        .await?;
    let last: HashMap<Uuid, NaiveDate> = training_record::Entity::find()
        .select_only()
        .column(training_record::Column::WorkerId)
        .column_as(Expr::col(training_record::Column::CompletedOn).max(), "last")
        .filter(in_subtree(training_record::Column::RegionCode, prefix))
        // Absence is not training.
        .filter(training_record::Column::Attendance.eq("attended"))
        .group_by(training_record::Column::WorkerId)
        .into_tuple::<(Uuid, NaiveDate)>()
        .all(&db.conn)
        .await?
        .into_iter()
        .collect();
    let year_start = NaiveDate::from_ymd_opt(chrono::Datelike::year(&as_of), 1, 1).expect("valid");
    let credits: HashMap<Uuid, i64> = training_record::Entity::find()
        .select_only()
        .column(training_record::Column::WorkerId)
        .column_as(Expr::col(training_record::Column::Credits).sum().cast_as("bigint"), "c")
        .filter(in_subtree(training_record::Column::RegionCode, prefix))
        .filter(training_record::Column::CompletedOn.gte(year_start))
        .group_by(training_record::Column::WorkerId)
        .into_tuple::<(Uuid, i64)>()
        .all(&db.conn)
        .await?
        .into_iter()
        .collect();
    let quota = i64::from(rotation.credits_per_year);
    let mut out: Vec<Overdue> = workers
        .into_iter()
        .filter_map(|(id, name, region, title, start)| {
            let head = matches!(title.as_str(), "书记" | "主任" | "书记兼主任");
            let since = training_overdue_since(
                head,
                last.get(&id).copied(),
                start.unwrap_or(as_of),
                as_of,
                rotation.head_every_years,
                rotation.others_every_years,
            );
            let earned = credits.get(&id).copied().unwrap_or(0);
            let behind = std::cmp::max(quota - earned, 0);
            if since.is_none() && behind == 0 {
                return None;
            }
            Some(Overdue {
                worker_id: id,
                name,
                community_code: region,
                title,
                last_trained: last.get(&id).copied(),
                overdue_since: since,
                credits_this_year: earned,
                credits_required: quota,
                credits_behind: behind,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        (a.overdue_since.is_none(), a.overdue_since)
            .cmp(&(b.overdue_since.is_none(), b.overdue_since))
            .then(b.credits_behind.cmp(&a.credits_behind))
            .then(a.community_code.cmp(&b.community_code))
    });
    Ok(out)
}

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
    Ok(records
        .into_iter()
        .filter_map(|r| courses.get(&r.training_id).cloned().map(|t| (r, t)))
        .collect())
}

/// Records one worker's attendance and result for a training (absent or failed earns no credits).
pub async fn set_result(
    db: &Db,
    access: &Access,
    id: Uuid,
    worker_id: Uuid,
    attendance: &str,
    result: Option<&str>,
) -> Result<training_record::Model> {
    access.require(Permission::ManageTraining)?;
    let (scope, actor) = (&access.scope, &access.actor);
    editable(scope)?;
    let mut errors = Vec::new();
    if !matches!(attendance, "attended" | "absent") {
        errors.push(FieldError::new(
            "attendance",
            "attendance",
            "出勤应为 attended（参训）或 absent（缺勤）",
        ));
    }
    if !matches!(result, None | Some("passed") | Some("failed")) {
        errors.push(FieldError::new(
            "training_result",
            "result",
            "结果应为 passed（通过）或 failed（未通过）",
        ));
    }
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let t = get(db, scope, id).await?;
    let w = crate::workers::get(db, scope, worker_id).await?;
    let txn = db.begin_write().await?;
    let existing = training_record::Entity::find()
        .filter(training_record::Column::ProvinceCode.eq(&w.province_code))
        .filter(training_record::Column::TrainingId.eq(t.id))
        .filter(training_record::Column::WorkerId.eq(worker_id))
        .one(&txn)
        .await?;
    let earns = attendance == "attended" && result != Some("failed");
    let credits = if earns { t.credits } else { 0 };
    let m = match existing {
        Some(r) => {
            let mut am: training_record::ActiveModel = r.into();
            am.attendance = Set(attendance.into());
            am.result = Set(result.map(str::to_string));
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
                attendance: Set(attendance.into()),
                result: Set(result.map(str::to_string)),
            }
            .insert(&txn)
            .await?
        }
    };
    crate::audit::record(
        &txn,
        actor,
        "training.result",
        &w.region_code,
        Some(worker_id.to_string()),
        Some(format!("{} {attendance} {}", t.name, result.unwrap_or("-"))),
    )
    .await?;
    txn.commit().await?;
    Ok(m)
}
