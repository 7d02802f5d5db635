//! Roster import (导入): the template, upload → check (dry run) → preview with every bad row → commit.

pub(crate) mod api;
pub(crate) mod pages;
pub(crate) mod template;

use crate::state::AppState;
use axum::Router;
use axum::routing::{get, post};

/// The pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/imports",
            get(pages::imports_page)
                .post(pages::upload_page)
                .layer(axum::extract::DefaultBodyLimit::max(api::MAX_UPLOAD)),
        )
        .route("/imports/{id}", get(pages::import_page))
        .route("/imports/{id}/commit", post(pages::commit_page))
}

/// The OpenAPI description of [`api_routes`], generated from the handlers.
#[derive(utoipa::OpenApi)]
#[openapi(paths(template::template, api::api_upload, api::api_commit, api::api_errors))]
pub struct Api;

/// Routes under `/api/v1`.
pub fn api_routes() -> Router<AppState> {
    Router::new()
        .route("/imports/template.xlsx", get(template::template))
        .route(
            "/imports",
            post(api::api_upload).layer(axum::extract::DefaultBodyLimit::max(api::MAX_UPLOAD)),
        )
        .route("/imports/{id}/commit", post(api::api_commit))
        .route("/imports/{id}/errors.xlsx", get(api::api_errors))
}
