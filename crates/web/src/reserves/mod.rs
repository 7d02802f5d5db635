//! The reserve pool (后备人才): people a community could appoint, and the coverage of its posts.

pub(crate) mod api;
pub(crate) mod pages;

use crate::state::AppState;
use axum::Router;
use axum::routing::{get, post};
use utoipa_axum::{router::OpenApiRouter, routes};

/// The pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/reserves", get(pages::reserves_page).post(pages::add_reserve))
        .route("/reserves/{id}/remove", post(pages::remove_reserve))
}

/// Routes under `/api/v1`, each with its OpenAPI description (`#[utoipa::path]` on the handler).
pub fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::list_reserves, api::add_reserve))
        .routes(routes!(api::reserve_coverage))
        .routes(routes!(api::remove_reserve))
}
