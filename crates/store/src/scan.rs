//! Large reads: a province's rows at once (every active worker for a budget, every record for the
//! training list), read without the driver's row-by-row hand-over.
//!
//! On SQLite the pooled driver copies every value of every row and hands the rows one by one from
//! its worker thread; for tens of thousands of rows that costs ten times what SQLite itself does.
//! [`all`] runs the same statement (built by the same query builder) on a plain SQLite connection
//! to the same file, on a blocking thread, decoding each value in place. It reads committed data as
//! every pooled reader does. On PostgreSQL (and an in-memory SQLite database, which another
//! connection cannot open) it is the ordinary query.
//!
//! Only reads go through here: the connections are `query_only`.

use crate::Db;
use crate::error::{Result, StoreError};
use sea_orm::sea_query::{SelectStatement, SqliteQueryBuilder, Value};
use sea_orm::{ConnectionTrait, DbErr, TryGetableMany};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// At most this many idle connections are kept.
const IDLE: usize = 4;

/// At most this many large reads at once, as many as the pool has readers (more would only open
/// more files and hold more rows in memory at a time, not finish sooner on a few cores).
const AT_ONCE: usize = 8;

/// Plain SQLite connections to the database file, for [`all`].
#[derive(Debug)]
pub struct Reads {
    file: PathBuf,
    idle: Mutex<Vec<rusqlite::Connection>>,
    turns: tokio::sync::Semaphore,
}

impl Reads {
    /// For the database at `file`; `None` for an in-memory database.
    pub fn for_file(file: &std::path::Path) -> Option<Arc<Self>> {
        let name = file.to_string_lossy();
        // In memory (`:memory:`, `file:name?mode=memory`, whose options the driver has taken off):
        // no other connection can open it.
        if name.is_empty() || name.starts_with(':') || name.starts_with("file:") || !file.is_file() {
            return None;
        }
        Some(Arc::new(Self {
            file: file.to_path_buf(),
            idle: Mutex::new(Vec::new()),
            turns: tokio::sync::Semaphore::new(AT_ONCE),
        }))
    }

    fn take(&self) -> rusqlite::Result<rusqlite::Connection> {
        if let Some(c) = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop() {
            return Ok(c);
        }
        let c = rusqlite::Connection::open_with_flags(
            &self.file,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        c.busy_timeout(std::time::Duration::from_secs(10))?;
        c.pragma_update(None, "query_only", true)?;
        c.pragma_update(None, "cache_size", -65536)?;
        c.pragma_update(None, "temp_store", "memory")?;
        Ok(c)
    }

    fn give_back(&self, c: rusqlite::Connection) {
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        if idle.len() < IDLE {
            idle.push(c);
        }
    }
}

/// A row type read by [`all`]: a tuple of values both engines can decode.
pub trait Row: TryGetableMany + Send + 'static {
    fn from_sqlite(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self>;
}

macro_rules! tuple_row {
    ($($t:ident $i:tt),+) => {
        impl<$($t),+> Row for ($($t,)+)
        where
            ($($t,)+): TryGetableMany,
            $($t: rusqlite::types::FromSql + Send + 'static),+
        {
            fn from_sqlite(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
                Ok(($(row.get::<_, $t>($i)?,)+))
            }
        }
    };
}

tuple_row!(A 0, B 1);
tuple_row!(A 0, B 1, C 2);
tuple_row!(A 0, B 1, C 2, D 3);
tuple_row!(A 0, B 1, C 2, D 3, E 4);
tuple_row!(A 0, B 1, C 2, D 3, E 4, F 5);
tuple_row!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);
tuple_row!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);

/// Every row of `query` (a query builder's, or a SeaORM select's `into_query()`), as the tuple `T`
/// of its columns in order.
pub async fn all<T: Row>(db: &Db, query: SelectStatement) -> Result<Vec<T>> {
    let Some(reads) = db.reads.clone() else {
        return decode(db.conn.query_all(&query).await?);
    };
    let (sql, values) = query.build(SqliteQueryBuilder);
    let params = values.into_iter().map(param).collect::<Result<Vec<_>>>()?;
    let _turn = reads.turns.acquire().await.map_err(|e| StoreError::Db(DbErr::Custom(format!("读取中断：{e}"))))?;
    let reads = reads.clone();
    tokio::task::spawn_blocking(move || {
        let conn = reads.take()?;
        let rows = {
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt.query_map(rusqlite::params_from_iter(params.iter()), T::from_sqlite)?;
            rows.collect::<rusqlite::Result<Vec<T>>>()
        };
        reads.give_back(conn);
        rows
    })
    .await
    .map_err(|e| StoreError::Db(DbErr::Custom(format!("读取中断：{e}"))))?
    .map_err(|e| StoreError::Db(DbErr::Custom(format!("读取失败：{e}"))))
}

