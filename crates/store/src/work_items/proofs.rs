//! 出具证明: a community issues a proof only for an item of its 出具证明事项清单 in force — numbered in the
//! community's year (江丰社区证〔2026〕0007号), the applicant kept (masked outside the community) —
//! and anything else is refused "该事项不在出具证明事项清单内", the refusal counted.

use super::{in_force_items, text};
use crate::Db;
use crate::access::Access;
use crate::entity::{proof, proof_refusal};
use crate::error::{Result, StoreError};
use crate::regions::in_subtree;
use chrono::{Datelike, NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde::{Deserialize, Serialize};
use shegong_domain::work_items::{ListKind, PROOF_NOT_LISTED, proof_number};
use shegong_domain::{FieldError, Permission, RegionCode, RegionLevel};
use uuid::Uuid;

#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ProofInput {
    /// 社区代码（社区的人员省略）
    pub community: Option<String>,
    /// 清单中的证明事项
    pub item_id: Option<Uuid>,
    /// 不在清单中的事项（如实登记被要求出具的内容；将被拒绝并计数）
    pub asked: Option<String>,
    /// 申请人（最多40字）
    pub applicant: String,
    /// 用途（最多100字）
    pub purpose: Option<String>,
}

/// One proof as a register shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProofRow {
    pub id: Uuid,
    pub number: String,
    pub community_code: String,
    pub community_name: String,
    pub item_title: String,
    /// Masked (张*) outside the community.
    pub applicant: String,
    pub purpose: Option<String>,
    pub issued_on: NaiveDate,
    pub issued_by: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProofReport {
    pub region_code: String,
    pub issued: u64,
    pub refused: u64,
    /// Newest first, at most `per_page`.
    pub rows: Vec<ProofRow>,
}

/// The community a proof (a seal use, a disclosure) is recorded in: the caller's own, or one typed
/// inside their scope.
pub(crate) async fn community(db: &Db, access: &Access, typed: Option<&str>) -> Result<RegionCode> {
    let own = access.scope.region();
    let bad = || StoreError::invalid(FieldError::new("community_invalid", "community", "请选择本辖区内的社区"));
    if own.level() == RegionLevel::Community {
        return match typed.map(str::trim).filter(|s| !s.is_empty()) {
            Some(t) if t != own.as_str() => Err(bad()),
            _ => Ok(own.clone()),
        };
    }
    let c = RegionCode::parse(typed.map(str::trim).unwrap_or_default()).map_err(|_| bad())?;
    if c.level() != RegionLevel::Community || !access.scope.allows_region(c.as_str()) {
        return Err(bad());
    }
    crate::regions::get(db, &access.scope, &c).await.map_err(|_| bad())?;
    Ok(c)
}

/// The caller's name as it stands now (kept on what they record).
pub(crate) async fn display_name(db: &Db, access: &Access) -> Result<String> {
    Ok(crate::entity::user::Entity::find()
        .select_only()
        .column(crate::entity::user::Column::DisplayName)
        .filter(crate::entity::user::Column::Username.eq(&access.actor.username))
        .into_tuple()
        .one(&db.conn)
        .await?
        .unwrap_or_else(|| access.actor.username.clone()))
}

