//! Assessment as JSON: a worker's grades and rewards, rounds, scores, publication, amendments.

use crate::archive::views::AssessmentView;
use crate::auth::Ctx;
use crate::clock::today;
use crate::error::ApiResult;
use crate::extract::Json;
use crate::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use shegong_domain::FieldError;
use shegong_domain::Permission;
use shegong_store::career;
use uuid::Uuid;

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct AssessmentInput {
    pub year: Option<i32>,
    pub grade: String,
}

/// 登记已发布的年度考核等次（管理员）；已登记的年度不可直接修改
#[utoipa::path(post, path = "/workers/{id}/assessments", tag = "考核", params(("id" = Uuid, Path, description = "人员")), request_body = AssessmentInput,
    responses((status = 201, description = "考核等次", body = AssessmentView)))]
pub async fn add_assessment(
    Ctx { st, caller }: Ctx,
    Path(id): Path<Uuid>,
    Json(i): Json<AssessmentInput>,
) -> ApiResult<Response> {
    caller.access.require(Permission::ManageAssessment)?;
    let year = i.year.ok_or_else(|| FieldError::new("year_required", "year", "请填写考核年度"))?;
    let grade = shegong_domain::career::Grade::parse(&i.grade).ok_or_else(|| {
        FieldError::new(
            "grade_unknown",
            "grade",
            "考核等次应为：优秀、合格、基本合格或不合格（excellent|competent|basically_competent|incompetent）",
        )
    })?;
    let a = career::record_grade(&st.db, &caller.access, id, year, grade, today()).await?;
    Ok((StatusCode::CREATED, Json(crate::archive::views::assessment_view(&a))).into_response())
}

/// 年度考核等次及退出标记
#[utoipa::path(get, path = "/workers/{id}/assessments", tag = "考核", params(("id" = Uuid, Path, description = "人员")),
    responses((status = 200, description = "考核", body = Assessments)))]
pub async fn list_assessments(Ctx { st, caller }: Ctx, Path(id): Path<Uuid>) -> ApiResult<Json<Assessments>> {
    let grades = career::grades(&st.db, &caller.scope, id).await?;
    let flag = career::flag_of(&grades, shegong_domain::career::ExitRule::default());
    Ok(Json(Assessments {
        items: grades.iter().map(crate::archive::views::assessment_view).collect(),
        exit_flag: flag.is_some(),
        exit_rule: flag.map(|t| t.message),
    }))
}

/// 登记奖励或处分
#[utoipa::path(post, path = "/workers/{id}/rewards", tag = "考核", params(("id" = Uuid, Path, description = "人员")), request_body = career::RewardInput,
    responses((status = 201, description = "奖惩记录", body = shegong_store::entity::reward::Model)))]
pub async fn add_reward(
    Ctx { st, caller }: Ctx,
    Path(id): Path<Uuid>,
    Json(i): Json<career::RewardInput>,
) -> ApiResult<Response> {
    caller.access.require(Permission::EditArchive)?;
    let r = career::add_reward(&st.db, &caller.access, id, &i).await?;
    Ok((StatusCode::CREATED, Json(r)).into_response())
}

/// 奖励和处分
#[utoipa::path(get, path = "/workers/{id}/rewards", tag = "考核", params(("id" = Uuid, Path, description = "人员")),
    responses((status = 200, description = "奖惩记录", body = Rewards)))]
pub async fn list_rewards(Ctx { st, caller }: Ctx, Path(id): Path<Uuid>) -> ApiResult<Json<Rewards>> {
    let items = career::rewards(&st.db, &caller.scope, id).await?;
    Ok(Json(Rewards { items }))
}

/// A worker's published grades, newest first, and whether the exit rule flags them.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Assessments {
    pub items: Vec<AssessmentView>,
    pub exit_flag: bool,
    pub exit_rule: Option<String>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Rewards {
    pub items: Vec<shegong_store::entity::reward::Model>,
}
