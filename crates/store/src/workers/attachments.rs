//! Scans kept in an archive: one photo, and certificates, diplomas, agreements and other papers as
//! PDF, JPEG or PNG, checked by their bytes and capped in size. Read in the archive's scope (a worker
//! reads their own); kept and removed by those who edit archives; every change audited.

use super::editable;
use super::read::find_scoped;
use crate::Db;
use crate::access::Access;
use crate::entity::attachment;
use crate::error::{Result, StoreError};
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use shegong_domain::files::{self, MAX_PER_WORKER};
use shegong_domain::{FieldError, Permission, Scope};
use uuid::Uuid;

/// A kept scan without its bytes (for lists).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct AttachmentInfo {
    pub id: Uuid,
    pub kind: String,
    pub kind_label: String,
    pub filename: String,
    pub content_type: String,
    pub size: i32,
    pub created_by: String,
    pub created_at: chrono::DateTime<Utc>,
}

type InfoRow = (Uuid, String, String, String, i32, String, chrono::DateTime<Utc>);

fn info((id, kind, filename, content_type, size, created_by, created_at): InfoRow) -> AttachmentInfo {
    AttachmentInfo {
        id,
        kind_label: files::kind_label(&kind).into(),
        kind,
        filename,
        content_type,
        size,
        created_by,
        created_at,
    }
}

/// The scans of an archive in scope, the photo first, then newest first.
pub async fn list(db: &Db, scope: &Scope, worker_id: Uuid) -> Result<Vec<AttachmentInfo>> {
    let w = find_scoped(&db.conn, scope, worker_id).await?;
    let rows: Vec<InfoRow> = attachment::Entity::find()
        .select_only()
        .columns([
            attachment::Column::Id,
            attachment::Column::Kind,
            attachment::Column::Filename,
            attachment::Column::ContentType,
            attachment::Column::Size,
            attachment::Column::CreatedBy,
            attachment::Column::CreatedAt,
        ])
        .filter(attachment::Column::ProvinceCode.eq(&w.province_code))
        .filter(attachment::Column::WorkerId.eq(w.id))
        .order_by_desc(attachment::Column::CreatedAt)
        .into_tuple()
        .all(&db.conn)
        .await?;
    let mut out: Vec<AttachmentInfo> = rows.into_iter().map(info).collect();
    out.sort_by_key(|a| a.kind != "photo");
    Ok(out)
}

/// One scan with its bytes.
pub async fn get(db: &Db, scope: &Scope, worker_id: Uuid, id: Uuid) -> Result<attachment::Model> {
    let w = find_scoped(&db.conn, scope, worker_id).await?;
    attachment::Entity::find()
        .filter(attachment::Column::ProvinceCode.eq(&w.province_code))
        .filter(attachment::Column::WorkerId.eq(w.id))
        .filter(attachment::Column::Id.eq(id))
        .one(&db.conn)
        .await?
        .ok_or(StoreError::NotFound)
}

/// The archive's photo, if one is kept.
pub async fn photo(db: &Db, scope: &Scope, worker_id: Uuid) -> Result<Option<attachment::Model>> {
    let w = find_scoped(&db.conn, scope, worker_id).await?;
    Ok(attachment::Entity::find()
        .filter(attachment::Column::ProvinceCode.eq(&w.province_code))
        .filter(attachment::Column::WorkerId.eq(w.id))
        .filter(attachment::Column::Kind.eq("photo"))
        .order_by_desc(attachment::Column::CreatedAt)
        .one(&db.conn)
        .await?)
}

/// Keeps a scan (a new photo replaces the old one). Refused, naming the field, when the kind is
/// unknown, the file is not a PDF/JPEG/PNG by its bytes, too large, or the archive is full.
pub async fn add(
    db: &Db,
    access: &Access,
    worker_id: Uuid,
    kind: &str,
    filename: &str,
    bytes: Vec<u8>,
) -> Result<AttachmentInfo> {
    access.require(Permission::EditArchive)?;
    let (scope, actor) = (&access.scope, &access.actor);
    editable(scope)?;
    if let Some(why) = files::refusal(kind, &bytes) {
        let field = if files::KINDS.iter().any(|(k, _)| *k == kind) { "file" } else { "kind" };
        return Err(StoreError::invalid(FieldError::new("attachment_refused", field, why)));
    }
    let Some(content_type) = files::sniff(&bytes) else {
        return Err(StoreError::invalid(FieldError::new(
            "attachment_refused",
            "file",
            "只能上传 PDF、JPEG 或 PNG 文件",
        )));
    };
    let filename = files::clean_name(filename);
    let txn = db.begin_write().await?;
    let w = find_scoped(&txn, scope, worker_id).await?;
    let mine = attachment::Entity::find()
        .filter(attachment::Column::ProvinceCode.eq(&w.province_code))
        .filter(attachment::Column::WorkerId.eq(w.id));
    if kind == "photo" {
        attachment::Entity::delete_many()
            .filter(attachment::Column::ProvinceCode.eq(&w.province_code))
            .filter(attachment::Column::WorkerId.eq(w.id))
            .filter(attachment::Column::Kind.eq("photo"))
            .exec(&txn)
            .await?;
    } else if mine.count(&txn).await? >= MAX_PER_WORKER {
        return Err(StoreError::Conflict(FieldError::new(
            "attachments_full",
            "file",
            format!("每份档案最多保存{MAX_PER_WORKER}份材料，请先删除不需要的"),
        )));
    }
    let size = bytes.len() as i32;
    let m = attachment::ActiveModel {
        province_code: Set(w.province_code.clone()),
        id: Set(Uuid::now_v7()),
        worker_id: Set(w.id),
        region_code: Set(w.region_code.clone()),
        kind: Set(kind.into()),
        filename: Set(filename.clone()),
        content_type: Set(content_type.into()),
        size: Set(size),
        bytes: Set(bytes),
        created_by: Set(actor.username.clone()),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    crate::audit::entry(actor, "worker.attachment", &w.region_code)
        .target(w.id)
        .detail(format!("{}：{filename}（{} KB）", files::kind_label(kind), (size as u32).div_ceil(1024)))
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok(info((m.id, m.kind, m.filename, m.content_type, m.size, m.created_by, m.created_at)))
}

/// Removes a scan kept by mistake.
pub async fn remove(db: &Db, access: &Access, worker_id: Uuid, id: Uuid) -> Result<()> {
    access.require(Permission::EditArchive)?;
    let (scope, actor) = (&access.scope, &access.actor);
    editable(scope)?;
    let txn = db.begin_write().await?;
    let w = find_scoped(&txn, scope, worker_id).await?;
    let a = attachment::Entity::find()
        .select_only()
        .columns([attachment::Column::Kind, attachment::Column::Filename])
        .filter(attachment::Column::ProvinceCode.eq(&w.province_code))
        .filter(attachment::Column::WorkerId.eq(w.id))
        .filter(attachment::Column::Id.eq(id))
        .into_tuple::<(String, String)>()
        .one(&txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    attachment::Entity::delete_by_id((w.province_code.clone(), id)).exec(&txn).await?;
    crate::audit::entry(actor, "worker.attachment.remove", &w.region_code)
        .target(w.id)
        .detail(format!("{}：{}", files::kind_label(&a.0), a.1))
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}
