//! Yearly assessment (年度考核): rounds organised by a street, scores, grades under the policy's
//! thresholds and cap, publication to the archives, amendments; a worker's grades and rewards.

pub(crate) mod api;
pub(crate) mod grid;
pub(crate) mod pages;
pub(crate) mod round;
pub(crate) mod rounds_api;
pub(crate) mod routine;
pub(crate) mod worker;

use crate::state::AppState;
use axum::Router;
use axum::routing::{get, post};
use utoipa_axum::{router::OpenApiRouter, routes};

/// The pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/workers/{id}/assessments", post(worker::add_assessment))
        .route("/workers/{id}/rewards", post(worker::add_reward))
        .route("/workers/{id}/amend", post(worker::amend_grade))
        .route("/assessments", get(pages::rounds_page).post(pages::create_round))
        .route("/assessments/{id}", get(round::round_page))
        .route("/assessments/{id}/scores", post(grid::save_all))
        .route(
            "/assessments/{id}/scores/import",
            post(grid::import_scores).layer(axum::extract::DefaultBodyLimit::max(crate::imports::api::MAX_UPLOAD)),
        )
        .route("/assessments/{id}/score", post(pages::score_round))
        .route("/assessments/{id}/grade", post(pages::set_grade))
        .route("/assessments/{id}/reopen", post(pages::reopen_round))
        .route("/assessments/{id}/publish", post(pages::publish_round))
        .route("/assessments/{id}/routine/adopt", post(routine::adopt_page))
        .route("/assessments/{id}/routine/reason", post(routine::reason_page))
}

/// Routes under `/api/v1`, each with its OpenAPI description (`#[utoipa::path]` on the handler).
pub fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::list_assessments, api::add_assessment))
        .routes(routes!(api::list_rewards, api::add_reward))
        .routes(routes!(rounds_api::amend_grade))
        .routes(routes!(rounds_api::list_rounds, rounds_api::create_round))
        .routes(routes!(rounds_api::get_round))
        .routes(routes!(rounds_api::save_scores))
        .routes(routes!(rounds_api::score_round))
        .routes(routes!(rounds_api::set_round_grade))
        .routes(routes!(rounds_api::publish_round))
        .routes(routes!(routine::adopt))
        .routes(routes!(routine::reason))
}
