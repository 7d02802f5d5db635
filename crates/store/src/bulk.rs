//! Raw SQL where the statement builder's per-value cost shows: many-row inserts and wide aggregate
//! queries. Placeholders are written for the connection's engine (`$n` on PostgreSQL, `?` on SQLite).

use crate::error::Result;
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
    A: sea_orm::ActiveModelTrait + Send + Clone,
{
    use sea_orm::{EntityTrait, QueryTrait};
    for c in rows.chunks(chunk) {
        let stmt = <A::Entity as EntityTrait>::insert_many(c.to_vec()).build(db.get_database_backend());
        db.execute_raw(or_fail(stmt)).await?;
    }
    Ok(())
}

/// Inserts rows with one multi-row `INSERT` per chunk (under both engines' parameter limits).
pub(crate) async fn insert(
    db: &impl ConnectionTrait,
    table: &str,
    cols: &[&str],
    rows: Vec<Vec<Value>>,
) -> Result<u64> {
    let per_chunk = (30_000 / cols.len()).clamp(1, 1000);
    let head = insert_head(db.get_database_backend(), table, cols);
    let mut n = 0u64;
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let mut sql = Sql::new(db.get_database_backend());
        sql.push(&head);
        for (i, row) in rows.by_ref().take(per_chunk).enumerate() {
            debug_assert_eq!(row.len(), cols.len());
            sql.push(if i == 0 { "(" } else { ",(" });
            for (k, v) in row.into_iter().enumerate() {
                if k > 0 {
                    sql.push(",");
                }
                sql.bind(v);
            }
            sql.push(")");
            n += 1;
        }
        db.execute_raw(sql.statement()).await?;
    }
    Ok(n)
}
