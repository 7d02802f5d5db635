//! Query strings parsed once: the worker list's filters, a region narrowed inside the caller's scope.

use crate::auth::Caller;
use crate::clock::today;
use crate::error::{ApiResult, AppError};
use serde::Deserialize;
use shegong_domain::Permission;
use shegong_domain::RegionCode;
use shegong_store::workers::WorkerFilter;

pub(crate) fn parse_region(code: &str) -> ApiResult<RegionCode> {
    RegionCode::parse(code).map_err(|_| AppError::NotFound)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    #[serde(flatten)]
    pub filter: WorkerFilter,
    pub page: Option<String>,
    pub per_page: Option<String>,
    /// Keyset paging: the page after this worker (the `next` of the page before).
    pub after: Option<String>,
}

impl ListQuery {
    /// The filter as this caller may search: ID numbers by prefix only for roles that see them.
    pub fn filter_for(&self, caller: &Caller) -> WorkerFilter {
        WorkerFilter { id_prefix_search: caller.role.may(Permission::ViewFullIdNumber), ..self.filter.clone() }
    }

    pub fn paging(&self) -> ApiResult<(u64, u64)> {
        Ok((
            crate::extract::bounded(&self.page, "page", 1, crate::extract::MAX_PAGE)?,
            crate::extract::bounded(&self.per_page, "per_page", 20, 200)?,
        ))
    }
}

pub(crate) fn narrowed(caller: &Caller, q: &RegionQuery) -> ApiResult<shegong_domain::Scope> {
    match q.region.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(r) => caller.scope.narrow(&parse_region(r)?).ok_or(AppError::NotFound),
        None => Ok(caller.scope.clone()),
    }
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct RegionQuery {
    pub region: Option<String>,
}

pub(crate) fn region_of(code: &str) -> ApiResult<RegionCode> {
    RegionCode::parse(code).map_err(|e| AppError::Invalid(vec![e]))
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct DateQuery {
    pub date: Option<String>,
}

pub(crate) fn date_or_today(d: &Option<String>) -> ApiResult<chrono::NaiveDate> {
    match d.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Ok(shegong_domain::worker::parse_date("date", "日期", s)?),
        None => Ok(today()),
    }
}

/// One page of a list, with the list's total.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub total: u64,
    /// The page asked for by number; 0 when it was asked for with `after`.
    pub page: u64,
    pub per_page: u64,
    /// Where the next page starts (pass it as `after`), when this page is full.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// A whole list, with its length.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Items<T> {
    pub items: Vec<T>,
    pub total: usize,
}

impl<T> Items<T> {
    pub fn new(items: Vec<T>) -> Self {
        Self { total: items.len(), items }
    }
}

/// What a picker's box holds as the user types (the region and person pickers).
#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct SuggestQuery {
    /// 输入的文字：名称中的文字，或其拼音、首字母，如“海洲”“hzjd”“zjm”
    pub q: String,
}
