//! 准入: a department (a user bound to a county's department) applies to have communities take on a
//! task — what, the legal basis, which communities, for how long, the staff and money that come with
//! it — and the county (its civil-affairs admin, for the coordinating body) approves it, when it joins
//! the county's 协助政府工作事项清单 from its first day, or refuses it with a reason. A community records
//! every demand it receives that was never admitted (a task, a meeting, a ledger, a report, a 责任状);
//! the county sees them counted per department.

use super::text;
use crate::Db;
use crate::access::Access;
use crate::entity::{admission, demand, department, work_item};
use crate::error::{Result, StoreError};
use crate::regions::in_subtree;
use chrono::{Datelike, NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set};
use serde::{Deserialize, Serialize};
use shegong_domain::work_items::{AdmissionState, DemandKind, ListKind, may_decide};
use shegong_domain::{FieldError, Permission, RegionCode, RegionLevel};
use std::collections::BTreeMap;
use uuid::Uuid;

#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct AdmissionInput {
    /// 事项（最多100字）
    pub title: String,
    /// 法律依据
    pub basis: Option<String>,
    /// 涉及的社区代码（空：本县全部社区）
    pub communities: Vec<String>,
    /// 起始日期 YYYY-MM-DD
    pub from: String,
    /// 截止日期 YYYY-MM-DD（空：长期）
    pub to: Option<String>,
    /// 随事项配备的人员（人随事动）
    pub staff: Option<String>,
    /// 随事项拨付的经费（费随事转）
    pub funding: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct DecisionInput {
    /// 不予准入的理由（拒绝时必填）
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct DemandInput {
    /// 社区代码（社区的人员省略）
    pub community: Option<String>,
    /// 提出要求的部门或单位
    pub department: String,
    /// 要求的内容
    pub what: String,
    /// task | meeting | ledger | report | pledge（工作任务、会议、台账、报表、责任状）
    pub kind: String,
    /// 日期 YYYY-MM-DD（默认今天）
    pub date: Option<String>,
}

/// Demands not admitted, per department (and kind) in a region.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DemandFigures {
    pub region_code: String,
    pub total: u64,
    /// (部门, 工作任务, 会议, 台账, 报表, 责任状, 合计), the most first.
    pub by_department: Vec<(String, [u64; 5], u64)>,
    /// Applications in the county: (状态, 件数).
    pub admissions: Vec<(String, u64)>,
    /// The demands per month of the period, oldest first: (`2026-11`, 件数).
    pub by_month: Vec<(String, u64)>,
}

fn bad(code: &'static str, field: &'static str, m: impl Into<String>) -> StoreError {
    StoreError::invalid(FieldError::new(code, field, m))
}

fn date(v: &str, field: &'static str, label: &str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    shegong_domain::worker::parse_date(field, label, v).map_err(|e| errors.push(e)).ok()
}

