//! A round's applications and steps as JSON, for the county running it: the applications and
//! their scans, 资格审查, tickets, scores, the pass line, the standings, 体检 and 考察, the
//! publicity and its objections, and the hire.

use super::app_views::{JobApplicationView, view};
use super::apply::scan_response;
use crate::auth::Ctx;
use crate::error::ApiResult;
use crate::extract::{Json, PageQuery, Path, Query};
use crate::page::PageResult;
use crate::query::{Items, Paged};
use serde::{Deserialize, Serialize};
use shegong_store::entity::recruitment_objection as objection;
use shegong_store::recruitment::exams::{self, Exam, PostStandings, ScoreRow};
use shegong_store::recruitment::objections::{self, ObjectionInput, ResolutionInput};
use shegong_store::recruitment::review::{self, ApplicationFilter, ReviewInput};
use shegong_store::recruitment::rounds::Round;
use shegong_store::recruitment::steps::{self, CheckInput, HireInput};
use std::collections::HashMap;
use uuid::Uuid;

/// A round's posts by id, named (社区 · 岗位).
pub(crate) async fn post_labels(st: &crate::state::AppState, r: &Round) -> ApiResult<HashMap<Uuid, String>> {
    let names =
        shegong_store::regions::names(&st.db.conn, r.posts.iter().map(|p| p.community_code.clone()).collect()).await?;
    Ok(r.posts
        .iter()
        .map(|p| {
            let dedicated = if p.dedicated { "（专设社工岗）" } else { "" };
            (p.id, format!("{} · {}{dedicated}", names.get(&p.community_code).map_or("", String::as_str), p.title))
        })
        .collect())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ApplicationListQuery {
    #[serde(flatten)]
    pub filter: ApplicationFilter,
    #[serde(flatten)]
    pub paging: PageQuery,
}

/// 一次招聘的报名（按提交先后；可按状态、岗位筛选；身份证号码隐去中间位）
#[utoipa::path(get, path = "/recruitment/rounds/{id}/applications", tag = "招聘", params(("id" = Uuid, Path), ApplicationFilter, PageQuery),
    responses((status = 200, description = "报名", body = Paged<JobApplicationView>)))]
pub async fn list_applications(
    Ctx { st, caller }: Ctx,
    Path(id): Path<Uuid>,
    Query(q): Query<ApplicationListQuery>,
) -> ApiResult<Json<Paged<JobApplicationView>>> {
    let (page, per_page) = q.paging.paging(50, 500)?;
    let (r, rows, total) = review::list(&st.db, &caller.access, id, &q.filter, page, per_page).await?;
    let labels = post_labels(&st, &r).await?;
    let label = |p: &Uuid| labels.get(p).map_or("", String::as_str);
    let items = rows.iter().map(|a| view(a, &r.round.title, label(&a.post_id), false)).collect();
    Ok(Json(Paged { items, total, page, per_page, next: None }))
}

/// 一份报名
#[utoipa::path(get, path = "/recruitment/rounds/{id}/applications/{application_id}", tag = "招聘",
    params(("id" = Uuid, Path), ("application_id" = Uuid, Path)),
    responses((status = 200, description = "报名", body = JobApplicationView)))]
pub async fn get_application(
    Ctx { st, caller }: Ctx,
    Path((id, app_id)): Path<(Uuid, Uuid)>,
) -> ApiResult<Json<JobApplicationView>> {
    let (r, a) = review::get(&st.db, &caller.access, id, app_id).await?;
    let labels = post_labels(&st, &r).await?;
    Ok(Json(view(&a, &r.round.title, labels.get(&a.post_id).map_or("", String::as_str), false)))
}

/// `GET /recruitment/{id}/applications/{application_id}/files/{file_id}` (a page route: the scan's bytes).
pub(crate) async fn open_file(
    Ctx { st, caller }: Ctx,
    Path((id, app_id, file_id)): Path<(Uuid, Uuid, Uuid)>,
) -> PageResult {
    let (_, a) = review::get(&st.db, &caller.access, id, app_id).await?;
    Ok(scan_response(shegong_store::recruitment::applications::file(&st.db, &a, file_id).await?))
}

