//! Uploaded files between check and commit, and commits left unfinished.

use super::check::Checked;
use super::commit::{Committed, Job, commit_run};
use super::kept_errors;
use super::read::{Table, read_table};
use shegong_domain::status::{Status, UploadStatus};

use crate::Db;
use crate::access::Access;
use crate::entity::import;
use crate::error::{Result, StoreError};
use crate::regions::in_subtree;
use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use shegong_domain::Permission;
use shegong_domain::Scope;
use uuid::Uuid;

// ---------------------------------------------------------------------------------------------
// Uploaded files between check and commit

/// Keeps an uploaded file with the result of its check (a dry run).
pub async fn record(
    db: &Db,
    access: &Access,
    filename: &str,
    bytes: Vec<u8>,
    checked: &Checked,
) -> Result<import::Model> {
    keep(db, access, filename, bytes, checked, UploadStatus::Checked).await
}

async fn keep(
    db: &Db,
    access: &Access,
    filename: &str,
    bytes: Vec<u8>,
    checked: &Checked,
    status: UploadStatus,
) -> Result<import::Model> {
    access.require(Permission::EditArchive)?;
    let (scope, actor) = (&access.scope, &access.actor);
    let region = scope.region().as_str();
    let province = if region.len() >= 2 { &region[..2] } else { "00" };
    let name: String = filename.chars().rev().take(200).collect::<Vec<_>>().into_iter().rev().collect();
    Ok(import::ActiveModel {
        province_code: Set(province.to_string()),
        id: Set(Uuid::now_v7()),
        region_code: Set(region.to_string()),
        username: Set(actor.username.clone()),
        filename: Set(name),
        created_at: Set(Utc::now()),
        rows: Set(checked.rows as i32),
        error_count: Set(checked.errors.len() as i32),
        status: Set(status.as_str().into()),
        committed_at: Set(None),
        created: Set(None),
        updated: Set(None),
        errors: Set(kept_errors(&checked.errors)),
        file: Set(bytes),
        progress_row: Set(0),
    }
    .insert(&db.writer)
    .await?)
}

/// Deletes kept uploads (files and their error lists) made before `before`; returns how many.
pub async fn expire(db: &Db, before: chrono::DateTime<Utc>) -> Result<u64> {
    let mut n = 0;
    for p in crate::regions::provinces(&db.conn).await? {
        let r = import::Entity::delete_many()
            .filter(import::Column::ProvinceCode.eq(&p))
            .filter(import::Column::CreatedAt.lt(before))
            .filter(
                import::Column::Status.is_not_in([UploadStatus::Checking.as_str(), UploadStatus::Committing.as_str()]),
            )
            .exec(&db.writer)
            .await?;
        n += r.rows_affected;
    }
    Ok(n)
}

/// A kept upload, if it is inside the caller's scope.
pub async fn get(db: &Db, scope: &Scope, id: Uuid) -> Result<import::Model> {
    find_kept(db, scope, id, true).await
}

/// A kept upload without its file (for showing it).
pub async fn get_summary(db: &Db, scope: &Scope, id: Uuid) -> Result<import::Model> {
    find_kept(db, scope, id, false).await
}

pub(super) async fn find_kept(db: &Db, scope: &Scope, id: Uuid, with_file: bool) -> Result<import::Model> {
    use sea_orm::{Iterable, sea_query::Expr};
    let mut q = import::Entity::find();
    if !with_file {
        q = q
            .select_only()
            .columns(import::Column::iter().filter(|c| !matches!(c, import::Column::File)))
            .column_as(Expr::val(Vec::<u8>::new()), "file");
    }
    q.filter(import::Column::ProvinceCode.eq(scope.region().province()))
        .filter(import::Column::Id.eq(id))
        .filter(in_subtree(import::Column::RegionCode, scope.region().as_str()))
        .one(&db.conn)
        .await?
        .filter(|_| scope.only_worker().is_none())
        .ok_or(StoreError::NotFound)
}

