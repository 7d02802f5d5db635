//! After the exam: 体检 and 考察 of those to be hired (a failure moves the next ranked up), the
//! publicity (公示) on the public page with the objections recorded and resolved in it, and the
//! hire — the archive, the appointment and the service agreement made from the application in one
//! transaction.

use super::exams::{reread, running, standings_of};
use super::reads::{of_post, ticketed};
use super::rounds::Round;
use crate::Db;
use crate::access::Access;
use crate::entity::{
    application as app, id_registry, recruitment_objection as objection, recruitment_round as round, worker,
};
use crate::error::{Result, StoreError};
use chrono::{NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Deserialize;
use shegong_domain::hiring::{publicity_end, term_of};
use shegong_domain::records::AgreementFields;
use shegong_domain::status::{ApplicationStatus, Status};
use shegong_domain::worker::{AppointmentFields, CertificateFields, CertificateLevel, EducationFields, WorkerStatus};
use shegong_domain::{FieldError, IdNumber, Permission, RegionCode};
use uuid::Uuid;

fn conflict(code: &'static str, field: &'static str, m: impl Into<String>) -> StoreError {
    StoreError::Conflict(FieldError::new(code, field, m))
}

/// Refused while someone called to the interview has no interview score (nor 缺考): the ranking
/// would pass over them.
fn interviews_done(rows: &[super::exams::JobStanding], apps: &[app::Model]) -> Result<()> {
    let missing: Vec<&str> = rows
        .iter()
        .filter(|s| s.invited)
        .filter(|s| apps.iter().any(|a| a.id == s.id && a.interview.is_none()))
        .map(|s| s.name.as_str())
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(conflict(
        "interviews_missing",
        "status",
        format!(
            "面试名单中还有{}人没有面试成绩（缺考的请录“缺考”）：{}",
            missing.len(),
            missing.iter().take(10).copied().collect::<Vec<_>>().join("、")
        ),
    ))
}

/// 体检 or 考察.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    /// 体检
    Medical,
    /// 考察
    Vetting,
}

impl Check {
    pub fn label(self) -> &'static str {
        match self {
            Self::Medical => "体检",
            Self::Vetting => "考察",
        }
    }
}

/// A 体检 or 考察 result as given.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct CheckInput {
    /// medical（体检）或 vetting（考察）
    pub check: Option<Check>,
    /// true：合格；false：不合格（须写明理由）
    pub passed: Option<bool>,
    pub reason: Option<String>,
}

