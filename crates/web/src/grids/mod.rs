//! Grids (网格): the coverage of a region's grids, each grid's 网格员, 包格两委, 联户长 and party
//! group with their history, and the roster in and out of Excel.

pub(crate) mod api;
pub(crate) mod file;
pub(crate) mod grid;
pub(crate) mod pages;

use crate::state::AppState;
use axum::Router;
use axum::routing::{get, post};
use utoipa_axum::{router::OpenApiRouter, routes};

/// The pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/grids", get(pages::grids_page))
        .route("/grids/roster.xlsx", get(file::export))
        .route(
            "/grids/import",
            post(file::import_page).layer(axum::extract::DefaultBodyLimit::max(crate::imports::api::MAX_UPLOAD)),
        )
        .route("/grids/{code}", get(grid::grid_page))
        .route("/grids/{code}/duties", post(grid::add_duty))
        .route("/grids/duties/{id}/end", post(grid::end_duty))
}

/// Routes under `/api/v1`, each with its OpenAPI description.
pub fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::coverage))
        .routes(routes!(api::grid))
        .routes(routes!(api::add_duty))
        .routes(routes!(api::end_duty))
        // A roster file may be as large as the file limit (axum's default body limit is 2 MB).
        .merge(
            OpenApiRouter::new()
                .routes(routes!(api::import))
                .layer(axum::extract::DefaultBodyLimit::max(crate::imports::api::MAX_UPLOAD)),
        )
}
