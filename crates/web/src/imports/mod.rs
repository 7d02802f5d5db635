//! Roster import (导入): the template, upload → check (dry run) → preview with every bad row → commit.

pub(crate) mod api;
pub(crate) mod pages;
pub(crate) mod template;

use crate::state::AppState;
use axum::Router;
use axum::routing::{get, post};
use utoipa_axum::{router::OpenApiRouter, routes};

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

/// Routes under `/api/v1`, each with its OpenAPI description (`#[utoipa::path]` on the handler).
pub fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(template::template))
        .routes(routes!(api::api_upload))
        .routes(routes!(api::api_commit))
        .routes(routes!(api::api_errors))
        // An upload may be as large as the file limit (axum's default body limit is 2 MB).
        .layer(axum::extract::DefaultBodyLimit::max(api::MAX_UPLOAD))
}