/// Records 体检 or 考察 of one applicant to be hired; a failure takes them out and moves the next
/// ranked up. Before the publicity only.
pub async fn record_check(db: &Db, access: &Access, round_id: Uuid, id: Uuid, i: &CheckInput) -> Result<app::Model> {
    let r = running(db, access, round_id).await?;
    let mut errors = Vec::new();
    let reason = shegong_domain::text::lines("reason", "理由", i.reason.as_deref().unwrap_or(""), 500)
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    if i.check.is_none() {
        errors.push(FieldError::new("check_required", "check", "请选择体检或考察"));
    }
    if i.passed.is_none() {
        errors.push(FieldError::new("passed_required", "passed", "请选择合格或不合格"));
    }
    if i.passed == Some(false) && reason.is_none() && !errors.iter().any(|e| e.field == "reason") {
        errors.push(FieldError::new("reason_required", "reason", "不合格须写明理由"));
    }
    let (Some(check), Some(passed), true) = (i.check, i.passed, errors.is_empty()) else {
        return Err(StoreError::Invalid(errors));
    };
    let policy = super::policy_for(db, &r.round.county_code, r.round.reference_date).await?;
    let txn = db.begin_write().await?;
    Db::lock_province(&txn, &r.round.province_code).await?;
    let now = reread(&*txn, &r.round).await?;
    if now.publicity_from.is_some() {
        return Err(conflict("publicity_started", "check", "拟聘用人员已经公示，体检、考察结果不能再改"));
    }
    let now_round = Round { round: now.clone(), posts: r.posts.clone() };
    let (post, apps, out) = of_post(&*txn, &now_round, id).await?.ok_or(StoreError::NotFound)?;
    let rows: Vec<_> =
        standings_of(&policy, &post, &apps, now.pass_line, &out).into_iter().flat_map(|p| p.rows).collect();
    interviews_done(&rows, &apps)?;
    let selected = rows.iter().any(|s| s.id == id && s.selected && !s.hired);
    if !selected {
        return Err(conflict("not_selected", "check", "只有按成绩排名进入拟聘用的人员才能录入体检、考察结果"));
    }
    let (result, why) = match check {
        Check::Medical => (app::Column::Medical, app::Column::MedicalReason),
        Check::Vetting => (app::Column::Vetting, app::Column::VettingReason),
    };
    app::Entity::update_many()
        .col_expr(result, Expr::value(if passed { "pass" } else { "fail" }))
        .col_expr(why, Expr::value(reason))
        .col_expr(app::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(app::Column::ProvinceCode.eq(&r.round.province_code))
        .filter(app::Column::Id.eq(id))
        .exec(&*txn)
        .await?;
    crate::audit::entry(&access.actor, &format!("recruitment.{}", check.label()), &r.round.county_code)
        .target(id)
        .detail(if passed { "合格" } else { "不合格" })
        .save(&*txn)
        .await?;
    txn.commit().await?;
    Ok(super::review::get(db, access, round_id, id).await?.1)
}

/// Starts the publicity (公示) of those to be hired on `from` (today or later): every one of them
/// passed 体检 and 考察.
pub async fn start_publicity(
    db: &Db,
    access: &Access,
    round_id: Uuid,
    from: &str,
    today: NaiveDate,
) -> Result<round::Model> {
    let r = running(db, access, round_id).await?;
    let from = NaiveDate::parse_from_str(from.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| *d >= today && *d <= today + chrono::Duration::days(60))
        .ok_or_else(|| {
            StoreError::invalid(FieldError::new(
                "date_invalid",
                "from",
                "公示开始日期应写作 2026-12-01，从今天起60天内",
            ))
        })?;
    let policy = super::policy_for(db, &r.round.county_code, r.round.reference_date).await?;
    let txn = db.begin_write().await?;
    Db::lock_province(&txn, &r.round.province_code).await?;
    let now = reread(&*txn, &r.round).await?;
    if now.publicity_from.is_some() {
        return Err(conflict("publicity_started", "from", "已经在公示"));
    }
    let (apps, out) = ticketed(&*txn, &now).await?;
    let rows: Vec<_> = standings_of(&policy, &r, &apps, now.pass_line, &out).into_iter().flat_map(|p| p.rows).collect();
    interviews_done(&rows, &apps)?;
    let chosen: Vec<_> = rows.into_iter().filter(|s| s.selected && !s.hired).collect();
    if chosen.is_empty() {
        return Err(conflict("nobody_selected", "from", "还没有拟聘用人员（须先录入面试成绩）"));
    }
    let waiting: Vec<&str> = chosen
        .iter()
        .filter(|s| s.medical.as_deref() != Some("pass") || s.vetting.as_deref() != Some("pass"))
        .map(|s| s.name.as_str())
        .collect();
    if !waiting.is_empty() {
        return Err(conflict(
            "checks_pending",
            "from",
            format!("以下拟聘用人员的体检、考察尚未全部合格：{}", waiting.join("、")),
        ));
    }
    round::Entity::update_many()
        .col_expr(round::Column::PublicityFrom, Expr::value(from))
        .filter(round::Column::ProvinceCode.eq(&r.round.province_code))
        .filter(round::Column::Id.eq(r.round.id))
        .exec(&*txn)
        .await?;
    crate::audit::entry(&access.actor, "recruitment.publicity", &r.round.county_code)
        .target(r.round.id)
        .detail(format!("{}起公示{}人", from, chosen.len()))
        .save(&*txn)
        .await?;
    txn.commit().await?;
    reread(&db.conn, &r.round).await
}

/// A hire as given: the day service starts (the agreement runs from it to the end of the term).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct HireInput {
    /// 入职（任职开始）日期，如 2026-12-01；不填为今天
    pub start_date: Option<String>,
}

