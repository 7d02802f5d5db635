//! The household register (户) of each grid: add and edit (with the version read, and every
//! changed field kept in the household's history), the masked list and export, and the full record
//! for those who may see it (each view audited).

use super::{Reach, service_policy, worker_names};
use crate::Db;
use crate::access::Access;
use crate::entity::{grid_duty, household, household_change, region, worker};
use crate::error::{Result, StoreError};
use crate::grids::{Households, grid_in_scope};
use crate::regions::in_subtree;
use crate::workers::editable;
use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use shegong_domain::households::{HouseholdDraft, HouseholdFacts, address, changes, check, masked_name};
use shegong_domain::visits::{ServicePolicy, care_due, overdue};
use shegong_domain::worker::WorkerStatus;
use shegong_domain::{FieldError, Permission, RegionCode, RegionLevel};
use uuid::Uuid;

/// A household as the API and the forms send it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct HouseholdInput {
    /// 网格代码（15位）
    pub grid: String,
    /// 楼栋、单元、门牌（室）
    pub building: String,
    pub unit: String,
    pub room: String,
    /// 户主姓名
    pub head_name: String,
    pub phone: Option<String>,
    /// 家庭人口（整数，默认1）
    pub members: Option<Households>,
    /// 关爱标签（本地政策中的标签，如 独居老人、低保）
    pub tags: Vec<String>,
    /// 负责的社区工作者
    pub worker_id: Option<Uuid>,
    /// 联户长姓名（须为本网格现任联户长）
    pub liaison: Option<String>,
    /// 修改时：读取时的版本号（他人已改则 409）
    pub version: Option<i32>,
}

impl HouseholdInput {
    fn draft(&self) -> HouseholdDraft {
        HouseholdDraft {
            building: self.building.clone(),
            unit: self.unit.clone(),
            room: self.room.clone(),
            head_name: self.head_name.clone(),
            phone: self.phone.clone().unwrap_or_default(),
            members: self.members.as_ref().map(Households::text).unwrap_or_default(),
            tags: self.tags.join("、"),
        }
    }
}

/// A household checked against its grid: the facts, the worker responsible, the 联户长.
pub(super) struct Checked {
    pub facts: HouseholdFacts,
    pub worker: Option<(Uuid, String)>,
    pub liaison: Option<String>,
}

/// The worker responsible must serve in the grid's community; the 联户长 must be one of the grid's.
pub(super) async fn check_people(
    db: &impl ConnectionTrait,
    grid: &region::Model,
    worker_id: Option<Uuid>,
    liaison: Option<&str>,
    errors: &mut Vec<FieldError>,
) -> Result<(Option<(Uuid, String)>, Option<String>)> {
    let community = grid.parent_code.clone().unwrap_or_default();
    let mut w = None;
    if let Some(id) = worker_id {
        match worker::Entity::find_by_id((grid.code[..2].to_string(), id))
            .one(db)
            .await?
            .filter(|w| w.region_code == community && w.status == WorkerStatus::Active.as_str())
        {
            Some(x) => w = Some((x.id, x.name)),
            None => errors.push(FieldError::new("household_worker", "worker_id", "负责社工应为本社区在岗的社区工作者")),
        }
    }
    let liaison = liaison.map(str::trim).filter(|s| !s.is_empty());
    if let Some(l) = liaison {
        let held = grid_duty::Entity::find()
            .filter(grid_duty::Column::ProvinceCode.eq(&grid.code[..2]))
            .filter(grid_duty::Column::CommunityCode.eq(&community))
            .filter(grid_duty::Column::GridCode.eq(&grid.code))
            .filter(grid_duty::Column::Duty.eq(shegong_domain::grids::Duty::LinkLeader.as_str()))
            .filter(grid_duty::Column::EndOn.is_null())
            .filter(grid_duty::Column::Name.eq(l))
            .count(db)
            .await?;
        if held == 0 {
            errors.push(FieldError::new(
                "household_liaison",
                "liaison",
                format!("{}不是{}的现任联户长（先在网格页指派）", masked_name(l), grid.name),
            ));
        }
    }
    Ok((w, liaison.map(str::to_string)))
}

