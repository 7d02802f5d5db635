//! The dashboard: the home page, a region's page with its children, the alerts.

pub(crate) mod api;
pub(crate) mod home;
pub(crate) mod region;
pub(crate) mod views;

use crate::state::AppState;
use axum::Router;
use axum::routing::get;

/// The pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::home))
        .route("/regions/{code}", get(region::region_page))
        .route("/regions/{code}/children.xlsx", get(region::region_children_xlsx))
}

/// The OpenAPI description of [`api_routes`], generated from the handlers.
#[derive(utoipa::OpenApi)]
#[openapi(paths(api::region, api::alerts))]
pub struct Api;

/// Routes under `/api/v1`.
pub fn api_routes() -> Router<AppState> {
    Router::new()
        .route("/regions/{code}", get(api::region))
        .route("/alerts", get(api::alerts))
}
