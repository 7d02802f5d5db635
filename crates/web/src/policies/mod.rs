//! Policies as data (政策): versioned TOML files an administrator uploads and applies to a region,
//! reference wages, and staffing against the norm.

pub(crate) mod api;
pub(crate) mod form;
mod pages;
pub(crate) mod staffing;

use crate::state::AppState;
use axum::Router;
use axum::routing::{get, post};
use utoipa_axum::{router::OpenApiRouter, routes};

/// The pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/policies", get(pages::policies_page))
        .route("/policies/apply", post(pages::apply_policy))
        .route("/policies/wages", post(pages::set_wage))
        .route("/policies/upload", post(pages::upload_policy))
        .route("/policies/{name}", get(pages::policy_page))
        .route("/policies/{name}/edit", get(form::edit_page).post(form::save))
        .route("/staffing", get(staffing::staffing_page))
}

/// Routes under `/api/v1`, each with its OpenAPI description (`#[utoipa::path]` on the handler).
pub fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::list_policies, api::upload_policy))
        .routes(routes!(api::check_policy))
        .routes(routes!(api::get_policy))
        .routes(routes!(api::region_policy, api::apply_policy))
        .routes(routes!(api::set_wage))
        .routes(routes!(api::region_staffing))
}
