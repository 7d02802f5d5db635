//! Connecting to either engine, configured on purpose.

use crate::cache::FiguresCache;
use crate::migration::Migrator;
use anyhow::Context;
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, ExecResult,
    QueryResult, Statement,
};
use sea_orm_migration::MigratorTrait;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// A handle on the database; cheap to clone.
///
/// `conn` is for reads. Every write goes through [`Db::begin_write`] (or, for a single autocommit
/// statement, through `writer`): on SQLite that is one dedicated connection whose transactions begin
/// with `BEGIN IMMEDIATE`, so writers queue in order on the pool instead of failing with
/// `database is locked` (a deferred transaction that read first cannot upgrade to a write lock once
/// another writer committed, whatever the busy timeout). On PostgreSQL both are the same pool.
#[derive(Clone, Debug)]
pub struct Db {
    pub conn: DatabaseConnection,
    pub writer: DatabaseConnection,
    /// Figures kept between requests until the next committed write (see [`crate::cache`]).
    pub cache: Arc<FiguresCache>,
    /// Plain connections for large reads on SQLite (see [`crate::scan`]); `None` on PostgreSQL.
    pub reads: Option<Arc<crate::scan::Reads>>,
    /// The audit log's writer for entries that reads make (see [`crate::audit::Queue`]).
    pub audit: Arc<crate::audit_queue::Queue>,
    /// Reference data kept between requests (see [`crate::memo`]).
    pub memo: Arc<crate::memo::Memo>,
    /// The queue of the reports' writer, started by the first report (see `events::intake`).
    #[doc(hidden)]
    pub intake: Arc<std::sync::OnceLock<tokio::sync::mpsc::Sender<Box<dyn std::any::Any + Send>>>>,
}

/// Called with the text of every statement (see [`Db::connect_observed`]).
pub type StatementHook = Arc<dyn Fn(&str) + Send + Sync>;

/// A write transaction from [`Db::begin_write`]. It is used like the transaction it holds; its
/// [`WriteTxn::commit`] also tells the figures cache that the data changed.
pub struct WriteTxn {
    txn: Option<DatabaseTransaction>,
    cache: Arc<FiguresCache>,
}

impl WriteTxn {
    /// Commits, then marks every kept figure as out of date.
    pub async fn commit(mut self) -> Result<(), DbErr> {
        let txn = self.txn.take().expect("a write transaction is committed once");
        let done = txn.commit().await;
        self.cache.written();
        done
    }

    /// Rolls back (dropping the transaction does the same).
    pub async fn rollback(mut self) -> Result<(), DbErr> {
        self.txn.take().expect("a write transaction is ended once").rollback().await
    }
}

impl std::ops::Deref for WriteTxn {
    type Target = DatabaseTransaction;
    fn deref(&self) -> &DatabaseTransaction {
        self.txn.as_ref().expect("a write transaction is used before it ends")
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for WriteTxn {
    fn get_database_backend(&self) -> DbBackend {
        (**self).get_database_backend()
    }
    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        (**self).execute_raw(stmt).await
    }
    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        (**self).execute_unprepared(sql).await
    }
    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        (**self).query_one_raw(stmt).await
    }
    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        (**self).query_all_raw(stmt).await
    }
    fn support_returning(&self) -> bool {
        (**self).support_returning()
    }
}

/// How long a write may wait for the writer connection before it is given up (a long import commit
/// ahead of it in the queue takes seconds, not minutes).
const WRITER_WAIT: Duration = Duration::from_secs(120);

/// The SQLite URL for a data directory: `<data-dir>/shegong.db`.
pub fn sqlite_url(data_dir: &Path) -> String {
    format!("sqlite://{}?mode=rwc", data_dir.join("shegong.db").display())
}

