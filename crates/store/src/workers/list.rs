//! The worker list: filters, sorting, paging, and streaming every match.

use crate::Db;
use crate::entity::worker;
use crate::error::{Result, StoreError};
use crate::regions::in_subtree;
use chrono::{Months, NaiveDate};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use shegong_domain::worker::{CertificateLevel, WorkerStatus};
use shegong_domain::{FieldError, RegionCode, Scope};

/// Filters of the worker list; every one optional.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::IntoParams, utoipa::ToSchema)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct WorkerFilter {
    /// Narrow to a sub-region of the caller's scope.
    pub region: Option<String>,
    /// Any fragment of the name, its 拼音 (full or initials), or the ID number (whole; or its beginning
    /// or last digits, for roles that may search by them).
    pub q: Option<String>,
    pub post_category: Option<String>,
    /// postgraduate | bachelor | college | high_school_or_below | college_or_above
    pub education: Option<String>,
    /// any | none | junior | intermediate | senior
    pub certificate: Option<String>,
    /// "true" | "false"
    pub full_time: Option<String>,
    pub two_committees: Option<String>,
    /// active (default) | exited | all
    pub status: Option<String>,
    pub age_min: Option<String>,
    pub age_max: Option<String>,
    /// name | -name | age | -age | service | -service | region (default)
    pub sort: Option<String>,
    /// Whether the caller may see full ID numbers: then `q` matches ID numbers by prefix; otherwise
    /// only a whole ID number matches, so that nobody can recover a number digit by digit. Set by
    /// the caller's role, never from the query.
    #[serde(skip)]
    pub id_prefix_search: bool,
}

/// The longest text a `q` search takes.
pub(super) const MAX_QUERY_CHARS: usize = 50;
/// Ages the filters accept.
pub(super) const MAX_AGE: u32 = 150;

