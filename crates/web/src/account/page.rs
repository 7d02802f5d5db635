//! The account page: password change, API tokens, an admin's password reset.
use crate::page::CsrfForm;

use crate::auth::{Caller, Ctx, SESSION_COOKIE, cookie_in};
use crate::clock::local_time;
use crate::error::AppError;
use crate::extract::Path;
use crate::page::{Chrome, PageResult, chrome, render};
use crate::state::AppState;
use crate::throttle::Limit;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use shegong_domain::FieldError;
use shegong_domain::Permission;
use shegong_store::entity::user;
use shegong_store::{StoreError, audit, users};
use uuid::Uuid;

/// One API token as the account page lists it.
struct TokenRow {
    name: String,
    /// The other system it reports for (empty: none).
    source_label: String,
    created: String,
    revoked: bool,
    expired: bool,
    id: Uuid,
}

#[derive(Template)]
#[template(path = "account/account.html")]
struct AccountPage {
    c: Chrome,
    new_token: String,
    tokens: Vec<TokenRow>,
    token_days: u32,
    must_change: bool,
    notice: String,
    errors: Vec<FieldError>,
    min_chars: usize,
    /// The 系统 page (links to users, the audit log, the API document, and API tokens) rather than
    /// the account page (the password).
    system: bool,
}

async fn account_render(
    st: &AppState,
    caller: &Caller,
    new_token: String,
    notice: &str,
    errors: Vec<FieldError>,
) -> PageResult {
    page_render(st, caller, new_token, notice, errors, false).await
}

/// The 系统 page: for the staff who connect other systems, not for a worker.
pub(crate) async fn system_page(Ctx { st, caller }: Ctx, Query(q): Query<crate::flash::Flash>) -> PageResult {
    if caller.scope.only_worker().is_some() {
        return Err(AppError::NotFound.into());
    }
    let notice = q.notice(caller.user.id);
    page_render(&st, &caller, String::new(), &notice, vec![], true).await
}

async fn page_render(
    st: &AppState,
    caller: &Caller,
    new_token: String,
    notice: &str,
    errors: Vec<FieldError>,
    system: bool,
) -> PageResult {
    let tokens = users::list_tokens(&st.db, caller.user.id).await?;
    let max_age = chrono::Duration::days(i64::from(st.settings.token_days));
    let now = chrono::Utc::now();
    render(AccountPage {
        c: chrome(st, caller, if system { "system" } else { "account" }).await?,
        new_token,
        tokens: tokens
            .into_iter()
            .map(|t| TokenRow {
                source_label: t.source_label.unwrap_or_default(),
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
        system,
    })
}

pub(crate) async fn account_page(Ctx { st, caller }: Ctx, Query(q): Query<crate::flash::Flash>) -> PageResult {
    let notice = q.notice(caller.user.id);
    account_render(&st, &caller, String::new(), &notice, vec![]).await
}

pub(crate) async fn password_page(State(st): State<AppState>, caller: Caller) -> PageResult {
    account_render(&st, &caller, String::new(), "", vec![]).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct PasswordForm {
    _csrf: String,
    current_password: String,
    new_password: String,
    confirm_password: String,
}

pub(crate) async fn change_password_page(
    Ctx { st, caller }: Ctx,
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
        Ok(_) if caller.user.must_change_password => {
            Ok(crate::flash::back(caller.user.id, "/", Ok("密码已修改，可以正常使用系统了。".into())))
        }
        Ok(_) => Ok(crate::flash::back(caller.user.id, "/account", Ok("密码已修改，其他设备上的登录已退出。".into()))),
        Err(AppError::Invalid(errs)) => account_render(&st, &caller, String::new(), "", errs).await,
        Err(e) => Err(e.into()),
    }
}

/// Changes the caller's password with the current password counted like a login attempt, so that a
/// stolen session cannot guess it without limit.
pub(crate) async fn throttled_change(
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
pub(crate) struct TokenForm {
    _csrf: String,
    name: String,
    source_label: String,
}

pub(crate) async fn create_token_page(Ctx { st, caller }: Ctx, Form(f): Form<TokenForm>) -> PageResult {
    caller.check_csrf(&f._csrf)?;
    // Tokens are for staff connecting other systems (the 系统 page), not for a worker.
    if caller.scope.only_worker().is_some() {
        return Err(AppError::NotFound.into());
    }
    let name = f.name.trim();
    if name.is_empty() {
        let e = FieldError::new("name_required", "name", "请填写令牌用途");
        return page_render(&st, &caller, String::new(), "", vec![e], true).await;
    }
    let label = Some(f.source_label.as_str()).filter(|l| !l.trim().is_empty());
    let (t, token) = match users::create_token(&st.db, caller.user.id, name, label).await {
        Ok(x) => x,
        Err(shegong_store::StoreError::Invalid(errors)) => {
            return page_render(&st, &caller, String::new(), "", errors, true).await;
        }
        Err(e) => return Err(AppError::from(e).into()),
    };
    audit::entry(&caller.actor, "auth.token", &caller.user.region_code).target(t.id).save(&st.db.writer).await?;
    page_render(&st, &caller, token, "", vec![], true).await
}

pub(crate) async fn revoke_token_page(
    Ctx { st, caller }: Ctx,
    Path(id): Path<Uuid>,
    Form(f): Form<CsrfForm>,
) -> PageResult {
    caller.check_csrf(&f._csrf)?;
    users::revoke_token(&st.db, caller.user.id, id).await?;
    Ok(Redirect::to("/system").into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct ResetForm {
    _csrf: String,
    new_password: String,
    confirm_password: String,
}

/// An admin's reset from the users page; back to that page with the outcome.
pub(crate) async fn reset_password_page(
    Ctx { st, caller }: Ctx,
    Path(id): Path<Uuid>,
    Form(f): Form<ResetForm>,
) -> PageResult {
    caller.check_csrf(&f._csrf)?;
    caller.access.require(Permission::ManageUsers)?;
    if f.new_password != f.confirm_password {
        let e = FieldError::new("password_mismatch", "confirm_password", "两次输入的新密码不一致，未重置");
        return Ok(crate::flash::back(caller.user.id, "/users", Err(e.into())));
    }
    let r = users::reset_password(&st.db, (caller.role, &caller.scope), &caller.actor, id, &f.new_password)
        .await
        .map(|u| format!("已重置 {} 的密码，该用户下次登录时须修改密码。", u.username))
        .map_err(AppError::from);
    Ok(crate::flash::back(caller.user.id, "/users", r))
}
