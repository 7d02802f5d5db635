//! Photos of an event: added by whoever may see it and is not read-only (or by a resident with their
//! report), JPEG or PNG only, capped in size and pixels, kept without their metadata (where and when
//! they were taken, the device) and once per event by content hash; read along with the event.

use crate::Db;
use crate::access::Access;
use crate::entity::{event, event_photo};
use crate::error::{Result, StoreError};
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use sha2::{Digest, Sha256};
use shegong_domain::event_access::may_see;
use shegong_domain::{FieldError, Scope};
use uuid::Uuid;

/// Photos one event may have.
pub const MAX_PER_EVENT: u64 = 9;

/// A kept photo without its bytes.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PhotoInfo {
    /// 内容的 SHA-256（照片的地址）
    pub sha256: String,
    pub content_type: String,
    pub size: i32,
    pub created_by: String,
    /// 添加人姓名（当前的显示名）
    pub created_by_name: String,
    pub created_at: chrono::DateTime<Utc>,
}

fn bad(message: impl Into<String>) -> StoreError {
    StoreError::invalid(FieldError::new("event_photo", "file", message))
}

async fn seen(db: &Db, scope: &Scope, id: Uuid) -> Result<event::Model> {
    event::Entity::find()
        .filter(event::Column::ProvinceCode.eq(scope.region().province()))
        .filter(event::Column::Id.eq(id))
        .one(&db.conn)
        .await?
        .filter(|e| may_see(scope, &super::place(e)))
        .ok_or(StoreError::NotFound)
}

/// Adds a photo to event `id` as `by` (staff), checked and stripped. The same picture twice is kept
/// once.
pub async fn add(db: &Db, by: &Access, id: Uuid, bytes: Vec<u8>) -> Result<PhotoInfo> {
    may_add(by)?;
    let e = seen(db, &by.scope, id).await?;
    keep(db, &e, &by.actor.username, bytes).await
}

/// Whether `by` may add photos at all (a reader may not), asked before a body is read.
pub fn may_add(by: &Access) -> Result<()> {
    if by.role == shegong_domain::access::Role::Auditor {
        return Err(StoreError::Forbidden(super::READ_ONLY));
    }
    Ok(())
}

/// Keeps a checked photo of `e` for `who`.
pub(super) async fn keep(db: &Db, e: &event::Model, who: &str, bytes: Vec<u8>) -> Result<PhotoInfo> {
    if let Some(why) = shegong_domain::files::refusal("photo", &bytes) {
        return Err(bad(why));
    }
    let kept = shegong_domain::photo_meta::strip(&bytes).ok_or_else(|| bad("图片已损坏或不完整，无法读取"))?;
    let content_type = shegong_domain::files::sniff(&kept).unwrap_or("image/jpeg").to_string();
    let sha = hex::encode(Sha256::digest(&kept));
    let txn = db.begin_write().await?;
    let q = event_photo::Entity::find()
        .filter(event_photo::Column::ProvinceCode.eq(e.province_code.as_str()))
        .filter(event_photo::Column::EventId.eq(e.id));
    if let Some(p) = q.clone().filter(event_photo::Column::Sha256.eq(sha.as_str())).one(&*txn).await? {
        return Ok(info(&p));
    }
    if q.count(&*txn).await? >= MAX_PER_EVENT {
        return Err(bad(format!("每件事件最多{MAX_PER_EVENT}张照片")));
    }
    let p = event_photo::ActiveModel {
        province_code: Set(e.province_code.clone()),
        id: Set(Uuid::now_v7()),
        event_id: Set(e.id),
        sha256: Set(sha),
        content_type: Set(content_type),
        size: Set(i32::try_from(kept.len()).unwrap_or(i32::MAX)),
        bytes: Set(kept),
        created_by: Set(who.to_string()),
        created_at: Set(Utc::now()),
    }
    .insert(&*txn)
    .await?;
    txn.commit().await?;
    Ok(info(&p))
}

fn info(p: &event_photo::Model) -> PhotoInfo {
    PhotoInfo {
        sha256: p.sha256.clone(),
        content_type: p.content_type.clone(),
        size: p.size,
        created_by_name: p.created_by.clone(),
        created_by: p.created_by.clone(),
        created_at: p.created_at,
    }
}

type Row = (String, String, i32, String, chrono::DateTime<Utc>);

/// The photos of an event in scope, in the order they were added.
pub async fn list(db: &Db, scope: &Scope, id: Uuid) -> Result<Vec<PhotoInfo>> {
    let e = seen(db, scope, id).await?;
    let rows: Vec<Row> = event_photo::Entity::find()
        .select_only()
        .columns([
            event_photo::Column::Sha256,
            event_photo::Column::ContentType,
            event_photo::Column::Size,
            event_photo::Column::CreatedBy,
            event_photo::Column::CreatedAt,
        ])
        .filter(event_photo::Column::ProvinceCode.eq(e.province_code.as_str()))
        .filter(event_photo::Column::EventId.eq(e.id))
        .order_by_asc(event_photo::Column::Id)
        .into_tuple()
        .all(&db.conn)
        .await?;
    // Named as people are called, not by their login names.
    let mut who: Vec<String> = rows.iter().map(|r| r.3.clone()).collect();
    who.sort();
    who.dedup();
    let names: std::collections::HashMap<String, String> = crate::entity::user::Entity::find()
        .select_only()
        .column(crate::entity::user::Column::Username)
        .column(crate::entity::user::Column::DisplayName)
        .filter(crate::entity::user::Column::Username.is_in(who))
        .into_tuple::<(String, String)>()
        .all(&db.conn)
        .await?
        .into_iter()
        .filter(|(_, d)| !d.trim().is_empty())
        .collect();
    Ok(rows
        .into_iter()
        .map(|(sha256, content_type, size, created_by, created_at)| PhotoInfo {
            sha256,
            content_type,
            size,
            created_by_name: names.get(&created_by).cloned().unwrap_or_else(|| created_by.clone()),
            created_by,
            created_at,
        })
        .collect())
}

/// One photo of an event in scope, with its bytes.
pub async fn get(db: &Db, scope: &Scope, id: Uuid, sha256: &str) -> Result<event_photo::Model> {
    let e = seen(db, scope, id).await?;
    event_photo::Entity::find()
        .filter(event_photo::Column::ProvinceCode.eq(e.province_code.as_str()))
        .filter(event_photo::Column::EventId.eq(e.id))
        .filter(event_photo::Column::Sha256.eq(sha256))
        .one(&db.conn)
        .await?
        .ok_or(StoreError::NotFound)
}
