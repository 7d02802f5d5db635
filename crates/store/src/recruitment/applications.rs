//! Applications (报名), from the applicant's side: one per round, to one post, filled once and
//! checked against the post's requirements and the region's rules on submission; changed while it
//! waits for review and the round takes applications; scans attached; followed with every decision.

use super::applicants::Applicant;
use super::rounds::Round;
use crate::Db;
use crate::entity::{application as app, application_file as file, recruitment_post as post};
use crate::error::{Result, StoreError};
use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use shegong_domain::codes::EDUCATION;
use shegong_domain::recruitment::{Facts, PostRequirements, post_requirements};
use shegong_domain::status::{ApplicationStatus, RecruitmentStatus, Status};
use shegong_domain::worker::CertificateLevel;
use shegong_domain::{FieldError, IdNumber};
use uuid::Uuid;

/// Scans one application may carry.
pub const MAX_FILES: u64 = 10;

/// The kinds of scan an application carries, with their names.
pub const FILE_KINDS: [(&str, &str); 4] =
    [("id_card", "身份证"), ("diploma", "学历证书"), ("certificate", "资格证书"), ("other", "其他材料")];

/// An application as typed. The name, ID number and phone are the account's.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ApplicationInput {
    /// 报考岗位编号
    pub post: String,
    /// 最高学历：代码（如 21）或名称（如 本科）
    pub education: String,
    pub school: String,
    pub major: String,
    /// 毕业日期，如 2015-07-01
    pub graduated_on: Option<String>,
    /// 社会工作职业资格：junior、intermediate、senior，或其名称
    pub certificate: Option<String>,
    /// 工作经历
    pub work_history: String,
    /// 复员退伍军人
    pub veteran: bool,
    /// 现有社区工作者
    pub current_worker: bool,
    /// 确认不存在的报名禁止情形（须逐项确认政策所列的每一项）
    pub declarations: Vec<String>,
}

/// A post's requirements as stored.
pub(super) fn requirements(p: &post::Model) -> PostRequirements {
    post_requirements(
        p.min_education.as_deref().unwrap_or(""),
        &p.max_age.map(|a| a.to_string()).unwrap_or_default(),
        p.certificate.as_deref().unwrap_or(""),
        &p.majors,
    )
    .unwrap_or_default()
}

/// An application's facts, as the rules read them.
pub(super) fn facts(a: &app::Model) -> Facts {
    Facts {
        birth_date: a.birth_date,
        education_code: a.education_code.clone(),
        certificate: a.certificate.as_deref().and_then(|c| CertificateLevel::parse(c).ok()),
        major: a.major.clone(),
        veteran: a.veteran,
        current_worker: a.current_worker,
    }
}

fn bad(code: &'static str, field: &'static str, m: impl Into<String>) -> FieldError {
    FieldError::new(code, field, m)
}

/// The round an applicant applies to: announced, taking applications on `today`, in their province.
async fn open_round(db: &Db, who: &Applicant, round_id: Uuid, today: NaiveDate) -> Result<Round> {
    let r = super::public::announcement(db, round_id).await?;
    if r.round.province_code != who.province {
        return Err(StoreError::NotFound);
    }
    if RecruitmentStatus::parse(&r.round.status) != Some(RecruitmentStatus::Published) {
        return Err(StoreError::Conflict(bad("round_closed", "round", "本次招聘已结束，不再接受报名或修改")));
    }
    if today < r.round.apply_from || today > r.round.apply_to {
        return Err(StoreError::Conflict(bad(
            "applications_closed",
            "round",
            format!("本次招聘的报名时间为{}至{}，现在不能报名或修改报名", r.round.apply_from, r.round.apply_to),
        )));
    }
    Ok(r)
}