/// The grid typed, in the caller's scope: a field error otherwise.
pub(super) async fn grid_of(db: &impl ConnectionTrait, access: &Access, code: &str) -> Result<region::Model> {
    grid_in_scope(db, &access.scope, code.trim()).await.map_err(|e| match e {
        StoreError::NotFound => StoreError::invalid(FieldError::new("household_grid", "grid", "请选择本辖区内的网格")),
        e => e,
    })
}

async fn checked(
    db: &impl ConnectionTrait,
    grid: &region::Model,
    i: &HouseholdInput,
    policy: &ServicePolicy,
) -> Result<Checked> {
    let mut errors = Vec::new();
    let facts = check(&i.draft(), policy).map_err(|e| errors.extend(e)).ok();
    let (worker, liaison) = check_people(db, grid, i.worker_id, i.liaison.as_deref(), &mut errors).await?;
    match facts {
        Some(facts) if errors.is_empty() => Ok(Checked { facts, worker, liaison }),
        _ => Err(StoreError::Invalid(errors)),
    }
}

fn policy_community(code: &str) -> Result<String> {
    let c = RegionCode::parse(code.trim())
        .ok()
        .filter(|c| c.level() == RegionLevel::Grid)
        .ok_or_else(|| StoreError::invalid(FieldError::new("household_grid", "grid", "请选择本辖区内的网格")))?;
    Ok(c.as_str()[..12].to_string())
}

pub(super) fn change_row(
    h: &household::Model,
    field: &str,
    before: String,
    after: String,
    by: &str,
) -> household_change::ActiveModel {
    household_change::ActiveModel {
        province_code: Set(h.province_code.clone()),
        id: Set(Uuid::now_v7()),
        household_id: Set(h.id),
        field: Set(field.to_string()),
        before: Set(before),
        after: Set(after),
        changed_by: Set(by.to_string()),
        changed_at: Set(Utc::now()),
    }
}

pub(super) fn exists(grid: &region::Model, f: &HouseholdFacts) -> StoreError {
    StoreError::Conflict(FieldError::new(
        "household_exists",
        "room",
        format!("{}{}已登记，请在原记录上修改", grid.name, f.address()),
    ))
}

/// Registers a household on a grid from `today`.
pub async fn add(db: &Db, access: &Access, i: &HouseholdInput, today: NaiveDate) -> Result<household::Model> {
    access.require(Permission::ManageHouseholds)?;
    editable(&access.scope)?;
    let policy = service_policy(db, &policy_community(&i.grid)?, today).await?;
    let txn = db.begin_write().await?;
    Db::lock_province(&txn, access.scope.region().province()).await?;
    let grid = grid_of(&*txn, access, &i.grid).await?;
    let c = checked(&*txn, &grid, i, &policy).await?;
    let f = &c.facts;
    let taken = household::Entity::find()
        .filter(household::Column::ProvinceCode.eq(&grid.code[..2]))
        .filter(household::Column::GridCode.eq(&grid.code))
        .filter(household::Column::Building.eq(&f.building))
        .filter(household::Column::Unit.eq(&f.unit))
        .filter(household::Column::Room.eq(&f.room))
        .count(&*txn)
        .await?;
    if taken > 0 {
        return Err(exists(&grid, f));
    }
    let now = Utc::now();
    let m = household::ActiveModel {
        province_code: Set(grid.code[..2].to_string()),
        id: Set(Uuid::now_v7()),
        community_code: Set(grid.code[..12].to_string()),
        grid_code: Set(grid.code.clone()),
        building: Set(f.building.clone()),
        unit: Set(f.unit.clone()),
        room: Set(f.room.clone()),
        head_name: Set(f.head_name.clone()),
        phone: Set(f.phone.clone()),
        members: Set(f.members),
        tags: Set(f.tags_text()),
        worker_id: Set(c.worker.as_ref().map(|w| w.0)),
        liaison: Set(c.liaison.clone()),
        registered_on: Set(today),
        last_visit_on: Set(None),
        version: Set(1),
        created_by: Set(access.actor.username.clone()),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&*txn)
    .await?;
    change_row(&m, "登记", String::new(), format!("{} {}", grid.name, f.address()), &access.actor.username)
        .insert(&*txn)
        .await?;
    crate::audit::entry(&access.actor, "household.add", &grid.code)
        .target(m.id)
        .detail(format!("{} {}", grid.name, f.address()))
        .save(&*txn)
        .await?;
    txn.commit().await?;
    Ok(m)
}

