//! JSON API for policies, staffing, pay, assessment rounds and the reserve pool. Thin handlers:
//! parse, check the role, call the store with the caller's scope.

use crate::auth::Caller;
use crate::error::{ApiResult, AppError};
use crate::extract::Json;
use crate::extract::{Path, Query};
use crate::views::today;
use crate::{AppState, export};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use shegong_domain::Permission;
use shegong_domain::career::Grade;
use shegong_domain::pay::parse_yuan;
use shegong_domain::{FieldError, RegionCode};
use shegong_store::{payroll, policies, reserves, rounds, staffing};
use uuid::Uuid;

fn region_of(code: &str) -> ApiResult<RegionCode> {
    RegionCode::parse(code).map_err(|e| AppError::Invalid(vec![e]))
}

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

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DateQuery {
    pub date: Option<String>,
}

fn date_or_today(d: &Option<String>) -> ApiResult<chrono::NaiveDate> {
    match d.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Ok(shegong_domain::worker::parse_date("date", "日期", s)?),
        None => Ok(today()),
    }
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

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct BudgetQuery {
    pub year: Option<i32>,
    pub reference_wage_change_pct: Option<f64>,
    pub start_pct: Option<f64>,
    pub step_pct: Option<f64>,
    pub certificate_junior_yuan: Option<i64>,
    pub certificate_intermediate_yuan: Option<i64>,
    pub certificate_senior_yuan: Option<i64>,
}

impl BudgetQuery {
    pub fn what_if(&self) -> payroll::WhatIf {
        use shegong_domain::worker::CertificateLevel::*;
        let mut w = payroll::WhatIf {
            reference_wage_change_pct: self.reference_wage_change_pct,
            start_pct: self.start_pct,
            step_pct: self.step_pct,
            ..Default::default()
        };
        for (l, v) in [
            (Junior, self.certificate_junior_yuan),
            (Intermediate, self.certificate_intermediate_yuan),
            (Senior, self.certificate_senior_yuan),
        ] {
            if let Some(v) = v {
                w.certificate_allowance_yuan.insert(l, v);
            }
        }
        w
    }
}

