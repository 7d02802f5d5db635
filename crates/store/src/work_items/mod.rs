//! 减负清单: the lists a county (or a city or the province) keeps of what streets and communities do
//! and may be asked to do — 街道职责, 社区依法履职, 协助政府工作, 出具证明 and the 小微权力清单 — each
//! item in force from a day, inherited down the tree (a community's list is its county's, city's and
//! province's items in force that day); an item leaves the list on a day, its history kept. A county
//! replaces a whole list from a day by importing a file. A community issues proofs only from its list.

mod admissions;
mod import;
mod proofs;

pub use admissions::{
    AdmissionInput, DecisionInput, DemandFigures, DemandInput, admissions, apply, decide, demand_figures, record_demand,
};
pub use import::{HEADINGS as ITEM_HEADINGS, ItemImport, import};
pub use proofs::{ProofInput, ProofReport, ProofRow, get_proof, issue, proofs};
pub(crate) use proofs::{community, display_name};

use crate::Db;
use crate::access::Access;
use crate::entity::work_item;
use crate::error::{Result, StoreError};
use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use shegong_domain::work_items::{ListKind, lists_sentence};
use shegong_domain::{FieldError, Permission, RegionCode, RegionLevel};

#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[schema(as = WorkItemInput)]
#[serde(default)]
pub struct ItemInput {
    /// 清单所属区划（县及以上；默认本辖区）
    pub region: Option<String>,
    /// street_duty | committee_duty | assistance | proof | micro_power
    pub list: String,
    /// 事项名称（最多100字）
    pub title: String,
    /// 法律依据
    pub basis: Option<String>,
    /// 责任部门
    pub department: Option<String>,
    /// 经费保障（协助政府工作事项：费随事转）
    pub funding: Option<String>,
    /// 所需材料（出具证明事项）
    pub documents: Option<String>,
    /// 办理流程（小微权力）
    pub procedure: Option<String>,
    /// 起始日期 YYYY-MM-DD（默认今天）
    pub from: Option<String>,
}

/// One item as a list shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ItemRow {
    #[serde(flatten)]
    pub item: work_item::Model,
    pub list_label: String,
    /// The region whose list it is.
    pub region_name: String,
}

/// The lists in force for a region on a day.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ListView {
    pub region_code: String,
    pub on: NaiveDate,
    pub items: Vec<ItemRow>,
    /// Items on each list: (清单, 项数).
    pub counts: Vec<(String, u64)>,
    /// "明确规定街道职责清单N项……"
    pub sentence: String,
}

/// A region and every region above it: "330481001001" → 33, 3304, 330481, 330481001, 330481001001.
pub(crate) fn chain(code: &str) -> Vec<String> {
    [2, 4, 6, 9, 12].into_iter().filter(|n| *n <= code.len()).map(|n| code[..n].to_string()).collect()
}

/// The items in force on `on` for `region` (every list, or one), its own and those above it.
pub(crate) async fn in_force_items(
    db: &impl ConnectionTrait,
    region: &str,
    list: Option<ListKind>,
    on: NaiveDate,
) -> Result<Vec<work_item::Model>> {
    let mut q = work_item::Entity::find()
        .filter(work_item::Column::ProvinceCode.eq(&region[..2]))
        .filter(work_item::Column::RegionCode.is_in(chain(region)))
        .filter(work_item::Column::FromOn.lte(on))
        .filter(Condition::any().add(work_item::Column::ToOn.is_null()).add(work_item::Column::ToOn.gt(on)));
    if let Some(l) = list {
        q = q.filter(work_item::Column::List.eq(l.as_str()));
    }
    Ok(q.order_by_asc(work_item::Column::List)
        .order_by_asc(work_item::Column::RegionCode)
        .order_by_asc(work_item::Column::Seq)
        .all(db)
        .await?)
}

