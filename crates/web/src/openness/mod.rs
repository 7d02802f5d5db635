//! Openness: 印章使用登记 (`/seals`), 居务公开 (`/disclosure`, and the public page
//! `/p/{community}/disclosure`), 双随机抽查 (`/inspections`) and the figures of 减负 and openness
//! (`/openness`).

pub(crate) mod api;
mod figures;
mod inspections;
pub(crate) mod pages;
mod public;
mod seals;

use crate::state::AppState;
use axum::Router;
use axum::routing::{get, post};
use utoipa_axum::{router::OpenApiRouter, routes};

/// The pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/seals", get(seals::page).post(seals::record))
        .route("/disclosure", get(pages::disclosure_page).post(pages::publish))
        .route("/disclosure/questions/{id}/answer", post(pages::answer))
        .route("/inspections", get(inspections::page))
        .route("/inspections/draw", post(inspections::draw))
        .route("/inspections/record", post(inspections::record))
        .route("/inspections/findings/{id}/close", post(inspections::close))
        .route("/openness", get(figures::page))
        .route("/p/{community}/disclosure", get(public::page).post(public::ask))
}

/// Routes under `/api/v1`, each with its OpenAPI description.
pub fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::list_seals, api::record_seal))
        .routes(routes!(api::list_disclosures, api::publish))
        .routes(routes!(api::timeliness))
        .routes(routes!(api::list_questions))
        .routes(routes!(api::answer))
        .routes(routes!(api::draw))
        .routes(routes!(api::list_rounds))
        .routes(routes!(api::get_round))
        .routes(routes!(api::record))
        .routes(routes!(api::close))
        .routes(routes!(api::figures))
}
