//! Registering a worker: a new archive, or a person who left coming back (rehire or transfer).

use super::{Changes, community_in_scope, d};

use crate::Db;
use crate::access::Access;
use crate::entity::{appointment, certificate, education, id_registry, worker};
use crate::error::{Result, StoreError};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use shegong_domain::FieldError;
use shegong_domain::Permission;
use shegong_domain::codes::education_rank;
use shegong_domain::worker::{
    AppointmentFields, CertificateFields, CertificateLevel, EducationFields, NewWorker, WorkerStatus,
};
use uuid::Uuid;

/// Registers a new worker (or re-hires one who left: the same archive reopens). One transaction:
/// on any error nothing is written.
pub async fn create(db: &Db, access: &Access, new: NewWorker) -> Result<worker::Model> {
    access.require(Permission::EditArchive)?;
    let txn = db.begin_write().await?;
    let w = create_in(&txn, access, new).await?;
    txn.commit().await?;
    Ok(w)
}

/// What someone outside the holding region is told about a person registered and active there.
pub const ACTIVE_ELSEWHERE: &str = "该身份证号码对应人员已在其他地区登记在岗，不能重复登记";

/// [`create`] inside a caller's transaction (an import's update of a worker who left rehires them).
pub async fn create_in(txn: &DatabaseTransaction, access: &Access, new: NewWorker) -> Result<worker::Model> {
    let (scope, actor) = (&access.scope, &access.actor);
    let community = community_in_scope(txn, scope, &new.appointment.community).await?;
    let now = Utc::now();
    if let Some(existing) = id_registry::Entity::find_by_id(new.id_number.to_string()).one(txn).await? {
        // A registry row with no archive yet: an import is making that archive right now.
        let held = worker::Entity::find()
            .filter(worker::Column::ProvinceCode.eq(&existing.province_code))
            .filter(worker::Column::Id.eq(existing.worker_id))
            .one(txn)
            .await?
            .ok_or_else(|| {
                StoreError::Conflict(FieldError::new(
                    "id_number_being_imported",
                    "id_number",
                    "该身份证号码正在由批量导入建档，请稍后再试",
                ))
            })?;
        if held.status == WorkerStatus::Active.as_str() {
            // Where the person works is said only to those who may see that community.
            let message = if scope.allows_region(&held.region_code) {
                let names = crate::regions::names(txn, vec![held.region_code.clone()]).await?;
                format!(
                    "该身份证号码对应人员已在{}（{}）登记在岗，不能重复登记",
                    names.get(&held.region_code).map_or("本辖区其他社区", String::as_str),
                    held.region_code
                )
            } else {
                ACTIVE_ELSEWHERE.to_string()
            };
            return Err(StoreError::Conflict(FieldError::new("id_number_active_elsewhere", "id_number", message)));
        }
        if held.province_code != community.code[..2] {
            return Err(StoreError::Conflict(FieldError::new(
                "id_number_other_province",
                "id_number",
                "该人员档案在其他省份，请由原省份办理档案转移",
            )));
        }
        return rehire(txn, access, held, new, now).await;
    }
    let id = Uuid::now_v7();
    id_registry::ActiveModel {
        id_number: Set(new.id_number.to_string()),
        province_code: Set(community.code[..2].to_string()),
        worker_id: Set(id),
    }
    .insert(txn)
    .await?;
    let how = |w: &NewWorker| format!("{} 在 {} 建立档案", w.name.as_str(), community.name);
    super::write_new(txn, actor, &[(id, &new)], &how).await?;
    let model = worker::Entity::find()
        .filter(worker::Column::ProvinceCode.eq(&community.code[..2]))
        .filter(worker::Column::Id.eq(id))
        .one(txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    crate::audit::entry(actor, "worker.create", &model.region_code).target(id).save(txn).await?;
    Ok(model)
}

/// Registers again a person whose archive is kept (they left). The archive follows the person: the
/// name typed must be the archive's, and the new post must start after the earlier service ended.
/// When the archive was last held outside the registering admin's region, this is a transfer of
/// the archive into that region: recorded in the history and in both regions' audit logs, with the
/// earlier service (appointments, education, certificates, grades, agreements) kept, and the
/// contact details (phone, address) replaced by those given now, so that nothing the other region
/// recorded about where the person lives passes over.
pub(super) async fn rehire(
    txn: &DatabaseTransaction,
    access: &Access,
    held: worker::Model,
    new: NewWorker,
    now: chrono::DateTime<Utc>,
) -> Result<worker::Model> {
    let (scope, actor) = (&access.scope, &access.actor);
    let a = &new.appointment;
    if new.name.as_str() != held.name {
        return Err(StoreError::Conflict(FieldError::new(
            "name_mismatch",
            "name",
            "姓名与该身份证号码已有档案中的姓名不一致；如姓名确有变更，请由原档案所在地先更正档案",
        )));
    }
    let last_end = appointment::Entity::find()
        .filter(appointment::Column::ProvinceCode.eq(&held.province_code))
        .filter(appointment::Column::WorkerId.eq(held.id))
        .all(txn)
        .await?
        .into_iter()
        .map(|x| x.end_date.unwrap_or(x.start_date))
        .chain(held.exited_on)
        .max();
    if let Some(end) = last_end
        && a.start_date <= end
    {
        return Err(StoreError::invalid(FieldError::new(
            "start_date_overlaps",
            "start_date",
            "任职开始日期应晚于此人此前任职的结束日期",
        )));
    }
    let transfer = !scope.allows_region(&held.region_code);
    // Taking over another region's archive is a county's decision, not a street's or a community's.
    if transfer {
        access.require(Permission::TransferArchive)?;
    }
    let from_county = held.region_code.chars().take(6).collect::<String>();
    let mut am = held.clone().into_active_model();
    if transfer {
        am.phone = Set(new.phone.as_ref().map(|p| p.as_str().to_string()));
        am.address = Set(new.address.clone());
    }
    am.status = Set(WorkerStatus::Active.as_str().to_string());
    am.region_code = Set(a.community.to_string());
    am.post_category = Set(a.post_category.clone());
    am.title = Set(a.title.clone());
    am.two_committees = Set(a.two_committees);
    am.full_time = Set(a.full_time);
    am.party_building = Set(a.party_building);
    am.exited_on = Set(None);
    am.exit_reason = Set(None);
    am.updated_at = Set(now);
    let model = am.update(txn).await?;
    super::corrections::follow(txn, &model).await?;
    if held.region_code != model.region_code {
        move_account(txn, &model).await?;
    }
    insert_appointment(txn, &model, a).await?;
    if let Some(e) = &new.education {
        insert_education(txn, &model, e).await?;
    }
    if let Some(c) = &new.certificate {
        insert_certificate(txn, &model, c).await?;
    }
    let model = refresh_derived(txn, model, actor).await?;
    let mut ch = Changes::new(&model, actor);
    ch.push(
        "archive",
        "状态",
        Some(WorkerStatus::Exited.label().into()),
        Some(format!("重新聘用（{}）", d(a.start_date))),
    );
    if transfer {
        ch.push(
            "archive",
            "档案转入",
            Some(format!("原所在县（市、区）{from_county}")),
            Some(format!("{}，{}", model.region_code, d(a.start_date))),
        );
    }
    ch.save(txn).await?;
    if transfer {
        let detail = Some(format!("档案自 {from_county} 转入 {}，{}", model.region_code, d(a.start_date)));
        crate::audit::entry(actor, "worker.transfer_in", &model.region_code)
            .target(model.id)
            .detail_opt(detail.clone())
            .save(txn)
            .await?;
        // The sending side's log names no place outside its region.
        crate::audit::entry(actor, "worker.transfer_out", &held.region_code)
            .target(model.id)
            .detail(format!("档案已转出本辖区，{}", d(a.start_date)))
            .save(txn)
            .await?;
    } else {
        crate::audit::entry(actor, "worker.rehire", &model.region_code).target(model.id).save(txn).await?;
    }
    Ok(model)
}

pub(crate) async fn insert_appointment(
    txn: &DatabaseTransaction,
    w: &worker::Model,
    a: &AppointmentFields,
) -> Result<appointment::Model> {
    Ok(appointment::ActiveModel {
        province_code: Set(w.province_code.clone()),
        id: Set(Uuid::now_v7()),
        worker_id: Set(w.id),
        region_code: Set(a.community.to_string()),
        post_category: Set(a.post_category.clone()),
        title: Set(a.title.clone()),
        two_committees: Set(a.two_committees),
        full_time: Set(a.full_time),
        party_building: Set(a.party_building),
        start_date: Set(a.start_date),
        end_date: Set(a.end_date),
        end_reason: Set(None),
    }
    .insert(txn)
    .await?)
}

pub(crate) async fn insert_education(
    txn: &DatabaseTransaction,
    w: &worker::Model,
    e: &EducationFields,
) -> Result<education::Model> {
    let e = &e.checked(crate::clock::today()).map_err(StoreError::invalid)?;
    Ok(education::ActiveModel {
        province_code: Set(w.province_code.clone()),
        id: Set(Uuid::now_v7()),
        worker_id: Set(w.id),
        education_code: Set(e.code.clone()),
        school: Set(e.school.clone()),
        major: Set(e.major.clone()),
        graduated_on: Set(e.graduated_on),
        full_time_study: Set(true),
    }
    .insert(txn)
    .await?)
}

pub(crate) async fn insert_certificate(
    txn: &DatabaseTransaction,
    w: &worker::Model,
    c: &CertificateFields,
) -> Result<certificate::Model> {
    let c = &c.checked(crate::clock::today()).map_err(StoreError::invalid)?;
    Ok(certificate::ActiveModel {
        province_code: Set(w.province_code.clone()),
        id: Set(Uuid::now_v7()),
        worker_id: Set(w.id),
        kind: Set("social_work".into()),
        level: Set(Some(c.level.as_str().to_string())),
        name: Set(c.level.label().to_string()),
        number: Set(c.number.clone()),
        issued_on: Set(c.issued_on),
    }
    .insert(txn)
    .await?)
}

/// Recomputes the list columns derived from appointments, educations and certificates.
pub(crate) async fn refresh_derived(
    txn: &DatabaseTransaction,
    w: worker::Model,
    actor: &crate::audit::Actor,
) -> Result<worker::Model> {
    let appts = appointment::Entity::find()
        .filter(appointment::Column::ProvinceCode.eq(&w.province_code))
        .filter(appointment::Column::WorkerId.eq(w.id))
        .order_by_desc(appointment::Column::StartDate)
        .all(txn)
        .await?;
    let edus: Vec<String> = education::Entity::find()
        .select_only()
        .column(education::Column::EducationCode)
        .filter(education::Column::ProvinceCode.eq(&w.province_code))
        .filter(education::Column::WorkerId.eq(w.id))
        .into_tuple()
        .all(txn)
        .await?;
    let certs: Vec<Option<String>> = certificate::Entity::find()
        .select_only()
        .column(certificate::Column::Level)
        .filter(certificate::Column::ProvinceCode.eq(&w.province_code))
        .filter(certificate::Column::WorkerId.eq(w.id))
        .filter(certificate::Column::Kind.eq("social_work"))
        .into_tuple()
        .all(txn)
        .await?;
    let highest_education = edus.iter().min_by_key(|c| education_rank(c)).cloned();
    let certificate_level =
        certs.iter().flatten().filter_map(|l| CertificateLevel::parse(l).ok()).max().map(|l| l.as_str().to_string());
    let current = appts.iter().find(|a| a.end_date.is_none()).or(appts.first());
    let mut am = w.clone().into_active_model();
    am.highest_education = Set(highest_education);
    am.certificate_level = Set(certificate_level);
    am.service_start = Set(appts.iter().map(|a| a.start_date).min());
    if let Some(c) = current {
        am.region_code = Set(c.region_code.clone());
        am.post_category = Set(c.post_category.clone());
        am.title = Set(c.title.clone());
        am.two_committees = Set(c.two_committees);
        am.full_time = Set(c.full_time);
        am.party_building = Set(c.party_building);
    }
    am.updated_at = Set(Utc::now());
    let updated = am.update(txn).await?;
    super::corrections::follow(txn, &updated).await?;
    crate::stats::rebuild_worker(txn, &updated).await?;
    super::grid_duties::follow_post(txn, &w, &updated, actor).await?;
    if w.region_code != updated.region_code {
        move_account(txn, &updated).await?;
    }
    Ok(updated)
}

/// A worker's own account follows them to their community (its region is their scope's).
pub(crate) async fn move_account(txn: &DatabaseTransaction, w: &worker::Model) -> Result<()> {
    use crate::entity::user;
    user::Entity::update_many()
        .col_expr(user::Column::RegionCode, sea_orm::sea_query::Expr::value(w.region_code.clone()))
        .filter(user::Column::WorkerId.eq(w.id))
        .filter(user::Column::Role.eq(shegong_domain::access::Role::Worker.as_str()))
        .exec(txn)
        .await?;
    Ok(())
}