/// `col LIKE '%text%'` with the text taken literally (`%`, `_` and `\` escaped).
pub(super) fn set_str(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The caller's scope as a condition on `workers`.
pub(super) fn scope_condition(scope: &Scope) -> Condition {
    // The province column routes the query to one shard group on a distributed engine.
    let mut c = Condition::all().add(worker::Column::ProvinceCode.eq(scope.region().province()));
    // Below a province, its subtree; a whole province is its code already (and a range on the region
    // would lead the planner to the region's index whatever the order asked for).
    if scope.region().as_str().len() > 2 {
        c = c.add(in_subtree(worker::Column::RegionCode, scope.region().as_str()));
    }
    if let Some(w) = scope.only_worker() {
        c = c.add(worker::Column::Id.eq(w));
    }
    c
}

impl WorkerFilter {
    /// The filter with its region named by code: a name ("海洲街道", "海宁市 海洲街道") is looked up
    /// in the caller's scope, and refused when it fits no region or several.
    pub async fn named(&self, db: &Db, scope: &Scope) -> Result<WorkerFilter> {
        match set_str(&self.region) {
            Some(r) if RegionCode::parse(r).is_err() => {
                let code = crate::region_names::resolve(db, scope, "region", r).await?;
                Ok(WorkerFilter { region: Some(code.to_string()), ..self.clone() })
            }
            _ => Ok(self.clone()),
        }
    }

    /// The filters as a condition (scope included), or the error naming a bad filter.
    pub fn condition(&self, scope: &Scope, today: NaiveDate) -> Result<Condition> {
        let mut c = scope_condition(scope);
        if let Some(r) = set_str(&self.region) {
            let code = RegionCode::parse(r).map_err(|e| StoreError::invalid(FieldError { field: "region", ..e }))?;
            // A region outside the scope yields nothing, like a 404; an ancestor means the whole scope.
            match scope.narrow(&code) {
                Some(s) => c = c.add(in_subtree(worker::Column::RegionCode, s.region().as_str())),
                None => c = c.add(Expr::val(1).eq(0)),
            }
        }
        if let Some(q) = set_str(&self.q) {
            if q.chars().count() > MAX_QUERY_CHARS || q.chars().any(char::is_control) {
                return Err(bad_filter("q", "搜索内容过长或含有无效字符"));
            }
            use crate::search::{Kind, matching};
            // Through the search keys of the scope's province (an index range, never a scan).
            let found = |kind, q: &str| match matching(scope.region().province(), kind, q) {
                Some(sub) => worker::Column::Id.in_subquery(sub),
                None => Expr::val(1).eq(0),
            };
            // As typed with any input method (full-width digits, stray spaces): see `query_key`.
            let upper = shegong_domain::search::query_key(q).unwrap_or_default().to_ascii_uppercase();
            if looks_like_id_number(&upper) {
                if self.id_prefix_search {
                    // The number's beginning or its last digits.
                    c = c.add(
                        Condition::any()
                            .add(worker::Column::IdNumber.starts_with(upper.as_str()))
                            .add(found(Kind::IdTail, &upper)),
                    );
                } else {
                    // Only the whole number: a prefix would let the number be guessed digit by digit.
                    c = c.add(worker::Column::IdNumber.eq(upper.as_str()));
                }
            } else {
                // Any fragment of the name, its 拼音 or its initials.
                c = c.add(found(Kind::Name, q));
            }
        }
        if let Some(p) = set_str(&self.post_category) {
            if !shegong_domain::worker::POST_CATEGORIES.iter().any(|(k, _)| *k == p) {
                return Err(bad_filter("post_category", "岗位类别筛选条件无效"));
            }
            c = c.add(worker::Column::PostCategory.eq(p));
        }
        if let Some(e) = set_str(&self.education) {
            let codes: Vec<&str> = match e {
                "postgraduate" => vec!["10", "11", "14", "17"],
                "bachelor" => vec!["20", "21", "28"],
                "college" => vec!["30", "31"],
                "college_or_above" => vec!["10", "11", "14", "17", "20", "21", "28", "30", "31"],
                "high_school_or_below" => {
                    c = c.add(
                        Condition::any().add(worker::Column::HighestEducation.is_null()).add(
                            worker::Column::HighestEducation
                                .is_not_in(["10", "11", "14", "17", "20", "21", "28", "30", "31"]),
                        ),
                    );
                    vec![]
                }
                _ => return Err(bad_filter("education", "学历筛选条件无效")),
            };
            if !codes.is_empty() {
                c = c.add(worker::Column::HighestEducation.is_in(codes));
            }
        }
        if let Some(cert) = set_str(&self.certificate) {
            c = c.add(match cert {
                "any" => worker::Column::CertificateLevel.is_not_null(),
                "none" => worker::Column::CertificateLevel.is_null(),
                l => worker::Column::CertificateLevel.eq(CertificateLevel::parse(l)
                    .map_err(|_| bad_filter("certificate", "社工证筛选条件无效"))?
                    .as_str()),
            });
        }
        if let Some(f) = set_str(&self.full_time) {
            c = c.add(worker::Column::FullTime.eq(parse_bool(f, "full_time")?));
        }
        if let Some(f) = set_str(&self.two_committees) {
            c = c.add(worker::Column::TwoCommittees.eq(parse_bool(f, "two_committees")?));
        }
        match set_str(&self.status).unwrap_or(WorkerStatus::Active.as_str()) {
            // Every status named, so that the indexes that begin with the status still serve.
            "all" => c = c.add(worker::Column::Status.is_in(WorkerStatus::ALL.map(WorkerStatus::as_str))),
            s => {
                let st = WorkerStatus::parse(s).ok_or_else(|| bad_filter("status", "状态筛选条件无效"))?;
                c = c.add(worker::Column::Status.eq(st.as_str()));
            }
        }
        // Age a..=b years today means a birth date in (today - (b+1) years, today - a years].
        let age = |v: &str, field: &'static str| -> Result<u32> {
            v.parse::<u32>()
                .ok()
                .filter(|a| *a <= MAX_AGE)
                .ok_or_else(|| bad_filter(field, &format!("年龄应为0至{MAX_AGE}之间的整数")))
        };
        if let (Some(a), Some(b)) = (set_str(&self.age_min), set_str(&self.age_max))
            && age(a, "age_min")? > age(b, "age_max")?
        {
            return Err(bad_filter("age_max", "最大年龄不能小于最小年龄"));
        }
        if let Some(a) = set_str(&self.age_min) {
            let a = age(a, "age_min")?;
            let latest = today.checked_sub_months(Months::new(12 * a)).unwrap_or(today);
            c = c.add(worker::Column::BirthDate.lte(latest));
        }
        if let Some(b) = set_str(&self.age_max) {
            let b = age(b, "age_max")?;
            let earliest = today.checked_sub_months(Months::new(12 * (b + 1))).unwrap_or(today);
            c = c.add(worker::Column::BirthDate.gt(earliest));
        }
        if let Some(sort) = set_str(&self.sort)
            && !SORTS.contains(&sort)
        {
            return Err(bad_filter("sort", "排序方式无效"));
        }
        Ok(c)
    }
}