/// Recent uploads in the caller's scope (without their files).
pub async fn recent(db: &Db, scope: &Scope, limit: u64) -> Result<Vec<import::Model>> {
    if scope.only_worker().is_some() {
        return Ok(Vec::new());
    }
    use sea_orm::{Iterable, sea_query::Expr};
    Ok(import::Entity::find()
        .select_only()
        .columns(import::Column::iter().filter(|c| !matches!(c, import::Column::File)))
        .column_as(Expr::val(Vec::<u8>::new()), "file")
        .filter(import::Column::ProvinceCode.eq(scope.region().province()))
        .filter(in_subtree(import::Column::RegionCode, scope.region().as_str()))
        .order_by_desc(import::Column::CreatedAt)
        .limit(limit)
        .all(&db.conn)
        .await?)
}

/// Commits a kept upload (checked again first): all rows or none. An upload left `committing` (the
/// process stopped in the middle) is finished.
pub async fn commit_kept(
    db: &Db,
    access: &Access,
    id: Uuid,
    today: NaiveDate,
) -> Result<(import::Model, Checked, Option<Committed>)> {
    access.require(Permission::EditArchive)?;
    let m = get(db, &access.scope, id).await?;
    match UploadStatus::parse(&m.status) {
        Some(UploadStatus::Committed) => Err(StoreError::Conflict(shegong_domain::FieldError::new(
            "import_committed",
            "id",
            "该文件已经导入，如需更新请重新上传",
        ))),
        // Being written (by this process, or by another one such as the command line): only the
        // start of `serve` finishes an upload a stopped process left `committing`.
        Some(UploadStatus::Committing) => Err(StoreError::Conflict(shegong_domain::FieldError::new(
            "import_running",
            "id",
            "该文件正在导入，请稍候查看结果",
        ))),
        _ => commit_model(db, access, m, today).await,
    }
}

async fn commit_model(
    db: &Db,
    access: &Access,
    m: import::Model,
    today: NaiveDate,
) -> Result<(import::Model, Checked, Option<Committed>)> {
    let t = table_of(&m).await?;
    commit_recorded(db, access, m, &t, today, &|_, _| {}, std::time::Duration::ZERO).await
}

async fn table_of(m: &import::Model) -> Result<Table> {
    let (name, file) = (m.filename.clone(), m.file.clone());
    tokio::task::spawn_blocking(move || read_table(&name, &file))
        .await
        .map_err(|e| StoreError::Other(anyhow::anyhow!(e)))?
}

