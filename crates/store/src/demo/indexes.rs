//! Secondary indexes built after a demo part's rows are in (SQLite). Inserting the demo's workers in
//! random key order into their nine secondary indexes cost SQLite 0.96 s on a copy of the demo
//! database, against 0.31 s to insert them without and 0.40 s to build the indexes afterwards (about
//! 1.35× in all). The drop and the build run inside the part's own transaction, on its one writer
//! connection, so a load that fails or is killed keeps every index as the migrations made it.

use crate::error::Result;
use sea_orm::{ConnectionTrait, DbBackend, Statement};

/// The statements that drop the non-unique indexes of `tables` and those that build them again,
/// from the schema itself (`sqlite_master`); none on PostgreSQL. Unique indexes stay: they check
/// what is written.
pub(super) async fn deferred(db: &crate::Db, tables: &[&str]) -> Result<(Vec<Statement>, Vec<Statement>)> {
    if db.backend() != DbBackend::Sqlite || tables.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    let marks = vec!["?"; tables.len()].join(", ");
    let rows = db
        .conn
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Sqlite,
            format!(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL \
                 AND sql NOT LIKE 'CREATE UNIQUE%' AND tbl_name IN ({marks}) ORDER BY name"
            ),
            tables.iter().map(|t| (*t).into()),
        ))
        .await?;
    let mut drops = Vec::new();
    let mut builds = Vec::new();
    for row in rows {
        let name: String = row.try_get("", "name")?;
        let sql: String = row.try_get("", "sql")?;
        drops.push(Statement::from_string(
            DbBackend::Sqlite,
            format!("DROP INDEX main.\"{}\"", name.replace('"', "\"\"")),
        ));
        builds.push(Statement::from_string(DbBackend::Sqlite, sql));
    }
    Ok((drops, builds))
}

#[cfg(test)]
mod tests {
    use super::deferred;
    use crate::bulk::Loader;
    use sea_orm::{ConnectionTrait, DbBackend, Statement};

    /// Read through the writer: it waits for a dropped load's connection to close, and would see a
    /// transaction left open.
    async fn indexes(db: &crate::Db) -> Vec<(String, String)> {
        let rows = db
            .writer
            .query_all_raw(Statement::from_string(
                DbBackend::Sqlite,
                "SELECT name, COALESCE(sql, '') AS sql FROM sqlite_master WHERE type = 'index' ORDER BY name",
            ))
            .await
            .unwrap();
        rows.iter().map(|r| (r.try_get("", "name").unwrap(), r.try_get("", "sql").unwrap())).collect()
    }

    /// The indexes dropped and built again inside a load are those the migrations made; a load
    /// dropped before its commit (an error, a kill) keeps them all; unique ones are never dropped.
    #[tokio::test]
    async fn a_load_ends_with_the_indexes_it_began_with() {
        let dir = tempfile::tempdir().unwrap();
        let (db, _) = crate::testing::fresh(false, dir.path()).await.unwrap();
        let made = indexes(&db).await;
        let tables = ["workers", "payslips", "assessments"];
        let (drops, builds) = deferred(&db, &tables).await.unwrap();
        assert!(drops.len() >= 11, "the workers' nine and more: {}", drops.len());
        assert_eq!(drops.len(), builds.len());
        assert!(builds.iter().all(|s| !s.sql.starts_with("CREATE UNIQUE")));

        let mut loader = Loader::begin(&db).await.unwrap();
        loader.run(drops.clone().into_iter()).await.unwrap();
        drop(loader);
        assert_eq!(indexes(&db).await, made, "dropped uncommitted: nothing changed");

        // Unique indexes still check what is written while the others are dropped.
        db.bulk_load(true).await.unwrap();
        let twice = Statement::from_string(
            DbBackend::Sqlite,
            "INSERT INTO training_records (province_code, id, training_id, worker_id, region_code, completed_on, credits) \
             VALUES ('33', 'a', 't', 'w', '330481', '2026-01-01', 1), ('33', 'b', 't', 'w', '330481', '2026-01-01', 1)",
        );
        let (all_drops, _) = deferred(&db, &["training_records"]).await.unwrap();
        assert!(!all_drops.is_empty(), "training_records has non-unique indexes");
        assert!(all_drops.iter().all(|s| !s.sql.contains("uq_training_records_worker")), "the unique one stays");
        let mut loader = Loader::begin(&db).await.unwrap();
        let failed = loader.run(all_drops.into_iter().chain(std::iter::once(twice))).await;
        assert!(failed.is_err(), "a duplicate refused with the index by region dropped");
        drop(loader);
        db.bulk_load(false).await.unwrap();
        assert_eq!(indexes(&db).await, made);

        let mut loader = Loader::begin(&db).await.unwrap();
        loader.run(drops.into_iter()).await.unwrap();
        loader.run(builds.into_iter()).await.unwrap();
        loader.commit().await.unwrap();
        assert_eq!(indexes(&db).await, made);
        // The writer works on.
        db.begin_write().await.unwrap().commit().await.unwrap();
    }

    #[tokio::test]
    async fn none_on_postgres() {
        if let Some(postgres) = crate::testing::engines().into_iter().find(|p| *p) {
            let dir = tempfile::tempdir().unwrap();
            let (db, _) = crate::testing::fresh(postgres, dir.path()).await.unwrap();
            let (drops, builds) = deferred(&db, &["workers"]).await.unwrap();
            assert!(drops.is_empty() && builds.is_empty());
        }
    }
}