pub(super) const SORTS: [&str; 7] = ["name", "-name", "age", "-age", "service", "-service", "region"];

pub(crate) fn bad_filter(field: &'static str, message: &str) -> StoreError {
    StoreError::invalid(FieldError::new("filter_invalid", field, message))
}

pub(super) fn parse_bool(s: &str, field: &'static str) -> Result<bool> {
    match s {
        "true" | "1" | "是" => Ok(true),
        "false" | "0" | "否" => Ok(false),
        _ => Err(bad_filter(field, "应为 true 或 false")),
    }
}

/// The two statements of [`list`] for a filter whose region is a code: the matches (to count) and
/// the page. Public so that a test can ask each engine for their plans.
pub fn queries(
    filter: &WorkerFilter,
    scope: &Scope,
    today: NaiveDate,
    page: u64,
    per_page: u64,
) -> Result<(sea_orm::Select<worker::Entity>, sea_orm::Select<worker::Entity>)> {
    let cond = filter.condition(scope, today)?;
    let base = worker::Entity::find().filter(cond);
    // A search puts the name typed in full first, unless the user chose an order other than the
    // default one (the list page always sends its sort, the default included).
    let rows = ordered(base.clone(), scope.region().province(), filter)
        .offset(page.saturating_sub(1).saturating_mul(per_page))
        .limit(per_page);
    Ok((base, rows))
}

/// The columns the list is ordered by for `sort`, each ascending (`true`) or not; the id last
/// breaks ties, running the same way as the order so that one index read backwards serves it.
fn order_columns(sort: Option<&str>) -> Vec<(worker::Column, bool)> {
    use worker::Column as C;
    match sort.unwrap_or("region") {
        "name" => vec![(C::Name, true), (C::Id, true)],
        "-name" => vec![(C::Name, false), (C::Id, false)],
        // older first = earlier birth date
        "-age" => vec![(C::BirthDate, true), (C::Id, true)],
        "age" => vec![(C::BirthDate, false), (C::Id, false)],
        "service" => vec![(C::ServiceStart, true), (C::Id, true)],
        "-service" => vec![(C::ServiceStart, false), (C::Id, false)],
        _ => vec![(C::RegionCode, true), (C::Name, true), (C::Id, true)],
    }
}

pub(super) fn sorted(q: sea_orm::Select<worker::Entity>, sort: Option<&str>) -> sea_orm::Select<worker::Entity> {
    order_columns(sort).into_iter().fold(q, |q, (c, asc)| if asc { q.order_by_asc(c) } else { q.order_by_desc(c) })
}

/// The query a search ranks by, when the order is the default one and the query is a name's (see
/// [`queries`]).
pub fn ranked_name(filter: &WorkerFilter) -> Option<&str> {
    match (set_str(&filter.q), filter.sort.as_deref()) {
        // Judged as the condition judges it: on the query as an input method may type it (full-width
        // digits are an ID number's last digits, searched by their own keys).
        (Some(q), None | Some("region"))
            if !looks_like_id_number(
                &shegong_domain::search::query_key(q).unwrap_or_default().to_ascii_uppercase(),
            ) =>
        {
            Some(q)
        }
        _ => None,
    }
}

/// Digits (and X), four or more: searched as an ID number, not a name.
fn looks_like_id_number(q: &str) -> bool {
    q.len() >= 4 && q.bytes().all(|b| b.is_ascii_digit() || b == b'X' || b == b'x')
}

/// The ranks of a search as conditions: the whole name (or 拼音, initials) is the query; it begins
/// with the query. `None` when the query has nothing to match.
fn rank_conditions(
    province: &str,
    q: &str,
) -> Option<(sea_orm::sea_query::SimpleExpr, sea_orm::sea_query::SimpleExpr)> {
    Some((crate::search::whole_match(province, q, true)?, crate::search::whole_match(province, q, false)?))
}

