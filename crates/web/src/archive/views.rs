//! How a worker is shown: list rows and the archive's detail, with names for codes.

use chrono::NaiveDate;
use serde::Serialize;
use shegong_domain::codes::{EDUCATION, ETHNICITY, POLITICAL_STATUS};
use shegong_domain::id_number::mask;
use shegong_domain::person::Gender;
use shegong_domain::worker::{CertificateLevel, WorkerStatus, post_category_label, years_between};
use shegong_store::entity::{worker, worker_change};
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WorkerItem {
    pub id: Uuid,
    pub name: String,
    /// Masked: `330481************`.
    pub id_number: String,
    pub gender: String,
    pub gender_label: String,
    pub birth_date: NaiveDate,
    pub age: i32,
    pub community_code: String,
    pub community_name: String,
    pub post_category: String,
    pub post_category_label: String,
    pub title: String,
    pub two_committees: bool,
    pub full_time: bool,
    pub party_building: bool,
    pub education_code: Option<String>,
    pub education_label: String,
    pub certificate_level: Option<String>,
    pub certificate_label: String,
    pub status: String,
    pub status_label: String,
    pub service_start: Option<NaiveDate>,
    pub political_status_label: String,
}

pub fn worker_item(w: &worker::Model, names: &HashMap<String, String>, today: NaiveDate) -> WorkerItem {
    WorkerItem {
        id: w.id,
        name: w.name.clone(),
        id_number: mask(&w.id_number),
        gender: w.gender.clone(),
        gender_label: Gender::from_code(&w.gender).map_or("", Gender::label).to_string(),
        birth_date: w.birth_date,
        age: years_between(w.birth_date, today),
        community_code: w.region_code.clone(),
        community_name: names.get(&w.region_code).cloned().unwrap_or_default(),
        post_category: w.post_category.clone(),
        post_category_label: post_category_label(&w.post_category).to_string(),
        title: w.title.clone(),
        two_committees: w.two_committees,
        full_time: w.full_time,
        party_building: w.party_building,
        education_code: w.highest_education.clone(),
        education_label: w.highest_education.as_deref().and_then(|c| EDUCATION.name(c)).unwrap_or("").to_string(),
        certificate_level: w.certificate_level.clone(),
        certificate_label: cert_label(w.certificate_level.as_deref()),
        status: w.status.clone(),
        status_label: WorkerStatus::parse(&w.status).map_or("", WorkerStatus::label).to_string(),
        service_start: w.service_start,
        political_status_label: POLITICAL_STATUS.name(&w.political_status).unwrap_or("").to_string(),
    }
}

pub fn cert_label(level: Option<&str>) -> String {
    level.and_then(|l| CertificateLevel::parse(l).ok()).map_or("无".to_string(), |l| l.label().to_string())
}

/// The detail view: the list fields plus what only the detail shows.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WorkerDetail {
    #[serde(flatten)]
    pub item: WorkerItem,
    /// Full for admins and auditors (each view audited), masked otherwise.
    pub id_number_full: Option<String>,
    pub ethnicity: String,
    pub ethnicity_label: String,
    pub political_status: String,
    pub phone: Option<String>,
    pub address: Option<String>,
    /// 开户银行.
    pub bank_name: Option<String>,
    /// The card's last four digits (尾号1234); the whole number only goes to the bank's sheet.
    pub bank_account: Option<String>,
    pub service_years: i64,
    pub exited_on: Option<NaiveDate>,
    pub exit_reason: Option<String>,
    pub appointments: Vec<shegong_store::entity::appointment::Model>,
    pub educations: Vec<shegong_store::entity::education::Model>,
    pub certificates: Vec<shegong_store::entity::certificate::Model>,
    pub agreements: Vec<shegong_store::entity::agreement::Model>,
    /// Published yearly grades, newest first.
    pub assessments: Vec<AssessmentView>,
    /// Raised by the exit rule (不合格 two years running or three in total).
    pub exit_flag: bool,
    /// The rule that raised the flag, when set.
    pub exit_rule: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AssessmentView {
    pub year: i32,
    pub grade: String,
    pub grade_label: String,
    pub recorded_by: String,
}

pub fn assessment_view(a: &shegong_store::entity::assessment::Model) -> AssessmentView {
    AssessmentView {
        year: a.year,
        grade: a.grade.clone(),
        grade_label: shegong_domain::career::Grade::parse(&a.grade).map_or("", |g| g.label()).to_string(),
        recorded_by: a.recorded_by.clone(),
    }
}

pub fn worker_detail(
    a: &shegong_store::workers::Archive,
    grades: &[shegong_store::entity::assessment::Model],
    full_id: bool,
    today: NaiveDate,
) -> WorkerDetail {
    let trigger = (a.worker.status == WorkerStatus::Active.as_str())
        .then(|| shegong_store::career::flag_of(grades, shegong_domain::career::ExitRule::default()))
        .flatten();
    let mut names = HashMap::new();
    names.insert(a.worker.region_code.clone(), a.community_name.clone());
    let w = &a.worker;
    WorkerDetail {
        item: worker_item(w, &names, today),
        id_number_full: full_id.then(|| w.id_number.clone()),
        ethnicity: w.ethnicity.clone(),
        ethnicity_label: ETHNICITY.name(&w.ethnicity).unwrap_or("").to_string(),
        political_status: w.political_status.clone(),
        phone: w.phone.clone(),
        bank_name: w.bank_name.clone(),
        bank_account: w.bank_account.as_deref().map(shegong_domain::person::mask_account),
        address: w.address.clone(),
        service_years: a.service_years,
        exited_on: w.exited_on,
        exit_reason: w.exit_reason.clone(),
        appointments: a.appointments.clone(),
        educations: a.educations.clone(),
        certificates: a.certificates.clone(),
        agreements: a.agreements.clone(),
        assessments: grades.iter().map(assessment_view).collect(),
        exit_flag: trigger.is_some(),
        exit_rule: trigger.map(|t| t.message),
    }
}

/// One change in a worker's history: who changed which field, from what to what.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChangeView {
    pub changed_at: chrono::DateTime<chrono::Utc>,
    pub actor: String,
    pub section: String,
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

pub fn change_view(c: &worker_change::Model) -> ChangeView {
    ChangeView {
        changed_at: c.changed_at,
        actor: c.actor.clone(),
        section: c.section.clone(),
        field: c.field.clone(),
        before: c.before.clone(),
        after: c.after.clone(),
    }
}
