//! Yearly assessment (年度考核): rounds organised by a street, scores, grades under the policy's
//! thresholds and cap, publication to the archives, amendments; a worker's grades and rewards.

pub(crate) mod api;
pub(crate) mod pages;
pub(crate) mod rounds_api;
pub(crate) mod worker;

use crate::state::AppState;
use axum::Router;
use axum::routing::{get, post, put};

/// The pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/workers/{id}/assessments", post(worker::add_assessment))
        .route("/workers/{id}/rewards", post(worker::add_reward))
        .route("/workers/{id}/amend", post(worker::amend_grade))
        .route("/assessments", get(pages::rounds_page).post(pages::create_round))
        .route("/assessments/{id}", get(pages::round_page))
        .route("/assessments/{id}/scores", post(pages::save_scores))
        .route("/assessments/{id}/score", post(pages::score_round))
        .route("/assessments/{id}/grade", post(pages::set_grade))
        .route("/assessments/{id}/publish", post(pages::publish_round))
}

/// The OpenAPI description of [`api_routes`], generated from the handlers.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    api::add_assessment,
    api::list_assessments,
    api::add_reward,
    api::list_rewards,
    rounds_api::amend_grade,
    rounds_api::create_round,
    rounds_api::list_rounds,
    rounds_api::get_round,
    rounds_api::save_scores,
    rounds_api::score_round,
    rounds_api::set_round_grade,
    rounds_api::publish_round
))]
pub struct Api;

/// Routes under `/api/v1`.
pub fn api_routes() -> Router<AppState> {
    Router::new()
        .route(
            "/workers/{id}/assessments",
            get(api::list_assessments).post(api::add_assessment),
        )
        .route("/workers/{id}/rewards", get(api::list_rewards).post(api::add_reward))
        .route("/workers/{id}/assessments/{year}/amend", post(rounds_api::amend_grade))
        .route(
            "/assessment-rounds",
            get(rounds_api::list_rounds).post(rounds_api::create_round),
        )
        .route("/assessment-rounds/{id}", get(rounds_api::get_round))
        .route("/assessment-rounds/{id}/scores", put(rounds_api::save_scores))
        .route("/assessment-rounds/{id}/score", post(rounds_api::score_round))
        .route("/assessment-rounds/{id}/grades", post(rounds_api::set_round_grade))
        .route("/assessment-rounds/{id}/publish", post(rounds_api::publish_round))
}
