//! The pages people work in (zh-CN). Each handler parses, calls the store with the caller's scope
//! and renders a template; forms post back and redirect (PRG), carrying the session's CSRF token.

use crate::AppState;
use crate::api::{self, AgreementInput, CertificateInput, EducationInput, ListQuery};
use crate::auth::Caller;
use crate::error::AppError;
use crate::views::{self, WorkerDetail, WorkerItem, local_time, today, worker_detail, worker_item};
use askama::Template;
use axum::extract::{ConnectInfo, FromRequestParts, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use shegong_domain::Permission;
use shegong_domain::codes::{EDUCATION, ETHNICITY, POLITICAL_STATUS, URBAN_RURAL};
use shegong_domain::worker::{CertificateLevel, NewWorkerInput, POST_CATEGORIES, TITLES, post_category_label};
use shegong_domain::{FieldError, RegionCode, RegionLevel, Role};
use shegong_store::entity::region;
use shegong_store::workers::{self, WorkerFilter, WorkerPatch};
use shegong_store::{audit, regions, users};
use std::collections::HashMap;
use std::net::SocketAddr;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/regions/{code}", get(region_page))
        .route("/workers", get(workers_page))
        .route("/workers.xlsx", get(workers_export))
        .route("/workers/new", get(new_worker_page).post(create_worker))
        .route("/workers/{id}", get(worker_page))
        .route("/workers/{id}/edit", get(edit_worker_page).post(update_worker))
        .route("/workers/{id}/educations", post(add_education))
        .route("/workers/{id}/certificates", post(add_certificate))
        .route("/workers/{id}/appointments", post(add_appointment))
        .route("/workers/{id}/agreements", post(add_agreement))
        .route("/workers/{id}/exit", post(exit_worker))
        .route("/workers/{id}/assessments", post(add_assessment))
        .route("/workers/{id}/rewards", post(add_reward))
        .route("/workers/{id}/amend", post(amend_grade))
        .route("/workers/{id}/corrections", post(request_correction))
        .route("/workers/{id}/corrections/{cid}/resolve", post(resolve_correction))
        .route("/users", get(users_page).post(create_user))
        .route("/users.xlsx", get(users_xlsx))
        .route("/audit.xlsx", get(audit_xlsx))
        .route("/trainings.xlsx", get(trainings_xlsx))
        .route("/regions/{code}/children.xlsx", get(region_children_xlsx))
        .route("/users/{id}/toggle", post(toggle_user))
        .route("/audit", get(audit_page))
        .route("/trainings", get(trainings_page).post(create_training))
        .route("/trainings/{id}/enrol", post(enrol_training))
        .route("/training/overdue", get(overdue_page))
}

pub use crate::error::PageError;

pub(crate) type PageResult = Result<Response, PageError>;

pub(crate) fn render(t: impl Template) -> PageResult {
    Ok(Html(t.render().map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?).into_response())
}

/// What every page's frame shows.
pub struct Chrome {
    pub user: String,
    pub role: String,
    pub region_code: String,
    pub region_name: String,
    pub csrf: String,
    pub nav: &'static str,
    pub admin: bool,
    pub audit: bool,
    pub worker_self: Option<String>,
}

pub(crate) async fn chrome(st: &AppState, c: &Caller, nav: &'static str) -> Result<Chrome, PageError> {
    let region = regions::get(&st.db, &c.scope, c.scope.region()).await?;
    Ok(Chrome {
        user: c.user.display_name.clone(),
        role: c.role.label().into(),
        region_code: region.code,
        region_name: region.name,
        csrf: c.csrf.clone().unwrap_or_default(),
        nav,
        admin: c.role.may(Permission::ManageUsers),
        audit: c.role.may(Permission::ReadAuditLog),
        worker_self: c.scope.only_worker().map(|w| w.to_string()),
    })
}

// ---------------------------------------------------------------------------------------------
// Login

/// The client's address when the server knows it (not under in-process tests).
pub struct ClientAddr(pub Option<SocketAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0)))
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CsrfForm {
    _csrf: String,
}

// ---------------------------------------------------------------------------------------------
// Home and regions

pub struct ChildRow {
    pub code: String,
    pub name: String,
    pub households: i64,
    pub residents: i64,
    pub workers: i64,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    c: Chrome,
    path: Vec<region::Model>,
    region_name: String,
    s: workers::Summary,
    totals: regions::RegionTotals,
    grids: i64,
    per300: String,
    per10k: String,
    pending_corrections: usize,
    /// kind label, count
    alert_counts: Vec<(String, usize)>,
    /// message, link
    alerts: Vec<(String, String)>,
    chart_post: String,
    chart_edu: String,
    chart_cert: String,
    children: Vec<ChildRow>,
}

impl HomePage {
    fn pct(&self, n: &i64, d: &i64) -> String {
        pct(*n, *d)
    }
}

pub fn pct(n: i64, d: i64) -> String {
    if d == 0 {
        "—".into()
    } else {
        format!("{:.1}%", n as f64 * 100.0 / d as f64)
    }
}

fn chart(kind: &str, data: &[(String, i64)]) -> String {
    serde_json::json!({ "type": kind, "data": data }).to_string()
}

async fn child_rows(st: &AppState, caller: &Caller, code: &RegionCode) -> Result<Vec<ChildRow>, PageError> {
    let children = regions::children(&st.db, &caller.scope, code).await?;
    let counts = workers::count_by_child(&st.db, &caller.scope, code).await?;
    Ok(children
        .into_iter()
        .map(|r| ChildRow {
            workers: counts.get(&r.code).copied().unwrap_or(0),
            code: r.code,
            name: r.name,
            households: r.households,
            residents: r.residents,
        })
        .collect())
}

