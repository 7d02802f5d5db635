//! The search keys of every worker: a name's fragments, its 拼音 and initials, and the ID number
//! reversed, each found by prefix on the primary key. On PostgreSQL the key is compared byte by byte
//! (`COLLATE "C"`), as SQLite compares it, so that a prefix is a range whatever the database's locale.

use super::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut key = ColumnDef::new("key");
        key.string_len(32).not_null();
        if m.get_database_backend() == sea_orm::DbBackend::Postgres {
            key.extra("COLLATE \"C\"");
        }
        m.create_table(
            Table::create()
                .table("worker_search")
                .if_not_exists()
                .col(string_len("province_code", 2))
                .col(small_integer("kind"))
                .col(&mut key)
                .col(uuid("worker_id"))
                .primary_key(
                    Index::create()
                        .col("province_code")
                        .col("kind")
                        .col("key")
                        .col("worker_id"),
                )
                .foreign_key(&mut fk("worker_search", "worker_id", "workers"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_worker_search_worker",
            "worker_search",
            &["province_code", "worker_id"],
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("worker_search").if_exists().to_owned())
            .await
    }
}
