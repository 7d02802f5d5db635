//! One step on an event (受理, 分办, 反馈…): allowed by the closed loop and the caller's place, taken
//! on the version the caller saw, recorded with who, when and why. A refused step changes nothing.

use super::steps::{Step, record};
use crate::access::Access;
use crate::entity::event;
use crate::error::{Result, StoreError};
use crate::{Db, regions};
use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::Deserialize;
use shegong_domain::event_access::{may_act, may_see};
use shegong_domain::event_policy::{Urgency, deadlines};
use shegong_domain::events::{Action, EventState, Refusal, Satisfaction, apply};
use shegong_domain::time::{from_china, in_china};
use shegong_domain::{FieldError, RegionCode, RegionLevel};
use uuid::Uuid;

/// A step, as the API and the forms send it: the action, the version the caller saw, and what the
/// action needs.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ActInput {
    /// accept、reject、assign、escalate、return、feedback、verify、rework、close、rate、extend_request、extend_grant、supervise
    pub action: String,
    /// 操作时看到的事件版本（防止两人同时处理）
    pub version: Option<i64>,
    /// 不予受理、回退、返工、申请延期的理由
    pub reason: Option<String>,
    /// 反馈的处置结果
    pub result: Option<String>,
    /// 备注
    pub note: Option<String>,
    /// 申请延期的天数
    pub days: Option<u32>,
    /// 督办级别（1–3）
    pub level: Option<u8>,
    /// 评价：satisfied（满意）、fair（基本满意）、dissatisfied（不满意）
    pub rating: Option<String>,
    /// 分办：承办社区（区划代码）；不填为事发社区自办
    pub handler: Option<String>,
    /// 交办给县（市、区）职能部门：部门 ID（只用于上报街道的事件，事件分类须在部门职责范围内）
    pub department: Option<Uuid>,
    /// 不予受理为重复件时：原事件编号
    pub duplicate_of: Option<String>,
}

fn text(v: &Option<String>) -> String {
    v.as_deref().map(str::trim).unwrap_or("").to_string()
}

impl ActInput {
    /// The domain's action, or what is missing.
    fn action(&self) -> Result<Action> {
        let bad = |field: &'static str, m: &str| StoreError::invalid(FieldError::new("event_action_invalid", field, m));
        Ok(match self.action.trim() {
            "accept" => Action::Accept,
            "reject" => Action::Reject { reason: text(&self.reason) },
            "assign" => Action::Assign,
            "escalate" => Action::Escalate,
            "return" => Action::Return { reason: text(&self.reason) },
            "feedback" => Action::Feedback { result: text(&self.result) },
            "verify" => Action::Verify,
            "rework" => Action::Rework { reason: text(&self.reason) },
            "close" => Action::Close,
            "rate" => Action::Rate(
                self.rating
                    .as_deref()
                    .and_then(Satisfaction::parse)
                    .ok_or_else(|| bad("rating", "评价应为满意、基本满意或不满意"))?,
            ),
            "extend_request" => Action::ExtendRequest {
                days: self.days.ok_or_else(|| bad("days", "请填写延期天数"))?,
                reason: text(&self.reason),
            },
            "extend_grant" => Action::ExtendGrant,
            "supervise" => {
                Action::Supervise { level: self.level.ok_or_else(|| bad("level", "请选择督办级别"))? }
            }
            _ => return Err(bad("action", "不认识的操作")),
        })
    }
}

fn refusal(r: Refusal) -> StoreError {
    match r {
        Refusal::Transition { .. } => StoreError::Conflict(FieldError::new("event_transition", "action", r.message())),
        Refusal::Invalid(e) => StoreError::invalid(e),
    }
}

fn stale() -> StoreError {
    StoreError::Conflict(FieldError::new("event_version", "version", "该事件已被他人处理，请刷新后按最新状态操作"))
}

