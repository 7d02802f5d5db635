//! Records added to an archive: appointments, education, certificates, agreements.

use super::create::{insert_appointment, insert_certificate, insert_education, refresh_derived};
use super::read::find_scoped;
use super::{Changes, community_in_scope, d, editable, still_serving};
use shegong_domain::records::AgreementFields;

use crate::Db;
use crate::access::Access;
use crate::entity::{agreement, appointment, certificate, education, worker};
use crate::error::{Result, StoreError};
use sea_orm::DatabaseTransaction;
use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
use shegong_domain::FieldError;
use shegong_domain::Permission;
use shegong_domain::worker::{
    AppointmentFields, CertificateFields, EducationFields, WorkerStatus, parse_community, parse_date,
};
use uuid::Uuid;

/// A new appointment. With `transfer`, open appointments end the day the new one starts (a move
/// between communities or posts); the target community must be in scope too.
pub async fn add_appointment(
    db: &Db,
    access: &Access,
    id: Uuid,
    a: AppointmentFields,
    transfer: bool,
) -> Result<worker::Model> {
    access.require(Permission::EditArchive)?;
    editable(&access.scope)?;
    let txn = db.begin_write().await?;
    let updated = appointment_in(&txn, access, id, a, transfer).await?;
    txn.commit().await?;
    Ok(updated)
}

/// [`add_appointment`] inside a caller's transaction (a hire from a recruitment round).
pub(crate) async fn appointment_in(
    txn: &DatabaseTransaction,
    access: &Access,
    id: Uuid,
    a: AppointmentFields,
    transfer: bool,
) -> Result<worker::Model> {
    let (scope, actor) = (&access.scope, &access.actor);
    let w = find_scoped(txn, scope, id).await?;
    if w.status != WorkerStatus::Active.as_str() {
        return Err(StoreError::invalid(FieldError::new(
            "worker_exited",
            "status",
            "该人员已退出，请通过“新增人员”重新聘用",
        )));
    }
    community_in_scope(txn, scope, &a.community).await?;
    super::room_for(txn, appointment::Entity, &w, "任职").await?;

    // A move takes effect on its date: not in the future, not before the person could serve.
    let today = crate::clock::today();
    shegong_domain::dates::in_service("start_date", "任职开始日期", a.start_date, w.birth_date, today, 0)
        .map_err(StoreError::invalid)?;
    if let Some(end) = a.end_date {
        shegong_domain::dates::past("end_date", "任职结束日期", end, today).map_err(StoreError::invalid)?;
    }
    if let Some(end) = a.end_date
        && end <= a.start_date
    {
        return Err(StoreError::invalid(FieldError::new("end_before_start", "end_date", "任职结束日期应晚于开始日期")));
    }
    let mut ch = Changes::new(&w, actor);
    if transfer {
        let open = super::open_appointments(txn, &w).await?;
        for o in open {
            if o.start_date >= a.start_date {
                return Err(StoreError::invalid(FieldError::new(
                    "start_before_current",
                    "start_date",
                    format!("新任职开始日期应晚于现任职开始日期（{}）", d(o.start_date)),
                )));
            }
            ch.push(
                "appointment",
                "任职结束",
                None,
                Some(format!("{} {} 至 {}", o.region_code, o.title, d(a.start_date))),
            );
            let mut om = o.into_active_model();
            om.end_date = Set(Some(a.start_date));
            om.end_reason = Set(Some("调动".into()));
            om.update(txn).await?;
        }
    }
    let created = insert_appointment(txn, &w, &a).await?;
    ch.push(
        "appointment",
        "新增任职",
        None,
        Some(format!("{} {} 自 {}", created.region_code, created.title, d(created.start_date))),
    );
    let updated = refresh_derived(txn, w.clone(), actor).await?;
    ch.save(txn).await?;
    crate::audit::entry(actor, "worker.appointment", &updated.region_code).target(id).save(txn).await?;
    Ok(updated)
}

pub async fn add_education(db: &Db, access: &Access, id: Uuid, e: EducationFields) -> Result<worker::Model> {
    add_record(db, access, id, ("education", "新增学历"), async |txn, w| {
        super::room_for(txn, education::Entity, w, "学历").await?;
        insert_education(txn, w, &e).await?;
        Ok(format!(
            "{} {} {}",
            shegong_domain::codes::EDUCATION.name(&e.code).unwrap_or(&e.code),
            e.school.clone().unwrap_or_default(),
            e.major.clone().unwrap_or_default()
        ))
    })
    .await
}

pub async fn add_certificate(db: &Db, access: &Access, id: Uuid, c: CertificateFields) -> Result<worker::Model> {
    add_record(db, access, id, ("certificate", "新增证书"), async |txn, w| {
        super::room_for(txn, certificate::Entity, w, "证书").await?;
        insert_certificate(txn, w, &c).await?;
        Ok(format!("{} {}", c.level.label(), c.number.clone().unwrap_or_default()))
    })
    .await
}

