//! Policies as JSON: the list, one policy, checking and uploading TOML, a region's policy, reference
//! wages, staffing.
use crate::query::DateQuery;
use crate::query::date_or_today;
use crate::query::region_of;

use crate::auth::{Caller, Ctx};
use crate::error::ApiResult;
use crate::extract::Json;
use crate::extract::{Path, Query};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::Value;
use shegong_domain::FieldError;
use shegong_domain::Permission;
use shegong_domain::pay::parse_yuan;
use shegong_store::{policies, staffing};

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct PolicyBody {
    pub body: String,
}

/// 政策文件（各版本）
#[utoipa::path(get, path = "/policies", tag = "政策配置", responses((status = 200, description = "政策列表", body = PolicyList)))]
pub async fn list_policies(State(st): State<AppState>, _caller: Caller) -> ApiResult<Json<PolicyList>> {
    let rows = policies::list(&st.db).await?;
    let items = rows
        .into_iter()
        .map(|p| PolicyItem {
            name: p.name,
            version: p.version,
            title: p.title,
            source: p.source,
            created_by: p.created_by,
            created_at: p.created_at,
        })
        .collect();
    Ok(Json(PolicyList { items }))
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct VersionQuery {
    pub version: Option<i32>,
}

/// 一个政策文件及其解析后的规则
#[utoipa::path(get, path = "/policies/{name}", tag = "政策配置", params(("name" = String, Path, description = "政策名称"), VersionQuery),
    responses((status = 200, description = "政策", body = PolicyFile)))]
pub async fn get_policy(
    State(st): State<AppState>,
    _caller: Caller,
    Path(name): Path<String>,
    Query(q): Query<VersionQuery>,
) -> ApiResult<Json<PolicyFile>> {
    let (m, p) = policies::get(&st.db.conn, &name, q.version).await?;
    Ok(Json(PolicyFile { name: m.name, version: m.version, body: m.body, rules: rules(&p)? }))
}

/// 检查政策文件，不保存；有误时返回 422，message 指明行号和原因
#[utoipa::path(post, path = "/policies/check", tag = "政策配置", request_body = PolicyBody,
    responses((status = 200, description = "解析后的规则", body = PolicyChecked)))]
pub async fn check_policy(_caller: Caller, Json(b): Json<PolicyBody>) -> ApiResult<Json<PolicyChecked>> {
    let p = policies::check(&b.body)?;
    Ok(Json(PolicyChecked { ok: true, rules: rules(&p)? }))
}

/// 新增政策文件或新版本（省级管理员）；格式或内容有误时返回 422，message 指明行号和原因
#[utoipa::path(post, path = "/policies", tag = "政策配置", request_body = PolicyBody,
    responses((status = 201, description = "已保存的名称和版本", body = PolicySaved)))]
pub async fn upload_policy(Ctx { st, caller }: Ctx, Json(b): Json<PolicyBody>) -> ApiResult<Response> {
    caller.access.require(Permission::ApplyPolicy)?;
    let m = policies::upload(&st.db, &caller.access, &b.body).await?;
    Ok((StatusCode::CREATED, Json(PolicySaved { name: m.name, version: m.version })).into_response())
}

/// 区划在某日适用的政策、适用历史和参照工资
#[utoipa::path(get, path = "/regions/{code}/policy", tag = "政策配置", params(("code" = String, Path, description = "区划代码"), DateQuery),
    responses((status = 200, description = "适用情况", body = RegionPolicy)))]
pub async fn region_policy(
    Ctx { st, caller }: Ctx,
    Path(code): Path<String>,
    Query(q): Query<DateQuery>,
) -> ApiResult<Json<RegionPolicy>> {
    let code = region_of(&code)?;
    let on = date_or_today(&q.date)?;
    let history = policies::history(&st.db, &caller.scope, code.as_str()).await?;
    let f = policies::in_force(&st.db.conn, code.as_str(), on).await?;
    let wages = policies::Wages::load(&st.db.conn, code.as_str()).await?;
    let reference_wages = wages
        .all()
        .into_iter()
        .filter(|(r, ..)| code.as_str().starts_with(r.as_str()))
        .map(|(region_code, key, year, annual_fen)| Wage { region_code, key, year, annual_fen })
        .collect();
    Ok(Json(RegionPolicy {
        region: code.as_str().to_string(),
        date: on,
        in_force: f.map(|f| InForce {
            name: f.name,
            version: f.version,
            title: f.policy.title.clone(),
            assigned_at_region: f.assigned_at_region,
            effective_from: f.effective_from,
        }),
        history,
        reference_wages,
    }))
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct ApplyInput {
    pub name: String,
    pub from: String,
}

/// 为区划指定政策及生效日期（下级区划继承，县级可覆盖省级）
#[utoipa::path(post, path = "/regions/{code}/policy", tag = "政策配置", params(("code" = String, Path, description = "区划代码")), request_body = ApplyInput,
    responses((status = 201, description = "指定记录", body = shegong_store::entity::policy_assignment::Model)))]