async fn home(State(st): State<AppState>, caller: Caller) -> PageResult {
    if let Some(w) = caller.scope.only_worker() {
        return Ok(Redirect::to(&format!("/workers/{w}")).into_response());
    }
    let c = chrome(&st, &caller, "home").await?;
    let code = caller.scope.region().clone();
    let s = workers::summary(&st.db, &caller.scope, &code).await?;
    let (totals, grids) = regions::totals(&st.db, &caller.scope, &code).await?;
    let hh = totals.households.unwrap_or(0);
    let res = totals.residents.unwrap_or(0);
    let pending = workers::corrections(&st.db, &caller.scope, None)
        .await?
        .into_iter()
        .filter(|r| r.status == "pending")
        .count();
    let rules = shegong_store::career::AlertRules {
        include_training: false,
        ..shegong_store::career::rules_in_force(&st.db, caller.scope.region().as_str(), today()).await?
    };
    let all_alerts = shegong_store::career::alerts(&st.db, &caller.scope, today(), rules).await?;
    let training_overdue = shegong_store::training::overdue(&st.db, &caller.scope, today(), rules.rotation)
        .await?
        .len();
    let alert_counts = [
        ("exit_flag", "符合退出情形"),
        ("agreement_expiring", "服务协议90天内到期"),
        ("certificate_goal", "持证人数低于3人的社区"),
    ]
    .iter()
    .map(|(k, l)| {
        let n = if *k == "training_overdue" {
            training_overdue
        } else {
            all_alerts.iter().filter(|a| a.kind == *k).count()
        };
        (l.to_string(), n)
    })
    .collect();
    let alerts = all_alerts
        .iter()
        .filter(|a| matches!(a.kind, "exit_flag" | "agreement_expiring"))
        .take(15)
        .map(|a| {
            let link = match (&a.worker_id, &a.region_code) {
                (Some(w), _) => format!(
                    "/workers/{w}{}",
                    if a.kind == "exit_flag" {
                        "?tab=assessment"
                    } else {
                        "?tab=agreement"
                    }
                ),
                (None, Some(r)) => format!("/regions/{r}"),
                _ => "/".into(),
            };
            (a.message.clone(), link)
        })
        .collect();
    render(HomePage {
        path: regions::path(&st.db, &caller.scope, &code).await?,
        region_name: c.region_name.clone(),
        per300: if hh == 0 {
            "—".into()
        } else {
            format!("{:.2}", s.active as f64 * 300.0 / hh as f64)
        },
        per10k: if res == 0 {
            "—".into()
        } else {
            format!("{:.1}", s.active as f64 * 10000.0 / res as f64)
        },
        chart_post: chart("pie", &s.by_post_category),
        chart_edu: chart("bar", &s.by_education),
        chart_cert: chart("pie", &s.by_certificate),
        children: child_rows(&st, &caller, &code).await?,
        pending_corrections: pending,
        alert_counts,
        alerts,
        s,
        totals,
        grids,
        c,
    })
}

#[derive(Template)]
#[template(path = "region.html")]
struct RegionPage {
    c: Chrome,
    path: Vec<region::Model>,
    region: region::Model,
    level_label: String,
    child_label: String,
    urban_rural: String,
    workers: i64,
    workers_link: bool,
    show_workers: bool,
    children: Vec<ChildRow>,
}

async fn region_page(State(st): State<AppState>, caller: Caller, Path(code): Path<String>) -> PageResult {
    if caller.scope.only_worker().is_some() {
        return Err(AppError::NotFound.into());
    }
    let code = RegionCode::parse(&code).map_err(|_| AppError::NotFound)?;
    let region = regions::get(&st.db, &caller.scope, &code).await?;
    let level = code.level();
    let children = child_rows(&st, &caller, &code).await?;
    let workers = if level == RegionLevel::Grid {
        0
    } else {
        workers::summary(&st.db, &caller.scope, &code).await?.active
    };
    render(RegionPage {
        c: chrome(&st, &caller, "regions").await?,
        path: regions::path(&st.db, &caller.scope, &code).await?,
        level_label: code.township_kind().unwrap_or(level.label()).to_string(),
        child_label: level.child().map_or("下级区划", |l| l.label()).to_string(),
        urban_rural: region
            .urban_rural_class
            .as_deref()
            .and_then(|c| URBAN_RURAL.name(c))
            .unwrap_or("—")
            .to_string(),
        workers,
        workers_link: level != RegionLevel::Grid,
        show_workers: level < RegionLevel::Community,
        children,
        region,
    })
}

// ---------------------------------------------------------------------------------------------
// Worker list

#[derive(Template)]
#[template(path = "workers.html")]
struct WorkersPage {
    c: Chrome,
    f: WorkerFilter,
    qs: String,
    items: Vec<WorkerItem>,
    total: u64,
    page: u64,
    pages: u64,
    error: String,
    can_edit: bool,
    post_categories: Vec<(String, String)>,
    educations: Vec<(String, String)>,
    certificates: Vec<(String, String)>,
    sorts: Vec<(String, String)>,
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

async fn workers_page(State(st): State<AppState>, caller: Caller, Query(q): Query<ListQuery>) -> PageResult {
    if let Some(w) = caller.scope.only_worker() {
        return Ok(Redirect::to(&format!("/workers/{w}")).into_response());
    }
    let c = chrome(&st, &caller, "workers").await?;
    let today = today();
    let (page, per_page) = q.paging().unwrap_or((1, 20));
    let per_page = per_page.min(100);
    let (items, total, error) =
        match workers::list(&st.db, &caller.scope, &q.filter_for(&caller), today, page, per_page).await {
            Ok((rows, total)) => {
                let names =
                    workers::community_names(&st.db, rows.iter().map(|w| w.region_code.clone()).collect()).await?;
                (
                    rows.iter().map(|w| worker_item(w, &names, today)).collect(),
                    total,
                    String::new(),
                )
            }
            Err(shegong_store::StoreError::Invalid(errs)) => (
                vec![],
                0,
                errs.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("；"),
            ),
            Err(e) => return Err(e.into()),
        };
    let qs = serde_urlencoded::to_string(&q.filter).unwrap_or_default();
    render(WorkersPage {
        c,
        qs,
        items,
        total,
        page,
        pages: total.div_ceil(per_page).max(1),
        error,
        can_edit: caller.role.may(Permission::EditArchive),
        post_categories: pairs(&POST_CATEGORIES[..3]),
        educations: pairs(&[
            ("college_or_above", "大专及以上"),
            ("postgraduate", "研究生"),
            ("bachelor", "本科"),
            ("college", "大专"),
            ("high_school_or_below", "高中及以下"),
        ]),
        certificates: pairs(&[
            ("any", "持证"),
            ("none", "未持证"),
            ("junior", "助理社会工作师"),
            ("intermediate", "社会工作师"),
            ("senior", "高级社会工作师"),
        ]),
        sorts: pairs(&[
            ("region", "按社区"),
            ("name", "按姓名"),
            ("age", "年龄从小到大"),
            ("-age", "年龄从大到小"),
            ("service", "任职早的在前"),
            ("-service", "任职晚的在前"),
        ]),
        f: q.filter,
    })
}

async fn workers_export(State(st): State<AppState>, caller: Caller, Query(q): Query<ListQuery>) -> PageResult {
    Ok(crate::export::workers_xlsx(&st, &caller, &q.filter).await?)
}

// ---------------------------------------------------------------------------------------------
// Worker create and edit

#[derive(Default, Clone)]
struct FormValues {
    name: String,
    id_number: String,
    gender: String,
    birth_date: String,
    ethnicity: String,
    political_status: String,
    phone: String,
    address: String,
    community_code: String,
    post_category: String,
    title: String,
    start_date: String,
    two_committees: bool,
    full_time: bool,
    party_building: bool,
    education_code: String,
    school: String,
    major: String,
    certificate_level: String,
    certificate_number: String,
    certificate_date: String,
}

#[derive(Template)]
#[template(path = "worker_form.html")]
struct WorkerFormPage {
    c: Chrome,
    heading: String,
    action: String,
    cancel: String,
    creating: bool,
    v: FormValues,
    errors: HashMap<&'static str, String>,
    ethnicities: Vec<(String, String)>,
    political: Vec<(String, String)>,
    post_categories: Vec<(String, String)>,
    titles: Vec<&'static str>,
    educations: Vec<(String, String)>,
    certificates: Vec<(String, String)>,
    communities: Vec<(String, String)>,
}

impl WorkerFormPage {
    fn err(&self, field: &str) -> &str {
        self.errors.get(field).map_or("", String::as_str)
    }
}

fn code_pairs(list: &shegong_domain::codes::CodeList) -> Vec<(String, String)> {
    list.entries().map(|(c, n)| (c.to_string(), n.to_string())).collect()
}

/// Which worker form: a new archive, or the basic information of an existing one.
#[derive(Clone, Copy)]
enum FormKind {
    New,
    Edit(Uuid),
}

impl FormKind {
    fn heading(self) -> &'static str {
        match self {
            Self::New => "新增社区工作者",
            Self::Edit(_) => "修改基本信息",
        }
    }
    fn action(self) -> String {
        match self {
            Self::New => "/workers/new".into(),
            Self::Edit(id) => format!("/workers/{id}/edit"),
        }
    }
    fn cancel(self) -> String {
        match self {
            Self::New => "/workers".into(),
            Self::Edit(id) => format!("/workers/{id}"),
        }
    }
}

