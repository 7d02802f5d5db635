//! Connecting to either engine, configured on purpose.

use crate::migration::Migrator;
use anyhow::Context;
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend};
use sea_orm_migration::MigratorTrait;
use std::path::Path;
use std::time::Duration;

/// A handle on the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Db {
    pub conn: DatabaseConnection,
}

/// The SQLite URL for a data directory: `<data-dir>/shegong.db`.
pub fn sqlite_url(data_dir: &Path) -> String {
    format!("sqlite://{}?mode=rwc", data_dir.join("shegong.db").display())
}

impl Db {
    /// Connects to `url` (`sqlite://…` or `postgres://…`). SQLite runs in WAL mode with foreign keys on
    /// and a busy timeout on every pooled connection.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        let mut opts = ConnectOptions::new(url.to_string());
        opts.sqlx_logging(false)
            .acquire_timeout(Duration::from_secs(30))
            .connect_timeout(Duration::from_secs(10));
        if url.starts_with("sqlite:") {
            opts.max_connections(8).min_connections(1);
            opts.map_sqlx_sqlite_opts(|o| {
                o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                    .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10))
                    .pragma("cache_size", "-65536")
                    .pragma("temp_store", "memory")
            });
        } else {
            opts.max_connections(32).min_connections(1);
        }
        let conn = Database::connect(opts)
            .await
            .with_context(|| format!("无法连接数据库 {}", redact(url)))?;
        Ok(Self { conn })
    }

    pub async fn migrate(&self) -> anyhow::Result<()> {
        Migrator::up(&self.conn, None).await.context("数据库迁移失败")?;
        crate::policies::install_shipped(&self.conn)
            .await
            .context("安装内置政策失败")?;
        crate::stats::backfill(self).await.context("建立统计表失败")
    }

    /// A trivial round trip, for health checks.
    pub async fn ping(&self) -> anyhow::Result<()> {
        self.conn.execute_unprepared("SELECT 1").await?;
        Ok(())
    }

    /// Refreshes the planner's statistics (after bulk loads). `ANALYZE` means the same on both engines.
    pub async fn analyze(&self) -> anyhow::Result<()> {
        self.conn.execute_unprepared("ANALYZE").await?;
        Ok(())
    }

    pub fn backend(&self) -> DbBackend {
        self.conn.get_database_backend()
    }

    /// An online copy of a SQLite database (`VACUUM INTO`), safe while the server runs.
    pub async fn backup_sqlite(&self, out: &Path) -> anyhow::Result<()> {
        anyhow::ensure!(
            self.backend() == DbBackend::Sqlite,
            "backup 仅适用于内嵌 SQLite；PostgreSQL 请使用 pg_dump"
        );
        anyhow::ensure!(!out.exists(), "目标文件已存在：{}", out.display());
        let path = out.display().to_string().replace('\'', "''");
        self.conn
            .execute_unprepared(&format!("VACUUM INTO '{path}'"))
            .await
            .context("备份失败")?;
        Ok(())
    }
}

/// A URL with its password hidden, for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn redacts_passwords() {
        assert_eq!(super::redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(super::redact("sqlite://x.db"), "sqlite://x.db");
    }
}
