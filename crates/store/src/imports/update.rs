//! Known people: their state, and the update of each.

use super::check::Holder;

use crate::access::Access;
use crate::entity::{appointment, certificate, education, worker};
use crate::error::{Result, StoreError};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QuerySelect,
};
use shegong_domain::worker::{NewWorker, WorkerStatus};
use std::collections::HashMap;
use uuid::Uuid;

use crate::workers::{
    Changes, create_in, d, insert_appointment, insert_certificate, insert_education, refresh_derived,
};
use sea_orm::IntoActiveModel;
use shegong_domain::FieldError;

pub(super) type Known = HashMap<Uuid, (worker::Model, Vec<String>, Vec<String>)>;

/// The known workers' records with the education codes and certificate levels they hold, read in
/// chunks.
pub(super) async fn known_state(db: &impl ConnectionTrait, holders: &[&Holder]) -> Result<Known> {
    let mut out: Known = HashMap::new();
    let mut by_province: HashMap<&str, Vec<Uuid>> = HashMap::new();
    for h in holders {
        by_province.entry(h.province_code.as_str()).or_default().push(h.worker_id);
    }
    for (p, ids) in by_province {
        for chunk in ids.chunks(500) {
            for w in worker::Entity::find()
                .filter(worker::Column::ProvinceCode.eq(p))
                .filter(worker::Column::Id.is_in(chunk.to_vec()))
                .all(db)
                .await?
            {
                out.insert(w.id, (w, Vec::new(), Vec::new()));
            }
            let edus: Vec<(Uuid, String)> = education::Entity::find()
                .select_only()
                .columns([education::Column::WorkerId, education::Column::EducationCode])
                .filter(education::Column::ProvinceCode.eq(p))
                .filter(education::Column::WorkerId.is_in(chunk.to_vec()))
                .into_tuple()
                .all(db)
                .await?;
            for (id, code) in edus {
                if let Some(e) = out.get_mut(&id) {
                    e.1.push(code);
                }
            }
            let certs: Vec<(Uuid, Option<String>)> = certificate::Entity::find()
                .select_only()
                .columns([certificate::Column::WorkerId, certificate::Column::Level])
                .filter(certificate::Column::ProvinceCode.eq(p))
                .filter(certificate::Column::WorkerId.is_in(chunk.to_vec()))
                .into_tuple()
                .all(db)
                .await?;
            for (id, level) in certs {
                if let (Some(e), Some(l)) = (out.get_mut(&id), level) {
                    e.2.push(l);
                }
            }
        }
    }
    Ok(out)
}

/// Educations and certificate levels a worker holds (for the update of a known worker).
pub(crate) async fn held(
    txn: &DatabaseTransaction,
    province: &str,
    id: Uuid,
) -> Result<(Vec<String>, Vec<Option<String>>)> {
    let edus = education::Entity::find()
        .select_only()
        .column(education::Column::EducationCode)
        .filter(education::Column::ProvinceCode.eq(province))
        .filter(education::Column::WorkerId.eq(id))
        .into_tuple()
        .all(txn)
        .await?;
    let certs = certificate::Entity::find()
        .select_only()
        .column(certificate::Column::Level)
        .filter(certificate::Column::ProvinceCode.eq(province))
        .filter(certificate::Column::WorkerId.eq(id))
        .into_tuple()
        .all(txn)
        .await?;
    Ok((edus, certs))
}

/// Whether an import row would change nothing for this worker (checked in memory, so that
/// re-importing a large file costs no query per row).
pub(super) fn import_unchanged(w: &worker::Model, edus: &[String], certs: &[String], new: &NewWorker) -> bool {
    let a = &new.appointment;
    w.status == WorkerStatus::Active.as_str()
        && w.name == new.name.as_str()
        && w.gender == new.gender.code()
        && w.ethnicity == new.ethnicity
        && w.political_status == new.political_status
        && w.birth_date == new.birth_date
        && new.phone.as_ref().is_none_or(|p| w.phone.as_deref() == Some(p.as_str()))
        && new.address.as_ref().is_none_or(|x| w.address.as_ref() == Some(x))
        && (w.region_code.as_str(), w.post_category.as_str(), w.title.as_str())
            == (a.community.as_str(), a.post_category.as_str(), a.title.as_str())
        && new.education.as_ref().is_none_or(|e| edus.contains(&e.code))
        && new.certificate.as_ref().is_none_or(|c| certs.iter().any(|l| l == c.level.as_str()))
}

