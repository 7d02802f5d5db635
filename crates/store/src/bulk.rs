//! Raw SQL where the statement builder's per-value cost shows: many-row inserts and wide aggregate
//! queries. Placeholders are written for the connection's engine (`$n` on PostgreSQL, `?` on SQLite).

use crate::error::Result;
use sea_orm::sqlx::Sqlite;
use sea_orm::sqlx::pool::PoolConnection;
use sea_orm::{ConnectionTrait, DbBackend, Statement, Value};

/// A statement under construction: text plus its bound values.
pub(crate) struct Sql {
    backend: DbBackend,
    pub text: String,
    values: Vec<Value>,
}

impl Sql {
    pub fn new(backend: DbBackend) -> Self {
        Self { backend, text: String::with_capacity(1024), values: Vec::new() }
    }

    /// The engine the statement is written for.
    pub fn backend(&self) -> DbBackend {
        self.backend
    }

    pub fn push(&mut self, s: &str) -> &mut Self {
        self.text.push_str(s);
        self
    }

    /// Appends a placeholder for `v`.
    pub fn bind(&mut self, v: impl Into<Value>) -> &mut Self {
        self.values.push(v.into());
        match self.backend {
            DbBackend::Postgres => {
                self.text.push('$');
                self.text.push_str(&self.values.len().to_string());
            }
            _ => self.text.push('?'),
        }
        self
    }

    pub fn statement(self) -> Statement {
        Statement::from_sql_and_values(self.backend, self.text, self.values)
    }
}

/// The head of a many-row insert into `table` on `backend`. On SQLite `INSERT OR FAIL`: a statement
/// that writes many rows and may abort (any NOT NULL or unique check does) keeps a statement journal
/// of every page it changes, to undo itself alone; `FAIL` stops at the failing row without undoing
/// the rows before it, which needs no journal. Every caller gives the error up with its transaction
/// (rolled back whole), so nothing of a failed statement is kept either way. The journal is skipped
/// only where no foreign key is checked immediately (the demo load, [`crate::Db::bulk_load`]):
/// there it was a third of the time of inserting a province's rows.
pub(crate) fn insert_head(backend: DbBackend, table: &str, cols: &[&str]) -> String {
    let verb = if backend == DbBackend::Sqlite { "INSERT OR FAIL INTO" } else { "INSERT INTO" };
    format!("{verb} {table} ({}) VALUES ", cols.join(", "))
}

/// An insert built by the query builder, written as [`insert_head`] writes one.
pub(crate) fn or_fail(mut s: Statement) -> Statement {
    if s.db_backend == DbBackend::Sqlite && s.sql.starts_with("INSERT INTO") {
        s.sql.replace_range(.."INSERT INTO".len(), "INSERT OR FAIL INTO");
    }
    s
}

/// Inserts models built by the query builder, `chunk` to a statement, as [`insert`] writes rows.
pub(crate) async fn insert_models<A>(db: &impl ConnectionTrait, rows: Vec<A>, chunk: usize) -> Result<()>
where
    A: sea_orm::ActiveModelTrait + Send,
{
    run(db, model_statements(db.get_database_backend(), rows, chunk)).await
}

/// The statements [`insert_models`] runs, each made when it is asked for.
pub(crate) fn model_statements<A>(
    backend: DbBackend,
    rows: Vec<A>,
    chunk: usize,
) -> impl Iterator<Item = Statement> + Send
where
    A: sea_orm::ActiveModelTrait + Send,
{
    use sea_orm::{EntityTrait, QueryTrait};
    let mut rows = rows.into_iter();
    std::iter::from_fn(move || {
        let n = chunk_of(rows.len(), chunk)?;
        let c: Vec<A> = rows.by_ref().take(n).collect();
        Some(or_fail(<A::Entity as EntityTrait>::insert_many(c).build(backend)))
    })
}

