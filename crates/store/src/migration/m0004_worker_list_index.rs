//! The worker list's usual shape — active workers in a subtree, by community and name — served
//! from one index, counts included.

use super::index;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(index(
            "idx_workers_status_region_name",
            "workers",
            &["status", "province_code", "region_code", "name", "id"],
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_workers_status_region_name")
                .table("workers")
                .to_owned(),
        )
        .await
    }
}
