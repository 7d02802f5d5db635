//! Events as the API and the pages show them: names and labels, never bare codes; the reporter
//! masked outside the handling chain; the deadlines' warning at the moment of reading.

use crate::auth::Caller;
use chrono::{DateTime, Utc};
use serde::Serialize;
use shegong_domain::calendar::{Warning, warning};
use shegong_domain::event_access::Source;
use shegong_domain::event_access::{allowed, mask_name, mask_phone, sees_reporter};
use shegong_domain::event_policy::{EventPolicy, Urgency};
use shegong_domain::events::{ALL_ACTIONS, EventState, Satisfaction};
use shegong_domain::time::{in_china, minutes_text};
use shegong_store::entity::{event, event_action};
use std::collections::HashMap;
use uuid::Uuid;

/// One event in a list.
#[derive(Serialize, utoipa::ToSchema)]
pub struct EventItem {
    pub id: Uuid,
    /// 事件编号（居民查询用）
    pub number: String,
    pub state: String,
    pub state_label: String,
    pub version: i32,
    pub category: String,
    pub category_label: String,
    pub urgency: String,
    pub urgency_label: String,
    pub source: String,
    pub source_label: String,
    pub description: String,
    pub address: Option<String>,
    pub region_code: String,
    /// 事发社区（网格）名称
    pub region_name: String,
    /// 承办社区或职能部门的名称
    pub handler_name: Option<String>,
    /// 承办方：community（社区）或 department（县级职能部门）
    pub handler_kind: Option<String>,
    pub reporter_name: Option<String>,
    pub reporter_phone: Option<String>,
    pub reported_at: DateTime<Utc>,
    /// 上报时间（北京时间）
    pub reported_at_text: String,
    pub accept_due: DateTime<Utc>,
    pub handle_due: Option<DateTime<Utc>>,
    pub total_due: DateTime<Utc>,
    pub total_due_text: String,
    /// none（正常）、yellow（黄牌预警）、red（红牌超期）：按办结时限，未办结时才有
    pub warning: String,
    pub warning_label: String,
    pub reworks: i32,
    pub extended_days: i32,
    /// 已申请、待批准的延期天数
    pub extension_asked: Option<i32>,
    pub supervision: i16,
    pub rating: Option<String>,
    pub rating_label: Option<String>,
    pub duplicate_of: Option<Uuid>,
}

/// One step of the timeline.
#[derive(Serialize, utoipa::ToSchema)]
pub struct StepView {
    pub seq: i32,
    pub action: String,
    pub action_label: String,
    pub from_state_label: String,
    pub to_state_label: String,
    pub actor: String,
    pub at: DateTime<Utc>,
    pub at_text: String,
    pub note: Option<String>,
    pub detail: Option<serde_json::Value>,
}

/// What a step's log line says: its note, and what the step recorded besides (the department it
/// was handed to, the days asked or granted, the level of 督办).
pub(crate) fn step_note(x: &StepView) -> String {
    let d = x.detail.as_ref();
    let field = |k: &str| d.and_then(|d| d.get(k));
    let mut parts: Vec<String> = Vec::new();
    if let Some(n) = field("department").and_then(|v| v.as_str()) {
        parts.push(format!("交办：{n}"));
    }
    if let Some(days) = field("days").and_then(serde_json::Value::as_i64) {
        parts.push(if x.action == "extend_grant" {
            format!("批准延期{days}天")
        } else {
            format!("申请延期{days}天")
        });
    }
    if let Some(level) = field("level").and_then(serde_json::Value::as_i64) {
        parts.push(format!("{level}级督办"));
    }
    parts.extend(x.note.clone());
    parts.join("；")
}

