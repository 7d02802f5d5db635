//! Posts inside the community: each worker's service role (the policy's list, 海宁 全科/走访/项目社工
//! with their target shares) and the 综合岗 window's duty roster, day by day, against the policy's
//! least headcount (吉林 2), the gaps shown.

use super::{Reach, service_policy, wishes::community_of};
use crate::Db;
use crate::access::Access;
use crate::entity::{service_role, window_duty, worker};
use crate::error::{Result, StoreError};
use chrono::{Duration, NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set};
use serde::{Deserialize, Serialize};
use shegong_domain::visits::{Period, RoleShare, role_shares, window_gap};
use shegong_domain::worker::WorkerStatus;
use shegong_domain::{FieldError, Permission, RegionCode};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RoleInput {
    /// 服务岗位（本地政策所列，如 全科社工、走访社工、项目社工）；空：取消
    pub role: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct DutyDayInput {
    /// 社区代码（社区书记省略）
    pub community: Option<String>,
    /// 日期 YYYY-MM-DD
    pub date: String,
    /// 当天在窗口值班的社区工作者（替换当天的排班）
    pub workers: Vec<Uuid>,
}

/// A worker in post with their role now.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RolePerson {
    pub worker_id: Uuid,
    pub name: String,
    pub role: Option<String>,
}

/// One day of the window.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DutyDay {
    pub date: NaiveDate,
    pub working: bool,
    pub names: Vec<String>,
    pub on_duty: u32,
    /// People missing on a working day against the least headcount.
    pub gap: u32,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WindowReport {
    pub community_code: String,
    pub window_min: u32,
    pub roles: Vec<RoleShare>,
    pub people: Vec<RolePerson>,
    pub days: Vec<DutyDay>,
    /// Working days with fewer on duty than the least headcount.
    pub short_days: u32,
}

async fn people(db: &impl sea_orm::ConnectionTrait, community: &str) -> Result<Vec<(Uuid, String)>> {
    Ok(worker::Entity::find()
        .select_only()
        .column(worker::Column::Id)
        .column(worker::Column::Name)
        .filter(worker::Column::ProvinceCode.eq(&community[..2]))
        .filter(worker::Column::RegionCode.eq(community))
        .filter(worker::Column::Status.eq(WorkerStatus::Active.as_str()))
        .order_by_asc(worker::Column::Name)
        .into_tuple()
        .all(db)
        .await?)
}

/// Sets a worker's service role from today (the one held ends today); an empty role ends it.
pub async fn set_role(
    db: &Db,
    access: &Access,
    worker_id: Uuid,
    i: &RoleInput,
    today: NaiveDate,
) -> Result<Option<service_role::Model>> {
    access.require(Permission::EditArchive)?;
    crate::workers::editable(&access.scope)?;
    let w = crate::workers::get(db, &access.scope, worker_id).await?;
    if w.status != WorkerStatus::Active.as_str() {
        return Err(StoreError::invalid(FieldError::new("role_worker", "worker_id", format!("{}不在岗", w.name))));
    }
    let policy = service_policy(db, &w.region_code, today).await?;
    let role = i.role.trim();
    if !role.is_empty() && !policy.roles.iter().any(|r| r.role == role) {
        let known: Vec<&str> = policy.roles.iter().map(|r| r.role.as_str()).collect();
        return Err(StoreError::invalid(FieldError::new(
            "role_unknown",
            "role",
            format!("服务岗位应为本地政策所列的{}之一", known.join("、")),
        )));
    }
    let txn = db.begin_write().await?;
    Db::lock_province(&txn, &w.province_code).await?;
    let now = service_role::Entity::find()
        .filter(service_role::Column::ProvinceCode.eq(&w.province_code))
        .filter(service_role::Column::CommunityCode.eq(&w.region_code))
        .filter(service_role::Column::WorkerId.eq(w.id))
        .filter(service_role::Column::ToOn.is_null())
        .one(&*txn)
        .await?;
    if now.as_ref().map(|r| r.role.as_str()) == Some(role) || (now.is_none() && role.is_empty()) {
        return Ok(now);
    }
    let before = now.as_ref().map(|r| r.role.clone());
    if let Some(r) = now {
        let mut am = r.into_active_model();
        am.to_on = Set(Some(today));
        am.update(&*txn).await?;
    }
    let m = if role.is_empty() {
        None
    } else {
        Some(
            service_role::ActiveModel {
                province_code: Set(w.province_code.clone()),
                id: Set(Uuid::now_v7()),
                community_code: Set(w.region_code.clone()),
                worker_id: Set(w.id),
                role: Set(role.to_string()),
                from_on: Set(today),
                to_on: Set(None),
                set_by: Set(access.actor.username.clone()),
                set_at: Set(Utc::now()),
            }
            .insert(&*txn)
            .await?,
        )
    };
    let mut ch = crate::workers::Changes::new(&w, &access.actor);
    ch.push("服务岗位", "服务岗位", before, (!role.is_empty()).then(|| role.to_string()));
    ch.save(&txn).await?;
    txn.commit().await?;
    Ok(m)
}