/// `GET /api/v1/regions/{code}/budget?year=&reference_wage_change_pct=…`: the year's cost per child
/// region and the what-if; nothing stored changes.
pub async fn region_budget(
    State(st): State<AppState>,
    caller: Caller,
    Path(code): Path<String>,
    Query(q): Query<BudgetQuery>,
) -> ApiResult<Json<Value>> {
    caller.access.require(Permission::ViewBudget)?;
    let code = region_of(&code)?;
    let year = q.year.unwrap_or_else(|| chrono::Datelike::year(&today()));
    let b = payroll::budget(&st.db, &caller.access, &code, year, &q.what_if()).await?;
    Ok(Json(json!(b)))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RunInput {
    pub region: String,
    pub month: String,
}

/// `POST /api/v1/payroll/runs`: computes (or recomputes, unless locked) a month for a region.
pub async fn create_run(State(st): State<AppState>, caller: Caller, Json(i): Json<RunInput>) -> ApiResult<Response> {
    caller.access.require(Permission::RunPayroll)?;
    let region = if i.region.trim().is_empty() {
        caller.scope.region().to_string()
    } else {
        i.region.trim().to_string()
    };
    let s = payroll::run(&st.db, &caller.access, &region, &i.month).await?;
    Ok((StatusCode::CREATED, Json(json!(s))).into_response())
}

/// `GET /api/v1/payroll/runs`.
pub async fn list_runs(State(st): State<AppState>, caller: Caller) -> ApiResult<Json<Value>> {
    let rows = payroll::list(&st.db, &caller.scope).await?;
    Ok(Json(json!({ "items": rows, "total": rows.len() })))
}

use crate::extract::PageQuery;

/// `GET /api/v1/payroll/runs/{id}`: totals by component and one page of payslips.
pub async fn get_run(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<Value>> {
    let (run, totals) = payroll::get(&st.db, &caller.scope, id).await?;
    let (page, per) = q.paging(50, 500)?;
    let (slips, total) = payroll::slips(&st.db, &caller.scope, id, page, per).await?;
    let items: Vec<Value> = slips
        .into_iter()
        .map(|(s, n)| {
            let mut v = json!(s);
            v["name"] = json!(n);
            v
        })
        .collect();
    Ok(Json(
        json!({"run": run, "totals": totals, "payslips": items, "total": total}),
    ))
}

pub async fn review_run(State(st): State<AppState>, caller: Caller, Path(id): Path<Uuid>) -> ApiResult<Json<Value>> {
    caller.access.require(Permission::RunPayroll)?;
    Ok(Json(json!(payroll::review(&st.db, &caller.access, id).await?)))
}

pub async fn lock_run(State(st): State<AppState>, caller: Caller, Path(id): Path<Uuid>) -> ApiResult<Json<Value>> {
    caller.access.require(Permission::RunPayroll)?;
    Ok(Json(json!(payroll::lock(&st.db, &caller.access, id).await?)))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AdjustInput {
    pub worker_id: Option<Uuid>,
    pub amount_yuan: String,
    pub reason: String,
}

/// `POST /api/v1/payroll/runs/{id}/adjustments`: a correction line on a locked month.
pub async fn adjust_run(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(i): Json<AdjustInput>,
) -> ApiResult<Response> {
    caller.access.require(Permission::RunPayroll)?;
    let worker = i
        .worker_id
        .ok_or_else(|| FieldError::new("adjust_worker", "worker_id", "请指定人员"))?;
    let fen = parse_yuan(&i.amount_yuan)
        .ok_or_else(|| FieldError::new("adjust_amount", "amount_yuan", "调整金额应为元金额，最多两位小数"))?;
    let m = payroll::adjust(&st.db, &caller.access, id, worker, fen, &i.reason).await?;
    Ok((StatusCode::CREATED, Json(json!(m))).into_response())
}

/// `GET /api/v1/payroll/runs/{id}/payslips.xlsx`: the pay sheet.
pub async fn run_xlsx(State(st): State<AppState>, caller: Caller, Path(id): Path<Uuid>) -> ApiResult<Response> {
    export::paysheet_xlsx(&st, &caller, id).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MonthQuery {
    pub month: Option<String>,
}

/// `GET /api/v1/workers/{id}/payslips?month=2025-01`: components and total in fen.
pub async fn worker_payslips(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Query(q): Query<MonthQuery>,
) -> ApiResult<Json<Value>> {
    let items = payroll::payslips(&st.db, &caller.scope, id, q.month.as_deref()).await?;
    if q.month.is_some() {
        if let Some(one) = items.first() {
            let mut v = json!(one);
            v["items"] = json!(items);
            return Ok(Json(v));
        }
        return Err(AppError::NotFound);
    }
    Ok(Json(json!({ "items": items })))
}

/// `GET /api/v1/workers/{id}/level`: the level under the policy in force, explained.
pub async fn worker_level(State(st): State<AppState>, caller: Caller, Path(id): Path<Uuid>) -> ApiResult<Json<Value>> {
    let l = payroll::level_of(&st.db, &caller.scope, id, today()).await?;
    Ok(Json(
        json!({ "level": l.as_ref().map(|l| l.level), "steps": l.map(|l| l.steps).unwrap_or_default() }),
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RoundInput {
    pub region: String,
    pub year: Option<i32>,
}

/// `POST /api/v1/assessment-rounds`: a street opens the year's round.
pub async fn create_round(
    State(st): State<AppState>,
    caller: Caller,
    Json(i): Json<RoundInput>,
) -> ApiResult<Response> {
    caller.access.require(Permission::ManageAssessment)?;
    let year = i
        .year
        .ok_or_else(|| FieldError::new("year_required", "year", "请填写考核年度"))?;
    let r = rounds::create(&st.db, &caller.access, i.region.trim(), year, today()).await?;
    Ok((StatusCode::CREATED, Json(json!(r))).into_response())
}

pub async fn list_rounds(State(st): State<AppState>, caller: Caller) -> ApiResult<Json<Value>> {
    let rows = rounds::list(&st.db, &caller.scope).await?;
    Ok(Json(json!({ "items": rows, "total": rows.len() })))
}

pub async fn get_round(State(st): State<AppState>, caller: Caller, Path(id): Path<Uuid>) -> ApiResult<Json<Value>> {
    Ok(Json(json!(rounds::get(&st.db, &caller.scope, id).await?)))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ScoresInput {
    pub items: Vec<rounds::ScoreInput>,
}

/// `PUT /api/v1/assessment-rounds/{id}/scores`: scores for many workers, all or nothing.
pub async fn save_scores(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(i): Json<ScoresInput>,
) -> ApiResult<Json<Value>> {
    caller.access.require(Permission::ScoreAssessment)?;
    let n = rounds::save_scores(&st.db, &caller.access, id, &i.items).await?;
    Ok(Json(json!({ "saved": n })))
}

/// `POST /api/v1/assessment-rounds/{id}/score`: draft → scored.
pub async fn score_round(State(st): State<AppState>, caller: Caller, Path(id): Path<Uuid>) -> ApiResult<Json<Value>> {
    caller.access.require(Permission::ManageAssessment)?;
    Ok(Json(json!(rounds::compute(&st.db, &caller.access, id).await?)))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct GradeInput {
    pub worker_id: Option<Uuid>,
    pub grade: String,
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

/// `POST /api/v1/assessment-rounds/{id}/grades`: adjusts one proposed grade (scored rounds).
pub async fn set_round_grade(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(i): Json<GradeInput>,
) -> ApiResult<Json<Value>> {
    caller.access.require(Permission::ManageAssessment)?;
    let w = i
        .worker_id
        .ok_or_else(|| FieldError::new("round_entry", "worker_id", "请指定人员"))?;
    let e = rounds::set_grade(&st.db, &caller.access, id, w, grade_of(&i.grade)?).await?;
    Ok(Json(json!(e)))
}

/// `POST /api/v1/assessment-rounds/{id}/publish`: scored → published; returns who the exit rule flags.
pub async fn publish_round(State(st): State<AppState>, caller: Caller, Path(id): Path<Uuid>) -> ApiResult<Json<Value>> {
    caller.access.require(Permission::ManageAssessment)?;
    let (r, flagged) = rounds::publish(&st.db, &caller.access, id).await?;
    let flagged: Vec<Value> = flagged
        .into_iter()
        .map(|(w, m)| json!({"worker_id": w, "message": m}))
        .collect();
    Ok(Json(json!({ "round": r, "exit_flags": flagged })))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AmendInput {
    pub grade: String,
    pub reason: String,
}

/// `POST /api/v1/workers/{id}/assessments/{year}/amend`: a recorded amendment of a published grade.
pub async fn amend_grade(
    State(st): State<AppState>,
    caller: Caller,
    Path((id, year)): Path<(Uuid, i32)>,
    Json(i): Json<AmendInput>,
) -> ApiResult<Response> {
    caller.access.require(Permission::ManageAssessment)?;
    let m = rounds::amend(&st.db, &caller.access, id, year, grade_of(&i.grade)?, &i.reason).await?;
    Ok((StatusCode::CREATED, Json(json!(m))).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RegionQuery {
    pub region: Option<String>,
}

/// `GET /api/v1/reserves?region=`: current candidates.
pub async fn list_reserves(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<ReserveQuery>,
) -> ApiResult<Json<Value>> {
    let (page, per_page) = q.paging.paging(200, 1000)?;
    let (rows, total) = reserves::list(&st.db, &caller.scope, q.region.as_deref(), page, per_page).await?;
    Ok(Json(
        json!({ "items": rows, "total": total, "page": page, "per_page": per_page }),
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReserveQuery {
    pub region: Option<String>,
    #[serde(flatten)]
    pub paging: PageQuery,
}

/// `POST /api/v1/reserves`.
pub async fn add_reserve(
    State(st): State<AppState>,
    caller: Caller,
    Json(i): Json<reserves::ReserveInput>,
) -> ApiResult<Response> {
    caller.access.require(Permission::ManageReserves)?;
    let r = reserves::add(&st.db, &caller.access, &i, today()).await?;
    Ok((StatusCode::CREATED, Json(json!(r))).into_response())
}

/// `DELETE /api/v1/reserves/{id}`: takes a candidate out of the pool (kept, dated).
pub async fn remove_reserve(State(st): State<AppState>, caller: Caller, Path(id): Path<Uuid>) -> ApiResult<StatusCode> {
    caller.access.require(Permission::ManageReserves)?;
    reserves::remove(&st.db, &caller.access, id, today()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/v1/reserves/coverage?region=`: seats, candidates and shortfall per community.
pub async fn reserve_coverage(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<RegionQuery>,
) -> ApiResult<Json<Value>> {
    let scope = match q.region.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(r) => caller.scope.narrow(&region_of(r)?).ok_or(AppError::NotFound)?,
        None => caller.scope.clone(),
    };
    let rows = reserves::coverage(&st.db, &scope, today()).await?;
    let short = rows.iter().filter(|c| c.short() > 0).count();
    Ok(Json(json!({ "items": rows, "communities_short": short })))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ResultInput {
    pub attendance: Option<String>,
    pub result: Option<String>,
}

/// `PUT /api/v1/trainings/{id}/records/{worker_id}`: one worker's attendance and result.
pub async fn set_training_result(
    State(st): State<AppState>,
    caller: Caller,
    Path((id, worker)): Path<(Uuid, Uuid)>,
    Json(i): Json<ResultInput>,
) -> ApiResult<Json<Value>> {
    caller.access.require(Permission::ManageTraining)?;
    let r = shegong_store::training::set_result(
        &st.db,
        &caller.access,
        id,
        worker,
        i.attendance.as_deref().unwrap_or("attended"),
        i.result.as_deref().filter(|s| !s.is_empty()),
    )
    .await?;
    Ok(Json(json!(r)))
}