/// A department applies.
pub async fn apply(db: &Db, access: &Access, i: &AdmissionInput) -> Result<admission::Model> {
    let Some(dept_id) = access.scope.department() else {
        return Err(StoreError::Forbidden("准入申请由职能部门提出"));
    };
    let county = access.scope.region().clone();
    let dept = department::Entity::find()
        .filter(department::Column::ProvinceCode.eq(county.province()))
        .filter(department::Column::Id.eq(dept_id))
        .one(&db.conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    let mut errors = Vec::new();
    let title = text(Some(&i.title), "title", "事项", 100, &mut errors);
    if title.is_none() && !errors.iter().any(|e| e.field == "title") {
        errors.push(FieldError::new("admission_title", "title", "请填写申请准入的事项"));
    }
    let basis = text(i.basis.as_deref(), "basis", "法律依据", 500, &mut errors);
    let staff = text(i.staff.as_deref(), "staff", "配备人员", 100, &mut errors);
    let funding = text(i.funding.as_deref(), "funding", "经费", 100, &mut errors);
    let from = date(&i.from, "from", "起始日期", &mut errors);
    let to = match i.to.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(t) => date(t, "to", "截止日期", &mut errors),
        None => None,
    };
    if let (Some(f), Some(t)) = (from, to)
        && t <= f
    {
        errors.push(FieldError::new("admission_to", "to", "截止日期应晚于起始日期"));
    }
    let mut communities = Vec::new();
    for c in i.communities.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        match RegionCode::parse(c) {
            Ok(r) if r.level() == RegionLevel::Community && county.contains(r.as_str()) => {
                communities.push(r.to_string())
            }
            _ => {
                errors.push(FieldError::new("admission_communities", "communities", format!("“{c}”不是本县的社区")));
                break;
            }
        }
    }
    if communities.len() > 2000 {
        errors.push(FieldError::new("admission_communities", "communities", "社区最多2000个"));
    }
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let (Some(title), Some(from)) = (title, from) else {
        return Err(bad("admission_title", "title", "请填写申请准入的事项"));
    };
    communities.sort();
    communities.dedup();
    let txn = db.begin_write().await?;
    Db::lock_province(&txn, county.province()).await?;
    let m = admission::ActiveModel {
        province_code: Set(county.province().to_string()),
        id: Set(Uuid::now_v7()),
        county_code: Set(county.as_str()[..6.min(county.as_str().len())].to_string()),
        department_id: Set(dept.id),
        department_name: Set(dept.name.clone()),
        title: Set(title.clone()),
        basis: Set(basis),
        communities: Set(if communities.is_empty() { "全部".into() } else { communities.join(",") }),
        from_on: Set(from),
        to_on: Set(to),
        staff: Set(staff),
        funding: Set(funding),
        state: Set(AdmissionState::Pending.as_str().into()),
        reason: Set(None),
        item_id: Set(None),
        applied_by: Set(access.actor.username.clone()),
        applied_at: Set(Utc::now()),
        decided_by: Set(None),
        decided_at: Set(None),
    }
    .insert(&*txn)
    .await?;
    crate::audit::entry(&access.actor, "admission.apply", &m.county_code)
        .target(m.id)
        .detail(format!("{}：{title}", dept.name))
        .save(&*txn)
        .await?;
    txn.commit().await?;
    Ok(m)
}

/// The county approves (the task joins its 协助 list from the application's first day) or refuses.
pub async fn decide(db: &Db, access: &Access, id: Uuid, approve: bool, i: &DecisionInput) -> Result<admission::Model> {
    access.require(Permission::ManageWorkItems)?;
    let mut errors = Vec::new();
    let reason = text(i.reason.as_deref(), "reason", "理由", 500, &mut errors);
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    if !approve && reason.is_none() {
        return Err(bad("admission_reason", "reason", "请填写不予准入的理由"));
    }
    let province = access.scope.region().province().to_string();
    let txn = db.begin_write().await?;
    Db::lock_province(&txn, &province).await?;
    let a = admission::Entity::find()
        .filter(admission::Column::ProvinceCode.eq(&province))
        .filter(admission::Column::Id.eq(id))
        .one(&*txn)
        .await?
        .filter(|a| access.scope.allows_region(&a.county_code) && access.scope.department().is_none())
        .ok_or(StoreError::NotFound)?;
    may_decide(AdmissionState::parse(&a.state).unwrap_or(AdmissionState::Pending)).map_err(StoreError::Conflict)?;
    let now = Utc::now();
    let mut item = None;
    if approve {
        let last: Option<i32> = work_item::Entity::find()
            .select_only()
            .column_as(work_item::Column::Seq.max(), "m")
            .filter(work_item::Column::ProvinceCode.eq(&province))
            .filter(work_item::Column::RegionCode.eq(&a.county_code))
            .filter(work_item::Column::List.eq(ListKind::Assistance.as_str()))
            .into_tuple::<Option<i32>>()
            .one(&*txn)
            .await?
            .flatten();
        let m = work_item::ActiveModel {
            province_code: Set(province.clone()),
            id: Set(Uuid::now_v7()),
            region_code: Set(a.county_code.clone()),
            list: Set(ListKind::Assistance.as_str().into()),
            seq: Set(last.unwrap_or(0) + 1),
            title: Set(a.title.clone()),
            basis: Set(a.basis.clone()),
            department: Set(Some(a.department_name.clone())),
            funding: Set(a.funding.clone()),
            documents: Set(None),
            procedure: Set(None),
            example: Set(false),
            from_on: Set(a.from_on),
            to_on: Set(a.to_on),
            created_by: Set(access.actor.username.clone()),
            created_at: Set(now),
        }
        .insert(&*txn)
        .await?;
        item = Some(m.id);
    }
    let (title, county) = (a.title.clone(), a.county_code.clone());
    let mut am = a.into_active_model();
    am.state = Set(if approve { AdmissionState::Approved } else { AdmissionState::Refused }.as_str().into());
    am.reason = Set(reason.clone());
    am.item_id = Set(item);
    am.decided_by = Set(Some(access.actor.username.clone()));
    am.decided_at = Set(Some(now));
    let m = am.update(&*txn).await?;
    let action = if approve { "admission.approve" } else { "admission.refuse" };
    crate::audit::entry(&access.actor, action, &county)
        .target(m.id)
        .detail(match reason {
            Some(r) => format!("{title}：{r}"),
            None => title,
        })
        .save(&*txn)
        .await?;
    txn.commit().await?;
    Ok(m)
}