/// Issues a proof from the community's list, or refuses (and counts) one that is not on it.
pub async fn issue(db: &Db, access: &Access, i: &ProofInput, today: NaiveDate) -> Result<proof::Model> {
    if !access.role.may(Permission::ServeResidents) || access.scope.department().is_some() {
        return Err(StoreError::Forbidden("出具证明由社区工作人员办理"));
    }
    let c = community(db, access, i.community.as_deref()).await?;
    let province = c.province().to_string();
    let listed = in_force_items(&db.conn, c.as_str(), Some(ListKind::Proof), today).await?;
    let mut errors = Vec::new();
    let applicant = text(Some(&i.applicant), "applicant", "申请人", 40, &mut errors);
    if applicant.is_none() && errors.is_empty() {
        errors.push(FieldError::new("proof_applicant", "applicant", "请填写申请人"));
    }
    let purpose = text(i.purpose.as_deref(), "purpose", "用途", 100, &mut errors);
    let asked = text(i.asked.as_deref(), "asked", "事项", 100, &mut errors);
    let item = i.item_id.and_then(|id| listed.iter().find(|x| x.id == id));
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    if item.is_none() {
        let what = asked.clone().or_else(|| i.item_id.map(|_| "（清单外事项）".to_string()));
        let Some(what) = what else {
            errors.push(FieldError::new("proof_item", "item_id", "请选择清单中的证明事项"));
            return Err(StoreError::Invalid(errors));
        };
        // Asked for something not on the list: refused, and the refusal counted.
        let txn = db.begin_write().await?;
        Db::lock_province(&txn, &province).await?;
        proof_refusal::ActiveModel {
            province_code: Set(province.clone()),
            id: Set(Uuid::now_v7()),
            community_code: Set(c.to_string()),
            asked: Set(what.clone()),
            on_date: Set(today),
            refused_by: Set(access.actor.username.clone()),
            created_at: Set(Utc::now()),
        }
        .insert(&*txn)
        .await?;
        crate::audit::entry(&access.actor, "proof.refuse", c.as_str()).detail(what).save(&*txn).await?;
        txn.commit().await?;
        return Err(StoreError::invalid(FieldError::new("proof_not_listed", "item_id", PROOF_NOT_LISTED)));
    }
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let (Some(item), Some(applicant)) = (item, applicant) else {
        return Err(StoreError::invalid(FieldError::new("proof_applicant", "applicant", "请填写申请人")));
    };
    let names = crate::regions::names(&db.conn, vec![c.to_string()]).await?;
    let name = names.get(c.as_str()).cloned().unwrap_or_default();
    let issuer = display_name(db, access).await?;
    let txn = db.begin_write().await?;
    Db::lock_province(&txn, &province).await?;
    let last: Option<i32> = proof::Entity::find()
        .select_only()
        .column_as(proof::Column::Seq.max(), "m")
        .filter(proof::Column::ProvinceCode.eq(&province))
        .filter(proof::Column::CommunityCode.eq(c.as_str()))
        .filter(proof::Column::Year.eq(today.year()))
        .into_tuple::<Option<i32>>()
        .one(&*txn)
        .await?
        .flatten();
    let seq = last.unwrap_or(0) + 1;
    let m = proof::ActiveModel {
        province_code: Set(province),
        id: Set(Uuid::now_v7()),
        community_code: Set(c.to_string()),
        number: Set(proof_number(&name, today.year(), seq as u32)),
        year: Set(today.year()),
        seq: Set(seq),
        item_id: Set(item.id),
        item_title: Set(item.title.clone()),
        applicant: Set(applicant),
        purpose: Set(purpose),
        issued_on: Set(today),
        issued_by: Set(issuer),
        created_at: Set(Utc::now()),
    }
    .insert(&*txn)
    .await?;
    crate::audit::entry(&access.actor, "proof.issue", c.as_str())
        .target(m.id)
        .detail(format!("{} {}", m.number, m.item_title))
        .save(&*txn)
        .await?;
    txn.commit().await?;
    Ok(m)
}

fn row(m: proof::Model, names: &std::collections::HashMap<String, String>, access: &Access) -> ProofRow {
    // The applicant in full inside the community only.
    let inside = access.scope.region().as_str() == m.community_code;
    ProofRow {
        id: m.id,
        community_name: names.get(&m.community_code).cloned().unwrap_or_default(),
        applicant: if inside { m.applicant } else { shegong_domain::households::masked_name(&m.applicant) },
        number: m.number,
        community_code: m.community_code,
        item_title: m.item_title,
        purpose: m.purpose,
        issued_on: m.issued_on,
        issued_by: m.issued_by,
    }
}

/// The proofs issued in `region` between two days (inclusive), newest first, and the refusals counted.
pub async fn proofs(
    db: &Db,
    access: &Access,
    region: Option<&RegionCode>,
    from: NaiveDate,
    to: NaiveDate,
    per_page: u64,
) -> Result<ProofReport> {
    if access.scope.department().is_some() {
        return Err(StoreError::Forbidden(Permission::ViewRegion.refusal()));
    }
    let r = region.cloned().unwrap_or_else(|| access.scope.region().clone());
    if !access.scope.allows_region(r.as_str()) {
        return Err(StoreError::NotFound);
    }
    let q = proof::Entity::find()
        .filter(proof::Column::ProvinceCode.eq(r.province()))
        .filter(in_subtree(proof::Column::CommunityCode, r.as_str()))
        .filter(proof::Column::IssuedOn.between(from, to));
    let issued = q.clone().count(&db.conn).await?;
    let refused = proof_refusal::Entity::find()
        .filter(proof_refusal::Column::ProvinceCode.eq(r.province()))
        .filter(in_subtree(proof_refusal::Column::CommunityCode, r.as_str()))
        .filter(proof_refusal::Column::OnDate.between(from, to))
        .count(&db.conn)
        .await?;
    let found = q
        .order_by_desc(proof::Column::IssuedOn)
        .order_by_desc(proof::Column::Seq)
        .limit(per_page.clamp(1, 1000))
        .all(&db.conn)
        .await?;
    let names = crate::regions::names(&db.conn, found.iter().map(|m| m.community_code.clone()).collect()).await?;
    Ok(ProofReport {
        region_code: r.to_string(),
        issued,
        refused,
        rows: found.into_iter().map(|m| row(m, &names, access)).collect(),
    })
}

/// One proof, for printing.
pub async fn get_proof(db: &Db, access: &Access, id: Uuid) -> Result<ProofRow> {
    let province = access.scope.region().province().to_string();
    let m = proof::Entity::find()
        .filter(proof::Column::ProvinceCode.eq(&province))
        .filter(proof::Column::Id.eq(id))
        .one(&db.conn)
        .await?
        .filter(|m| access.scope.allows_region(&m.community_code) && access.scope.department().is_none())
        .ok_or(StoreError::NotFound)?;
    let names = crate::regions::names(&db.conn, vec![m.community_code.clone()]).await?;
    Ok(row(m, &names, access))
}
