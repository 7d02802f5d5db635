//! Residents' deliberation (居民议事): a community's places and their 说事长, topics raised, meetings
//! held (the topics they took up, the decision, the follow-up items), items closed when done; and
//! the figures of a region, community by community.

use super::wishes::community_of;
use super::{Reach, typed};
use crate::Db;
use crate::access::Access;
use crate::entity::{deliberation_item as item, deliberation_meeting as meeting, deliberation_place as place};
use crate::entity::{deliberation_topic as topic, worker};
use crate::error::{Result, StoreError};
use crate::regions::in_subtree;
use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use shegong_domain::deliberation::{DeliberationFigures, MAX_ITEMS, PlaceKind, meeting_day, topic_lines};
use shegong_domain::worker::{WorkerStatus, parse_date};
use shegong_domain::{FieldError, Permission, RegionCode};
use std::collections::BTreeMap;
use uuid::Uuid;

#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PlaceInput {
    /// 社区代码（社区工作者省略）
    pub community: Option<String>,
    pub name: String,
    /// hall（议事厅）、yard（说事小院）、corridor（楼道议事点）
    pub kind: String,
    /// 说事长姓名（居民），或 host_worker_id（社区工作者）
    pub host_name: Option<String>,
    pub host_worker_id: Option<Uuid>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct TopicInput {
    pub community: Option<String>,
    pub place_id: Option<Uuid>,
    /// 议题
    pub title: String,
    /// 提出人
    pub raised_by: String,
}

