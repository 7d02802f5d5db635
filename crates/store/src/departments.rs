//! A county's departments (职能部门): kept by the county's civil-affairs administrators (or the city's
//! and province's above them), each with its remit, the event categories a street may hand it (交办).
//! A `department` user acts for one and sees only the events handed to it.

use crate::Db;
use crate::access::Access;
use crate::entity::{department, event};
use crate::error::{Result, StoreError};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use serde::Deserialize;
use shegong_domain::departments::{covers, join, name, remit, split};
use shegong_domain::{FieldError, Permission, RegionCode, RegionLevel};
use uuid::Uuid;

/// A department as given: its name and the event categories it handles (the keys of the county's
/// event policy); `disabled` only when changing one.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct DepartmentInput {
    /// 新增时：所属县（市、区）区划代码（6位）
    pub county: Option<String>,
    /// 部门名称，如“海宁市住房和城乡建设局”（修改时不填为不变）
    pub name: Option<String>,
    /// 职责范围：事件分类键（含其下级分类；修改时不填为不变）
    pub remit: Option<Vec<String>>,
    /// 停用：不再接受交办，已办的事件和记录保留
    pub disabled: Option<bool>,
}

/// A county in the caller's reach: the caller's region contains it, or lies inside it (a street
/// sees the departments of its county, to hand them events).
fn county_in_reach(access: &Access, county: &str) -> Result<RegionCode> {
    let bad = || StoreError::invalid(FieldError::new("county_invalid", "county", "县（市、区）应为6位区划代码"));
    let code = RegionCode::parse(county.trim()).map_err(|_| bad())?;
    if code.level() != RegionLevel::County {
        return Err(bad());
    }
    if access.scope.department().is_some() {
        return Err(StoreError::NotFound);
    }
    let mine = access.scope.region().as_str();
    if !(code.as_str().starts_with(mine) || mine.starts_with(code.as_str())) {
        return Err(StoreError::NotFound);
    }
    Ok(code)
}

/// The departments of a county, by name (the disabled ones too, marked).
pub async fn of_county(db: &Db, access: &Access, county: &str) -> Result<Vec<department::Model>> {
    access.require(Permission::ViewRegion)?;
    let code = county_in_reach(access, county)?;
    Ok(department::Entity::find()
        .filter(department::Column::ProvinceCode.eq(code.province()))
        .filter(department::Column::CountyCode.eq(code.as_str()))
        .order_by_asc(department::Column::Name)
        .all(&db.conn)
        .await?)
}

/// Every department in the caller's region (a county's administrator: the county's; a city's: its
/// counties'), by county and name: for the choice of a department user's department.
pub async fn in_reach(db: &Db, access: &Access) -> Result<Vec<department::Model>> {
    access.require(Permission::ViewRegion)?;
    let region = access.scope.region();
    let prefix = region.as_str().get(..6).unwrap_or(region.as_str());
    Ok(department::Entity::find()
        .filter(department::Column::ProvinceCode.eq(region.province()))
        .filter(crate::regions::in_subtree(department::Column::CountyCode, prefix))
        .order_by_asc(department::Column::CountyCode)
        .order_by_asc(department::Column::Name)
        .all(&db.conn)
        .await?)
}

/// One department, by id, in the caller's reach (a department user: their own).
pub async fn get(db: &Db, access: &Access, id: Uuid) -> Result<department::Model> {
    let d = find(&db.conn, access.scope.region().province(), id).await?.ok_or(StoreError::NotFound)?;
    match access.scope.department() {
        Some(mine) if mine == d.id => Ok(d),
        Some(_) => Err(StoreError::NotFound),
        None => {
            county_in_reach(access, &d.county_code)?;
            Ok(d)
        }
    }
}

pub(crate) async fn find(db: &impl ConnectionTrait, province: &str, id: Uuid) -> Result<Option<department::Model>> {
    Ok(department::Entity::find_by_id((province.to_string(), id)).one(db).await?)
}

