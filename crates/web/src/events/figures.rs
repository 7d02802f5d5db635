//! The figures of 民情事件 as JSON (`GET /api/v1/events/stats`): for a region and a period, the
//! counts by source, category and state, the rates, what is overdue now, per child region for the
//! drill-down and, for a community, per person. The page and the Excel read the same [`load`].

use crate::auth::{Caller, Ctx};
use crate::error::{ApiResult, AppError};
use crate::extract::{Json, Query};
use crate::state::AppState;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use shegong_domain::event_access::Source;
use shegong_domain::event_stats::Tally;
use shegong_domain::events::EventState;
use shegong_domain::{FieldError, RegionCode};
use shegong_store::events::{self, PersonTally};
use shegong_store::regions;

/// Which region and which days (by the day reported).
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct FiguresQuery {
    /// 区划代码（默认本人辖区）
    pub region: Option<String>,
    /// 上报日期起（含），如 2026-11-01；默认本月1日
    pub from: Option<String>,
    /// 上报日期止（含）；默认今天
    pub to: Option<String>,
}

/// A rate in percent with two decimals; `None` when there was nothing to count.
fn pct(bp: Option<i64>) -> Option<f64> {
    bp.map(|b| b as f64 / 100.0)
}

/// The counts and rates of a set of events.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EventRates {
    #[serde(flatten)]
    pub counts: Tally,
    /// 受理（不含不予受理）
    pub accepted: i64,
    /// 当前超期未办结（不论何时上报）
    pub overdue_now: i64,
    /// 受理率（%）
    pub acceptance_rate: Option<f64>,
    /// 结案率（%）
    pub closure_rate: Option<f64>,
    /// 按期办结率（%）
    pub on_time_rate: Option<f64>,
    /// 返工率（%）
    pub rework_rate: Option<f64>,
    /// 满意率（%，含基本满意）
    pub satisfaction_rate: Option<f64>,
    /// 平均办结用时（小时）
    pub avg_close_hours: Option<f64>,
}

impl EventRates {
    pub fn new(t: Tally, overdue_now: i64) -> Self {
        Self {
            accepted: t.accepted(),
            overdue_now,
            acceptance_rate: pct(t.acceptance_bp()),
            closure_rate: pct(t.closure_bp()),
            on_time_rate: pct(t.on_time_bp()),
            rework_rate: pct(t.rework_bp()),
            satisfaction_rate: pct(t.satisfaction_bp()),
            avg_close_hours: t.close_hours_tenths().map(|h| h as f64 / 10.0),
            counts: t,
        }
    }
}

/// One group of a breakdown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EventGroup {
    pub key: String,
    pub label: String,
    pub count: i64,
}

/// One child region's figures.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EventChildFigures {
    pub code: String,
    pub name: String,
    #[serde(flatten)]
    pub rates: EventRates,
}

/// The figures of a region for a period.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EventFigures {
    pub region: String,
    pub region_name: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub total: EventRates,
    pub by_source: Vec<EventGroup>,
    pub by_category: Vec<EventGroup>,
    pub by_state: Vec<EventGroup>,
    /// 下级区划（按事发社区归属；各下级之和等于本级）
    pub children: Vec<EventChildFigures>,
    /// 社区：本期每人的上报、处置反馈与结案
    pub people: Vec<PersonTally>,
}

fn day(v: &Option<String>, field: &'static str) -> ApiResult<Option<NaiveDate>> {
    match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d").map(Some).map_err(|_| {
            AppError::Invalid(vec![FieldError::new(
                "date_invalid",
                field,
                "日期无效：应为确实存在的日期，写作 2026-11-01",
            )])
        }),
    }
}

impl FiguresQuery {
    /// The region (the caller's own by default) and the period (this month so far by default).
    pub fn resolve(&self, caller: &Caller) -> ApiResult<(RegionCode, NaiveDate, NaiveDate)> {
        let region = match self.region.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => caller.scope.region().clone(),
            Some(r) => RegionCode::parse(r)
                .map_err(|_| AppError::Invalid(vec![FieldError::new("region_invalid", "region", "区划代码无效")]))?,
        };
        let today = crate::clock::today();
        let to = day(&self.to, "to")?.unwrap_or(today);
        let from = day(&self.from, "from")?.unwrap_or_else(|| to.with_day(1).unwrap_or(to));
        Ok((region, from, to))
    }
}

/// The figures, named for the screen.
pub(crate) async fn load(st: &AppState, caller: &Caller, q: &FiguresQuery) -> ApiResult<EventFigures> {
    let (code, from, to) = q.resolve(caller)?;
    let s = events::stats(&st.db, &caller.access, &code, from, to).await?;
    let region = regions::get(&st.db, &caller.scope, &code).await?;
    let policy = events::policy_for(&st.db, code.as_str(), crate::clock::today()).await?;
    let children = if code.level() >= shegong_domain::RegionLevel::Community {
        vec![]
    } else {
        let mut v = Vec::new();
        for c in regions::children(&st.db, &caller.scope, &code).await? {
            let (t, overdue) = s.children.get(&c.code).copied().unwrap_or_default();
            v.push(EventChildFigures { code: c.code, name: c.name, rates: EventRates::new(t, overdue) });
        }
        v
    };
    let group = |m: &std::collections::BTreeMap<String, i64>, label: &dyn Fn(&str) -> String| {
        let mut v: Vec<EventGroup> =
            m.iter().map(|(k, n)| EventGroup { key: k.clone(), label: label(k), count: *n }).collect();
        v.sort_by(|a, b| b.count.cmp(&a.count).then(a.key.cmp(&b.key)));
        v
    };
    let mut by_state = group(&s.by_state, &|k| EventState::parse(k).map_or(k.to_string(), |x| x.label().into()));
    by_state.sort_by_key(|g| EventState::parse(&g.key).map(|s| s as u8));
    Ok(EventFigures {
        region: region.code,
        region_name: region.name,
        from,
        to,
        total: EventRates::new(s.total, s.overdue_now),
        by_source: group(&s.by_source, &|k| Source::parse(k).map_or(k.to_string(), |x| x.label().into())),
        by_category: group(&s.by_category, &|k| policy.path_label(k).unwrap_or_else(|| k.to_string())),
        by_state,
        children,
        people: s.people,
    })
}

/// 民情事件统计：本区划某一时段（按上报日期）的来源、分类、状态，受理率、按期办结率、结案率、返工率、平均办结用时、满意率，当前超期；各下级区划（下钻）与社区每人的办理情况。县级数字等于所辖街道之和
#[utoipa::path(get, path = "/events/stats", tag = "民情事件", params(FiguresQuery),
    responses((status = 200, description = "统计", body = EventFigures)))]
pub async fn event_stats(Ctx { st, caller }: Ctx, Query(q): Query<FiguresQuery>) -> ApiResult<Json<EventFigures>> {
    Ok(Json(load(&st, &caller, &q).await?))
}
