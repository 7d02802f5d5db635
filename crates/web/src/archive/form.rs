//! Registering a worker and editing the identity fields: the form, its checks, the save.
use crate::archive::list::pairs;
use crate::page::Chrome;
use crate::page::PageResult;
use crate::page::chrome;
use crate::page::opt;

use crate::auth::{Caller, Ctx};
use crate::clock::today;
use crate::error::AppError;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse};
use serde::Deserialize;
use shegong_domain::Permission;
use shegong_domain::codes::{EDUCATION, ETHNICITY, POLITICAL_STATUS};
use shegong_domain::worker::{CertificateLevel, NewWorkerInput, POST_CATEGORIES, TITLES};
use shegong_domain::{FieldError, RegionLevel};
use shegong_store::audit;
use shegong_store::workers::{self, WorkerPatch};
use std::collections::HashMap;
use uuid::Uuid;

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
    bank_name: String,
    bank_account: String,
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
#[template(path = "archive/worker_form.html")]
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
    let mut errors = HashMap::new();
    for e in errs {
        errors.entry(e.field).or_insert(e.message);
    }
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
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
        certificates: CertificateLevel::ALL.iter().map(|l| (l.as_str().to_string(), l.label().to_string())).collect(),
    };
    let html = page.render().map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    Ok((status, Html(html)).into_response())
}

pub(crate) async fn new_worker_page(State(st): State<AppState>, caller: Caller) -> PageResult {
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
pub(crate) struct WorkerForm {
    _csrf: String,
    name: String,
    id_number: String,
    gender: String,
    birth_date: String,
    ethnicity: String,
    political_status: String,
    phone: String,
    address: String,
    bank_name: String,
    bank_account: String,
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
            bank_name: self.bank_name.clone(),
            bank_account: self.bank_account.clone(),
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

pub(crate) async fn create_worker(State(st): State<AppState>, caller: Caller, Form(f): Form<WorkerForm>) -> PageResult {
    caller.check_csrf(&f._csrf)?;
    caller.access.require(Permission::EditArchive)?;
    // The community by name ("海洲街道 新兴社区") or code; an unknown or ambiguous name is an error.
    // Its error is reported together with every other field's, in one round.
    let mut community_errors = Vec::new();
    let community = match f.community_code.trim() {
        "" => String::new(),
        text => match shegong_store::region_names::resolve(&st.db, &caller.scope, "community_code", text).await {
            Ok(c) => c.to_string(),
            Err(shegong_store::StoreError::Invalid(errs)) => {
                community_errors = errs;
                String::new()
            }
            Err(e) => return Err(e.into()),
        },
    };
    let input = NewWorkerInput {
        name: f.name.clone(),
        id_number: f.id_number.clone(),
        gender: opt(&f.gender),
        birth_date: opt(&f.birth_date),
        ethnicity: opt(&f.ethnicity),
        political_status: opt(&f.political_status),
        phone: opt(&f.phone),
        address: opt(&f.address),
        community_code: community,
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
    let result = match (input.parse(today()), community_errors.is_empty()) {
        (Ok(new), true) => workers::create(&st.db, &caller.access, new).await.map_err(AppError::from),
        (parsed, _) => {
            let mut errs = parsed.err().unwrap_or_default();
            if !community_errors.is_empty() {
                errs.retain(|e| e.field != "community_code");
                errs.extend(community_errors);
            }
            Err(AppError::Invalid(errs))
        }
    };
    match result {
        Ok(w) => Ok(crate::flash::back(caller.user.id, &format!("/workers/{}", w.id), Ok("已建立档案。".into()))),
        Err(AppError::Invalid(errs)) => form_page(&st, &caller, FormKind::New, f.values(), errs).await,
        Err(AppError::Conflict(e)) => form_page(&st, &caller, FormKind::New, f.values(), vec![e]).await,
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn edit_worker_page(State(st): State<AppState>, caller: Caller, Path(id): Path<Uuid>) -> PageResult {
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
        bank_name: w.bank_name.unwrap_or_default(),
        ..Default::default()
    };
    form_page(&st, &caller, FormKind::Edit(id), v, vec![]).await
}

pub(crate) async fn update_worker(
    Ctx { st, caller }: Ctx,
    Path(id): Path<Uuid>,
    Form(f): Form<WorkerForm>,
) -> PageResult {
    caller.check_csrf(&f._csrf)?;
    caller.access.require(Permission::EditArchive)?;
    let patch = WorkerPatch {
        name: Some(f.name.clone()),
        id_number: caller.role.may(Permission::ViewFullIdNumber).then(|| f.id_number.clone()),
        gender: opt(&f.gender),
        birth_date: opt(&f.birth_date),
        ethnicity: Some(f.ethnicity.clone()),
        political_status: Some(f.political_status.clone()),
        phone: Some(f.phone.clone()),
        address: Some(f.address.clone()),
        bank_name: Some(f.bank_name.clone()),
        // Left empty: the card on record stays (the form never shows the whole number).
        bank_account: opt(&f.bank_account),
    };
    match workers::update(&st.db, &caller.access, id, &patch).await {
        Ok(_) => Ok(crate::flash::back(caller.user.id, &format!("/workers/{id}"), Ok("已保存。".into()))),
        Err(shegong_store::StoreError::Invalid(errs)) => {
            form_page(&st, &caller, FormKind::Edit(id), f.values(), errs).await
        }
        Err(shegong_store::StoreError::Conflict(e)) => {
            form_page(&st, &caller, FormKind::Edit(id), f.values(), vec![e]).await
        }
        Err(e) => Err(e.into()),
    }
}
