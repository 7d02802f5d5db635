//! Training (培训): courses and classes, and each worker's completed training with its credits.

use super::index;
use super::province_table;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            province_table("trainings")
                // The organising region; its subtree may take part.
                .col(string_len("region_code", 15))
                .col(string_len("name", 100))
                // initial | duty | degree | topic | online (初任, 履职, 学历提升, 专题, 网络)
                .col(string_len("kind", 16))
                .col(string_len("organiser", 100))
                .col(date("start_date"))
                .col(date("end_date"))
                .col(integer("hours"))
                .col(integer("credits"))
                .col(string_len("created_by", 64))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_trainings_region",
            "trainings",
            &["region_code", "start_date"],
        ))
        .await?;
        m.create_table(
            province_table("training_records")
                .col(uuid("training_id"))
                .col(uuid("worker_id"))
                .col(string_len("region_code", 15))
                .col(date("completed_on"))
                .col(integer("credits"))
                .foreign_key(
                    ForeignKey::create()
                        .from("training_records", ("province_code", "training_id"))
                        .to("trainings", ("province_code", "id")),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from("training_records", ("province_code", "worker_id"))
                        .to("workers", ("province_code", "id")),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_training_records_worker")
                .table("training_records")
                .col("province_code")
                .col("training_id")
                .col("worker_id")
                .unique()
                .if_not_exists()
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_training_records_region",
            "training_records",
            &["region_code", "worker_id", "completed_on"],
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("training_records").if_exists().to_owned())
            .await?;
        m.drop_table(Table::drop().table("trainings").if_exists().to_owned())
            .await
    }
}
