//! `/jobs/check`: the self-check as a public page, made for a phone — the applicant types their
//! facts, the page answers line by line. Nothing is kept, so the form needs no session.

use crate::error::AppError;
use crate::page::PageResult;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse};
use serde::Deserialize;
use shegong_domain::recruitment::Eligibility;
use shegong_domain::worker::CertificateLevel;
use shegong_store::StoreError;
use shegong_store::recruitment::{self, SelfCheck};

#[derive(Template)]
#[template(path = "recruitment/check.html")]
struct CheckPage {
    form: CheckForm,
    errors: Vec<String>,
    result: Option<Eligibility>,
    certificates: Vec<(String, String)>,
    educations: Vec<(String, String)>,
}

/// The form as typed (kept when it comes back).
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub(crate) struct CheckForm {
    region: String,
    reference_date: String,
    birth_date: String,
    education: String,
    certificate: String,
    major: String,
    veteran: Option<String>,
    current_worker: Option<String>,
}

fn render(form: CheckForm, errors: Vec<String>, result: Option<Eligibility>, status: StatusCode) -> PageResult {
    let page = CheckPage {
        form,
        errors,
        result,
        certificates: CertificateLevel::ALL.iter().map(|c| (c.as_str().to_string(), c.label().to_string())).collect(),
        educations: [
            ("11", "博士研究生"),
            ("14", "硕士研究生"),
            ("21", "大学本科"),
            ("31", "大学专科"),
            ("41", "中等专科"),
            ("61", "普通高中"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect(),
    };
    let body = page.render().map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    Ok((status, Html(body)).into_response())
}

/// `GET /jobs/check?region=`.
pub(crate) async fn page(axum::extract::Query(f): axum::extract::Query<CheckForm>) -> PageResult {
    let form = CheckForm { region: f.region, reference_date: f.reference_date, ..Default::default() };
    render(form, vec![], None, StatusCode::OK)
}

/// `POST /jobs/check`: the answer under the form.
pub(crate) async fn check(State(st): State<AppState>, Form(f): Form<CheckForm>) -> PageResult {
    let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let input = SelfCheck {
        region: f.region.clone(),
        reference_date: opt(&f.reference_date),
        birth_date: f.birth_date.clone(),
        education: f.education.clone(),
        certificate: opt(&f.certificate),
        major: opt(&f.major),
        veteran: f.veteran.is_some(),
        current_worker: f.current_worker.is_some(),
    };
    match recruitment::self_check(&st.db, &input, crate::clock::today()).await {
        Ok(e) => render(f, vec![], Some(e), StatusCode::OK),
        Err(StoreError::Invalid(errors)) => {
            render(f, errors.into_iter().map(|e| e.message).collect(), None, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e) => Err(AppError::from(e).into()),
    }
}