/// One page of the list after the row `after` (keyset paging: the rows that come after it in the
/// list's order, read from the index where it left off, however deep into the list), and the
/// total. `after` must be a row the caller may see.
pub async fn list_after(
    db: &Db,
    scope: &Scope,
    filter: &WorkerFilter,
    today: NaiveDate,
    after: uuid::Uuid,
    per_page: u64,
) -> Result<(Vec<worker::Model>, u64)> {
    let filter = &filter.named(db, scope).await?;
    let last = worker::Entity::find()
        .filter(scope_condition(scope))
        .filter(worker::Column::Id.eq(after))
        .one(&db.conn)
        .await?
        .ok_or_else(|| bad_filter("after", "翻页位置无效：该人员不在列表范围内"))?;
    let (count, _) = queries(filter, scope, today, 1, per_page)?;
    let total = count.clone().count(&db.conn).await?;
    let rows = ordered(count.filter(beyond(db.backend(), filter, &last)), scope.region().province(), filter)
        .limit(per_page)
        .all(&db.conn)
        .await?;
    Ok((rows, total))
}

/// The rows strictly after `last` in the list's order: for the order (c1, c2, …), those with
/// c1 beyond last's, or c1 equal and c2 beyond, and so on. NULLs (a start of service not recorded)
/// sort first on SQLite and last on PostgreSQL, ascending, as each engine orders them.
fn beyond(backend: sea_orm::DbBackend, filter: &WorkerFilter, last: &worker::Model) -> Condition {
    use sea_orm::sea_query::SimpleExpr;
    let sqlite = backend == sea_orm::DbBackend::Sqlite;
    let mut any = Condition::any();
    let mut equal = Condition::all();
    if let Some(q) = ranked_name(filter)
        && let Some((exact, begins)) = rank_conditions(&last.province_code, q)
    {
        // The search's ranks first (see `ordered`): after a row of one rank come the rest of that
        // rank, then every row of the ranks below it.
        let (after, same) = match shegong_domain::search::rank(&last.name, q) {
            0 => (Some(exact.clone().not()), exact),
            1 => (Some(begins.clone().not()), begins.and(exact.not())),
            _ => (None, begins.not()),
        };
        if let Some(a) = after {
            any = any.add(a);
        }
        equal = equal.add(same);
    }
    for (c, asc) in order_columns(filter.sort.as_deref()) {
        let v = value_of(last, c);
        let nulls_first = sqlite == asc;
        let next: Condition = match &v {
            None if nulls_first => Condition::all().add(c.is_not_null()),
            None => Condition::all().add(SimpleExpr::from(Expr::val(1).eq(0))),
            Some(v) => {
                let past = if asc { c.gt(v.clone()) } else { c.lt(v.clone()) };
                let mut past = Condition::any().add(past);
                if !nulls_first {
                    past = past.add(c.is_null());
                }
                past
            }
        };
        any = any.add(equal.clone().add(next));
        equal = equal.add(match v {
            None => c.is_null(),
            Some(v) => c.eq(v),
        });
    }
    any
}

/// A row's value of one of the order's columns.
fn value_of(w: &worker::Model, c: worker::Column) -> Option<sea_orm::Value> {
    use worker::Column as C;
    match c {
        C::RegionCode => Some(w.region_code.clone().into()),
        C::Name => Some(w.name.clone().into()),
        C::BirthDate => Some(w.birth_date.into()),
        C::ServiceStart => w.service_start.map(Into::into),
        _ => Some(w.id.into()),
    }
}

/// The list's order: a search in the default order first by rank (the whole name, 拼音 or initials
/// typed; then those that begin with what was typed; then the rest), then the sort.
fn ordered(
    q: sea_orm::Select<worker::Entity>,
    province: &str,
    filter: &WorkerFilter,
) -> sea_orm::Select<worker::Entity> {
    let q = match ranked_name(filter).and_then(|name| rank_conditions(province, name)) {
        Some((exact, begins)) => q.order_by(exact, sea_orm::Order::Desc).order_by(begins, sea_orm::Order::Desc),
        None => q,
    };
    sorted(q, filter.sort.as_deref())
}

/// Streams every row of the scoped, filtered list to `each` in pages (for exports).
pub async fn for_each(
    db: &Db,
    scope: &Scope,
    filter: &WorkerFilter,
    today: NaiveDate,
    mut each: impl FnMut(&worker::Model),
) -> Result<u64> {
    use futures_util::TryStreamExt;
    let filter = &filter.named(db, scope).await?;
    let cond = filter.condition(scope, today)?;
    // One query read as a stream: linear in the rows, where pages with OFFSET re-read every row
    // before the page (quadratic over a province's export).
    let mut rows = sorted(worker::Entity::find().filter(cond), filter.sort.as_deref()).stream(&db.conn).await?;
    let mut n = 0;
    while let Some(r) = rows.try_next().await? {
        each(&r);
        n += 1;
    }
    Ok(n)
}