/// Where a computation reads: the database at large (large reads through [`all`]), or a
/// transaction, whose reads must see its own writes.
pub enum Source<'a, C = sea_orm::DatabaseConnection> {
    Db(&'a Db),
    In(&'a C),
}

impl<'a> Source<'a> {
    pub fn db(db: &'a Db) -> Self {
        Source::Db(db)
    }
}

impl<C: ConnectionTrait> Source<'_, C> {
    /// Every row of `query`, as [`all`] reads it or inside the transaction.
    pub async fn all<T: Row>(&self, query: SelectStatement) -> Result<Vec<T>> {
        match self {
            Source::Db(db) => all(db, query).await,
            Source::In(c) => decode(c.query_all(&query).await?),
        }
    }
}

fn decode<T: Row>(rows: Vec<sea_orm::QueryResult>) -> Result<Vec<T>> {
    rows.iter().map(|r| T::try_get_many_by_index(r).map_err(|e| StoreError::Db(DbErr::from(e)))).collect()
}

/// A query builder's value as the pooled driver binds it (dates as `YYYY-MM-DD` text, UUIDs as
/// 16 bytes, booleans as 0 or 1).
fn param(v: Value) -> Result<rusqlite::types::Value> {
    use rusqlite::types::Value as S;
    let int = |v: Option<i64>| v.map_or(S::Null, S::Integer);
    Ok(match v {
        Value::Bool(b) => int(b.map(i64::from)),
        Value::TinyInt(i) => int(i.map(i64::from)),
        Value::SmallInt(i) => int(i.map(i64::from)),
        Value::Int(i) => int(i.map(i64::from)),
        Value::BigInt(i) => int(i),
        Value::TinyUnsigned(i) => int(i.map(i64::from)),
        Value::SmallUnsigned(i) => int(i.map(i64::from)),
        Value::Unsigned(i) => int(i.map(i64::from)),
        Value::String(s) => s.map_or(S::Null, S::Text),
        Value::ChronoDate(d) => d.map_or(S::Null, |d| S::Text(d.format("%F").to_string())),
        Value::Uuid(u) => u.map_or(S::Null, |u| S::Blob(u.as_bytes().to_vec())),
        other => {
            return Err(StoreError::Db(DbErr::Custom(format!("scan::all cannot bind {other:?}"))));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entity::worker;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait};

    type Wide = (uuid::Uuid, String, Option<String>, bool, Option<chrono::NaiveDate>, chrono::NaiveDate, String);

    /// The plain connection answers exactly what the pool answers, for every kind of value bound
    /// and read.
    #[tokio::test]
    async fn reads_what_the_pool_reads() {
        let dir = tempfile::tempdir().unwrap();
        let (db, _) = crate::testing::fresh(false, dir.path()).await.unwrap();
        assert!(db.reads.is_some(), "a file database is read through plain connections");
        let opts =
            crate::demo::DemoOptions::counties(5, &["330481"], chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap());
        crate::demo::load(&db, &opts, &|_, _, _| {}).await.unwrap();
        let since = chrono::NaiveDate::from_ymd_opt(1990, 1, 1).unwrap();
        let q = || {
            worker::Entity::find()
                .select_only()
                .columns([
                    worker::Column::Id,
                    worker::Column::Name,
                    worker::Column::Phone,
                    worker::Column::FullTime,
                    worker::Column::ServiceStart,
                    worker::Column::BirthDate,
                    worker::Column::RegionCode,
                ])
                .filter(worker::Column::ProvinceCode.eq("33"))
                .filter(worker::Column::BirthDate.gte(since))
                .filter(worker::Column::TwoCommittees.eq(false))
                .order_by_asc(worker::Column::Id)
        };
        let pooled: Vec<Wide> = q().into_tuple().all(&db.conn).await.unwrap();
        let plain: Vec<Wide> = all(&db, q().into_query()).await.unwrap();
        assert!(pooled.len() > 10, "{}", pooled.len());
        assert_eq!(pooled, plain);
        let one = pooled[3].0;
        let by_id: Vec<(uuid::Uuid, String)> = all(
            &db,
            worker::Entity::find()
                .select_only()
                .columns([worker::Column::Id, worker::Column::Name])
                .filter(worker::Column::Id.eq(one))
                .into_query(),
        )
        .await
        .unwrap();
        assert_eq!(by_id, vec![(one, pooled[3].1.clone())]);
    }
}