impl Db {
    /// Connects to `url` (`sqlite://…` or `postgres://…`). SQLite runs in WAL mode with foreign keys on
    /// and a busy timeout on every pooled connection.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        Self::connect_observed(url, None).await
    }

    /// [`Db::connect`], with `on_statement` called with the text of every statement run on
    /// PostgreSQL (tests use it to catch statements that would go to every shard on Citus).
    pub async fn connect_observed(url: &str, on_statement: Option<StatementHook>) -> anyhow::Result<Self> {
        let sqlite = url.starts_with("sqlite:");
        // `plain`: without TLS whatever the URL says (the fall-back of `prefer`, see `crate::tls`).
        let options = |plain: bool| {
            let mut opts = ConnectOptions::new(url.to_string());
            opts.sqlx_logging(false).acquire_timeout(Duration::from_secs(30)).connect_timeout(Duration::from_secs(10));
            if sqlite {
                opts.max_connections(8).min_connections(1);
                opts.map_sqlx_sqlite_opts(sqlite_options);
            } else {
                opts.max_connections(32).min_connections(1);
                if plain {
                    opts.map_sqlx_postgres_opts(|o| o.ssl_mode(sea_orm::sqlx::postgres::PgSslMode::Disable));
                }
            }
            opts
        };
        let failed = |why: String| anyhow::anyhow!("无法连接数据库 {}：{why}", redact(url));
        let mut conn = match Database::connect(options(false)).await {
            Ok(c) => c,
            Err(e) if crate::tls::falls_back(url, &e) => {
                // As libpq does under `prefer`: the TLS connection failed, so try without.
                let tls_error = crate::tls::cause(&e).unwrap_or_else(|| e.to_string());
                tracing::warn!(error = %tls_error, "数据库 TLS 连接失败，按 sslmode 设置改用不加密连接");
                Database::connect(options(true))
                    .await
                    .map_err(|e| failed(format!("TLS 连接失败（{tls_error}），改用不加密连接后仍失败：{e}")))?
            }
            Err(e) => return Err(failed(crate::tls::explain(url, &e).unwrap_or_else(|| e.to_string()))),
        };
        if let Some(hook) = on_statement
            && !sqlite
        {
            conn.set_metric_callback(move |i| hook(&i.statement.sql));
        }
        let writer = if sqlite {
            let mut w = ConnectOptions::new(url.to_string());
            w.sqlx_logging(false)
                .max_connections(1)
                .min_connections(1)
                .acquire_timeout(WRITER_WAIT)
                .connect_timeout(Duration::from_secs(10))
                .map_sqlx_sqlite_opts(sqlite_options);
            Database::connect(w).await.with_context(|| format!("无法连接数据库 {}", redact(url)))?
        } else {
            conn.clone()
        };
        let reads = if sqlite {
            crate::scan::Reads::for_file(conn.get_sqlite_connection_pool().connect_options().get_filename())
        } else {
            None
        };
        Ok(Self {
            conn,
            audit: Arc::new(crate::audit_queue::Queue::start(writer.clone())),
            writer,
            cache: Arc::default(),
            memo: Arc::default(),
            intake: Arc::default(),
            reads,
        })
    }

    /// Begins a write transaction holding the write lock from its first statement: on SQLite the one
    /// writer connection with `BEGIN IMMEDIATE`; on PostgreSQL an ordinary transaction (row locks are
    /// taken by the statements themselves, see [`Db::lock_province`]).
    pub async fn begin_write(&self) -> Result<WriteTxn, DbErr> {
        let txn = crate::write_lock::begin_immediate(&self.writer).await?;
        Ok(WriteTxn { txn: Some(txn), cache: self.cache.clone() })
    }

    /// Inside a write transaction, serialises the writers of one province whose check-then-write must
    /// not interleave (e.g. two overlapping payroll runs): on PostgreSQL it locks the province's
    /// region row until the transaction ends; on SQLite the transaction already holds the database's
    /// write lock.
    pub async fn lock_province(txn: &DatabaseTransaction, province: &str) -> Result<(), DbErr> {
        if txn.get_database_backend() == DbBackend::Postgres {
            txn.query_one_raw(sea_orm::Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT code FROM regions WHERE code = $1 FOR UPDATE",
                [province.into()],
            ))
            .await?;
        }
        Ok(())
    }

    /// On SQLite, sets the writer connection for (`on`) or back from a bulk load into a database
    /// nobody else writes to yet (the demo): foreign keys not checked, so that its many-row inserts
    /// need no statement journal (see [`crate::bulk::insert_head`]), and the log checkpointed once
    /// at the end instead of every thousand pages (each index page a load touches would be copied
    /// back into the file over and over). Nothing on PostgreSQL.
    pub async fn bulk_load(&self, on: bool) -> Result<(), DbErr> {
        if self.backend() == DbBackend::Sqlite {
            let sql = if on {
                "PRAGMA foreign_keys = OFF; PRAGMA wal_autocheckpoint = 0; PRAGMA cache_size = -1048576;"
            } else {
                "PRAGMA foreign_keys = ON; PRAGMA wal_autocheckpoint = 1000; PRAGMA cache_size = -65536; \
                 PRAGMA wal_checkpoint(TRUNCATE);"
            };
            self.writer.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    /// During a bulk load on SQLite (see [`Db::bulk_load`]), copies what the log holds into the
    /// database file every quarter of a second until `done` is notified: a reader connection does
    /// it (`PASSIVE`: the writer goes on), on the core the load leaves idle, so the checkpoint at
    /// the end has only the last part to copy. Nothing on PostgreSQL. Stop it with
    /// `done.notify_one()` (which is kept for it if it is busy checkpointing; `notify_waiters` is not).
    pub async fn checkpoints_until(&self, done: &tokio::sync::Notify) {
        if self.backend() != DbBackend::Sqlite {
            return;
        }
        loop {
            tokio::select! {
                _ = done.notified() => return,
                _ = tokio::time::sleep(Duration::from_millis(250)) => {}
            }
            if let Err(e) = self.conn.execute_unprepared("PRAGMA wal_checkpoint(PASSIVE)").await {
                tracing::debug!(error = %e, "checkpoint during a bulk load");
            }
        }
    }

    /// Runs the migrations, and nothing else (`setup::run` also installs the shipped policies and
    /// fills the statistics table).
    pub async fn migrate(&self) -> anyhow::Result<()> {
        Migrator::up(&self.conn, None).await.context("数据库迁移失败")?;
        Ok(())
    }

    /// A trivial round trip, for health checks.
    pub async fn ping(&self) -> anyhow::Result<()> {
        self.conn.execute_unprepared("SELECT 1").await?;
        Ok(())
    }

    /// Refreshes the planner's statistics (after bulk loads). `ANALYZE` means the same on both engines;
    /// on SQLite every pooled reader is then told (see [`Db::statistics_changed`]).
    pub async fn analyze(&self) -> Result<(), DbErr> {
        // On SQLite from a sample of each index (its first thousand rows and an estimate of the
        // rest, as `PRAGMA optimize` measures), not every row: 0.2 s instead of 1 s after a demo
        // load, and the plans the list's test asks for (`crates/store/tests/list_plans.rs`).
        self.writer
            .execute_unprepared(if self.backend() == DbBackend::Sqlite {
                "PRAGMA analysis_limit = 1000; ANALYZE; PRAGMA analysis_limit = 0;"
            } else {
                "ANALYZE"
            })
            .await?;
        self.statistics_changed().await
    }

    /// On SQLite, makes every connection plan with the statistics just gathered. A connection reads
    /// `sqlite_stat1` only when it (re)reads the schema, and a prepared statement (each pooled
    /// connection keeps its own) keeps its plan until then: after a demo load the readers went on
    /// scanning a province's workers for a search the index answers in a tenth of the time. An
    /// empty table created and dropped changes the schema's version, so each connection re-reads the
    /// schema, statistics included, and re-prepares its statements at their next use.
    pub async fn statistics_changed(&self) -> Result<(), DbErr> {
        if self.backend() == DbBackend::Sqlite {
            self.writer
                .execute_unprepared(
                    "CREATE TABLE IF NOT EXISTS shegong_statistics_changed (x INTEGER); \
                     DROP TABLE shegong_statistics_changed;",
                )
                .await?;
        }
        Ok(())
    }

    /// On SQLite, refreshes the statistics of the tables that changed much since they were last
    /// measured, or never were (`PRAGMA optimize`, bounded in time by SQLite itself); without them
    /// the planner reads a subtree's grades through the wrong index. Nothing on PostgreSQL, whose
    /// autovacuum does it.
    pub async fn optimize(&self) -> anyhow::Result<()> {
        if self.backend() == DbBackend::Sqlite {
            self.writer.execute_unprepared("PRAGMA optimize=0x10002").await?;
            self.statistics_changed().await?;
        }
        Ok(())
    }

    pub fn backend(&self) -> DbBackend {
        self.conn.get_database_backend()
    }

    /// An online copy of a SQLite database (`VACUUM INTO`), safe while the server runs.
    pub async fn backup_sqlite(&self, out: &Path) -> anyhow::Result<()> {
        anyhow::ensure!(self.backend() == DbBackend::Sqlite, "backup 仅适用于内嵌 SQLite；PostgreSQL 请使用 pg_dump");
        anyhow::ensure!(!out.exists(), "目标文件已存在：{}", out.display());
        let path = out.display().to_string().replace('\'', "''");
        self.conn.execute_unprepared(&format!("VACUUM INTO '{path}'")).await.context("备份失败")?;
        Ok(())
    }
}

/// The same pragmas on every SQLite connection, readers and the writer alike.
fn sqlite_options(o: sea_orm::sqlx::sqlite::SqliteConnectOptions) -> sea_orm::sqlx::sqlite::SqliteConnectOptions {
    o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
        .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10))
        .pragma("cache_size", "-65536")
        .pragma("temp_store", "memory")
        // SQLite runs on a worker thread that hands rows over a channel: a deep channel lets it run
        // ahead instead of waking the reader for every 50 rows (a province's counts read tens of
        // thousands of rows; the default cost more in thread switches than in SQLite itself).
        .row_buffer_size(8192)
}

/// A URL with its password hidden, for messages and logs.
pub fn redact(url: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let base = match (base.find("://"), base.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &base[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &base[..s + 3], &creds[..c], &base[at..]),
                None => base.to_string(),
            }
        }
        _ => base.to_string(),
    };
    // A password given as a parameter (`password=`, `sslpassword=`) is masked too.
    match query {
        None => base,
        Some(q) => {
            let params: Vec<String> = q
                .split('&')
                .map(|p| match p.split_once('=') {
                    Some((k, _)) if k.to_ascii_lowercase().contains("password") => format!("{k}=***"),
                    _ => p.to_string(),
                })
                .collect();
            format!("{base}?{}", params.join("&"))
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn redacts_passwords() {
        assert_eq!(super::redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(super::redact("sqlite://x.db"), "sqlite://x.db");
        assert_eq!(
            super::redact("postgres://u@h/db?password=S3cret&sslmode=require&sslpassword=k"),
            "postgres://u@h/db?password=***&sslmode=require&sslpassword=***"
        );
    }
}