/// A follow-up item a meeting sets.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ItemInput {
    pub what: String,
    pub owner: String,
    /// 完成期限 YYYY-MM-DD
    pub due_on: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct MeetingInput {
    pub place_id: Option<Uuid>,
    /// 议事日期 YYYY-MM-DD（默认今天）
    pub held_on: Option<String>,
    /// 参加人数
    pub attendees: Option<i32>,
    /// 讨论的已提出议题
    pub topic_ids: Vec<Uuid>,
    /// 现场提出的议题，每行一个
    pub new_topics: Option<String>,
    /// 议定事项
    pub decision: String,
    pub items: Vec<ItemInput>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ItemDone {
    /// 办理结果
    pub result: String,
}

fn bad(code: &'static str, field: &'static str, m: impl Into<String>) -> FieldError {
    FieldError::new(code, field, m)
}

async fn place_in(db: &impl sea_orm::ConnectionTrait, reach: &Reach, id: Uuid) -> Result<place::Model> {
    place::Entity::find()
        .filter(place::Column::ProvinceCode.eq(reach.province()))
        .filter(place::Column::Id.eq(id))
        .filter(in_subtree(place::Column::CommunityCode, reach.prefix()))
        .one(db)
        .await?
        .ok_or_else(|| StoreError::invalid(bad("meeting_place", "place_id", "请选择本社区的议事场所")))
}

/// Adds a place of deliberation with its 说事长.
pub async fn add_place(db: &Db, access: &Access, i: &PlaceInput) -> Result<place::Model> {
    access.require(Permission::ServeResidents)?;
    let reach = Reach::of(access, None)?;
    let community = community_of(db, access, &reach, i.community.as_deref()).await?;
    let mut errors = Vec::new();
    let name = typed(Some(&i.name), "name", "场所名称", 60, &mut errors);
    if name.is_none() && errors.is_empty() {
        errors.push(bad("place_name", "name", "请填写场所名称，如“江丰社区议事厅”"));
    }
    let kind = PlaceKind::parse(&i.kind);
    if kind.is_none() {
        errors.push(bad("place_kind", "kind", "类型应为议事厅、说事小院或楼道议事点"));
    }
    let mut host = typed(i.host_name.as_deref(), "host_name", "说事长", 40, &mut errors);
    if let Some(w) = i.host_worker_id {
        match worker::Entity::find_by_id((community[..2].to_string(), w))
            .one(&db.conn)
            .await?
            .filter(|w| w.region_code == community && w.status == WorkerStatus::Active.as_str())
        {
            Some(w) => host = Some(w.name),
            None => {
                errors.push(bad("place_host", "host_worker_id", "说事长应为本社区在岗的社区工作者，或填写居民姓名"))
            }
        }
    }
    if host.is_none() && errors.iter().all(|e| !e.field.starts_with("host")) {
        errors.push(bad("place_host", "host_name", "请填写说事长"));
    }
    let (Some(name), Some(kind), Some(host)) = (name, kind, host) else { return Err(StoreError::Invalid(errors)) };
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let txn = db.begin_write().await?;
    Db::lock_province(&txn, &community[..2]).await?;
    let m = place::ActiveModel {
        province_code: Set(community[..2].to_string()),
        id: Set(Uuid::now_v7()),
        community_code: Set(community.clone()),
        name: Set(name),
        kind: Set(kind.as_str().into()),
        host_name: Set(host),
        host_worker_id: Set(i.host_worker_id),
        created_by: Set(access.actor.username.clone()),
        created_at: Set(Utc::now()),
    }
    .insert(&*txn)
    .await?;
    crate::audit::entry(&access.actor, "deliberation.place", &community)
        .target(m.id)
        .detail(m.name.clone())
        .save(&*txn)
        .await?;
    txn.commit().await?;
    Ok(m)
}

/// Records a topic residents raised, waiting for a meeting.
pub async fn raise_topic(db: &Db, access: &Access, i: &TopicInput, today: NaiveDate) -> Result<topic::Model> {
    access.require(Permission::ServeResidents)?;
    let reach = Reach::of(access, None)?;
    let community = community_of(db, access, &reach, i.community.as_deref()).await?;
    let mut errors = Vec::new();
    let title = typed(Some(&i.title), "title", "议题", 100, &mut errors);
    let by = typed(Some(&i.raised_by), "raised_by", "提出人", 40, &mut errors);
    if title.is_none() && errors.is_empty() {
        errors.push(bad("topic_title", "title", "请填写议题"));
    }
    if by.is_none() && !errors.iter().any(|e| e.field == "raised_by") {
        errors.push(bad("topic_by", "raised_by", "请填写提出人"));
    }
    if let Some(p) = i.place_id
        && let Err(e) = place_in(&db.conn, &Reach::Region(community.clone()), p).await
    {
        return Err(e);
    }
    let (Some(title), Some(by)) = (title, by) else { return Err(StoreError::Invalid(errors)) };
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let txn = db.begin_write().await?;
    Db::lock_province(&txn, &community[..2]).await?;
    let m = topic_row(&community, i.place_id, title, by, today, None, access).insert(&*txn).await?;
    crate::audit::entry(&access.actor, "deliberation.topic", &community)
        .target(m.id)
        .detail(m.title.clone())
        .save(&*txn)
        .await?;
    txn.commit().await?;
    Ok(m)
}

fn topic_row(
    community: &str,
    place: Option<Uuid>,
    title: String,
    by: String,
    on: NaiveDate,
    meeting: Option<Uuid>,
    access: &Access,
) -> topic::ActiveModel {
    topic::ActiveModel {
        province_code: Set(community[..2].to_string()),
        id: Set(Uuid::now_v7()),
        community_code: Set(community.to_string()),
        place_id: Set(place),
        title: Set(title),
        raised_by: Set(by),
        raised_on: Set(on),
        meeting_id: Set(meeting),
        created_by: Set(access.actor.username.clone()),
        created_at: Set(Utc::now()),
    }
}

/// Records a meeting held at a place: the waiting topics it took up and those raised on the spot,
/// what it decided, and the follow-up items (each with a person and a deadline).
pub async fn hold_meeting(db: &Db, access: &Access, i: &MeetingInput, today: NaiveDate) -> Result<meeting::Model> {
    access.require(Permission::ServeResidents)?;
    let reach = Reach::of(access, None)?;
    let mut errors = Vec::new();
    let held = match i.held_on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(today),
        Some(s) => {
            parse_date("held_on", "议事日期", s).and_then(|d| meeting_day(d, today)).map_err(|e| errors.push(e)).ok()
        }
    };
    let attendees = i.attendees.unwrap_or(0);
    if !(1..=2000).contains(&attendees) {
        errors.push(bad("meeting_attendees", "attendees", "参加人数应为1至2000"));
    }
    let mut new_topics =
        topic_lines(i.new_topics.as_deref().unwrap_or("")).map_err(|e| errors.push(e)).unwrap_or_default();
    let mut once = std::collections::HashSet::new();
    new_topics.retain(|t| once.insert(t.clone()));
    if new_topics.is_empty() && i.topic_ids.is_empty() {
        errors.push(bad("meeting_topics", "new_topics", "请选择或填写议事的议题"));
    }
    let decision = typed(Some(&i.decision), "decision", "议定事项", 2000, &mut errors);
    if decision.is_none() && !errors.iter().any(|e| e.field == "decision") {
        errors.push(bad("meeting_decision", "decision", "请填写议定事项"));
    }
    if i.items.len() > MAX_ITEMS {
        errors.push(bad("meeting_items", "items", format!("一次议事最多{MAX_ITEMS}项跟进事项")));
    }
    let mut items = Vec::new();
    for it in i.items.iter().filter(|x| !(x.what.trim().is_empty() && x.owner.trim().is_empty())) {
        let what = typed(Some(&it.what), "items.what", "跟进事项", 200, &mut errors);
        let owner = typed(Some(&it.owner), "items.owner", "责任人", 40, &mut errors);
        let due = parse_date("items.due_on", "完成期限", &it.due_on).map_err(|e| errors.push(e)).ok();
        match (what, owner, due) {
            (Some(w), Some(o), Some(d)) if d >= held.unwrap_or(today) => items.push((w, o, d)),
            (Some(_), Some(_), Some(_)) => errors.push(bad("item_due", "items.due_on", "完成期限不能早于议事日期")),
            (None, _, _) | (_, None, _) if !errors.iter().any(|e| e.field.starts_with("items.")) => {
                errors.push(bad("item_missing", "items.what", "跟进事项须写明事项和责任人"))
            }
            _ => {}
        }
    }
    let Some(place_id) = i.place_id else {
        errors.push(bad("meeting_place", "place_id", "请选择议事场所"));
        return Err(StoreError::Invalid(errors));
    };
    let p = place_in(&db.conn, &reach, place_id).await?;
    let (Some(held), Some(decision)) = (held, decision) else { return Err(StoreError::Invalid(errors)) };
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let txn = db.begin_write().await?;
    Db::lock_province(&txn, &p.province_code).await?;
    let waiting = if i.topic_ids.is_empty() {
        Vec::new()
    } else {
        topic::Entity::find()
            .filter(topic::Column::ProvinceCode.eq(&p.province_code))
            .filter(topic::Column::CommunityCode.eq(&p.community_code))
            .filter(topic::Column::Id.is_in(i.topic_ids.clone()))
            .filter(topic::Column::MeetingId.is_null())
            .all(&*txn)
            .await?
    };
    // One meeting a place a day: the same one sent twice is not two.
    let same_day = meeting::Entity::find()
        .filter(meeting::Column::ProvinceCode.eq(&p.province_code))
        .filter(meeting::Column::CommunityCode.eq(&p.community_code))
        .filter(meeting::Column::PlaceId.eq(p.id))
        .filter(meeting::Column::HeldOn.eq(held))
        .count(&*txn)
        .await?;
    if same_day > 0 {
        return Err(StoreError::Conflict(bad(
            "meeting_duplicate",
            "held_on",
            format!("{}在{}已登记过议事活动", p.name, held),
        )));
    }
    if waiting.len() != i.topic_ids.iter().collect::<std::collections::HashSet<_>>().len() {
        return Err(StoreError::invalid(bad(
            "meeting_topics",
            "topic_ids",
            "所选议题不在本社区或已被议过，请刷新页面",
        )));
    }
    let m = meeting::ActiveModel {
        province_code: Set(p.province_code.clone()),
        id: Set(Uuid::now_v7()),
        community_code: Set(p.community_code.clone()),
        place_id: Set(p.id),
        held_on: Set(held),
        attendees: Set(attendees),
        decision: Set(decision),
        recorded_by: Set(access.actor.username.clone()),
        recorded_at: Set(Utc::now()),
    }
    .insert(&*txn)
    .await?;
    for t in waiting {
        let mut am = t.into_active_model();
        am.meeting_id = Set(Some(m.id));
        am.update(&*txn).await?;
    }
    for title in new_topics {
        topic_row(&p.community_code, Some(p.id), title, "现场提出".into(), held, Some(m.id), access)
            .insert(&*txn)
            .await?;
    }
    for (what, owner, due) in items {
        item::ActiveModel {
            province_code: Set(p.province_code.clone()),
            id: Set(Uuid::now_v7()),
            community_code: Set(p.community_code.clone()),
            meeting_id: Set(m.id),
            what: Set(what),
            owner: Set(owner),
            due_on: Set(due),
            done_on: Set(None),
            result: Set(None),
            closed_by: Set(None),
            created_at: Set(Utc::now()),
        }
        .insert(&*txn)
        .await?;
    }
    crate::audit::entry(&access.actor, "deliberation.meeting", &p.community_code)
        .target(m.id)
        .detail(format!("{} {}", p.name, held))
        .save(&*txn)
        .await?;
    txn.commit().await?;
    Ok(m)
}

