//! Micro-wishes (微心愿): posted for a resident by a worker, claimed (认领) by a worker, a party
//! member, a volunteer or a unit, fulfilled with a note, closed by the resident's confirmation.
//! The public wall of a community lists what is still wished for, without anyone's personal data.

use super::{Reach, typed};
use crate::Db;
use crate::access::Access;
use crate::entity::{household, region, wish, worker};
use crate::error::{Result, StoreError};
use crate::regions::in_subtree;
use chrono::{Duration, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use shegong_domain::event_access::mask_name;
use shegong_domain::wishes::{ClaimantKind, WishFigures, WishState, WishStep, next};
use shegong_domain::worker::{WorkerStatus, parse_date};
use shegong_domain::{FieldError, Permission, RegionCode, RegionLevel};
use uuid::Uuid;

/// A wish as the API and the form send it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct WishInput {
    /// 社区代码（社区工作者省略：本社区）
    pub community: Option<String>,
    /// 住户（可选：从住户登记中选择）
    pub household_id: Option<Uuid>,
    /// 心愿内容
    pub title: String,
    pub detail: Option<String>,
    /// 为谁（居民姓名，公开时脱敏）
    pub for_name: String,
    pub for_phone: Option<String>,
    /// 希望实现的日期 YYYY-MM-DD
    pub due_on: Option<String>,
}

/// A step on a wish: a claim names who claims it; fulfilment and confirmation carry a note.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct WishStepInput {
    /// 认领人类别：worker（社区工作者）、party_member（党员）、volunteer（志愿者）、unit（单位）
    pub claimant_kind: Option<String>,
    /// 认领人姓名或单位名称
    pub claimant_name: Option<String>,
    /// 认领的社区工作者
    pub claimant_worker_id: Option<Uuid>,
    /// 实现情况、居民确认的说明
    pub note: Option<String>,
    /// 读取时的版本号（他人已处理则 409）
    pub version: Option<i32>,
}

/// A wish as the staff list shows it (the resident masked).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WishRow {
    pub id: Uuid,
    pub community_code: String,
    pub community_name: String,
    pub title: String,
    pub detail: Option<String>,
    pub for_name: String,
    pub due_on: Option<NaiveDate>,
    pub state: WishState,
    pub state_label: String,
    pub claimant: Option<String>,
    pub fulfil_note: Option<String>,
    pub created_on: NaiveDate,
    pub fulfilled_on: Option<NaiveDate>,
    pub version: i32,
}

/// A wish on the public wall: what, for a masked name, by when, and whether someone took it up.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WallItem {
    pub title: String,
    pub detail: Option<String>,
    pub for_name: String,
    pub due_on: Option<NaiveDate>,
    pub state_label: String,
    /// 认领人类别（党员、志愿者…），不含姓名
    pub claimed_by: Option<String>,
}

fn china_day(t: chrono::DateTime<Utc>) -> NaiveDate {
    shegong_domain::time::in_china(t).date()
}

pub(super) async fn community_of(db: &Db, access: &Access, reach: &Reach, typed_code: Option<&str>) -> Result<String> {
    let code = match (reach, typed_code.map(str::trim).filter(|s| !s.is_empty())) {
        (Reach::Worker { community, .. }, Some(c)) if c != community => {
            return Err(StoreError::invalid(FieldError::new(
                "wish_community",
                "community",
                "社区工作者只能登记本社区的",
            )));
        }
        (Reach::Worker { community, .. }, _) => return Ok(community.clone()),
        (Reach::Region(_), Some(c)) => c.to_string(),
        (Reach::Region(p), None) if p.len() == 12 => return Ok(p.clone()),
        _ => return Err(StoreError::invalid(FieldError::new("wish_community", "community", "请选择社区"))),
    };
    match RegionCode::parse(&code) {
        Ok(c) if c.level() == RegionLevel::Community && access.scope.allows_region(c.as_str()) => {
            crate::regions::get(db, &access.scope, &c).await.map(|r| r.code).map_err(|_| {
                StoreError::invalid(FieldError::new("wish_community", "community", "请选择本辖区内的社区"))
            })
        }
        _ => Err(StoreError::invalid(FieldError::new("wish_community", "community", "请选择本辖区内的社区"))),
    }
}

