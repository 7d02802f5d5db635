//! The reserve pool as JSON.
use crate::query::region_of;

use crate::auth::{Caller, Ctx};
use crate::clock::today;
use crate::error::{ApiResult, AppError};
use crate::extract::Json;
use crate::extract::PageQuery;
use crate::extract::{Path, Query};
use crate::query::{Paged, RegionQuery};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use shegong_domain::Permission;
use shegong_store::reserves;
use uuid::Uuid;

/// 后备力量名单（分页）
#[utoipa::path(get, path = "/reserves", tag = "后备力量", params(RegionQuery, PageQuery),
    responses((status = 200, description = "名单", body = Paged<shegong_store::entity::reserve::Model>)))]
pub async fn list_reserves(
    Ctx { st, caller }: Ctx,
    Query(q): Query<ReserveQuery>,
) -> ApiResult<Json<Paged<shegong_store::entity::reserve::Model>>> {
    let (page, per_page) = q.paging.paging(200, 1000)?;
    let (rows, total) = reserves::list(&st.db, &caller.scope, q.region.as_deref(), page, per_page).await?;
    Ok(Json(Paged { items: rows, total, page, per_page, next: None }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReserveQuery {
    pub region: Option<String>,
    #[serde(flatten)]
    pub paging: PageQuery,
}

/// 新增后备人选
#[utoipa::path(post, path = "/reserves", tag = "后备力量", request_body = reserves::ReserveInput,
    responses((status = 201, description = "后备人选", body = shegong_store::entity::reserve::Model)))]
pub async fn add_reserve(Ctx { st, caller }: Ctx, Json(i): Json<reserves::ReserveInput>) -> ApiResult<Response> {
    caller.access.require(Permission::ManageReserves)?;
    let r = reserves::add(&st.db, &caller.access, &i, today()).await?;
    Ok((StatusCode::CREATED, Json(r)).into_response())
}

/// 移出后备名单（记录保留）
#[utoipa::path(delete, path = "/reserves/{id}", tag = "后备力量", params(("id" = Uuid, Path)),
    responses((status = 204, description = "已移出")))]
pub async fn remove_reserve(State(st): State<AppState>, caller: Caller, Path(id): Path<Uuid>) -> ApiResult<StatusCode> {
    caller.access.require(Permission::ManageReserves)?;
    reserves::remove(&st.db, &caller.access, id, today()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// 各社区两委职数、后备人数与按比例应有人数
#[utoipa::path(get, path = "/reserves/coverage", tag = "后备力量", params(RegionQuery),
    responses((status = 200, description = "覆盖情况", body = CoverageList)))]
pub async fn reserve_coverage(Ctx { st, caller }: Ctx, Query(q): Query<RegionQuery>) -> ApiResult<Json<CoverageList>> {
    let scope = match q.region.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(r) => caller.scope.narrow(&region_of(r)?).ok_or(AppError::NotFound)?,
        None => caller.scope.clone(),
    };
    let rows = reserves::coverage(&st.db, &scope, today()).await?;
    let short = rows.iter().filter(|c| c.short() > 0).count();
    Ok(Json(CoverageList { items: rows, communities_short: short }))
}

/// Every community's pool, and how many fall short of the ratio.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct CoverageList {
    pub items: Vec<reserves::Coverage>,
    pub communities_short: usize,
}
