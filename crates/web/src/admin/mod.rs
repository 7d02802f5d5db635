//! Administration: users inside the admin's reach, and the audit log.

pub(crate) mod api;
pub(crate) mod audit;
pub(crate) mod users;

use crate::state::AppState;
use axum::Router;
use axum::routing::{get, post};
use utoipa_axum::{router::OpenApiRouter, routes};

/// The pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/users", get(users::users_page).post(users::create_user))
        .route("/users.xlsx", get(users::users_xlsx))
        .route("/users/{id}/toggle", post(users::toggle_user))
        .route("/audit", get(audit::audit_page))
        .route("/audit.xlsx", get(audit::audit_xlsx))
}

/// Routes under `/api/v1`, each with its OpenAPI description (`#[utoipa::path]` on the handler).
pub fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(api::list_users, api::create_user)).routes(routes!(api::audit_log))
}
