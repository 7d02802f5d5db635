//! The JSON API under `/api/v1`. Handlers are thin: parse, call the store with the caller's scope,
//! shape the answer.

use crate::auth::Caller;
use crate::error::{ApiResult, AppError};
use crate::extract::Json;
use crate::extract::{Path, Query};
use crate::views::{self, today, worker_detail, worker_item};
use crate::{AppState, export};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use shegong_domain::Permission;
use shegong_domain::codes::EDUCATION;
use shegong_domain::worker::{CertificateFields, CertificateLevel, EducationFields, NewWorkerInput, parse_date};
use shegong_domain::{FieldError, RegionCode};
use shegong_store::workers::{self, AgreementFields, WorkerFilter, WorkerPatch};
use shegong_store::{audit, career, regions, users};
use uuid::Uuid;

fn parse_region(code: &str) -> ApiResult<RegionCode> {
    RegionCode::parse(code).map_err(|_| AppError::NotFound)
}

/// `GET /api/v1/regions/{code}`.
pub async fn region(State(st): State<AppState>, caller: Caller, Path(code): Path<String>) -> ApiResult<Json<Value>> {
    let code = parse_region(&code)?;
    let r = regions::get(&st.db, &caller.scope, &code).await?;
    let children = regions::children(&st.db, &caller.scope, &code).await?;
    Ok(Json(
        serde_json::to_value(views::region_view(&r, &children)).map_err(anyhow::Error::from)?,
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    #[serde(flatten)]
    pub filter: WorkerFilter,
    pub page: Option<String>,
    pub per_page: Option<String>,
}

impl ListQuery {
    /// The filter as this caller may search: ID numbers by prefix only for roles that see them.
    pub fn filter_for(&self, caller: &Caller) -> WorkerFilter {
        WorkerFilter {
            id_prefix_search: caller.role.may(Permission::ViewFullIdNumber),
            ..self.filter.clone()
        }
    }

    pub fn paging(&self) -> ApiResult<(u64, u64)> {
        Ok((
            crate::extract::bounded(&self.page, "page", 1, crate::extract::MAX_PAGE)?,
            crate::extract::bounded(&self.per_page, "per_page", 20, 200)?,
        ))
    }
}

/// `GET /api/v1/workers`.
pub async fn list_workers(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<Value>> {
    let (page, per_page) = q.paging()?;
    let today = today();
    let (rows, total) = workers::list(&st.db, &caller.scope, &q.filter_for(&caller), today, page, per_page).await?;
    let names = workers::community_names(&st.db, rows.iter().map(|w| w.region_code.clone()).collect()).await?;
    let items: Vec<_> = rows.iter().map(|w| worker_item(w, &names, today)).collect();
    Ok(Json(
        json!({ "items": items, "total": total, "page": page, "per_page": per_page }),
    ))
}

/// `POST /api/v1/workers`.
pub async fn create_worker(
    State(st): State<AppState>,
    caller: Caller,
    body: Result<Json<NewWorkerInput>, AppError>,
) -> ApiResult<Response> {
    caller.access.require(Permission::EditArchive)?;
    let Json(input) = body?;
    let new = input.parse(today()).map_err(AppError::Invalid)?;
    let w = workers::create(&st.db, &caller.access, new).await?;
    let a = workers::archive(&st.db, &caller.scope, w.id, today()).await?;
    let grades = career::grades(&st.db, &caller.scope, w.id).await?;
    Ok((StatusCode::CREATED, Json(worker_detail(&a, &grades, false, today()))).into_response())
}

/// `GET /api/v1/workers/{id}`: the whole archive. Full ID numbers for admins and auditors, audited.
pub async fn get_worker(State(st): State<AppState>, caller: Caller, Path(id): Path<Uuid>) -> ApiResult<Json<Value>> {
    let a = workers::archive(&st.db, &caller.scope, id, today()).await?;
    let grades = career::grades(&st.db, &caller.scope, id).await?;
    let full = caller.role.may(Permission::ViewFullIdNumber);
    if full {
        audit::full_id_viewed(&st.db, &caller.actor, &a.worker.region_code, id, "api").await?;
    }
    Ok(Json(
        serde_json::to_value(worker_detail(&a, &grades, full, today())).map_err(anyhow::Error::from)?,
    ))
}

/// `PATCH /api/v1/workers/{id}`.
pub async fn patch_worker(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    body: Result<Json<WorkerPatch>, AppError>,
) -> ApiResult<Json<Value>> {
    caller.access.require(Permission::EditArchive)?;
    let Json(patch) = body?;
    workers::update(&st.db, &caller.access, id, &patch).await?;
    let a = workers::archive(&st.db, &caller.scope, id, today()).await?;
    let grades = career::grades(&st.db, &caller.scope, id).await?;
    Ok(Json(
        serde_json::to_value(worker_detail(&a, &grades, false, today())).map_err(anyhow::Error::from)?,
    ))
}

pub async fn worker_history(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<Value>> {
    let full = caller.role.may(Permission::ViewFullIdNumber);
    let rows = workers::history(&st.db, &caller.scope, id, full).await?;
    if full && let Some(r) = rows.iter().find(|r| r.field == workers::ID_NUMBER_FIELD) {
        audit::full_id_viewed(&st.db, &caller.actor, &r.region_code, id, "history").await?;
    }
    Ok(Json(
        json!({ "items": rows.iter().map(views::change_view).collect::<Vec<_>>() }),
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AppointmentInput {
    pub community_code: String,
    pub post_category: String,
    pub title: String,
    pub start_date: String,
    pub two_committees: bool,
    pub full_time: Option<bool>,
    pub party_building: bool,
    /// End the open appointments the day this one starts (a transfer). Default true.
    pub transfer: Option<bool>,
}

pub async fn add_appointment(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(i): Json<AppointmentInput>,
) -> ApiResult<Json<Value>> {
    caller.access.require(Permission::EditArchive)?;
    let a = workers::parse_appointment(
        &i.community_code,
        &i.post_category,
        &i.title,
        &i.start_date,
        (i.two_committees, i.full_time.unwrap_or(true), i.party_building),
    )
    .map_err(AppError::Invalid)?;
    workers::add_appointment(&st.db, &caller.access, id, a, i.transfer.unwrap_or(true)).await?;
    get_worker(State(st), caller, Path(id)).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EducationInput {
    pub education_code: String,
    pub school: Option<String>,
    pub major: Option<String>,
    pub graduated_on: Option<String>,
}

pub fn parse_education(i: &EducationInput) -> ApiResult<EducationFields> {
    let code = EDUCATION.parse(&i.education_code)?;
    let graduated_on = match i.graduated_on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(d) => Some(parse_date("graduated_on", "毕业日期", d)?),
        None => None,
    };
    let clean = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    Ok(EducationFields {
        code,
        school: clean(&i.school),
        major: clean(&i.major),
        graduated_on,
    })
}

pub async fn add_education(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(i): Json<EducationInput>,
) -> ApiResult<Json<Value>> {
    caller.access.require(Permission::EditArchive)?;
    workers::add_education(&st.db, &caller.access, id, parse_education(&i)?).await?;
    get_worker(State(st), caller, Path(id)).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CertificateInput {
    pub level: String,
    pub number: Option<String>,
    pub issued_on: Option<String>,
}

pub fn parse_certificate(i: &CertificateInput) -> ApiResult<CertificateFields> {
    let level = CertificateLevel::parse(&i.level)?;
    let issued_on = match i.issued_on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(d) => Some(parse_date("issued_on", "发证日期", d)?),
        None => None,
    };
    Ok(CertificateFields {
        level,
        number: i
            .number
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        issued_on,
    })
}

pub async fn add_certificate(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(i): Json<CertificateInput>,
) -> ApiResult<Json<Value>> {
    caller.access.require(Permission::EditArchive)?;
    workers::add_certificate(&st.db, &caller.access, id, parse_certificate(&i)?).await?;
    get_worker(State(st), caller, Path(id)).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AgreementInput {
    pub term: String,
    pub number: Option<String>,
    pub start_date: String,
    pub end_date: String,
    pub signed_on: Option<String>,
}

pub fn parse_agreement(i: &AgreementInput) -> ApiResult<AgreementFields> {
    Ok(AgreementFields {
        number: i
            .number
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        term: i.term.trim().to_string(),
        start_date: parse_date("start_date", "协议开始日期", &i.start_date)?,
        end_date: parse_date("end_date", "协议结束日期", &i.end_date)?,
        signed_on: match i.signed_on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(d) => Some(parse_date("signed_on", "签订日期", d)?),
            None => None,
        },
    })
}

pub async fn add_agreement(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(i): Json<AgreementInput>,
) -> ApiResult<Json<Value>> {
    caller.access.require(Permission::EditArchive)?;
    workers::add_agreement(&st.db, &caller.access, id, parse_agreement(&i)?).await?;
    get_worker(State(st), caller, Path(id)).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ExitInput {
    pub exited_on: String,
    pub reason: String,
}

pub async fn exit_worker(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(i): Json<ExitInput>,
) -> ApiResult<Json<Value>> {
    caller.access.require(Permission::ExitWorker)?;
    let on = parse_date("exited_on", "退出日期", &i.exited_on)?;
    workers::exit(&st.db, &caller.access, id, on, &i.reason).await?;
    get_worker(State(st), caller, Path(id)).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CorrectionInput {
    pub field: String,
    pub message: String,
}

pub async fn request_correction(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(i): Json<CorrectionInput>,
) -> ApiResult<Response> {
    let c = workers::request_correction(&st.db, &caller.access, id, &i.field, &i.message).await?;
    Ok((StatusCode::CREATED, Json(c)).into_response())
}

/// `POST /api/v1/workers/{id}/corrections/{cid}/resolve`: mark a correction request handled.
pub async fn resolve_correction(
    State(st): State<AppState>,
    caller: Caller,
    Path((_id, cid)): Path<(Uuid, Uuid)>,
) -> ApiResult<Json<Value>> {
    caller.access.require(Permission::ResolveCorrection)?;
    let c = workers::resolve_correction(&st.db, &caller.access, cid).await?;
    Ok(Json(serde_json::to_value(c).map_err(anyhow::Error::from)?))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AssessmentInput {
    pub year: Option<i32>,
    pub grade: String,
}

/// `POST /api/v1/workers/{id}/assessments`: record the published grade of a year (admins in scope).
pub async fn add_assessment(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(i): Json<AssessmentInput>,
) -> ApiResult<Response> {
    caller.access.require(Permission::ManageAssessment)?;
    let year = i
        .year
        .ok_or_else(|| FieldError::new("year_required", "year", "请填写考核年度"))?;
    let grade = shegong_domain::career::Grade::parse(&i.grade).ok_or_else(|| {
        FieldError::new(
            "grade_unknown",
            "grade",
            "考核等次应为：优秀、合格、基本合格或不合格（excellent|competent|basically_competent|incompetent）",
        )
    })?;
    let a = career::record_grade(&st.db, &caller.access, id, year, grade, today()).await?;
    Ok((StatusCode::CREATED, Json(views::assessment_view(&a))).into_response())
}

/// `GET /api/v1/workers/{id}/assessments`.
pub async fn list_assessments(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<Value>> {
    let grades = career::grades(&st.db, &caller.scope, id).await?;
    let flag = career::flag_of(&grades, shegong_domain::career::ExitRule::default());
    Ok(Json(json!({
        "items": grades.iter().map(views::assessment_view).collect::<Vec<_>>(),
        "exit_flag": flag.is_some(),
        "exit_rule": flag.map(|t| t.message),
    })))
}

/// `POST /api/v1/workers/{id}/rewards`: a reward (奖励) or sanction (处分).
pub async fn add_reward(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(i): Json<career::RewardInput>,
) -> ApiResult<Response> {
    caller.access.require(Permission::EditArchive)?;
    let r = career::add_reward(&st.db, &caller.access, id, &i).await?;
    Ok((StatusCode::CREATED, Json(r)).into_response())
}

/// `GET /api/v1/workers/{id}/rewards`.
pub async fn list_rewards(State(st): State<AppState>, caller: Caller, Path(id): Path<Uuid>) -> ApiResult<Json<Value>> {
    let items = career::rewards(&st.db, &caller.scope, id).await?;
    Ok(Json(json!({ "items": items })))
}

/// `POST /api/v1/trainings`: a course or class organised by a region in scope.
pub async fn create_training(
    State(st): State<AppState>,
    caller: Caller,
    Json(i): Json<shegong_store::training::TrainingInput>,
) -> ApiResult<Response> {
    caller.access.require(Permission::ManageTraining)?;
    let t = shegong_store::training::create(&st.db, &caller.access, &i).await?;
    Ok((StatusCode::CREATED, Json(t)).into_response())
}

/// `GET /api/v1/trainings`: trainings organised inside the caller's region, with participant counts.
pub async fn list_trainings(State(st): State<AppState>, caller: Caller) -> ApiResult<Json<Value>> {
    if caller.scope.only_worker().is_some() {
        return Err(AppError::NotFound);
    }
    let rows = shegong_store::training::list(&st.db, &caller.scope).await?;
    let items: Vec<Value> = rows
        .into_iter()
        .map(|(t, n)| {
            let mut v = serde_json::to_value(&t).unwrap_or(Value::Null);
            v["participants"] = json!(n);
            v
        })
        .collect();
    Ok(Json(json!({ "items": items, "total": items.len() })))
}

/// `POST /api/v1/trainings/{id}/enrol`: record the training for every active worker the filter
/// selects (bulk enrolment of a region or a filtered list).
pub async fn enrol_training(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(filter): Json<WorkerFilter>,
) -> ApiResult<Json<Value>> {
    caller.access.require(Permission::ManageTraining)?;
    let filter = WorkerFilter {
        id_prefix_search: caller.role.may(Permission::ViewFullIdNumber),
        ..filter
    };
    let added = shegong_store::training::enrol(&st.db, &caller.access, id, &filter, today()).await?;
    Ok(Json(json!({ "added": added })))
}

/// `GET /api/v1/training/overdue?region=`: who is behind the training rotation, and since when.
pub async fn training_overdue(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<RegionQuery>,
) -> ApiResult<Json<Value>> {
    let scope = narrowed(&caller, &q)?;
    let rotation = career::rules_in_force(&st.db, scope.region().as_str(), today())
        .await?
        .rotation;
    let rows = shegong_store::training::overdue(&st.db, &scope, today(), rotation).await?;
    Ok(Json(json!({ "items": rows, "total": rows.len() })))
}

/// `GET /api/v1/training/overdue.xlsx?region=`.
pub async fn training_overdue_xlsx(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<RegionQuery>,
) -> ApiResult<Response> {
    let scope = narrowed(&caller, &q)?;
    let rotation = career::rules_in_force(&st.db, scope.region().as_str(), today())
        .await?
        .rotation;
    let rows = shegong_store::training::overdue(&st.db, &scope, today(), rotation).await?;
    let names = regions::community_names_in(&st.db, scope.region().as_str()).await?;
    export::overdue_xlsx(&rows, &names).await
}

fn narrowed(caller: &Caller, q: &RegionQuery) -> ApiResult<shegong_domain::Scope> {
    match q.region.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(r) => caller.scope.narrow(&parse_region(r)?).ok_or(AppError::NotFound),
        None => Ok(caller.scope.clone()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RegionQuery {
    pub region: Option<String>,
}

/// `GET /api/v1/alerts?region=CODE`: what needs acting on in the region.
pub async fn alerts(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<RegionQuery>,
) -> ApiResult<Json<Value>> {
    let scope = narrowed(&caller, &q)?;
    let rules = career::rules_in_force(&st.db, scope.region().as_str(), today()).await?;
    let items = career::alerts(&st.db, &scope, today(), rules).await?;
    Ok(Json(json!({ "items": items, "total": items.len() })))
}

/// `GET /api/v1/workers.xlsx`: the scoped, filtered list as an Excel file.
pub async fn export_workers(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<ListQuery>,
) -> ApiResult<Response> {
    export::workers_xlsx(&st, &caller, &q.filter).await
}

pub async fn list_users(State(st): State<AppState>, caller: Caller) -> ApiResult<Json<Value>> {
    caller.access.require(Permission::ManageUsers)?;
    let rows = users::list(&st.db, &caller.access).await?;
    let items: Vec<Value> = rows
        .iter()
        .map(|u| json!({"id": u.id, "username": u.username, "display_name": u.display_name, "role": u.role, "region": u.region_code, "disabled": u.disabled}))
        .collect();
    Ok(Json(json!({ "items": items, "total": items.len() })))
}

pub async fn create_user(
    State(st): State<AppState>,
    caller: Caller,
    Json(new): Json<users::NewUser>,
) -> ApiResult<Response> {
    caller.access.require(Permission::ManageUsers)?;
    let u = users::create(&st.db, Some((caller.role, &caller.scope)), &caller.actor, new).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": u.id, "username": u.username, "role": u.role, "region": u.region_code})),
    )
        .into_response())
}

pub use crate::extract::PageQuery;

pub async fn audit_log(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<Value>> {
    caller.access.require(Permission::ReadAuditLog)?;
    let (page, per_page) = q.paging(50, 500)?;
    let (rows, total) = audit::list(&st.db, &caller.access, page - 1, per_page).await?;
    Ok(Json(json!({ "items": rows, "total": total })))
}

pub async fn not_found() -> AppError {
    AppError::NotFound
}