/// A county's department by its name.
pub(crate) async fn named(db: &impl ConnectionTrait, county: &str, name: &str) -> Result<Option<department::Model>> {
    let Ok(code) = RegionCode::parse(county) else { return Ok(None) };
    Ok(department::Entity::find()
        .filter(department::Column::ProvinceCode.eq(code.province()))
        .filter(department::Column::CountyCode.eq(code.as_str()))
        .filter(department::Column::Name.eq(name))
        .one(db)
        .await?)
}

/// The departments an event may be handed to: those of its county in service whose remit covers
/// its category.
pub async fn for_event(db: &Db, access: &Access, e: &event::Model) -> Result<Vec<department::Model>> {
    let all = of_county(db, access, &e.community_code[..6]).await?;
    Ok(all.into_iter().filter(|d| !d.disabled && covers(&split(&d.remit), &e.category)).collect())
}

/// The category keys a county's departments may hold: those of the event policy in force there.
async fn known_categories(db: &Db, county: &str) -> Result<Vec<String>> {
    let policy = crate::events::policy_for(db, county, crate::clock::today()).await?;
    Ok(policy.categories.iter().map(|c| c.key.clone()).collect())
}

/// The name and remit, checked (both given when adding; what is not given when changing is the
/// department's own, `before`).
async fn checked(
    db: &Db,
    county: &str,
    i: &DepartmentInput,
    before: Option<&department::Model>,
) -> Result<(String, Vec<String>)> {
    let given_name = i.name.clone().or_else(|| before.map(|d| d.name.clone())).unwrap_or_default();
    let given_remit = i.remit.clone().or_else(|| before.map(|d| split(&d.remit))).unwrap_or_default();
    let mut errors = Vec::new();
    let n = name(&given_name).map_err(|e| errors.push(e)).ok();
    let known = known_categories(db, county).await?;
    let known: Vec<&str> = known.iter().map(String::as_str).collect();
    let r = remit(given_remit.iter().map(String::as_str), &known).map_err(|e| errors.push(e)).ok();
    match (n, r) {
        (Some(n), Some(r)) => Ok((n, r)),
        _ => Err(StoreError::Invalid(errors)),
    }
}

/// Refused when another department of the county has the same name, spaces, widths and case aside.
async fn name_taken(db: &impl ConnectionTrait, county: &RegionCode, n: &str, other_than: Option<Uuid>) -> Result<()> {
    let key = shegong_domain::departments::same_name_key(n);
    let all = department::Entity::find()
        .filter(department::Column::ProvinceCode.eq(county.province()))
        .filter(department::Column::CountyCode.eq(county.as_str()))
        .all(db)
        .await?;
    let same = all.into_iter().find(|d| shegong_domain::departments::same_name_key(&d.name) == key);
    if same.is_some_and(|d| Some(d.id) != other_than) {
        return Err(StoreError::Conflict(FieldError::new(
            "department_name_taken",
            "name",
            "本县（市、区）已有同名部门",
        )));
    }
    Ok(())
}

/// Adds a department to a county.
pub async fn add(db: &Db, access: &Access, county: &str, i: &DepartmentInput) -> Result<department::Model> {
    access.require(Permission::ManageDepartments)?;
    let code = county_in_reach(access, county)?;
    if !access.scope.allows_region(code.as_str()) {
        return Err(StoreError::NotFound);
    }
    let known = crate::entity::region::Entity::find_by_id(code.to_string()).one(&db.conn).await?;
    if known.is_none_or(|r| r.level != RegionLevel::County.as_str()) {
        return Err(StoreError::invalid(FieldError::new(
            "county_unknown",
            "county",
            format!("没有区划代码为{code}的县（市、区）"),
        )));
    }
    let (n, r) = checked(db, code.as_str(), i, None).await?;
    let txn = db.begin_write().await?;
    Db::lock_province(&txn, code.province()).await?;
    name_taken(&*txn, &code, &n, None).await?;
    let m = department::ActiveModel {
        province_code: Set(code.province().to_string()),
        id: Set(Uuid::now_v7()),
        county_code: Set(code.to_string()),
        name: Set(n),
        remit: Set(join(&r)),
        added_by: Set(access.actor.username.clone()),
        added_at: Set(Utc::now()),
        changed_by: Set(None),
        changed_at: Set(None),
        disabled: Set(false),
    }
    .insert(&*txn)
    .await?;
    crate::audit::entry(&access.actor, "department.add", code.as_str())
        .target(m.id)
        .detail(format!("{}：{}", m.name, m.remit))
        .save(&*txn)
        .await?;
    txn.commit().await?;
    Ok(m)
}

