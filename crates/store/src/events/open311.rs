//! Open311 GeoReport v2 (<https://wiki.open311.org/GeoReport_v2/>) over the events: its clients'
//! keys, a service request recorded as an event (source `open311`, labelled with the key's name), and
//! the requests read back. A request names its community or grid by `address_id` (the region code)
//! inside the key's region; `address_string` and `lat`/`long` are kept as given.
//!
//! Reading needs no key, and then shows nothing personal and no text anyone wrote (the state, the
//! service, the times and the place's name, as a resident's public page does); with a key, the
//! requests that key sent are read in full.

use super::OPEN311;
use super::create::create_as;
use crate::access::Access;
use crate::entity::{event, open311_key, region};
use crate::error::{Result, StoreError};
use crate::{Db, regions::in_subtree, users};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use shegong_domain::events::EventState;
use shegong_domain::{FieldError, Permission, RegionCode};
use uuid::Uuid;

/// The most requests one read returns (the specification's suggested ceiling).
pub const MAX_REQUESTS: u64 = 1000;

fn invalid(code: &'static str, field: &'static str, message: &str) -> StoreError {
    StoreError::invalid(FieldError::new(code, field, message))
}

/// Issues a key for a client named `name`, bound to `region`: by an administrator inside their own
/// region (`Some`), or from the command line (`None`). Returns the key's record and the key, shown
/// only now.
pub async fn add_key(db: &Db, by: Option<&Access>, name: &str, region: &str) -> Result<(open311_key::Model, String)> {
    let name = name.trim();
    let mut errors = Vec::new();
    if name.is_empty() || name.chars().count() > 64 || shegong_domain::events::has_control(name) {
        errors.push(FieldError::new("open311_key_name", "name", "请填写客户端名称（最多64字）"));
    }
    let code = RegionCode::parse(region.trim()).ok();
    if code.is_none() {
        errors.push(FieldError::new("region_invalid", "region", "区划代码无效"));
    }
    let Some(code) = code.filter(|_| errors.is_empty()) else { return Err(StoreError::Invalid(errors)) };
    let created_by = match by {
        Some(a) => {
            a.require(Permission::ManageUsers)?;
            crate::regions::get(db, &a.scope, &code).await?;
            a.actor.username.clone()
        }
        None => {
            region::Entity::find_by_id(code.as_str().to_string()).one(&db.conn).await?.ok_or(StoreError::NotFound)?;
            "cli".to_string()
        }
    };
    let key = users::random_token();
    let txn = db.begin_write().await?;
    // A key's name labels its requests (and lets it read them in full): never two keys, even one
    // revoked, with the same name.
    if open311_key::Entity::find().filter(open311_key::Column::Name.eq(name)).one(&*txn).await?.is_some() {
        return Err(invalid("open311_key_name", "name", "已有同名的密钥（含已吊销的），请换一个名称"));
    }
    let m = open311_key::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(name.to_string()),
        region_code: Set(code.as_str().to_string()),
        key_hash: Set(users::hash_token(&key)),
        created_by: Set(created_by),
        created_at: Set(Utc::now()),
        revoked_at: Set(None),
    }
    .insert(&*txn)
    .await?;
    txn.commit().await?;
    Ok((m, key))
}

/// The keys issued inside an administrator's region, newest first.
pub async fn keys(db: &Db, by: &Access) -> Result<Vec<open311_key::Model>> {
    by.require(Permission::ManageUsers)?;
    Ok(open311_key::Entity::find()
        .filter(in_subtree(open311_key::Column::RegionCode, by.scope.region().as_str()))
        .order_by_desc(open311_key::Column::CreatedAt)
        .all(&db.conn)
        .await?)
}