/// Submits (or, while it waits for review, changes) `who`'s application to round `round_id`. Refused
/// with the reasons when the applicant does not meet the post's requirements.
pub async fn submit(
    db: &Db,
    who: &Applicant,
    round_id: Uuid,
    i: &ApplicationInput,
    today: NaiveDate,
) -> Result<app::Model> {
    let r = open_round(db, who, round_id, today).await?;
    let mut errors = Vec::new();
    let p = Uuid::parse_str(i.post.trim()).ok().and_then(|id| r.posts.iter().find(|p| p.id == id));
    if p.is_none() {
        errors.push(bad("post_invalid", "post", "请选择本次招聘公告中的一个岗位"));
    }
    let education = EDUCATION
        .parse(i.education.trim())
        .map_err(|_| errors.push(bad("education_unknown", "education", "请选择最高学历")))
        .ok();
    let line = |field, label, s: &str, max, errors: &mut Vec<FieldError>| {
        shegong_domain::text::line(field, label, s, max).map_err(|e| errors.push(e)).ok().flatten().unwrap_or_default()
    };
    let school = line("school", "毕业学校", &i.school, 100, &mut errors);
    let major = line("major", "所学专业", &i.major, 100, &mut errors);
    if school.is_empty() && !errors.iter().any(|e| e.field == "school") {
        errors.push(bad("school_required", "school", "请填写毕业学校"));
    }
    let graduated_on = match i.graduated_on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => match NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().filter(|d| *d <= today) {
            Some(d) => Some(d),
            None => {
                errors.push(bad("date_invalid", "graduated_on", "毕业日期应写作 2015-07-01，且不能晚于今天"));
                None
            }
        },
    };
    let certificate = match i.certificate.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(c) => match CertificateLevel::parse(c) {
            Ok(l) => Some(l),
            Err(_) => {
                errors.push(bad(
                    "certificate_unknown",
                    "certificate",
                    "证书应为助理社会工作师、社会工作师或高级社会工作师",
                ));
                None
            }
        },
    };
    let work_history = shegong_domain::text::lines("work_history", "工作经历", &i.work_history, 2000)
        .map_err(|e| errors.push(e))
        .ok()
        .flatten()
        .unwrap_or_default();
    let policy = super::policy_for(db, &r.round.county_code, r.round.reference_date).await?;
    if let Err(e) = shegong_domain::hiring::declarations(&policy.barring_grounds, &i.declarations) {
        errors.push(e);
    }
    let id = IdNumber::parse(&who.id_number).map_err(|e| StoreError::Invalid(vec![e]))?;
    if let Some(g) = graduated_on
        && g < shegong_domain::dates::birthday(id.birth_date(), 14)
    {
        errors.push(bad("date_invalid", "graduated_on", "毕业日期与出生日期不符（毕业时应已年满14周岁）"));
    }
    let (Some(p), Some(education), true) = (p, education, errors.is_empty()) else {
        return Err(StoreError::Invalid(errors));
    };
    let f = Facts {
        birth_date: id.birth_date(),
        education_code: education.clone(),
        certificate,
        major: major.clone(),
        veteran: i.veteran,
        current_worker: i.current_worker,
    };
    let check = policy.eligibility(&requirements(p), &f, r.round.reference_date);
    if !check.eligible {
        return Err(StoreError::invalid(bad(
            "not_eligible",
            "post",
            format!("不符合该岗位的报名条件：{}", check.explanation.join("；")),
        )));
    }
    let now = Utc::now();
    let txn = db.begin_write().await?;
    Db::lock_province(&txn, &who.province).await?;
    let existing = app::Entity::find()
        .filter(app::Column::ProvinceCode.eq(&who.province))
        .filter(app::Column::RoundId.eq(round_id))
        .filter(app::Column::ApplicantId.eq(who.id))
        .one(&*txn)
        .await?;
    if let Some(e) = &existing {
        ApplicationStatus::require(&e.status, ApplicationStatus::Submitted).map_err(|_| {
            StoreError::Conflict(bad("application_reviewed", "status", "报名已经过资格审查，不能再修改"))
        })?;
    }
    let declared = policy.barring_grounds.join("\n");
    let m = app::ActiveModel {
        province_code: Set(who.province.clone()),
        id: Set(existing.as_ref().map_or_else(Uuid::now_v7, |e| e.id)),
        round_id: Set(round_id),
        post_id: Set(p.id),
        applicant_id: Set(who.id),
        name: Set(who.name.clone()),
        id_number: Set(who.id_number.clone()),
        gender: Set(if id.gender() == shegong_domain::person::Gender::Male { "male" } else { "female" }.into()),
        birth_date: Set(f.birth_date),
        phone: Set(who.phone.clone()),
        education_code: Set(education),
        school: Set(school),
        major: Set(major),
        graduated_on: Set(graduated_on),
        certificate: Set(certificate.map(|c| c.as_str().to_string())),
        work_history: Set(work_history),
        veteran: Set(i.veteran),
        current_worker: Set(i.current_worker),
        declared: Set(declared),
        eligible: Set(true),
        explanation: Set(check.explanation.join("\n")),
        status: Set(ApplicationStatus::Submitted.as_str().into()),
        review_reason: Set(None),
        reviewed_by: Set(None),
        reviewed_at: Set(None),
        ticket: Set(None),
        room: Set(None),
        seat: Set(None),
        written: Set(None),
        bonus: Set(i32::try_from(policy.bonus(&f)).unwrap_or(0)),
        interview: Set(None),
        medical: Set(None),
        medical_reason: Set(None),
        vetting: Set(None),
        vetting_reason: Set(None),
        worker_id: Set(None),
        submitted_at: Set(existing.as_ref().map_or(now, |e| e.submitted_at)),
        updated_at: Set(now),
    };
    let m = if existing.is_some() { m.update(&*txn).await? } else { m.insert(&*txn).await? };
    txn.commit().await?;
    Ok(m)
}

