//! Recording a visit (走访、排查、巡查、谈心) — from a phone, in one step, optionally reporting what
//! was found as an event of the grid-events loop — and reading them back.

use super::{Reach, typed, worker_names};
use crate::Db;
use crate::access::Access;
use crate::entity::{household, visit, worker};
use crate::error::{Result, StoreError};
use crate::regions::in_subtree;
use chrono::{Duration, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use shegong_domain::households::{address, masked_name};
use shegong_domain::visits::VisitKind;
use shegong_domain::worker::{WorkerStatus, parse_date};
use shegong_domain::{FieldError, Permission, RegionCode, RegionLevel};
use uuid::Uuid;

/// How far back a visit may be recorded (it is recorded as it happens, or the days after).
pub const BACKDATE_DAYS: i64 = 30;

/// A finding to report as an event in the same step.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct VisitReport {
    /// 事件分类（政策中的分类键）
    pub category: String,
    /// normal（默认）或 urgent
    pub urgency: Option<String>,
}

/// A visit as the API and the form send it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct VisitInput {
    /// 走访人（社区工作者本人登记时省略）
    pub worker_id: Option<Uuid>,
    /// visit（走访）、check（排查）、patrol（巡查）或 talk（谈心）
    pub kind: String,
    /// 日期 YYYY-MM-DD（默认今天，最早30天前）
    pub on_date: Option<String>,
    /// 走访的住户
    pub household_id: Option<Uuid>,
    /// 网格（巡查时）
    pub grid: Option<String>,
    /// 地点（非住户时）
    pub place: Option<String>,
    /// 发现的情况
    pub finding: Option<String>,
    /// 把发现的问题同时上报为民情事件
    pub report: Option<VisitReport>,
}

/// A visit as lists show it: names, the household's address with its head masked.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VisitRow {
    pub id: Uuid,
    pub on_date: NaiveDate,
    pub kind: VisitKind,
    pub kind_label: String,
    pub worker_id: Uuid,
    pub worker_name: String,
    pub community_code: String,
    pub household_id: Option<Uuid>,
    /// 住户地址（户主脱敏）或地点
    pub place: String,
    pub finding: Option<String>,
    pub event_id: Option<Uuid>,
    /// The event's number (E261130-330481-0001).
    pub event_number: Option<String>,
}

struct Checked {
    worker: worker::Model,
    kind: VisitKind,
    on: NaiveDate,
    household: Option<household::Model>,
    grid: Option<String>,
    place: Option<String>,
    finding: Option<String>,
}