/// How many of `left` rows the next statement takes, at most `most`; `None` when none are left.
/// Always a power of two: the largest not above `most` while that many are left, then the rest in
/// falling powers of two. So a table's statements come in a few texts only, each prepared once and
/// kept by the driver (by text): a statement of 2,000 rows costs as much to parse and compile as to
/// run, and chunks cut to whatever was left made nearly every one of the demo's statements new.
pub(crate) fn chunk_of(left: usize, most: usize) -> Option<usize> {
    let top = 1usize << most.max(1).ilog2();
    (left > 0).then(|| if left >= top { top } else { 1 << left.ilog2() })
}

/// Runs `statements` in order on `db`, each made (the iterator's `next`) while the one before it
/// runs. The engine works on a thread (SQLite) or a server (PostgreSQL) of its own, and making a
/// many-row statement costs about as much as running it: taken in turns, as before, each waited
/// for the other and the demo load kept one of two cores busy. Stops at the first error, with the
/// statement running then finished first (its connection is not left with a half-read answer).
/// Nothing else may use `db` while this runs: a call awaited between two statements would wait for
/// the connection held by the statement still running.
pub(crate) async fn run<C: ConnectionTrait>(db: &C, statements: impl Iterator<Item = Statement> + Send) -> Result<()> {
    let mut running = None;
    for next in statements {
        if let Some(r) = running.take() {
            r.await?;
        }
        let mut started = db.execute_raw(next);
        // Polled once, the statement goes to the engine; it runs while the next one is made.
        match std::future::poll_fn(|cx| std::task::Poll::Ready(started.as_mut().poll(cx))).await {
            std::task::Poll::Ready(r) => {
                r?;
            }
            std::task::Poll::Pending => running = Some(started),
        }
    }
    if let Some(r) = running {
        r.await?;
    }
    Ok(())
}

/// A write transaction that only inserts, for loads into a database nobody else writes to yet
/// (the demo). On SQLite the writer connection itself, through the driver: each statement's values
/// are made ready for it (sea-orm's own conversion) while the one before runs, so the engine's
/// thread waits for nothing between two. Through a sea-orm transaction, as [`run`] does, the values
/// are copied and converted only once the statement before has finished, and that was a third of
/// the demo's worker records' time. On PostgreSQL an ordinary write transaction.
pub(crate) enum Loader {
    Sqlite(SqliteLoad),
    /// `None` once a statement failed (the transaction rolled back).
    Other(Option<crate::db::WriteTxn>),
}

pub(crate) struct SqliteLoad {
    /// Out while a statement runs.
    conn: Held,
    cache: std::sync::Arc<crate::cache::FiguresCache>,
}

/// The writer connection while its transaction is open. Dropped so (an error, a panic, a task
/// cancelled, a statement's future dropped while it runs), the connection is closed instead of going
/// back to the pool with the transaction open, and SQLite rolls the transaction back as it closes.
struct Held(Option<PoolConnection<Sqlite>>);

impl Drop for Held {
    fn drop(&mut self) {
        if let Some(c) = &mut self.0 {
            c.close_on_drop();
        }
    }
}

impl Held {
    fn conn(&mut self) -> Result<&mut PoolConnection<Sqlite>> {
        Ok(self.0.as_mut().ok_or_else(gone)?)
    }
}

type Running = std::pin::Pin<Box<dyn Future<Output = (Held, std::result::Result<(), sea_orm::sqlx::Error>)> + Send>>;

impl Loader {
    /// Begins the transaction, holding the write lock from the start as [`crate::Db::begin_write`].
    pub async fn begin(db: &crate::Db) -> Result<Self> {
        if db.backend() != DbBackend::Sqlite {
            return Ok(Loader::Other(Some(db.begin_write().await?)));
        }
        // Held before `BEGIN`: a begin cancelled before its answer closes the connection too.
        let mut held = Held(Some(db.writer.get_sqlite_connection_pool().acquire().await.map_err(driver)?));
        sea_orm::sqlx::raw_sql(sea_orm::sqlx::AssertSqlSafe("BEGIN IMMEDIATE"))
            .execute(&mut **held.conn()?)
            .await
            .map_err(driver)?;
        Ok(Loader::Sqlite(SqliteLoad { conn: held, cache: db.cache.clone() }))
    }