/// Takes one step on event `id`. Returns the event after it.
pub async fn act(db: &Db, access: &Access, id: Uuid, input: &ActInput) -> Result<event::Model> {
    if access.role == shegong_domain::access::Role::Auditor {
        return Err(StoreError::Forbidden(super::READ_ONLY));
    }
    let action = input.action()?;
    let version = input
        .version
        .ok_or_else(|| StoreError::invalid(FieldError::new("event_version_required", "version", "请提供事件版本")))?;
    let note = Some(text(&input.note)).filter(|n| !n.is_empty());
    if note.as_deref().is_some_and(shegong_domain::events::has_control) {
        return Err(StoreError::invalid(FieldError::new("event_text_invalid", "note", "备注含有无效字符")));
    }
    if note.as_ref().is_some_and(|n| n.chars().count() > 2000) {
        return Err(StoreError::invalid(FieldError::new("event_text_long", "note", "备注最多2000字")));
    }
    let province = access.scope.region().province().to_string();
    let now = Utc::now();

    let txn = db.begin_write().await?;
    let mut find = event::Entity::find()
        .filter(event::Column::ProvinceCode.eq(province.as_str()))
        .filter(event::Column::Id.eq(id));
    if txn.get_database_backend() == sea_orm::DbBackend::Postgres {
        // The second of two people acting at once waits here, then finds the version moved on.
        find = find.lock_exclusive();
    }
    let e = find.one(&*txn).await?.ok_or(StoreError::NotFound)?;
    let place = super::place(&e);
    if !may_see(&access.scope, &place) {
        return Err(StoreError::NotFound);
    }
    if !may_act(access.role, &access.scope, &place, action.name()) {
        return Err(StoreError::Forbidden("您不能对该事件执行此操作"));
    }
    if version != i64::from(e.version) {
        return Err(stale());
    }
    let before = super::progress(&e);
    let after = apply(&before, &action).map_err(refusal)?;

    let mut update = event::Entity::update_many()
        .col_expr(event::Column::State, Expr::value(after.state.as_str()))
        .col_expr(event::Column::Version, Expr::value(i32::try_from(after.version).unwrap_or(i32::MAX)))
        .col_expr(event::Column::Escalated, Expr::value(after.escalated))
        .col_expr(event::Column::Reworks, Expr::value(i32::try_from(after.reworks).unwrap_or(i32::MAX)))
        .col_expr(event::Column::ExtensionAsked, Expr::value(after.extension_asked.map(|d| d as i32)))
        .col_expr(event::Column::ExtendedDays, Expr::value(after.extended_days as i32))
        .col_expr(event::Column::Supervision, Expr::value(i16::from(after.supervision)))
        .col_expr(event::Column::Rating, Expr::value(after.rating.map(|r| r.as_str().to_string())));
    let mut detail = serde_json::Map::new();
    let mut duplicate_of = None;
    match &action {
        Action::Accept => update = update.col_expr(event::Column::AcceptedAt, Expr::value(now)),
        Action::Reject { .. } => {
            if let Some(n) = input.duplicate_of.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
                let original = event::Entity::find()
                    .filter(event::Column::ProvinceCode.eq(province.as_str()))
                    .filter(event::Column::Number.eq(n))
                    .one(&*txn)
                    .await?
                    .filter(|o| o.id != e.id && may_see(&access.scope, &super::place(o)))
                    .ok_or_else(|| {
                        StoreError::invalid(FieldError::new("event_duplicate", "duplicate_of", "找不到该编号的原事件"))
                    })?;
                detail.insert("duplicate_of".into(), original.number.clone().into());
                duplicate_of = Some(original.id);
            }
        }
        Action::Assign => {
            let (kind, handler, name) = match input.department {
                Some(_) if input.handler.as_deref().is_some_and(|h| !h.trim().is_empty()) => {
                    return Err(StoreError::invalid(FieldError::new(
                        "event_handler",
                        "department",
                        "承办社区和职能部门只能选一个",
                    )));
                }
                Some(d) => {
                    let d = department_for(db, &e, d).await?;
                    (super::HANDLER_DEPARTMENT, d.id.to_string(), Some(d.name))
                }
                None => (super::HANDLER_COMMUNITY, handler_for(db, access, &e, input.handler.as_deref()).await?, None),
            };
            let cal = crate::calendar::load(db).await?;
            let policy = super::policy_for(db, &e.community_code, in_china(now).date()).await?;
            let urgency = Urgency::parse(&e.urgency).unwrap_or(Urgency::Normal);
            if let Some(l) = policy.limits(&e.category, urgency) {
                let d = deadlines(&cal, &policy, l, in_china(e.reported_at), Some(in_china(now)), after.extended_days);
                if let Some(h) = d.handle {
                    update = update.col_expr(event::Column::HandleDue, Expr::value(from_china(h)));
                }
            }
            detail.insert("handler".into(), handler.clone().into());
            if let Some(n) = name {
                detail.insert("department".into(), n.into());
            }
            update = update
                .col_expr(event::Column::HandlerKind, Expr::value(kind))
                .col_expr(event::Column::HandlerCode, Expr::value(handler))
                .col_expr(event::Column::AssignedAt, Expr::value(now));
        }
        Action::ExtendRequest { days, .. } => {
            detail.insert("days".into(), (*days).into());
        }
        Action::ExtendGrant => {
            let days = i64::from(after.extended_days - before.extended_days);
            detail.insert("days".into(), days.into());
            update = update.col_expr(event::Column::TotalDue, Expr::value(e.total_due + Duration::days(days)));
            if let Some(h) = e.handle_due {
                update = update.col_expr(event::Column::HandleDue, Expr::value(h + Duration::days(days)));
            }
        }
        Action::Supervise { level } => {
            detail.insert("level".into(), (*level).into());
        }
        Action::Rate(r) => {
            detail.insert("rating".into(), r.as_str().into());
        }
        Action::Close => {
            // How long it took and whether it met its deadline, kept for the figures.
            let minutes = i32::try_from((now - e.reported_at).num_minutes().max(0)).unwrap_or(i32::MAX);
            update = update
                .col_expr(event::Column::ClosedAt, Expr::value(now))
                .col_expr(event::Column::CloseMinutes, Expr::value(minutes))
                .col_expr(event::Column::OnTime, Expr::value(now <= e.total_due));
        }
        // Back to whoever sent it: nobody handles it until it is assigned again.
        Action::Return { .. } => {
            update = update
                .col_expr(event::Column::HandlerKind, Expr::value(Option::<String>::None))
                .col_expr(event::Column::HandlerCode, Expr::value(Option::<String>::None));
        }
        _ => {}
    }
    if let Some(d) = duplicate_of {
        update = update.col_expr(event::Column::DuplicateOf, Expr::value(d));
    }
    let done = update
        .filter(event::Column::ProvinceCode.eq(province.as_str()))
        .filter(event::Column::Id.eq(id))
        .filter(event::Column::Version.eq(e.version))
        .exec(&*txn)
        .await?;
    if done.rows_affected != 1 {
        return Err(stale());
    }
    let reason = match &action {
        Action::Reject { reason } | Action::Return { reason } | Action::Rework { reason } => Some(reason.clone()),
        Action::ExtendRequest { reason, .. } => Some(reason.clone()),
        Action::Feedback { result } => Some(result.clone()),
        _ => None,
    };
    let step = Step {
        seq: i32::try_from(after.version).unwrap_or(i32::MAX),
        action: action.name(),
        from: before.state,
        to: after.state,
        actor: &access.actor.username,
        at: now,
        note: match (reason, note) {
            (Some(r), Some(n)) => Some(format!("{r}\n{n}")),
            (r, n) => r.or(n),
        },
        detail: (!detail.is_empty()).then(|| serde_json::Value::Object(detail).to_string()),
    };
    if let Err(err) = record(db, &txn, &e, step).await {
        // The same version recorded by another writer at the same moment.
        return Err(if matches!(err, StoreError::Db(_)) { stale() } else { err });
    }
    let now_e = event::Entity::find()
        .filter(event::Column::ProvinceCode.eq(province.as_str()))
        .filter(event::Column::Id.eq(id))
        .one(&*txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    super::tallies::moved(&*txn, Some(&e), &now_e).await?;
    txn.commit().await?;
    Ok(now_e)
}

