//! Logging in and out: the form, throttling, known devices, the session cookie, `next`.

use crate::auth::{Ctx, DEVICE_COOKIE, LOGIN_CSRF_COOKIE, SESSION_COOKIE, constant_eq, cookie_in};
use crate::error::AppError;
use crate::extract::ClientAddr;
use crate::page::CsrfForm;
use crate::page::PageResult;
use crate::state::AppState;
use crate::throttle::Limit;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{AppendHeaders, Html, IntoResponse, Redirect};
use serde::Deserialize;
use shegong_store::entity::user;
use shegong_store::{audit, users};

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, and Secure when the server is configured so.
pub fn cookie(st: &AppState, name: &str, value: &str, max_age_secs: i64) -> String {
    let secure = if st.settings.secure_cookies { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_secs}{secure}")
}

/// `next` after login: only a same-site absolute path that parses back to itself (no scheme, no
/// host, no `//`, no backslash, no control or white-space character); anything else means `/`.
pub fn safe_next(next: &str) -> &str {
    let plain = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && next.len() <= 2048
        && !next.chars().any(|c| c == '\\' || c.is_control() || c.is_whitespace());
    let parses_back = plain
        && next
            .parse::<Uri>()
            .ok()
            .filter(|u| u.scheme().is_none() && u.authority().is_none())
            .and_then(|u| u.path_and_query().map(|p| p.as_str() == next))
            .unwrap_or(false);
    if parses_back { next } else { "/" }
}

#[derive(Template)]
#[template(path = "account/login.html")]
struct LoginPage {
    error: String,
    next: String,
    username: String,
    csrf: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct LoginQuery {
    next: String,
}

/// The login form with a fresh login-CSRF token, set both in a cookie and in the form.
fn login_form(st: &AppState, status: StatusCode, error: &str, next: &str, username: &str) -> PageResult {
    let csrf = users::random_token();
    let page = LoginPage {
        error: error.into(),
        next: safe_next(next).into(),
        username: username.chars().take(64).collect(),
        csrf: csrf.clone(),
    };
    let html = page.render().map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    Ok((status, AppendHeaders([(header::SET_COOKIE, cookie(st, LOGIN_CSRF_COOKIE, &csrf, 3600))]), Html(html))
        .into_response())
}

pub(crate) async fn login_page(State(st): State<AppState>, Query(q): Query<LoginQuery>) -> PageResult {
    login_form(&st, StatusCode::OK, "", &q.next, "")
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct LoginForm {
    username: String,
    password: String,
    next: String,
    _csrf: String,
}

/// The known-device cookie, when it was issued to `username`.
async fn known_device(st: &AppState, headers: &HeaderMap, username: &str) -> Result<Option<String>, AppError> {
    let Some(d) = cookie_in(headers, DEVICE_COOKIE) else {
        return Ok(None);
    };
    let owner = users::device_username(&st.db, d).await?;
    Ok(owner.filter(|o| o.eq_ignore_ascii_case(username.trim())).map(|_| d.to_string()))
}

/// Checks a username and password under the throttle: `Ok(None)` for a wrong password,
/// `Err(TooManyAttempts)` when a limit is reached.
pub(crate) async fn guarded_login(
    st: &AppState,
    addr: Option<std::net::SocketAddr>,
    device: Option<&str>,
    username: &str,
    password: &str,
) -> Result<Option<user::Model>, AppError> {
    let limits = Limit::for_login(username, addr, device);
    let Some(attempt) = st.throttle.begin(&limits) else {
        return Err(AppError::TooManyAttempts);
    };
    match users::authenticate(&st.db, username, password).await? {
        Some(u) => {
            attempt.succeeded();
            Ok(Some(u))
        }
        None => {
            let exhausted = attempt.failed();
            if exhausted && let Some(d) = device {
                users::forget_device(&st.db, d).await?;
            }
            Ok(None)
        }
    }
}

pub(crate) async fn login(
    State(st): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> PageResult {
    let expected = cookie_in(&headers, LOGIN_CSRF_COOKIE).unwrap_or("");
    if expected.is_empty() || !constant_eq(expected.as_bytes(), f._csrf.as_bytes()) {
        return login_form(&st, StatusCode::FORBIDDEN, "页面已过期，请重新输入后登录", &f.next, &f.username);
    }
    let device = known_device(&st, &headers, &f.username).await?;
    let user = match guarded_login(&st, addr, device.as_deref(), &f.username, &f.password).await {
        Ok(Some(u)) => u,
        Ok(None) => return login_form(&st, StatusCode::UNAUTHORIZED, "用户名或密码错误", &f.next, &f.username),
        Err(AppError::TooManyAttempts) => {
            return login_form(
                &st,
                StatusCode::TOO_MANY_REQUESTS,
                "登录失败次数过多，请15分钟后再试",
                &f.next,
                &f.username,
            );
        }
        Err(e) => return Err(e.into()),
    };
    let (token, _csrf) = users::create_session(&st.db, user.id).await?;
    audit::entry(&users::actor_of(&user), "auth.login", &user.region_code).save(&st.db.writer).await?;
    let mut cookies = vec![
        (header::SET_COOKIE, cookie(&st, SESSION_COOKIE, &token, users::SESSION_HOURS * 3600)),
        (header::SET_COOKIE, cookie(&st, LOGIN_CSRF_COOKIE, "", 0)),
    ];
    if device.is_none() {
        let d = users::remember_device(&st.db, user.id).await?;
        cookies.push((header::SET_COOKIE, cookie(&st, DEVICE_COOKIE, &d, 365 * 24 * 3600)));
    }
    let to = if user.must_change_password { "/account/password" } else { safe_next(&f.next) };
    Ok((AppendHeaders(cookies), Redirect::to(to)).into_response())
}

pub(crate) async fn logout(Ctx { st, caller }: Ctx, headers: HeaderMap, Form(f): Form<CsrfForm>) -> PageResult {
    caller.check_csrf(&f._csrf)?;
    if let Some(t) = cookie_in(&headers, SESSION_COOKIE) {
        users::delete_session(&st.db, t).await?;
    }
    Ok(([(header::SET_COOKIE, cookie(&st, SESSION_COOKIE, "", 0))], Redirect::to("/login")).into_response())
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_is_a_same_site_path_or_home() {
        assert_eq!(safe_next("/workers?page=2"), "/workers?page=2");
        assert_eq!(safe_next("/"), "/");
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "/\t/example.org",
            "/\n/x",
            "https://evil.example/",
            "evil",
            "/ /x",
            "",
        ] {
            assert_eq!(safe_next(bad), "/", "{bad:?}");
        }
        // Percent-encoding stays a path on this site.
        assert_eq!(safe_next("/%0d%0aSet-Cookie:x"), "/%0d%0aSet-Cookie:x");
    }
}