/// Changes a department's name, remit or service (what is not given stays); what it handled stays
/// as it was.
pub async fn update(db: &Db, access: &Access, id: Uuid, i: &DepartmentInput) -> Result<department::Model> {
    access.require(Permission::ManageDepartments)?;
    let before = get(db, access, id).await?;
    let code = RegionCode::parse(&before.county_code).map_err(|_| StoreError::NotFound)?;
    if !access.scope.allows_region(code.as_str()) {
        return Err(StoreError::NotFound);
    }
    // What is not given stays as it was.
    let (n, r) = checked(db, code.as_str(), i, Some(&before)).await?;
    let txn = db.begin_write().await?;
    Db::lock_province(&txn, code.province()).await?;
    name_taken(&*txn, &code, &n, Some(id)).await?;
    let d = find(&*txn, code.province(), id).await?.ok_or(StoreError::NotFound)?;
    let mut a = d.clone().into_active_model();
    a.name = Set(n);
    a.remit = Set(join(&r));
    a.disabled = Set(i.disabled.unwrap_or(d.disabled));
    a.changed_by = Set(Some(access.actor.username.clone()));
    a.changed_at = Set(Some(Utc::now()));
    let m = a.update(&*txn).await?;
    crate::audit::entry(&access.actor, "department.update", code.as_str())
        .target(m.id)
        .detail(format!("{}：{}{}", m.name, m.remit, if m.disabled { "（停用）" } else { "" }))
        .save(&*txn)
        .await?;
    txn.commit().await?;
    Ok(m)
}

/// The names of departments by id (as strings, the way events name their handler).
pub async fn names(db: &impl ConnectionTrait, province: &str, ids: &[Uuid]) -> Result<Vec<(String, String)>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    Ok(department::Entity::find()
        .filter(department::Column::ProvinceCode.eq(province))
        .filter(department::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.id.to_string(), d.name))
        .collect())
}

/// What each department of a county has in hand now: events handed to it and not yet reported
/// back (在办), and of those the ones past their handling limit (超期), by department id.
pub async fn workload(db: &Db, access: &Access, county: &str) -> Result<std::collections::HashMap<Uuid, (i64, i64)>> {
    use sea_orm::QuerySelect;
    use sea_orm::sea_query::{Expr, ExprTrait};
    let ids: Vec<Uuid> = of_county(db, access, county).await?.into_iter().map(|d| d.id).collect();
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let late = Expr::case(event::Column::HandleDue.lt(Utc::now()), 1).finally(0);
    let rows: Vec<(Option<String>, i64, Option<i64>)> = event::Entity::find()
        .select_only()
        .column(event::Column::HandlerCode)
        .column_as(Expr::col(event::Column::Id).count(), "open")
        .column_as(late.sum(), "overdue")
        .filter(event::Column::ProvinceCode.eq(&county[..2]))
        .filter(event::Column::HandlerKind.eq(crate::events::HANDLER_DEPARTMENT))
        .filter(event::Column::HandlerCode.is_in(ids.iter().map(Uuid::to_string)))
        .filter(event::Column::State.eq(shegong_domain::events::EventState::Assigned.as_str()))
        .group_by(event::Column::HandlerCode)
        .into_tuple()
        .all(&db.conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(code, open, late)| Some((code?.parse().ok()?, (open, late.unwrap_or(0)))))
        .collect())
}
