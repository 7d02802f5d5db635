//! One worker's archive as its readers see it, and its history.

use super::list::scope_condition;

use crate::Db;
use crate::entity::{agreement, appointment, certificate, education, worker, worker_change};
use crate::error::{Result, StoreError};
use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use shegong_domain::Scope;
use shegong_domain::service::{Period, service_years};
use uuid::Uuid;

/// A worker's whole archive.
#[derive(Debug, Clone, Serialize)]
pub struct Archive {
    pub worker: worker::Model,
    pub community_name: String,
    pub appointments: Vec<appointment::Model>,
    pub educations: Vec<education::Model>,
    pub certificates: Vec<certificate::Model>,
    pub agreements: Vec<agreement::Model>,
    pub service_years: i64,
    /// Names of the communities in the archive (its appointments' too, held before a transfer).
    pub names: std::collections::HashMap<String, String>,
}

pub(crate) async fn find_scoped(db: &impl ConnectionTrait, scope: &Scope, id: Uuid) -> Result<worker::Model> {
    worker::Entity::find()
        .filter(worker::Column::Id.eq(id))
        .filter(scope_condition(scope))
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
}

/// The worker in scope; [`StoreError::NotFound`] when absent or outside.
pub async fn get(db: &Db, scope: &Scope, id: Uuid) -> Result<worker::Model> {
    find_scoped(&db.conn, scope, id).await
}

/// Name and ID number of the workers in scope among `ids`.
async fn who(db: &Db, scope: &Scope, ids: Vec<Uuid>) -> Result<Vec<(Uuid, String, String)>> {
    use sea_orm::QuerySelect;
    if ids.is_empty() {
        return Ok(vec![]);
    }
    Ok(worker::Entity::find()
        .select_only()
        .columns([worker::Column::Id, worker::Column::Name, worker::Column::IdNumber])
        .filter(worker::Column::ProvinceCode.eq(scope.region().province()))
        .filter(worker::Column::Id.is_in(ids))
        .filter(scope_condition(scope))
        .into_tuple()
        .all(&db.conn)
        .await?)
}

/// Names of the workers in scope among `ids` (for lists); others are left out.
pub async fn names_of(db: &Db, scope: &Scope, ids: Vec<Uuid>) -> Result<std::collections::HashMap<Uuid, String>> {
    Ok(who(db, scope, ids).await?.into_iter().map(|(id, n, _)| (id, n)).collect())
}

/// Names of these people of `province`, wherever they serve now: for lines of a past month or
/// course that the caller may read (payslips, a training's roster), whose people may since have
/// moved out of the caller's region.
pub(crate) async fn names_in_province(
    db: &Db,
    province: &str,
    ids: Vec<Uuid>,
) -> Result<std::collections::HashMap<Uuid, String>> {
    use sea_orm::QuerySelect;
    let rows: Vec<(Uuid, String)> = worker::Entity::find()
        .select_only()
        .columns([worker::Column::Id, worker::Column::Name])
        .filter(worker::Column::ProvinceCode.eq(province))
        .filter(worker::Column::Id.is_in(ids))
        .into_tuple()
        .all(&db.conn)
        .await?;
    Ok(rows.into_iter().collect())
}

/// "姓名（330481********1234）" for the workers in scope among `ids` (audit log objects); others are
/// left out.
pub async fn labels_of(db: &Db, scope: &Scope, ids: Vec<Uuid>) -> Result<std::collections::HashMap<Uuid, String>> {
    Ok(who(db, scope, ids)
        .await?
        .into_iter()
        .map(|(id, n, i)| (id, format!("{n}（{}）", shegong_domain::id_number::mask(&i))))
        .collect())
}

pub async fn archive(db: &Db, scope: &Scope, id: Uuid, today: NaiveDate) -> Result<Archive> {
    let w = find_scoped(&db.conn, scope, id).await?;
    let p = w.province_code.clone();
    // Four independent reads, concurrently (one round trip's latency on PostgreSQL).
    let (appointments, educations, certificates, agreements) = tokio::try_join!(
        appointment::Entity::find()
            .filter(appointment::Column::ProvinceCode.eq(&p))
            .filter(appointment::Column::WorkerId.eq(id))
            .order_by_desc(appointment::Column::StartDate)
            .all(&db.conn),
        education::Entity::find()
            .filter(education::Column::ProvinceCode.eq(&p))
            .filter(education::Column::WorkerId.eq(id))
            .order_by_asc(education::Column::GraduatedOn)
            .all(&db.conn),
        certificate::Entity::find()
            .filter(certificate::Column::ProvinceCode.eq(&p))
            .filter(certificate::Column::WorkerId.eq(id))
            .order_by_asc(certificate::Column::IssuedOn)
            .all(&db.conn),
        agreement::Entity::find()
            .filter(agreement::Column::ProvinceCode.eq(&p))
            .filter(agreement::Column::WorkerId.eq(id))
            .order_by_desc(agreement::Column::StartDate)
            .all(&db.conn),
    )?;
    let mut codes: Vec<String> = appointments.iter().map(|a| a.region_code.clone()).collect();
    codes.push(w.region_code.clone());
    let names = crate::regions::names(&db.conn, codes).await?;
    let periods: Vec<Period> = appointments.iter().map(|a| Period { start: a.start_date, end: a.end_date }).collect();
    Ok(Archive {
        community_name: names.get(&w.region_code).cloned().unwrap_or_default(),
        service_years: service_years(&periods, today),
        worker: w,
        appointments,
        educations,
        certificates,
        agreements,
        names,
    })
}

/// Community names for codes in the caller's scope (for lists); codes outside are left out.
pub async fn community_names(
    db: &Db,
    scope: &Scope,
    codes: Vec<String>,
) -> Result<std::collections::HashMap<String, String>> {
    crate::regions::names_seen(db, scope, codes).await
}

/// The field-by-field history of an archive, newest first.
/// The field name of an ID-number correction in the history.
pub const ID_NUMBER_FIELD: &str = "身份证号码";

/// A worker's history, newest first. ID numbers in it (corrections) are masked unless `full_id`.
pub async fn history(db: &Db, scope: &Scope, id: Uuid, full_id: bool) -> Result<Vec<worker_change::Model>> {
    let w = find_scoped(&db.conn, scope, id).await?;
    let mut rows = worker_change::Entity::find()
        .filter(worker_change::Column::ProvinceCode.eq(w.province_code))
        .filter(worker_change::Column::WorkerId.eq(id))
        .order_by_desc(worker_change::Column::ChangedAt)
        .order_by_desc(worker_change::Column::Id)
        .all(&db.conn)
        .await?;
    if !full_id {
        for r in rows.iter_mut().filter(|r| r.field == ID_NUMBER_FIELD) {
            r.before = r.before.as_deref().map(shegong_domain::id_number::mask);
            r.after = r.after.as_deref().map(shegong_domain::id_number::mask);
        }
    }
    Ok(rows)
}