async fn check(db: &Db, access: &Access, i: &VisitInput, today: NaiveDate) -> Result<Checked> {
    let reach = Reach::of(access, None)?;
    let province = reach.province().to_string();
    let mut errors = Vec::new();
    let kind = VisitKind::parse(&i.kind);
    if kind.is_none() {
        errors.push(FieldError::new("visit_kind", "kind", "类型应为走访、排查、巡查或谈心"));
    }
    let on = match i.on_date.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(today),
        Some(s) => match parse_date("on_date", "日期", s) {
            Ok(d) if d > today => {
                errors.push(FieldError::new("visit_date", "on_date", "日期不能晚于今天"));
                None
            }
            Ok(d) if d < today - Duration::days(BACKDATE_DAYS) => {
                errors.push(FieldError::new(
                    "visit_date",
                    "on_date",
                    format!("只能登记{BACKDATE_DAYS}天内的走访（最早{}）", today - Duration::days(BACKDATE_DAYS)),
                ));
                None
            }
            Ok(d) => Some(d),
            Err(e) => {
                errors.push(e);
                None
            }
        },
    };
    let worker_id = match (&reach, i.worker_id) {
        (Reach::Worker { worker_id, .. }, Some(other)) if other != *worker_id => {
            return Err(StoreError::Forbidden("社区工作者只能登记本人的走访"));
        }
        (Reach::Worker { worker_id, .. }, _) => Some(*worker_id),
        (Reach::Region(_), w) => w,
    };
    let w = match worker_id {
        Some(id) => worker::Entity::find_by_id((province.clone(), id))
            .one(&db.conn)
            .await?
            .filter(|w| access.scope.allows_region(&w.region_code) && w.status == WorkerStatus::Active.as_str()),
        None => None,
    };
    if w.is_none() {
        errors.push(FieldError::new("visit_worker", "worker_id", "请选择本辖区在岗的走访人"));
    }
    let community = w.as_ref().map(|w| w.region_code.clone()).unwrap_or_default();
    let mut h = None;
    if let Some(hid) = i.household_id {
        h = household::Entity::find()
            .filter(household::Column::ProvinceCode.eq(&province))
            .filter(household::Column::Id.eq(hid))
            .filter(household::Column::CommunityCode.eq(&community))
            .one(&db.conn)
            .await?;
        if h.is_none() && w.is_some() {
            errors.push(FieldError::new("visit_household", "household_id", "住户不在走访人所在社区"));
        }
    }
    let grid = match (&h, i.grid.as_deref().map(str::trim).filter(|s| !s.is_empty())) {
        (Some(h), Some(g)) if g != h.grid_code => {
            errors.push(FieldError::new("visit_grid", "grid", "网格与所选住户所在的网格不符"));
            None
        }
        (Some(h), _) => Some(h.grid_code.clone()),
        (None, Some(g)) => match RegionCode::parse(g) {
            Ok(c) if c.level() == RegionLevel::Grid && c.as_str().starts_with(&community) => Some(c.to_string()),
            _ => {
                if w.is_some() {
                    errors.push(FieldError::new("visit_grid", "grid", "网格应为走访人所在社区的网格"));
                }
                None
            }
        },
        (None, None) => None,
    };
    let place = typed(i.place.as_deref(), "place", "地点", 100, &mut errors);
    let finding = typed(i.finding.as_deref(), "finding", "发现的情况", 2000, &mut errors);
    if i.household_id.is_none() && grid.is_none() && place.is_none() {
        errors.push(FieldError::new("visit_where", "household_id", "请选择走访的住户，或填写网格或地点"));
    }
    if i.report.is_some() && finding.is_none() {
        errors.push(FieldError::new("visit_report", "finding", "上报民情事件须填写发现的情况"));
    }
    match (w, kind, on) {
        (Some(worker), Some(kind), Some(on)) if errors.is_empty() => {
            Ok(Checked { worker, kind, on, household: h, grid, place, finding })
        }
        _ => Err(StoreError::Invalid(errors)),
    }
}

/// The same visit twice (a double tap, a form sent again) counts once: refused.
async fn duplicate(db: &impl sea_orm::ConnectionTrait, c: &Checked) -> Result<()> {
    let mut same = visit::Entity::find()
        .filter(visit::Column::ProvinceCode.eq(&c.worker.province_code))
        .filter(visit::Column::WorkerId.eq(c.worker.id))
        .filter(visit::Column::OnDate.eq(c.on))
        .filter(visit::Column::Kind.eq(c.kind.as_str()));
    same = match (&c.household, &c.place) {
        (Some(h), _) => same.filter(visit::Column::HouseholdId.eq(h.id)),
        (None, Some(p)) => {
            same.filter(visit::Column::HouseholdId.is_null()).filter(visit::Column::Place.eq(p.as_str()))
        }
        (None, None) => same
            .filter(visit::Column::HouseholdId.is_null())
            .filter(visit::Column::Place.is_null())
            .filter(visit::Column::GridCode.eq(c.grid.clone())),
    };
    if same.count(db).await? > 0 {
        return Err(StoreError::Conflict(FieldError::new(
            "visit_duplicate",
            "household_id",
            format!("{}已登记过同一处的{}，不再重复计数", c.on, c.kind.label()),
        )));
    }
    Ok(())
}

