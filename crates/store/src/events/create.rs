//! Reporting an event (上报): checked whole, numbered per county and day, its deadlines computed
//! from the region's policy on the working calendar, and its first step recorded with it.

use crate::access::Access;
use crate::entity::{event, event_action};
use crate::error::{Result, StoreError};
use crate::{Db, clock};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    Set,
};
use serde::Deserialize;
use shegong_domain::event_access::{Source, may_report};
use shegong_domain::event_policy::{Urgency, deadlines};
use shegong_domain::events::EventState;
use shegong_domain::time::{from_china, in_china};
use shegong_domain::{FieldError, RegionCode, RegionLevel};
use uuid::Uuid;

/// A report, as the API and the forms send it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct NewEvent {
    /// 事发社区或网格（区划代码）
    pub region: String,
    /// 事件分类（政策中的分类键，如 dispute.neighbour）
    pub category: String,
    /// normal（一般，默认）或 urgent（紧急）
    pub urgency: Option<String>,
    /// patrol（巡查走访）、window（一窗受理）或 external（外部系统）
    pub source: String,
    /// 外部系统的名称，如 12345热线
    pub source_label: Option<String>,
    /// 事件描述
    pub description: String,
    /// 地点
    pub address: Option<String>,
    /// 纬度、经度（原样保存）
    pub lat: Option<String>,
    pub lon: Option<String>,
    /// 反映人姓名、电话（只在办理链条内可见）
    pub reporter_name: Option<String>,
    pub reporter_phone: Option<String>,
}

const MAX_DESCRIPTION: usize = 2000;

/// Who a resident's report and rating are recorded as.
pub(super) const PUBLIC: &str = "public";

fn text(
    v: &Option<String>,
    field: &'static str,
    label: &str,
    max: usize,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    let t = v.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
    if t.chars().count() > max || t.chars().any(char::is_control) {
        errors.push(FieldError::new("event_field_invalid", field, format!("{label}最多{max}字，且不能含控制字符")));
        return None;
    }
    Some(t.to_string())
}

/// A phone number as people write it: digits, with `-`, spaces or a leading `+`.
fn phone_ok(p: &str) -> bool {
    let digits = p.chars().filter(char::is_ascii_digit).count();
    (5..=15).contains(&digits) && p.chars().all(|c| c.is_ascii_digit() || matches!(c, '-' | ' ' | '+'))
}

/// Reports an event in `input.region` (a community or grid in the caller's region). Returns it as
/// stored, state 已上报, version 1.
pub async fn create(db: &Db, access: &Access, input: &NewEvent) -> Result<event::Model> {
    if access.role == shegong_domain::access::Role::Auditor {
        return Err(StoreError::Forbidden(super::READ_ONLY));
    }
    create_as(db, Some(access), input).await
}

