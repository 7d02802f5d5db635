//! The applicant's side as JSON: `/api/v1/applicants` (register, sign in, who am I) and
//! `/api/v1/applications` (apply, follow, add scans). A signed-in applicant reaches their own
//! applications and nothing else; the token is the session's, sent as `Authorization: Bearer`.

use super::app_views::JobApplicationView;
use super::applicant::ApplicantCaller;
use super::apply::{own_view, read_scan};
use crate::error::{ApiResult, AppError};
use crate::extract::{ClientAddr, Json, Path};
use crate::query::Items;
use crate::state::AppState;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use shegong_domain::FieldError;
use shegong_store::recruitment::applicants::{self, RegisterInput};
use shegong_store::recruitment::applications::{self, ApplicationInput, ScanInfo};
use uuid::Uuid;

/// An applicant's account.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ApplicantView {
    pub id: Uuid,
    pub name: String,
    pub id_number: String,
    pub phone: String,
}

fn account(a: &applicants::Applicant) -> ApplicantView {
    ApplicantView { id: a.id, name: a.name.clone(), id_number: a.id_number.clone(), phone: a.phone.clone() }
}

/// 注册报名账号（无需登录；从招聘公告进入，round 为该招聘的编号）
#[utoipa::path(post, path = "/applicants", tag = "招聘报名", request_body = RegisterInput,
    responses((status = 201, description = "已注册", body = ApplicantView),
        (status = 409, description = "该身份证号码已注册", body = crate::error::ErrorBody)))]
pub async fn register(State(st): State<AppState>, Json(i): Json<RegisterInput>) -> ApiResult<Response> {
    let a = applicants::register(&st.db, &i, crate::clock::today()).await?;
    Ok((StatusCode::CREATED, Json(account(&a))).into_response())
}

/// Signing in.
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct ApplicantSignIn {
    pub id_number: String,
    pub password: String,
}

/// A session token.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ApplicantSession {
    /// 以 Authorization: Bearer 发送
    pub token: String,
    /// 有效小时数
    pub expires_in_hours: i64,
    pub applicant: ApplicantView,
}

/// 报名人登录：身份证号码和密码，返回会话令牌（失败过多时暂时锁定）
#[utoipa::path(post, path = "/applicants/session", tag = "招聘报名", request_body = ApplicantSignIn,
    responses((status = 200, description = "令牌", body = ApplicantSession),
        (status = 401, description = "身份证号码或密码错误", body = crate::error::ErrorBody)))]
pub async fn sign_in(
    State(st): State<AppState>,
    ClientAddr(addr): ClientAddr,
    Json(i): Json<ApplicantSignIn>,
) -> ApiResult<Json<ApplicantSession>> {
    let a = super::applicant::guarded(&st, addr, &i.id_number, &i.password).await?.ok_or(AppError::LoginFailed)?;
    let (token, _) = applicants::create_session(&st.db, &a).await?;
    Ok(Json(ApplicantSession { token, expires_in_hours: shegong_store::users::SESSION_HOURS, applicant: account(&a) }))
}

/// 当前报名人
#[utoipa::path(get, path = "/applicants/me", tag = "招聘报名",
    responses((status = 200, description = "报名账号", body = ApplicantView)))]
pub async fn me(a: ApplicantCaller) -> ApiResult<Json<ApplicantView>> {
    Ok(Json(account(&a.who)))
}

/// 我的报名（只有本人的）
#[utoipa::path(get, path = "/applications", tag = "招聘报名",
    responses((status = 200, description = "报名", body = Items<JobApplicationView>)))]
pub async fn list(a: ApplicantCaller) -> ApiResult<Json<Items<JobApplicationView>>> {
    let mut out = Vec::new();
    for x in applications::mine(&a.st.db, &a.who).await? {
        out.push(own_view(&a.st, &x).await?);
    }
    Ok(Json(Items::new(out)))
}

/// An application with the round it is for.
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct JobApplicationInput {
    /// 招聘编号
    pub round: String,
    #[serde(flatten)]
    pub application: ApplicationInput,
}

/// 报名（或在资格审查前修改报名）：每次招聘报考一个岗位；提交时按岗位条件和政策判断，不符合的逐条说明理由
#[utoipa::path(post, path = "/applications", tag = "招聘报名", request_body = JobApplicationInput,
    responses((status = 201, description = "已提交", body = JobApplicationView),
        (status = 422, description = "不符合报名条件或填写有误", body = crate::error::ErrorBody)))]
pub async fn submit(a: ApplicantCaller, Json(i): Json<JobApplicationInput>) -> ApiResult<Response> {
    let round = Uuid::parse_str(i.round.trim())
        .map_err(|_| AppError::Invalid(vec![FieldError::new("round_invalid", "round", "请填写招聘编号")]))?;
    let x = applications::submit(&a.st.db, &a.who, round, &i.application, crate::clock::today()).await?;
    Ok((StatusCode::CREATED, Json(own_view(&a.st, &x).await?)).into_response())
}

/// 我的一份报名，含每项决定及理由
#[utoipa::path(get, path = "/applications/{id}", tag = "招聘报名", params(("id" = Uuid, Path, description = "报名")),
    responses((status = 200, description = "报名", body = JobApplicationView)))]
pub async fn get(a: ApplicantCaller, Path(id): Path<Uuid>) -> ApiResult<Json<JobApplicationView>> {
    let x = applications::own(&a.st.db, &a.who, id).await?;
    Ok(Json(own_view(&a.st, &x).await?))
}

/// 报名材料
#[utoipa::path(get, path = "/applications/{id}/files", tag = "招聘报名", params(("id" = Uuid, Path, description = "报名")),
    responses((status = 200, description = "材料", body = Items<ScanInfo>)))]
pub async fn files(a: ApplicantCaller, Path(id): Path<Uuid>) -> ApiResult<Json<Items<ScanInfo>>> {
    let x = applications::own(&a.st.db, &a.who, id).await?;
    Ok(Json(Items::new(applications::files_of(&a.st.db, &x).await?)))
}

/// 上传报名材料（multipart：kind 为 id_card、diploma、certificate 或 other，file 为 PDF、JPEG 或 PNG，不超过10MB；资格审查前）
#[utoipa::path(post, path = "/applications/{id}/files", tag = "招聘报名", params(("id" = Uuid, Path, description = "报名")),
    request_body(content_type = "multipart/form-data", description = "kind：材料类型；file：文件"),
    responses((status = 201, description = "已保存", body = ScanInfo)))]
pub async fn add_file(
    a: ApplicantCaller,
    Path(id): Path<Uuid>,
    m: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<Response> {
    let bad = |m: String| AppError::Invalid(vec![FieldError::new("file_refused", "file", m)]);
    let m = m.map_err(|_| bad("请以 multipart/form-data 上传（字段 kind、file）".into()))?;
    let (kind, name, bytes, _) = read_scan(m).await.map_err(bad)?;
    let f = applications::add_file(&a.st.db, &a.who, id, &kind, &name, bytes).await?;
    Ok((StatusCode::CREATED, Json(f)).into_response())
}
