//! Accounts: logging in and out, the password (change, admin reset, forced change), API tokens and
//! known devices. Pages and JSON handlers together.
//!
//! Login throttling (see [`crate::auth::Throttle`]): a username gets 5 failed attempts and an
//! address 20 in 15 minutes, counted before the password is hashed so that simultaneous guesses
//! count too. A browser that has logged in as that user before carries a known-device cookie; its
//! attempts count against that device only (5 failures and the device is forgotten), so a stranger
//! guessing a clerk's password, or a whole office behind one address, cannot lock the clerk out of
//! the computer they use every day.

use crate::AppState;
use crate::auth::{Caller, DEVICE_COOKIE, LOGIN_CSRF_COOKIE, Limit, SESSION_COOKIE, constant_eq, cookie_in};
use crate::error::{ApiResult, AppError};
use crate::extract::{Json, Path};
use crate::pages::{Chrome, ClientAddr, PageResult, chrome, render};
use crate::views::local_time;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{AppendHeaders, Html, IntoResponse, Redirect, Response};
use axum::routing::{delete, get, post};
use axum::{Form, Router};
use serde::Deserialize;
use serde_json::{Value, json};
use shegong_domain::FieldError;
use shegong_domain::Permission;
use shegong_store::entity::user;
use shegong_store::{StoreError, audit, users};
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/account", get(account_page))
        .route("/account/password", get(password_page).post(change_password_page))
        .route("/account/tokens", post(create_token_page))
        .route("/account/tokens/{id}/revoke", post(revoke_token_page))
        .route("/users/{id}/password", post(reset_password_page))
}

/// Routes under `/api/v1`.
pub fn api_routes() -> Router<AppState> {
    Router::new()
        .route("/auth/token", post(create_token))
        .route("/auth/tokens/{id}", delete(revoke_token))
        .route("/me", get(me))
        .route("/me/password", post(change_password))
        .route("/users/{id}/password", post(reset_password))
}

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

// ---------------------------------------------------------------------------------------------
// Login and logout

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    error: String,
    next: String,
    username: String,
    csrf: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LoginQuery {
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
    Ok((
        status,
        AppendHeaders([(header::SET_COOKIE, cookie(st, LOGIN_CSRF_COOKIE, &csrf, 3600))]),
        Html(html),
    )
        .into_response())
}

