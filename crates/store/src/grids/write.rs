//! Adding and ending a grid's duties. Each write takes the write lock first, checks everything,
//! and records the change in the audit log and, for a worker's duty, in their archive's history.

use crate::Db;
use crate::access::Access;
use crate::audit::Actor;
use crate::entity::{grid_duty, region, worker};
use crate::error::{Result, StoreError};
use crate::regions::in_subtree;
use crate::workers::{Changes, editable};
use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use serde::Deserialize;
use shegong_domain::grids::{Duty, link_leader, party_group};
use shegong_domain::worker::WorkerStatus;
use shegong_domain::{FieldError, Permission, RegionCode, RegionLevel, Scope};
use uuid::Uuid;

/// A duty to add to a grid: `duty` is `grid_worker`, `committee`, `link_leader` or `party_group`
/// (or its Chinese name); a worker's duty names the worker, a 联户长 their name, phone and
/// households linked, a party group its name.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct DutyInput {
    pub duty: String,
    pub worker_id: Option<Uuid>,
    pub name: Option<String>,
    pub phone: Option<String>,
    /// Households a 联户长 links: a whole number (or as typed in a form).
    pub households: Option<Households>,
}

/// A number of households as JSON sends it (16) or a form types it ("16").
#[derive(Debug, Clone, Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum Households {
    Number(i64),
    Text(String),
}

impl From<&str> for Households {
    fn from(s: &str) -> Self {
        Self::Text(s.to_string())
    }
}

impl From<String> for Households {
    fn from(s: String) -> Self {
        Self::Text(s)
    }
}

impl Households {
    pub fn text(&self) -> String {
        match self {
            Self::Number(n) => n.to_string(),
            Self::Text(t) => t.clone(),
        }
    }
}

/// A grid in scope, by code (not found otherwise).
pub(crate) async fn grid_in_scope(db: &impl ConnectionTrait, scope: &Scope, code: &str) -> Result<region::Model> {
    let code = RegionCode::parse(code).map_err(|_| StoreError::NotFound)?;
    if code.level() != RegionLevel::Grid || !scope.allows_region(code.as_str()) || scope.only_worker().is_some() {
        return Err(StoreError::NotFound);
    }
    region::Entity::find_by_id(code.to_string())
        .one(db)
        .await?
        .filter(|r| r.level == RegionLevel::Grid.as_str())
        .ok_or(StoreError::NotFound)
}

/// What a duty will hold, checked: the row to insert with its names filled in.
pub(super) struct Checked {
    pub duty: Duty,
    pub worker: Option<worker::Model>,
    pub name: String,
    pub phone: Option<String>,
    pub households: Option<i32>,
}

/// Checks a duty against the grid's community; every error names its field.
pub(super) async fn check(db: &impl ConnectionTrait, grid: &region::Model, i: &DutyInput) -> Result<Checked> {
    let community = grid.parent_code.clone().unwrap_or_default();
    let Some(duty) = Duty::parse(&i.duty) else {
        return Err(StoreError::invalid(FieldError::new(
            "grid_duty_unknown",
            "duty",
            "职责应为网格员、包格两委、联户长或网格党小组",
        )));
    };
    let mut out = Checked { duty, worker: None, name: String::new(), phone: None, households: None };
    match duty {
        Duty::GridWorker | Duty::Committee => {
            let missing = || FieldError::new("grid_worker_missing", "worker_id", "请选择本社区在岗的社区工作者");
            let id = i.worker_id.ok_or_else(|| StoreError::invalid(missing()))?;
            let w = worker::Entity::find_by_id((community[..2].to_string(), id))
                .one(db)
                .await?
                .filter(|w| w.region_code == community && w.status == WorkerStatus::Active.as_str())
                .ok_or_else(|| StoreError::invalid(missing()))?;
            if duty == Duty::Committee && !w.two_committees {
                return Err(StoreError::invalid(FieldError::new(
                    "grid_committee_member",
                    "worker_id",
                    format!("{}不是社区“两委”成员，包格两委应由两委成员担任", w.name),
                )));
            }
            out.name = w.name.clone();
            out.worker = Some(w);
        }
        Duty::LinkLeader => {
            let l = link_leader(
                i.name.as_deref().unwrap_or(""),
                i.phone.as_deref().unwrap_or(""),
                &i.households.as_ref().map(Households::text).unwrap_or_default(),
            )
            .map_err(StoreError::Invalid)?;
            out.name = l.name;
            out.phone = Some(l.phone);
            out.households = Some(l.households);
        }
        Duty::PartyGroup => {
            out.name = party_group(i.name.as_deref().unwrap_or("")).map_err(StoreError::invalid)?;
        }
    }
    Ok(out)
}

