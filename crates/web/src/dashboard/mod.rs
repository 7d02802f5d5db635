//! The dashboard: the home page, a region's page with its children, the alerts.

pub(crate) mod api;
pub(crate) mod home;
pub(crate) mod region;
pub(crate) mod views;

use crate::state::AppState;
use axum::Router;
use axum::routing::get;
use utoipa_axum::{router::OpenApiRouter, routes};

/// The pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::home))
        .route("/regions/{code}", get(region::region_page))
        .route("/regions/{code}/children.xlsx", get(region::region_children_xlsx))
}

/// Routes under `/api/v1`, each with its OpenAPI description (`#[utoipa::path]` on the handler).
pub fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(api::suggest_regions)).routes(routes!(api::region)).routes(routes!(api::alerts))
}
