//! Statistics (统计): the figures leaders ask for, for any region and date, compared and as a trend;
//! as a page with charts, as JSON and as Excel.

pub(crate) mod api;
pub(crate) mod page;
pub(crate) mod query;
pub(crate) mod xlsx;

use crate::state::AppState;
use axum::Router;
use axum::routing::get;
use utoipa_axum::{router::OpenApiRouter, routes};

/// The pages.
pub fn routes() -> Router<AppState> {
    Router::new().route("/stats", get(page::stats_page))
}

/// Routes under `/api/v1`, each with its OpenAPI description (`#[utoipa::path]` on the handler).
pub fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::api_stats))
        .routes(routes!(xlsx::api_stats_xlsx))
        .routes(routes!(api::api_trend))
}