/// Revokes a key inside an administrator's region.
pub async fn revoke_key(db: &Db, by: &Access, id: Uuid) -> Result<()> {
    by.require(Permission::ManageUsers)?;
    let k = open311_key::Entity::find_by_id(id)
        .filter(in_subtree(open311_key::Column::RegionCode, by.scope.region().as_str()))
        .one(&db.conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    let txn = db.begin_write().await?;
    let mut a: open311_key::ActiveModel = k.into();
    a.revoked_at = Set(Some(Utc::now()));
    a.update(&*txn).await?;
    txn.commit().await?;
    Ok(())
}

/// The key a client sent, if it is one still in force.
pub async fn key(db: &Db, raw: &str) -> Result<Option<open311_key::Model>> {
    let raw = raw.trim();
    if raw.is_empty() || raw.len() > 128 {
        return Ok(None);
    }
    Ok(open311_key::Entity::find()
        .filter(open311_key::Column::KeyHash.eq(users::hash_token(raw)))
        .filter(open311_key::Column::RevokedAt.is_null())
        .one(&db.conn)
        .await?)
}

/// The region a `jurisdiction_id` names, if there is one.
pub async fn jurisdiction(db: &Db, code: &str) -> Result<RegionCode> {
    let c = RegionCode::parse(code.trim()).map_err(|_| StoreError::NotFound)?;
    region::Entity::find_by_id(c.as_str().to_string()).one(&db.conn).await?.ok_or(StoreError::NotFound)?;
    Ok(c)
}

/// A service request as a client posts it (the specification's names).
#[derive(Debug, Clone, Default)]
pub struct ServiceRequest {
    pub service_code: String,
    pub address_id: String,
    pub address_string: Option<String>,
    pub lat: Option<String>,
    pub long: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    pub description: String,
}

/// Records a client's request as an event of its community. The place must be a community or grid
/// inside the key's region.
pub async fn submit(db: &Db, key: &open311_key::Model, r: &ServiceRequest) -> Result<event::Model> {
    let place = r.address_id.trim();
    if place.is_empty() {
        return Err(invalid("event_region", "address_id", "请用 address_id 填写事发社区或网格的区划代码"));
    }
    if !place.starts_with(&key.region_code) {
        return Err(invalid("event_region", "address_id", "address_id 不在该密钥的区划范围内"));
    }
    let name =
        [r.last_name.as_deref(), r.first_name.as_deref()].into_iter().flatten().map(str::trim).collect::<String>();
    let new = super::NewEvent {
        region: place.to_string(),
        category: r.service_code.clone(),
        urgency: None,
        source: OPEN311.into(),
        source_label: Some(key.name.clone()),
        description: r.description.clone(),
        address: r.address_string.clone(),
        lat: r.lat.clone(),
        lon: r.long.clone(),
        reporter_name: Some(name).filter(|n| !n.is_empty()),
        reporter_phone: r.phone.clone(),
    };
    create_as(db, None, &new).await
}

/// The filters of a read (the specification's).
#[derive(Debug, Clone, Default)]
pub struct RequestFilter {
    /// Numbers (`service_request_id`), at most 100.
    pub numbers: Vec<String>,
    pub service_code: Option<String>,
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
    /// `open` or `closed`.
    pub status: Option<String>,
}

/// Open and closed as Open311 knows them.
pub fn status_of(state: &str) -> &'static str {
    if EventState::parse(state).is_none_or(EventState::is_open) { "open" } else { "closed" }
}

/// The requests under `region`, newest first, at most [`MAX_REQUESTS`]; with a key, only those it
/// sent. Without numbers, the last 90 days unless the dates say otherwise.
pub async fn requests(
    db: &Db,
    region: &RegionCode,
    sent_by: Option<&open311_key::Model>,
    f: &RequestFilter,
) -> Result<Vec<event::Model>> {
    let mut q = event::Entity::find()
        .filter(event::Column::ProvinceCode.eq(region.province()))
        .filter(in_subtree(event::Column::CommunityCode, region.as_str()));
    if let Some(k) = sent_by {
        q = q
            .filter(event::Column::Source.eq(OPEN311))
            .filter(event::Column::SourceLabel.eq(k.name.as_str()))
            .filter(in_subtree(event::Column::CommunityCode, &k.region_code));
    }
    if !f.numbers.is_empty() {
        q = q.filter(event::Column::Number.is_in(f.numbers.iter().take(100).map(|n| n.trim().to_string())));
    } else {
        let end = f.end.unwrap_or_else(Utc::now);
        let start = f.start.unwrap_or(end - chrono::Duration::days(90));
        if start > end {
            return Err(invalid("date_invalid", "end_date", "end_date 不能早于 start_date"));
        }
        q = q.filter(event::Column::ReportedAt.gte(start)).filter(event::Column::ReportedAt.lte(end));
    }
    if let Some(c) = f.service_code.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(event::Column::Category.eq(c));
    }
    match f.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => {}
        Some("open") => q = q.filter(event::Column::State.is_in(super::list::OPEN.map(EventState::as_str))),
        Some("closed") => q = q.filter(event::Column::State.is_not_in(super::list::OPEN.map(EventState::as_str))),
        Some(_) => return Err(invalid("status_invalid", "status", "status 应为 open 或 closed")),
    }
    Ok(q.order_by_desc(event::Column::ReportedAt).limit(MAX_REQUESTS).all(&db.conn).await?)
}

/// One request by its number (`service_request_id`), or by its token (the event's id, of a request
/// an Open311 client sent).
pub async fn request(db: &Db, number_or_token: &str) -> Result<event::Model> {
    let s = number_or_token.trim();
    if let Ok(id) = Uuid::parse_str(s) {
        // The token does not say its province: each province's events are asked by name (a handful).
        for p in crate::regions::provinces(&db.conn).await? {
            let found = event::Entity::find()
                .filter(event::Column::ProvinceCode.eq(p))
                .filter(event::Column::Id.eq(id))
                .filter(event::Column::Source.eq(OPEN311))
                .one(&db.conn)
                .await?;
            if let Some(e) = found {
                return Ok(e);
            }
        }
        return Err(StoreError::NotFound);
    }
    // E261130-330481-0002: the county, and with it the province, is in the number.
    let county = s.split('-').nth(1).filter(|c| c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit()));
    let Some(county) = county else { return Err(StoreError::NotFound) };
    event::Entity::find()
        .filter(event::Column::ProvinceCode.eq(&county[..2]))
        .filter(event::Column::Number.eq(s))
        .one(&db.conn)
        .await?
        .ok_or(StoreError::NotFound)
}
