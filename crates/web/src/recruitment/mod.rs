//! 招聘: open recruitment (逢进必考). So far the self-check anyone may run before applying — by the
//! rules of the region's policy in force — as JSON and as a public page for a phone.

pub(crate) mod api;
pub(crate) mod check;

use crate::state::AppState;
use axum::Router;
use axum::routing::get;
use utoipa_axum::{router::OpenApiRouter, routes};

/// The pages.
pub fn routes() -> Router<AppState> {
    Router::new().route("/jobs/check", get(check::page).post(check::check))
}

/// Routes under `/api/v1`, each with its OpenAPI description (`#[utoipa::path]` on the handler).
pub fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(api::eligibility))
}