/// [`create`] for staff (`Some`), or for a resident on the public page (`None`: the source must be
/// `public`, and the region is the page's, checked by the caller).
pub(super) async fn create_as(db: &Db, access: Option<&Access>, input: &NewEvent) -> Result<event::Model> {
    let now = Utc::now();
    let mut errors = Vec::new();
    let code = match RegionCode::parse(&input.region) {
        Ok(c) if matches!(c.level(), RegionLevel::Community | RegionLevel::Grid) => Some(c),
        _ => {
            errors.push(FieldError::new("event_region", "region", "请选择事发社区或网格"));
            None
        }
    };
    let source = Source::parse(input.source.trim());
    // Staff report from their own doors; without an account, a resident's page or an Open311 client
    // (each checked by its caller).
    if source
        .is_none_or(|s| if access.is_some() { !s.by_staff() } else { !matches!(s, Source::Public | Source::Open311) })
    {
        errors.push(FieldError::new("event_source", "source", "来源应为巡查走访、一窗受理或外部系统"));
    }
    let urgency = match input.urgency.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(Urgency::Normal),
        Some(u) => Urgency::parse(u),
    };
    if urgency.is_none() {
        errors.push(FieldError::new("event_urgency", "urgency", "紧急程度应为一般或紧急"));
    }
    if input.category.trim().is_empty() {
        errors.push(FieldError::new("event_category", "category", "请选择事件分类"));
    }
    let description = input.description.trim();
    if shegong_domain::events::has_control(description) {
        errors.push(FieldError::new("event_text_invalid", "description", "事件描述含有无效字符"));
    } else if description.is_empty() {
        errors.push(FieldError::new("event_text_required", "description", "请填写事件描述"));
    } else if description.chars().count() > MAX_DESCRIPTION {
        errors.push(FieldError::new("event_text_long", "description", format!("事件描述最多{MAX_DESCRIPTION}字")));
    }
    let source_label = text(&input.source_label, "source_label", "来源名称", 64, &mut errors);
    let address = text(&input.address, "address", "地点", 200, &mut errors);
    let lat = text(&input.lat, "lat", "纬度", 32, &mut errors);
    let lon = text(&input.lon, "lon", "经度", 32, &mut errors);
    let reporter_name = text(&input.reporter_name, "reporter_name", "反映人姓名", 50, &mut errors);
    let reporter_phone = text(&input.reporter_phone, "reporter_phone", "反映人电话", 20, &mut errors);
    if reporter_phone.as_deref().is_some_and(|p| !phone_ok(p)) {
        errors.push(FieldError::new("event_phone", "reporter_phone", "反映人电话应为5至15位数字"));
    }
    let (Some(code), Some(source), Some(urgency)) = (code, source, urgency) else {
        return Err(StoreError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let region = match access {
        Some(a) => {
            if !may_report(a.role, a.scope.region().as_str(), code.as_str(), source) {
                return Err(StoreError::NotFound);
            }
            crate::regions::get(db, &a.scope, &code).await?
        }
        None => crate::entity::region::Entity::find_by_id(code.as_str().to_string())
            .one(&db.conn)
            .await?
            .ok_or(StoreError::NotFound)?,
    };
    let by = match access {
        Some(a) => a.actor.username.as_str(),
        None if source == Source::Open311 => super::OPEN311,
        None => PUBLIC,
    };
    let community =
        if code.level() == RegionLevel::Grid { code.parent().unwrap_or(code.clone()) } else { code.clone() };
    let today = clock::today();
    let policy = super::policy_for(db, community.as_str(), today).await?;
    let category = input.category.trim();
    let Some(limits) = policy.limits(category, urgency) else {
        return Err(StoreError::invalid(FieldError::new("event_category", "category", "请选择本地政策中的事件分类")));
    };
    let cal = crate::calendar::load(db).await?;
    let due = deadlines(&cal, &policy, limits, in_china(now), None, 0);

    let txn = db.begin_write().await?;
    let county = &community.as_str()[..6];
    lock_county(&txn, county).await?;
    let number = next_number(&txn, community.province(), county, now).await?;
    let id = Uuid::now_v7();
    let e = event::ActiveModel {
        province_code: Set(community.province().to_string()),
        id: Set(id),
        number: Set(number),
        region_code: Set(region.code.clone()),
        community_code: Set(community.as_str().to_string()),
        category: Set(category.to_string()),
        urgency: Set(urgency.as_str().to_string()),
        source: Set(source.as_str().to_string()),
        source_label: Set(source_label),
        description: Set(description.to_string()),
        address: Set(address),
        lat: Set(lat),
        lon: Set(lon),
        reporter_name: Set(reporter_name),
        reporter_phone: Set(reporter_phone),
        state: Set(EventState::Reported.as_str().to_string()),
        version: Set(1),
        escalated: Set(false),
        reworks: Set(0),
        extension_asked: Set(None),
        extended_days: Set(0),
        supervision: Set(0),
        rating: Set(None),
        handler_kind: Set(None),
        handler_code: Set(None),
        duplicate_of: Set(None),
        reported_at: Set(now),
        accepted_at: Set(None),
        assigned_at: Set(None),
        closed_at: Set(None),
        accept_due: Set(from_china(due.accept)),
        handle_due: Set(None),
        total_due: Set(from_china(due.total)),
        reported_by: Set(by.to_string()),
        close_minutes: Set(None),
        on_time: Set(None),
    }
    .insert(&*txn)
    .await?;
    let step = Step {
        seq: 1,
        action: "report",
        from: EventState::Reported,
        to: EventState::Reported,
        actor: by,
        at: now,
        note: None,
        detail: None,
    };
    record(db, &txn, &e, step).await?;
    super::tallies::moved(&*txn, None, &e).await?;
    txn.commit().await?;
    Ok(e)
}

/// On PostgreSQL, serialises the reports of one county (their numbers are counted); on SQLite the
/// write transaction already does.
async fn lock_county(txn: &sea_orm::DatabaseTransaction, county: &str) -> Result<()> {
    if txn.get_database_backend() == sea_orm::DbBackend::Postgres {
        txn.query_one_raw(sea_orm::Statement::from_sql_and_values(
            sea_orm::DbBackend::Postgres,
            "SELECT code FROM regions WHERE code = $1 FOR UPDATE",
            [county.into()],
        ))
        .await?;
    }
    Ok(())
}

/// `E261129-330481-0012`: the county's twelfth report of 2026-11-29 (China's date).
async fn next_number(
    txn: &sea_orm::DatabaseTransaction,
    province: &str,
    county: &str,
    now: DateTime<Utc>,
) -> Result<String> {
    let prefix = format!("E{}-{county}-", in_china(now).format("%y%m%d"));
    // The day's last number, one seek on the unique index (counting them read the whole day's).
    let last: Option<String> = event::Entity::find()
        .select_only()
        .column(event::Column::Number)
        .filter(event::Column::ProvinceCode.eq(province))
        .filter(event::Column::Number.gte(prefix.as_str()))
        .filter(event::Column::Number.lt(format!("{prefix}\u{10FFFF}")))
        .order_by_desc(event::Column::Number)
        .into_tuple()
        .one(txn)
        .await?;
    let mut n: u64 = last.and_then(|l| l[prefix.len()..].parse().ok()).unwrap_or(0);
    if n >= 9999 {
        // Past four digits the text no longer sorts as the number; the day's numbers run from one
        // without gaps, so their count is the last (a county's ten-thousandth report of a day).
        n = event::Entity::find()
            .filter(event::Column::ProvinceCode.eq(province))
            .filter(event::Column::Number.gte(prefix.as_str()))
            .filter(event::Column::Number.lt(format!("{prefix}\u{10FFFF}")))
            .count(txn)
            .await?;
    }
    Ok(format!("{prefix}{:04}", n + 1))
}

/// One step as recorded.
pub(super) struct Step<'a> {
    /// The event's version after the step.
    pub seq: i32,
    pub action: &'a str,
    pub from: EventState,
    pub to: EventState,
    pub actor: &'a str,
    pub at: DateTime<Utc>,
    pub note: Option<String>,
    /// What else the step carries (days asked, level, rating, handler), as JSON.
    pub detail: Option<String>,
}

