//! Scans kept in an archive (a photo, certificates, diplomas, agreements), with the archive: one
//! province's rows, distributed with the workers on Citus.

use super::{fk, index, province_table};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            province_table("attachments")
                .col(uuid("worker_id"))
                .col(string_len("region_code", 12))
                .col(string_len("kind", 20))
                .col(string_len("filename", 200))
                .col(string_len("content_type", 40))
                .col(integer("size"))
                .col(blob("bytes"))
                .col(string_len("created_by", 64))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("attachments", "worker_id", "workers"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_attachments_worker",
            "attachments",
            &["province_code", "worker_id"],
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("attachments").if_exists().to_owned())
            .await
    }
}
