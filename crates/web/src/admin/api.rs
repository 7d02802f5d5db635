//! Users and the audit log as JSON.
use crate::extract::PageQuery;

use crate::auth::Caller;
use crate::error::ApiResult;
use crate::extract::Json;
use crate::extract::Query;
use crate::query::Items;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use shegong_domain::Permission;
use shegong_store::{audit, users};
use uuid::Uuid;

/// A user as the administrator sees them (never a password or its hash).
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct UserItem {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub region: String,
    pub disabled: bool,
}

/// 管辖范围内的用户
#[utoipa::path(get, path = "/users", tag = "用户管理", responses((status = 200, description = "用户", body = Items<UserItem>)))]
pub async fn list_users(State(st): State<AppState>, caller: Caller) -> ApiResult<Json<Items<UserItem>>> {
    caller.access.require(Permission::ManageUsers)?;
    let rows = users::list(&st.db, &caller.access).await?;
    Ok(Json(Items::new(
        rows.into_iter()
            .map(|u| UserItem {
                id: u.id,
                username: u.username,
                display_name: u.display_name,
                role: u.role,
                region: u.region_code,
                disabled: u.disabled,
            })
            .collect(),
    )))
}

/// A user just created.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct UserCreated {
    pub id: Uuid,
    pub username: String,
    pub role: String,
    pub region: String,
}

/// 新建用户（只能建在本人管辖范围内、角色不高于本人）
#[utoipa::path(post, path = "/users", tag = "用户管理", request_body = users::NewUser,
    responses((status = 201, description = "已创建", body = UserCreated)))]
pub async fn create_user(
    State(st): State<AppState>,
    caller: Caller,
    Json(new): Json<users::NewUser>,
) -> ApiResult<Response> {
    caller.access.require(Permission::ManageUsers)?;
    let u = users::create(&st.db, Some((caller.role, &caller.scope)), &caller.actor, new).await?;
    Ok((
        StatusCode::CREATED,
        Json(UserCreated {
            id: u.id,
            username: u.username,
            role: u.role,
            region: u.region_code,
        }),
    )
        .into_response())
}

/// 审计日志（新的在前）
#[utoipa::path(get, path = "/audit", tag = "用户管理", params(PageQuery),
    responses((status = 200, description = "日志", body = AuditPage)))]
pub async fn audit_log(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<AuditPage>> {
    caller.access.require(Permission::ReadAuditLog)?;
    let (page, per_page) = q.paging(50, 500)?;
    let (items, total) = audit::list(&st.db, &caller.access, &Default::default(), page - 1, per_page).await?;
    Ok(Json(AuditPage { items, total }))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct AuditPage {
    pub items: Vec<shegong_store::entity::audit::Model>,
    pub total: u64,
}