/// Adds a record to a serving worker's archive in one write transaction: `write` inserts it and
/// says what was added, for the history row `(section, field)`; the worker's derived fields follow.
async fn add_record(
    db: &Db,
    access: &Access,
    id: Uuid,
    (section, field): (&str, &str),
    write: impl AsyncFnOnce(&DatabaseTransaction, &worker::Model) -> Result<String>,
) -> Result<worker::Model> {
    access.require(Permission::EditArchive)?;
    let (scope, actor) = (&access.scope, &access.actor);
    editable(scope)?;
    let txn = db.begin_write().await?;
    let w = find_scoped(&txn, scope, id).await?;
    still_serving(&w)?;
    let added = write(&txn, &w).await?;
    let mut ch = Changes::new(&w, actor);
    ch.push(section, field, None, Some(added));
    let updated = refresh_derived(&txn, w.clone(), actor).await?;
    ch.save(&txn).await?;
    crate::audit::entry(actor, &format!("worker.{section}"), &w.region_code).target(id).save(&txn).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Records a service agreement (one per 两委 term, "一届一签").
pub async fn add_agreement(db: &Db, access: &Access, id: Uuid, a: AgreementFields) -> Result<agreement::Model> {
    access.require(Permission::EditArchive)?;
    editable(&access.scope)?;
    let txn = db.begin_write().await?;
    let m = agreement_in(&txn, access, id, a).await?;
    txn.commit().await?;
    Ok(m)
}

/// [`add_agreement`] inside a caller's transaction (a hire from a recruitment round).
pub(crate) async fn agreement_in(
    txn: &DatabaseTransaction,
    access: &Access,
    id: Uuid,
    a: AgreementFields,
) -> Result<agreement::Model> {
    let (scope, actor) = (&access.scope, &access.actor);
    if a.end_date <= a.start_date {
        return Err(StoreError::invalid(FieldError::new("end_before_start", "end_date", "协议结束日期应晚于开始日期")));
    }
    if a.term.trim().is_empty() {
        return Err(StoreError::invalid(FieldError::new("term_required", "term", "请填写届次")));
    }
    let a = AgreementFields {
        term: shegong_domain::text::line("term", "届次", &a.term, 40).map_err(StoreError::invalid)?.unwrap_or_default(),
        number: shegong_domain::text::line("number", "协议编号", a.number.as_deref().unwrap_or(""), 60)
            .map_err(StoreError::invalid)?,
        ..a
    };
    let w = find_scoped(txn, scope, id).await?;
    still_serving(&w)?;
    super::room_for(txn, agreement::Entity, &w, "服务协议").await?;
    // The next term may be signed ahead (a year at most); a term is at most ten years.
    let today = crate::clock::today();
    let dates = || -> std::result::Result<(), FieldError> {
        shegong_domain::dates::in_service("start_date", "协议开始日期", a.start_date, w.birth_date, today, 366)?;
        if a.end_date > shegong_domain::dates::birthday(a.start_date, 10) {
            return Err(FieldError::new("term_too_long", "end_date", "协议期限不能超过10年"));
        }
        if let Some(s) = a.signed_on {
            shegong_domain::dates::past("signed_on", "签订日期", s, today)?;
        }
        Ok(())
    };
    dates().map_err(StoreError::invalid)?;
    let m = agreement::ActiveModel {
        province_code: Set(w.province_code.clone()),
        id: Set(Uuid::now_v7()),
        worker_id: Set(w.id),
        region_code: Set(w.region_code.clone()),
        number: Set(a.number.clone()),
        term: Set(a.term.trim().to_string()),
        start_date: Set(a.start_date),
        end_date: Set(a.end_date),
        signed_on: Set(a.signed_on),
    }
    .insert(txn)
    .await?;
    let mut ch = Changes::new(&w, actor);
    ch.push("agreement", "签订服务协议", None, Some(format!("{} {} 至 {}", m.term, d(m.start_date), d(m.end_date))));
    ch.save(txn).await?;
    crate::audit::entry(actor, "worker.agreement", &w.region_code).target(id).save(txn).await?;
    Ok(m)
}

/// Parses the appointment part of a form or request.
pub fn parse_appointment(
    community: &str,
    post_category: &str,
    title: &str,
    start: &str,
    flags: (bool, bool, bool),
) -> std::result::Result<AppointmentFields, Vec<FieldError>> {
    let mut errors = Vec::new();
    let community = parse_community(community).map_err(|e| errors.push(e)).ok();
    let post = shegong_domain::worker::parse_post_category(post_category).map_err(|e| errors.push(e)).ok();
    let title = shegong_domain::worker::parse_title(title).map_err(|e| errors.push(e)).ok();
    let start = parse_date("start_date", "任职开始日期", start).map_err(|e| errors.push(e)).ok();
    match (community, post, title, start) {
        (Some(community), Some(post_category), Some(title), Some(start_date)) if errors.is_empty() => {
            Ok(AppointmentFields {
                community,
                post_category,
                title,
                two_committees: flags.0,
                full_time: flags.1,
                party_building: flags.2,
                start_date,
                end_date: None,
            })
        }
        _ => Err(errors),
    }
}