fn region_of(access: &Access, region: Option<&RegionCode>) -> Result<RegionCode> {
    let r = region.cloned().unwrap_or_else(|| access.scope.region().clone());
    if !access.scope.allows_region(r.as_str()) {
        return Err(StoreError::NotFound);
    }
    Ok(r)
}

/// The lists in force for `region` (the caller's own by default) on `on`: every list, or one.
pub async fn lists(
    db: &Db,
    access: &Access,
    region: Option<&RegionCode>,
    list: Option<ListKind>,
    on: NaiveDate,
) -> Result<ListView> {
    let region = region_of(access, region)?;
    let all = in_force_items(&db.conn, region.as_str(), None, on).await?;
    let counts: Vec<(ListKind, u64)> =
        ListKind::ALL.into_iter().map(|k| (k, all.iter().filter(|i| i.list == k.as_str()).count() as u64)).collect();
    let names = crate::regions::names(&db.conn, chain(region.as_str())).await?;
    let items = all
        .into_iter()
        .filter(|i| list.is_none_or(|l| i.list == l.as_str()))
        .map(|item| ItemRow {
            list_label: ListKind::parse(&item.list).map_or("", ListKind::label).to_string(),
            region_name: names.get(&item.region_code).cloned().unwrap_or_default(),
            item,
        })
        .collect();
    Ok(ListView {
        region_code: region.to_string(),
        on,
        items,
        sentence: lists_sentence(&counts),
        counts: counts.into_iter().map(|(k, n)| (k.label().to_string(), n)).collect(),
    })
}

/// Text as typed: trimmed, at most `max` characters, no control characters (`None` when empty).
pub(crate) fn text(
    v: Option<&str>,
    field: &'static str,
    label: &str,
    max: usize,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    let t = shegong_domain::households::clean(v?);
    let t = t.trim();
    if t.is_empty() {
        return None;
    }
    if t.chars().count() > max || shegong_domain::events::has_control(t) {
        errors.push(FieldError::new("work_text", field, format!("{label}最多{max}字，且不能含控制字符")));
        return None;
    }
    Some(t.to_string())
}

/// The region a list is kept for: a county or above, in the caller's scope.
pub(crate) fn list_region(access: &Access, typed: Option<&str>) -> Result<RegionCode> {
    let r = match typed.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => RegionCode::parse(s).map_err(StoreError::invalid)?,
        None => access.scope.region().clone(),
    };
    if !access.scope.allows_region(r.as_str()) {
        return Err(StoreError::NotFound);
    }
    if !matches!(r.level(), RegionLevel::Province | RegionLevel::City | RegionLevel::County) {
        return Err(StoreError::invalid(FieldError::new("work_region", "region", "清单由县（市、区）及以上制定")));
    }
    Ok(r)
}

/// A list's day within reason: from 1990 to five years ahead.
pub(crate) fn in_reach(field: &'static str, label: &str, d: NaiveDate, today: NaiveDate) -> Result<()> {
    let first = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap_or(d);
    if d < first || d > today + chrono::Duration::days(5 * 366) {
        return Err(StoreError::invalid(FieldError::new(
            "work_day",
            field,
            format!("{label}应在1990年至今后五年之间"),
        )));
    }
    Ok(())
}