/// Closes a follow-up item with its result (a problem solved).
pub async fn close_item(db: &Db, access: &Access, id: Uuid, i: &ItemDone, today: NaiveDate) -> Result<item::Model> {
    access.require(Permission::ServeResidents)?;
    let reach = Reach::of(access, None)?;
    let mut errors = Vec::new();
    let result = typed(Some(&i.result), "result", "办理结果", 1000, &mut errors);
    if result.is_none() && errors.is_empty() {
        errors.push(bad("item_result", "result", "请填写办理结果"));
    }
    let Some(result) = result else { return Err(StoreError::Invalid(errors)) };
    let txn = db.begin_write().await?;
    Db::lock_province(&txn, reach.province()).await?;
    let it = item::Entity::find()
        .filter(item::Column::ProvinceCode.eq(reach.province()))
        .filter(item::Column::Id.eq(id))
        .filter(in_subtree(item::Column::CommunityCode, reach.prefix()))
        .one(&*txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    if let Some(d) = it.done_on {
        return Err(StoreError::Conflict(bad("item_done", "id", format!("这项已于{d}办结"))));
    }
    let mut am = it.into_active_model();
    am.done_on = Set(Some(today));
    am.result = Set(Some(result));
    am.closed_by = Set(Some(access.actor.username.clone()));
    let m = am.update(&*txn).await?;
    crate::audit::entry(&access.actor, "deliberation.item", &m.community_code)
        .target(m.id)
        .detail(m.what.clone())
        .save(&*txn)
        .await?;
    txn.commit().await?;
    Ok(m)
}

/// A community's deliberation counted.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CommunityDeliberation {
    pub community_code: String,
    pub community_name: String,
    #[serde(flatten)]
    pub figures: DeliberationFigures,
}