/// Posts a wish (待认领).
pub async fn post(db: &Db, access: &Access, i: &WishInput, today: NaiveDate) -> Result<wish::Model> {
    access.require(Permission::ServeResidents)?;
    let reach = Reach::of(access, None)?;
    let community = community_of(db, access, &reach, i.community.as_deref()).await?;
    let mut errors = Vec::new();
    let title = typed(Some(&i.title), "title", "心愿内容", 100, &mut errors);
    if title.is_none() && errors.is_empty() {
        errors.push(FieldError::new("wish_title", "title", "请填写心愿内容"));
    }
    let detail = typed(i.detail.as_deref(), "detail", "说明", 1000, &mut errors);
    let for_name = typed(Some(&i.for_name), "for_name", "居民姓名", 40, &mut errors);
    if for_name.is_none() && !errors.iter().any(|e| e.field == "for_name") {
        errors.push(FieldError::new("wish_for", "for_name", "请填写为哪位居民许愿"));
    }
    let phone = typed(i.for_phone.as_deref(), "for_phone", "联系电话", 20, &mut errors);
    if phone.as_deref().is_some_and(|p| {
        let digits = shegong_domain::event_access::phone_digits(p);
        !(7..=12).contains(&digits.len()) || !p.chars().all(|c| c.is_ascii_digit() || matches!(c, '-' | ' ' | '+'))
    }) {
        errors.push(FieldError::new("wish_phone", "for_phone", "联系电话应为7至12位数字"));
    }
    let due = match i.due_on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => match parse_date("due_on", "希望实现日期", s) {
            Ok(d) if d < today || d > today + Duration::days(366) => {
                errors.push(FieldError::new("wish_due", "due_on", "希望实现日期应在今天至一年内"));
                None
            }
            Ok(d) => Some(d),
            Err(e) => {
                errors.push(e);
                None
            }
        },
    };
    let mut grid = None;
    if let Some(hid) = i.household_id {
        match household::Entity::find()
            .filter(household::Column::ProvinceCode.eq(&community[..2]))
            .filter(household::Column::Id.eq(hid))
            .filter(household::Column::CommunityCode.eq(&community))
            .one(&db.conn)
            .await?
        {
            Some(h) => grid = Some(h.grid_code),
            None => errors.push(FieldError::new("wish_household", "household_id", "住户不在这个社区")),
        }
    }
    let (Some(title), Some(for_name)) = (title, for_name) else { return Err(StoreError::Invalid(errors)) };
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let txn = db.begin_write().await?;
    Db::lock_province(&txn, &community[..2]).await?;
    let m = wish::ActiveModel {
        province_code: Set(community[..2].to_string()),
        id: Set(Uuid::now_v7()),
        community_code: Set(community.clone()),
        grid_code: Set(grid),
        household_id: Set(i.household_id),
        title: Set(title),
        detail: Set(detail),
        for_name: Set(for_name),
        for_phone: Set(phone),
        due_on: Set(due),
        state: Set(WishState::Open.as_str().into()),
        claimant_kind: Set(None),
        claimant_name: Set(None),
        claimant_worker_id: Set(None),
        claimed_at: Set(None),
        fulfil_note: Set(None),
        fulfilled_at: Set(None),
        confirm_note: Set(None),
        closed_at: Set(None),
        created_by: Set(access.actor.username.clone()),
        created_at: Set(Utc::now()),
        version: Set(1),
    }
    .insert(&*txn)
    .await?;
    crate::audit::entry(&access.actor, "wish.post", &community)
        .target(m.id)
        .detail(m.title.clone())
        .save(&*txn)
        .await?;
    txn.commit().await?;
    Ok(m)
}