async fn form_page(st: &AppState, caller: &Caller, kind: FormKind, v: FormValues, errs: Vec<FieldError>) -> PageResult {
    let creating = matches!(kind, FormKind::New);
    let communities = if creating {
        regions::search_communities(&st.db, &caller.scope, "", 500)
            .await?
            .into_iter()
            .map(|r| (r.code, r.name))
            .collect()
    } else {
        vec![]
    };
    let mut errors = HashMap::new();
    for e in errs {
        errors.entry(e.field).or_insert(e.message);
    }
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = WorkerFormPage {
        c: chrome(st, caller, "workers").await?,
        heading: kind.heading().into(),
        action: kind.action(),
        cancel: kind.cancel(),
        creating,
        v,
        errors,
        ethnicities: code_pairs(&ETHNICITY),
        political: code_pairs(&POLITICAL_STATUS),
        post_categories: pairs(&POST_CATEGORIES[..3]),
        titles: TITLES.to_vec(),
        educations: EDUCATION
            .entries()
            .filter(|(c, _)| !c.ends_with('0'))
            .map(|(c, n)| (c.to_string(), n.to_string()))
            .collect(),
        certificates: CertificateLevel::ALL
            .iter()
            .map(|l| (l.as_str().to_string(), l.label().to_string()))
            .collect(),
        communities,
    };
    let html = page.render().map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    Ok((status, Html(html)).into_response())
}