    /// Runs `statements` in order, as [`run`] does.
    pub async fn run(&mut self, statements: impl Iterator<Item = Statement> + Send) -> Result<()> {
        use sea_orm::sqlx::IntoArguments;
        let slot = match self {
            Loader::Other(slot) => {
                let done = run(&**slot.as_ref().ok_or_else(gone)?, statements).await;
                if done.is_err() {
                    // Rolled back as it drops: PostgreSQL would answer a commit with a rollback.
                    *slot = None;
                }
                return done;
            }
            Loader::Sqlite(l) => &mut l.conn,
        };
        let mut running: Option<Running> = None;
        // Made here, while the statement before runs.
        let ready = statements.map(|s| {
            let values = s.values.map(|v| v.0).unwrap_or_default();
            let args: sea_orm::sqlx::sqlite::SqliteArguments =
                IntoArguments::<Sqlite>::into_arguments(sea_query_sqlx::SqlxValues(sea_orm::sea_query::Values(values)));
            (s.sql, args)
        });
        for (sql, args) in ready {
            if let Some(r) = running.take() {
                let (held, done) = r.await;
                *slot = settled(held, done)?;
            }
            let mut held = std::mem::replace(slot, Held(None));
            held.conn()?;
            let mut started: Running = Box::pin(async move {
                let done = match held.0.as_mut() {
                    Some(conn) => sea_orm::sqlx::query_with(sea_orm::sqlx::AssertSqlSafe(sql), args)
                        .execute(&mut **conn)
                        .await
                        .map(|_| ()),
                    None => Err(sea_orm::sqlx::Error::PoolClosed),
                };
                (held, done)
            });
            // Polled once, the statement goes to the engine's thread.
            match std::future::poll_fn(|cx| std::task::Poll::Ready(started.as_mut().poll(cx))).await {
                std::task::Poll::Ready((held, done)) => *slot = settled(held, done)?,
                std::task::Poll::Pending => running = Some(started),
            }
        }
        if let Some(r) = running {
            let (held, done) = r.await;
            *slot = settled(held, done)?;
        }
        Ok(())
    }

    /// Commits, and tells the figures' cache that the data changed.
    pub async fn commit(self) -> Result<()> {
        match self {
            Loader::Other(txn) => Ok(txn.ok_or_else(gone)?.commit().await?),
            Loader::Sqlite(mut l) => {
                let c = l.conn.conn()?;
                sea_orm::sqlx::raw_sql(sea_orm::sqlx::AssertSqlSafe("COMMIT"))
                    .execute(&mut **c)
                    .await
                    .map_err(driver)?;
                // Committed: the connection goes back to the pool.
                drop(l.conn.0.take());
                l.cache.written();
                Ok(())
            }
        }
    }
}

/// The connection back from a statement, or the statement's error with the connection closed (and
/// the transaction with it): `INSERT OR FAIL` keeps the rows before a failing one, so a load that
/// went on and committed would keep part of a statement (PostgreSQL refuses such a commit).
fn settled(held: Held, done: std::result::Result<(), sea_orm::sqlx::Error>) -> Result<Held> {
    match done {
        Ok(()) => Ok(held),
        Err(e) => {
            drop(held);
            Err(driver(e))
        }
    }
}

/// A load after one of its statements failed.
fn gone() -> anyhow::Error {
    anyhow::anyhow!("批量写入已因出错中止")
}

fn driver(e: sea_orm::sqlx::Error) -> crate::error::StoreError {
    anyhow::Error::from(e).context("批量写入失败").into()
}

/// Inserts rows with one multi-row `INSERT` per chunk (under both engines' parameter limits).
pub(crate) async fn insert(
    db: &impl ConnectionTrait,
    table: &str,
    cols: &[&str],
    rows: Vec<Vec<Value>>,
) -> Result<u64> {
    let n = rows.len() as u64;
    run(db, statements(db.get_database_backend(), table, cols, rows)).await?;
    Ok(n)
}

