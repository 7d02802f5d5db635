//! The commit in short transactions: check, reserve the new people, write in chunks, finish.
//!
//! 1. Every row is checked without the write lock. Any error refuses the whole file: nothing is
//!    written.
//! 2. One short transaction confirms that none of the new people was registered since the check
//!    (else the check runs again, without the lock), reserves each new person's ID number in the
//!    registry for the archive about to be made — nobody can register that person meanwhile — and
//!    marks the upload `committing`. From here the file is written whole.
//! 3. The new archives are written [`NEW_PER_TXN`] to a transaction. Then the known people are
//!    updated [`UPDATES_PER_TXN`] to a transaction; each chunk reads its people again under the lock
//!    and applies a row only if its person is still as the check found them: a person another clerk
//!    changed meanwhile (moved, exited, renamed, registered elsewhere) keeps that clerk's change, and
//!    the row is reported as not imported. How far the updates have got is saved with each chunk.
//! 4. The last transaction releases the reservations, writes the audit row and marks the upload
//!    `committed` with its counts and the rows not imported.
//!
//! Another clerk's save waits for one chunk at most. If the process stops after step 2, the upload
//! stays `committing` and is finished at the next start: the archives already made are found by
//! their reservations, the updates continue after the last saved row, nothing is done twice.

use super::RowError;
use super::check::{Checked, Holder, against_holder, check, open_posts, registry};
use super::read::Table;
use super::reservations::{existing, registered, release};
use super::update::{import_unchanged, import_update, known_state};
use crate::Db;
use crate::access::Access;
use crate::entity::{import, import_reservation};
use crate::error::{Result, StoreError};
use chrono::{NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, TransactionTrait};
use serde::Serialize;
use shegong_domain::status::{Status, UploadStatus};
use shegong_domain::worker::{NewWorker, WorkerStatus};
use shegong_domain::{FieldError, Permission};
use std::collections::{HashMap, HashSet};
use std::sync::{LazyLock, Mutex};
use uuid::Uuid;

/// What a commit did.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Committed {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Rows not imported because another clerk changed their person while the file was written.
    pub skipped: Vec<RowError>,
}

/// Rows written per write transaction of a commit: another clerk's save waits for one chunk at
/// most, never for the whole file.
pub const NEW_PER_TXN: usize = 5000;
pub(super) const UPDATES_PER_TXN: usize = 200;

/// Why a row is not imported when its person was changed by someone else while the file was written.
const CHANGED_MEANWHILE: &str =
    "导入期间该人员档案已被他人修改（调动、退出、更正等），以他人的修改为准；请核对后重新导入本行";

/// What a clerk is told when a row's person is being registered by another import right now.
pub(super) const RESERVED_ELSEWHERE: &str = "该身份证号码正在由另一批导入建档，请稍后再试";

/// The uploads being committed by this process: a second commit of one answers 409.
static RUNNING: LazyLock<Mutex<HashSet<Uuid>>> = LazyLock::new(Default::default);

struct Running(Uuid);

impl Running {
    fn claim(id: Uuid) -> Result<Self> {
        let mut set = RUNNING.lock().unwrap_or_else(|p| p.into_inner());
        if !set.insert(id) {
            return Err(already_running());
        }
        Ok(Self(id))
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        RUNNING.lock().unwrap_or_else(|p| p.into_inner()).remove(&self.0);
    }
}

/// The province an upload by a caller of `scope` is kept under (as `kept::record` keeps it).
fn upload_province(scope: &shegong_domain::Scope) -> &str {
    scope.region().as_str().get(..2).unwrap_or("00")
}

fn already_running() -> StoreError {
    StoreError::Conflict(FieldError::new("import_running", "id", "该文件正在导入，请稍候查看结果"))
}

/// Which upload a commit writes, whether it finishes one left `committing`, and the pause between
/// its chunks.
pub(super) struct Job {
    pub upload: Uuid,
    pub resuming: bool,
    pub pause: std::time::Duration,
}

