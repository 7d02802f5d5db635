//! Applications as the API and the pages show them: named posts, labels, scores in points, the
//! decisions with their reasons.

use serde::Serialize;
use shegong_domain::codes::EDUCATION;
use shegong_domain::recruitment::points_text;
use shegong_domain::status::{ApplicationStatus, Status};
use shegong_domain::worker::CertificateLevel;
use shegong_store::entity::application as app;
use uuid::Uuid;

/// An application (报名).
#[derive(Serialize, utoipa::ToSchema)]
pub struct JobApplicationView {
    pub id: Uuid,
    pub round_id: Uuid,
    pub round_title: String,
    pub post_id: Uuid,
    /// 报考岗位：社区 · 岗位名称
    pub post: String,
    pub name: String,
    /// 身份证号码（本人可见全号；工作人员列表中隐去中间位）
    pub id_number: String,
    pub gender: String,
    pub birth_date: chrono::NaiveDate,
    pub phone: String,
    pub education_code: String,
    pub education: String,
    pub school: String,
    pub major: String,
    pub graduated_on: Option<chrono::NaiveDate>,
    /// junior、intermediate、senior
    pub certificate: Option<String>,
    pub certificate_label: Option<String>,
    pub work_history: String,
    pub veteran: bool,
    pub current_worker: bool,
    /// 已确认不存在的报名禁止情形
    pub declared: Vec<String>,
    /// 提交时的资格判断，逐条
    pub explanation: Vec<String>,
    /// submitted、qualified、refused、hired
    pub status: String,
    pub status_label: String,
    /// 资格审查不通过的理由
    pub review_reason: Option<String>,
    pub ticket: Option<String>,
    pub room: Option<String>,
    pub seat: Option<i32>,
    /// 笔试成绩（分）；缺考或未录入为空
    pub written: Option<String>,
    /// 加分（分）
    pub bonus: String,
    /// 面试成绩（分）
    pub interview: Option<String>,
    /// 体检：pass / fail
    pub medical: Option<String>,
    pub medical_reason: Option<String>,
    /// 考察：pass / fail
    pub vetting: Option<String>,
    pub vetting_reason: Option<String>,
    /// 聘用后所在的档案
    pub worker_id: Option<Uuid>,
    pub submitted_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// Hundredths as points (`8550` → `85.5`); 缺考 for one recorded absent.
pub(crate) fn points(h: Option<i32>) -> Option<String> {
    match h {
        Some(h) if h < 0 => Some("缺考".into()),
        h => h.and_then(|h| u32::try_from(h).ok()).map(points_text),
    }
}

/// A file's size as people read it (`512 字节`, `38.5 KB`, `2.1 MB`).
pub(crate) fn size_text(bytes: &i32) -> String {
    let b = f64::from(*bytes);
    match *bytes {
        n if n < 1024 => format!("{n} 字节"),
        n if n < 1024 * 1024 => format!("{:.1} KB", b / 1024.0),
        _ => format!("{:.1} MB", b / 1024.0 / 1024.0),
    }
}

/// 合格 / 不合格 of a 体检 or 考察 result.
pub(crate) fn passed_label(s: Option<&str>) -> &'static str {
    match s {
        Some("pass") => "合格",
        Some("fail") => "不合格",
        _ => "",
    }
}

/// An application as shown; `full_id` for the applicant themselves.
pub(crate) fn view(a: &app::Model, round_title: &str, post: &str, full_id: bool) -> JobApplicationView {
    JobApplicationView {
        id: a.id,
        round_id: a.round_id,
        round_title: round_title.to_string(),
        post_id: a.post_id,
        post: post.to_string(),
        name: a.name.clone(),
        id_number: if full_id { a.id_number.clone() } else { shegong_domain::id_number::mask(&a.id_number) },
        gender: if a.gender == "male" { "男" } else { "女" }.into(),
        birth_date: a.birth_date,
        phone: a.phone.clone(),
        education_code: a.education_code.clone(),
        education: EDUCATION.name(&a.education_code).unwrap_or("").to_string(),
        school: a.school.clone(),
        major: a.major.clone(),
        graduated_on: a.graduated_on,
        certificate_label: a
            .certificate
            .as_deref()
            .and_then(|c| CertificateLevel::parse(c).ok())
            .map(|c| c.label().into()),
        certificate: a.certificate.clone(),
        work_history: a.work_history.clone(),
        veteran: a.veteran,
        current_worker: a.current_worker,
        declared: a.declared.lines().map(String::from).collect(),
        explanation: a.explanation.lines().map(String::from).collect(),
        status_label: ApplicationStatus::label_of(&a.status).to_string(),
        status: a.status.clone(),
        review_reason: a.review_reason.clone(),
        ticket: a.ticket.clone(),
        room: a.room.clone(),
        seat: a.seat,
        written: points(a.written),
        bonus: points(Some(a.bonus)).unwrap_or_else(|| "0".into()),
        interview: points(a.interview),
        medical: a.medical.clone(),
        medical_reason: a.medical_reason.clone(),
        vetting: a.vetting.clone(),
        vetting_reason: a.vetting_reason.clone(),
        worker_id: a.worker_id,
        submitted_at: a.submitted_at,
        updated_at: a.updated_at,
    }
}
