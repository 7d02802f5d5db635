//! Open311 GeoReport v2 (<https://wiki.open311.org/GeoReport_v2/>): any Open311 client reports a
//! problem into a community's events and follows it, in JSON or XML; clients' keys are issued by an
//! administrator (`/system/open311`) or `shegong open311-key add`.

pub(crate) mod api;
pub(crate) mod format;
pub(crate) mod keys;

use crate::state::AppState;
use axum::Router;
use axum::routing::{any, get, post};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/open311/v2/{file}", any(api::top))
        .route("/open311/v2/services/{file}", get(api::definition).fallback(api::not_allowed))
        .route("/open311/v2/requests/{file}", get(api::one).fallback(api::not_allowed))
        .route("/open311/v2/tokens/{file}", get(api::token).fallback(api::not_allowed))
        .route("/system/open311", get(keys::page).post(keys::issue))
        .route("/system/open311/{id}/revoke", post(keys::revoke))
}