/// Replaces the window's roster of one day with `workers` (empty: nobody).
pub async fn set_day(db: &Db, access: &Access, i: &DutyDayInput, today: NaiveDate) -> Result<Vec<window_duty::Model>> {
    access.require(Permission::EditArchive)?;
    crate::workers::editable(&access.scope)?;
    let reach = Reach::of(access, None)?;
    let community = community_of(db, access, &reach, i.community.as_deref()).await?;
    let date = shegong_domain::worker::parse_date("date", "日期", &i.date).map_err(StoreError::invalid)?;
    if (date - today).num_days().abs() > 366 {
        return Err(StoreError::invalid(FieldError::new("duty_date", "date", "只能排一年内的班")));
    }
    if i.workers.len() > 50 {
        return Err(StoreError::invalid(FieldError::new("duty_workers", "workers", "一天最多50人值班")));
    }
    let staff: HashMap<Uuid, String> = people(&db.conn, &community).await?.into_iter().collect();
    if let Some(w) = i.workers.iter().find(|w| !staff.contains_key(w)) {
        return Err(StoreError::invalid(FieldError::new(
            "duty_worker",
            "workers",
            format!("值班人员应为本社区在岗的社区工作者（{w}不是）"),
        )));
    }
    let txn = db.begin_write().await?;
    Db::lock_province(&txn, &community[..2]).await?;
    window_duty::Entity::delete_many()
        .filter(window_duty::Column::ProvinceCode.eq(&community[..2]))
        .filter(window_duty::Column::CommunityCode.eq(&community))
        .filter(window_duty::Column::OnDate.eq(date))
        .exec(&*txn)
        .await?;
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for w in i.workers.iter().filter(|w| seen.insert(**w)) {
        out.push(
            window_duty::ActiveModel {
                province_code: Set(community[..2].to_string()),
                id: Set(Uuid::now_v7()),
                community_code: Set(community.clone()),
                on_date: Set(date),
                worker_id: Set(*w),
                set_by: Set(access.actor.username.clone()),
                set_at: Set(Utc::now()),
            }
            .insert(&*txn)
            .await?,
        );
    }
    crate::audit::entry(&access.actor, "window.roster", &community)
        .detail(format!("{date} 窗口值班{}人", out.len()))
        .save(&*txn)
        .await?;
    txn.commit().await?;
    Ok(out)
}

/// A community's roles against the targets and the window's roster over `period`, day by day.
pub async fn window(db: &Db, access: &Access, region: Option<&RegionCode>, period: Period) -> Result<WindowReport> {
    let reach = Reach::of_communities(access, region)?;
    let community = reach.prefix().to_string();
    if community.len() != 12 {
        return Err(StoreError::invalid(FieldError::new("window_region", "region", "请选择一个社区")));
    }
    let policy = service_policy(db, &community, period.to).await?;
    let staff = people(&db.conn, &community).await?;
    let names: HashMap<Uuid, String> = staff.iter().cloned().collect();
    let roles: HashMap<Uuid, String> = service_role::Entity::find()
        .filter(service_role::Column::ProvinceCode.eq(&community[..2]))
        .filter(service_role::Column::CommunityCode.eq(&community))
        .filter(service_role::Column::ToOn.is_null())
        .all(&db.conn)
        .await?
        .into_iter()
        .filter(|r| names.contains_key(&r.worker_id))
        .map(|r| (r.worker_id, r.role))
        .collect();
    let mut held: BTreeMap<String, u32> = BTreeMap::new();
    for r in roles.values() {
        *held.entry(r.clone()).or_default() += 1;
    }
    let duties = window_duty::Entity::find()
        .filter(window_duty::Column::ProvinceCode.eq(&community[..2]))
        .filter(window_duty::Column::CommunityCode.eq(&community))
        .filter(window_duty::Column::OnDate.gte(period.from))
        .filter(window_duty::Column::OnDate.lte(period.to))
        .all(&db.conn)
        .await?;
    let mut by_day: BTreeMap<NaiveDate, Vec<String>> = BTreeMap::new();
    for d in duties {
        by_day
            .entry(d.on_date)
            .or_default()
            .push(names.get(&d.worker_id).cloned().unwrap_or_else(|| "（已离岗）".into()));
    }
    let cal = crate::calendar::load(db).await?;
    let mut days = Vec::new();
    let mut d = period.from;
    while d <= period.to {
        let names = by_day.remove(&d).unwrap_or_default();
        let working = cal.is_working_day(d);
        let on_duty = names.len() as u32;
        days.push(DutyDay {
            date: d,
            working,
            gap: if working { window_gap(&policy, on_duty) } else { 0 },
            names,
            on_duty,
        });
        d += Duration::days(1);
    }
    Ok(WindowReport {
        short_days: days.iter().filter(|d| d.gap > 0).count() as u32,
        roles: role_shares(&policy, &held, staff.len() as u32),
        people: staff
            .into_iter()
            .map(|(id, name)| RolePerson { role: roles.get(&id).cloned(), worker_id: id, name })
            .collect(),
        window_min: policy.window_min,
        community_code: community,
        days,
    })
}
