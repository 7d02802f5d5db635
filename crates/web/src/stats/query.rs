//! What a statistics request asks (a region, a date, a comparison date) and the figures it loads.

use crate::auth::Caller;
use crate::clock::today;
use crate::error::{ApiResult, AppError};
use crate::state::AppState;
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use shegong_domain::worker::parse_date;
use shegong_domain::{FieldError, RegionCode};
use shegong_store::stats::{self, Figures};

#[derive(Deserialize, Default, Clone, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct StatsQuery {
    pub region: Option<String>,
    pub date: Option<String>,
    pub base_date: Option<String>,
    /// Only urban communities (城乡分类 1xx): the seeds' "城市社区工作者".
    pub urban: Option<String>,
    /// For the Excel export: one part (`structure`, `children`, `trend`) or all.
    pub part: Option<String>,
}

/// The request, parsed.
pub struct Ask {
    pub region: RegionCode,
    pub date: NaiveDate,
    pub base: Option<NaiveDate>,
    pub urban: bool,
}

fn day(field: &'static str, label: &str, s: &Option<String>) -> ApiResult<Option<NaiveDate>> {
    match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Ok(Some(parse_date(field, label, s)?)),
        None => Ok(None),
    }
}

impl StatsQuery {
    /// Defaults: the caller's region, today, and the end of the year five years before.
    pub fn ask(&self, caller: &Caller, default_base: bool) -> ApiResult<Ask> {
        let region = match self.region.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(r) => RegionCode::parse(r).map_err(|e| AppError::Invalid(vec![e]))?,
            None => caller.scope.region().clone(),
        };
        let date = day("date", "统计日期", &self.date)?.unwrap_or_else(today);
        let base = match day("base_date", "对比日期", &self.base_date)? {
            Some(b) => Some(b),
            None if default_base => NaiveDate::from_ymd_opt(date.year() - 5, 12, 31),
            None => None,
        };
        if base.is_some_and(|b| b >= date) {
            return Err(AppError::Invalid(vec![FieldError::new(
                "base_date_order",
                "base_date",
                "对比日期应早于统计日期",
            )]));
        }
        if date > today() {
            return Err(AppError::Invalid(vec![FieldError::new("date_future", "date", "统计日期不能晚于今天")]));
        }
        for (field, d) in [("date", Some(date)), ("base_date", base)] {
            if d.is_some_and(|d| d.year() < FIRST_YEAR) {
                return Err(AppError::Invalid(vec![FieldError::new(
                    "date_too_early",
                    field,
                    format!("统计日期不能早于{FIRST_YEAR}年"),
                )]));
            }
        }
        let urban = matches!(self.urban.as_deref(), Some("true" | "1" | "on"));
        Ok(Ask { region, date, base, urban })
    }
}

/// The earliest year figures are asked for (the archive's histories start later).
pub(crate) const FIRST_YEAR: i32 = 1990;

/// Figures on the day and on the base day.
pub async fn load(st: &AppState, caller: &Caller, a: &Ask) -> ApiResult<(Figures, Option<Figures>)> {
    let now = stats::figures(&st.db, &caller.scope, &a.region, a.date, a.urban).await?;
    let base = match a.base {
        Some(b) => Some(stats::figures(&st.db, &caller.scope, &a.region, b, a.urban).await?),
        None => None,
    };
    Ok((now, base))
}