/// `who`'s applications, newest first.
pub async fn mine(db: &Db, who: &Applicant) -> Result<Vec<app::Model>> {
    Ok(app::Entity::find()
        .filter(app::Column::ProvinceCode.eq(&who.province))
        .filter(app::Column::ApplicantId.eq(who.id))
        .order_by_desc(app::Column::SubmittedAt)
        .all(&db.conn)
        .await?)
}

/// One of `who`'s own applications; anyone else's is as absent as nothing.
pub async fn own(db: &Db, who: &Applicant, id: Uuid) -> Result<app::Model> {
    app::Entity::find_by_id((who.province.clone(), id))
        .one(&db.conn)
        .await?
        .filter(|a| a.applicant_id == who.id)
        .ok_or(StoreError::NotFound)
}

/// Whether an objection in the publicity against `a` was found true (the applicant is not hired).
pub async fn struck(db: &Db, a: &app::Model) -> Result<bool> {
    use crate::entity::recruitment_objection as objection;
    Ok(objection::Entity::find()
        .filter(objection::Column::ProvinceCode.eq(&a.province_code))
        .filter(objection::Column::RoundId.eq(a.round_id))
        .filter(objection::Column::ApplicationId.eq(a.id))
        .filter(objection::Column::Upheld.eq(true))
        .count(&db.conn)
        .await?
        > 0)
}

/// A kept scan without its bytes.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ScanInfo {
    pub id: Uuid,
    /// id_card、diploma、certificate、other
    pub kind: String,
    pub filename: String,
    pub content_type: String,
    pub size: i32,
    pub created_at: chrono::DateTime<Utc>,
}

