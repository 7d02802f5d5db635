//! The electronic archive (电子档案): the worker list, registration, one worker's archive with its
//! records, exit and corrections — pages, JSON and Excel.

pub(crate) mod api;
pub(crate) mod export;
pub(crate) mod form;
pub(crate) mod list;
pub(crate) mod records;
pub(crate) mod tabs;
pub(crate) mod views;
pub(crate) mod worker;

use crate::state::AppState;
use axum::Router;
use axum::routing::{get, post};

/// The pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/workers", get(list::workers_page))
        .route("/workers.xlsx", get(list::workers_export))
        .route("/workers/new", get(form::new_worker_page).post(form::create_worker))
        .route("/workers/{id}", get(worker::worker_page))
        .route(
            "/workers/{id}/edit",
            get(form::edit_worker_page).post(form::update_worker),
        )
        .route("/workers/{id}/educations", post(records::add_education))
        .route("/workers/{id}/certificates", post(records::add_certificate))
        .route("/workers/{id}/appointments", post(records::add_appointment))
        .route("/workers/{id}/agreements", post(records::add_agreement))
        .route("/workers/{id}/exit", post(records::exit_worker))
        .route("/workers/{id}/corrections", post(records::request_correction))
        .route(
            "/workers/{id}/corrections/{cid}/resolve",
            post(records::resolve_correction),
        )
}

/// The OpenAPI description of [`api_routes`], generated from the handlers.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    api::list_workers,
    api::create_worker,
    api::export_workers,
    api::get_worker,
    api::patch_worker,
    api::worker_history,
    api::add_appointment,
    api::add_education,
    api::add_certificate,
    api::add_agreement,
    api::exit_worker,
    api::request_correction,
    api::resolve_correction
))]
pub struct Api;

/// Routes under `/api/v1`.
pub fn api_routes() -> Router<AppState> {
    Router::new()
        .route("/workers", get(api::list_workers).post(api::create_worker))
        .route("/workers.xlsx", get(api::export_workers))
        .route("/workers/{id}", get(api::get_worker).patch(api::patch_worker))
        .route("/workers/{id}/history", get(api::worker_history))
        .route("/workers/{id}/appointments", post(api::add_appointment))
        .route("/workers/{id}/educations", post(api::add_education))
        .route("/workers/{id}/certificates", post(api::add_certificate))
        .route("/workers/{id}/agreements", post(api::add_agreement))
        .route("/workers/{id}/exit", post(api::exit_worker))
        .route("/workers/{id}/corrections", post(api::request_correction))
        .route("/workers/{id}/corrections/{cid}/resolve", post(api::resolve_correction))
}
