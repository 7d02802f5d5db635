//! Payroll and the round reads take a subtree's grades by region: an index that leads with the
//! region code (never with `province_code`: see docs/scaling.md).

use super::index;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(index(
            "idx_assessments_region_year",
            "assessments",
            &["region_code", "year"],
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_assessments_region_year")
                .table("assessments")
                .to_owned(),
        )
        .await
    }
}