/// Keeps an uploaded file, then commits it (so that a commit the process could not finish is
/// finished from the kept file). `progress(done, total)` is called between the write transactions.
pub async fn commit_upload(
    db: &Db,
    access: &Access,
    filename: &str,
    bytes: Vec<u8>,
    t: &Table,
    today: NaiveDate,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<(import::Model, Checked, Option<Committed>)> {
    commit_upload_paced(db, access, filename, bytes, t, today, progress, std::time::Duration::ZERO).await
}

/// The pause a commit from outside the server (the command line) leaves between its chunks, so
/// that a running server's writes get the database's lock: longer than SQLite's longest busy wait.
pub const OUTSIDE_THE_SERVER: std::time::Duration = std::time::Duration::from_millis(120);

/// [`commit_upload`] with a pause between chunks (see [`OUTSIDE_THE_SERVER`]).
#[allow(clippy::too_many_arguments)]
pub async fn commit_upload_paced(
    db: &Db,
    access: &Access,
    filename: &str,
    bytes: Vec<u8>,
    t: &Table,
    today: NaiveDate,
    progress: &(dyn Fn(usize, usize) + Sync),
    pause: std::time::Duration,
) -> Result<(import::Model, Checked, Option<Committed>)> {
    let pending = Checked { rows: t.rows.len(), ..Default::default() };
    let m = keep(db, access, filename, bytes, &pending, UploadStatus::Checking).await?;
    commit_recorded(db, access, m, t, today, progress, pause).await
}

pub(super) async fn commit_recorded(
    db: &Db,
    access: &Access,
    m: import::Model,
    t: &Table,
    today: NaiveDate,
    progress: &(dyn Fn(usize, usize) + Sync),
    pause: std::time::Duration,
) -> Result<(import::Model, Checked, Option<Committed>)> {
    let resuming = m.status == UploadStatus::Committing.as_str();
    let id = m.id;
    let (checked, done) = commit_run(db, access, t, today, progress, Job { upload: id, resuming, pause }).await?;
    if done.is_none() {
        // Refused: the upload keeps the check's errors and can be corrected and uploaded again.
        let mut am: import::ActiveModel = m.into();
        am.status = Set(UploadStatus::Checked.as_str().into());
        am.rows = Set(checked.rows as i32);
        am.error_count = Set(checked.errors.len() as i32);
        am.errors = Set(kept_errors(&checked.errors));
        am.update(&db.writer).await?;
    }
    let m = find_kept(db, &access.scope, id, false).await?;
    Ok((m, checked, done))
}

/// At the start of `serve`: finishes the commits a stopped process left `committing`, as the clerk
/// who started each (one that cannot be finished is logged and the others go on), and checks again
/// the uploads it left `checking`: those are kept as checked, to be committed by a clerk who sees the
/// result (committing them now could put an old file over newer imports). Returns how many commits
/// were finished.
pub async fn resume_unfinished(db: &Db, today: NaiveDate) -> Result<usize> {
    let mut ids: Vec<(Uuid, String, String, String)> = Vec::new();
    for p in crate::regions::provinces(&db.conn).await? {
        ids.extend(
            import::Entity::find()
                .select_only()
                .columns([
                    import::Column::Id,
                    import::Column::RegionCode,
                    import::Column::Username,
                    import::Column::Status,
                ])
                .filter(import::Column::ProvinceCode.eq(&p))
                .filter(
                    import::Column::Status.is_in([UploadStatus::Checking.as_str(), UploadStatus::Committing.as_str()]),
                )
                .into_tuple::<(Uuid, String, String, String)>()
                .all(&db.conn)
                .await?,
        );
    }
    let mut n = 0;
    for (id, region, username, status) in ids {
        let Ok(code) = shegong_domain::RegionCode::parse(&region) else {
            continue;
        };
        let access = Access::admin(code.as_str(), &username);
        let outcome = match find_kept(db, &access.scope, id, true).await {
            Ok(m) if status == UploadStatus::Checking.as_str() => recheck(db, &access, m, today).await.map(|_| None),
            Ok(m) => commit_model(db, &access, m, today).await.map(|(_, c, d)| Some((c, d))),
            Err(e) => Err(e),
        };
        match outcome {
            Ok(Some((_, Some(_)))) => n += 1,
            Ok(Some((checked, None))) => {
                tracing::warn!(%id, errors = checked.errors.len(), "an unfinished import was refused by its check")
            }
            Ok(None) => tracing::info!(%id, "an upload whose check was cut off was checked again"),
            Err(e) => tracing::warn!(%id, error = ?e, "an unfinished import could not be finished"),
        }
    }
    Ok(n)
}

/// Checks a kept upload again and keeps the result (nothing is written to the archive).
async fn recheck(db: &Db, access: &Access, m: import::Model, today: NaiveDate) -> Result<()> {
    let t = table_of(&m).await?;
    let checked = super::check(&db.conn, &access.scope, &t, today).await?;
    let mut am: import::ActiveModel = m.into();
    am.status = Set(UploadStatus::Checked.as_str().into());
    am.rows = Set(checked.rows as i32);
    am.error_count = Set(checked.errors.len() as i32);
    am.errors = Set(kept_errors(&checked.errors));
    am.update(&db.writer).await?;
    Ok(())
}