/// A step on a wish in the caller's reach, on the version read.
async fn step(db: &Db, access: &Access, id: Uuid, s: WishStep, i: &WishStepInput) -> Result<wish::Model> {
    access.require(Permission::ServeResidents)?;
    let reach = Reach::of(access, None)?;
    let mut errors = Vec::new();
    let note = typed(i.note.as_deref(), "note", "说明", 1000, &mut errors);
    let mut claimant = None;
    let mut claimant_worker = None;
    if s == WishStep::Claim {
        let kind = i.claimant_kind.as_deref().and_then(ClaimantKind::parse);
        if kind.is_none() {
            errors.push(FieldError::new("wish_claimant", "claimant_kind", "认领人应为社区工作者、党员、志愿者或单位"));
        }
        let mut name = typed(i.claimant_name.as_deref(), "claimant_name", "认领人", 60, &mut errors);
        if let (Reach::Worker { worker_id, .. }, Some(other)) = (&reach, i.claimant_worker_id)
            && other != *worker_id
        {
            return Err(StoreError::Forbidden("社区工作者只能以本人名义认领"));
        }
        // A worker claiming as a worker claims for themselves.
        let own = match (&reach, kind) {
            (Reach::Worker { worker_id, .. }, Some(ClaimantKind::Worker)) => Some(*worker_id),
            _ => None,
        };
        if let (Some(ClaimantKind::Worker), Some(wid)) = (kind, own.or(i.claimant_worker_id)) {
            match worker::Entity::find_by_id((reach.province().to_string(), wid))
                .one(&db.conn)
                .await?
                .filter(|w| access.scope.allows_region(&w.region_code) && w.status == WorkerStatus::Active.as_str())
            {
                Some(w) => name = Some(w.name),
                None => {
                    errors.push(FieldError::new("wish_claimant", "claimant_worker_id", "请选择本辖区在岗的社区工作者"))
                }
            }
        }
        if name.is_none() && !errors.iter().any(|e| e.field == "claimant_name") {
            errors.push(FieldError::new("wish_claimant", "claimant_name", "请填写认领人姓名或单位名称"));
        }
        claimant = kind.zip(name);
        claimant_worker = own.or(i.claimant_worker_id);
    }
    if s == WishStep::Fulfil && note.is_none() && errors.is_empty() {
        errors.push(FieldError::new("wish_note", "note", "请填写心愿实现的情况"));
    }
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let txn = db.begin_write().await?;
    Db::lock_province(&txn, reach.province()).await?;
    let w = wish::Entity::find()
        .filter(wish::Column::ProvinceCode.eq(reach.province()))
        .filter(wish::Column::Id.eq(id))
        .filter(in_subtree(wish::Column::CommunityCode, reach.prefix()))
        .one(&*txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    if i.version.is_some_and(|v| v != w.version) {
        return Err(StoreError::Conflict(FieldError::new(
            "wish_changed",
            "version",
            "这条微心愿已被他人处理，请刷新页面",
        )));
    }
    let state = WishState::parse(&w.state).unwrap_or(WishState::Open);
    let to = next(state, s).map_err(|m| StoreError::Conflict(FieldError::new("wish_state", "state", m)))?;
    let now = Utc::now();
    let title = w.title.clone();
    let version = w.version + 1;
    let mut am = w.into_active_model();
    am.state = Set(to.as_str().into());
    am.version = Set(version);
    match s {
        WishStep::Claim => {
            let (kind, name) = claimant.clone().expect("checked above");
            am.claimant_kind = Set(Some(kind.as_str().into()));
            am.claimant_name = Set(Some(name));
            am.claimant_worker_id = Set(claimant_worker.filter(|_| kind == ClaimantKind::Worker));
            am.claimed_at = Set(Some(now));
        }
        WishStep::Fulfil => {
            am.fulfil_note = Set(note.clone());
            am.fulfilled_at = Set(Some(now));
        }
        WishStep::Confirm => {
            am.confirm_note = Set(note.clone());
            am.closed_at = Set(Some(now));
        }
    }
    let m = am.update(&*txn).await?;
    crate::audit::entry(&access.actor, "wish.step", &m.community_code)
        .target(m.id)
        .detail(format!("{}：{}", s.label(), title))
        .save(&*txn)
        .await?;
    txn.commit().await?;
    Ok(m)
}

pub async fn claim(db: &Db, access: &Access, id: Uuid, i: &WishStepInput) -> Result<wish::Model> {
    step(db, access, id, WishStep::Claim, i).await
}

pub async fn fulfil(db: &Db, access: &Access, id: Uuid, i: &WishStepInput) -> Result<wish::Model> {
    step(db, access, id, WishStep::Fulfil, i).await
}

pub async fn confirm(db: &Db, access: &Access, id: Uuid, i: &WishStepInput) -> Result<wish::Model> {
    step(db, access, id, WishStep::Confirm, i).await
}

/// What the wish list is filtered by.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct WishFilter {
    pub region: Option<String>,
    /// open、claimed、fulfilled、closed
    pub state: Option<String>,
}

fn reach_of(access: &Access, region: Option<&str>) -> Result<Reach> {
    let region = match region.map(str::trim).filter(|s| !s.is_empty()) {
        Some(r) => Some(RegionCode::parse(r).map_err(|_| StoreError::NotFound)?),
        None => None,
    };
    Reach::of_communities(access, region.as_ref())
}

