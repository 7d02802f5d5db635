//! The page frame and its one render path; the forms' CSRF field and the sub-form of named fields.
use crate::error::PageError;

use crate::auth::Caller;
use crate::error::AppError;
use crate::state::AppState;
use askama::Template;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use shegong_domain::Permission;
use shegong_store::regions;
use std::collections::HashMap;

pub(crate) type PageResult = Result<Response, PageError>;

pub(crate) fn render(t: impl Template) -> PageResult {
    Ok(Html(t.render().map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?).into_response())
}

/// A page answered with another status than 200 (a form shown again with its errors: 422).
pub(crate) fn render_status(status: axum::http::StatusCode, t: impl Template) -> PageResult {
    let html = t.render().map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    Ok((status, Html(html)).into_response())
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
    /// The 薪酬 menu: for those who run payroll or read budgets (not a community head, whose
    /// community's pay is run above it).
    pub pay: bool,
    pub worker_self: Option<String>,
    /// Confined to their own work (a worker, a department): none of the region's pages.
    pub confined: bool,
    /// Sees the county's departments (职能部门).
    pub departments: bool,
}

pub(crate) async fn chrome(st: &AppState, c: &Caller, nav: &'static str) -> Result<Chrome, PageError> {
    let region = regions::get(&st.db, &c.scope, c.scope.region()).await?;
    // A department's clerk works for the department, not for the county's region.
    let region_name = match c.scope.department() {
        Some(d) => shegong_store::departments::get(&st.db, &c.access, d).await?.name,
        None => region.name,
    };
    Ok(Chrome {
        user: c.user.display_name.clone(),
        role: c.role.label().into(),
        region_code: region.code,
        region_name,
        csrf: c.csrf.clone().unwrap_or_default(),
        nav,
        admin: c.role.may(Permission::ManageUsers),
        audit: c.role.may(Permission::ReadAuditLog),
        pay: c.role.may(Permission::RunPayroll) || c.role.may(Permission::ViewBudget),
        worker_self: c.scope.only_worker().filter(|w| !w.is_nil()).map(|w| w.to_string()),
        confined: c.scope.only_worker().is_some(),
        departments: c.role.may(Permission::ViewRegion),
    })
}

/// A form that carries nothing but the session's CSRF token.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct CsrfForm {
    pub(crate) _csrf: String,
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
    pub(crate) fn flag(&self, k: &str) -> bool {
        self.rest.contains_key(k)
    }
}

pub(crate) fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}