/// Records a visit. A worker records their own; the community's head and the staff above record
/// for a worker in their region. With `report`, the finding is reported as an event first (its
/// own checks apply) and the visit links to it. The household's last visit moves forward.
pub async fn record(db: &Db, access: &Access, i: &VisitInput, today: NaiveDate) -> Result<visit::Model> {
    access.require(Permission::ServeResidents)?;
    let c = check(db, access, i, today).await?;
    duplicate(&db.conn, &c).await?;
    let event_id = match &i.report {
        Some(r) => {
            let region = c.grid.clone().unwrap_or_else(|| c.worker.region_code.clone());
            let e = crate::events::create(
                db,
                access,
                &crate::events::NewEvent {
                    region,
                    category: r.category.clone(),
                    urgency: r.urgency.clone(),
                    source: "patrol".into(),
                    description: c.finding.clone().unwrap_or_default(),
                    address: c
                        .household
                        .as_ref()
                        .map(|h| address(&h.building, &h.unit, &h.room))
                        .or_else(|| c.place.clone()),
                    ..Default::default()
                },
            )
            .await
            .map_err(|e| match e {
                StoreError::Invalid(v) => StoreError::Invalid(
                    v.into_iter()
                        .map(|mut f| {
                            if f.field == "category" || f.field == "urgency" {
                                f.field = if f.field == "category" { "report.category" } else { "report.urgency" };
                            }
                            f
                        })
                        .collect(),
                ),
                e => e,
            })?;
            Some(e.id)
        }
        None => None,
    };
    let txn = db.begin_write().await?;
    Db::lock_province(&txn, &c.worker.province_code).await?;
    if event_id.is_none() {
        duplicate(&*txn, &c).await?;
    }
    let m = visit::ActiveModel {
        province_code: Set(c.worker.province_code.clone()),
        id: Set(Uuid::now_v7()),
        community_code: Set(c.worker.region_code.clone()),
        grid_code: Set(c.grid.clone()),
        worker_id: Set(c.worker.id),
        kind: Set(c.kind.as_str().to_string()),
        on_date: Set(c.on),
        household_id: Set(c.household.as_ref().map(|h| h.id)),
        place: Set(c.place.clone()),
        finding: Set(c.finding.clone()),
        event_id: Set(event_id),
        recorded_by: Set(access.actor.username.clone()),
        recorded_at: Set(Utc::now()),
    }
    .insert(&*txn)
    .await?;
    if let Some(h) = &c.household {
        // Read again inside the lock: another visit may have moved it since.
        if let Some(h) = household::Entity::find_by_id((h.province_code.clone(), h.id)).one(&*txn).await?
            && h.last_visit_on.is_none_or(|d| d < c.on)
        {
            let mut am = h.into_active_model();
            am.last_visit_on = Set(Some(c.on));
            am.update(&*txn).await?;
        }
    }
    txn.commit().await?;
    Ok(m)
}

/// What the visit list is filtered by.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct VisitFilter {
    /// 区划代码（本辖区内）
    pub region: Option<String>,
    /// 走访人
    pub worker: Option<String>,
    /// 起止日期 YYYY-MM-DD
    pub from: Option<String>,
    pub to: Option<String>,
    /// visit、check、patrol、talk
    pub kind: Option<String>,
}

fn bad(field: &'static str, m: &str) -> StoreError {
    StoreError::invalid(FieldError::new("visit_filter", field, m.to_string()))
}

fn condition(access: &Access, f: &VisitFilter) -> Result<Condition> {
    let region = match f.region.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(r) => Some(RegionCode::parse(r).map_err(|_| StoreError::NotFound)?),
        None => None,
    };
    let reach = Reach::of_communities(access, region.as_ref())?;
    let mut c = Condition::all().add(visit::Column::ProvinceCode.eq(reach.province()));
    match &reach {
        Reach::Region(prefix) => c = c.add(in_subtree(visit::Column::CommunityCode, prefix)),
        Reach::Worker { worker_id, .. } => c = c.add(visit::Column::WorkerId.eq(*worker_id)),
    }
    if let Some(w) = f.worker.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        c = c.add(visit::Column::WorkerId.eq(Uuid::parse_str(w).map_err(|_| bad("worker", "走访人无效"))?));
    }
    let day = |v: &Option<String>, field: &'static str| -> Result<Option<NaiveDate>> {
        match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => parse_date(field, "日期", s).map(Some).map_err(StoreError::invalid),
            None => Ok(None),
        }
    };
    if let Some(d) = day(&f.from, "from")? {
        c = c.add(visit::Column::OnDate.gte(d));
    }
    if let Some(d) = day(&f.to, "to")? {
        c = c.add(visit::Column::OnDate.lte(d));
    }
    if let Some(k) = f.kind.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let k = VisitKind::parse(k).ok_or_else(|| bad("kind", "类型应为走访、排查、巡查或谈心"))?;
        c = c.add(visit::Column::Kind.eq(k.as_str()));
    }
    Ok(c)
}