/// The same person (or group) already holds the duty on the grid now.
pub(super) fn same(d: &grid_duty::Model, c: &Checked) -> bool {
    d.duty == c.duty.as_str()
        && match c.duty {
            Duty::GridWorker | Duty::Committee => d.worker_id == c.worker.as_ref().map(|w| w.id),
            Duty::LinkLeader => d.phone == c.phone && d.name == c.name && d.households == c.households,
            Duty::PartyGroup => d.name == c.name,
        }
}

pub(super) fn row(grid: &region::Model, c: &Checked, actor: &Actor, today: NaiveDate) -> grid_duty::ActiveModel {
    grid_duty::ActiveModel {
        province_code: Set(grid.code[..2].to_string()),
        id: Set(Uuid::now_v7()),
        grid_code: Set(grid.code.clone()),
        community_code: Set(grid.parent_code.clone().unwrap_or_default()),
        duty: Set(c.duty.as_str().into()),
        worker_id: Set(c.worker.as_ref().map(|w| w.id)),
        name: Set(c.name.clone()),
        phone: Set(c.phone.clone()),
        households: Set(c.households),
        start_on: Set(today),
        end_on: Set(None),
        added_by: Set(actor.username.clone()),
        added_at: Set(Utc::now()),
        ended_by: Set(None),
        ended_at: Set(None),
    }
}

pub(super) async fn current_on_grid(db: &impl ConnectionTrait, grid: &region::Model) -> Result<Vec<grid_duty::Model>> {
    Ok(grid_duty::Entity::find()
        .filter(grid_duty::Column::ProvinceCode.eq(&grid.code[..2]))
        .filter(grid_duty::Column::CommunityCode.eq(grid.parent_code.clone().unwrap_or_default()))
        .filter(grid_duty::Column::GridCode.eq(&grid.code))
        .filter(grid_duty::Column::EndOn.is_null())
        .all(db)
        .await?)
}

/// A worker's current grids of one duty, by name ("第1网格、第3网格"), for their archive's history.
pub(super) async fn worker_grids(db: &impl ConnectionTrait, w: &worker::Model, duty: &str) -> Result<Option<String>> {
    let rows = grid_duty::Entity::find()
        .filter(grid_duty::Column::ProvinceCode.eq(&w.province_code))
        .filter(grid_duty::Column::WorkerId.eq(w.id))
        .filter(grid_duty::Column::Duty.eq(duty))
        .filter(grid_duty::Column::EndOn.is_null())
        .order_by_asc(grid_duty::Column::GridCode)
        .all(db)
        .await?;
    if rows.is_empty() {
        return Ok(None);
    }
    let names = crate::regions::names(db, rows.iter().map(|r| r.grid_code.clone()).collect()).await?;
    Ok(Some(rows.iter().map(|r| names.get(&r.grid_code).cloned().unwrap_or_default()).collect::<Vec<_>>().join("、")))
}

/// Records a worker's grids of a duty before and after a write in their archive's history.
pub(super) async fn archive_change(
    txn: &sea_orm::DatabaseTransaction,
    w: &worker::Model,
    duty: &str,
    actor: &Actor,
    before: Option<String>,
) -> Result<()> {
    let after = worker_grids(txn, w, duty).await?;
    let label = Duty::parse(duty).map_or("网格", Duty::label);
    let mut ch = Changes::new(w, actor);
    ch.push("网格", label, before, after);
    ch.save(txn).await
}

