//! Making a database ready to serve: the migrations (and on Citus, the tables distributed as
//! `distribution` declares), then what the data needs beyond its schema (the
//! policies shipped with the product, and the statistics table filled for archives that predate it).
//! Every start runs it; each step does nothing when there is nothing to do. Last, SQLite refreshes
//! the planner's statistics of the tables that changed much since (PostgreSQL's autovacuum does so
//! by itself).

use crate::Db;
use anyhow::Context;

/// Migrates, installs the shipped policies, and backfills the statistics table.
pub async fn run(db: &Db) -> anyhow::Result<()> {
    db.migrate().await?;
    // On Citus, the tables a database does not distribute yet (none on plain PostgreSQL or SQLite).
    crate::distribution::distribute(db)
        .await
        .context("按省分布数据表失败")?;
    crate::policies::install_shipped(&db.conn)
        .await
        .context("安装内置政策失败")?;
    crate::stats::backfill(db).await.context("建立统计表失败")?;
    db.optimize().await
}
