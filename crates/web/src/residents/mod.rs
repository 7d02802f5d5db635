//! Work among residents (服务群众): the household register of the grids, visits recorded from a
//! phone and who is behind the region's rules, care households overdue, micro-wishes with their
//! public wall. Residents' names and phones are masked everywhere but on one household's page, for
//! those who may see it (each view audited).

pub(crate) mod api;
mod compliance_page;
mod dashboard;
mod deliberation_page;
mod household_page;
mod households_page;
mod talks;
mod visits_page;
mod wall;
mod window_page;
mod wishes_page;

use crate::state::AppState;
use axum::Router;
use axum::routing::{get, post};
use utoipa_axum::{router::OpenApiRouter, routes};

/// The pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/visits", get(visits_page::visits_page).post(visits_page::record))
        .route("/visits/compliance", get(compliance_page::compliance_page))
        .route("/visits/dashboard", get(dashboard::dashboard_page))
        .route("/households", get(households_page::households_page).post(households_page::add))
        .route(
            "/households/import",
            post(households_page::import_page)
                .layer(axum::extract::DefaultBodyLimit::max(crate::imports::api::MAX_UPLOAD)),
        )
        .route("/households/{id}", get(household_page::household_page).post(household_page::edit))
        .route("/wishes", get(wishes_page::wishes_page).post(wishes_page::post))
        .route("/wishes/{id}/{step}", post(wishes_page::step))
        .route("/p/{community}/wishes", get(wall::wall_page))
        .route("/deliberation", get(deliberation_page::deliberation_page))
        .route("/deliberation/{what}", post(deliberation_page::post))
        .route("/deliberation/items/{id}/done", post(deliberation_page::close))
        .route("/window", get(window_page::window_page).post(window_page::set_day))
        .route("/window/roles/{id}", post(window_page::set_role))
        .route("/talks", get(talks::talks_page).post(talks::record))
}

/// Routes under `/api/v1`, each with its OpenAPI description.
pub fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::list_households, api::add_household))
        .routes(routes!(api::get_household, api::update_household))
        .routes(routes!(api::care_alerts))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(api::import_households))
                .layer(axum::extract::DefaultBodyLimit::max(crate::imports::api::MAX_UPLOAD)),
        )
        .routes(routes!(api::list_visits, api::record_visit))
        .routes(routes!(api::compliance))
        .routes(routes!(dashboard::service_dashboard))
        .routes(routes!(api::list_wishes, api::post_wish))
        .routes(routes!(api::wish_figures))
        .routes(routes!(api::claim_wish))
        .routes(routes!(api::fulfil_wish))
        .routes(routes!(api::confirm_wish))
        .routes(routes!(api::deliberation))
        .routes(routes!(api::deliberation_board))
        .routes(routes!(api::add_place))
        .routes(routes!(api::raise_topic))
        .routes(routes!(api::hold_meeting))
        .routes(routes!(api::close_item))
        .routes(routes!(api::window))
        .routes(routes!(api::set_window_day))
        .routes(routes!(api::set_service_role))
        .routes(routes!(talks::list_talks, talks::record_talk))
}

/// The links between the residents' pages.
pub(crate) fn links(caller: &crate::auth::Caller) -> Vec<(String, String)> {
    let mut v = vec![
        ("/visits".to_string(), "走访记录".to_string()),
        ("/households".to_string(), "住户".to_string()),
        ("/wishes".to_string(), "微心愿".to_string()),
        ("/deliberation".to_string(), "居民议事".to_string()),
        ("/window".to_string(), "岗位与值班".to_string()),
        ("/talks".to_string(), "谈心谈话".to_string()),
    ];
    if caller.scope.only_worker().is_none() {
        v.insert(1, ("/visits/compliance".into(), "达标情况".into()));
        v.insert(0, ("/visits/dashboard".into(), "统计".into()));
    } else {
        v.insert(1, ("/visits/compliance".into(), "本人达标情况".into()));
    }
    v
}