pub async fn apply_policy(
    Ctx { st, caller }: Ctx,
    Path(code): Path<String>,
    Json(i): Json<ApplyInput>,
) -> ApiResult<Response> {
    caller.access.require(Permission::ApplyPolicy)?;
    let from = shegong_domain::worker::parse_date("from", "生效日期", &i.from)?;
    let a = policies::apply(&st.db, &caller.access, &code, i.name.trim(), from).await?;
    Ok((StatusCode::CREATED, Json(a)).into_response())
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct WageInput {
    pub key: String,
    pub year: i32,
    pub annual_yuan: String,
}

/// 录入区划某年度的参照工资（如上年度平均工资）
#[utoipa::path(post, path = "/regions/{code}/reference-wages", tag = "政策配置", params(("code" = String, Path, description = "区划代码")), request_body = WageInput,
    responses((status = 201, description = "参照工资", body = shegong_store::entity::reference_wage::Model)))]
pub async fn set_wage(
    Ctx { st, caller }: Ctx,
    Path(code): Path<String>,
    Json(i): Json<WageInput>,
) -> ApiResult<Response> {
    caller.access.require(Permission::ApplyPolicy)?;
    let fen = parse_yuan(&i.annual_yuan)
        .ok_or_else(|| FieldError::new("wage_amount", "annual_yuan", "年平均工资应为元金额，最多两位小数"))?;
    let m = policies::set_reference_wage(&st.db, &caller.access, &code, i.key.trim(), i.year, fen).await?;
    Ok((StatusCode::CREATED, Json(m)).into_response())
}

/// 员额：社区的定额范围、实有人数、所需与现有网格、党建专职岗位；上级区划为汇总，并列出下级
#[utoipa::path(get, path = "/regions/{code}/staffing", tag = "员额", params(("code" = String, Path, description = "区划代码"), DateQuery),
    responses((status = 200, description = "员额", body = staffing::Report)))]
pub async fn region_staffing(
    Ctx { st, caller }: Ctx,
    Path(code): Path<String>,
    Query(q): Query<DateQuery>,
) -> ApiResult<Json<staffing::Report>> {
    let code = region_of(&code)?;
    Ok(Json(staffing::report(&st.db, &caller.scope, &code, date_or_today(&q.date)?).await?))
}

/// A policy's rules as parsed from its file (the TOML's sections, as JSON).
fn rules(p: &shegong_domain::policy::Policy) -> ApiResult<Value> {
    Ok(serde_json::to_value(p).map_err(anyhow::Error::from)?)
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct PolicyItem {
    pub name: String,
    pub version: i32,
    pub title: String,
    pub source: String,
    pub created_by: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct PolicyList {
    pub items: Vec<PolicyItem>,
}

/// A policy file and its rules.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct PolicyFile {
    pub name: String,
    pub version: i32,
    /// The file as stored (TOML).
    pub body: String,
    /// The rules as parsed: staffing, posts and pay, training, assessment, exit, reserves.
    #[schema(value_type = Object)]
    pub rules: Value,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct PolicyChecked {
    pub ok: bool,
    #[schema(value_type = Object)]
    pub rules: Value,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct PolicySaved {
    pub name: String,
    pub version: i32,
}

/// The policy in force in a region on a day.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct InForce {
    pub name: String,
    pub version: i32,
    pub title: String,
    /// The region the policy is assigned at (this one or one above it).
    pub assigned_at_region: String,
    pub effective_from: chrono::NaiveDate,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Wage {
    pub region_code: String,
    pub key: String,
    pub year: i32,
    pub annual_fen: i64,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct RegionPolicy {
    pub region: String,
    pub date: chrono::NaiveDate,
    pub in_force: Option<InForce>,
    pub history: Vec<shegong_store::entity::policy_assignment::Model>,
    pub reference_wages: Vec<Wage>,
}
