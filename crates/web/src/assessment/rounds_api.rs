//! Assessment rounds as JSON.

use crate::auth::{Caller, Ctx};
use crate::clock::today;
use crate::error::{ApiResult, AppError};
use crate::extract::Json;
use crate::extract::Path;
use crate::query::Items;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use shegong_domain::FieldError;
use shegong_domain::Permission;
use shegong_domain::career::Grade;
use shegong_store::entity::assessment_round::Model as Round;
use shegong_store::rounds;
use uuid::Uuid;

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct RoundInput {
    pub region: String,
    pub year: Option<i32>,
}

/// 街道创建年度考核（名单为所辖社区的在职人员）
#[utoipa::path(post, path = "/assessment-rounds", tag = "考核", request_body = RoundInput,
    responses((status = 201, description = "年度考核", body = shegong_store::entity::assessment_round::Model)))]
pub async fn create_round(Ctx { st, caller }: Ctx, Json(i): Json<RoundInput>) -> ApiResult<Response> {
    caller.access.require(Permission::ManageAssessment)?;
    let year = i.year.ok_or_else(|| FieldError::new("year_required", "year", "请填写考核年度"))?;
    let r = rounds::create(&st.db, &caller.access, i.region.trim(), year, today()).await?;
    Ok((StatusCode::CREATED, Json(r)).into_response())
}

/// 管辖范围内的年度考核
#[utoipa::path(get, path = "/assessment-rounds", tag = "考核",
    responses((status = 200, description = "列表", body = Items<shegong_store::entity::assessment_round::Model>)))]
pub async fn list_rounds(State(st): State<AppState>, caller: Caller) -> ApiResult<Json<Items<Round>>> {
    Ok(Json(Items::new(rounds::list(&st.db, &caller.scope).await?)))
}

/// 年度考核及名单、评分、等次
#[utoipa::path(get, path = "/assessment-rounds/{id}", tag = "考核", params(("id" = Uuid, Path, description = "年度考核")),
    responses((status = 200, description = "年度考核", body = rounds::RoundView)))]
pub async fn get_round(Ctx { st, caller }: Ctx, Path(id): Path<Uuid>) -> ApiResult<Json<rounds::RoundView>> {
    Ok(Json(rounds::get(&st.db, &caller.scope, id).await?))
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct ScoresInput {
    pub items: Vec<rounds::ScoreInput>,
}

/// 批量录入评分（全部成功或全部不保存）
#[utoipa::path(put, path = "/assessment-rounds/{id}/scores", tag = "考核", params(("id" = Uuid, Path, description = "年度考核")), request_body = ScoresInput,
    responses((status = 200, description = "已保存人数", body = Saved)))]
pub async fn save_scores(
    Ctx { st, caller }: Ctx,
    Path(id): Path<Uuid>,
    Json(i): Json<ScoresInput>,
) -> ApiResult<Json<Saved>> {
    caller.access.require(Permission::ScoreAssessment)?;
    let saved = rounds::save_scores(&st.db, &caller.access, id, &i.items).await?;
    Ok(Json(Saved { saved }))
}

/// 评定等次（评分中 → 已评定），按政策权重、分数线和优秀比例上限
#[utoipa::path(post, path = "/assessment-rounds/{id}/score", tag = "考核", params(("id" = Uuid, Path, description = "年度考核")),
    responses((status = 200, description = "年度考核", body = Round)))]
pub async fn score_round(State(st): State<AppState>, caller: Caller, Path(id): Path<Uuid>) -> ApiResult<Json<Round>> {
    caller.access.require(Permission::ManageAssessment)?;
    Ok(Json(rounds::compute(&st.db, &caller.access, id).await?))
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct GradeInput {
    pub worker_id: Option<Uuid>,
    pub grade: String,
    /// Why the grade departs from what the scores gave (required, 200 characters at most).
    pub reason: String,
}

fn grade_of(s: &str) -> ApiResult<Grade> {
    Grade::parse(s).ok_or_else(|| {
        AppError::Invalid(vec![FieldError::new(
            "grade_unknown",
            "grade",
            "考核等次应为：优秀、合格、基本合格或不合格（excellent|competent|basically_competent|incompetent）",
        )])
    })
}

/// 调整拟定等次（已评定状态，仍受优秀比例上限约束）
#[utoipa::path(post, path = "/assessment-rounds/{id}/grades", tag = "考核", params(("id" = Uuid, Path, description = "年度考核")), request_body = GradeInput,
    responses((status = 200, description = "名单条目", body = shegong_store::entity::assessment_entry::Model)))]
pub async fn set_round_grade(
    Ctx { st, caller }: Ctx,
    Path(id): Path<Uuid>,
    Json(i): Json<GradeInput>,
) -> ApiResult<Json<shegong_store::entity::assessment_entry::Model>> {
    caller.access.require(Permission::ManageAssessment)?;
    let w = i.worker_id.ok_or_else(|| FieldError::new("round_entry", "worker_id", "请指定人员"))?;
    let e = rounds::set_grade(&st.db, &caller.access, id, w, grade_of(&i.grade)?, &i.reason).await?;
    Ok(Json(e))
}

/// 发布（等次写入档案，不可直接修改）；返回触发退出情形的人员
#[utoipa::path(post, path = "/assessment-rounds/{id}/publish", tag = "考核", params(("id" = Uuid, Path, description = "年度考核")),
    responses((status = 200, description = "年度考核及退出提示", body = Published)))]
pub async fn publish_round(Ctx { st, caller }: Ctx, Path(id): Path<Uuid>) -> ApiResult<Json<Published>> {
    caller.access.require(Permission::ManageAssessment)?;
    let (round, flagged) = rounds::publish(&st.db, &caller.access, id).await?;
    let exit_flags = flagged.into_iter().map(|(worker_id, message)| ExitFlag { worker_id, message }).collect();
    Ok(Json(Published { round, exit_flags }))
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct AmendInput {
    pub grade: String,
    pub reason: String,
}

/// 更正已发布的考核等次（留痕）
#[utoipa::path(post, path = "/workers/{id}/assessments/{year}/amend", tag = "考核",
    params(("id" = Uuid, Path, description = "人员"), ("year" = i32, Path, description = "考核年度")), request_body = AmendInput,
    responses((status = 201, description = "更正记录", body = shegong_store::entity::assessment_amendment::Model)))]
pub async fn amend_grade(
    Ctx { st, caller }: Ctx,
    Path((id, year)): Path<(Uuid, i32)>,
    Json(i): Json<AmendInput>,
) -> ApiResult<Response> {
    caller.access.require(Permission::ManageAssessment)?;
    let m = rounds::amend(&st.db, &caller.access, id, year, grade_of(&i.grade)?, &i.reason).await?;
    Ok((StatusCode::CREATED, Json(m)).into_response())
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Saved {
    pub saved: u64,
}

/// A worker the exit rule flags on publication, and why.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ExitFlag {
    pub worker_id: Uuid,
    pub message: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Published {
    pub round: Round,
    pub exit_flags: Vec<ExitFlag>,
}