pub(super) fn facts_of(h: &household::Model) -> HouseholdFacts {
    HouseholdFacts {
        building: h.building.clone(),
        unit: h.unit.clone(),
        room: h.room.clone(),
        head_name: h.head_name.clone(),
        phone: h.phone.clone(),
        members: h.members,
        tags: shegong_domain::households::split_tags(&h.tags),
    }
}

pub(super) async fn one(db: &impl ConnectionTrait, province: &str, prefix: &str, id: Uuid) -> Result<household::Model> {
    household::Entity::find()
        .filter(household::Column::ProvinceCode.eq(province))
        .filter(household::Column::Id.eq(id))
        .filter(in_subtree(household::Column::CommunityCode, prefix))
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Changes a household, on the version the clerk read (409 `household_changed` when someone changed
/// it since). Each changed field is kept in its history; nothing changed, nothing written.
pub async fn update(
    db: &Db,
    access: &Access,
    id: Uuid,
    i: &HouseholdInput,
    today: NaiveDate,
) -> Result<household::Model> {
    access.require(Permission::ManageHouseholds)?;
    editable(&access.scope)?;
    let scope = &access.scope;
    let h = one(&db.conn, scope.region().province(), scope.region().as_str(), id).await?;
    let grid_code = if i.grid.trim().is_empty() { h.grid_code.clone() } else { i.grid.trim().to_string() };
    let policy = service_policy(db, &policy_community(&grid_code)?, today).await?;
    let txn = db.begin_write().await?;
    Db::lock_province(&txn, scope.region().province()).await?;
    let h = one(&*txn, scope.region().province(), scope.region().as_str(), id).await?;
    let Some(version) = i.version else {
        return Err(StoreError::invalid(FieldError::new(
            "household_version",
            "version",
            "请带上读取时的版本号（version），以免覆盖他人的修改",
        )));
    };
    if version != h.version {
        return Err(StoreError::Conflict(FieldError::new(
            "household_changed",
            "version",
            "这户的信息已被他人修改，请刷新页面后再改",
        )));
    }
    let grid = grid_of(&*txn, access, &grid_code).await?;
    let c = checked(&*txn, &grid, i, &policy).await?;
    let old = facts_of(&h);
    let mut diff: Vec<(String, String, String)> =
        changes(&old, &c.facts).into_iter().map(|(f, a, b)| (f.to_string(), a, b)).collect();
    if grid.code != h.grid_code {
        let names = crate::regions::names(&*txn, vec![h.grid_code.clone()]).await?;
        diff.push(("网格".into(), names.get(&h.grid_code).cloned().unwrap_or_default(), grid.name.clone()));
    }
    if c.worker.as_ref().map(|w| w.0) != h.worker_id {
        let names = worker_names(&*txn, &h.province_code, h.worker_id).await?;
        let before = h.worker_id.and_then(|w| names.get(&w).cloned()).unwrap_or_default();
        diff.push(("负责社工".into(), before, c.worker.as_ref().map(|w| w.1.clone()).unwrap_or_default()));
    }
    if c.liaison != h.liaison {
        diff.push(("联户长".into(), h.liaison.clone().unwrap_or_default(), c.liaison.clone().unwrap_or_default()));
    }
    if diff.is_empty() {
        return Ok(h);
    }
    if grid.code != h.grid_code || old.address() != c.facts.address() {
        let f = &c.facts;
        let taken = household::Entity::find()
            .filter(household::Column::ProvinceCode.eq(&h.province_code))
            .filter(household::Column::GridCode.eq(&grid.code))
            .filter(household::Column::Building.eq(&f.building))
            .filter(household::Column::Unit.eq(&f.unit))
            .filter(household::Column::Room.eq(&f.room))
            .filter(household::Column::Id.ne(h.id))
            .count(&*txn)
            .await?;
        if taken > 0 {
            return Err(exists(&grid, f));
        }
    }
    let version = h.version + 1;
    let mut am = h.clone().into_active_model();
    let f = c.facts;
    am.community_code = Set(grid.code[..12].to_string());
    am.grid_code = Set(grid.code.clone());
    am.building = Set(f.building.clone());
    am.unit = Set(f.unit.clone());
    am.room = Set(f.room.clone());
    am.head_name = Set(f.head_name.clone());
    am.phone = Set(f.phone.clone());
    am.members = Set(f.members);
    am.tags = Set(f.tags_text());
    am.worker_id = Set(c.worker.as_ref().map(|w| w.0));
    am.liaison = Set(c.liaison.clone());
    am.version = Set(version);
    am.updated_at = Set(Utc::now());
    let m = am.update(&*txn).await?;
    for (field, before, after) in &diff {
        change_row(&m, field, before.clone(), after.clone(), &access.actor.username).insert(&*txn).await?;
    }
    crate::audit::entry(&access.actor, "household.edit", &grid.code)
        .target(m.id)
        .detail(format!(
            "{} {}：{}",
            grid.name,
            f.address(),
            diff.iter().map(|d| d.0.as_str()).collect::<Vec<_>>().join("、")
        ))
        .save(&*txn)
        .await?;
    txn.commit().await?;
    Ok(m)
}

/// A household in full, with its history and its latest visits: for the staff of its community
/// and above, and the worker responsible for it. Audited.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HouseholdView {
    pub household: household::Model,
    pub grid_name: String,
    pub community_name: String,
    pub address: String,
    pub worker_name: Option<String>,
    pub care_every_days: Option<u32>,
    pub care_due: Option<NaiveDate>,
    pub overdue: bool,
    pub history: Vec<household_change::Model>,
    pub visits: Vec<super::VisitRow>,
}

pub async fn get(db: &Db, access: &Access, id: Uuid, today: NaiveDate) -> Result<HouseholdView> {
    let reach = Reach::of(access, None)?;
    let h = one(&db.conn, reach.province(), reach.prefix(), id).await?;
    if let Reach::Worker { worker_id, .. } = &reach
        && h.worker_id != Some(*worker_id)
    {
        return Err(StoreError::NotFound);
    }
    let names = crate::regions::names(&db.conn, vec![h.grid_code.clone(), h.community_code.clone()]).await?;
    let workers = worker_names(&db.conn, &h.province_code, h.worker_id).await?;
    let policy = service_policy(db, &h.community_code, today).await?;
    let tags = shegong_domain::households::split_tags(&h.tags);
    let every = policy.care_every(&tags);
    let due = every.map(|e| care_due(e, h.last_visit_on, h.registered_on));
    let history = household_change::Entity::find()
        .filter(household_change::Column::ProvinceCode.eq(&h.province_code))
        .filter(household_change::Column::HouseholdId.eq(h.id))
        .order_by_desc(household_change::Column::ChangedAt)
        .limit(200)
        .all(&db.conn)
        .await?;
    let visits = super::visits::of_household(db, &h, 20).await?;
    crate::audit::entry(&access.actor, "household.view", &h.grid_code)
        .target(h.id)
        .detail(format!(
            "{} {}",
            names.get(&h.grid_code).cloned().unwrap_or_default(),
            address(&h.building, &h.unit, &h.room)
        ))
        .record(db)
        .await?;
    Ok(HouseholdView {
        grid_name: names.get(&h.grid_code).cloned().unwrap_or_default(),
        community_name: names.get(&h.community_code).cloned().unwrap_or_default(),
        address: address(&h.building, &h.unit, &h.room),
        worker_name: h.worker_id.and_then(|w| workers.get(&w).cloned()),
        care_every_days: every,
        care_due: due,
        overdue: due.is_some_and(|d| overdue(d, today)),
        history,
        visits,
        household: h,
    })
}