/// Adds an item to a region's list from a day (its place: the list's last).
pub async fn add(db: &Db, access: &Access, i: &ItemInput, today: NaiveDate) -> Result<work_item::Model> {
    access.require(Permission::ManageWorkItems)?;
    let region = list_region(access, i.region.as_deref())?;
    let mut errors = Vec::new();
    let list = ListKind::parse_field(&i.list).map_err(|e| errors.push(e)).ok();
    let title = text(Some(&i.title), "title", "事项名称", 100, &mut errors);
    if title.is_none() && !errors.iter().any(|e| e.field == "title") {
        errors.push(FieldError::new("work_title", "title", "请填写事项名称"));
    }
    let basis = text(i.basis.as_deref(), "basis", "法律依据", 500, &mut errors);
    let department = text(i.department.as_deref(), "department", "责任部门", 50, &mut errors);
    let funding = text(i.funding.as_deref(), "funding", "经费保障", 100, &mut errors);
    let documents = text(i.documents.as_deref(), "documents", "所需材料", 500, &mut errors);
    let procedure = text(i.procedure.as_deref(), "procedure", "办理流程", 1000, &mut errors);
    let from = match i.from.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(today),
        Some(s) => shegong_domain::worker::parse_date("from", "起始日期", s).map_err(|e| errors.push(e)).ok(),
    };
    if let Some(d) = from
        && let Err(StoreError::Invalid(e)) = in_reach("from", "起始日期", d, today)
    {
        errors.extend(e);
    }
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let (Some(list), Some(title), Some(from)) = (list, title, from) else {
        return Err(StoreError::invalid(FieldError::new("work_title", "title", "请填写事项名称")));
    };
    let province = region.province().to_string();
    let txn = db.begin_write().await?;
    Db::lock_province(&txn, &province).await?;
    let last: Option<i32> = work_item::Entity::find()
        .select_only()
        .column_as(work_item::Column::Seq.max(), "m")
        .filter(work_item::Column::ProvinceCode.eq(&province))
        .filter(work_item::Column::RegionCode.eq(region.as_str()))
        .filter(work_item::Column::List.eq(list.as_str()))
        .into_tuple::<Option<i32>>()
        .one(&*txn)
        .await?
        .flatten();
    let m = work_item::ActiveModel {
        province_code: Set(province),
        id: Set(uuid::Uuid::now_v7()),
        region_code: Set(region.to_string()),
        list: Set(list.as_str().into()),
        seq: Set(last.unwrap_or(0) + 1),
        title: Set(title.clone()),
        basis: Set(basis),
        department: Set(department),
        funding: Set(funding),
        documents: Set(documents),
        procedure: Set(procedure),
        example: Set(false),
        from_on: Set(from),
        to_on: Set(None),
        created_by: Set(access.actor.username.clone()),
        created_at: Set(Utc::now()),
    }
    .insert(&*txn)
    .await?;
    crate::audit::entry(&access.actor, "work_item.add", region.as_str())
        .target(m.id)
        .detail(format!("{}：{title}（{from}起）", list.label()))
        .save(&*txn)
        .await?;
    txn.commit().await?;
    Ok(m)
}

/// Takes an item off its list from `on` (it stays in the history); a day still to come may be moved.
pub async fn end(db: &Db, access: &Access, id: uuid::Uuid, on: &str, today: NaiveDate) -> Result<work_item::Model> {
    access.require(Permission::ManageWorkItems)?;
    let on = shegong_domain::worker::parse_date("to", "移出日期", on).map_err(StoreError::invalid)?;
    in_reach("to", "移出日期", on, today)?;
    let province = access.scope.region().province().to_string();
    let txn = db.begin_write().await?;
    Db::lock_province(&txn, &province).await?;
    let item = work_item::Entity::find()
        .filter(work_item::Column::ProvinceCode.eq(&province))
        .filter(work_item::Column::Id.eq(id))
        .one(&*txn)
        .await?
        .filter(|i| access.scope.allows_region(&i.region_code))
        .ok_or(StoreError::NotFound)?;
    if item.to_on.is_some_and(|t| t <= today) {
        return Err(StoreError::Conflict(FieldError::new("work_item_ended", "to", "该事项已移出清单")));
    }
    if on <= item.from_on {
        return Err(StoreError::invalid(FieldError::new(
            "work_item_to",
            "to",
            format!("移出日期应晚于起始日期（{}）", item.from_on),
        )));
    }
    let title = item.title.clone();
    let mut am = item.into_active_model();
    am.to_on = Set(Some(on));
    let m = am.update(&*txn).await?;
    crate::audit::entry(&access.actor, "work_item.end", &m.region_code)
        .target(m.id)
        .detail(format!("{title}（{on}起移出）"))
        .save(&*txn)
        .await?;
    txn.commit().await?;
    Ok(m)
}
