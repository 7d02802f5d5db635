#![recursion_limit = "512"]
//! The HTTP side of shegong: pages in zh-CN (askama + htmx), the JSON API with its OpenAPI document,
//! Excel exports. A capability is one module (its JSON handlers, pages, exports and `routes()`);
//! the shared pieces below them are named for what they are. Handlers are thin: rules live in
//! `shegong-domain`, data access and permissions in `shegong-store`. See docs/ARCHITECTURE.md.

// Capabilities.
pub mod account;
pub mod admin;
pub mod archive;
pub mod assessment;
pub mod dashboard;
pub mod departments;
pub mod events;
pub mod grids;
pub mod imports;
pub mod inbox;
pub mod open311;
pub mod openness;
pub mod pay;
pub mod policies;
pub mod recruitment;
pub mod reserves;
pub mod residents;
pub mod stats;
pub mod training;
pub mod work_items;

// Shared pieces.
pub mod auth;
pub mod clock;
pub mod error;
pub mod extract;
pub mod flash;
pub mod freshness;
pub mod id_search;
pub mod numbers;
pub mod openapi;
pub mod page;
pub mod paging;
pub mod pdf;
pub mod posted;
pub mod query;
pub mod sections;
pub mod server;
pub mod state;
pub mod throttle;
pub mod xlsx;

pub use server::{serve, spawn, spawn_with};
pub use state::{AppState, Settings};

use axum::Router;
use axum::routing::get;

/// The JSON API (under `/api/v1`): the features' routers merged, and their OpenAPI description.
pub fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    utoipa_axum::router::OpenApiRouter::new()
        .merge(account::api_routes())
        .merge(admin::api_routes())
        .merge(archive::api_routes())
        .merge(assessment::api_routes())
        .merge(dashboard::api_routes())
        .merge(events::api_routes())
        .merge(departments::api_routes())
        .merge(grids::api_routes())
        .merge(imports::api_routes())
        .merge(pay::api_routes())
        .merge(policies::api_routes())
        .merge(recruitment::api_routes())
        .merge(reserves::api_routes())
        .merge(residents::api_routes())
        .merge(openness::api_routes())
        .merge(work_items::api_routes())
        .merge(stats::api_routes())
        .merge(training::api_routes())
        .split_for_parts()
}

/// Every route of the application: the features' routers merged.
pub fn router(state: AppState) -> Router {
    let api = api().0.fallback(error::not_found);
    Router::new()
        .route("/healthz", get(server::healthz))
        .route("/api/openapi.json", get(openapi::document))
        .route("/api/docs", get(openapi::swagger_page))
        .nest("/api/v1", api)
        .route("/assets/{*path}", get(server::asset))
        .merge(account::routes())
        .merge(admin::routes())
        .merge(archive::routes())
        .merge(assessment::routes())
        .merge(dashboard::routes())
        .merge(events::routes())
        .merge(departments::routes())
        .merge(grids::routes())
        .merge(imports::routes())
        .merge(inbox::routes())
        .merge(open311::routes())
        .merge(pay::routes())
        .merge(policies::routes())
        .merge(recruitment::routes())
        .merge(reserves::routes())
        .merge(residents::routes())
        .merge(openness::routes())
        .merge(work_items::routes())
        .merge(stats::routes())
        .merge(training::routes())
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(server::panicked))
        .layer(axum::middleware::from_fn(extract::plain_errors))
        .layer(axum::middleware::from_fn_with_state(state.clone(), flash::carry))
        .layer(axum::middleware::from_fn_with_state(state.clone(), freshness::own_writes))
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(axum::middleware::map_response(server::security_headers))
        .with_state(state)
}