async fn new_worker_page(State(st): State<AppState>, caller: Caller) -> PageResult {
    caller.access.require(Permission::EditArchive)?;
    let v = FormValues {
        ethnicity: "01".into(),
        political_status: "13".into(),
        post_category: "staff".into(),
        full_time: true,
        community_code: if caller.scope.region().level() == RegionLevel::Community {
            caller.scope.region().to_string()
        } else {
            String::new()
        },
        ..Default::default()
    };
    form_page(&st, &caller, FormKind::New, v, vec![]).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct WorkerForm {
    _csrf: String,
    name: String,
    id_number: String,
    gender: String,
    birth_date: String,
    ethnicity: String,
    political_status: String,
    phone: String,
    address: String,
    community_code: String,
    post_category: String,
    title: String,
    start_date: String,
    two_committees: Option<String>,
    full_time: Option<String>,
    party_building: Option<String>,
    education_code: String,
    school: String,
    major: String,
    certificate_level: String,
    certificate_number: String,
    certificate_date: String,
}

impl WorkerForm {
    fn values(&self) -> FormValues {
        FormValues {
            name: self.name.clone(),
            id_number: self.id_number.clone(),
            gender: self.gender.clone(),
            birth_date: self.birth_date.clone(),
            ethnicity: self.ethnicity.clone(),
            political_status: self.political_status.clone(),
            phone: self.phone.clone(),
            address: self.address.clone(),
            community_code: self.community_code.clone(),
            post_category: self.post_category.clone(),
            title: self.title.clone(),
            start_date: self.start_date.clone(),
            two_committees: self.two_committees.is_some(),
            full_time: self.full_time.is_some(),
            party_building: self.party_building.is_some(),
            education_code: self.education_code.clone(),
            school: self.school.clone(),
            major: self.major.clone(),
            certificate_level: self.certificate_level.clone(),
            certificate_number: self.certificate_number.clone(),
            certificate_date: self.certificate_date.clone(),
        }
    }
}

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

async fn create_worker(State(st): State<AppState>, caller: Caller, Form(f): Form<WorkerForm>) -> PageResult {
    caller.check_csrf(&f._csrf)?;
    caller.access.require(Permission::EditArchive)?;
    let input = NewWorkerInput {
        name: f.name.clone(),
        id_number: f.id_number.clone(),
        gender: opt(&f.gender),
        birth_date: opt(&f.birth_date),
        ethnicity: opt(&f.ethnicity),
        political_status: opt(&f.political_status),
        phone: opt(&f.phone),
        address: opt(&f.address),
        community_code: f.community_code.clone(),
        post_category: f.post_category.clone(),
        title: f.title.clone(),
        start_date: f.start_date.clone(),
        education_code: opt(&f.education_code),
        school: opt(&f.school),
        major: opt(&f.major),
        two_committees: Some(f.two_committees.is_some()),
        full_time: Some(f.full_time.is_some()),
        party_building: Some(f.party_building.is_some()),
        certificate_level: opt(&f.certificate_level),
        certificate_number: opt(&f.certificate_number),
        certificate_date: opt(&f.certificate_date),
    };
    let result = match input.parse(today()) {
        Ok(new) => workers::create(&st.db, &caller.access, new)
            .await
            .map_err(AppError::from),
        Err(errs) => Err(AppError::Invalid(errs)),
    };
    match result {
        Ok(w) => Ok(Redirect::to(&format!("/workers/{}?notice=created", w.id)).into_response()),
        Err(AppError::Invalid(errs)) => form_page(&st, &caller, FormKind::New, f.values(), errs).await,
        Err(AppError::Conflict(e)) => form_page(&st, &caller, FormKind::New, f.values(), vec![e]).await,
        Err(e) => Err(e.into()),
    }
}

async fn edit_worker_page(State(st): State<AppState>, caller: Caller, Path(id): Path<Uuid>) -> PageResult {
    caller.access.require(Permission::EditArchive)?;
    let w = workers::get(&st.db, &caller.scope, id).await?;
    // The form shows the full number only to roles that may see it, and that view is audited; the
    // others see it masked and cannot change it.
    let id_number = if caller.role.may(Permission::ViewFullIdNumber) {
        audit::full_id_viewed(&st.db, &caller.actor, &w.region_code, id, "edit").await?;
        w.id_number
    } else {
        shegong_domain::id_number::mask(&w.id_number)
    };
    let v = FormValues {
        name: w.name,
        id_number,
        gender: w.gender,
        birth_date: w.birth_date.to_string(),
        ethnicity: w.ethnicity,
        political_status: w.political_status,
        phone: w.phone.unwrap_or_default(),
        address: w.address.unwrap_or_default(),
        ..Default::default()
    };
    form_page(&st, &caller, FormKind::Edit(id), v, vec![]).await
}

async fn update_worker(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Form(f): Form<WorkerForm>,
) -> PageResult {
    caller.check_csrf(&f._csrf)?;
    caller.access.require(Permission::EditArchive)?;
    let patch = WorkerPatch {
        name: Some(f.name.clone()),
        id_number: caller
            .role
            .may(Permission::ViewFullIdNumber)
            .then(|| f.id_number.clone()),
        gender: opt(&f.gender),
        birth_date: opt(&f.birth_date),
        ethnicity: Some(f.ethnicity.clone()),
        political_status: Some(f.political_status.clone()),
        phone: Some(f.phone.clone()),
        address: Some(f.address.clone()),
    };
    match workers::update(&st.db, &caller.access, id, &patch).await {
        Ok(_) => Ok(Redirect::to(&format!("/workers/{id}?notice=saved")).into_response()),
        Err(shegong_store::StoreError::Invalid(errs)) => {
            form_page(&st, &caller, FormKind::Edit(id), f.values(), errs).await
        }
        Err(shegong_store::StoreError::Conflict(e)) => {
            form_page(&st, &caller, FormKind::Edit(id), f.values(), vec![e]).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------------
// Worker page

type Row4 = (String, String, String, String);
type Row5 = (String, String, String, String, String);
/// community, post category, title, 两委, full-time, start, end, end reason
type AppointmentRow = (String, String, String, String, String, String, String, String);

#[derive(Template)]
#[template(path = "worker.html")]
struct WorkerPage {
    c: Chrome,
    w: WorkerDetail,
    tab: String,
    tabs: Vec<(String, String)>,
    notice: String,
    errors: Vec<FieldError>,
    can_edit: bool,
    can_exit: bool,
    is_self: bool,
    educations: Vec<Row4>,
    certificates: Vec<Row4>,
    appointments: Vec<AppointmentRow>,
    agreements: Vec<Row5>,
    history: Vec<Row5>,
    /// kind label, title, issuer, date, note
    rewards: Vec<Row5>,
    /// submitted, by, field, message, status, id, pending
    corrections: Vec<(String, String, String, String, String, Uuid, bool)>,
    education_codes: Vec<(String, String)>,
    certificate_levels: Vec<(String, String)>,
    post_categories: Vec<(String, String)>,
    titles: Vec<&'static str>,
    exit_reasons: Vec<&'static str>,
    /// course, kind, completed on, credits, attendance/result
    trainings: Vec<Row5>,
    /// the level under the policy in force, and each change: from, change, reason
    level: String,
    level_steps: Vec<(String, String, String)>,
    /// month, status, level, components, total, paid
    payslips: Vec<(String, String, i32, String, String, String)>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct WorkerPageQuery {
    tab: Option<String>,
    #[serde(flatten)]
    flash: crate::flash::Flash,
}

fn date_str(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

async fn worker_page(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Query(q): Query<WorkerPageQuery>,
) -> PageResult {
    let today = today();
    let a = workers::archive(&st.db, &caller.scope, id, today).await?;
    let grades = shegong_store::career::grades(&st.db, &caller.scope, id).await?;
    let tab = q.tab.clone().unwrap_or_else(|| "basic".into());
    let rewards = if tab == "reward" {
        shegong_store::career::rewards(&st.db, &caller.scope, id)
            .await?
            .into_iter()
            .map(|r| {
                let kind = if r.kind == "reward" { "奖励" } else { "处分" };
                (
                    kind.to_string(),
                    r.title,
                    r.issuer,
                    r.issued_on.to_string(),
                    r.note.unwrap_or_default(),
                )
            })
            .collect()
    } else {
        vec![]
    };
    let full = caller.role.may(Permission::ViewFullIdNumber);
    if full && tab == "basic" {
        audit::full_id_viewed(&st.db, &caller.actor, &a.worker.region_code, id, "page").await?;
    }
    let names =
        workers::community_names(&st.db, a.appointments.iter().map(|x| x.region_code.clone()).collect()).await?;
    let yes = |b: bool| if b { "是" } else { "否" }.to_string();
    let history = if tab == "history" {
        workers::history(&st.db, &caller.scope, id, full)
            .await?
            .into_iter()
            .map(|h| {
                (
                    local_time(h.changed_at),
                    h.actor,
                    h.field,
                    h.before.unwrap_or_default(),
                    h.after.unwrap_or_default(),
                )
            })
            .collect()
    } else {
        vec![]
    };
    if full && history.iter().any(|h| h.2 == workers::ID_NUMBER_FIELD) {
        audit::full_id_viewed(&st.db, &caller.actor, &a.worker.region_code, id, "history").await?;
    }
    let trainings = if tab == "training" {
        shegong_store::training::of_worker(&st.db, &caller.scope, id)
            .await?
            .into_iter()
            .map(|(r, t)| {
                let result = match (r.attendance.as_str(), r.result.as_deref()) {
                    ("absent", _) => "缺勤",
                    (_, Some("failed")) => "未通过",
                    (_, Some("passed")) => "通过",
                    _ => "已参训",
                };
                (
                    t.name,
                    shegong_store::training::kind_label(&t.kind).to_string(),
                    r.completed_on.to_string(),
                    r.credits.to_string(),
                    result.to_string(),
                )
            })
            .collect()
    } else {
        vec![]
    };
    let (level, level_steps, payslips) = if tab == "pay" {
        let l = shegong_store::payroll::level_of(&st.db, &caller.scope, id, today).await?;
        let slips = shegong_store::payroll::payslips(&st.db, &caller.scope, id, None).await?;
        (
            l.as_ref()
                .map_or("无适用政策".into(), |l| format!("第{}级/档", l.level)),
            l.map(|l| l.steps)
                .unwrap_or_default()
                .into_iter()
                .enumerate()
                .map(|(i, s)| {
                    let change = if i == 0 {
                        format!("起点第{}级/档", s.level)
                    } else {
                        format!("{:+}", s.delta)
                    };
                    (s.from.format("%Y-%m").to_string(), change, s.reason)
                })
                .collect(),
            slips
                .into_iter()
                .map(|p| {
                    let parts = p
                        .components
                        .iter()
                        .filter(|c| c.fen != 0)
                        .map(|c| format!("{} {}", c.label, shegong_domain::pay::yuan(c.fen)))
                        .collect::<Vec<_>>()
                        .join("，");
                    (
                        p.month,
                        shegong_store::payroll::status_label(&p.status).to_string(),
                        p.level,
                        parts,
                        shegong_domain::pay::yuan(p.total),
                        shegong_domain::pay::yuan(p.paid),
                    )
                })
                .collect(),
        )
    } else {
        (String::new(), vec![], vec![])
    };
    let corrections = workers::corrections(&st.db, &caller.scope, Some(id))
        .await?
        .into_iter()
        .map(|r| {
            let pending = r.status == "pending";
            let status = match (&r.handled_by, r.handled_at) {
                (Some(by), Some(at)) => format!("已处理（{by}，{}）", local_time(at)),
                _ => "待处理".into(),
            };
            (
                local_time(r.created_at),
                r.requested_by,
                r.field,
                r.message,
                status,
                r.id,
                pending,
            )
        })
        .collect();
    let notice = match q.flash.notice.as_deref() {
        Some("created") => "已建立档案。",
        Some("saved") => "已保存。",
        Some("requested") => "更正申请已提交，管理员处理后会更新档案。",
        _ => "",
    };
    let errors = q.flash.errors(caller.user.id);
    render(WorkerPage {
        c: chrome(&st, &caller, "workers").await?,
        tabs: pairs(&[
            ("basic", "基本信息"),
            ("education", "学历"),
            ("certificate", "证书"),
            ("appointment", "任职"),
            ("agreement", "协议"),
            ("assessment", "考核"),
            ("training", "培训"),
            ("pay", "薪酬"),
            ("reward", "奖惩"),
            ("history", "履历/历史"),
        ]),
        trainings,
        level,
        level_steps,
        payslips,
        notice: notice.into(),
        errors,
        can_edit: caller.role.may(Permission::EditArchive),
        can_exit: caller.role.may(Permission::ExitWorker),
        is_self: caller.scope.only_worker() == Some(id),
        educations: a
            .educations
            .iter()
            .map(|e| {
                (
                    EDUCATION
                        .name(&e.education_code)
                        .unwrap_or(&e.education_code)
                        .to_string(),
                    e.school.clone().unwrap_or_default(),
                    e.major.clone().unwrap_or_default(),
                    date_str(e.graduated_on),
                )
            })
            .collect(),
        certificates: a
            .certificates
            .iter()
            .map(|c| {
                (
                    c.name.clone(),
                    views::cert_label(c.level.as_deref()),
                    c.number.clone().unwrap_or_default(),
                    date_str(c.issued_on),
                )
            })
            .collect(),
        appointments: a
            .appointments
            .iter()
            .map(|x| {
                (
                    format!(
                        "{}（{}）",
                        names.get(&x.region_code).cloned().unwrap_or_default(),
                        x.region_code
                    ),
                    post_category_label(&x.post_category).to_string(),
                    x.title.clone(),
                    yes(x.two_committees),
                    yes(x.full_time),
                    x.start_date.to_string(),
                    x.end_date.map_or("至今".into(), |d| d.to_string()),
                    x.end_reason.clone().unwrap_or_default(),
                )
            })
            .collect(),
        agreements: a
            .agreements
            .iter()
            .map(|g| {
                (
                    g.term.clone(),
                    g.number.clone().unwrap_or_default(),
                    g.start_date.to_string(),
                    g.end_date.to_string(),
                    date_str(g.signed_on),
                )
            })
            .collect(),
        history,
        rewards,
        corrections,
        education_codes: EDUCATION
            .entries()
            .filter(|(c, _)| !c.ends_with('0'))
            .map(|(c, n)| (c.to_string(), n.to_string()))
            .collect(),
        certificate_levels: CertificateLevel::ALL
            .iter()
            .map(|l| (l.as_str().to_string(), l.label().to_string()))
            .collect(),
        post_categories: pairs(&POST_CATEGORIES[..3]),
        titles: TITLES.to_vec(),
        exit_reasons: vec![
            "连续两年考核不合格",
            "累计三年考核不合格",
            "违反党纪政纪或法律法规",
            "严重失职造成重大损失",
            "不履行服务协议，经教育仍不改正",
            "经培训或调整岗位仍不能胜任工作",
            "个人辞职",
            "退休",
            "其他法定情形",
        ],
        w: worker_detail(&a, &grades, full, today),
        tab,
    })
}

/// After a sub-form: back to the tab, with the first error (if any) shown there.
fn back(user: Uuid, id: Uuid, tab: &str, r: Result<(), AppError>) -> PageResult {
    match r {
        Ok(()) => Ok(Redirect::to(&format!("/workers/{id}?tab={tab}&notice=saved")).into_response()),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            let q = crate::flash::query("error", &e.body().message, user);
            Ok(Redirect::to(&format!("/workers/{id}?tab={tab}&{q}")).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct SubForm {
    pub(crate) _csrf: String,
    #[serde(flatten)]
    pub(crate) rest: HashMap<String, String>,
}

impl SubForm {
    pub(crate) fn get(&self, k: &str) -> String {
        self.rest.get(k).cloned().unwrap_or_default()
    }
    pub(crate) fn opt(&self, k: &str) -> Option<String> {
        self.rest.get(k).and_then(|v| opt(v))
    }
    fn flag(&self, k: &str) -> bool {
        self.rest.contains_key(k)
    }
}

fn editor(caller: &Caller, f: &SubForm) -> Result<(), AppError> {
    caller.check_csrf(&f._csrf)?;
    Ok(caller.access.require(Permission::EditArchive)?)
}

async fn add_education(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Form(f): Form<SubForm>,
) -> PageResult {
    editor(&caller, &f)?;
    let r = async {
        let e = api::parse_education(&EducationInput {
            education_code: f.get("education_code"),
            school: f.opt("school"),
            major: f.opt("major"),
            graduated_on: f.opt("graduated_on"),
        })?;
        workers::add_education(&st.db, &caller.access, id, e).await?;
        Ok(())
    }
    .await;
    back(caller.user.id, id, "education", r)
}

async fn add_certificate(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Form(f): Form<SubForm>,
) -> PageResult {
    editor(&caller, &f)?;
    let r = async {
        let c = api::parse_certificate(&CertificateInput {
            level: f.get("level"),
            number: f.opt("number"),
            issued_on: f.opt("issued_on"),
        })?;
        workers::add_certificate(&st.db, &caller.access, id, c).await?;
        Ok(())
    }
    .await;
    back(caller.user.id, id, "certificate", r)
}

async fn add_appointment(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Form(f): Form<SubForm>,
) -> PageResult {
    editor(&caller, &f)?;
    let r = async {
        let a = workers::parse_appointment(
            &f.get("community_code"),
            &f.get("post_category"),
            &f.get("title"),
            &f.get("start_date"),
            (f.flag("two_committees"), f.flag("full_time"), f.flag("party_building")),
        )
        .map_err(AppError::Invalid)?;
        workers::add_appointment(&st.db, &caller.access, id, a, true).await?;
        Ok(())
    }
    .await;
    back(caller.user.id, id, "appointment", r)
}

async fn add_agreement(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Form(f): Form<SubForm>,
) -> PageResult {
    editor(&caller, &f)?;
    let r = async {
        let a = api::parse_agreement(&AgreementInput {
            term: f.get("term"),
            number: f.opt("number"),
            start_date: f.get("start_date"),
            end_date: f.get("end_date"),
            signed_on: f.opt("signed_on"),
        })?;
        workers::add_agreement(&st.db, &caller.access, id, a).await?;
        Ok(())
    }
    .await;
    back(caller.user.id, id, "agreement", r)
}

async fn exit_worker(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Form(f): Form<SubForm>,
) -> PageResult {
    caller.check_csrf(&f._csrf)?;
    caller.access.require(Permission::ExitWorker)?;
    let r = async {
        let on = shegong_domain::worker::parse_date("exited_on", "退出日期", &f.get("exited_on"))?;
        workers::exit(&st.db, &caller.access, id, on, &f.get("reason")).await?;
        Ok(())
    }
    .await;
    back(caller.user.id, id, "basic", r)
}

async fn resolve_correction(
    State(st): State<AppState>,
    caller: Caller,
    Path((id, cid)): Path<(Uuid, Uuid)>,
    Form(f): Form<CsrfForm>,
) -> PageResult {
    caller.check_csrf(&f._csrf)?;
    caller.access.require(Permission::ResolveCorrection)?;
    workers::resolve_correction(&st.db, &caller.access, cid).await?;
    back(caller.user.id, id, "basic", Ok(()))
}

async fn add_assessment(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Form(f): Form<SubForm>,
) -> PageResult {
    caller.check_csrf(&f._csrf)?;
    caller.access.require(Permission::ManageAssessment)?;
    let r = async {
        let year: i32 = f
            .get("year")
            .trim()
            .parse()
            .map_err(|_| AppError::from(FieldError::new("year_invalid", "year", "考核年度应为四位年份")))?;
        let grade = shegong_domain::career::Grade::parse(&f.get("grade"))
            .ok_or_else(|| AppError::from(FieldError::new("grade_unknown", "grade", "考核等次无效")))?;
        shegong_store::career::record_grade(&st.db, &caller.access, id, year, grade, today()).await?;
        Ok(())
    }
    .await;
    back(caller.user.id, id, "assessment", r)
}

async fn add_reward(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Form(f): Form<SubForm>,
) -> PageResult {
    editor(&caller, &f)?;
    let input = shegong_store::career::RewardInput {
        kind: f.get("kind"),
        title: f.get("title"),
        issuer: f.get("issuer"),
        issued_on: f.get("issued_on"),
        note: f.opt("note"),
    };
    let r = shegong_store::career::add_reward(&st.db, &caller.access, id, &input)
        .await
        .map(|_| ())
        .map_err(AppError::from);
    back(caller.user.id, id, "reward", r)
}

async fn amend_grade(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Form(f): Form<SubForm>,
) -> PageResult {
    caller.check_csrf(&f._csrf)?;
    caller.access.require(Permission::ManageAssessment)?;
    let r = async {
        let grade = shegong_domain::career::Grade::parse(&f.get("grade")).ok_or(AppError::NotFound)?;
        let year = f.get("year").trim().parse().unwrap_or(0);
        shegong_store::rounds::amend(&st.db, &caller.access, id, year, grade, &f.get("reason"))
            .await
            .map(|_| ())
            .map_err(AppError::from)
    }
    .await;
    back(caller.user.id, id, "assessment", r)
}

async fn request_correction(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Form(f): Form<SubForm>,
) -> PageResult {
    caller.check_csrf(&f._csrf)?;
    match workers::request_correction(&st.db, &caller.access, id, &f.get("field"), &f.get("message")).await {
        Ok(_) => Ok(Redirect::to(&format!("/workers/{id}?notice=requested")).into_response()),
        Err(e) => back(caller.user.id, id, "basic", Err(e.into())),
    }
}

// ---------------------------------------------------------------------------------------------
// Users, audit log, tokens

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    c: Chrome,
    /// The caller's username: no disable or reset on their own row.
    me: String,
    notice: String,
    errors: Vec<FieldError>,
    roles: Vec<(String, String)>,
    users: Vec<(String, String, String, String, bool, Uuid)>,
}

async fn users_render(st: &AppState, caller: &Caller, notice: &str, errors: Vec<FieldError>) -> PageResult {
    caller.access.require(Permission::ManageUsers)?;
    let list = users::list(&st.db, &caller.access).await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = UsersPage {
        c: chrome(st, caller, "users").await?,
        me: caller.user.username.clone(),
        notice: notice.into(),
        errors,
        roles: Role::ALL
            .iter()
            .filter(|r| caller.role.may_grant(**r))
            .map(|r| (r.as_str().to_string(), r.label().to_string()))
            .collect(),
        users: list
            .into_iter()
            .map(|u| {
                (
                    u.username,
                    u.display_name,
                    Role::parse(&u.role).map_or(u.role.clone(), |r| r.label().to_string()),
                    u.region_code,
                    u.disabled,
                    u.id,
                )
            })
            .collect(),
    };
    Ok((
        status,
        Html(page.render().map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?),
    )
        .into_response())
}

async fn users_page(State(st): State<AppState>, caller: Caller, Query(q): Query<crate::flash::Flash>) -> PageResult {
    let (notice, errors) = (q.notice(caller.user.id), q.errors(caller.user.id));
    users_render(&st, &caller, &notice, errors).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct UserForm {
    _csrf: String,
    #[serde(flatten)]
    new: users::NewUser,
}

async fn create_user(State(st): State<AppState>, caller: Caller, Form(f): Form<UserForm>) -> PageResult {
    caller.check_csrf(&f._csrf)?;
    caller.access.require(Permission::ManageUsers)?;
    match users::create(&st.db, Some((caller.role, &caller.scope)), &caller.actor, f.new).await {
        Ok(u) => users_render(&st, &caller, &format!("已创建用户 {}。", u.username), vec![]).await,
        Err(shegong_store::StoreError::Invalid(errs)) => users_render(&st, &caller, "", errs).await,
        Err(shegong_store::StoreError::Conflict(e)) => users_render(&st, &caller, "", vec![e]).await,
        Err(e) => Err(e.into()),
    }
}

async fn toggle_user(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Form(f): Form<CsrfForm>,
) -> PageResult {
    caller.check_csrf(&f._csrf)?;
    caller.access.require(Permission::ManageUsers)?;
    let list = users::list(&st.db, &caller.access).await?;
    let u = list.into_iter().find(|u| u.id == id).ok_or(AppError::NotFound)?;
    match users::set_disabled(&st.db, &caller.access, id, !u.disabled).await {
        Ok(_) => Ok(Redirect::to("/users").into_response()),
        Err(shegong_store::StoreError::Invalid(errs)) => users_render(&st, &caller, "", errs).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    c: Chrome,
    rows: Vec<(String, String, String, String, String, String, String)>,
    total: u64,
    page: u64,
    more: bool,
}

async fn audit_page(State(st): State<AppState>, caller: Caller, Query(q): Query<api::PageQuery>) -> PageResult {
    caller.access.require(Permission::ReadAuditLog)?;
    let (page, _) = q.paging(50, 50)?;
    let (rows, total) = audit::list(&st.db, &caller.access, page - 1, 50).await?;
    render(AuditPage {
        c: chrome(&st, &caller, "audit").await?,
        rows: rows
            .into_iter()
            .map(|r| {
                (
                    local_time(r.at),
                    r.username,
                    Role::parse(&r.role).map_or(r.role.clone(), |x| x.label().to_string()),
                    action_label(&r.action).to_string(),
                    r.region_code,
                    r.target.unwrap_or_default(),
                    r.detail.unwrap_or_default(),
                )
            })
            .collect(),
        total,
        more: page * 50 < total,
        page,
    })
}

fn action_label(a: &str) -> &str {
    match a {
        "auth.login" => "登录",
        "auth.token" => "生成API令牌",
        "worker.create" => "新增人员",
        "worker.rehire" => "重新聘用",
        "worker.transfer_in" => "档案转入",
        "worker.transfer_out" => "档案转出",
        "worker.update" => "修改档案",
        "worker.appointment" => "任职变动",
        "worker.exit" => "办理退出",
        "worker.export" => "导出名单",
        "worker.view_id_number" => "查看完整身份证号码",
        "user.create" => "新增用户",
        "user.disable" => "停用用户",
        "user.enable" => "启用用户",
        "user.password_change" => "修改密码",
        "user.password_reset" => "重置用户密码",
        "user.password_set" => "设置用户密码（命令行）",
        "demo.load" => "载入演示数据",
        other => other,
    }
}

// ---------------------------------------------------------------------------------------------
// Training

#[derive(Template)]
#[template(path = "trainings.html")]
struct TrainingsPage {
    c: Chrome,
    notice: String,
    errors: Vec<FieldError>,
    can_edit: bool,
    overdue: usize,
    kinds: Vec<(String, String)>,
    post_categories: Vec<(String, String)>,
    rows: Vec<TrainingRow>,
}

struct TrainingRow {
    id: Uuid,
    name: String,
    kind: String,
    region: String,
    organiser: String,
    dates: String,
    hours: i32,
    credits: i32,
    participants: i64,
}

async fn trainings_render(st: &AppState, caller: &Caller, notice: String, errors: Vec<FieldError>) -> PageResult {
    if caller.scope.only_worker().is_some() {
        return Err(AppError::NotFound.into());
    }
    use shegong_store::training;
    let rows = training::list(&st.db, &caller.scope).await?;
    let rotation = shegong_store::career::rules_in_force(&st.db, caller.scope.region().as_str(), today())
        .await?
        .rotation;
    let overdue = training::overdue(&st.db, &caller.scope, today(), rotation).await?.len();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = TrainingsPage {
        c: chrome(st, caller, "trainings").await?,
        notice,
        errors,
        can_edit: caller.role.may(Permission::ManageTraining),
        overdue,
        kinds: pairs(&training::KINDS),
        post_categories: pairs(&POST_CATEGORIES[..3]),
        rows: rows
            .into_iter()
            .map(|(t, n)| {
                let dates = if t.start_date == t.end_date {
                    t.start_date.to_string()
                } else {
                    format!("{} 至 {}", t.start_date, t.end_date)
                };
                TrainingRow {
                    id: t.id,
                    kind: training::kind_label(&t.kind).to_string(),
                    name: t.name,
                    region: t.region_code,
                    organiser: t.organiser,
                    dates,
                    hours: t.hours,
                    credits: t.credits,
                    participants: n,
                }
            })
            .collect(),
    };
    Ok((
        status,
        Html(page.render().map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?),
    )
        .into_response())
}

async fn trainings_page(State(st): State<AppState>, caller: Caller) -> PageResult {
    trainings_render(&st, &caller, String::new(), vec![]).await
}

async fn create_training(State(st): State<AppState>, caller: Caller, Form(f): Form<SubForm>) -> PageResult {
    caller.check_csrf(&f._csrf)?;
    caller.access.require(Permission::ManageTraining)?;
    // Blank means 0; anything else that is not a number is refused by the range check.
    let num = |k: &str| {
        let v = f.get(k);
        let v = v.trim();
        if v.is_empty() {
            Some(0)
        } else {
            Some(v.parse::<i32>().unwrap_or(-1))
        }
    };
    let input = shegong_store::training::TrainingInput {
        region: f.get("region"),
        name: f.get("name"),
        kind: f.get("kind"),
        organiser: f.get("organiser"),
        start_date: f.get("start_date"),
        end_date: f.get("end_date"),
        hours: num("hours"),
        credits: num("credits"),
    };
    match shegong_store::training::create(&st.db, &caller.access, &input).await {
        Ok(t) => trainings_render(&st, &caller, format!("已创建培训“{}”。", t.name), vec![]).await,
        Err(shegong_store::StoreError::Invalid(errs)) => trainings_render(&st, &caller, String::new(), errs).await,
        Err(e) => Err(e.into()),
    }
}

async fn enrol_training(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Form(f): Form<SubForm>,
) -> PageResult {
    caller.check_csrf(&f._csrf)?;
    caller.access.require(Permission::ManageTraining)?;
    let filter = WorkerFilter {
        post_category: f.opt("post_category"),
        ..Default::default()
    };
    let n = shegong_store::training::enrol(&st.db, &caller.access, id, &filter, today()).await?;
    trainings_render(&st, &caller, format!("已记录 {n} 人参训。"), vec![]).await
}

#[derive(Template)]
#[template(path = "training_overdue.html")]
struct OverduePage {
    c: Chrome,
    total: usize,
    rule: String,
    /// worker id, name, community, title, last trained, overdue since, credits this year
    rows: Vec<(Uuid, String, String, String, String, String, String)>,
}

async fn overdue_page(State(st): State<AppState>, caller: Caller) -> PageResult {
    if caller.scope.only_worker().is_some() {
        return Err(AppError::NotFound.into());
    }
    let rotation = shegong_store::career::rules_in_force(&st.db, caller.scope.region().as_str(), today())
        .await?
        .rotation;
    let all = shegong_store::training::overdue(&st.db, &caller.scope, today(), rotation).await?;
    let names =
        workers::community_names(&st.db, all.iter().take(500).map(|o| o.community_code.clone()).collect()).await?;
    render(OverduePage {
        c: chrome(&st, &caller, "trainings").await?,
        rule: format!(
            "书记、主任每{}年至少参加一次培训，其他社区工作者至少每{}年一次{}（按适用政策）",
            rotation.head_every_years,
            rotation.others_every_years,
            if rotation.credits_per_year > 0 {
                format!("；每人每年应修满{}学分", rotation.credits_per_year)
            } else {
                String::new()
            }
        ),
        total: all.len(),
        rows: all
            .iter()
            .take(500)
            .map(|o| {
                (
                    o.worker_id,
                    o.name.clone(),
                    names.get(&o.community_code).cloned().unwrap_or_default(),
                    o.title.clone(),
                    o.last_trained.map_or("从未参训".into(), |d| d.to_string()),
                    o.overdue_since.map_or("—".to_string(), |d| d.to_string()),
                    if o.credits_required > 0 {
                        format!("{}（差{}）", o.credits_this_year, o.credits_behind)
                    } else {
                        o.credits_this_year.to_string()
                    },
                )
            })
            .collect(),
    })
}

// ---------------------------------------------------------------------------------------------
// Exports of the list pages: what the page lists, in the caller's scope.

use crate::export::{XCell, table_xlsx};

async fn users_xlsx(State(st): State<AppState>, caller: Caller) -> PageResult {
    caller.access.require(Permission::ManageUsers)?;
    let mut list = Some(users::list(&st.db, &caller.access).await?);
    let headers = [
        ("用户名", 14.0),
        ("姓名", 12.0),
        ("角色", 24.0),
        ("所辖区划", 14.0),
        ("状态", 8.0),
    ];
    Ok(table_xlsx(
        "用户",
        &headers,
        |_| {
            let rows = list.take().unwrap_or_default();
            async move {
                Ok(rows
                    .into_iter()
                    .map(|u| {
                        vec![
                            XCell::T(u.username),
                            XCell::T(u.display_name),
                            XCell::T(Role::parse(&u.role).map_or(u.role.clone(), |r| r.label().to_string())),
                            XCell::T(u.region_code),
                            XCell::T(if u.disabled { "已停用" } else { "正常" }.into()),
                        ]
                    })
                    .collect())
            }
        },
        "users.xlsx",
        "用户.xlsx",
    )
    .await?)
}

/// The whole audit log in scope, newest first, read 1,000 rows at a time.
async fn audit_xlsx(State(st): State<AppState>, caller: Caller) -> PageResult {
    caller.access.require(Permission::ReadAuditLog)?;
    let headers = [
        ("时间", 18.0),
        ("用户", 12.0),
        ("角色", 20.0),
        ("操作", 16.0),
        ("区划", 14.0),
        ("对象", 38.0),
        ("说明", 40.0),
    ];
    let (db, access) = (&st.db, &caller.access);
    // Read by keyset (the last entry's time and id), never by OFFSET.
    let cursor = std::sync::Mutex::new(None);
    let cursor = &cursor;
    Ok(table_xlsx(
        "审计日志",
        &headers,
        |_| async move {
            let after = *cursor.lock().unwrap_or_else(|p| p.into_inner());
            let rows = audit::older_than(db, access, after, 1000).await?;
            if let Some(last) = rows.last() {
                *cursor.lock().unwrap_or_else(|p| p.into_inner()) = Some((last.at, last.id));
            }
            Ok(rows
                .into_iter()
                .map(|r| {
                    vec![
                        XCell::T(local_time(r.at)),
                        XCell::T(r.username),
                        XCell::T(Role::parse(&r.role).map_or(r.role.clone(), |x| x.label().to_string())),
                        XCell::T(action_label(&r.action).to_string()),
                        XCell::T(r.region_code),
                        XCell::T(r.target.unwrap_or_default()),
                        XCell::T(r.detail.unwrap_or_default()),
                    ]
                })
                .collect())
        },
        "audit.xlsx",
        "审计日志.xlsx",
    )
    .await?)
}

async fn trainings_xlsx(State(st): State<AppState>, caller: Caller) -> PageResult {
    if caller.scope.only_worker().is_some() {
        return Err(AppError::NotFound.into());
    }
    use shegong_store::training;
    let mut list = Some(training::list(&st.db, &caller.scope).await?);
    let headers = [
        ("培训名称", 28.0),
        ("类别", 12.0),
        ("组织区划", 14.0),
        ("组织单位", 20.0),
        ("开始日期", 12.0),
        ("结束日期", 12.0),
        ("学时", 8.0),
        ("学分", 8.0),
        ("参训人数", 10.0),
    ];
    Ok(table_xlsx(
        "培训",
        &headers,
        |_| {
            let rows = list.take().unwrap_or_default();
            async move {
                Ok(rows
                    .into_iter()
                    .map(|(t, n)| {
                        vec![
                            XCell::T(t.name),
                            XCell::T(training::kind_label(&t.kind).to_string()),
                            XCell::T(t.region_code),
                            XCell::T(t.organiser),
                            XCell::T(t.start_date.to_string()),
                            XCell::T(t.end_date.to_string()),
                            XCell::N(f64::from(t.hours)),
                            XCell::N(f64::from(t.credits)),
                            XCell::N(n as f64),
                        ]
                    })
                    .collect())
            }
        },
        "trainings.xlsx",
        "培训.xlsx",
    )
    .await?)
}

async fn region_children_xlsx(State(st): State<AppState>, caller: Caller, Path(code): Path<String>) -> PageResult {
    let code = RegionCode::parse(&code).map_err(|_| AppError::NotFound)?;
    let region = regions::get(&st.db, &caller.scope, &code).await?;
    let mut list = Some(child_rows(&st, &caller, &code).await?);
    let headers = [
        ("代码", 16.0),
        ("名称", 20.0),
        ("户数", 10.0),
        ("人口", 10.0),
        ("在岗社区工作者", 14.0),
    ];
    Ok(table_xlsx(
        "下级区划",
        &headers,
        |_| {
            let rows = list.take().unwrap_or_default();
            async move {
                Ok(rows
                    .into_iter()
                    .map(|r| {
                        vec![
                            XCell::T(r.code),
                            XCell::T(r.name),
                            XCell::N(r.households as f64),
                            XCell::N(r.residents as f64),
                            XCell::N(r.workers as f64),
                        ]
                    })
                    .collect())
            }
        },
        "regions.xlsx",
        &format!("{}-下级区划.xlsx", region.name),
    )
    .await?)
}
