//! Users and the audit log as JSON.
use crate::extract::PageQuery;

use crate::auth::Caller;
use crate::error::ApiResult;
use crate::extract::Json;
use crate::extract::Query;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use shegong_domain::Permission;
use shegong_store::{audit, users};

pub async fn list_users(State(st): State<AppState>, caller: Caller) -> ApiResult<Json<Value>> {
    caller.access.require(Permission::ManageUsers)?;
    let rows = users::list(&st.db, &caller.access).await?;
    let items: Vec<Value> = rows
        .iter()
        .map(|u| json!({"id": u.id, "username": u.username, "display_name": u.display_name, "role": u.role, "region": u.region_code, "disabled": u.disabled}))
        .collect();
    Ok(Json(json!({ "items": items, "total": items.len() })))
}

pub async fn create_user(
    State(st): State<AppState>,
    caller: Caller,
    Json(new): Json<users::NewUser>,
) -> ApiResult<Response> {
    caller.access.require(Permission::ManageUsers)?;
    let u = users::create(&st.db, Some((caller.role, &caller.scope)), &caller.actor, new).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": u.id, "username": u.username, "role": u.role, "region": u.region_code})),
    )
        .into_response())
}

pub async fn audit_log(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<Value>> {
    caller.access.require(Permission::ReadAuditLog)?;
    let (page, per_page) = q.paging(50, 500)?;
    let (rows, total) = audit::list(&st.db, &caller.access, page - 1, per_page).await?;
    Ok(Json(json!({ "items": rows, "total": total })))
}
