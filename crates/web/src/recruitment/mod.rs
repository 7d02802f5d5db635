//! 招聘: open recruitment (逢进必考). A county draws up a round (the plan with its posts, capped by
//! each community's staffing norm), another of its administrators approves it, and it is published
//! as a public announcement; anyone may check themselves against the region's rules before applying.

pub(crate) mod api;
pub(crate) mod app_views;
pub(crate) mod applicant;
pub(crate) mod applicant_api;
pub(crate) mod apply;
pub(crate) mod check;
pub(crate) mod exam_pages;
pub(crate) mod figures_view;
pub(crate) mod jobs;
pub(crate) mod pages;
pub(crate) mod round_api;
pub(crate) mod rounds;
pub(crate) mod run;
pub(crate) mod views;

use crate::state::AppState;
use axum::Router;
use axum::routing::{get, post};
use utoipa_axum::{router::OpenApiRouter, routes};

/// The pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/jobs", get(jobs::list))
        .route("/jobs/check", get(check::page).post(check::check))
        .route("/jobs/{id}", get(jobs::job))
        .route("/jobs/{id}/apply", get(apply::apply_page).post(apply::apply))
        .route("/applicant", get(apply::home))
        .route("/applicant/login", get(applicant::login_page).post(applicant::login))
        .route("/applicant/register", get(applicant::register_page).post(applicant::register))
        .route("/applicant/logout", post(applicant::logout))
        .route("/applicant/applications/{id}", get(apply::application))
        .route(
            "/applicant/applications/{id}/files",
            post(apply::add_file).layer(axum::extract::DefaultBodyLimit::max(apply::MAX_UPLOAD)),
        )
        .route("/applicant/applications/{id}/files/{file_id}", get(apply::open_file))
        .route("/recruitment/{id}/applications", get(run::list_page))
        .route("/recruitment/{id}/applications/next", get(run::next))
        .route("/recruitment/{id}/applications/{application_id}", get(run::application_page))
        .route("/recruitment/{id}/applications/{application_id}/review", post(run::review))
        .route("/recruitment/{id}/applications/{application_id}/checks", post(run::check))
        .route("/recruitment/{id}/applications/{application_id}/hire", post(run::hire))
        .route("/recruitment/{id}/applications/{application_id}/files/{file_id}", get(round_api::open_file))
        .route("/recruitment/{id}/exams", get(exam_pages::page))
        .route("/recruitment/{id}/exams/tickets", post(exam_pages::tickets))
        .route("/recruitment/{id}/exams/pass-line", post(exam_pages::pass_line))
        .route("/recruitment/{id}/exams/publicity", post(exam_pages::publicity))
        .route("/recruitment/{id}/exams/objections", post(exam_pages::add_objection))
        .route("/recruitment/{id}/exams/objections/{objection_id}/resolve", post(exam_pages::resolve_objection))
        .route(
            "/recruitment/{id}/exams/scores",
            post(exam_pages::import_scores)
                .layer(axum::extract::DefaultBodyLimit::max(crate::imports::api::MAX_UPLOAD)),
        )
        .route("/recruitment", get(pages::list_page).post(pages::create))
        .route("/recruitment/{id}", get(pages::round_page))
        .route("/recruitment/{id}/posts", post(pages::add_post))
        .route("/recruitment/{id}/approve", post(pages::approve))
        .route("/recruitment/{id}/publish", post(pages::publish))
        .route("/recruitment/{id}/close", post(pages::close))
        .route("/recruitment/{id}/posts/{post_id}/remove", post(pages::remove_post))
}

/// Routes under `/api/v1`, each with its OpenAPI description (`#[utoipa::path]` on the handler).
pub fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::eligibility))
        .routes(routes!(rounds::list_rounds, rounds::create_round))
        .routes(routes!(rounds::get_round))
        .routes(routes!(rounds::add_post))
        .routes(routes!(rounds::approve_round))
        .routes(routes!(rounds::publish_round))
        .routes(routes!(rounds::close_round))
        .routes(routes!(rounds::remove_post))
        .routes(routes!(applicant_api::register))
        .routes(routes!(applicant_api::sign_in))
        .routes(routes!(applicant_api::me))
        .routes(routes!(applicant_api::list, applicant_api::submit))
        .routes(routes!(applicant_api::get))
        .merge(
            // A scan may be as large as its limit (axum's default body limit is 2 MB).
            OpenApiRouter::new()
                .routes(routes!(applicant_api::files, applicant_api::add_file))
                .layer(axum::extract::DefaultBodyLimit::max(apply::MAX_UPLOAD)),
        )
        .routes(routes!(round_api::list_applications))
        .routes(routes!(round_api::get_application))
        .routes(routes!(round_api::review_application))
        .routes(routes!(round_api::issue_tickets))
        .routes(routes!(round_api::record_scores))
        .routes(routes!(round_api::set_pass_line))
        .routes(routes!(round_api::standings))
        .routes(routes!(round_api::record_check))
        .routes(routes!(round_api::start_publicity))
        .routes(routes!(round_api::list_objections, round_api::add_objection))
        .routes(routes!(round_api::resolve_objection))
        .routes(routes!(round_api::hire))
        .routes(routes!(round_api::round_figures))
        .routes(routes!(round_api::year_figures))
}
