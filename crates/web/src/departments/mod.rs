//! 职能部门: a county's departments that streets hand events to (交办), each with its remit (the
//! event categories it handles) and what it has in hand; kept by the county's administrators.

pub(crate) mod api;
pub(crate) mod pages;

use crate::state::AppState;
use axum::Router;
use axum::routing::get;
use utoipa_axum::{router::OpenApiRouter, routes};

/// The pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/departments", get(pages::list_page).post(pages::add))
        .route("/departments/{id}", get(pages::edit_page).post(pages::update))
}

/// Routes under `/api/v1`, each with its OpenAPI description (`#[utoipa::path]` on the handler).
pub fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::list_departments, api::add_department))
        .routes(routes!(api::update_department))
}
