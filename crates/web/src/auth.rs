//! Who is calling: a browser session (cookie) or an API bearer token. The caller's [`Scope`] comes
//! from here and nowhere else.

use crate::AppState;
use crate::error::AppError;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{Method, header};
use axum::response::{IntoResponse, Redirect, Response};
use shegong_domain::{Role, Scope};
use shegong_store::audit::Actor;
use shegong_store::entity::user;
use shegong_store::users;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const SESSION_COOKIE: &str = "sg_session";

/// The authenticated caller.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: user::Model,
    pub role: Role,
    pub scope: Scope,
    pub actor: Actor,
    /// The session's CSRF token (browser sessions only).
    pub csrf: Option<String>,
}

impl Caller {
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

fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub fn cookie_value<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
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
}

impl IntoResponse for AuthRejection {
    fn into_response(self) -> Response {
        if let Some(e) = self.error {
            return e.into_response();
        }
        if self.api {
            AppError::Unauthorized.into_response()
        } else {
            let next: String = serde_urlencoded::to_string([("next", self.next.as_str())]).unwrap_or_default();
            Redirect::to(&format!("/login?{next}")).into_response()
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        // Inside a nested router the path has lost its prefix: look at the original one.
        let uri = parts
            .extensions
            .get::<axum::extract::OriginalUri>()
            .map_or_else(|| parts.uri.clone(), |o| o.0.clone());
        let api = uri.path().starts_with("/api/");
        let reject = |error: Option<AppError>| AuthRejection {
            api,
            next: uri.path_and_query().map(|p| p.as_str().to_string()).unwrap_or_default(),
            error,
        };
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        let (user, csrf) = if let Some(token) = bearer {
            match users::token_user(&state.db, token).await {
                Ok(Some(u)) => (u, None),
                Ok(None) => return Err(reject(Some(AppError::Unauthorized))),
                Err(e) => return Err(reject(Some(e.into()))),
            }
        } else if let Some(token) = cookie_value(parts, SESSION_COOKIE) {
            match users::session_user(&state.db, token).await {
                Ok(Some((u, s))) => (u, Some(s.csrf_token)),
                Ok(None) => return Err(reject(None)),
                Err(e) => return Err(reject(Some(e.into()))),
            }
        } else {
            return Err(reject(None));
        };
        // A browser session calling the JSON API to change something must send its CSRF token.
        if api
            && let Some(t) = &csrf
            && !matches!(parts.method, Method::GET | Method::HEAD)
        {
            let sent = parts
                .headers
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !constant_eq(t.as_bytes(), sent.as_bytes()) {
                return Err(reject(Some(AppError::Csrf)));
            }
        }
        let scope = users::scope_of(&user).map_err(|e| reject(Some(e.into())))?;
        let role = Role::parse(&user.role).ok_or_else(|| reject(Some(AppError::Unauthorized)))?;
        Ok(Caller {
            actor: users::actor_of(&user),
            role,
            scope,
            user,
            csrf,
        })
    }
}

/// Failed-login throttling: after `MAX_FAILURES` failures for a username or an address within the
/// window, further attempts answer 429 until the window has passed.
#[derive(Default)]
pub struct Throttle {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

const MAX_FAILURES: u32 = 5;
const WINDOW: Duration = Duration::from_secs(15 * 60);

impl Throttle {
    pub fn blocked(&self, keys: &[String]) -> bool {
        let map = self.failures.lock().expect("not poisoned");
        keys.iter().any(|k| {
            map.get(k)
                .is_some_and(|(n, since)| *n >= MAX_FAILURES && since.elapsed() < WINDOW)
        })
    }

    pub fn fail(&self, keys: &[String]) {
        let mut map = self.failures.lock().expect("not poisoned");
        if map.len() > 100_000 {
            map.retain(|_, (_, since)| since.elapsed() < WINDOW);
        }
        for k in keys {
            let e = map.entry(k.clone()).or_insert((0, Instant::now()));
            if e.1.elapsed() >= WINDOW {
                *e = (0, Instant::now());
            }
            e.0 += 1;
        }
    }

    pub fn succeed(&self, keys: &[String]) {
        let mut map = self.failures.lock().expect("not poisoned");
        for k in keys {
            map.remove(k);
        }
    }
}
