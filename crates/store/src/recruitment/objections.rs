//! Objections (异议) raised in the publicity (公示) of those to be hired: recorded against one of
//! them within the publicity's days, and resolved — one upheld takes the person out (the next
//! ranked moves up) and ends the publicity, to be started again.

use super::exams::{running, standings_of};
use super::reads::ticketed;
use crate::Db;
use crate::access::Access;
use crate::entity::{recruitment_objection as objection, recruitment_round as round};
use crate::error::{Result, StoreError};
use chrono::{NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::Deserialize;
use shegong_domain::FieldError;
use shegong_domain::hiring::publicity_end;
use uuid::Uuid;

fn conflict(code: &'static str, field: &'static str, m: impl Into<String>) -> StoreError {
    StoreError::Conflict(FieldError::new(code, field, m))
}

/// An objection as received.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ObjectionInput {
    /// 被反映人的报名编号
    pub application: String,
    /// 收到日期
    pub received_on: String,
    /// 反映的问题
    pub content: String,
}

/// Records an objection raised in the publicity against one of those shown.
pub async fn add_objection(
    db: &Db,
    access: &Access,
    round_id: Uuid,
    i: &ObjectionInput,
    today: NaiveDate,
) -> Result<objection::Model> {
    let r = running(db, access, round_id).await?;
    let mut errors = Vec::new();
    let target = Uuid::parse_str(i.application.trim()).ok();
    let received = NaiveDate::parse_from_str(i.received_on.trim(), "%Y-%m-%d").ok().filter(|d| *d <= today);
    if received.is_none() {
        errors.push(FieldError::new("date_invalid", "received_on", "收到日期应写作 2026-12-01，不能晚于今天"));
    }
    let content = shegong_domain::text::lines("content", "反映的问题", &i.content, 2000)
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    if content.is_none() && !errors.iter().any(|e| e.field == "content") {
        errors.push(FieldError::new("content_required", "content", "请填写反映的问题"));
    }
    let Some(from) = r.round.publicity_from else {
        return Err(conflict("no_publicity", "application", "尚未公示，不能登记异议"));
    };
    let policy = super::policy_for(db, &r.round.county_code, r.round.reference_date).await?;
    let (apps, out) = ticketed(&db.conn, &r.round).await?;
    let shown: Vec<Uuid> = standings_of(&policy, &r, &apps, r.round.pass_line, &out)
        .into_iter()
        .flat_map(|p| p.rows)
        .filter(|s| s.selected && !s.hired)
        .map(|s| s.id)
        .collect();
    let target = target.filter(|t| shown.contains(t));
    if target.is_none() {
        errors.push(FieldError::new("application_invalid", "application", "请选择公示名单中的人员"));
    }
    if let Some(d) = received
        && (d < from || d > publicity_end(from, policy.publicity_days))
    {
        errors.push(FieldError::new(
            "outside_publicity",
            "received_on",
            format!("公示期为{}至{}，收到日期应在公示期内", from, publicity_end(from, policy.publicity_days)),
        ));
    }
    let (Some(target), Some(received), Some(content), true) = (target, received, content, errors.is_empty()) else {
        return Err(StoreError::Invalid(errors));
    };
    let txn = db.begin_write().await?;
    Db::lock_province(&txn, &r.round.province_code).await?;
    let m = objection::ActiveModel {
        province_code: Set(r.round.province_code.clone()),
        id: Set(Uuid::now_v7()),
        round_id: Set(r.round.id),
        application_id: Set(target),
        received_on: Set(received),
        content: Set(content),
        recorded_by: Set(access.actor.username.clone()),
        recorded_at: Set(Utc::now()),
        resolution: Set(None),
        upheld: Set(None),
        resolved_by: Set(None),
        resolved_at: Set(None),
    }
    .insert(&*txn)
    .await?;
    crate::audit::entry(&access.actor, "recruitment.objection", &r.round.county_code)
        .target(target)
        .save(&*txn)
        .await?;
    txn.commit().await?;
    Ok(m)
}

/// The objections of a round, in the order received.
pub async fn objections(db: &Db, access: &Access, round_id: Uuid) -> Result<Vec<objection::Model>> {
    access.require(shegong_domain::Permission::ManageRecruitment)?;
    let r = super::rounds::get(db, access, round_id).await?;
    Ok(objection::Entity::find()
        .filter(objection::Column::ProvinceCode.eq(&r.round.province_code))
        .filter(objection::Column::RoundId.eq(r.round.id))
        .order_by_asc(objection::Column::Id)
        .all(&db.conn)
        .await?)
}

/// How an objection was resolved.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ResolutionInput {
    /// true：反映属实（该人员不予聘用，公示须重新进行）；false：反映不属实
    pub upheld: Option<bool>,
    /// 核查结论
    pub resolution: String,
}

/// Resolves an objection. One upheld takes the person out of those to be hired (the next ranked
/// moves up) and ends the publicity, to be started again once the next has passed 体检 and 考察.
pub async fn resolve_objection(
    db: &Db,
    access: &Access,
    round_id: Uuid,
    id: Uuid,
    i: &ResolutionInput,
) -> Result<objection::Model> {
    let r = running(db, access, round_id).await?;
    let mut errors = Vec::new();
    let text = shegong_domain::text::lines("resolution", "核查结论", &i.resolution, 2000)
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    if text.is_none() && errors.is_empty() {
        errors.push(FieldError::new("resolution_required", "resolution", "请填写核查结论"));
    }
    if i.upheld.is_none() {
        errors.push(FieldError::new("upheld_required", "upheld", "请选择反映是否属实"));
    }
    let (Some(text), Some(upheld), true) = (text, i.upheld, errors.is_empty()) else {
        return Err(StoreError::Invalid(errors));
    };
    let txn = db.begin_write().await?;
    Db::lock_province(&txn, &r.round.province_code).await?;
    let o = objection::Entity::find_by_id((r.round.province_code.clone(), id))
        .one(&*txn)
        .await?
        .filter(|o| o.round_id == r.round.id)
        .ok_or(StoreError::NotFound)?;
    if o.resolved_at.is_some() {
        return Err(conflict("objection_resolved", "upheld", "该异议已经处理"));
    }
    let mut m: objection::ActiveModel = o.into();
    m.resolution = Set(Some(text));
    m.upheld = Set(Some(upheld));
    m.resolved_by = Set(Some(access.actor.username.clone()));
    m.resolved_at = Set(Some(Utc::now()));
    let m = m.update(&*txn).await?;
    if upheld {
        round::Entity::update_many()
            .col_expr(round::Column::PublicityFrom, Expr::value(Option::<NaiveDate>::None))
            .filter(round::Column::ProvinceCode.eq(&r.round.province_code))
            .filter(round::Column::Id.eq(r.round.id))
            .exec(&*txn)
            .await?;
    }
    crate::audit::entry(&access.actor, "recruitment.objection_resolve", &r.round.county_code)
        .target(m.application_id)
        .detail(if upheld { "属实" } else { "不属实" })
        .save(&*txn)
        .await?;
    txn.commit().await?;
    Ok(m)
}
