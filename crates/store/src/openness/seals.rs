//! 印章使用登记: every use of the community's seal — day, purpose, the document sealed, who approved
//! it — and the uses counted per month for each community (each child region above a street).

use super::{child_of, day, region_in};
use crate::Db;
use crate::access::Access;
use crate::entity::seal_use;
use crate::error::{Result, StoreError};
use crate::regions::in_subtree;
use crate::work_items::{community, display_name, text};
use chrono::{Datelike, NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde::{Deserialize, Serialize};
use shegong_domain::{FieldError, Permission, RegionCode};
use std::collections::BTreeMap;
use uuid::Uuid;

#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct SealInput {
    /// 社区代码（社区的人员省略）
    pub community: Option<String>,
    /// 用印日期 YYYY-MM-DD（默认今天；最早一年前）
    pub date: Option<String>,
    /// 用途（最多100字）
    pub purpose: String,
    /// 用印文件（最多100字）
    pub document: String,
    /// 审批人（最多40字）
    pub approver: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SealRow {
    pub id: Uuid,
    pub community_name: String,
    pub used_on: NaiveDate,
    pub purpose: String,
    pub document: String,
    pub approver: String,
    pub recorded_by: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SealReport {
    pub region_code: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub total: u64,
    /// The months of the period, `2026-11`.
    pub months: Vec<String>,
    /// Per child region (per community below a street): code, name, uses per month, total.
    pub monthly: Vec<(String, String, Vec<u64>, u64)>,
    /// Newest first, at most `per_page`.
    pub rows: Vec<SealRow>,
}

/// Records one use of the seal.
pub async fn record_seal(db: &Db, access: &Access, i: &SealInput, today: NaiveDate) -> Result<seal_use::Model> {
    if !access.role.may(Permission::ServeResidents) || access.scope.department().is_some() {
        return Err(StoreError::Forbidden("印章使用由社区工作人员登记"));
    }
    let c = community(db, access, i.community.as_deref()).await?;
    let mut errors = Vec::new();
    let used_on = day(i.date.as_deref(), "date", "用印日期", today).map_err(|e| errors.push(e)).ok();
    if let Some(d) = used_on
        && (d > today || d < today - chrono::Duration::days(365))
    {
        errors.push(FieldError::new("seal_date", "date", "用印日期应在一年内且不晚于今天"));
    }
    let mut need = |v: &str, field: &'static str, label: &str, max| {
        let t = text(Some(v), field, label, max, &mut errors);
        if t.is_none() && !errors.iter().any(|e| e.field == field) {
            errors.push(FieldError::new("seal_required", field, format!("请填写{label}")));
        }
        t
    };
    let purpose = need(&i.purpose, "purpose", "用途", 100);
    let document = need(&i.document, "document", "用印文件", 100);
    let approver = need(&i.approver, "approver", "审批人", 40);
    let (Some(used_on), Some(purpose), Some(document), Some(approver), true) =
        (used_on, purpose, document, approver, errors.is_empty())
    else {
        return Err(StoreError::Invalid(errors));
    };
    let by = display_name(db, access).await?;
    let txn = db.begin_write().await?;
    crate::Db::lock_province(&txn, c.province()).await?;
    let m = seal_use::ActiveModel {
        province_code: Set(c.province().to_string()),
        id: Set(Uuid::now_v7()),
        community_code: Set(c.to_string()),
        used_on: Set(used_on),
        purpose: Set(purpose),
        document: Set(document),
        approver: Set(approver),
        recorded_by: Set(by),
        created_at: Set(Utc::now()),
    }
    .insert(&*txn)
    .await?;
    crate::audit::entry(&access.actor, "seal.use", c.as_str())
        .target(m.id)
        .detail(m.document.clone())
        .save(&*txn)
        .await?;
    txn.commit().await?;
    Ok(m)
}

/// The seal uses in `region` between two days: counted per month and child, and the newest listed.
pub async fn seals(
    db: &Db,
    access: &Access,
    region: Option<&RegionCode>,
    from: NaiveDate,
    to: NaiveDate,
    per_page: u64,
) -> Result<SealReport> {
    let r = region_in(access, region)?;
    if (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32 >= 120 {
        return Err(super::bad("seal_period", "from", "统计期间最长10年"));
    }
    let q = seal_use::Entity::find()
        .filter(seal_use::Column::ProvinceCode.eq(r.province()))
        .filter(in_subtree(seal_use::Column::CommunityCode, r.as_str()))
        .filter(seal_use::Column::UsedOn.between(from, to));
    let days: Vec<(String, NaiveDate)> = q
        .clone()
        .select_only()
        .column(seal_use::Column::CommunityCode)
        .column(seal_use::Column::UsedOn)
        .into_tuple()
        .all(&db.conn)
        .await?;
    let mut months = Vec::new();
    let mut m = NaiveDate::from_ymd_opt(from.year(), from.month(), 1).unwrap_or(from);
    while m <= to {
        months.push(m);
        m = m.checked_add_months(chrono::Months::new(1)).unwrap_or(to);
    }
    let mut per: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for (code, d) in &days {
        let month = NaiveDate::from_ymd_opt(d.year(), d.month(), 1).unwrap_or(*d);
        if let Ok(k) = months.binary_search(&month) {
            per.entry(child_of(r.as_str(), code)).or_insert_with(|| vec![0; months.len()])[k] += 1;
        }
    }
    let found = q
        .order_by_desc(seal_use::Column::UsedOn)
        .order_by_desc(seal_use::Column::CreatedAt)
        .limit(per_page.clamp(1, 1000))
        .all(&db.conn)
        .await?;
    let mut codes: Vec<String> = per.keys().cloned().collect();
    codes.extend(found.iter().map(|s| s.community_code.clone()));
    let names = crate::regions::names(&db.conn, codes).await?;
    let name = |c: &str| names.get(c).cloned().unwrap_or_else(|| c.to_string());
    Ok(SealReport {
        region_code: r.to_string(),
        from,
        to,
        total: days.len() as u64,
        months: months.iter().map(|m| format!("{}-{:02}", m.year(), m.month())).collect(),
        monthly: per
            .into_iter()
            .map(|(c, v)| (name(&c), c, v.iter().sum(), v))
            .map(|(n, c, t, v)| (c, n, v, t))
            .collect(),
        rows: found
            .into_iter()
            .map(|s| SealRow {
                id: s.id,
                community_name: name(&s.community_code),
                used_on: s.used_on,
                purpose: s.purpose,
                document: s.document,
                approver: s.approver,
                recorded_by: s.recorded_by,
            })
            .collect(),
    })
}
