//! 招聘: open recruitment (逢进必考). A county draws up a round (the plan with its posts, capped by
//! each community's staffing norm), another of its administrators approves it, and it is published
//! as a public announcement; anyone may check themselves against the region's rules before applying.

pub(crate) mod api;
pub(crate) mod check;
pub(crate) mod jobs;
pub(crate) mod pages;
pub(crate) mod rounds;
pub(crate) mod views;

use crate::state::AppState;
use axum::Router;
use axum::routing::{get, post};
use utoipa_axum::{router::OpenApiRouter, routes};

/// The pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/jobs", get(jobs::list))
        .route("/jobs/check", get(check::page).post(check::check))
        .route("/jobs/{id}", get(jobs::job))
        .route("/recruitment", get(pages::list_page).post(pages::create))
        .route("/recruitment/{id}", get(pages::round_page))
        .route("/recruitment/{id}/posts", post(pages::add_post))
        .route("/recruitment/{id}/approve", post(pages::approve))
        .route("/recruitment/{id}/publish", post(pages::publish))
        .route("/recruitment/{id}/close", post(pages::close))
        .route("/recruitment/{id}/posts/{post_id}/remove", post(pages::remove_post))
}

/// Routes under `/api/v1`, each with its OpenAPI description (`#[utoipa::path]` on the handler).
pub fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::eligibility))
        .routes(routes!(rounds::list_rounds, rounds::create_round))
        .routes(routes!(rounds::get_round))
        .routes(routes!(rounds::add_post))
        .routes(routes!(rounds::approve_round))
        .routes(routes!(rounds::publish_round))
        .routes(routes!(rounds::close_round))
        .routes(routes!(rounds::remove_post))
}
