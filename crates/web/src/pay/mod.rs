//! Pay (薪酬): monthly payroll runs computed under the policies in force, review and lock, adjustments,
//! the sheet as Excel, a worker's payslips and level, and the budget with its what-if.

pub(crate) mod api;
pub(crate) mod budget;
pub(crate) mod export;
pub(crate) mod pages;

use crate::state::AppState;
use axum::Router;
use axum::routing::{get, post};

/// The pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/payroll", get(pages::payroll_page).post(pages::create_run))
        .route("/payroll/{id}", get(pages::run_page))
        .route("/payroll/{id}/{action}", post(pages::run_step))
        .route("/budget", get(budget::budget_page))
}

/// The OpenAPI description of [`api_routes`], generated from the handlers.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    api::region_budget,
    api::list_runs,
    api::create_run,
    api::get_run,
    api::review_run,
    api::lock_run,
    api::adjust_run,
    api::run_xlsx,
    api::worker_payslips,
    api::worker_level
))]
pub struct Api;

/// Routes under `/api/v1`.
pub fn api_routes() -> Router<AppState> {
    Router::new()
        .route("/regions/{code}/budget", get(api::region_budget))
        .route("/payroll/runs", get(api::list_runs).post(api::create_run))
        .route("/payroll/runs/{id}", get(api::get_run))
        .route("/payroll/runs/{id}/review", post(api::review_run))
        .route("/payroll/runs/{id}/lock", post(api::lock_run))
        .route("/payroll/runs/{id}/adjustments", post(api::adjust_run))
        .route("/payroll/runs/{id}/payslips.xlsx", get(api::run_xlsx))
        .route("/workers/{id}/payslips", get(api::worker_payslips))
        .route("/workers/{id}/level", get(api::worker_level))
}