/// 资格审查：通过，或不通过并写明理由（报名人可见）
#[utoipa::path(post, path = "/recruitment/rounds/{id}/applications/{application_id}/review", tag = "招聘",
    params(("id" = Uuid, Path), ("application_id" = Uuid, Path)), request_body = ReviewInput,
    responses((status = 200, description = "已审查", body = JobApplicationView)))]
pub async fn review_application(
    Ctx { st, caller }: Ctx,
    Path((id, app_id)): Path<(Uuid, Uuid)>,
    Json(i): Json<ReviewInput>,
) -> ApiResult<Json<JobApplicationView>> {
    let a = review::review(&st.db, &caller.access, id, app_id, &i).await?;
    let r = shegong_store::recruitment::rounds::get(&st.db, &caller.access, id).await?;
    let labels = post_labels(&st, &r).await?;
    Ok(Json(view(&a, &r.round.title, labels.get(&a.post_id).map_or("", String::as_str), false)))
}

/// How many.
#[derive(Serialize, utoipa::ToSchema)]
pub struct JobCount {
    pub count: u64,
}

/// 生成准考证（报名截止且全部审查完毕后；按岗位、报名先后编号，每考场30座）
#[utoipa::path(post, path = "/recruitment/rounds/{id}/tickets", tag = "招聘", params(("id" = Uuid, Path)),
    responses((status = 200, description = "生成的准考证张数", body = JobCount)))]
pub async fn issue_tickets(Ctx { st, caller }: Ctx, Path(id): Path<Uuid>) -> ApiResult<Json<JobCount>> {
    let count = exams::issue_tickets(&st.db, &caller.access, id, crate::clock::today()).await?;
    Ok(Json(JobCount { count }))
}

/// Scores to record.
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct JobScoresInput {
    /// written（笔试）或 interview（面试）
    pub exam: Option<Exam>,
    pub rows: Vec<ScoreRow>,
}

/// 录入成绩（全部成功或全部不录入；笔试在划定合格分数线前，面试只录面试名单中的人）
#[utoipa::path(post, path = "/recruitment/rounds/{id}/scores", tag = "招聘", params(("id" = Uuid, Path)),
    request_body = JobScoresInput, responses((status = 200, description = "录入条数", body = JobCount)))]
pub async fn record_scores(
    Ctx { st, caller }: Ctx,
    Path(id): Path<Uuid>,
    Json(i): Json<JobScoresInput>,
) -> ApiResult<Json<JobCount>> {
    caller.access.require(shegong_domain::Permission::ManageRecruitment)?;
    let exam = i.exam.ok_or_else(|| {
        crate::error::AppError::Invalid(vec![shegong_domain::FieldError::new(
            "exam_required",
            "exam",
            "请说明是笔试（written）还是面试（interview）成绩",
        )])
    })?;
    let count = exams::record_scores(&st.db, &caller.access, id, exam, &i.rows).await?;
    Ok(Json(JobCount { count }))
}

/// The pass line.
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct JobPassLineInput {
    /// 笔试合格分数线（含加分），如 60
    pub pass_line: String,
}

/// 划定笔试合格分数线（此后笔试成绩不能再改，面试名单按比例产生）
#[utoipa::path(post, path = "/recruitment/rounds/{id}/pass-line", tag = "招聘", params(("id" = Uuid, Path)),
    request_body = JobPassLineInput, responses((status = 200, description = "已划定", body = super::views::JobRoundView)))]
pub async fn set_pass_line(
    Ctx { st, caller }: Ctx,
    Path(id): Path<Uuid>,
    Json(i): Json<JobPassLineInput>,
) -> ApiResult<Json<super::views::JobRoundView>> {
    exams::set_pass_line(&st.db, &caller.access, id, &i.pass_line).await?;
    let r = shegong_store::recruitment::rounds::get(&st.db, &caller.access, id).await?;
    Ok(Json(super::views::detail(&st, &r.round, &r.posts).await?.0.round))
}