/// The applications of the caller's county (a department: its own), newest first.
pub async fn admissions(db: &Db, access: &Access, state: Option<AdmissionState>) -> Result<Vec<admission::Model>> {
    let r = access.scope.region();
    if access.scope.only_worker().is_some() && access.scope.department().is_none() {
        return Err(StoreError::Forbidden(Permission::ViewRegion.refusal()));
    }
    let county = &r.as_str()[..r.as_str().len().min(6)];
    let mut q = admission::Entity::find().filter(admission::Column::ProvinceCode.eq(r.province()));
    q = if r.as_str().len() <= 6 {
        q.filter(in_subtree(admission::Column::CountyCode, r.as_str()))
    } else {
        // A street or a community reads its county's decisions.
        q.filter(admission::Column::CountyCode.eq(county))
    };
    if let Some(d) = access.scope.department() {
        q = q.filter(admission::Column::DepartmentId.eq(d));
    }
    if let Some(s) = state {
        q = q.filter(admission::Column::State.eq(s.as_str()));
    }
    Ok(q.order_by_desc(admission::Column::AppliedAt).limit(1000).all(&db.conn).await?)
}

/// A community records a demand it received that was never admitted.
pub async fn record_demand(db: &Db, access: &Access, i: &DemandInput, today: NaiveDate) -> Result<demand::Model> {
    access.require(Permission::ServeResidents)?;
    if access.scope.department().is_some() {
        return Err(StoreError::Forbidden(Permission::ServeResidents.refusal()));
    }
    let own = access.scope.region();
    let c = if own.level() == RegionLevel::Community {
        own.clone()
    } else {
        match RegionCode::parse(i.community.as_deref().unwrap_or_default().trim()) {
            Ok(c) if c.level() == RegionLevel::Community && access.scope.allows_region(c.as_str()) => c,
            _ => return Err(bad("demand_community", "community", "请选择本辖区内的社区")),
        }
    };
    let mut errors = Vec::new();
    let dept = text(Some(&i.department), "department", "提出部门", 50, &mut errors);
    if dept.is_none() && !errors.iter().any(|e| e.field == "department") {
        errors.push(FieldError::new("demand_department", "department", "请填写提出要求的部门或单位"));
    }
    let what = text(Some(&i.what), "what", "内容", 100, &mut errors);
    if what.is_none() && !errors.iter().any(|e| e.field == "what") {
        errors.push(FieldError::new("demand_what", "what", "请填写要求的内容"));
    }
    let kind = DemandKind::parse(&i.kind);
    if kind.is_none() {
        errors.push(FieldError::new("demand_kind", "kind", "类别应为工作任务、会议、台账、报表或责任状"));
    }
    let on = match i.date.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(today),
        Some(s) => match date(s, "date", "日期", &mut errors) {
            Some(d) if d > today => {
                errors.push(FieldError::new("demand_date", "date", "日期不能晚于今天"));
                None
            }
            d => d,
        },
    };
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let (Some(dept), Some(what), Some(kind), Some(on)) = (dept, what, kind, on) else {
        return Err(bad("demand_what", "what", "请填写要求的内容"));
    };
    let txn = db.begin_write().await?;
    Db::lock_province(&txn, c.province()).await?;
    let m = demand::ActiveModel {
        province_code: Set(c.province().to_string()),
        id: Set(Uuid::now_v7()),
        community_code: Set(c.to_string()),
        department_name: Set(dept),
        what: Set(what),
        kind: Set(kind.as_str().into()),
        asked_on: Set(on),
        recorded_by: Set(access.actor.username.clone()),
        recorded_at: Set(Utc::now()),
    }
    .insert(&*txn)
    .await?;
    crate::audit::entry(&access.actor, "demand.record", c.as_str())
        .target(m.id)
        .detail(format!("{}：{}（{}）", m.department_name, m.what, kind.label()))
        .save(&*txn)
        .await?;
    txn.commit().await?;
    Ok(m)
}

