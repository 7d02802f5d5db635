//! The audit log's own writer for the entries reads make (see [`Queue`]).

use crate::entity::audit;
use crate::error::Result;
use sea_orm::EntityTrait;

type Waiting = (audit::ActiveModel, tokio::sync::oneshot::Sender<std::result::Result<(), String>>);

/// The audit log's own writer for entries made by reads (a full ID number shown, an export): one
/// task that takes every entry waiting, writes them in one transaction and then answers each
/// waiting request. Under load many reads share one commit (group commit) instead of each queueing
/// for the write lock; a read is answered only after its entry is committed, so none is lost to a
/// crash of a request that was answered.
pub struct Queue {
    tx: tokio::sync::mpsc::UnboundedSender<Waiting>,
}

impl std::fmt::Debug for Queue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("audit::Queue")
    }
}

/// At most this many entries in one statement (nine columns each, far below either engine's limit
/// on bound values).
const BATCH: usize = 500;

impl Queue {
    /// Starts the writer task on the current runtime; it ends when the last handle is dropped.
    pub(crate) fn start(writer: sea_orm::DatabaseConnection) -> Self {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Waiting>();
        tokio::spawn(async move {
            while let Some(first) = rx.recv().await {
                let mut batch = vec![first];
                while batch.len() < BATCH {
                    match rx.try_recv() {
                        Ok(w) => batch.push(w),
                        Err(_) => break,
                    }
                }
                let (rows, waiting): (Vec<_>, Vec<_>) = batch.into_iter().unzip();
                let done = write_batch(&writer, rows).await.map_err(|e| e.to_string());
                if let Err(e) = &done {
                    tracing::error!(error = %e, "审计日志写入失败");
                }
                for w in waiting {
                    let _ = w.send(done.clone());
                }
            }
        });
        Self { tx }
    }

    pub(crate) async fn record(&self, row: audit::ActiveModel) -> Result<()> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let lost = || crate::error::StoreError::Db(sea_orm::DbErr::Custom("审计日志写入任务已停止".into()));
        self.tx.send((row, tx)).map_err(|_| lost())?;
        match rx.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(crate::error::StoreError::Db(sea_orm::DbErr::Custom(e))),
            Err(_) => Err(lost()),
        }
    }
}

async fn write_batch(
    writer: &sea_orm::DatabaseConnection,
    rows: Vec<audit::ActiveModel>,
) -> std::result::Result<(), sea_orm::DbErr> {
    let txn = crate::write_lock::begin_immediate(writer).await?;
    audit::Entity::insert_many(rows).exec(&txn).await?;
    txn.commit().await
}
