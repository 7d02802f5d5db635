//! Users and the audit log as JSON.
use crate::extract::PageQuery;

use crate::auth::{Caller, Ctx};
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
    /// 职能部门用户所属的部门
    pub department_id: Option<Uuid>,
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
                department_id: u.department_id,
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
pub async fn create_user(Ctx { st, caller }: Ctx, Json(new): Json<users::NewUser>) -> ApiResult<Response> {
    caller.access.require(Permission::ManageUsers)?;
    let u = users::create(&st.db, Some((caller.role, &caller.scope)), &caller.actor, new).await?;
    Ok((StatusCode::CREATED, Json(UserCreated { id: u.id, username: u.username, role: u.role, region: u.region_code }))
        .into_response())
}

/// The audit log's filters, as the page takes them, and the page size.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct AuditApiQuery {
    #[serde(flatten)]
    filters: crate::admin::audit::AuditQuery,
    per_page: Option<String>,
}

/// The filters of `GET /audit` (documented here; read by [`AuditApiQuery`]).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct AuditParams {
    /// 操作人用户名
    user: Option<String>,
    /// 操作（如 worker.view_id_number）
    action: Option<String>,
    /// 起始日期（北京时间，含）
    from: Option<String>,
    /// 截止日期（北京时间，含）
    to: Option<String>,
    /// 区划（代码或名称，须在本人管辖范围内）
    region: Option<String>,
    /// 人员（姓名全称或完整身份证号码）：与其有关的记录
    person: Option<String>,
}

/// 审计日志（新的在前；可按操作人、操作、日期、区划、人员筛选）
#[utoipa::path(get, path = "/audit", tag = "用户管理", params(AuditParams, PageQuery),
    responses((status = 200, description = "日志", body = AuditPage)))]
pub async fn audit_log(Ctx { st, caller }: Ctx, Query(q): Query<AuditApiQuery>) -> ApiResult<Json<AuditPage>> {
    caller.access.require(Permission::ReadAuditLog)?;
    let paging = PageQuery { page: q.filters.page.clone(), per_page: q.per_page.clone() };
    let (page, per_page) = paging.paging(50, 500)?;
    let filter = q.filters.filter(&st, &caller).await.map_err(|message| {
        crate::error::AppError::Invalid(vec![shegong_domain::FieldError::new("filter_invalid", "filter", &message)])
    })?;
    let (items, total) = audit::list(&st.db, &caller.access, &filter, page - 1, per_page).await?;
    Ok(Json(AuditPage { items, total }))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct AuditPage {
    pub items: Vec<shegong_store::entity::audit::Model>,
    pub total: u64,
}
