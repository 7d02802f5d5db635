//! Policies as JSON: the list, one policy, checking and uploading TOML, a region's policy, reference
//! wages, staffing.
use crate::query::DateQuery;
use crate::query::date_or_today;
use crate::query::region_of;

use crate::auth::Caller;
use crate::error::ApiResult;
use crate::extract::Json;
use crate::extract::{Path, Query};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use shegong_domain::FieldError;
use shegong_domain::Permission;
use shegong_domain::pay::parse_yuan;
use shegong_store::{policies, staffing};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PolicyBody {
    pub body: String,
}

/// `GET /api/v1/policies`.
pub async fn list_policies(State(st): State<AppState>, _caller: Caller) -> ApiResult<Json<Value>> {
    let rows = policies::list(&st.db).await?;
    let items: Vec<Value> = rows
        .iter()
        .map(|p| json!({"name": p.name, "version": p.version, "title": p.title, "source": p.source, "created_by": p.created_by, "created_at": p.created_at}))
        .collect();
    Ok(Json(json!({ "items": items })))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct VersionQuery {
    pub version: Option<i32>,
}

/// `GET /api/v1/policies/{name}`: the file and its parsed rules.
pub async fn get_policy(
    State(st): State<AppState>,
    _caller: Caller,
    Path(name): Path<String>,
    Query(q): Query<VersionQuery>,
) -> ApiResult<Json<Value>> {
    let (m, p) = policies::get(&st.db.conn, &name, q.version).await?;
    Ok(Json(
        json!({"name": m.name, "version": m.version, "body": m.body, "rules": p}),
    ))
}

/// `POST /api/v1/policies/check`: checks a file, stores nothing.
pub async fn check_policy(_caller: Caller, Json(b): Json<PolicyBody>) -> ApiResult<Json<Value>> {
    let p = policies::check(&b.body)?;
    Ok(Json(json!({"ok": true, "rules": p})))
}

/// `POST /api/v1/policies`: stores a file as the next version of its name (province admins).
pub async fn upload_policy(
    State(st): State<AppState>,
    caller: Caller,
    Json(b): Json<PolicyBody>,
) -> ApiResult<Response> {
    caller.access.require(Permission::ApplyPolicy)?;
    let m = policies::upload(&st.db, &caller.access, &b.body).await?;
    Ok((StatusCode::CREATED, Json(json!({"name": m.name, "version": m.version}))).into_response())
}

/// `GET /api/v1/regions/{code}/policy?date=`: the policy in force, its history, reference wages.
pub async fn region_policy(
    State(st): State<AppState>,
    caller: Caller,
    Path(code): Path<String>,
    Query(q): Query<DateQuery>,
) -> ApiResult<Json<Value>> {
    let code = region_of(&code)?;
    let on = date_or_today(&q.date)?;
    let history = policies::history(&st.db, &caller.scope, code.as_str()).await?;
    let f = policies::in_force(&st.db.conn, code.as_str(), on).await?;
    let wages = policies::Wages::load(&st.db.conn, code.as_str()).await?;
    let wages: Vec<Value> = wages
        .all()
        .into_iter()
        .filter(|(r, ..)| code.as_str().starts_with(r.as_str()))
        .map(|(r, k, y, f)| json!({"region_code": r, "key": k, "year": y, "annual_fen": f}))
        .collect();
    Ok(Json(json!({
        "region": code.as_str(),
        "date": on,
        "in_force": f.as_ref().map(|f| json!({"name": f.name, "version": f.version, "title": f.policy.title, "assigned_at_region": f.assigned_at_region, "effective_from": f.effective_from})),
        "history": history,
        "reference_wages": wages,
    })))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ApplyInput {
    pub name: String,
    pub from: String,
}

/// `POST /api/v1/regions/{code}/policy`: applies a policy to a region from a date.
pub async fn apply_policy(
    State(st): State<AppState>,
    caller: Caller,
    Path(code): Path<String>,
    Json(i): Json<ApplyInput>,
) -> ApiResult<Response> {
    caller.access.require(Permission::ApplyPolicy)?;
    let from = shegong_domain::worker::parse_date("from", "生效日期", &i.from)?;
    let a = policies::apply(&st.db, &caller.access, &code, i.name.trim(), from).await?;
    Ok((StatusCode::CREATED, Json(json!(a))).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct WageInput {
    pub key: String,
    pub year: i32,
    pub annual_yuan: String,
}

/// `POST /api/v1/regions/{code}/reference-wages`: a yearly reference wage (e.g. average wage).
pub async fn set_wage(
    State(st): State<AppState>,
    caller: Caller,
    Path(code): Path<String>,
    Json(i): Json<WageInput>,
) -> ApiResult<Response> {
    caller.access.require(Permission::ApplyPolicy)?;
    let fen = parse_yuan(&i.annual_yuan)
        .ok_or_else(|| FieldError::new("wage_amount", "annual_yuan", "年平均工资应为元金额，最多两位小数"))?;
    let m = policies::set_reference_wage(&st.db, &caller.access, &code, i.key.trim(), i.year, fen).await?;
    Ok((StatusCode::CREATED, Json(json!(m))).into_response())
}

/// `GET /api/v1/regions/{code}/staffing?date=`: the norm against the headcount.
pub async fn region_staffing(
    State(st): State<AppState>,
    caller: Caller,
    Path(code): Path<String>,
    Query(q): Query<DateQuery>,
) -> ApiResult<Json<Value>> {
    let code = region_of(&code)?;
    let r = staffing::report(&st.db, &caller.scope, &code, date_or_today(&q.date)?).await?;
    Ok(Json(json!(r)))
}
