//! Training (培训): courses, enrolment, results and credit hours, who is short of the yearly hours.

pub(crate) mod api;
pub(crate) mod export;
pub(crate) mod pages;
pub(crate) mod roster;

use crate::state::AppState;
use axum::Router;
use axum::routing::{get, post};
use utoipa_axum::{router::OpenApiRouter, routes};

/// The pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/trainings", get(pages::trainings_page).post(pages::create_training))
        .route("/trainings.xlsx", get(pages::trainings_xlsx))
        .route("/trainings/{id}/enrol", post(pages::enrol_training))
        .route("/trainings/{id}", get(roster::course_page))
        .route("/trainings/{id}/people", post(roster::add_person))
        .route("/trainings/{id}/people/{worker_id}", post(roster::set_outcome))
        .route("/trainings/{id}/people/{worker_id}/remove", post(roster::remove_person))
        .route("/training/overdue", get(pages::overdue_page))
}

/// Routes under `/api/v1`, each with its OpenAPI description (`#[utoipa::path]` on the handler).
pub fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::list_trainings, api::create_training))
        .routes(routes!(api::enrol_training))
        .routes(routes!(api::set_training_result))
        .routes(routes!(api::training_overdue))
        .routes(routes!(api::training_overdue_xlsx))
}