/// A region's deliberation: its figures and each community's (with anything at all).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DeliberationReport {
    pub region_code: String,
    pub total: DeliberationFigures,
    pub sentence: String,
    pub communities: Vec<CommunityDeliberation>,
}

/// The figures of the caller's region (or one inside it), from `from` (inclusive) on when given, up
/// to `today`.
pub async fn deliberation_figures(
    db: &Db,
    access: &Access,
    region: Option<&RegionCode>,
    from: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<DeliberationReport> {
    let reach = Reach::of_communities(access, region)?;
    let (prov, prefix) = (reach.province().to_string(), reach.prefix().to_string());
    // Everything when no day is given (a date every engine stores).
    let from = from.unwrap_or(NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default());
    let mut by: BTreeMap<String, DeliberationFigures> = BTreeMap::new();
    let places: Vec<String> = place::Entity::find()
        .select_only()
        .column(place::Column::CommunityCode)
        .filter(place::Column::ProvinceCode.eq(&prov))
        .filter(in_subtree(place::Column::CommunityCode, &prefix))
        .into_tuple()
        .all(&db.conn)
        .await?;
    for c in places {
        by.entry(c).or_default().places += 1;
    }
    let meetings: Vec<(String, i32)> = meeting::Entity::find()
        .select_only()
        .column(meeting::Column::CommunityCode)
        .column(meeting::Column::Attendees)
        .filter(meeting::Column::ProvinceCode.eq(&prov))
        .filter(in_subtree(meeting::Column::CommunityCode, &prefix))
        .filter(meeting::Column::HeldOn.gte(from))
        .filter(meeting::Column::HeldOn.lte(today))
        .into_tuple()
        .all(&db.conn)
        .await?;
    for (c, n) in meetings {
        let f = by.entry(c).or_default();
        f.meetings += 1;
        f.attendees += u64::try_from(n).unwrap_or(0);
    }
    let topics: Vec<String> = topic::Entity::find()
        .select_only()
        .column(topic::Column::CommunityCode)
        .filter(topic::Column::ProvinceCode.eq(&prov))
        .filter(in_subtree(topic::Column::CommunityCode, &prefix))
        .filter(topic::Column::RaisedOn.gte(from))
        .filter(topic::Column::RaisedOn.lte(today))
        .into_tuple()
        .all(&db.conn)
        .await?;
    for c in topics {
        by.entry(c).or_default().topics += 1;
    }
    let items: Vec<(String, NaiveDate, Option<NaiveDate>)> = item::Entity::find()
        .select_only()
        .column(item::Column::CommunityCode)
        .column(item::Column::DueOn)
        .column(item::Column::DoneOn)
        .filter(item::Column::ProvinceCode.eq(&prov))
        .filter(in_subtree(item::Column::CommunityCode, &prefix))
        .into_tuple()
        .all(&db.conn)
        .await?;
    for (c, due, done) in items {
        let f = by.entry(c).or_default();
        match done {
            Some(d) if d >= from && d <= today => f.solved += 1,
            Some(_) => {}
            None => {
                f.open_items += 1;
                f.overdue_items += u64::from(due < today);
            }
        }
    }
    let names = crate::regions::names(&db.conn, by.keys().cloned().collect()).await?;
    let mut total = DeliberationFigures::default();
    let communities = by
        .into_iter()
        .map(|(c, f)| {
            total.places += f.places;
            total.meetings += f.meetings;
            total.topics += f.topics;
            total.solved += f.solved;
            total.open_items += f.open_items;
            total.overdue_items += f.overdue_items;
            total.attendees += f.attendees;
            CommunityDeliberation {
                community_name: names.get(&c).cloned().unwrap_or_default(),
                community_code: c,
                figures: f,
            }
        })
        .collect();
    Ok(DeliberationReport { region_code: prefix, sentence: total.sentence(), total, communities })
}