/// Applies an import row to a known worker inside the import's transaction. A worker who left is
/// rehired; an active one gets the row's identity fields, a new post from the row's start date when
/// community, post or title differ, and the row's education and certificate when not yet held.
/// Returns whether anything changed (importing the same row twice changes nothing).
pub(super) async fn import_update(
    txn: &DatabaseTransaction,
    access: &Access,
    id: Uuid,
    province: &str,
    status: &str,
    new: &NewWorker,
) -> Result<bool> {
    if status != WorkerStatus::Active.as_str() {
        create_in(txn, access, new.clone()).await?;
        return Ok(true);
    }
    let actor = &access.actor;
    let w = worker::Entity::find()
        .filter(worker::Column::ProvinceCode.eq(province))
        .filter(worker::Column::Id.eq(id))
        .one(txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    let mut ch = Changes::new(&w, actor);
    let mut am = w.clone().into_active_model();
    let phone = new.phone.as_ref().map(|p| p.as_str().to_string());
    let fields: [(&str, String, String); 5] = [
        ("姓名", w.name.clone(), new.name.as_str().to_string()),
        ("性别", w.gender.clone(), new.gender.code().to_string()),
        ("民族", w.ethnicity.clone(), new.ethnicity.clone()),
        ("政治面貌", w.political_status.clone(), new.political_status.clone()),
        ("出生日期", d(w.birth_date), d(new.birth_date)),
    ];
    for (label, before, after) in fields {
        ch.push("identity", label, Some(before), Some(after));
    }
    if phone.is_some() {
        ch.push("identity", "手机号码", w.phone.clone(), phone.clone());
        am.phone = Set(phone);
    }
    if new.address.is_some() {
        ch.push("identity", "住址", w.address.clone(), new.address.clone());
        am.address = Set(new.address.clone());
    }
    am.name = Set(new.name.as_str().to_string());
    am.gender = Set(new.gender.code().to_string());
    am.ethnicity = Set(new.ethnicity.clone());
    am.political_status = Set(new.political_status.clone());
    am.birth_date = Set(new.birth_date);
    let mut changed = !ch.is_empty();
    let a = &new.appointment;
    if (w.region_code.as_str(), w.post_category.as_str(), w.title.as_str())
        != (a.community.as_str(), a.post_category.as_str(), a.title.as_str())
    {
        let open = appointment::Entity::find()
            .filter(appointment::Column::ProvinceCode.eq(province))
            .filter(appointment::Column::WorkerId.eq(id))
            .filter(appointment::Column::EndDate.is_null())
            .all(txn)
            .await?;
        let mut corrected = false;
        for o in open {
            if o.start_date == a.start_date {
                // Same start: the row corrects the current post rather than starting a new one.
                let mut om = o.into_active_model();
                om.region_code = Set(a.community.to_string());
                om.post_category = Set(a.post_category.clone());
                om.title = Set(a.title.clone());
                om.two_committees = Set(a.two_committees);
                om.full_time = Set(a.full_time);
                om.update(txn).await?;
                corrected = true;
                continue;
            }
            if o.start_date > a.start_date {
                return Err(StoreError::invalid(FieldError::new(
                    "import_start_date",
                    "start_date",
                    format!(
                        "身份证号 {}：任职开始日期 {} 应晚于现任职务的开始日期 {}",
                        new.id_number,
                        d(a.start_date),
                        d(o.start_date)
                    ),
                )));
            }
            let mut om = o.into_active_model();
            om.end_date = Set(Some(a.start_date));
            om.end_reason = Set(Some("批量导入：任职变动".into()));
            om.update(txn).await?;
        }
        ch.push(
            "appointment",
            "任职",
            Some(format!("{} {}", w.region_code, w.title)),
            Some(format!("{} {}（{}起）", a.community, a.title, d(a.start_date))),
        );
        if !corrected {
            insert_appointment(txn, &w, a).await?;
        }
        changed = true;
    }
    let (edus, certs) = held(txn, province, id).await?;
    if let Some(e) = &new.education
        && !edus.contains(&e.code)
    {
        insert_education(txn, &w, e).await?;
        ch.push("education", "学历", None, Some(e.code.clone()));
        changed = true;
    }
    if let Some(c) = &new.certificate
        && !certs.iter().flatten().any(|l| l == c.level.as_str())
    {
        insert_certificate(txn, &w, c).await?;
        ch.push("certificate", "社工证", None, Some(c.level.label().to_string()));
        changed = true;
    }
    if !changed {
        return Ok(false);
    }
    am.updated_at = Set(Utc::now());
    let updated = am.update(txn).await?;
    if updated.name != w.name {
        crate::search::replace(txn, &updated).await?;
    }
    refresh_derived(txn, updated, actor).await?;
    ch.save(txn).await?;
    Ok(true)
}
