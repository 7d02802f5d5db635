//! 减负清单 (the lists a county keeps of what communities do and may be asked to do, inherited down the
//! tree, versioned by day, imported from Excel) and 出具证明 (proofs issued only from the list, anything
//! else refused and counted, each proof numbered and printed).

mod admissions;
pub(crate) mod api;
mod pages;

use crate::state::AppState;
use axum::Router;
use axum::routing::{get, post};
use utoipa_axum::{router::OpenApiRouter, routes};

/// The pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/work-items", get(pages::lists_page).post(pages::add))
        .route("/work-items/{id}/end", post(pages::end))
        .route(
            "/work-items/import",
            post(pages::import).layer(axum::extract::DefaultBodyLimit::max(crate::imports::api::MAX_UPLOAD)),
        )
        .route("/proofs", get(pages::proofs_page).post(pages::issue))
        .route("/proofs/{id}/print", get(pages::print))
        .route("/admissions", get(admissions::page).post(admissions::apply_form))
        .route("/admissions/{id}/decide", post(admissions::decide_form))
        .route("/demands", post(admissions::demand_form))
}

/// Routes under `/api/v1`, each with its OpenAPI description.
pub fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::list_items, api::add_item))
        .routes(routes!(api::end_item))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(api::import_items))
                .layer(axum::extract::DefaultBodyLimit::max(crate::imports::api::MAX_UPLOAD)),
        )
        .routes(routes!(api::list_proofs, api::issue_proof))
        .routes(routes!(admissions::list, admissions::apply))
        .routes(routes!(admissions::approve))
        .routes(routes!(admissions::refuse))
        .routes(routes!(admissions::record_demand))
        .routes(routes!(admissions::figures))
}
