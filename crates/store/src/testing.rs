//! Helpers for tests on both engines: a fresh database per test.

use crate::Db;
use sea_orm::{ConnectionTrait, Database};

/// The PostgreSQL server to test against, when `SHEGONG_TEST_PG_URL` is set.
pub fn pg_url() -> Option<String> {
    std::env::var("SHEGONG_TEST_PG_URL").ok().filter(|s| !s.is_empty())
}

/// A new, empty, migrated database: SQLite in `dir`, or a new PostgreSQL database on the server
/// named by `SHEGONG_TEST_PG_URL` when `postgres` is true.
pub async fn fresh(postgres: bool, dir: &std::path::Path) -> anyhow::Result<(Db, String)> {
    let url = if postgres {
        let admin_url = pg_url().ok_or_else(|| anyhow::anyhow!("SHEGONG_TEST_PG_URL is not set"))?;
        let name = format!("shegong_test_{}", uuid::Uuid::now_v7().simple());
        let admin = Database::connect(&admin_url).await?;
        admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await?;
        admin.close().await?;
        replace_db_name(&admin_url, &name)
    } else {
        crate::db::sqlite_url(dir)
    };
    let db = Db::connect(&url).await?;
    db.migrate().await?;
    Ok((db, url))
}

/// `postgres://u@h:5432/postgres?x=y` with the database name replaced.
pub fn replace_db_name(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn replaces_names() {
        assert_eq!(
            super::replace_db_name("postgres://u@h:5432/postgres", "x"),
            "postgres://u@h:5432/x"
        );
        assert_eq!(
            super::replace_db_name("postgres://u@h/postgres?host=/tmp", "x"),
            "postgres://u@h/x?host=/tmp"
        );
        assert_eq!(super::replace_db_name("postgres://u@h", "x"), "postgres://u@h/x");
    }
}
