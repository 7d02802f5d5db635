//! Departments as JSON: a county's list with what each has in hand, adding one, changing one.

use crate::auth::{Caller, Ctx};
use crate::error::{ApiResult, AppError};
use crate::extract::{Json, Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use shegong_domain::FieldError;
use shegong_domain::departments::split;
use shegong_store::departments::{self, DepartmentInput};
use shegong_store::entity::department;
use uuid::Uuid;

/// A department as the API and the pages show it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct DepartmentView {
    pub id: Uuid,
    /// 所属县（市、区）区划代码
    pub county_code: String,
    pub name: String,
    /// 职责范围：事件分类键
    pub remit: Vec<String>,
    /// 职责范围：分类名称
    pub remit_labels: Vec<String>,
    /// 已停用
    pub disabled: bool,
    /// 在办：已交办、尚未反馈的事件数
    pub in_hand: i64,
    /// 其中超过处置时限的
    pub overdue: i64,
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct CountyQuery {
    /// 县（市、区）区划代码（6位）；县级及以下用户可省略
    pub county: Option<String>,
}

/// The county a request is about: the one named, or the caller's own (a county's or anyone's below it).
pub(crate) fn county_of(caller: &Caller, asked: Option<&str>) -> Result<String, AppError> {
    match asked.map(str::trim).filter(|s| !s.is_empty()) {
        Some(c) => Ok(c.to_string()),
        None => {
            caller.scope.region().as_str().get(..6).map(str::to_string).ok_or_else(|| {
                AppError::Invalid(vec![FieldError::new("county_required", "county", "请指定县（市、区）")])
            })
        }
    }
}

/// The views of a county's departments, with the labels of the county's categories.
pub(crate) async fn views(
    st: &crate::state::AppState,
    caller: &Caller,
    county: &str,
    rows: Vec<department::Model>,
) -> Result<Vec<DepartmentView>, AppError> {
    let policy = shegong_store::events::policy_for(&st.db, county, crate::clock::today()).await?;
    let load = departments::workload(&st.db, &caller.access, county).await?;
    Ok(rows
        .into_iter()
        .map(|d| {
            let remit = split(&d.remit);
            let (in_hand, overdue) = load.get(&d.id).copied().unwrap_or((0, 0));
            DepartmentView {
                remit_labels: remit.iter().map(|k| policy.path_label(k).unwrap_or_else(|| k.clone())).collect(),
                remit,
                id: d.id,
                county_code: d.county_code,
                name: d.name,
                disabled: d.disabled,
                in_hand,
                overdue,
            }
        })
        .collect())
}

/// 县（市、区）的职能部门：职责范围（事件分类）与在办、超期件数
#[utoipa::path(get, path = "/departments", tag = "职能部门", params(CountyQuery),
    responses((status = 200, description = "职能部门", body = Vec<DepartmentView>)))]
pub async fn list_departments(
    Ctx { st, caller }: Ctx,
    Query(q): Query<CountyQuery>,
) -> ApiResult<Json<Vec<DepartmentView>>> {
    let county = county_of(&caller, q.county.as_deref())?;
    let rows = departments::of_county(&st.db, &caller.access, &county).await?;
    Ok(Json(views(&st, &caller, &county, rows).await?))
}

/// 新增职能部门（县级以上民政部门管理员）：名称与职责范围内的事件分类
#[utoipa::path(post, path = "/departments", tag = "职能部门", request_body = DepartmentInput,
    responses((status = 201, description = "已新增", body = DepartmentView)))]
pub async fn add_department(Ctx { st, caller }: Ctx, Json(i): Json<DepartmentInput>) -> ApiResult<Response> {
    caller.access.require(shegong_domain::Permission::ManageDepartments)?;
    let county = county_of(&caller, i.county.as_deref())?;
    let d = departments::add(&st.db, &caller.access, &county, &i).await?;
    let v = views(&st, &caller, &county, vec![d]).await?.pop().ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

/// 修改职能部门的名称、职责范围或停用（已交办的事件不受影响）
#[utoipa::path(patch, path = "/departments/{id}", tag = "职能部门", params(("id" = Uuid, Path)),
    request_body = DepartmentInput,
    responses((status = 200, description = "已修改", body = DepartmentView)))]
pub async fn update_department(
    Ctx { st, caller }: Ctx,
    Path(id): Path<Uuid>,
    Json(i): Json<DepartmentInput>,
) -> ApiResult<Json<DepartmentView>> {
    let d = departments::update(&st.db, &caller.access, id, &i).await?;
    let county = d.county_code.clone();
    Ok(Json(views(&st, &caller, &county, vec![d]).await?.pop().ok_or(AppError::NotFound)?))
}
