//! Grids as JSON: coverage figures, one grid with its history, assigning and releasing duties, and
//! the roster file.
use crate::auth::Ctx;
use crate::clock::today;
use crate::error::{ApiResult, AppError};
use crate::extract::{Json, Path, Query};
use crate::imports::api::read_upload;
use crate::query::{RegionQuery, region_of};
use axum::extract::Multipart;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use shegong_domain::{FieldError, Permission};
use shegong_store::entity::grid_duty;
use shegong_store::grids::{self, CoverageReport, DutyInput, GridPage, ImportOutcome};
use uuid::Uuid;

/// 网格覆盖情况：无网格员的网格、超过户数上限的网格、每名网格员服务户数、每百户联户长、网格党小组，及各下级区划
#[utoipa::path(get, path = "/grids", tag = "网格", params(RegionQuery),
    responses((status = 200, description = "覆盖情况", body = CoverageReport)))]
pub async fn coverage(Ctx { st, caller }: Ctx, Query(q): Query<RegionQuery>) -> ApiResult<Json<CoverageReport>> {
    caller.access.require(Permission::ViewRegion)?;
    let scope = match q.region.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(r) => caller.scope.narrow(&region_of(r.trim())?).ok_or(AppError::NotFound)?,
        None => caller.scope.clone(),
    };
    Ok(Json(grids::coverage(&st.db, &scope, scope.region(), today()).await?))
}

/// 一个网格：现任网格员、包格两委、联户长、网格党小组，以及全部变动记录
#[utoipa::path(get, path = "/grids/{code}", tag = "网格", params(("code" = String, Path, description = "网格代码（15位）")),
    responses((status = 200, description = "网格", body = GridPage)))]
pub async fn grid(Ctx { st, caller }: Ctx, Path(code): Path<String>) -> ApiResult<Json<GridPage>> {
    caller.access.require(Permission::ViewRegion)?;
    Ok(Json(grids::get(&st.db, &caller.scope, &code, today()).await?))
}

/// 指派网格职责（网格员、包格两委须为本社区在岗人员；联户长填姓名、电话、联系户数；网格党小组填名称，替换现有的）
#[utoipa::path(post, path = "/grids/{code}/duties", tag = "网格", params(("code" = String, Path, description = "网格代码")),
    request_body = DutyInput,
    responses((status = 201, description = "已指派", body = grid_duty::Model)))]
pub async fn add_duty(
    Ctx { st, caller }: Ctx,
    Path(code): Path<String>,
    Json(i): Json<DutyInput>,
) -> ApiResult<Response> {
    let d = grids::add(&st.db, &caller.access, &code, &i, today()).await?;
    Ok((StatusCode::CREATED, Json(d)).into_response())
}

/// 解除网格职责（记录保留）
#[utoipa::path(post, path = "/grids/duties/{id}/end", tag = "网格", params(("id" = Uuid, Path)),
    responses((status = 200, description = "已解除", body = grid_duty::Model)))]
pub async fn end_duty(Ctx { st, caller }: Ctx, Path(id): Path<Uuid>) -> ApiResult<Json<grid_duty::Model>> {
    Ok(Json(grids::end(&st.db, &caller.access, id, today()).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ImportQuery {
    /// true：只检查，不写入
    pub dry_run: bool,
}

/// 导入网格名册（multipart，字段 file：.xlsx 或 .csv，列同导出的名册）；文件中出现的网格以文件为准，全部无误才写入
#[utoipa::path(post, path = "/grids/import", tag = "网格", params(ImportQuery),
    request_body(content_type = "multipart/form-data", description = "file：网格名册"),
    responses((status = 200, description = "结果", body = ImportOutcome)))]
pub async fn import(
    Ctx { st, caller }: Ctx,
    Query(q): Query<ImportQuery>,
    m: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<Json<ImportOutcome>> {
    // Who may import is answered before the body is read.
    caller.access.require(Permission::ManageGrids)?;
    let m = m.map_err(|_| {
        AppError::Invalid(vec![FieldError::new("grid_file", "file", "请以 multipart/form-data 上传文件（字段 file）")])
    })?;
    let up = read_upload(m).await?;
    let rows = shegong_store::imports::read_rows(&up.filename, &up.bytes)?;
    let o = grids::import(&st.db, &caller.access, &rows, q.dry_run, today()).await?;
    if o.errors.is_empty() { Ok(Json(o)) } else { Err(super::file::refusal(&o)) }
}
