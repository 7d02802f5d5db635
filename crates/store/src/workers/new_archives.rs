//! The one writer of new archives: a worker's row, first appointment, education, certificate, the
//! history row and the spells, for one person registered on a form or the API, and for an import's
//! thousands, with multi-row inserts.

use crate::audit::Actor;
use crate::error::Result;
use chrono::Utc;
use sea_orm::{DatabaseTransaction, Value};
use shegong_domain::worker::{NewWorker, WorkerStatus};
use uuid::Uuid;

/// Writes new archives whose ID numbers are already registered (or reserved by an import) under the
/// given ids. `how` says in the history how each archive came to be (e.g. "在某社区建立档案").
pub(crate) async fn write_new(
    txn: &DatabaseTransaction,
    actor: &Actor,
    new: &[(Uuid, &NewWorker)],
    how: &(dyn Fn(&NewWorker) -> String + Sync),
) -> Result<()> {
    let now = Utc::now();
    let mut workers = Vec::with_capacity(new.len());
    let mut appts = Vec::with_capacity(new.len());
    let mut edus = Vec::new();
    let mut certs = Vec::new();
    let mut changes = Vec::with_capacity(new.len());
    let mut spells = Vec::with_capacity(new.len());
    let mut keys = Vec::with_capacity(new.len() * 10);
    for &(id, w) in new {
        let a = &w.appointment;
        let province = a.community.as_str()[..2].to_string();
        let region = a.community.to_string();
        keys.extend(crate::search::keys(&province, id, w.name.as_str(), &w.id_number.to_string()));
        workers.push(vec![
            Value::from(province.clone()),
            Value::from(id),
            Value::from(region.clone()),
            Value::from(w.name.as_str().to_string()),
            Value::from(w.id_number.to_string()),
            Value::from(w.gender.code().to_string()),
            Value::from(w.birth_date),
            Value::from(w.ethnicity.clone()),
            Value::from(w.political_status.clone()),
            Value::from(w.phone.as_ref().map(|p| p.as_str().to_string())),
            Value::from(w.address.clone()),
            Value::from(WorkerStatus::Active.as_str().to_string()),
            Value::from(a.post_category.clone()),
            Value::from(a.title.clone()),
            Value::from(a.two_committees),
            Value::from(a.full_time),
            Value::from(a.party_building),
            Value::from(w.education.as_ref().map(|e| e.code.clone())),
            Value::from(w.certificate.as_ref().map(|c| c.level.as_str().to_string())),
            Value::from(Some(a.start_date)),
            Value::from(now),
            Value::from(now),
        ]);
        appts.push(vec![
            Value::from(province.clone()),
            Value::from(Uuid::now_v7()),
            Value::from(id),
            Value::from(region.clone()),
            Value::from(a.post_category.clone()),
            Value::from(a.title.clone()),
            Value::from(a.two_committees),
            Value::from(a.full_time),
            Value::from(a.party_building),
            Value::from(a.start_date),
        ]);
        if let Some(e) = &w.education {
            edus.push(vec![
                Value::from(province.clone()),
                Value::from(Uuid::now_v7()),
                Value::from(id),
                Value::from(e.code.clone()),
                Value::from(e.school.clone()),
                Value::from(e.major.clone()),
                Value::from(e.graduated_on),
                Value::from(true),
            ]);
        }
        if let Some(c) = &w.certificate {
            certs.push(vec![
                Value::from(province.clone()),
                Value::from(Uuid::now_v7()),
                Value::from(id),
                Value::from("social_work".to_string()),
                Value::from(Some(c.level.as_str().to_string())),
                Value::from(c.level.label().to_string()),
                Value::from(c.number.clone()),
                Value::from(c.issued_on),
            ]);
        }
        changes.push(vec![
            Value::from(province.clone()),
            Value::from(Uuid::now_v7()),
            Value::from(id),
            Value::from(region.clone()),
            Value::from(now),
            Value::from(actor.username.clone()),
            Value::from("archive".to_string()),
            Value::from("建档".to_string()),
            Value::from(None::<String>),
            Value::from(Some(how(w))),
        ]);
        let facts = shegong_domain::stats::WorkerFacts {
            gender: w.gender.code().to_string(),
            birth_date: w.birth_date,
            political_status: w.political_status.clone(),
            service_start: a.start_date,
        };
        let history = shegong_domain::stats::spells(
            &[shegong_domain::stats::AppointmentSpan {
                region_code: region.clone(),
                post_category: a.post_category.clone(),
                full_time: a.full_time,
                two_committees: a.two_committees,
                start: a.start_date,
                end: None,
            }],
            &w.education.iter().map(|e| (e.code.clone(), e.graduated_on)).collect::<Vec<_>>(),
            &w.certificate.iter().map(|c| (c.level, c.issued_on)).collect::<Vec<_>>(),
        );
        for (i, s) in history.iter().enumerate() {
            spells.push(crate::stats::spell_row(&province, id, i, s, &facts));
        }
    }
    use crate::bulk::insert;
    insert(
        txn,
        "workers",
        &[
            "province_code",
            "id",
            "region_code",
            "name",
            "id_number",
            "gender",
            "birth_date",
            "ethnicity",
            "political_status",
            "phone",
            "address",
            "status",
            "post_category",
            "title",
            "two_committees",
            "full_time",
            "party_building",
            "highest_education",
            "certificate_level",
            "service_start",
            "created_at",
            "updated_at",
        ],
        workers,
    )
    .await?;
    insert(
        txn,
        "appointments",
        &[
            "province_code",
            "id",
            "worker_id",
            "region_code",
            "post_category",
            "title",
            "two_committees",
            "full_time",
            "party_building",
            "start_date",
        ],
        appts,
    )
    .await?;
    insert(
        txn,
        "educations",
        &["province_code", "id", "worker_id", "education_code", "school", "major", "graduated_on", "full_time_study"],
        edus,
    )
    .await?;
    insert(
        txn,
        "certificates",
        &["province_code", "id", "worker_id", "kind", "level", "name", "number", "issued_on"],
        certs,
    )
    .await?;
    insert(
        txn,
        "worker_changes",
        &[
            "province_code",
            "id",
            "worker_id",
            "region_code",
            "changed_at",
            "actor",
            "section",
            "field",
            "before",
            "after",
        ],
        changes,
    )
    .await?;
    insert(txn, "worker_spells", &crate::stats::COLS, spells).await?;
    crate::search::insert(txn, keys).await?;
    Ok(())
}
