//! The county's side of the applications: the list of a round's applications, one application
//! with its scans, and 资格审查 — confirmed, or refused with a reason the applicant reads.

use super::rounds::{Round, get as get_round};
use crate::Db;
use crate::access::Access;
use crate::entity::application as app;
use crate::error::{Result, StoreError};
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde::Deserialize;
use shegong_domain::status::{ApplicationStatus, RecruitmentStatus, Status};
use shegong_domain::{FieldError, Permission};
use uuid::Uuid;

/// Which applications of a round.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ApplicationFilter {
    /// submitted（待资格审查）、qualified、refused、hired
    pub status: Option<String>,
    /// 岗位编号
    pub post: Option<Uuid>,
}

/// A page of a round's applications, in the order they came.
pub async fn list(
    db: &Db,
    access: &Access,
    round_id: Uuid,
    f: &ApplicationFilter,
    page: u64,
    per_page: u64,
) -> Result<(Round, Vec<app::Model>, u64)> {
    // Applicants' data is the business of those running recruitment, not of every reader of the county.
    access.require(Permission::ManageRecruitment)?;
    let r = get_round(db, access, round_id).await?;
    let mut q = app::Entity::find()
        .filter(app::Column::ProvinceCode.eq(&r.round.province_code))
        .filter(app::Column::RoundId.eq(r.round.id));
    if let Some(s) = f.status.as_deref().filter(|s| !s.is_empty()) {
        let s = ApplicationStatus::parse(s).ok_or_else(|| {
            StoreError::invalid(FieldError::new(
                "status_unknown",
                "status",
                "状态应为 submitted、qualified、refused 或 hired",
            ))
        })?;
        q = q.filter(app::Column::Status.eq(s.as_str()));
    }
    if let Some(p) = f.post {
        q = q.filter(app::Column::PostId.eq(p));
    }
    let total = q.clone().count(&db.conn).await?;
    let rows = q.order_by_asc(app::Column::Id).paginate(&db.conn, per_page).fetch_page(page.saturating_sub(1)).await?;
    Ok((r, rows, total))
}

/// One application of a round in the caller's reach.
pub async fn get(db: &Db, access: &Access, round_id: Uuid, id: Uuid) -> Result<(Round, app::Model)> {
    access.require(Permission::ManageRecruitment)?;
    let r = get_round(db, access, round_id).await?;
    let a = app::Entity::find_by_id((r.round.province_code.clone(), id))
        .one(&db.conn)
        .await?
        .filter(|a| a.round_id == r.round.id)
        .ok_or(StoreError::NotFound)?;
    Ok((r, a))
}

/// A review decision.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ReviewInput {
    /// true：审查通过；false：不通过（须写明理由）
    pub qualified: Option<bool>,
    /// 理由（不通过时必填，报名人可见）
    pub reason: Option<String>,
    /// 审查时看到的报名的更新时间（updated_at）；报名此后又被修改的，409 application_changed
    pub seen: Option<chrono::DateTime<Utc>>,
}

/// 资格审查 of one application waiting for it: qualified, or refused with the reason.
pub async fn review(db: &Db, access: &Access, round_id: Uuid, id: Uuid, i: &ReviewInput) -> Result<app::Model> {
    access.require(Permission::ManageRecruitment)?;
    let (r, a) = get(db, access, round_id, id).await?;
    RecruitmentStatus::require(&r.round.status, RecruitmentStatus::Published).map_err(StoreError::Conflict)?;
    let mut errors = Vec::new();
    let reason = shegong_domain::text::lines("reason", "理由", i.reason.as_deref().unwrap_or(""), 500)
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    let Some(qualified) = i.qualified else {
        return Err(StoreError::invalid(FieldError::new("qualified_required", "qualified", "请选择审查通过或不通过")));
    };
    if !qualified && reason.is_none() && errors.is_empty() {
        errors.push(FieldError::new("reason_required", "reason", "审查不通过须写明理由，报名人可以看到"));
    }
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    if r.round.tickets_at.is_some() {
        return Err(StoreError::Conflict(FieldError::new(
            "tickets_issued",
            "status",
            "准考证已经生成，资格审查已结束",
        )));
    }
    let to = if qualified { ApplicationStatus::Qualified } else { ApplicationStatus::Refused };
    let txn = db.begin_write().await?;
    Db::lock_province(&txn, &a.province_code).await?;
    // A decision is on what the reviewer saw: an application changed since is looked at again.
    let mut q = app::Entity::update_many();
    if let Some(seen) = i.seen {
        let now = app::Entity::find_by_id((a.province_code.clone(), a.id)).one(&*txn).await?;
        if now.is_some_and(|n| n.updated_at.timestamp_micros() != seen.timestamp_micros()) {
            return Err(StoreError::Conflict(FieldError::new(
                "application_changed",
                "seen",
                "报名人刚修改了报名，请刷新后重新审查",
            )));
        }
    }
    q = q.col_expr(app::Column::UpdatedAt, Expr::value(Utc::now()));
    let done = q
        .col_expr(app::Column::Status, Expr::value(to.as_str()))
        .col_expr(app::Column::ReviewReason, Expr::value(reason))
        .col_expr(app::Column::ReviewedBy, Expr::value(access.actor.username.clone()))
        .col_expr(app::Column::ReviewedAt, Expr::value(Utc::now()))
        .filter(app::Column::ProvinceCode.eq(&a.province_code))
        .filter(app::Column::Id.eq(a.id))
        .filter(app::Column::Status.eq(ApplicationStatus::Submitted.as_str()))
        .exec(&*txn)
        .await?;
    if done.rows_affected != 1 {
        return Err(StoreError::Conflict(FieldError::new("application_state", "status", "该报名已审查过，请刷新")));
    }
    crate::audit::entry(&access.actor, &format!("recruitment.review_{}", to.as_str()), &r.round.county_code)
        .target(a.id)
        .detail(a.name.clone())
        .save(&*txn)
        .await?;
    txn.commit().await?;
    Ok(get(db, access, round_id, id).await?.1)
}

/// The first application of the round still waiting for review, if any (the next to look at).
pub async fn next_pending(db: &Db, access: &Access, round_id: Uuid) -> Result<Option<Uuid>> {
    let f = ApplicationFilter { status: Some(ApplicationStatus::Submitted.as_str().into()), post: None };
    Ok(list(db, access, round_id, &f, 1, 1).await?.1.first().map(|a| a.id))
}