/// 各岗位的成绩与排名：面试名单、总成绩、名次、拟聘用（体检、考察不合格的由下一名递补）
#[utoipa::path(get, path = "/recruitment/rounds/{id}/standings", tag = "招聘", params(("id" = Uuid, Path)),
    responses((status = 200, description = "各岗位", body = Items<PostStandings>)))]
pub async fn standings(Ctx { st, caller }: Ctx, Path(id): Path<Uuid>) -> ApiResult<Json<Items<PostStandings>>> {
    Ok(Json(Items::new(exams::standings(&st.db, &caller.access, id).await?.1)))
}

/// 录入体检或考察结果（拟聘用人员；不合格须写明理由，由下一名递补）
#[utoipa::path(post, path = "/recruitment/rounds/{id}/applications/{application_id}/checks", tag = "招聘",
    params(("id" = Uuid, Path), ("application_id" = Uuid, Path)), request_body = CheckInput,
    responses((status = 200, description = "已录入", body = JobApplicationView)))]
pub async fn record_check(
    Ctx { st, caller }: Ctx,
    Path((id, app_id)): Path<(Uuid, Uuid)>,
    Json(i): Json<CheckInput>,
) -> ApiResult<Json<JobApplicationView>> {
    let a = steps::record_check(&st.db, &caller.access, id, app_id, &i).await?;
    let r = shegong_store::recruitment::rounds::get(&st.db, &caller.access, id).await?;
    let labels = post_labels(&st, &r).await?;
    Ok(Json(view(&a, &r.round.title, labels.get(&a.post_id).map_or("", String::as_str), false)))
}

/// The publicity's first day.
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct JobPublicityInput {
    /// 公示开始日期，如 2026-12-01
    pub from: String,
}

/// 开始公示拟聘用人员（体检、考察均合格后；公示天数按政策）
#[utoipa::path(post, path = "/recruitment/rounds/{id}/publicity", tag = "招聘", params(("id" = Uuid, Path)),
    request_body = JobPublicityInput, responses((status = 200, description = "已开始公示", body = super::views::JobRoundView)))]
pub async fn start_publicity(
    Ctx { st, caller }: Ctx,
    Path(id): Path<Uuid>,
    Json(i): Json<JobPublicityInput>,
) -> ApiResult<Json<super::views::JobRoundView>> {
    steps::start_publicity(&st.db, &caller.access, id, &i.from, crate::clock::today()).await?;
    let r = shegong_store::recruitment::rounds::get(&st.db, &caller.access, id).await?;
    Ok(Json(super::views::detail(&st, &r.round, &r.posts).await?.0.round))
}

/// An objection as shown.
#[derive(Serialize, utoipa::ToSchema)]
pub struct JobObjectionView {
    pub id: Uuid,
    pub application_id: Uuid,
    pub received_on: chrono::NaiveDate,
    pub content: String,
    pub recorded_by: String,
    /// 核查结论
    pub resolution: Option<String>,
    /// 反映属实
    pub upheld: Option<bool>,
}

pub(crate) fn objection_view(o: &objection::Model) -> JobObjectionView {
    JobObjectionView {
        id: o.id,
        application_id: o.application_id,
        received_on: o.received_on,
        content: o.content.clone(),
        recorded_by: o.recorded_by.clone(),
        resolution: o.resolution.clone(),
        upheld: o.upheld,
    }
}

/// 公示期间收到的异议
#[utoipa::path(get, path = "/recruitment/rounds/{id}/objections", tag = "招聘", params(("id" = Uuid, Path)),
    responses((status = 200, description = "异议", body = Items<JobObjectionView>)))]
pub async fn list_objections(
    Ctx { st, caller }: Ctx,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<Items<JobObjectionView>>> {
    let all = objections::objections(&st.db, &caller.access, id).await?;
    Ok(Json(Items::new(all.iter().map(objection_view).collect())))
}

/// 登记公示期间收到的异议（针对公示名单中的人员）
#[utoipa::path(post, path = "/recruitment/rounds/{id}/objections", tag = "招聘", params(("id" = Uuid, Path)),
    request_body = ObjectionInput, responses((status = 201, description = "已登记", body = JobObjectionView)))]