/// One page of the wishes of the caller's region (a worker: their community), newest first.
pub async fn wishes(db: &Db, access: &Access, f: &WishFilter, page: u64, per_page: u64) -> Result<(Vec<WishRow>, u64)> {
    let reach = reach_of(access, f.region.as_deref())?;
    let mut c = Condition::all()
        .add(wish::Column::ProvinceCode.eq(reach.province()))
        .add(in_subtree(wish::Column::CommunityCode, reach.prefix()));
    if let Some(s) = f.state.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let s = WishState::parse(s).ok_or_else(|| {
            StoreError::invalid(FieldError::new("wish_filter", "state", "状态应为待认领、已认领、已实现或已办结"))
        })?;
        c = c.add(wish::Column::State.eq(s.as_str()));
    }
    let q = wish::Entity::find().filter(c);
    let total = q.clone().count(&db.conn).await?;
    let models = q
        .order_by_desc(wish::Column::CreatedAt)
        .order_by_desc(wish::Column::Id)
        .offset(page.saturating_sub(1).saturating_mul(per_page))
        .limit(per_page)
        .all(&db.conn)
        .await?;
    let names = crate::regions::names(&db.conn, models.iter().map(|w| w.community_code.clone()).collect()).await?;
    Ok((
        models
            .into_iter()
            .map(|w| {
                let state = WishState::parse(&w.state).unwrap_or(WishState::Open);
                let claimant = w
                    .claimant_kind
                    .as_deref()
                    .and_then(ClaimantKind::parse)
                    .map(|k| format!("{}（{}）", w.claimant_name.clone().unwrap_or_default(), k.label()));
                WishRow {
                    id: w.id,
                    community_name: names.get(&w.community_code).cloned().unwrap_or_default(),
                    community_code: w.community_code,
                    title: w.title,
                    detail: w.detail,
                    for_name: mask_name(&w.for_name),
                    due_on: w.due_on,
                    state,
                    state_label: state.label().into(),
                    claimant,
                    fulfil_note: w.fulfil_note,
                    created_on: china_day(w.created_at),
                    fulfilled_on: w.fulfilled_at.map(china_day),
                    version: w.version,
                }
            })
            .collect(),
        total,
    ))
}

/// The public wall of a community: wishes still open or being fulfilled, oldest first, and the
/// community's figures. Nothing personal: the resident masked, a claimant by kind only.
pub async fn wall(db: &Db, community: &region::Model) -> Result<(Vec<WallItem>, WishFigures)> {
    let all = wish::Entity::find()
        .filter(wish::Column::ProvinceCode.eq(&community.code[..2]))
        .filter(wish::Column::CommunityCode.eq(&community.code))
        .order_by_asc(wish::Column::CreatedAt)
        .limit(5000)
        .all(&db.conn)
        .await?;
    let mut figures = WishFigures::default();
    let mut items = Vec::new();
    for w in all {
        let state = WishState::parse(&w.state).unwrap_or(WishState::Open);
        figures.add(state, w.fulfilled_at.map(|f| (f - w.created_at).num_days()));
        if matches!(state, WishState::Open | WishState::Claimed) {
            items.push(WallItem {
                // What the clerk typed may name the resident or carry a number: masked here too.
                title: shegong_domain::households::public_text(&w.title, &w.for_name),
                detail: None,
                for_name: mask_name(&w.for_name),
                due_on: w.due_on,
                state_label: state.label().into(),
                claimed_by: w.claimant_kind.as_deref().and_then(ClaimantKind::parse).map(|k| k.label().to_string()),
            });
        }
    }
    Ok((items, figures))
}

/// A region's wishes counted (a worker: their community's).
pub async fn wish_figures(db: &Db, access: &Access, region: Option<&str>) -> Result<WishFigures> {
    let reach = reach_of(access, region)?;
    let rows: Vec<(String, chrono::DateTime<Utc>, Option<chrono::DateTime<Utc>>)> = wish::Entity::find()
        .select_only()
        .column(wish::Column::State)
        .column(wish::Column::CreatedAt)
        .column(wish::Column::FulfilledAt)
        .filter(wish::Column::ProvinceCode.eq(reach.province()))
        .filter(in_subtree(wish::Column::CommunityCode, reach.prefix()))
        .into_tuple()
        .all(&db.conn)
        .await?;
    let mut f = WishFigures::default();
    for (state, created, fulfilled) in rows {
        f.add(WishState::parse(&state).unwrap_or(WishState::Open), fulfilled.map(|x| (x - created).num_days()));
    }
    Ok(f)
}
