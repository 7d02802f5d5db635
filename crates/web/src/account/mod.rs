//! Accounts: logging in and out, the password (change, admin reset, forced change), API tokens and
//! known devices. Pages and JSON handlers together.
//!
//! Login throttling (see [`crate::auth::Throttle`]): a username gets 5 failed attempts and an
//! address 20 in 15 minutes, counted before the password is hashed so that simultaneous guesses
//! count too. A browser that has logged in as that user before carries a known-device cookie; its
//! attempts count against that device only (5 failures and the device is forgotten), so a stranger
//! guessing a clerk's password, or a whole office behind one address, cannot lock the clerk out of
//! the computer they use every day.

pub(crate) mod api;
pub(crate) mod login;
pub(crate) mod page;

pub use login::{cookie, safe_next};

use crate::state::AppState;
use axum::Router;
use axum::routing::{get, post};
use utoipa_axum::{router::OpenApiRouter, routes};

/// The account pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login::login_page).post(login::login))
        .route("/logout", post(login::logout))
        .route("/account", get(page::account_page))
        .route("/system", get(page::system_page))
        .route("/account/password", get(page::password_page).post(page::change_password_page))
        .route("/account/tokens", post(page::create_token_page))
        .route("/account/tokens/{id}/revoke", post(page::revoke_token_page))
        .route("/users/{id}/password", post(page::reset_password_page))
}

/// Routes under `/api/v1`, each with its OpenAPI description (`#[utoipa::path]` on the handler).
pub fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::create_token))
        .routes(routes!(api::revoke_token))
        .routes(routes!(api::me))
        .routes(routes!(api::change_password))
        .routes(routes!(api::reset_password))
}
