//! Who is calling: a browser session (cookie) or an API bearer token. The caller's [`Scope`] comes
//! from here and nowhere else.

use crate::error::AppError;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{Method, header};
use axum::response::{IntoResponse, Redirect, Response};
use shegong_domain::{Role, Scope};
use shegong_store::audit::Actor;
use shegong_store::entity::user;
use shegong_store::users;

pub const SESSION_COOKIE: &str = "sg_session";
/// The login form's CSRF token (double submit: cookie and form field).
pub const LOGIN_CSRF_COOKIE: &str = "sg_login";
/// A browser's known-device token, issued at a successful login.
pub const DEVICE_COOKIE: &str = "sg_device";

/// The authenticated caller.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: user::Model,
    pub role: Role,
    pub scope: Scope,
    pub actor: Actor,
    /// Scope, role and actor together, as every command of the store takes them.
    pub access: shegong_store::Access,
    /// The session's CSRF token (browser sessions only).
    pub csrf: Option<String>,
    /// Another system's name when its token is used (its reports are labelled with it).
    pub source_label: Option<String>,
}

impl Caller {
    /// Where a caller confined to their own work lands instead of a region's pages: a worker on
    /// their archive, a department on its events; `None` for everyone who sees a region.
    pub fn own_page(&self) -> Option<String> {
        if self.scope.department().is_some() {
            return Some("/events".into());
        }
        self.scope.only_worker().map(|w| format!("/workers/{w}"))
    }

    /// Checks the token a form sent against the session's.
    pub fn check_csrf(&self, sent: &str) -> Result<(), AppError> {
        match &self.csrf {
            Some(t) if constant_eq(t.as_bytes(), sent.as_bytes()) => Ok(()),
            Some(_) => Err(AppError::Csrf),
            None => Ok(()),
        }
    }

    pub fn require(&self, ok: bool, message: &'static str) -> Result<(), AppError> {
        if ok { Ok(()) } else { Err(AppError::Forbidden(message)) }
    }
}

pub fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub fn cookie_value<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    cookie_in(&parts.headers, name)
}

/// A cookie's value from request headers.
pub fn cookie_in<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// What an unauthenticated request gets: 401 JSON for the API, a redirect to the login page else.
pub struct AuthRejection {
    api: bool,
    next: String,
    error: Option<AppError>,
    /// Where a page request goes instead of the login page.
    to: Option<&'static str>,
}

/// What a user who must change their password may still reach.
const PASSWORD_PATHS: &[&str] = &["/account", "/account/password", "/logout", "/api/v1/me", "/api/v1/me/password"];

impl IntoResponse for AuthRejection {
    fn into_response(self) -> Response {
        if let Some(e) = self.error {
            return e.into_response();
        }
        if self.api {
            AppError::Unauthorized.into_response()
        } else if let Some(to) = self.to {
            Redirect::to(to).into_response()
        } else {
            let next: String = serde_urlencoded::to_string([("next", self.next.as_str())]).unwrap_or_default();
            Redirect::to(&format!("/login?{next}")).into_response()
        }
    }
}

/// A request's state and caller together, as most handlers take them: `Ctx { st, caller }: Ctx`.
pub struct Ctx {
    pub st: AppState,
    pub caller: Caller,
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Ctx { caller: Caller::from_request_parts(parts, state).await?, st: state.clone() })
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        // Inside a nested router the path has lost its prefix: look at the original one.
        let uri =
            parts.extensions.get::<axum::extract::OriginalUri>().map_or_else(|| parts.uri.clone(), |o| o.0.clone());
        let api = uri.path().starts_with("/api/");
        let reject = |error: Option<AppError>| AuthRejection {
            api,
            next: uri.path_and_query().map(|p| p.as_str().to_string()).unwrap_or_default(),
            error,
            to: None,
        };
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.get(..7).filter(|s| s.eq_ignore_ascii_case("bearer ")).map(|_| &v[7..]))
            .map(str::trim);
        let (user, csrf, source_label) = if let Some(token) = bearer {
            let max_age = chrono::Duration::days(i64::from(state.settings.token_days));
            match users::token_user(&state.db, token, max_age).await {
                Ok(Some((u, label))) => (u, None, label),
                Ok(None) => return Err(reject(Some(AppError::Unauthorized))),
                Err(e) => return Err(reject(Some(e.into()))),
            }
        } else if let Some(token) = cookie_value(parts, SESSION_COOKIE) {
            match users::session_user(&state.db, token).await {
                Ok(Some((u, s))) => (u, Some(s.csrf_token), None),
                Ok(None) => return Err(reject(None)),
                Err(e) => return Err(reject(Some(e.into()))),
            }
        } else {
            return Err(reject(None));
        };
        crate::freshness::seen(state, user.id);
        // A browser session calling the JSON API to change something must send its CSRF token.
        if api
            && let Some(t) = &csrf
            && !matches!(parts.method, Method::GET | Method::HEAD)
        {
            let sent = parts.headers.get("x-csrf-token").and_then(|v| v.to_str().ok()).unwrap_or("");
            if !constant_eq(t.as_bytes(), sent.as_bytes()) {
                return Err(reject(Some(AppError::Csrf)));
            }
        }
        // After an admin's reset, nothing but the password form until the password is changed.
        if user.must_change_password && !PASSWORD_PATHS.contains(&uri.path()) {
            return Err(if api {
                reject(Some(AppError::PasswordChangeRequired))
            } else {
                AuthRejection { api, next: String::new(), error: None, to: Some("/account/password") }
            });
        }
        let scope = users::scope_of(&user).map_err(|e| reject(Some(e.into())))?;
        let role = Role::parse(&user.role).ok_or_else(|| reject(Some(AppError::Unauthorized)))?;
        let actor = users::actor_of(&user);
        Ok(Caller {
            access: shegong_store::Access::new(scope.clone(), role, actor.clone()),
            actor,
            role,
            scope,
            user,
            csrf,
            source_label,
        })
    }
}
