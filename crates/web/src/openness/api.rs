//! 印章使用登记, 居务公开, 双随机抽查 and the 减负 figures as JSON.
use crate::auth::Ctx;
use crate::clock::today;
use crate::error::{ApiResult, AppError};
use crate::extract::{Json, Path, Query};
use crate::query::region_of;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use shegong_domain::{FieldError, RegionCode};
use shegong_store::entity::{disclosure, disclosure_question, inspection_finding, inspection_target, seal_use};
use shegong_store::openness::{
    self, AnswerInput, CloseInput, DisclosureInput, DisclosureRow, DrawInput, OpennessFigures, QuestionRow,
    RecordInput, RoundView, SealInput, SealReport, TimelinessReport,
};
use uuid::Uuid;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct PeriodQuery {
    /// 区划代码（默认本辖区）
    pub region: Option<String>,
    /// 起 YYYY-MM-DD（默认今年1月1日）
    pub from: Option<String>,
    /// 止 YYYY-MM-DD（默认今天）
    pub to: Option<String>,
    /// 最多列出几条（1–1000，默认100）
    pub per_page: Option<u64>,
}

pub(crate) fn region(q: Option<&str>) -> Result<Option<RegionCode>, AppError> {
    q.map(str::trim).filter(|s| !s.is_empty()).map(region_of).transpose()
}

pub(crate) fn period(q: &PeriodQuery) -> Result<(NaiveDate, NaiveDate), AppError> {
    crate::work_items::api::period(q.from.as_deref(), q.to.as_deref())
}

/// Rows asked for: 1–1000 (default 100); anything else refused, never clamped.
pub(crate) fn per_page(n: Option<u64>) -> Result<u64, AppError> {
    match n {
        None => Ok(100),
        Some(n) if (1..=1000).contains(&n) => Ok(n),
        Some(_) => {
            Err(AppError::Invalid(vec![FieldError::new("per_page_invalid", "per_page", "每页条数应在1至1000之间")]))
        }
    }
}

/// 登记一次用印（用途、用印文件、审批人；社区工作人员）
#[utoipa::path(post, path = "/seals", tag = "减负清单", request_body = SealInput,
    responses((status = 201, description = "已登记", body = seal_use::Model)))]
pub async fn record_seal(Ctx { st, caller }: Ctx, Json(i): Json<SealInput>) -> ApiResult<Response> {
    let m = openness::record_seal(&st.db, &caller.access, &i, today()).await?;
    Ok((StatusCode::CREATED, Json(m)).into_response())
}

/// 印章使用登记：期间内各社区（下级）每月用印次数和最近的登记
#[utoipa::path(get, path = "/seals", tag = "减负清单", params(PeriodQuery),
    responses((status = 200, description = "用印登记", body = SealReport)))]
pub async fn list_seals(Ctx { st, caller }: Ctx, Query(q): Query<PeriodQuery>) -> ApiResult<Json<SealReport>> {
    let (from, to) = period(&q)?;
    let r = region(q.region.as_deref())?;
    Ok(Json(openness::seals(&st.db, &caller.access, r.as_ref(), from, to, per_page(q.per_page)?).await?))
}

/// 发布一条居务公开（党务、居务、财务；发布后不能修改，更正另发一条并注明 corrects；社区负责人）
#[utoipa::path(post, path = "/disclosures", tag = "减负清单", request_body = DisclosureInput,
    responses((status = 201, description = "已公开", body = disclosure::Model)))]
pub async fn publish(Ctx { st, caller }: Ctx, Json(i): Json<DisclosureInput>) -> ApiResult<Response> {
    let m = openness::publish(&st.db, &caller.access, &i, today()).await?;
    Ok((StatusCode::CREATED, Json(m)).into_response())
}

/// 期间内辖区各社区公开的事项（最新的在前）
#[utoipa::path(get, path = "/disclosures", tag = "减负清单", params(PeriodQuery),
    responses((status = 200, description = "公开事项", body = Vec<DisclosureRow>)))]
pub async fn list_disclosures(
    Ctx { st, caller }: Ctx,
    Query(q): Query<PeriodQuery>,
) -> ApiResult<Json<Vec<DisclosureRow>>> {
    let (from, to) = period(&q)?;
    let r = region(q.region.as_deref())?;
    Ok(Json(openness::disclosures(&st.db, &caller.access, r.as_ref(), from, to, per_page(q.per_page)?).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct TimelinessQuery {
    /// 区划代码（默认本辖区）
    pub region: Option<String>,
    /// 从哪一天起的公开期（默认一年前）
    pub since: Option<String>,
    /// 最多列出几条提醒（1–1000，默认100；各下级的计数不受限）
    pub per_page: Option<u64>,
}

/// 三务公开是否按时：各社区各类别已结束的公开期按时、逾期、未公开，逾期和未公开的逐条列出（提醒）
#[utoipa::path(get, path = "/disclosures/timeliness", tag = "减负清单", params(TimelinessQuery),
    responses((status = 200, description = "按时公开情况", body = TimelinessReport)))]
pub async fn timeliness(
    Ctx { st, caller }: Ctx,
    Query(q): Query<TimelinessQuery>,
) -> ApiResult<Json<TimelinessReport>> {
    let on = today();
    let since = since(q.since.as_deref(), on)?;
    let r = region(q.region.as_deref())?;
    let n = per_page(q.per_page)? as usize;
    Ok(Json(openness::timeliness(&st.db, &caller.access, r.as_ref(), since, on, n).await?))
}

pub(crate) fn since(s: Option<&str>, on: NaiveDate) -> Result<NaiveDate, AppError> {
    let d = crate::work_items::api::day_of(s, "since", "起始日期")?;
    let d = if s.map(str::trim).is_none_or(str::is_empty) { on - chrono::Duration::days(365) } else { d };
    if d > on || d < on - chrono::Duration::days(5 * 366) {
        return Err(AppError::Invalid(vec![FieldError::new(
            "timeliness_since",
            "since",
            "起始日期应在五年内且不晚于今天",
        )]));
    }
    Ok(d)
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct RegionQuery {
    /// 区划代码（默认本辖区）
    pub region: Option<String>,
}

/// 居民在公开页提出的问题（未答复的在前）
#[utoipa::path(get, path = "/disclosures/questions", tag = "减负清单", params(RegionQuery),
    responses((status = 200, description = "居民提问", body = Vec<QuestionRow>)))]
