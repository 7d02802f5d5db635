//! Training as JSON: courses, enrolment, results, who is short of hours.
use crate::query::RegionQuery;
use crate::query::narrowed;
use shegong_domain::status::{Attendance, Status};

use crate::auth::{Caller, Ctx};
use crate::clock::today;
use crate::error::{ApiResult, AppError};
use crate::extract::Json;
use crate::extract::{Path, Query};
use crate::query::Items;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use shegong_domain::Permission;
use shegong_store::workers::WorkerFilter;
use shegong_store::{career, regions};
use uuid::Uuid;

/// 新建培训（课程或班次，由管辖范围内的区划举办）
#[utoipa::path(post, path = "/trainings", tag = "培训", request_body = shegong_store::training::TrainingInput,
    responses((status = 201, description = "培训", body = shegong_store::entity::training::Model)))]
pub async fn create_training(
    Ctx { st, caller }: Ctx,
    Json(i): Json<shegong_store::training::TrainingInput>,
) -> ApiResult<Response> {
    caller.access.require(Permission::ManageTraining)?;
    let t = shegong_store::training::create(&st.db, &caller.access, &i).await?;
    Ok((StatusCode::CREATED, Json(t)).into_response())
}

/// 管辖范围内举办的培训及参训人数
#[utoipa::path(get, path = "/trainings", tag = "培训",
    responses((status = 200, description = "培训", body = Items<TrainingItem>)))]
pub async fn list_trainings(State(st): State<AppState>, caller: Caller) -> ApiResult<Json<Items<TrainingItem>>> {
    if caller.scope.only_worker().is_some() {
        return Err(AppError::NotFound);
    }
    let rows = shegong_store::training::list(&st.db, &caller.scope).await?;
    Ok(Json(Items::new(
        rows.into_iter().map(|(training, participants)| TrainingItem { training, participants }).collect(),
    )))
}

/// 批量记录参训（名单筛选条件选中的在岗人员）
#[utoipa::path(post, path = "/trainings/{id}/enrol", tag = "培训", params(("id" = Uuid, Path, description = "培训")), request_body = WorkerFilter,
    responses((status = 200, description = "新增参训人数", body = Enrolled)))]
pub async fn enrol_training(
    Ctx { st, caller }: Ctx,
    Path(id): Path<Uuid>,
    Json(filter): Json<WorkerFilter>,
) -> ApiResult<Json<Enrolled>> {
    caller.access.require(Permission::ManageTraining)?;
    let filter = WorkerFilter { id_prefix_search: caller.role.may(Permission::ViewFullIdNumber), ..filter };
    let added = shegong_store::training::enrol(&st.db, &caller.access, id, &filter, today()).await?;
    Ok(Json(Enrolled { added }))
}

/// 培训逾期人员（按政策的轮训周期和年度学分）
#[utoipa::path(get, path = "/training/overdue", tag = "培训", params(RegionQuery),
    responses((status = 200, description = "逾期人员", body = Items<shegong_store::training::Overdue>)))]
pub async fn training_overdue(
    Ctx { st, caller }: Ctx,
    Query(q): Query<RegionQuery>,
) -> ApiResult<Json<Items<shegong_store::training::Overdue>>> {
    let scope = narrowed(&caller, &q)?;
    let rotation = career::rules_in_force(&st.db, scope.region().as_str(), today()).await?.rotation;
    let rows = shegong_store::training::overdue(&st.db, &scope, today(), rotation).await?;
    Ok(Json(Items::new(rows)))
}

/// 导出培训逾期人员（Excel）
#[utoipa::path(get, path = "/training/overdue.xlsx", tag = "培训", params(RegionQuery),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn training_overdue_xlsx(Ctx { st, caller }: Ctx, Query(q): Query<RegionQuery>) -> ApiResult<Response> {
    let scope = narrowed(&caller, &q)?;
    let rotation = career::rules_in_force(&st.db, scope.region().as_str(), today()).await?.rotation;
    let rows = shegong_store::training::overdue(&st.db, &scope, today(), rotation).await?;
    let names = regions::community_names_in(&st.db, &caller.scope, scope.region().as_str()).await?;
    crate::training::export::overdue_xlsx(&rows, &names).await
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct ResultInput {
    pub attendance: Option<String>,
    pub result: Option<String>,
}

/// 记录一名人员的出勤和结果（缺勤或未通过不计学分）
#[utoipa::path(put, path = "/trainings/{id}/records/{worker_id}", tag = "培训",
    params(("id" = Uuid, Path, description = "培训"), ("worker_id" = Uuid, Path, description = "人员")), request_body = ResultInput,
    responses((status = 200, description = "培训记录", body = shegong_store::entity::training_record::Model)))]
pub async fn set_training_result(
    Ctx { st, caller }: Ctx,
    Path((id, worker)): Path<(Uuid, Uuid)>,
    Json(i): Json<ResultInput>,
) -> ApiResult<Json<shegong_store::entity::training_record::Model>> {
    caller.access.require(Permission::ManageTraining)?;
    let r = shegong_store::training::set_result(
        &st.db,
        &caller.access,
        id,
        worker,
        i.attendance.as_deref().unwrap_or(Attendance::Attended.as_str()),
        i.result.as_deref().filter(|s| !s.is_empty()),
    )
    .await?;
    Ok(Json(r.0))
}

/// A training with how many took part.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct TrainingItem {
    #[serde(flatten)]
    pub training: shegong_store::entity::training::Model,
    pub participants: i64,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Enrolled {
    pub added: u64,
}