/// The scans of an application.
pub async fn files_of(db: &Db, a: &app::Model) -> Result<Vec<ScanInfo>> {
    type Row = (Uuid, String, String, String, i32, chrono::DateTime<Utc>);
    let rows: Vec<Row> = file::Entity::find()
        .select_only()
        .columns([
            file::Column::Id,
            file::Column::Kind,
            file::Column::Filename,
            file::Column::ContentType,
            file::Column::Size,
            file::Column::CreatedAt,
        ])
        .filter(file::Column::ProvinceCode.eq(&a.province_code))
        .filter(file::Column::ApplicationId.eq(a.id))
        .order_by_asc(file::Column::Id)
        .into_tuple()
        .all(&db.conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, kind, filename, content_type, size, created_at)| ScanInfo {
            id,
            kind,
            filename,
            content_type,
            size,
            created_at,
        })
        .collect())
}

/// Attaches a scan (PDF, JPEG or PNG, capped in size and pixels) to `who`'s application while it
/// waits for review.
pub async fn add_file(
    db: &Db,
    who: &Applicant,
    id: Uuid,
    kind: &str,
    filename: &str,
    bytes: Vec<u8>,
) -> Result<ScanInfo> {
    let Some((kind, _)) = FILE_KINDS.iter().find(|(k, _)| *k == kind) else {
        return Err(StoreError::invalid(bad(
            "file_kind",
            "kind",
            "请选择材料类型：身份证、学历证书、资格证书或其他材料",
        )));
    };
    let rule = if *kind == "diploma" { "diploma" } else { "certificate" };
    if let Some(why) = shegong_domain::files::refusal(rule, &bytes) {
        return Err(StoreError::invalid(bad("file_refused", "file", why)));
    }
    let a = own(db, who, id).await?;
    ApplicationStatus::require(&a.status, ApplicationStatus::Submitted).map_err(|_| {
        StoreError::Conflict(bad("application_reviewed", "status", "报名已经过资格审查，不能再添加材料"))
    })?;
    let content_type = shegong_domain::files::sniff(&bytes).unwrap_or("application/pdf").to_string();
    let sha = hex::encode(Sha256::digest(&bytes));
    let filename = shegong_domain::files::clean_name(filename);
    let txn = db.begin_write().await?;
    Db::lock_province(&txn, &a.province_code).await?;
    let q = file::Entity::find()
        .filter(file::Column::ProvinceCode.eq(&a.province_code))
        .filter(file::Column::ApplicationId.eq(a.id));
    if q.count(&*txn).await? >= MAX_FILES {
        return Err(StoreError::invalid(bad("file_too_many", "file", format!("每份报名最多上传{MAX_FILES}份材料"))));
    }
    // A new scan is a change the reviewer must have seen (see `review::review`'s `seen`).
    app::Entity::update_many()
        .col_expr(app::Column::UpdatedAt, sea_orm::sea_query::Expr::value(Utc::now()))
        .filter(app::Column::ProvinceCode.eq(&a.province_code))
        .filter(app::Column::Id.eq(a.id))
        .exec(&*txn)
        .await?;
    let m = file::ActiveModel {
        province_code: Set(a.province_code.clone()),
        id: Set(Uuid::now_v7()),
        application_id: Set(a.id),
        kind: Set(kind.to_string()),
        filename: Set(filename.chars().take(100).collect()),
        content_type: Set(content_type),
        size: Set(i32::try_from(bytes.len()).unwrap_or(i32::MAX)),
        sha256: Set(sha),
        bytes: Set(bytes),
        created_at: Set(Utc::now()),
    }
    .insert(&*txn)
    .await?;
    txn.commit().await?;
    Ok(ScanInfo {
        id: m.id,
        kind: m.kind,
        filename: m.filename,
        content_type: m.content_type,
        size: m.size,
        created_at: m.created_at,
    })
}

/// One scan of an application, with its bytes.
pub async fn file(db: &Db, a: &app::Model, file_id: Uuid) -> Result<file::Model> {
    file::Entity::find_by_id((a.province_code.clone(), file_id))
        .one(&db.conn)
        .await?
        .filter(|f| f.application_id == a.id)
        .ok_or(StoreError::NotFound)
}