/// Records one step of an event. The step's `seq` is unique per event: a second writer of the same
/// version fails here, whatever the engine.
pub(super) async fn record(db: &Db, txn: &sea_orm::DatabaseTransaction, e: &event::Model, s: Step<'_>) -> Result<()> {
    // Named on the timeline as they were called when they took the step (kept a while: a display
    // name changes seldom).
    let load = async {
        Ok(crate::entity::user::Entity::find()
            .select_only()
            .column(crate::entity::user::Column::DisplayName)
            .filter(crate::entity::user::Column::Username.eq(s.actor))
            .into_tuple::<String>()
            .one(&db.conn)
            .await?)
    };
    let shown: Option<String> = db.memo.get_or(format!("display|{}", s.actor), load).await?;
    let actor_name = match s.actor {
        PUBLIC => "居民".to_string(),
        super::OPEN311 => e.source_label.clone().unwrap_or_else(|| "Open311客户端".to_string()),
        _ => shown.filter(|d| !d.trim().is_empty()).unwrap_or_else(|| s.actor.to_string()),
    };
    event_action::ActiveModel {
        province_code: Set(e.province_code.clone()),
        id: Set(Uuid::now_v7()),
        event_id: Set(e.id),
        seq: Set(s.seq),
        action: Set(s.action.to_string()),
        from_state: Set(s.from.as_str().to_string()),
        to_state: Set(s.to.as_str().to_string()),
        actor: Set(s.actor.to_string()),
        actor_name: Set(actor_name.chars().take(50).collect()),
        at: Set(s.at),
        note: Set(s.note),
        detail: Set(s.detail),
    }
    .insert(txn)
    .await?;
    Ok(())
}
