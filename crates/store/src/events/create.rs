//! Reporting an event (上报): checked whole, its deadlines computed from the region's policy on the
//! working calendar, then numbered per county and day and written with its first step (in a group,
//! see `intake`).

use super::steps::actor_name;
use crate::access::Access;
use crate::entity::event;
use crate::error::{Result, StoreError};
use crate::{Db, clock};
use chrono::Utc;
use sea_orm::EntityTrait;
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

use super::PUBLIC;

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
    match access.role {
        shegong_domain::access::Role::Auditor => return Err(StoreError::Forbidden(super::READ_ONLY)),
        shegong_domain::access::Role::Department => return Err(StoreError::Forbidden(super::HANDLES_ONLY)),
        _ => {}
    }
    create_as(db, Some(access), input).await
}

/// [`create`] for staff (`Some`), or for a resident on the public page (`None`: the source must be
/// `public`, and the region is the page's, checked by the caller).
pub(super) async fn create_as(db: &Db, access: Option<&Access>, input: &NewEvent) -> Result<event::Model> {
    let now = Utc::now();
    let mut errors = Vec::new();
    // A code, or for staff the name the picker puts in (`硖石街道 江丰社区`).
    let typed = input.region.trim();
    let mut named = Ok(None);
    if let (Err(_), Some(a)) = (RegionCode::parse(typed), access)
        && !typed.is_empty()
    {
        named = match crate::region_names::resolve(db, &a.scope, "region", typed).await {
            Ok(c) => Ok(Some(c)),
            Err(StoreError::Invalid(v)) => Err(v),
            Err(e) => return Err(e),
        };
    }
    let code = match (RegionCode::parse(typed).ok(), named) {
        (_, Err(why)) => {
            errors.extend(why);
            None
        }
        (Some(c), _) | (None, Ok(Some(c))) if matches!(c.level(), RegionLevel::Community | RegionLevel::Grid) => {
            Some(c)
        }
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

    let e = event::Model {
        province_code: community.province().to_string(),
        id: Uuid::now_v7(),
        // Numbered when written (per county and day, in the write lock).
        number: String::new(),
        region_code: region.code.clone(),
        community_code: community.as_str().to_string(),
        category: category.to_string(),
        urgency: urgency.as_str().to_string(),
        source: source.as_str().to_string(),
        source_label,
        description: description.to_string(),
        address,
        lat,
        lon,
        reporter_name,
        reporter_phone,
        state: EventState::Reported.as_str().to_string(),
        version: 1,
        escalated: false,
        reworks: 0,
        extension_asked: None,
        extended_days: 0,
        supervision: 0,
        rating: None,
        handler_kind: None,
        handler_code: None,
        duplicate_of: None,
        reported_at: now,
        accepted_at: None,
        assigned_at: None,
        closed_at: None,
        accept_due: from_china(due.accept),
        handle_due: None,
        total_due: from_china(due.total),
        reported_by: by.to_string(),
        close_minutes: None,
        on_time: None,
    };
    let name = actor_name(db, by, &e).await?;
    super::intake::submit(db, e, name).await
}