async fn login_page(State(st): State<AppState>, Query(q): Query<LoginQuery>) -> PageResult {
    login_form(&st, StatusCode::OK, "", &q.next, "")
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LoginForm {
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
    Ok(owner
        .filter(|o| o.eq_ignore_ascii_case(username.trim()))
        .map(|_| d.to_string()))
}

/// Checks a username and password under the throttle: `Ok(None)` for a wrong password,
/// `Err(TooManyAttempts)` when a limit is reached.
async fn guarded_login(
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

async fn login(
    State(st): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> PageResult {
    let expected = cookie_in(&headers, LOGIN_CSRF_COOKIE).unwrap_or("");
    if expected.is_empty() || !constant_eq(expected.as_bytes(), f._csrf.as_bytes()) {
        return login_form(
            &st,
            StatusCode::FORBIDDEN,
            "页面已过期，请重新输入后登录",
            &f.next,
            &f.username,
        );
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
    audit::record(
        &st.db.writer,
        &users::actor_of(&user),
        "auth.login",
        &user.region_code,
        None,
        None,
    )
    .await?;
    let mut cookies = vec![
        (
            header::SET_COOKIE,
            cookie(&st, SESSION_COOKIE, &token, users::SESSION_HOURS * 3600),
        ),
        (header::SET_COOKIE, cookie(&st, LOGIN_CSRF_COOKIE, "", 0)),
    ];
    if device.is_none() {
        let d = users::remember_device(&st.db, user.id).await?;
        cookies.push((header::SET_COOKIE, cookie(&st, DEVICE_COOKIE, &d, 365 * 24 * 3600)));
    }
    let to = if user.must_change_password {
        "/account/password"
    } else {
        safe_next(&f.next)
    };
    Ok((AppendHeaders(cookies), Redirect::to(to)).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CsrfForm {
    _csrf: String,
}

async fn logout(State(st): State<AppState>, caller: Caller, headers: HeaderMap, Form(f): Form<CsrfForm>) -> PageResult {
    caller.check_csrf(&f._csrf)?;
    if let Some(t) = cookie_in(&headers, SESSION_COOKIE) {
        users::delete_session(&st.db, t).await?;
    }
    Ok((
        [(header::SET_COOKIE, cookie(&st, SESSION_COOKIE, "", 0))],
        Redirect::to("/login"),
    )
        .into_response())
}

// ---------------------------------------------------------------------------------------------
// The account page: password and API tokens

/// One API token as the account page lists it.
struct TokenRow {
    name: String,
    created: String,
    revoked: bool,
    expired: bool,
    id: Uuid,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    c: Chrome,
    new_token: String,
    tokens: Vec<TokenRow>,
    token_days: u32,
    must_change: bool,
    notice: String,
    errors: Vec<FieldError>,
    min_chars: usize,
}

async fn account_render(
    st: &AppState,
    caller: &Caller,
    new_token: String,
    notice: &str,
    errors: Vec<FieldError>,
) -> PageResult {
    let tokens = users::list_tokens(&st.db, caller.user.id).await?;
    let max_age = chrono::Duration::days(i64::from(st.settings.token_days));
    let now = chrono::Utc::now();
    render(AccountPage {
        c: chrome(st, caller, "account").await?,
        new_token,
        tokens: tokens
            .into_iter()
            .map(|t| TokenRow {
                name: t.name,
                created: local_time(t.created_at),
                revoked: t.revoked_at.is_some(),
                expired: t.created_at + max_age < now,
                id: t.id,
            })
            .collect(),
        token_days: st.settings.token_days,
        must_change: caller.user.must_change_password,
        notice: notice.into(),
        errors,
        min_chars: shegong_domain::password::MIN_CHARS,
    })
}

async fn account_page(State(st): State<AppState>, caller: Caller, Query(q): Query<crate::flash::Flash>) -> PageResult {
    let notice = q.notice(caller.user.id);
    account_render(&st, &caller, String::new(), &notice, vec![]).await
}

async fn password_page(State(st): State<AppState>, caller: Caller) -> PageResult {
    account_render(&st, &caller, String::new(), "", vec![]).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PasswordForm {
    _csrf: String,
    current_password: String,
    new_password: String,
    confirm_password: String,
}

async fn change_password_page(
    State(st): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Form(f): Form<PasswordForm>,
) -> PageResult {
    caller.check_csrf(&f._csrf)?;
    if f.new_password != f.confirm_password {
        let e = FieldError::new("password_mismatch", "confirm_password", "两次输入的新密码不一致");
        return account_render(&st, &caller, String::new(), "", vec![e]).await;
    }
    let keep = cookie_in(&headers, SESSION_COOKIE);
    match throttled_change(&st, &caller, keep, &f.current_password, &f.new_password).await {
        // After a forced change, on to the home page; otherwise back to the account page.
        Ok(_) if caller.user.must_change_password => Ok(crate::flash::back(
            caller.user.id,
            "/",
            Ok("密码已修改，可以正常使用系统了。".into()),
        )),
        Ok(_) => Ok(crate::flash::back(
            caller.user.id,
            "/account",
            Ok("密码已修改，其他设备上的登录已退出。".into()),
        )),
        Err(AppError::Invalid(errs)) => account_render(&st, &caller, String::new(), "", errs).await,
        Err(e) => Err(e.into()),
    }
}

/// Changes the caller's password with the current password counted like a login attempt, so that a
/// stolen session cannot guess it without limit.
async fn throttled_change(
    st: &AppState,
    caller: &Caller,
    keep: Option<&str>,
    current: &str,
    new: &str,
) -> Result<user::Model, AppError> {
    let limits = Limit::for_login(&caller.user.username, None, None);
    let Some(attempt) = st.throttle.begin(&limits) else {
        return Err(AppError::TooManyAttempts);
    };
    match users::change_password(&st.db, &caller.user, keep, current, new).await {
        Err(StoreError::Invalid(errs)) if errs.iter().any(|e| e.field == "current_password") => {
            attempt.failed();
            Err(AppError::Invalid(errs))
        }
        Err(e) => Err(e.into()),
        Ok(u) => {
            attempt.succeeded();
            Ok(u)
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TokenForm {
    _csrf: String,
    name: String,
}

async fn create_token_page(State(st): State<AppState>, caller: Caller, Form(f): Form<TokenForm>) -> PageResult {
    caller.check_csrf(&f._csrf)?;
    let name = f.name.trim();
    if name.is_empty() {
        let e = FieldError::new("name_required", "name", "请填写令牌用途");
        return account_render(&st, &caller, String::new(), "", vec![e]).await;
    }
    let (t, token) = users::create_token(&st.db, caller.user.id, name).await?;
    audit::record(
        &st.db.writer,
        &caller.actor,
        "auth.token",
        &caller.user.region_code,
        Some(t.id.to_string()),
        None,
    )
    .await?;
    account_render(&st, &caller, token, "", vec![]).await
}

async fn revoke_token_page(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Form(f): Form<CsrfForm>,
) -> PageResult {
    caller.check_csrf(&f._csrf)?;
    users::revoke_token(&st.db, caller.user.id, id).await?;
    Ok(Redirect::to("/account").into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ResetForm {
    _csrf: String,
    new_password: String,
    confirm_password: String,
}

/// An admin's reset from the users page; back to that page with the outcome.
async fn reset_password_page(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Form(f): Form<ResetForm>,
) -> PageResult {
    caller.check_csrf(&f._csrf)?;
    caller.access.require(Permission::ManageUsers)?;
    if f.new_password != f.confirm_password {
        let e = FieldError::new(
            "password_mismatch",
            "confirm_password",
            "两次输入的新密码不一致，未重置",
        );
        return Ok(crate::flash::back(caller.user.id, "/users", Err(e.into())));
    }
    let r = users::reset_password(&st.db, (caller.role, &caller.scope), &caller.actor, id, &f.new_password)
        .await
        .map(|u| format!("已重置 {} 的密码，该用户下次登录时须修改密码。", u.username))
        .map_err(AppError::from);
    Ok(crate::flash::back(caller.user.id, "/users", r))
}

// ---------------------------------------------------------------------------------------------
// JSON

#[derive(Deserialize)]
pub struct TokenRequest {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    name: Option<String>,
}

/// `POST /api/v1/auth/token`: a bearer token for a username and password.
pub async fn create_token(
    State(st): State<AppState>,
    ClientAddr(addr): ClientAddr,
    Json(req): Json<TokenRequest>,
) -> ApiResult<Response> {
    let Some(user) = guarded_login(&st, addr, None, &req.username, &req.password).await? else {
        return Err(AppError::LoginFailed);
    };
    let name: String = req.name.as_deref().unwrap_or("API").chars().take(100).collect();
    let (t, token) = users::create_token(&st.db, user.id, &name).await?;
    audit::record(
        &st.db.writer,
        &users::actor_of(&user),
        "auth.token",
        &user.region_code,
        Some(t.id.to_string()),
        None,
    )
    .await?;
    let expires_at = t.created_at + chrono::Duration::days(i64::from(st.settings.token_days));
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "token": token, "id": t.id, "role": user.role, "region": user.region_code,
            "expires_at": expires_at, "must_change_password": user.must_change_password,
        })),
    )
        .into_response())
}

/// `DELETE /api/v1/auth/tokens/{id}`: revoke one of one's own tokens.
pub async fn revoke_token(State(st): State<AppState>, caller: Caller, Path(id): Path<Uuid>) -> ApiResult<StatusCode> {
    users::revoke_token(&st.db, caller.user.id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn me(caller: Caller) -> Json<Value> {
    Json(json!({
        "username": caller.user.username,
        "display_name": caller.user.display_name,
        "role": caller.role.as_str(),
        "role_label": caller.role.label(),
        "region": caller.scope.region().as_str(),
        "worker_id": caller.user.worker_id,
        "must_change_password": caller.user.must_change_password,
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

/// `POST /api/v1/me/password {"current_password","new_password"}`: 204; the old password stops
/// working at once, the user's browser sessions end and their API tokens (this one included) are
/// revoked. A wrong current password counts like a failed login.
pub async fn change_password(
    State(st): State<AppState>,
    caller: Caller,
    Json(p): Json<PasswordChange>,
) -> ApiResult<StatusCode> {
    throttled_change(&st, &caller, None, &p.current_password, &p.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordReset {
    pub new_password: String,
}

/// `POST /api/v1/users/{id}/password {"new_password"}`: an admin's reset; the user must change the
/// password at the next login, and their sessions and tokens end.
pub async fn reset_password(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(p): Json<PasswordReset>,
) -> ApiResult<Json<Value>> {
    caller.access.require(Permission::ManageUsers)?;
    let u = users::reset_password(&st.db, (caller.role, &caller.scope), &caller.actor, id, &p.new_password).await?;
    Ok(Json(
        json!({"id": u.id, "username": u.username, "must_change_password": u.must_change_password}),
    ))
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
