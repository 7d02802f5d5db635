//! Administration: users inside the admin's reach, and the audit log.

pub(crate) mod api;
pub(crate) mod audit;
pub(crate) mod users;

use crate::state::AppState;
use axum::Router;
use axum::routing::{get, post};

/// The pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/users", get(users::users_page).post(users::create_user))
        .route("/users.xlsx", get(users::users_xlsx))
        .route("/users/{id}/toggle", post(users::toggle_user))
        .route("/audit", get(audit::audit_page))
        .route("/audit.xlsx", get(audit::audit_xlsx))
}

/// The OpenAPI description of [`api_routes`], generated from the handlers.
#[derive(utoipa::OpenApi)]
#[openapi(paths(api::list_users, api::create_user, api::audit_log))]
pub struct Api;

/// Routes under `/api/v1`.
pub fn api_routes() -> Router<AppState> {
    Router::new()
        .route("/users", get(api::list_users).post(api::create_user))
        .route("/audit", get(api::audit_log))
}