/// The demands not admitted in a region between two days, per department and kind, and the county's
/// applications by state.
pub async fn demand_figures(
    db: &Db,
    access: &Access,
    region: Option<&RegionCode>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<DemandFigures> {
    if access.scope.department().is_some() {
        return Err(StoreError::Forbidden(Permission::ViewRegion.refusal()));
    }
    let r = region.cloned().unwrap_or_else(|| access.scope.region().clone());
    if !access.scope.allows_region(r.as_str()) {
        return Err(StoreError::NotFound);
    }
    let rows: Vec<(String, String, NaiveDate)> = demand::Entity::find()
        .select_only()
        .column(demand::Column::DepartmentName)
        .column(demand::Column::Kind)
        .column(demand::Column::AskedOn)
        .filter(demand::Column::ProvinceCode.eq(r.province()))
        .filter(in_subtree(demand::Column::CommunityCode, r.as_str()))
        .filter(demand::Column::AskedOn.between(from, to))
        .into_tuple()
        .all(&db.conn)
        .await?;
    let mut by: BTreeMap<String, [u64; 5]> = BTreeMap::new();
    let mut by_month: BTreeMap<String, u64> = BTreeMap::new();
    let mut m = NaiveDate::from_ymd_opt(from.year(), from.month(), 1).unwrap_or(from);
    while m <= to && by_month.len() < 240 {
        by_month.insert(m.format("%Y-%m").to_string(), 0);
        m = m.checked_add_months(chrono::Months::new(1)).unwrap_or(to);
    }
    for (_, _, day) in &rows {
        *by_month.entry(day.format("%Y-%m").to_string()).or_default() += 1;
    }
    for (d, k, _) in &rows {
        let i = DemandKind::ALL.iter().position(|x| x.as_str() == k).unwrap_or(0);
        by.entry(d.clone()).or_default()[i] += 1;
    }
    let mut by_department: Vec<(String, [u64; 5], u64)> = by.into_iter().map(|(d, c)| (d, c, c.iter().sum())).collect();
    by_department.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
    let states: Vec<String> = if r.as_str().len() <= 6 {
        admission::Entity::find()
            .select_only()
            .column(admission::Column::State)
            .filter(admission::Column::ProvinceCode.eq(r.province()))
            .filter(in_subtree(admission::Column::CountyCode, r.as_str()))
            .into_tuple()
            .all(&db.conn)
            .await?
    } else {
        Vec::new()
    };
    Ok(DemandFigures {
        region_code: r.to_string(),
        total: rows.len() as u64,
        by_department,
        admissions: AdmissionState::ALL
            .iter()
            .map(|s| (s.label().to_string(), states.iter().filter(|x| x.as_str() == s.as_str()).count() as u64))
            .collect(),
        by_month: by_month.into_iter().collect(),
    })
}