/// The county department an escalated event is handed to (交办): of the event's county, in service,
/// with the event's category in its remit.
async fn department_for(db: &Db, e: &event::Model, id: Uuid) -> Result<crate::entity::department::Model> {
    let bad = |m: &str| StoreError::invalid(FieldError::new("event_department", "department", m));
    if e.state != EventState::Escalated.as_str() {
        return Err(bad("只有上报街道的事件才能交办给职能部门"));
    }
    let d = crate::departments::find(&db.conn, &e.province_code, id)
        .await?
        .filter(|d| d.county_code == e.community_code[..6])
        .ok_or_else(|| bad("承办部门应为本县（市、区）的职能部门"))?;
    if d.disabled {
        return Err(bad(&format!("{}已停用，不能再交办", d.name)));
    }
    if !shegong_domain::departments::covers(&shegong_domain::departments::split(&d.remit), &e.category) {
        return Err(bad(&format!("该事件的分类不在{}的职责范围内", d.name)));
    }
    Ok(d)
}

/// Who handles an event being assigned: its own community by default; a street (or above) handing
/// an escalated event down may name another community inside its region (交办).
async fn handler_for(db: &Db, access: &Access, e: &event::Model, asked: Option<&str>) -> Result<String> {
    let asked = asked.map(str::trim).filter(|s| !s.is_empty());
    let Some(code) = asked else { return Ok(e.community_code.clone()) };
    let bad = || StoreError::invalid(FieldError::new("event_handler", "handler", "承办社区应为本街道范围内的社区"));
    // A code, or the name the picker puts in.
    let code = match RegionCode::parse(code) {
        Ok(c) => c,
        Err(_) => crate::region_names::resolve(db, &access.scope, "handler", code).await?,
    };
    if code.level() != RegionLevel::Community {
        return Err(bad());
    }
    // 交办 stays inside the street the event was sent up to, whoever hands it down.
    if code.as_str()[..9] != e.community_code[..9] {
        return Err(bad());
    }
    if code.as_str() != e.community_code && e.state != EventState::Escalated.as_str() {
        return Err(StoreError::invalid(FieldError::new(
            "event_handler",
            "handler",
            "只有上报街道的事件才能交办给其他社区",
        )));
    }
    regions::get(db, &access.scope, &code).await.map_err(|_| bad())?;
    Ok(code.as_str().to_string())
}
