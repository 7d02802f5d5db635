//! The commit in short transactions, all rows or none: re-check and reserve, write in chunks, finish.

use super::RowError;
use super::check::{Checked, check, registry};
use super::create::create_many;
use super::read::Table;
use super::update::{import_unchanged, import_update, known_state};
use shegong_domain::status::{Status, UploadStatus};

use crate::Db;
use crate::access::Access;
use crate::entity::{id_registry, import};
use crate::error::{Result, StoreError};
use chrono::{NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, Value};
use serde::Serialize;
use shegong_domain::Permission;
use shegong_domain::worker::NewWorker;
use std::collections::HashMap;
use uuid::Uuid;

/// What a commit did.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Committed {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// Rows written per write transaction of a commit: another clerk's save waits for one chunk at
/// most, never for the whole file.
pub(super) const NEW_PER_TXN: usize = 1000;
pub(super) const UPDATES_PER_TXN: usize = 200;

/// What a clerk is told when a row's person is being registered by another import right now.
pub(super) const RESERVED_ELSEWHERE: &str = "该身份证号码正在由另一批导入建档，请稍后再试";

/// Checks the file and writes it: all rows or none (see [`commit_run`]). Without a kept upload to
/// resume from (the command line, benches); the server commits kept uploads.
pub async fn commit(
    db: &Db,
    access: &Access,
    t: &Table,
    today: NaiveDate,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<(Checked, Option<Committed>)> {
    commit_run(db, access, t, today, progress, None).await
}

/// A commit in short write transactions, so that other writers wait for one chunk, not the file:
///
/// 1. every row is checked, without the write lock;
/// 2. one transaction reads again who holds the file's ID numbers (if anything changed, the whole
///    check runs again there), reserves each new person's ID number in the registry for the
///    archive about to be made (so nobody can register that person meanwhile), and marks the kept
///    upload `committing`;
/// 3. the new archives are written [`NEW_PER_TXN`] at a time, then the known ones updated
///    [`UPDATES_PER_TXN`] at a time;
/// 4. the last transaction writes the audit row and marks the upload `committed`.
///
/// Nothing is written unless step 2 commits; after it every row is valid and every new person
/// reserved, so the file is then written whole: if the process stops in between, the upload stays
/// `committing` and is finished at the next start (or when committed again). A resumed run finds
/// the archives already made as known ones (unchanged) and its own reservations for the rest.
/// While step 3 runs, the archives already written are visible; a reserved person is refused to
/// other registrations with [`RESERVED_ELSEWHERE`].
pub(super) async fn commit_run(
    db: &Db,
    access: &Access,
    t: &Table,
    today: NaiveDate,
    progress: &(dyn Fn(usize, usize) + Sync),
    run: Option<(Uuid, bool)>,
) -> Result<(Checked, Option<Committed>)> {
    access.require(Permission::EditArchive)?;
    let (scope, actor) = (&access.scope, &access.actor);
    let resuming = run.is_some_and(|(_, r)| r);
    let mut checked = check(&db.conn, scope, t, today).await?;
    if !checked.errors.is_empty() {
        return Ok((checked, None));
    }
    // 2. Re-check and reserve.
    let txn = db.begin_write().await?;
    let ids: Vec<String> = checked.valid.iter().map(|(_, w)| w.id_number.to_string()).collect();
    if registry(&txn, ids).await? != checked.holders {
        checked = check(&txn, scope, t, today).await?;
        if !checked.errors.is_empty() {
            return Ok((checked, None));
        }
    }
    let holders = &checked.holders;
    let (known, new): (Vec<_>, Vec<_>) = checked
        .valid
        .iter()
        .partition(|(_, w)| holders.contains_key(w.id_number.as_str()));
    // Registry rows for a "new" person point at no archive: reservations of a commit under way.
    let reserved = reservations(&txn, new.iter().map(|(_, w)| w.id_number.to_string()).collect()).await?;
    if !reserved.is_empty() && !resuming {
        let refused = Checked {
            rows: checked.rows,
            errors: new
                .iter()
                .filter(|(_, w)| reserved.contains_key(w.id_number.as_str()))
                .map(|(row, _)| RowError::new(*row, "身份证号", RESERVED_ELSEWHERE))
                .collect(),
            ..Default::default()
        };
        return Ok((refused, None));
    }
    let plan: Vec<(Uuid, &NewWorker)> = new
        .iter()
        .map(|(_, w)| {
            let id = reserved.get(w.id_number.as_str()).copied();
            (id.unwrap_or_else(Uuid::now_v7), w)
        })
        .collect();
    let reserve: Vec<Vec<Value>> = plan
        .iter()
        .filter(|(_, w)| !reserved.contains_key(w.id_number.as_str()))
        .map(|(id, w)| {
            vec![
                Value::from(w.id_number.to_string()),
                Value::from(w.appointment.community.as_str()[..2].to_string()),
                Value::from(*id),
            ]
        })
        .collect();
    crate::bulk::insert(
        &txn,
        "id_registry",
        &["id_number", "province_code", "worker_id"],
        reserve,
    )
    .await?;
    if let Some((id, _)) = run {
        set_status(&txn, id, UploadStatus::Committing).await?;
    }
    txn.commit().await?;
    // 3. Write, a chunk per transaction.
    let total = checked.valid.len();
    let mut done = Committed::default();
    for chunk in plan.chunks(NEW_PER_TXN) {
        let txn = db.begin_write().await?;
        create_many(&txn, actor, chunk).await?;
        txn.commit().await?;
        done.created += chunk.len();
        progress(done.created, total);
    }
    for chunk in known.chunks(UPDATES_PER_TXN) {
        let of = |w: &NewWorker| &holders[w.id_number.as_str()];
        // Which rows change anything is read without the lock; each update reads its worker again.
        let current = known_state(&db.conn, &chunk.iter().map(|(_, w)| of(w)).collect::<Vec<_>>()).await?;
        let mut changed = Vec::new();
        for (_, w) in chunk {
            match current.get(&of(w).worker_id) {
                Some((m, edus, certs)) if import_unchanged(m, edus, certs, w) => done.unchanged += 1,
                Some((m, _, _)) => changed.push((w, m.status.clone())),
                None => {
                    return Err(StoreError::Other(anyhow::anyhow!(
                        "an archive vanished during an import"
                    )));
                }
            }
        }
        if !changed.is_empty() {
            let txn = db.begin_write().await?;
            for (w, status) in changed {
                let h = of(w);
                if import_update(&txn, access, h.worker_id, &h.province_code, &status, w).await? {
                    done.updated += 1;
                } else {
                    done.unchanged += 1;
                }
            }
            txn.commit().await?;
        }
        progress(done.created + done.updated + done.unchanged, total);
    }
    // 4. Done.
    let txn = db.begin_write().await?;
    crate::audit::record(
        &txn,
        actor,
        "worker.import",
        scope.region().as_str(),
        None,
        Some(format!(
            "{} 行：新建 {}，更新 {}，未变 {}",
            checked.rows, done.created, done.updated, done.unchanged
        )),
    )
    .await?;
    if let Some((id, _)) = run {
        set_status(&txn, id, UploadStatus::Committed).await?;
    }
    txn.commit().await?;
    progress(total, total);
    Ok((checked, Some(done)))
}

/// The registry rows of these ID numbers (for ID numbers no archive holds: reservations).
pub(super) async fn reservations(db: &impl ConnectionTrait, ids: Vec<String>) -> Result<HashMap<String, Uuid>> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(500) {
        for r in id_registry::Entity::find()
            .filter(id_registry::Column::IdNumber.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            out.insert(r.id_number, r.worker_id);
        }
    }
    Ok(out)
}

pub(super) async fn set_status(txn: &DatabaseTransaction, id: Uuid, status: UploadStatus) -> Result<()> {
    use sea_orm::sea_query::Expr;
    import::Entity::update_many()
        .col_expr(import::Column::Status, Expr::value(status.as_str()))
        .col_expr(
            import::Column::CommittedAt,
            Expr::value(Some(Utc::now()).filter(|_| status == UploadStatus::Committed)),
        )
        .filter(import::Column::Id.eq(id))
        .exec(txn)
        .await?;
    Ok(())
}