/// One event with its timeline and the steps the caller may take now.
#[derive(Serialize, utoipa::ToSchema)]
pub struct EventDetail {
    #[serde(flatten)]
    pub event: EventItem,
    pub steps: Vec<StepView>,
    /// 当前用户现在可执行的操作
    pub allowed_actions: Vec<ActionName>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ActionName {
    pub action: String,
    pub label: String,
}

fn state_label(s: &str) -> String {
    EventState::parse(s).map_or_else(|| s.to_string(), |x| x.label().to_string())
}

pub(crate) fn action_label(a: &str) -> String {
    if a == "report" {
        return "上报".into();
    }
    ALL_ACTIONS.iter().find(|(n, _)| *n == a).map_or_else(|| a.to_string(), |(_, l)| l.to_string())
}

/// The warning of an open event now, by its whole time limit.
fn warning_of(e: &event::Model, policy: &EventPolicy, now: DateTime<Utc>) -> Warning {
    let open = EventState::parse(&e.state).is_some_and(EventState::is_open);
    if !open {
        return Warning::None;
    }
    warning(in_china(now), in_china(e.reported_at), in_china(e.total_due), policy.warn_pct)
}

pub fn item(
    e: &event::Model,
    caller: &Caller,
    names: &HashMap<String, String>,
    policy: &EventPolicy,
    now: DateTime<Utc>,
) -> EventItem {
    let full = sees_reporter(caller.role);
    let w = warning_of(e, policy, now);
    EventItem {
        id: e.id,
        number: e.number.clone(),
        state: e.state.clone(),
        state_label: state_label(&e.state),
        version: e.version,
        category: e.category.clone(),
        category_label: policy.path_label(&e.category).unwrap_or_else(|| e.category.clone()),
        urgency: e.urgency.clone(),
        urgency_label: Urgency::parse(&e.urgency).map_or("", Urgency::label).to_string(),
        source: e.source.clone(),
        source_label: {
            let door = Source::parse(&e.source).map_or("", Source::label);
            match &e.source_label {
                // A hotline through the API is named by its label; an Open311 client by both.
                Some(l) if e.source == Source::Open311.as_str() => format!("{door}（{l}）"),
                Some(l) => l.clone(),
                None => door.to_string(),
            }
        },
        description: e.description.clone(),
        address: e.address.clone(),
        region_code: e.region_code.clone(),
        region_name: names.get(&e.region_code).cloned().unwrap_or_default(),
        handler_name: e.handler_code.as_ref().map(|h| names.get(h).cloned().unwrap_or_default()),
        handler_kind: e.handler_kind.clone(),
        reporter_name: e.reporter_name.as_deref().map(|n| if full { n.to_string() } else { mask_name(n) }),
        reporter_phone: e.reporter_phone.as_deref().map(|p| if full { p.to_string() } else { mask_phone(p) }),
        reported_at: e.reported_at,
        reported_at_text: minutes_text(e.reported_at),
        accept_due: e.accept_due,
        handle_due: e.handle_due,
        total_due: e.total_due,
        total_due_text: minutes_text(e.total_due),
        warning: w.as_str().into(),
        warning_label: w.label().into(),
        reworks: e.reworks,
        extended_days: e.extended_days,
        extension_asked: e.extension_asked,
        supervision: e.supervision,
        rating: e.rating.clone(),
        rating_label: e.rating.as_deref().and_then(Satisfaction::parse).map(|r| r.label().to_string()),
        duplicate_of: e.duplicate_of,
    }
}

pub fn detail(
    e: &event::Model,
    steps: &[event_action::Model],
    caller: &Caller,
    names: &HashMap<String, String>,
    policy: &EventPolicy,
    now: DateTime<Utc>,
) -> EventDetail {
    let place = shegong_store::events::place(e);
    let progress = shegong_store::events::progress(e);
    EventDetail {
        event: item(e, caller, names, policy, now),
        steps: steps
            .iter()
            .map(|s| StepView {
                seq: s.seq,
                action: s.action.clone(),
                action_label: action_label(&s.action),
                from_state_label: state_label(&s.from_state),
                to_state_label: state_label(&s.to_state),
                actor: s.actor_name.clone(),
                at: s.at,
                at_text: minutes_text(s.at),
                note: s.note.clone(),
                detail: s.detail.as_deref().and_then(|d| serde_json::from_str(d).ok()),
            })
            .collect(),
        allowed_actions: allowed(caller.role, &caller.scope, &place, &progress)
            .into_iter()
            .map(|a| ActionName { action: a.into(), label: action_label(a) })
            .collect(),
    }
}

/// The fields a step asks for, besides the action and the version. `departments` are those an
/// escalated event may be handed to (id, name).
pub(crate) fn step_fields(
    action: &str,
    e: &EventItem,
    departments: &[(String, String)],
) -> Vec<crate::sections::Field> {
    use crate::sections::{input, select};
    let reason = |label: &str| input(label, "reason", "note", "", 2000);
    match action {
        "reject" => vec![reason("不予受理理由"), input("重复件的原事件编号（如有）", "duplicate_of", "text", "", 20)],
        "return" => vec![reason("回退理由")],
        "rework" => vec![reason("返工理由")],
        "feedback" => vec![input("处置结果", "result", "note", "", 2000)],
        "extend_request" => vec![input("延期天数（1至30）", "days", "number", "5", 3), reason("延期理由")],
        "supervise" => {
            vec![select("督办级别", "level", "1", (1..=3).map(|l| (l.to_string(), format!("{l}级"))).collect())]
        }
        "rate" => vec![select(
            "评价",
            "rating",
            "satisfied",
            vec![
                ("satisfied".into(), "满意".into()),
                ("fair".into(), "基本满意".into()),
                ("dissatisfied".into(), "不满意".into()),
            ],
        )],
        "assign" if e.state == EventState::Escalated.as_str() => {
            let mut v = vec![input("承办社区（不填为事发社区）", "handler", "region", "", 16)];
            if !departments.is_empty() {
                let none = (String::new(), "不交办部门".to_string());
                let options = std::iter::once(none).chain(departments.iter().cloned()).collect();
                v.push(select("或交办职能部门", "department", "", options));
            }
            v
        }
        _ => vec![],
    }
}