async fn rows(db: &Db, models: Vec<visit::Model>) -> Result<Vec<VisitRow>> {
    let Some(first) = models.first() else { return Ok(Vec::new()) };
    let province = first.province_code.clone();
    let workers = worker_names(&db.conn, &province, models.iter().map(|v| v.worker_id)).await?;
    let ids: Vec<Uuid> = models.iter().filter_map(|v| v.household_id).collect();
    let mut homes = std::collections::HashMap::new();
    for chunk in ids.chunks(500) {
        let hs: Vec<(Uuid, String, String, String, String)> = household::Entity::find()
            .select_only()
            .column(household::Column::Id)
            .column(household::Column::Building)
            .column(household::Column::Unit)
            .column(household::Column::Room)
            .column(household::Column::HeadName)
            .filter(household::Column::ProvinceCode.eq(&province))
            .filter(household::Column::Id.is_in(chunk.to_vec()))
            .into_tuple()
            .all(&db.conn)
            .await?;
        for (id, b, u, r, n) in hs {
            homes.insert(id, format!("{}（{}）", address(&b, &u, &r), masked_name(&n)));
        }
    }
    let grids = crate::regions::names(&db.conn, models.iter().filter_map(|v| v.grid_code.clone()).collect()).await?;
    let events: Vec<Uuid> = models.iter().filter_map(|v| v.event_id).collect();
    let mut numbers = std::collections::HashMap::new();
    for chunk in events.chunks(500) {
        let found: Vec<(Uuid, String)> = crate::entity::event::Entity::find()
            .select_only()
            .column(crate::entity::event::Column::Id)
            .column(crate::entity::event::Column::Number)
            .filter(crate::entity::event::Column::ProvinceCode.eq(&province))
            .filter(crate::entity::event::Column::Id.is_in(chunk.to_vec()))
            .into_tuple()
            .all(&db.conn)
            .await?;
        numbers.extend(found);
    }
    Ok(models
        .into_iter()
        .map(|v| {
            let kind = VisitKind::parse(&v.kind).unwrap_or(VisitKind::Visit);
            VisitRow {
                id: v.id,
                on_date: v.on_date,
                kind,
                kind_label: kind.label().into(),
                worker_id: v.worker_id,
                worker_name: workers.get(&v.worker_id).cloned().unwrap_or_default(),
                place: {
                    let grid = v.grid_code.as_ref().and_then(|g| grids.get(g)).cloned().unwrap_or_default();
                    let at =
                        v.household_id.and_then(|h| homes.get(&h).cloned()).or(v.place.clone()).unwrap_or_default();
                    if grid.is_empty() { at } else { format!("{grid} {at}") }
                },
                event_number: v.event_id.and_then(|e| numbers.get(&e).cloned()),
                community_code: v.community_code,
                household_id: v.household_id,
                finding: v.finding,
                event_id: v.event_id,
            }
        })
        .collect())
}

/// One page of the visits the caller reaches (a worker: their own), newest first, and the total.
pub async fn visits(
    db: &Db,
    access: &Access,
    f: &VisitFilter,
    page: u64,
    per_page: u64,
) -> Result<(Vec<VisitRow>, u64)> {
    let q = visit::Entity::find().filter(condition(access, f)?);
    let total = q.clone().count(&db.conn).await?;
    let models = q
        .order_by_desc(visit::Column::OnDate)
        .order_by_desc(visit::Column::Id)
        .offset(page.saturating_sub(1).saturating_mul(per_page))
        .limit(per_page)
        .all(&db.conn)
        .await?;
    Ok((rows(db, models).await?, total))
}

/// A household's latest visits (for its page).
pub(super) async fn of_household(db: &Db, h: &household::Model, limit: u64) -> Result<Vec<VisitRow>> {
    let models = visit::Entity::find()
        .filter(visit::Column::ProvinceCode.eq(&h.province_code))
        .filter(visit::Column::HouseholdId.eq(h.id))
        .order_by_desc(visit::Column::OnDate)
        .limit(limit)
        .all(&db.conn)
        .await?;
    rows(db, models).await
}
