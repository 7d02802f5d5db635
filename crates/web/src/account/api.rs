//! Accounts as JSON: tokens, who am I, password change and reset.
use crate::account::login::guarded_login;
use crate::account::page::throttled_change;

use crate::auth::Caller;
use crate::error::{ApiResult, AppError};
use crate::extract::ClientAddr;
use crate::extract::{Json, Path};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use shegong_domain::Permission;
use shegong_store::{audit, users};
use uuid::Uuid;

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
    audit::entry(&users::actor_of(&user), "auth.token", &user.region_code)
        .target(t.id)
        .save(&st.db.writer)
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