/// 聘用: after the publicity, with no objection open or upheld against them, one to be hired
/// arrives in the archive — the person (a new archive, or theirs reopened, or moved to the new post
/// when already serving), the appointment, the education and certificate they declared, and the
/// service agreement for the current term — all in one transaction.
pub async fn hire(
    db: &Db,
    access: &Access,
    round_id: Uuid,
    id: Uuid,
    i: &HireInput,
    today: NaiveDate,
) -> Result<app::Model> {
    access.require(Permission::EditArchive)?;
    let r = running(db, access, round_id).await?;
    let start = match i.start_date.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => today,
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().filter(|d| *d <= today).ok_or_else(|| {
            StoreError::invalid(FieldError::new(
                "date_invalid",
                "start_date",
                "入职日期应写作 2026-12-01，不能晚于今天",
            ))
        })?,
    };
    let policy = super::policy_for(db, &r.round.county_code, r.round.reference_date).await?;
    let txn = db.begin_write().await?;
    Db::lock_province(&txn, &r.round.province_code).await?;
    let now = reread(&*txn, &r.round).await?;
    let Some(from) = now.publicity_from else {
        return Err(conflict("no_publicity", "status", "拟聘用人员公示期满后才能办理聘用"));
    };
    let end = publicity_end(from, policy.publicity_days);
    if today <= end {
        return Err(conflict("publicity_running", "status", format!("公示期至{end}，期满后才能办理聘用")));
    }
    // Service starts after the publicity: an earlier date would count years never served.
    if start <= end {
        return Err(StoreError::invalid(FieldError::new(
            "start_before_publicity_end",
            "start_date",
            format!("入职日期应在公示期满（{end}）之后"),
        )));
    }
    let open = objection::Entity::find()
        .filter(objection::Column::ProvinceCode.eq(&r.round.province_code))
        .filter(objection::Column::RoundId.eq(r.round.id))
        .filter(objection::Column::ApplicationId.eq(id))
        .filter(objection::Column::ResolvedAt.is_null())
        .one(&*txn)
        .await?;
    if open.is_some() {
        return Err(conflict("objection_open", "status", "该人员有尚未处理的公示异议"));
    }
    let now_round = Round { round: now.clone(), posts: r.posts.clone() };
    let (post, apps, out) = of_post(&*txn, &now_round, id).await?.ok_or(StoreError::NotFound)?;
    let row =
        standings_of(&policy, &post, &apps, now.pass_line, &out).into_iter().flat_map(|p| p.rows).find(|s| s.id == id);
    let Some(row) = row.filter(|s| s.selected) else {
        return Err(conflict("not_selected", "status", "该人员不在拟聘用名单中"));
    };
    if row.hired {
        return Err(conflict("already_hired", "status", "该人员已经聘用"));
    }
    if row.medical.as_deref() != Some("pass") || row.vetting.as_deref() != Some("pass") {
        return Err(conflict("checks_pending", "status", "该人员的体检、考察尚未合格"));
    }
    let a = apps.into_iter().find(|a| a.id == id).ok_or(StoreError::NotFound)?;
    let p = r.posts.iter().find(|p| p.id == a.post_id).ok_or(StoreError::NotFound)?;
    let appointment = AppointmentFields {
        community: RegionCode::parse(&p.community_code).map_err(StoreError::invalid)?,
        post_category: p.category.clone(),
        title: p.title.clone(),
        two_committees: false,
        full_time: true,
        party_building: false,
        start_date: start,
        end_date: None,
    };
    let education = EducationFields {
        code: a.education_code.clone(),
        school: Some(a.school.clone()).filter(|s| !s.is_empty()),
        major: Some(a.major.clone()).filter(|s| !s.is_empty()),
        graduated_on: a.graduated_on,
    };
    let certificate = a
        .certificate
        .as_deref()
        .and_then(|c| CertificateLevel::parse(c).ok())
        .map(|level| CertificateFields { level, number: None, issued_on: None });
    let id_number = IdNumber::parse(&a.id_number).map_err(StoreError::invalid)?;
    // Serving already (a current worker changing post): the archive moves to the new post.
    let serving = match id_registry::Entity::find_by_id(a.id_number.clone()).one(&*txn).await? {
        Some(reg) => worker::Entity::find()
            .filter(worker::Column::ProvinceCode.eq(&reg.province_code))
            .filter(worker::Column::Id.eq(reg.worker_id))
            .one(&*txn)
            .await?
            .filter(|w| w.status == WorkerStatus::Active.as_str()),
        None => None,
    };
    let w = match serving {
        Some(w) => {
            if !access.scope.allows_region(&w.region_code) {
                return Err(conflict("id_number_active_elsewhere", "status", crate::workers::ACTIVE_ELSEWHERE));
            }
            crate::workers::records::appointment_in(&txn, access, w.id, appointment, true).await?
        }
        None => {
            let new = shegong_domain::worker::NewWorker {
                name: shegong_domain::person::PersonName::parse(&a.name).map_err(StoreError::invalid)?,
                gender: id_number.gender(),
                birth_date: id_number.birth_date(),
                id_number,
                ethnicity: "01".into(),
                political_status: "13".into(),
                phone: shegong_domain::person::Phone::parse(&a.phone).ok(),
                address: None,
                appointment,
                education: Some(education),
                certificate,
            };
            crate::workers::create_in(&txn, access, new).await?
        }
    };
    let term = term_of(start);
    crate::workers::records::agreement_in(
        &txn,
        access,
        w.id,
        AgreementFields {
            number: None,
            term: term.label,
            start_date: start,
            end_date: term.end,
            signed_on: Some(start),
        },
    )
    .await?;
    app::Entity::update_many()
        .col_expr(app::Column::Status, Expr::value(ApplicationStatus::Hired.as_str()))
        .col_expr(app::Column::WorkerId, Expr::value(w.id))
        .col_expr(app::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(app::Column::ProvinceCode.eq(&a.province_code))
        .filter(app::Column::Id.eq(a.id))
        .exec(&*txn)
        .await?;
    crate::audit::entry(&access.actor, "recruitment.hire", &p.community_code)
        .target(w.id)
        .detail(a.name.clone())
        .save(&*txn)
        .await?;
    txn.commit().await?;
    Ok(super::review::get(db, access, round_id, id).await?.1)
}
