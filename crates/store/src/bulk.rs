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

/// Inserts rows with one multi-row `INSERT` per chunk (under both engines' parameter limits).
pub(crate) async fn insert(
    db: &impl ConnectionTrait,
    table: &str,
    cols: &[&str],
    rows: Vec<Vec<Value>>,
) -> Result<u64> {
    let per_chunk = (30_000 / cols.len()).clamp(1, 1000);
    let head = format!("INSERT INTO {table} ({}) VALUES ", cols.join(", "));
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