/// The statements [`insert`] runs, each made when it is asked for.
pub(crate) fn statements(
    backend: DbBackend,
    table: &str,
    cols: &[&str],
    rows: Vec<Vec<Value>>,
) -> impl Iterator<Item = Statement> + Send + use<> {
    let per_chunk = (30_000 / cols.len().max(1)).clamp(1, 1000);
    let width = cols.len();
    let head = insert_head(backend, table, cols);
    let mut rows = rows.into_iter();
    std::iter::from_fn(move || {
        let per_chunk = chunk_of(rows.len(), per_chunk)?;
        let mut sql = Sql::new(backend);
        sql.text.reserve(head.len() + per_chunk * width * 2);
        sql.push(&head);
        for (i, row) in rows.by_ref().take(per_chunk).enumerate() {
            debug_assert_eq!(row.len(), width);
            sql.push(if i == 0 { "(" } else { ",(" });
            for (k, v) in row.into_iter().enumerate() {
                if k > 0 {
                    sql.push(",");
                }
                sql.bind(v);
            }
            sql.push(")");
        }
        Some(sql.statement())
    })
}

#[cfg(test)]
mod tests {
    use super::{Loader, chunk_of, model_statements};
    use crate::entity::payroll_run;
    use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, IntoActiveModel, Statement};

    fn run_row(id: uuid::Uuid, month: &str, reviewed: bool) -> payroll_run::ActiveModel {
        let at = chrono::DateTime::parse_from_rfc3339("2026-11-30T08:09:10.123456Z").unwrap().to_utc();
        payroll_run::Model {
            province_code: "33".into(),
            id,
            region_code: "330481".into(),
            month: month.into(),
            status: "locked".into(),
            policy_name: "haining-2020".into(),
            policy_version: 1,
            workers: 451,
            total_fen: 123_456_789,
            skipped: 0,
            created_by: "制表人".into(),
            created_at: at,
            reviewed_by: reviewed.then(|| "审核人".into()),
            reviewed_at: reviewed.then_some(at),
            locked_by: None,
            locked_at: None,
        }
        .into_active_model()
    }

    /// Each column of a row as SQLite stores it: its type and its text.
    async fn stored(db: &crate::Db, month: &str) -> Vec<(String, String)> {
        let cols = [
            "province_code",
            "region_code",
            "month",
            "status",
            "policy_version",
            "total_fen",
            "created_at",
            "reviewed_by",
            "reviewed_at",
            "locked_at",
        ];
        let mut out = Vec::new();
        for c in cols {
            let sql = format!("SELECT typeof({c}), CAST({c} AS TEXT) FROM payroll_runs WHERE month = ?");
            let row = db
                .conn
                .query_one_raw(Statement::from_sql_and_values(DbBackend::Sqlite, sql, [month.into()]))
                .await
                .unwrap()
                .unwrap();
            out.push((
                row.try_get_by_index(0).unwrap(),
                row.try_get_by_index::<Option<String>>(1).unwrap().unwrap_or_default(),
            ));
        }
        out
    }

    /// The loader writes through the driver itself on SQLite: every value must be stored as the
    /// ORM's own insert stores it (same type, same text), or reads and comparisons would differ.
    #[tokio::test]
    async fn the_loader_stores_values_as_the_orm_does() {
        let dir = tempfile::tempdir().unwrap();
        let (db, _) = crate::testing::fresh(false, dir.path()).await.unwrap();
        for reviewed in [true, false] {
            let (a, b) = if reviewed { ("2025-01", "2025-02") } else { ("2025-03", "2025-04") };
            payroll_run::Entity::insert(run_row(uuid::Uuid::now_v7(), a, reviewed)).exec(&db.writer).await.unwrap();
            let mut loader = Loader::begin(&db).await.unwrap();
            assert!(matches!(loader, Loader::Sqlite(_)));
            loader
                .run(model_statements(DbBackend::Sqlite, vec![run_row(uuid::Uuid::now_v7(), b, reviewed)], 8))
                .await
                .unwrap();
            loader.commit().await.unwrap();
            let (x, y) = (stored(&db, a).await, stored(&db, b).await);
            let month = x.iter().position(|(_, v)| v == a).unwrap();
            assert_eq!(x[..month], y[..month]);
            assert_eq!(x[month + 1..], y[month + 1..]);
            assert!(x.iter().any(|(t, _)| t == "text") && x.iter().any(|(t, _)| t == "integer"));
        }
        let ids: Vec<_> = payroll_run::Entity::find().all(&db.conn).await.unwrap().into_iter().map(|r| r.id).collect();
        assert_eq!(ids.len(), 4, "the ORM reads back what the loader wrote");
    }

    /// A load that fails or is dropped leaves nothing behind, and the writer works on after it (the
    /// connection it held is closed, not handed back with its transaction open).
    #[tokio::test]
    async fn a_failed_or_dropped_load_keeps_nothing() {
        for postgres in crate::testing::engines() {
            let dir = tempfile::tempdir().unwrap();
            let (db, _) = crate::testing::fresh(postgres, dir.path()).await.unwrap();
            let backend = db.backend();
            let same = uuid::Uuid::now_v7();
            // A key used twice: the second statement fails after the first was written.
            let mut loader = Loader::begin(&db).await.unwrap();
            let rows = vec![run_row(same, "2025-01", true)];
            let again = vec![run_row(same, "2025-02", true)];
            let failed =
                loader.run(model_statements(backend, rows, 8).chain(model_statements(backend, again, 8))).await;
            assert!(failed.is_err(), "{postgres}");
            assert!(loader.commit().await.is_err(), "{postgres}: a failed load cannot be committed");
            // Dropped without a commit after a statement that succeeded.
            let mut loader = Loader::begin(&db).await.unwrap();
            loader
                .run(model_statements(backend, vec![run_row(uuid::Uuid::now_v7(), "2025-03", true)], 8))
                .await
                .unwrap();
            drop(loader);
            assert!(payroll_run::Entity::find().all(&db.conn).await.unwrap().is_empty(), "{postgres}");
            // The writer works on.
            let txn = db.begin_write().await.unwrap();
            payroll_run::Entity::insert(run_row(uuid::Uuid::now_v7(), "2025-04", false)).exec(&*txn).await.unwrap();
            txn.commit().await.unwrap();
            let mut loader = Loader::begin(&db).await.unwrap();
            loader
                .run(model_statements(backend, vec![run_row(uuid::Uuid::now_v7(), "2025-05", true)], 8))
                .await
                .unwrap();
            loader.commit().await.unwrap();
            assert_eq!(payroll_run::Entity::find().all(&db.conn).await.unwrap().len(), 2, "{postgres}");
        }
    }

    fn chunks(mut left: usize, most: usize) -> Vec<usize> {
        let mut out = Vec::new();
        while let Some(n) = chunk_of(left, most) {
            out.push(n);
            left -= n;
        }
        out
    }

    #[test]
    fn chunks_are_powers_of_two_that_add_up() {
        assert_eq!(chunks(0, 1000), Vec::<usize>::new());
        assert_eq!(chunks(1, 1000), vec![1]);
        assert_eq!(chunks(1000, 1000), vec![512, 256, 128, 64, 32, 8]);
        assert_eq!(chunks(2100, 3000), vec![2048, 32, 16, 4]);
        assert_eq!(chunks(1030, 512), vec![512, 512, 4, 2]);
        assert_eq!(chunks(5, 0), vec![1, 1, 1, 1, 1]);
        for left in 0..3000 {
            for most in [1, 2, 3, 7, 500, 512, 1000] {
                let c = chunks(left, most);
                assert_eq!(c.iter().sum::<usize>(), left);
                assert!(c.iter().all(|n| n.is_power_of_two() && *n <= most.max(1)));
                // Only the rest after full statements is split, each size once at most.
                let rest: Vec<_> = c.iter().filter(|n| **n < 1 << most.max(1).ilog2()).collect();
                assert!(rest.windows(2).all(|w| w[0] > w[1]));
            }
        }
    }
}
