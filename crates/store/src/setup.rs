//! Making a database ready to serve: the migrations (and on Citus, the tables distributed as
//! `distribution` declares), then what the data needs beyond its schema (the
//! policies shipped with the product, and the statistics table filled for archives that predate it).
//! Every start runs it; each step does nothing when there is nothing to do. Last, SQLite refreshes
//! the planner's statistics of the tables that changed much since (PostgreSQL's autovacuum does so
//! by itself).

use crate::Db;
use anyhow::Context;

/// Migrates, installs the shipped policies, and backfills the statistics table and the search keys.
pub async fn run(db: &Db) -> anyhow::Result<()> {
    db.migrate().await?;
    // On Citus, the tables a database does not distribute yet (none on plain PostgreSQL or SQLite).
    crate::distribution::distribute(db).await.context("按省分布数据表失败")?;
    crate::policies::install_shipped(&db.conn).await.context("安装内置政策失败")?;
    for p in provinces_with_workers(db).await? {
        crate::stats::backfill(db, &p).await.context("建立统计表失败")?;
        crate::search::backfill(db, &p).await.context("建立检索索引失败")?;
    }
    tallies_backfill(db).await.context("建立事件统计表失败")?;
    db.optimize().await
}

/// The provinces that have workers. The provinces come from the regions (copied to every node on
/// Citus); each province's own table is then asked by name.
async fn provinces_with_workers(db: &Db) -> anyhow::Result<Vec<String>> {
    use crate::entity::worker;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let provinces = crate::regions::provinces(&db.conn).await?;
    let mut out = Vec::new();
    for p in provinces {
        let has_workers =
            worker::Entity::find().filter(worker::Column::ProvinceCode.eq(&p)).one(&db.conn).await?.is_some();
        if has_workers {
            out.push(p);
        }
    }
    Ok(out)
}

/// The events' tallies for a database whose events predate them: each province with events and no
/// tallies is counted once.
async fn tallies_backfill(db: &Db) -> anyhow::Result<()> {
    use sea_orm::{ConnectionTrait, Statement};
    for p in crate::regions::provinces(&db.conn).await? {
        let ask = |table: &str| {
            let sql = match db.backend() {
                sea_orm::DbBackend::Postgres => format!("SELECT 1 AS x FROM {table} WHERE province_code = $1 LIMIT 1"),
                _ => format!("SELECT 1 AS x FROM {table} WHERE province_code = ? LIMIT 1"),
            };
            Statement::from_sql_and_values(db.backend(), sql, [p.clone().into()])
        };
        let events = db.conn.query_one_raw(ask("events")).await?.is_some();
        if events && db.conn.query_one_raw(ask("event_tallies")).await?.is_none() {
            let txn = db.begin_write().await?;
            crate::events::rebuild_tallies(&*txn, &p).await?;
            txn.commit().await?;
        }
    }
    Ok(())
}
