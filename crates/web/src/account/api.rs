//! Accounts as JSON: tokens, who am I, password change and reset.
use crate::account::login::guarded_login;
use crate::account::page::throttled_change;

use crate::auth::{Caller, Ctx};
use crate::error::{ApiResult, AppError};
use crate::extract::ClientAddr;
use crate::extract::{Json, Path};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use shegong_domain::Permission;
use shegong_store::{audit, users};
use uuid::Uuid;

#[derive(Deserialize, utoipa::ToSchema)]
pub struct TokenRequest {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    name: Option<String>,
    /// 外部系统名称（如 12345热线）：用此令牌上报的民情事件来源记为外部系统，并以此命名
    #[serde(default)]
    source_label: Option<String>,
}

/// A bearer token and who it speaks for.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct TokenIssued {
    pub token: String,
    pub id: Uuid,
    pub role: String,
    pub region: String,
    pub expires_at: chrono::DateTime<chrono::Utc>,
    pub must_change_password: bool,
}

/// 用用户名和密码换取 API 令牌
#[utoipa::path(post, path = "/auth/token", tag = "认证", security(()), request_body = TokenRequest,
    responses((status = 201, description = "令牌（Bearer）", body = TokenIssued)))]
pub async fn create_token(
    State(st): State<AppState>,
    ClientAddr(addr): ClientAddr,
    Json(req): Json<TokenRequest>,
) -> ApiResult<Response> {
    let Some(user) = guarded_login(&st, addr, None, &req.username, &req.password).await? else {
        return Err(AppError::LoginFailed);
    };
    let name: String = req.name.as_deref().unwrap_or("API").chars().take(100).collect();
    let (t, token) = users::create_token(&st.db, user.id, &name, req.source_label.as_deref()).await?;
    audit::entry(&users::actor_of(&user), "auth.token", &user.region_code).target(t.id).save(&st.db.writer).await?;
    let expires_at = t.created_at + chrono::Duration::days(i64::from(st.settings.token_days));
    Ok((
        StatusCode::CREATED,
        Json(TokenIssued {
            token,
            id: t.id,
            role: user.role,
            region: user.region_code,
            expires_at,
            must_change_password: user.must_change_password,
        }),
    )
        .into_response())
}

/// 吊销本人的一个 API 令牌
#[utoipa::path(delete, path = "/auth/tokens/{id}", tag = "认证", params(("id" = Uuid, Path)),
    responses((status = 204, description = "已吊销")))]
pub async fn revoke_token(State(st): State<AppState>, caller: Caller, Path(id): Path<Uuid>) -> ApiResult<StatusCode> {
    users::revoke_token(&st.db, caller.user.id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller: who they are and where they may look.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Me {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub role_label: String,
    pub region: String,
    pub worker_id: Option<Uuid>,
    pub must_change_password: bool,
}

/// 当前用户：角色与管辖区划
#[utoipa::path(get, path = "/me", tag = "认证", responses((status = 200, description = "当前用户", body = Me)))]
pub async fn me(caller: Caller) -> Json<Me> {
    Json(Me {
        username: caller.user.username.clone(),
        display_name: caller.user.display_name.clone(),
        role: caller.role.as_str().into(),
        role_label: caller.role.label().into(),
        region: caller.scope.region().as_str().into(),
        worker_id: caller.user.worker_id,
        must_change_password: caller.user.must_change_password,
    })
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

/// `POST /api/v1/me/password {"current_password","new_password"}`: 204; the old password stops
/// working at once, the user's browser sessions end and their API tokens (this one included) are
/// revoked. A wrong current password counts like a failed login.
#[utoipa::path(post, path = "/me/password", tag = "认证", request_body = PasswordChange,
    responses((status = 204, description = "已修改；本人的会话和令牌全部失效")))]
pub async fn change_password(Ctx { st, caller }: Ctx, Json(p): Json<PasswordChange>) -> ApiResult<StatusCode> {
    throttled_change(&st, &caller, None, &p.current_password, &p.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct PasswordReset {
    pub new_password: String,
}

/// `POST /api/v1/users/{id}/password {"new_password"}`: an admin's reset; the user must change the
/// password at the next login, and their sessions and tokens end.
#[utoipa::path(post, path = "/users/{id}/password", tag = "用户管理", params(("id" = Uuid, Path)),
    request_body = PasswordReset, responses((status = 200, description = "已重置", body = PasswordWasReset)))]
pub async fn reset_password(
    Ctx { st, caller }: Ctx,
    Path(id): Path<Uuid>,
    Json(p): Json<PasswordReset>,
) -> ApiResult<Json<PasswordWasReset>> {
    caller.access.require(Permission::ManageUsers)?;
    let u = users::reset_password(&st.db, (caller.role, &caller.scope), &caller.actor, id, &p.new_password).await?;
    Ok(Json(PasswordWasReset { id: u.id, username: u.username, must_change_password: u.must_change_password }))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct PasswordWasReset {
    pub id: Uuid,
    pub username: String,
    pub must_change_password: bool,
}