/// Adds a duty to a grid from today. A party group replaces the grid's present one; the same
/// person holding the same duty already is refused.
pub async fn add(
    db: &Db,
    access: &Access,
    grid_code: &str,
    i: &DutyInput,
    today: NaiveDate,
) -> Result<grid_duty::Model> {
    access.require(Permission::ManageGrids)?;
    let (scope, actor) = (&access.scope, &access.actor);
    editable(scope)?;
    let txn = db.begin_write().await?;
    Db::lock_province(&txn, scope.region().province()).await?;
    let grid = grid_in_scope(&*txn, scope, grid_code).await?;
    let c = check(&*txn, &grid, i).await?;
    let now = current_on_grid(&*txn, &grid).await?;
    if now.iter().any(|d| same(d, &c)) {
        return Err(StoreError::invalid(FieldError::new(
            "grid_duty_held",
            if c.duty.is_worker() { "worker_id" } else { "name" },
            format!("{}已是{}的{}", c.name, grid.name, c.duty.label()),
        )));
    }
    if let Some(h) = c.households {
        linked_within(&grid, now.iter().filter_map(|d| d.households).map(i64::from).sum::<i64>() + i64::from(h))?;
    }
    if c.duty.single() {
        for d in now.iter().filter(|d| d.duty == c.duty.as_str()) {
            close(&*txn, d.clone(), actor, today).await?;
        }
    }
    let before = match &c.worker {
        Some(w) => worker_grids(&*txn, w, c.duty.as_str()).await?,
        None => None,
    };
    let m = row(&grid, &c, actor, today).insert(&*txn).await?;
    if let Some(w) = &c.worker {
        archive_change(&txn, w, c.duty.as_str(), actor, before).await?;
    }
    crate::audit::entry(actor, "grid.assign", &grid.code)
        .target(m.id)
        .detail(format!("{} {} {}", grid.name, c.duty.label(), c.name))
        .save(&*txn)
        .await?;
    txn.commit().await?;
    Ok(m)
}

pub(super) async fn close(
    db: &impl ConnectionTrait,
    d: grid_duty::Model,
    actor: &Actor,
    today: NaiveDate,
) -> Result<()> {
    let mut am = d.into_active_model();
    am.end_on = Set(Some(today));
    am.ended_by = Set(Some(actor.username.clone()));
    am.ended_at = Set(Some(Utc::now()));
    am.update(db).await?;
    Ok(())
}

/// The households a grid's 联户长 link together cannot be more than the grid has (when it is known).
pub(super) fn linked_within(grid: &region::Model, linked: i64) -> Result<()> {
    if grid.households > 0 && linked > grid.households {
        return Err(StoreError::invalid(FieldError::new(
            "grid_linked_households",
            "households",
            format!("{}的联户长联系户数合计{}户，超过网格户数{}户", grid.name, linked, grid.households),
        )));
    }
    Ok(())
}

/// Ends a duty (kept, dated): the worker leaves the grid, the 联户长 steps down.
pub async fn end(db: &Db, access: &Access, id: Uuid, today: NaiveDate) -> Result<grid_duty::Model> {
    access.require(Permission::ManageGrids)?;
    let (scope, actor) = (&access.scope, &access.actor);
    editable(scope)?;
    let txn = db.begin_write().await?;
    Db::lock_province(&txn, scope.region().province()).await?;
    let d = grid_duty::Entity::find()
        .filter(grid_duty::Column::ProvinceCode.eq(scope.region().province()))
        .filter(grid_duty::Column::Id.eq(id))
        .filter(in_subtree(grid_duty::Column::CommunityCode, scope.region().as_str()))
        .one(&*txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    if let Some(ended) = d.end_on {
        return Err(StoreError::Conflict(FieldError::new(
            "grid_duty_ended",
            "id",
            format!("{}的这项职责已于{ended}解除", d.name),
        )));
    }
    let w = match d.worker_id {
        Some(wid) => worker::Entity::find_by_id((d.province_code.clone(), wid)).one(&*txn).await?,
        None => None,
    };
    let before = match &w {
        Some(w) => worker_grids(&*txn, w, &d.duty).await?,
        None => None,
    };
    close(&*txn, d.clone(), actor, today).await?;
    if let Some(w) = &w {
        archive_change(&txn, w, &d.duty, actor, before).await?;
    }
    let label = Duty::parse(&d.duty).map_or("", Duty::label);
    crate::audit::entry(actor, "grid.end", &d.grid_code)
        .target(d.id)
        .detail(format!("{} {}", label, d.name))
        .save(&*txn)
        .await?;
    let ended = grid_duty::Entity::find_by_id((d.province_code.clone(), d.id)).one(&*txn).await?;
    txn.commit().await?;
    ended.ok_or(StoreError::NotFound)
}
