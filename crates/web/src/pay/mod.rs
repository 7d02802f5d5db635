//! Pay (薪酬): monthly payroll runs computed under the policies in force, review and lock, adjustments,
//! the sheet as Excel, a worker's payslips and level, and the budget with its what-if.

pub(crate) mod api;
pub(crate) mod budget;
pub(crate) mod export;
pub(crate) mod pages;
pub(crate) mod run;

use crate::state::AppState;
use axum::Router;
use axum::routing::{get, post};
use utoipa_axum::{router::OpenApiRouter, routes};

/// The pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/payroll", get(pages::payroll_page).post(pages::create_run))
        .route("/payroll/{id}", get(run::run_page))
        .route("/payroll/{id}/bank.xlsx", get(export::bank_xlsx))
        .route("/payroll/{id}/{action}", post(pages::run_step))
        .route("/budget", get(budget::budget_page))
}

/// Routes under `/api/v1`, each with its OpenAPI description (`#[utoipa::path]` on the handler).
pub fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::region_budget))
        .routes(routes!(api::list_runs, api::create_run))
        .routes(routes!(api::get_run))
        .routes(routes!(api::review_run))
        .routes(routes!(api::lock_run))
        .routes(routes!(api::adjust_run))
        .routes(routes!(api::run_xlsx))
        .routes(routes!(api::worker_payslips))
        .routes(routes!(api::worker_level))
}
