//! The reserve pool as JSON.
use crate::query::region_of;

use crate::auth::Caller;
use crate::clock::today;
use crate::error::{ApiResult, AppError};
use crate::extract::Json;
use crate::extract::PageQuery;
use crate::extract::{Path, Query};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use shegong_domain::Permission;
use shegong_store::reserves;
use uuid::Uuid;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RegionQuery {
    pub region: Option<String>,
}

/// `GET /api/v1/reserves?region=`: current candidates.
pub async fn list_reserves(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<ReserveQuery>,
) -> ApiResult<Json<Value>> {
    let (page, per_page) = q.paging.paging(200, 1000)?;
    let (rows, total) = reserves::list(&st.db, &caller.scope, q.region.as_deref(), page, per_page).await?;
    Ok(Json(
        json!({ "items": rows, "total": total, "page": page, "per_page": per_page }),
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReserveQuery {
    pub region: Option<String>,
    #[serde(flatten)]
    pub paging: PageQuery,
}

/// `POST /api/v1/reserves`.
pub async fn add_reserve(
    State(st): State<AppState>,
    caller: Caller,
    Json(i): Json<reserves::ReserveInput>,
) -> ApiResult<Response> {
    caller.access.require(Permission::ManageReserves)?;
    let r = reserves::add(&st.db, &caller.access, &i, today()).await?;
    Ok((StatusCode::CREATED, Json(json!(r))).into_response())
}

/// `DELETE /api/v1/reserves/{id}`: takes a candidate out of the pool (kept, dated).
pub async fn remove_reserve(State(st): State<AppState>, caller: Caller, Path(id): Path<Uuid>) -> ApiResult<StatusCode> {
    caller.access.require(Permission::ManageReserves)?;
    reserves::remove(&st.db, &caller.access, id, today()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/v1/reserves/coverage?region=`: seats, candidates and shortfall per community.
pub async fn reserve_coverage(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<RegionQuery>,
) -> ApiResult<Json<Value>> {
    let scope = match q.region.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(r) => caller.scope.narrow(&region_of(r)?).ok_or(AppError::NotFound)?,
        None => caller.scope.clone(),
    };
    let rows = reserves::coverage(&st.db, &scope, today()).await?;
    let short = rows.iter().filter(|c| c.short() > 0).count();
    Ok(Json(json!({ "items": rows, "communities_short": short })))
}