pub async fn list_questions(
    Ctx { st, caller }: Ctx,
    Query(q): Query<RegionQuery>,
) -> ApiResult<Json<Vec<QuestionRow>>> {
    let r = region(q.region.as_deref())?;
    Ok(Json(openness::questions(&st.db, &caller.access, r.as_ref(), 200).await?))
}

/// 答复居民提问，审核后选择是否在公开页显示（社区负责人）
#[utoipa::path(post, path = "/disclosures/questions/{id}/answer", tag = "减负清单", params(("id" = Uuid, Path)),
    request_body = AnswerInput, responses((status = 200, description = "已答复", body = disclosure_question::Model)))]
pub async fn answer(
    Ctx { st, caller }: Ctx,
    Path(id): Path<Uuid>,
    Json(i): Json<AnswerInput>,
) -> ApiResult<Json<disclosure_question::Model>> {
    Ok(Json(openness::answer(&st.db, &caller.access, id, &i).await?))
}

/// “双随机”抽取社区：同一种子、同一候选名单抽出同样的社区和检查人员；种子和名单一并记录
#[utoipa::path(post, path = "/inspections/draw", tag = "减负清单", request_body = DrawInput,
    responses((status = 201, description = "抽取结果", body = RoundView)))]
pub async fn draw(Ctx { st, caller }: Ctx, Json(i): Json<DrawInput>) -> ApiResult<Response> {
    let v = openness::draw(&st.db, &caller.access, &i, today()).await?;
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

/// 抽查了本辖区社区的各轮“双随机”检查（最新的在前）
#[utoipa::path(get, path = "/inspections", tag = "减负清单", params(RegionQuery),
    responses((status = 200, description = "抽查", body = Vec<RoundView>)))]
pub async fn list_rounds(Ctx { st, caller }: Ctx, Query(q): Query<RegionQuery>) -> ApiResult<Json<Vec<RoundView>>> {
    let r = region(q.region.as_deref())?;
    Ok(Json(openness::rounds(&st.db, &caller.access, r.as_ref()).await?))
}

/// 一轮抽查：种子、候选社区数、抽中的社区和检查人员、检查结果，并按记录重新抽取核对
#[utoipa::path(get, path = "/inspections/{id}", tag = "减负清单", params(("id" = Uuid, Path)),
    responses((status = 200, description = "抽查", body = RoundView)))]
pub async fn get_round(Ctx { st, caller }: Ctx, Path(id): Path<Uuid>) -> ApiResult<Json<RoundView>> {
    Ok(Json(openness::round(&st.db, &caller.access, id).await?))
}

/// 登记对一个抽中社区的检查结果和发现的问题（每个问题有整改期限；只能登记一次）
#[utoipa::path(post, path = "/inspections/targets/{id}/record", tag = "减负清单", params(("id" = Uuid, Path)),
    request_body = RecordInput, responses((status = 200, description = "已登记", body = inspection_target::Model)))]
pub async fn record(
    Ctx { st, caller }: Ctx,
    Path(id): Path<Uuid>,
    Json(i): Json<RecordInput>,
) -> ApiResult<Json<inspection_target::Model>> {
    Ok(Json(openness::record_inspection(&st.db, &caller.access, id, &i, today()).await?))
}

/// 问题整改销号
#[utoipa::path(post, path = "/inspections/findings/{id}/close", tag = "减负清单", params(("id" = Uuid, Path)),
    request_body = CloseInput, responses((status = 200, description = "已销号", body = inspection_finding::Model)))]
pub async fn close(
    Ctx { st, caller }: Ctx,
    Path(id): Path<Uuid>,
    Json(i): Json<CloseInput>,
) -> ApiResult<Json<inspection_finding::Model>> {
    Ok(Json(openness::close_finding(&st.db, &caller.access, id, &i, today()).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct FiguresQuery {
    /// 区划代码（默认本辖区）
    pub region: Option<String>,
    /// 年度（默认今年）
    pub year: Option<i32>,
}

pub(crate) fn year_of(y: Option<i32>) -> Result<i32, AppError> {
    let now = today().year();
    match y {
        None => Ok(now),
        Some(y) if (2000..=now).contains(&y) => Ok(y),
        Some(_) => {
            Err(AppError::Invalid(vec![FieldError::new("figures_year", "year", format!("年度应在2000至{now}之间"))]))
        }
    }
}

/// 减负和公开统计：各下级清单事项、准入、未经准入的要求、证明、用印、三务按时公开、抽查和未整改问题，合计等于各下级之和，并生成说明句
#[utoipa::path(get, path = "/openness/figures", tag = "减负清单", params(FiguresQuery),
    responses((status = 200, description = "统计", body = OpennessFigures)))]
pub async fn figures(Ctx { st, caller }: Ctx, Query(q): Query<FiguresQuery>) -> ApiResult<Json<OpennessFigures>> {
    let year = year_of(q.year)?;
    let r = region(q.region.as_deref())?;
    Ok(Json(openness::figures(&st.db, &caller.access, r.as_ref(), year, today()).await?))
}
