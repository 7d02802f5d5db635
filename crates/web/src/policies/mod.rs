//! Policies as data (政策): versioned TOML files an administrator uploads and applies to a region,
//! reference wages, and staffing against the norm.

pub(crate) mod api;
pub(crate) mod pages;
pub(crate) mod staffing;

use crate::state::AppState;
use axum::Router;
use axum::routing::{get, post};

/// The pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/policies", get(pages::policies_page))
        .route("/policies/apply", post(pages::apply_policy))
        .route("/policies/wages", post(pages::set_wage))
        .route("/policies/upload", post(pages::upload_policy))
        .route("/policies/{name}", get(pages::policy_page))
        .route("/staffing", get(staffing::staffing_page))
}

/// The OpenAPI description of [`api_routes`], generated from the handlers.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    api::list_policies,
    api::upload_policy,
    api::check_policy,
    api::get_policy,
    api::region_policy,
    api::apply_policy,
    api::set_wage,
    api::region_staffing
))]
pub struct Api;

/// Routes under `/api/v1`.
pub fn api_routes() -> Router<AppState> {
    Router::new()
        .route("/policies", get(api::list_policies).post(api::upload_policy))
        .route("/policies/check", post(api::check_policy))
        .route("/policies/{name}", get(api::get_policy))
        .route(
            "/regions/{code}/policy",
            get(api::region_policy).post(api::apply_policy),
        )
        .route("/regions/{code}/reference-wages", post(api::set_wage))
        .route("/regions/{code}/staffing", get(api::region_staffing))
}
