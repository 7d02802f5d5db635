//! The electronic archive (电子档案): the worker list, registration, one worker's archive with its
//! records, exit and corrections — pages, JSON and Excel.

pub(crate) mod api;
pub(crate) mod attachments;
pub(crate) mod export;
pub(crate) mod form;
pub(crate) mod list;
pub(crate) mod records;
pub(crate) mod registration;
mod registration_pdf;
pub(crate) mod tabs;
pub(crate) mod views;
pub(crate) mod worker;

use crate::state::AppState;
use axum::Router;
use axum::routing::{get, post};
use utoipa_axum::{router::OpenApiRouter, routes};

/// The pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/workers", get(list::workers_page))
        .route("/workers.xlsx", get(list::workers_export))
        .route("/workers/new", get(form::new_worker_page).post(form::create_worker))
        .route("/workers/{id}", get(worker::worker_page))
        .route("/workers/{id}/registration-form", get(registration::registration_form))
        .route("/workers/{id}/registration-form.pdf", get(registration::registration_pdf))
        .route(
            "/workers/{id}/attachments",
            post(attachments::upload).layer(axum::extract::DefaultBodyLimit::max(attachments::MAX_UPLOAD)),
        )
        .route("/workers/{id}/attachments/{aid}", get(attachments::open))
        .route("/workers/{id}/attachments/{aid}/remove", post(attachments::remove))
        .route("/workers/{id}/photo", get(attachments::photo))
        .route("/workers/{id}/edit", get(form::edit_worker_page).post(form::update_worker))
        .route("/workers/{id}/educations", post(records::add_education))
        .route("/workers/{id}/certificates", post(records::add_certificate))
        .route("/workers/{id}/appointments", post(records::add_appointment))
        .route("/workers/{id}/agreements", post(records::add_agreement))
        .route("/workers/{id}/exit", post(records::exit_worker))
        .route("/workers/{id}/corrections", post(records::request_correction))
        .route("/workers/{id}/corrections/{cid}/resolve", post(records::resolve_correction))
        .route("/workers/{id}/corrections/{cid}/reject", post(records::reject_correction))
}

/// Routes under `/api/v1`, each with its OpenAPI description (`#[utoipa::path]` on the handler).
pub fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::list_workers, api::create_worker))
        .routes(routes!(api::export_workers))
        .routes(routes!(api::suggest_workers))
        .routes(routes!(api::get_worker, api::patch_worker))
        .routes(routes!(api::worker_history))
        .routes(routes!(api::add_appointment))
        .routes(routes!(api::add_education))
        .routes(routes!(api::add_certificate))
        .routes(routes!(api::add_agreement))
        .routes(routes!(api::exit_worker))
        .routes(routes!(api::request_correction))
        .routes(routes!(api::resolve_correction))
        .routes(routes!(api::reject_correction))
}
