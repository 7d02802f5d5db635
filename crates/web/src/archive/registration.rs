//! The 社区工作者登记表: one A4 page per worker — identity, photo box, 简历 (appointments), 学历,
//! 证书, 考核, 奖惩 and signature lines — printed from the browser (`/workers/{id}/registration-form`)
//! or downloaded as a PDF set in an embedded CJK font (`/workers/{id}/registration-form.pdf`).
use crate::archive::registration_pdf::{self, FormText};
use crate::archive::tabs::{self, AppointmentRow, CertificateRow, EducationRow, RewardRow};
use crate::archive::views::{WorkerDetail, worker_detail};
use crate::auth::Caller;
use crate::clock::today;
use crate::error::{AppError, PageError};
use crate::page::{PageResult, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::IntoResponse;
use shegong_domain::Permission;
use shegong_store::{audit, workers};
use uuid::Uuid;

/// What the form shows, for the page and the PDF alike.
#[derive(Template)]
#[template(path = "archive/registration.html")]
pub(crate) struct RegistrationForm {
    pub w: WorkerDetail,
    /// The ID number as printed: whole for those who may see it (the view is logged), else masked.
    pub id_number: String,
    pub educations: Vec<EducationRow>,
    pub certificates: Vec<CertificateRow>,
    pub appointments: Vec<AppointmentRow>,
    pub rewards: Vec<RewardRow>,
    pub printed: String,
    pub has_photo: bool,
}

async fn load(st: &AppState, caller: &Caller, id: Uuid, what: &str) -> Result<RegistrationForm, PageError> {
    let today = today();
    let a = workers::archive(&st.db, &caller.scope, id, today).await?;
    let grades = shegong_store::career::grades(&st.db, &caller.scope, id).await?;
    let full = caller.role.may(Permission::ViewFullIdNumber);
    if full {
        audit::full_id_viewed(&st.db, &caller.actor, &a.worker.region_code, id, what).await?;
    }
    let id_number =
        if full { a.worker.id_number.clone() } else { shegong_domain::id_number::mask(&a.worker.id_number) };
    Ok(RegistrationForm {
        educations: tabs::educations(&a),
        certificates: tabs::certificates(&a),
        appointments: tabs::appointments(&a)?,
        rewards: tabs::rewards(st, caller, id).await?,
        w: worker_detail(&a, &grades, false, today),
        id_number,
        printed: today.format("%Y年%m月%d日").to_string(),
        has_photo: workers::attachments::photo(&st.db, &caller.scope, id).await?.is_some(),
    })
}

pub(crate) async fn registration_form(State(st): State<AppState>, caller: Caller, Path(id): Path<Uuid>) -> PageResult {
    render(load(&st, &caller, id, "registration-form").await?)
}

/// `GET /workers/{id}/registration-form.pdf`: the same form as a one-page A4 PDF (more pages only
/// when the record is longer than one), the photo placed, the font embedded.
pub(crate) async fn registration_pdf(State(st): State<AppState>, caller: Caller, Path(id): Path<Uuid>) -> PageResult {
    let font = crate::pdf::font(st.settings.pdf_font.as_deref())?;
    let form = load(&st, &caller, id, "registration-form-pdf").await?;
    let photo = workers::attachments::photo(&st.db, &caller.scope, id).await?;
    let text = FormText::of(&form);
    let name = text.name.clone();
    let title = format!("社区工作者登记表 - {name}");
    let _turn = crate::pdf::RENDERING.acquire().await.map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    let bytes = tokio::task::spawn_blocking(move || {
        let image = photo.and_then(|p| crate::pdf::decode(p.bytes, p.content_type == "image/png"));
        let pages = registration_pdf::layout(&font, &text, image.is_some());
        match crate::pdf::render(&font, &pages, image.as_ref(), &title) {
            // A photo whose data is broken past its header shows only when it is decoded, at the
            // end: the form is made again with the photo box empty rather than not at all.
            Err(e) if image.is_some() => {
                tracing::warn!(error = ?e, "registration form photo does not decode; left out");
                crate::pdf::render(&font, &registration_pdf::layout(&font, &text, false), None, &title)
            }
            r => r,
        }
    })
    .await
    .map_err(|e| AppError::Internal(anyhow::anyhow!(e)))??;
    let file = format!("社区工作者登记表-{name}.pdf");
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (header::CONTENT_DISPOSITION, crate::xlsx::disposition("registration-form.pdf", &file)),
        ],
        bytes,
    )
        .into_response())
}

impl FormText {
    pub(crate) fn of(f: &RegistrationForm) -> Self {
        let item = &f.w.item;
        let grades: Vec<String> = f.w.assessments.iter().map(|a| format!("{}年 {}", a.year, a.grade_label)).collect();
        Self {
            community: item.community_name.clone(),
            printed: f.printed.clone(),
            name: item.name.clone(),
            gender: item.gender_label.clone(),
            birth: item.birth_date.format("%Y.%m").to_string(),
            ethnicity: f.w.ethnicity_label.clone(),
            political: item.political_status_label.clone(),
            education: item.education_label.clone(),
            id_number: f.id_number.clone(),
            phone: f.w.phone.clone().unwrap_or_default(),
            post_category: item.post_category_label.clone(),
            title: format!("{}{}", item.title, if item.two_committees { "（两委）" } else { "" }),
            certificate: item.certificate_label.clone(),
            started: item.service_start.map(|d| d.format("%Y年%m月").to_string()).unwrap_or_default(),
            full_time: item.full_time,
            address: f.w.address.clone().unwrap_or_default(),
            sections: vec![
                (
                    "简历",
                    f.appointments
                        .iter()
                        .map(|a| {
                            let reason =
                                if a.end_reason.is_empty() { String::new() } else { format!("（{}）", a.end_reason) };
                            (
                                format!("{} — {}", a.start, a.end),
                                format!("{} {} {}{reason}", a.community, a.post_category, a.title),
                            )
                        })
                        .collect(),
                ),
                (
                    "学历",
                    f.educations
                        .iter()
                        .map(|e| (e.graduated.clone(), format!("{} {} {}", e.school, e.major, e.level)))
                        .collect(),
                ),
                (
                    "证书",
                    f.certificates
                        .iter()
                        .map(|c| {
                            // "社会工作师 社会工作师": the level only when the name does not say it.
                            let level = if c.name.contains(&c.level) { "" } else { c.level.as_str() };
                            (
                                c.issued.clone(),
                                [c.name.as_str(), level, c.number.as_str()]
                                    .iter()
                                    .filter(|x| !x.is_empty())
                                    .copied()
                                    .collect::<Vec<_>>()
                                    .join(" "),
                            )
                        })
                        .collect(),
                ),
                ("年度考核", if grades.is_empty() { vec![] } else { vec![(String::new(), grades.join("；"))] }),
                (
                    "奖惩",
                    f.rewards
                        .iter()
                        .map(|r| (r.date.clone(), format!("{} {}（{}）", r.kind, r.title, r.issuer)))
                        .collect(),
                ),
            ],
        }
    }
}
