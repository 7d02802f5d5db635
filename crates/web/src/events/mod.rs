//! 民情事件: reporting a resident's problem and taking it round the closed loop (受理 → 分办 → 处置 →
//! 反馈 → 核查 → 结案 → 评价), as JSON; each caller's 待办.

pub(crate) mod api;
pub(crate) mod event;
pub(crate) mod figures;
pub(crate) mod figures_page;
pub(crate) mod pages;
pub(crate) mod photos;
pub(crate) mod public;
pub(crate) mod public_form;
pub(crate) mod views;

use crate::state::AppState;
use axum::Router;
use axum::routing::{get, post};
use utoipa_axum::{router::OpenApiRouter, routes};

/// The pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/events", get(pages::events_page).post(pages::report))
        .route("/events/stats", get(figures_page::stats_page))
        .route("/events/stats.xlsx", get(figures_page::stats_xlsx))
        .route("/events/{id}", get(event::event_page))
        .route("/events/{id}/act", post(event::act))
        .route(
            "/events/{id}/photos",
            post(photos::page_add).layer(axum::extract::DefaultBodyLimit::max(photos::MAX_UPLOAD)),
        )
        .route("/events/{id}/photos/{sha256}", get(photos::open))
        .route(
            "/p/{community}",
            get(public::page).post(public::report).layer(axum::extract::DefaultBodyLimit::max(public_form::MAX_BODY)),
        )
        .route("/p/{community}/e", get(public::find))
        .route("/p/{community}/e/{number}", get(public::event))
        .route("/p/{community}/e/{number}/rate", post(public::rate))
}

/// Routes under `/api/v1`, each with its OpenAPI description (`#[utoipa::path]` on the handler).
pub fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::list_events, api::create_event))
        .routes(routes!(api::get_event))
        .routes(routes!(api::act_on_event))
        .routes(routes!(api::todo))
        .routes(routes!(figures::event_stats))
        .routes(routes!(photos::api_add, photos::api_list))
}
