//! The worker list in every order it offers, by index: besides the region order
//! (`idx_workers_status_region_name`, for one status), by name, by birth date (age), by the start of
//! service and by region whatever the status, each within a province: the first page of a
//! province's list sorted by age reads about twenty entries of an index (skipping those of another
//! status) instead of sorting every worker.

use super::index;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEXES: [(&str, [&str; 3]); 4] = [
    ("idx_workers_province_name", ["province_code", "name", "id"]),
    ("idx_workers_province_birth", ["province_code", "birth_date", "id"]),
    ("idx_workers_province_service", ["province_code", "service_start", "id"]),
    ("idx_workers_province_region", ["province_code", "region_code", "name"]),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (name, cols) in INDEXES {
            m.create_index(index(name, "workers", &cols)).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (name, _) in INDEXES {
            m.drop_index(Index::drop().name(name).table("workers").if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
