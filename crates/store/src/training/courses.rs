//! Courses: creating one, the list in scope, enrolling a whole filtered list of workers.

use super::KINDS;

use crate::Db;
use crate::access::Access;
use crate::entity::{training, training_record, worker};
use crate::error::{Result, StoreError};
use crate::regions::in_subtree;
use crate::workers::{WorkerFilter, editable};
use chrono::{NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde::Deserialize;
use shegong_domain::Permission;
use shegong_domain::status::{Attendance, Status};
use shegong_domain::worker::WorkerStatus;
use shegong_domain::worker::parse_date;
use shegong_domain::{FieldError, RegionCode, Scope};
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
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
    let region = match RegionCode::parse(if i.region.trim().is_empty() { scope.region().as_str() } else { &i.region }) {
        Ok(r) if scope.allows_region(r.as_str()) => Some(r),
        _ => {
            errors.push(FieldError::new("region_out_of_scope", "region", "组织区划无效或不在您的管辖范围内"));
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
        errors.push(FieldError::new("training_kind", "kind", "培训类别应为：初任、履职、学历提升、专题或网络培训"));
    }
    // A training may be planned up to two years ahead; none before 2000.
    let today = crate::clock::today();
    let when = |field: &'static str, label: &str, v: &str| {
        parse_date(field, label, v).and_then(|d| shegong_domain::dates::plan(field, label, d, today, 730)).and_then(
            |d| {
                if chrono::Datelike::year(&d) < 2000 {
                    Err(FieldError::new("date_too_early", field, format!("{label}不能早于2000年")))
                } else {
                    Ok(d)
                }
            },
        )
    };
    let start = when("start_date", "开始日期", &i.start_date).map_err(|e| errors.push(e)).ok();
    let end = when("end_date", "结束日期", &i.end_date).map_err(|e| errors.push(e)).ok();
    if let (Some(s), Some(e)) = (start, end)
        && e < s
    {
        errors.push(FieldError::new("end_before_start", "end_date", "结束日期不能早于开始日期"));
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
    };
    let txn = db.begin_write().await?;
    let m = m.insert(&txn).await?;
    crate::audit::entry(actor, "training.create", &m.region_code)
        .target(m.id)
        .detail(m.name.clone())
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok(m)
}

/// Kept between requests (see [`crate::cache`]).
pub async fn list(db: &Db, scope: &Scope) -> Result<Vec<(training::Model, i64)>> {
    let key = format!("training::list|{scope:?}");
    db.cache.get_or(key, list_now(db, scope)).await
}

/// Trainings organised inside the scope, newest first, with their participant counts.
async fn list_now(db: &Db, scope: &Scope) -> Result<Vec<(training::Model, i64)>> {
    let rows = training::Entity::find()
        .filter(training::Column::ProvinceCode.eq(scope.region().province()))
        .filter(in_subtree(training::Column::RegionCode, scope.region().as_str()))
        .order_by_desc(training::Column::StartDate)
        .all(&db.conn)
        .await?;
    let counts: HashMap<Uuid, i64> = training_record::Entity::find()
        .select_only()
        .column(training_record::Column::TrainingId)
        .column_as(Expr::col(training_record::Column::Id).count(), "n")
        .filter(training_record::Column::ProvinceCode.eq(scope.region().province()))
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

pub(super) async fn get(db: &Db, scope: &Scope, id: Uuid) -> Result<training::Model> {
    training::Entity::find()
        .filter(training::Column::ProvinceCode.eq(scope.region().province()))
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
    let mut f = filter.named(db, &inner).await?;
    f.status = Some(WorkerStatus::Active.as_str().into());
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
            attendance: Set(Attendance::Attended.as_str().into()),
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
    crate::audit::entry(actor, "training.enrol", &t.region_code)
        .target(t.id)
        .detail(format!("{added} 人"))
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok(added)
}
