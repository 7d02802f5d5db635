//! Statistics (统计): the figures leaders ask for, for any region and date, compared and as a trend;
//! as a page with charts, as JSON and as Excel.

pub(crate) mod api;
pub(crate) mod page;
pub(crate) mod query;
pub(crate) mod xlsx;

use crate::state::AppState;
use axum::Router;
use axum::routing::get;

/// The pages.
pub fn routes() -> Router<AppState> {
    Router::new().route("/stats", get(page::stats_page))
}

/// The OpenAPI description of [`api_routes`], generated from the handlers.
#[derive(utoipa::OpenApi)]
#[openapi(paths(api::api_stats, api::api_trend, xlsx::api_stats_xlsx))]
pub struct Api;

/// Routes under `/api/v1`.
pub fn api_routes() -> Router<AppState> {
    Router::new()
        .route("/stats", get(api::api_stats))
        .route("/stats.xlsx", get(xlsx::api_stats_xlsx))
        .route("/stats/trend", get(api::api_trend))
}