pub async fn add_objection(
    Ctx { st, caller }: Ctx,
    Path(id): Path<Uuid>,
    Json(i): Json<ObjectionInput>,
) -> ApiResult<axum::response::Response> {
    use axum::response::IntoResponse;
    let o = objections::add_objection(&st.db, &caller.access, id, &i, crate::clock::today()).await?;
    Ok((axum::http::StatusCode::CREATED, Json(objection_view(&o))).into_response())
}

/// 处理异议：属实的，该人员不予聘用（由下一名递补），公示须重新进行
#[utoipa::path(post, path = "/recruitment/rounds/{id}/objections/{objection_id}/resolve", tag = "招聘",
    params(("id" = Uuid, Path), ("objection_id" = Uuid, Path)), request_body = ResolutionInput,
    responses((status = 200, description = "已处理", body = JobObjectionView)))]
pub async fn resolve_objection(
    Ctx { st, caller }: Ctx,
    Path((id, oid)): Path<(Uuid, Uuid)>,
    Json(i): Json<ResolutionInput>,
) -> ApiResult<Json<JobObjectionView>> {
    Ok(Json(objection_view(&objections::resolve_objection(&st.db, &caller.access, id, oid, &i).await?)))
}

/// 聘用：公示期满、无未处理或属实的异议后，由报名信息建立档案（或重新启用、调整已有档案）、任职和本届服务协议，一次完成
#[utoipa::path(post, path = "/recruitment/rounds/{id}/applications/{application_id}/hire", tag = "招聘",
    params(("id" = Uuid, Path), ("application_id" = Uuid, Path)), request_body = HireInput,
    responses((status = 200, description = "已聘用", body = JobApplicationView)))]
pub async fn hire(
    Ctx { st, caller }: Ctx,
    Path((id, app_id)): Path<(Uuid, Uuid)>,
    Json(i): Json<HireInput>,
) -> ApiResult<Json<JobApplicationView>> {
    let a = steps::hire(&st.db, &caller.access, id, app_id, &i, crate::clock::today()).await?;
    let r = shegong_store::recruitment::rounds::get(&st.db, &caller.access, id).await?;
    let labels = post_labels(&st, &r).await?;
    Ok(Json(view(&a, &r.round.title, labels.get(&a.post_id).map_or("", String::as_str), false)))
}

/// 一次招聘的统计：报名人数与名额之比、各环节人数与通过率、聘用人员的学历和证书、概述
#[utoipa::path(get, path = "/recruitment/rounds/{id}/figures", tag = "招聘", params(("id" = Uuid, Path)),
    responses((status = 200, description = "统计", body = shegong_domain::hiring::RecruitmentFigures)))]
pub async fn round_figures(
    Ctx { st, caller }: Ctx,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<shegong_domain::hiring::RecruitmentFigures>> {
    Ok(Json(shegong_store::recruitment::figures::of_round(&st.db, &caller.access, id).await?.1))
}

/// A year.
#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct JobYearQuery {
    /// 年度（按报名开始日期）；不填为今年
    pub year: Option<String>,
}

/// 本辖区一年的招聘统计（按报名开始日期所在年度，只计已发布的招聘）
#[utoipa::path(get, path = "/recruitment/figures", tag = "招聘", params(JobYearQuery),
    responses((status = 200, description = "统计", body = shegong_domain::hiring::RecruitmentFigures)))]
pub async fn year_figures(
    Ctx { st, caller }: Ctx,
    Query(q): Query<JobYearQuery>,
) -> ApiResult<Json<shegong_domain::hiring::RecruitmentFigures>> {
    let year = match q.year.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => chrono::Datelike::year(&crate::clock::today()),
        Some(y) => y.parse::<i32>().ok().filter(|y| (2000..=2100).contains(y)).ok_or_else(|| {
            crate::error::AppError::Invalid(vec![shegong_domain::FieldError::new(
                "year_invalid",
                "year",
                "年度应为2000至2100之间的年份",
            )])
        })?,
    };
    Ok(Json(shegong_store::recruitment::figures::of_year(&st.db, &caller.access, year).await?))
}
