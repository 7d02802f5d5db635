//! The household list and its export: everything the caller reaches, by grid and address, with
//! residents' names, phones and 联户长 masked, and each care household's next visit.

use super::{Reach, service_policy, worker_names};
use crate::Db;
use crate::access::Access;
use crate::entity::household;
use crate::error::{Result, StoreError};
use crate::regions::in_subtree;
use chrono::NaiveDate;
use sea_orm::{ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use shegong_domain::RegionCode;
use shegong_domain::households::{address, masked_name, masked_phone};
use shegong_domain::visits::{ServicePolicy, care_due, overdue};
use std::collections::HashMap;
use uuid::Uuid;

/// What the household list is filtered by.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct HouseholdFilter {
    /// 区划代码（本辖区内）
    pub region: Option<String>,
    /// 网格代码
    pub grid: Option<String>,
    /// 关爱标签
    pub tag: Option<String>,
}

/// A household as the list and the export show it: the head's name, phone and 联户长 masked.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HouseholdRow {
    pub id: Uuid,
    pub grid_code: String,
    pub grid_name: String,
    pub address: String,
    pub building: String,
    pub unit: String,
    pub room: String,
    /// 户主（脱敏：张*）
    pub head_name: String,
    /// 联系电话（脱敏：139****1234）
    pub phone: Option<String>,
    pub members: i32,
    pub tags: Vec<String>,
    pub worker_name: Option<String>,
    pub liaison: Option<String>,
    pub last_visit_on: Option<NaiveDate>,
    /// A care household's next visit is due on (from its tags' frequency).
    pub care_due: Option<NaiveDate>,
    pub overdue: bool,
}

fn condition(reach: &Reach, f: &HouseholdFilter) -> Result<Condition> {
    let mut c = Condition::all().add(household::Column::ProvinceCode.eq(reach.province()));
    match reach {
        Reach::Region(prefix) => c = c.add(in_subtree(household::Column::GridCode, prefix)),
        Reach::Worker { worker_id, community } => {
            c = c
                .add(in_subtree(household::Column::GridCode, community))
                .add(household::Column::WorkerId.eq(*worker_id))
        }
    }
    if let Some(g) = f.grid.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        if !g.starts_with(reach.prefix()) {
            return Err(StoreError::NotFound);
        }
        c = c.add(household::Column::GridCode.eq(g));
    }
    if let Some(t) = f.tag.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        if t.chars().count() > 10 || t.contains(['%', '_', '\\', '、']) {
            return Err(StoreError::invalid(shegong_domain::FieldError::new(
                "household_tag",
                "tag",
                "关爱标签应为本地政策中的一个标签",
            )));
        }
        c = c.add(
            Condition::any()
                .add(household::Column::Tags.eq(t))
                .add(household::Column::Tags.like(format!("{t}、%")))
                .add(household::Column::Tags.like(format!("%、{t}")))
                .add(household::Column::Tags.like(format!("%、{t}、%"))),
        );
    }
    Ok(c)
}

fn filter_region(access: &Access, f: &HouseholdFilter) -> Result<Option<RegionCode>> {
    match f.region.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(r) => {
            let code = RegionCode::parse(r).map_err(|_| StoreError::NotFound)?;
            Ok(Some(access.scope.narrow(&code).map(|s| s.region().clone()).ok_or(StoreError::NotFound)?))
        }
        None => Ok(None),
    }
}

async fn rows(db: &Db, models: Vec<household::Model>, today: NaiveDate) -> Result<Vec<HouseholdRow>> {
    let Some(first) = models.first() else { return Ok(Vec::new()) };
    let province = first.province_code.clone();
    let codes: std::collections::BTreeSet<String> = models.iter().map(|h| h.grid_code.clone()).collect();
    let grids = crate::regions::names(&db.conn, codes.into_iter().collect()).await?;
    let workers = worker_names(&db.conn, &province, models.iter().filter_map(|h| h.worker_id)).await?;
    let mut policies: HashMap<String, ServicePolicy> = HashMap::new();
    let mut out = Vec::with_capacity(models.len());
    for h in models {
        if !policies.contains_key(&h.community_code) {
            policies.insert(h.community_code.clone(), service_policy(db, &h.community_code, today).await?);
        }
        let tags = shegong_domain::households::split_tags(&h.tags);
        let due = policies[&h.community_code].care_every(&tags).map(|e| care_due(e, h.last_visit_on, h.registered_on));
        out.push(HouseholdRow {
            id: h.id,
            grid_name: grids.get(&h.grid_code).cloned().unwrap_or_default(),
            address: address(&h.building, &h.unit, &h.room),
            building: h.building.clone(),
            unit: h.unit.clone(),
            room: h.room.clone(),
            head_name: masked_name(&h.head_name),
            phone: masked_phone(h.phone.as_deref()),
            members: h.members,
            tags,
            worker_name: h.worker_id.and_then(|w| workers.get(&w).cloned()),
            liaison: h.liaison.as_deref().map(masked_name),
            last_visit_on: h.last_visit_on,
            care_due: due,
            overdue: due.is_some_and(|d| overdue(d, today)),
            grid_code: h.grid_code,
        });
    }
    Ok(out)
}

/// One page of the households the caller reaches, by grid and address, masked; and the total.
pub async fn list(
    db: &Db,
    access: &Access,
    f: &HouseholdFilter,
    page: u64,
    per_page: u64,
    today: NaiveDate,
) -> Result<(Vec<HouseholdRow>, u64)> {
    let reach = Reach::of(access, filter_region(access, f)?.as_ref())?;
    let q = household::Entity::find().filter(condition(&reach, f)?);
    let total = q.clone().count(&db.conn).await?;
    let models = q
        .order_by_asc(household::Column::GridCode)
        .order_by_asc(household::Column::Building)
        .order_by_asc(household::Column::Unit)
        .order_by_asc(household::Column::Room)
        .offset(page.saturating_sub(1).saturating_mul(per_page))
        .limit(per_page)
        .all(&db.conn)
        .await?;
    Ok((rows(db, models, today).await?, total))
}

/// At most this many households in one export (a county's register).
pub const MAX_EXPORT: u64 = 200_000;

/// Every household of the list's filter, masked, for the export.
pub async fn export(db: &Db, access: &Access, f: &HouseholdFilter, today: NaiveDate) -> Result<Vec<HouseholdRow>> {
    Ok(list(db, access, f, 1, MAX_EXPORT, today).await?.0)
}
