//! Yearly assessment grades (考核等次), one published grade per worker and year.

use super::index;
use super::province_table;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            province_table("assessments")
                .col(uuid("worker_id"))
                .col(string_len("region_code", 15))
                .col(integer("year"))
                .col(string_len("grade", 32))
                .col(string_len("recorded_by", 64))
                .col(timestamp_with_time_zone("recorded_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("assessments", ("province_code", "worker_id"))
                        .to("workers", ("province_code", "id")),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_assessments_worker_year")
                .table("assessments")
                .col("province_code")
                .col("worker_id")
                .col("year")
                .unique()
                .if_not_exists()
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_assessments_grade_region",
            "assessments",
            &["grade", "region_code"],
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("assessments").if_exists().to_owned())
            .await
    }
}
