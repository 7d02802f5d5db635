//! Training (培训): courses, enrolment, results and credit hours, who is short of the yearly hours.

pub(crate) mod api;
pub(crate) mod export;
pub(crate) mod pages;

use crate::state::AppState;
use axum::Router;
use axum::routing::{get, post, put};

/// The pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/trainings", get(pages::trainings_page).post(pages::create_training))
        .route("/trainings.xlsx", get(pages::trainings_xlsx))
        .route("/trainings/{id}/enrol", post(pages::enrol_training))
        .route("/training/overdue", get(pages::overdue_page))
}

/// The OpenAPI description of [`api_routes`], generated from the handlers.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    api::create_training,
    api::list_trainings,
    api::enrol_training,
    api::set_training_result,
    api::training_overdue,
    api::training_overdue_xlsx
))]
pub struct Api;

/// Routes under `/api/v1`.
pub fn api_routes() -> Router<AppState> {
    Router::new()
        .route("/trainings", get(api::list_trainings).post(api::create_training))
        .route("/trainings/{id}/enrol", post(api::enrol_training))
        .route("/trainings/{id}/records/{worker_id}", put(api::set_training_result))
        .route("/training/overdue", get(api::training_overdue))
        .route("/training/overdue.xlsx", get(api::training_overdue_xlsx))
}