/// Commits a kept upload (see the module).
pub(super) async fn commit_run(
    db: &Db,
    access: &Access,
    t: &Table,
    today: NaiveDate,
    progress: &(dyn Fn(usize, usize) + Sync),
    job: Job,
) -> Result<(Checked, Option<Committed>)> {
    let Job { upload: run, resuming, pause } = job;
    access.require(Permission::EditArchive)?;
    let _running = Running::claim(run)?;
    let (scope, actor) = (&access.scope, &access.actor);
    let mut checked = check(&db.conn, scope, t, today).await?;
    if !resuming {
        if !checked.errors.is_empty() {
            return Ok((checked, None));
        }
        match reserve(db, run, &mut checked, t, today, access).await? {
            Reserved::Yes => {}
            Reserved::No(refused) => return Ok((refused, None)),
        }
    }
    // Which rows make new archives (their reservations) and which update known people.
    let reserved: HashMap<String, Uuid> = import_reservation::Entity::find()
        .filter(import_reservation::Column::ImportId.eq(run))
        .all(&db.conn)
        .await?
        .into_iter()
        .map(|r| (r.id_number, r.worker_id))
        .collect();
    let made = existing(&db.conn, upload_province(scope), reserved.values().copied().collect()).await?;
    let m = import::Entity::find()
        .filter(import::Column::ProvinceCode.eq(upload_province(scope)))
        .filter(import::Column::Id.eq(run))
        .one(&db.conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    let progress_row = m.progress_row as usize;
    let since = m.committed_at.unwrap_or_else(Utc::now);
    // A resumed commit starts from what the stopped one saved with its last chunk (the list of rows
    // not imported is kept up to its cap; the ones beyond it are still counted).
    let mut done = Committed::default();
    let mut uncounted = 0;
    if resuming {
        done.unchanged = m.updated.unwrap_or(0) as usize;
        done.skipped = super::errors_of(&m).into_iter().filter(|e| e.row <= progress_row).collect();
        uncounted = (m.error_count.max(0) as usize).saturating_sub(done.skipped.len());
    }
    let mut create: Vec<(Uuid, &NewWorker)> = Vec::new();
    let mut known: Vec<(usize, &NewWorker)> = Vec::new();
    for (row, w) in &checked.valid {
        match reserved.get(w.id_number.as_str()) {
            Some(id) if made.contains(id) => done.created += 1,
            Some(id) => create.push((*id, w)),
            None if *row > progress_row => known.push((*row, w)),
            None => {}
        }
    }
    // Rows a resumed commit's check now refuses: done already, or not imported (their people
    // changed meanwhile).
    for e in std::mem::take(&mut checked.errors) {
        let id = checked.ids.get(&e.row).map(String::as_str).unwrap_or("");
        match reserved.get(id) {
            Some(w) if made.contains(w) => done.created += 1,
            None if e.row <= progress_row => {}
            _ => done.skipped.push(not_imported(e.row, &e.field, &e.message)),
        }
    }
    let total = checked.valid.len();
    let step = |d: &Committed| d.created + d.updated + d.unchanged + d.skipped.len();
    // 3. New archives, a chunk per transaction.
    for chunk in create.chunks(NEW_PER_TXN) {
        let txn = db.begin_write().await?;
        crate::workers::write_new(&txn, actor, chunk, &|w| format!("{} 经批量导入建立档案", w.name.as_str())).await?;
        txn.commit().await?;
        between_chunks(pause).await;
        done.created += chunk.len();
        progress(step(&done), total);
    }
    // Known people, a chunk per transaction, each row against its person as they are now.
    for chunk in known.chunks(UPDATES_PER_TXN) {
        let txn = db.begin_write().await?;
        update_chunk(&txn, access, &checked.holders, since, chunk, &mut done).await?;
        if let Some((last, _)) = chunk.last() {
            set_progress(&txn, (upload_province(scope), run), *last, &done, uncounted).await?;
        }
        txn.commit().await?;
        between_chunks(pause).await;
        progress(step(&done), total);
    }
    // 4. Done.
    let txn = db.begin_write().await?;
    release(&txn, upload_province(scope), run).await?;
    crate::audit::entry(actor, "worker.import", scope.region().as_str())
        .target(run)
        .detail(format!(
            "{} 行：新建 {}，更新 {}，未变 {}，未导入 {}",
            checked.rows,
            done.created,
            done.updated,
            done.unchanged,
            done.skipped.len() + uncounted
        ))
        .save(&txn)
        .await?;
    done.skipped.sort_by_key(|e| e.row);
    import::Entity::update_many()
        .col_expr(import::Column::Status, Expr::value(UploadStatus::Committed.as_str()))
        .col_expr(import::Column::CommittedAt, Expr::value(Some(Utc::now())))
        .col_expr(import::Column::Created, Expr::value(Some(done.created as i32)))
        .col_expr(import::Column::Updated, Expr::value(Some((done.updated + done.unchanged) as i32)))
        .col_expr(import::Column::ErrorCount, Expr::value((done.skipped.len() + uncounted) as i32))
        .col_expr(import::Column::Errors, Expr::value(super::kept_errors(&done.skipped)))
        .filter(import::Column::ProvinceCode.eq(upload_province(scope)))
        .filter(import::Column::Id.eq(run))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    progress(total, total);
    Ok((checked, Some(done)))
}

/// Between two chunks, a pause that lets another process's writer in: inside the server every write
/// queues fairly for the one writer connection, but SQLite's lock between processes is not fair, and
/// a waiting writer (which polls every 100 ms at most) could otherwise miss every gap between chunks
/// of a command-line import until its busy timeout.
async fn between_chunks(pause: std::time::Duration) {
    if !pause.is_zero() {
        tokio::time::sleep(pause).await;
    }
}

enum Reserved {
    Yes,
    No(Checked),
}

/// Step 2: under the write lock, confirms that no new person was registered since the check,
/// reserves them all and marks the upload `committing`. When someone was registered meanwhile, the
/// check runs again without the lock (a few times at most).
async fn reserve(
    db: &Db,
    run: Uuid,
    checked: &mut Checked,
    t: &Table,
    today: NaiveDate,
    access: &Access,
) -> Result<Reserved> {
    for _ in 0..3 {
        let new: Vec<(String, String)> = checked
            .valid
            .iter()
            .filter(|(_, w)| !checked.holders.contains_key(w.id_number.as_str()))
            .map(|(_, w)| (w.id_number.to_string(), w.appointment.community.as_str()[..2].to_string()))
            .collect();
        let txn = db.begin_write().await?;
        let taken = registered(&txn, new.iter().map(|(id, _)| id.clone()).collect()).await?;
        if !taken.is_empty() {
            drop(txn);
            let again = check(&db.conn, &access.scope, t, today).await?;
            if !again.errors.is_empty() {
                return Ok(Reserved::No(again));
            }
            // Still "new" but in the registry: another import under way has reserved them.
            let reserved_elsewhere: Vec<RowError> = again
                .valid
                .iter()
                .filter(|(_, w)| {
                    taken.contains(w.id_number.as_str()) && !again.holders.contains_key(w.id_number.as_str())
                })
                .map(|(row, _)| RowError::new(*row, "身份证号", RESERVED_ELSEWHERE))
                .collect();
            if !reserved_elsewhere.is_empty() {
                return Ok(Reserved::No(Checked {
                    rows: again.rows,
                    errors: reserved_elsewhere,
                    ..Default::default()
                }));
            }
            *checked = again;
            continue;
        }
        // The upload moves to `committing` only from a state no other commit holds.
        let moved = import::Entity::update_many()
            .col_expr(import::Column::Status, Expr::value(UploadStatus::Committing.as_str()))
            .col_expr(import::Column::ProgressRow, Expr::value(0))
            // While `committing`, the time the writing began: a person changed after it was
            // changed by someone else, and keeps that change.
            .col_expr(import::Column::CommittedAt, Expr::value(Some(Utc::now())))
            .filter(import::Column::ProvinceCode.eq(upload_province(&access.scope)))
            .filter(import::Column::Id.eq(run))
            .filter(import::Column::Status.is_in([UploadStatus::Checking.as_str(), UploadStatus::Checked.as_str()]))
            .exec(&txn)
            .await?;
        if moved.rows_affected != 1 {
            return Err(already_running());
        }
        let ids: Vec<(Uuid, &(String, String))> = new.iter().map(|n| (Uuid::now_v7(), n)).collect();
        crate::bulk::insert(
            &txn,
            "id_registry",
            &["id_number", "province_code", "worker_id"],
            ids.iter().map(|(w, (id, p))| vec![id.clone().into(), p.clone().into(), (*w).into()]).collect(),
        )
        .await?;
        crate::bulk::insert(
            &txn,
            "import_reservations",
            &["import_id", "id_number", "worker_id"],
            ids.iter().map(|(w, (id, _))| vec![run.into(), id.clone().into(), (*w).into()]).collect(),
        )
        .await?;
        txn.commit().await?;
        return Ok(Reserved::Yes);
    }
    Err(StoreError::Conflict(FieldError::new("import_busy", "file", "导入期间档案持续有变动，请稍后再试")))
}

fn not_imported(row: usize, field: &str, why: &str) -> RowError {
    let why = why.strip_prefix("未导入：").unwrap_or(why);
    RowError { row, field: field.to_string(), message: format!("未导入：{why}") }
}

/// One chunk of updates, under the write lock: each row's person read again and compared with the
/// check's; a row whose person changed meanwhile is not imported (the other clerk's change stands).
async fn update_chunk(
    txn: &DatabaseTransaction,
    access: &Access,
    expected: &HashMap<String, Holder>,
    since: chrono::DateTime<Utc>,
    chunk: &[(usize, &NewWorker)],
    done: &mut Committed,
) -> Result<()> {
    let now = registry(txn, chunk.iter().map(|(_, w)| w.id_number.to_string()).collect()).await?;
    let open = open_posts(txn, now.values().filter(|h| h.status == WorkerStatus::Active.as_str())).await?;
    let state = known_state(txn, &now.values().collect::<Vec<_>>()).await?;
    for (row, w) in chunk {
        let id = w.id_number.as_str();
        let Some(h) = now.get(id).filter(|h| expected.get(id) == Some(*h)) else {
            done.skipped.push(not_imported(
                *row,
                "身份证号",
                "导入期间该人员档案已有变动（调动、退出或更正），请核对后重新导入本行",
            ));
            continue;
        };
        if let Some(e) = against_holder(*row, w, h, open.get(&h.worker_id), &access.scope) {
            done.skipped.push(not_imported(e.row, &e.field, &e.message));
            continue;
        }
        // Changed by someone else since the writing began (a phone, a post, a correction): their
        // change stands.
        if state.get(&h.worker_id).is_some_and(|(m, _, _)| m.updated_at > since) {
            done.skipped.push(not_imported(*row, "身份证号", CHANGED_MEANWHILE));
            continue;
        }
        if let Some((m, edus, certs)) = state.get(&h.worker_id)
            && import_unchanged(m, edus, certs, w)
        {
            done.unchanged += 1;
            continue;
        }
        // Each row in a savepoint: a row the archive's own rules refuse now is rolled back alone.
        let sp = txn.begin().await?;
        match import_update(&sp, access, h.worker_id, &h.province_code, &h.status, w).await {
            Ok(changed) => {
                sp.commit().await?;
                if changed {
                    done.updated += 1;
                } else {
                    done.unchanged += 1;
                }
            }
            Err(StoreError::Invalid(errs)) => {
                sp.rollback().await?;
                let why = errs.first().map_or("档案规则不允许", |e| e.message.as_str());
                done.skipped.push(not_imported(*row, "身份证号", why));
            }
            Err(StoreError::Conflict(e)) => {
                sp.rollback().await?;
                done.skipped.push(not_imported(*row, "身份证号", &e.message));
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Saves how far the updates have got (the last row, the counts, the rows not imported).
async fn set_progress(
    txn: &DatabaseTransaction,
    (province, run): (&str, Uuid),
    row: usize,
    done: &Committed,
    uncounted: usize,
) -> Result<()> {
    import::Entity::update_many()
        .col_expr(import::Column::ProgressRow, Expr::value(row as i32))
        .col_expr(import::Column::Updated, Expr::value(Some((done.updated + done.unchanged) as i32)))
        .col_expr(import::Column::ErrorCount, Expr::value((done.skipped.len() + uncounted) as i32))
        .col_expr(import::Column::Errors, Expr::value(super::kept_errors(&done.skipped)))
        .filter(import::Column::ProvinceCode.eq(province))
        .filter(import::Column::Id.eq(run))
        .exec(txn)
        .await?;
    Ok(())
}
