//! Events as JSON: report, list, read with the timeline, take a step; the caller's 待办.

use crate::auth::{Caller, Ctx};
use crate::error::ApiResult;
use crate::events::views::{EventDetail, EventItem, detail, item};
use crate::extract::{Json, PageQuery, Path, Query};
use crate::query::{Items, Paged};
use crate::state::AppState;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde::Deserialize;
use shegong_domain::event_policy::EventPolicy;
use shegong_store::entity::event;
use shegong_store::events::{self, ActInput, EventFilter, NewEvent};
use std::collections::HashMap;
use uuid::Uuid;

/// The event policies of the counties the events are in (the labels of their categories).
async fn policies(st: &AppState, rows: &[event::Model]) -> ApiResult<HashMap<String, EventPolicy>> {
    let mut out = HashMap::new();
    for e in rows {
        if let std::collections::hash_map::Entry::Vacant(slot) = out.entry(e.community_code[..6].to_string()) {
            slot.insert((*events::policy_for(&st.db, &e.community_code, crate::clock::today()).await?).clone());
        }
    }
    Ok(out)
}

fn policy_of<'a>(policies: &'a HashMap<String, EventPolicy>, e: &event::Model) -> &'a EventPolicy {
    static DEFAULT: std::sync::OnceLock<EventPolicy> = std::sync::OnceLock::new();
    policies.get(&e.community_code[..6]).unwrap_or_else(|| DEFAULT.get_or_init(EventPolicy::default))
}

pub(crate) async fn items(st: &AppState, caller: &Caller, rows: &[event::Model]) -> ApiResult<Vec<EventItem>> {
    let names = events::names(&st.db, rows).await?;
    let policies = policies(st, rows).await?;
    let now = Utc::now();
    Ok(rows.iter().map(|e| item(e, caller, &names, policy_of(&policies, e), now)).collect())
}

async fn full(st: &AppState, caller: &Caller, id: Uuid) -> ApiResult<EventDetail> {
    let t = events::get(&st.db, &caller.scope, id).await?;
    let one = std::slice::from_ref(&t.event);
    let names = events::names(&st.db, one).await?;
    let policies = policies(st, one).await?;
    Ok(detail(&t.event, &t.steps, caller, &names, policy_of(&policies, &t.event), Utc::now()))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EventListQuery {
    #[serde(flatten)]
    pub filter: EventFilter,
    #[serde(flatten)]
    pub paging: PageQuery,
}

/// 民情事件列表（本辖区；按上报时间倒序）
#[utoipa::path(get, path = "/events", tag = "民情事件", params(EventFilter, PageQuery),
    responses((status = 200, description = "事件", body = Paged<EventItem>)))]
pub async fn list_events(
    Ctx { st, caller }: Ctx,
    Query(q): Query<EventListQuery>,
) -> ApiResult<Json<Paged<EventItem>>> {
    let (page, per_page) = q.paging.paging(50, 500)?;
    let (rows, total) = events::list(&st.db, &caller.scope, &q.filter, page, per_page).await?;
    let items = items(&st, &caller, &rows).await?;
    Ok(Json(Paged { items, total, page, per_page, next: None }))
}

/// 上报事件（巡查走访、一窗受理或外部系统）：返回事件编号、状态与版本。用外部系统的令牌（生成时填写了外部系统名称）上报的，来源一律记为外部系统并以该名称标明
#[utoipa::path(post, path = "/events", tag = "民情事件", request_body = NewEvent,
    responses((status = 201, description = "已上报", body = EventDetail)))]
pub async fn create_event(Ctx { st, caller }: Ctx, Json(mut input): Json<NewEvent>) -> ApiResult<Response> {
    // Another system's token speaks for that system only, whatever the request says.
    if let Some(label) = &caller.source_label {
        input.source = shegong_domain::event_access::Source::External.as_str().into();
        input.source_label = Some(label.clone());
    }
    let e = events::create(&st.db, &caller.access, &input).await?;
    Ok((StatusCode::CREATED, Json(full(&st, &caller, e.id).await?)).into_response())
}

/// 一件事件及其全部办理过程，和当前用户可执行的操作
#[utoipa::path(get, path = "/events/{id}", tag = "民情事件", params(("id" = Uuid, Path, description = "事件")),
    responses((status = 200, description = "事件", body = EventDetail)))]
pub async fn get_event(Ctx { st, caller }: Ctx, Path(id): Path<Uuid>) -> ApiResult<Json<EventDetail>> {
    Ok(Json(full(&st, &caller, id).await?))
}

/// 办理一步（受理、分办、反馈、核查、结案、评价、延期、督办…）：须带上看到的版本；状态不允许时 409 event_transition，版本已变时 409 event_version，均不作任何改动
#[utoipa::path(post, path = "/events/{id}/actions", tag = "民情事件", params(("id" = Uuid, Path, description = "事件")),
    request_body = ActInput, responses((status = 200, description = "办理后的事件", body = EventDetail)))]
pub async fn act_on_event(
    Ctx { st, caller }: Ctx,
    Path(id): Path<Uuid>,
    Json(input): Json<ActInput>,
) -> ApiResult<Json<EventDetail>> {
    let e = events::act(&st.db, &caller.access, id, &input).await?;
    match full(&st, &caller, id).await {
        // A step that hands the event away (a department's 回退): the event as the step left it,
        // without the timeline the caller no longer sees, and with nothing left to do.
        Err(crate::error::AppError::NotFound) => {
            let one = std::slice::from_ref(&e);
            let (names, policies) = (events::names(&st.db, one).await?, policies(&st, one).await?);
            Ok(Json(detail(&e, &[], &caller, &names, policy_of(&policies, &e), Utc::now())))
        }
        other => Ok(Json(other?)),
    }
}

/// 我的待办：等待本人（本社区、本街道）办理的事件，最先到期的在前
#[utoipa::path(get, path = "/todo", tag = "民情事件",
    responses((status = 200, description = "待办", body = Items<EventItem>)))]
pub async fn todo(Ctx { st, caller }: Ctx) -> ApiResult<Json<Items<EventItem>>> {
    let rows = events::todo(&st.db, &caller.access, 200).await?;
    Ok(Json(Items::new(items(&st, &caller, &rows).await?)))
}
