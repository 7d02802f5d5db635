//! The reserve pool (后备人才): people a community could appoint, and the coverage of its posts.

pub(crate) mod api;
pub(crate) mod pages;

use crate::state::AppState;
use axum::Router;
use axum::routing::{delete, get};

/// The pages.
pub fn routes() -> Router<AppState> {
    Router::new().route("/reserves", get(pages::reserves_page).post(pages::add_reserve))
}

/// The OpenAPI description of [`api_routes`], generated from the handlers.
#[derive(utoipa::OpenApi)]
#[openapi(paths(api::list_reserves, api::add_reserve, api::remove_reserve, api::reserve_coverage))]
pub struct Api;

/// Routes under `/api/v1`.
pub fn api_routes() -> Router<AppState> {
    Router::new()
        .route("/reserves", get(api::list_reserves).post(api::add_reserve))
        .route("/reserves/coverage", get(api::reserve_coverage))
        .route("/reserves/{id}", delete(api::remove_reserve))
}
