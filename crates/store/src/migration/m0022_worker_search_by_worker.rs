//! A worker's search keys by worker, kind and key: the ranking of a search asks, for each worker
//! found, whether one of *their* whole-name keys is (or begins with) the query; with the key in this
//! index that is one seek, where the index by worker alone left the planner to range over every
//! whole name that begins with the query, for every worker found.

use super::index;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(index(
            "idx_worker_search_worker_key",
            "worker_search",
            &["province_code", "worker_id", "kind", "key"],
        ))
        .await?;
        m.drop_index(
            Index::drop()
                .name("idx_worker_search_worker")
                .table("worker_search")
                .if_exists()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(index(
            "idx_worker_search_worker",
            "worker_search",
            &["province_code", "worker_id"],
        ))
        .await?;
        m.drop_index(
            Index::drop()
                .name("idx_worker_search_worker_key")
                .table("worker_search")
                .if_exists()
                .to_owned(),
        )
        .await
    }
}
