//! Figures as of any date (统计分析): the spells table, and the imports table.
//!
//! `worker_spells` holds each worker's history cut into stretches of constant counted attributes
//! (see `shegong_domain::stats`). It is derived: rebuilt for a worker in the transaction of every
//! write to their archive, and for everybody by `stats::rebuild_all`. The covering index lets a
//! region's figures for a day be read from the index alone.
//!
//! `imports` keeps an uploaded roster between its check (dry run) and its commit.

use super::index;
use super::province_table;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("worker_spells")
                .if_not_exists()
                .col(string_len("province_code", 2))
                .col(uuid("worker_id"))
                .col(small_integer("seq"))
                .col(string_len("region_code", 12))
                .col(date("valid_from"))
                .col(date_null("valid_to"))
                .col(small_integer("post"))
                .col(boolean("full_time"))
                .col(boolean("two_committees"))
                .col(small_integer("education"))
                .col(small_integer("certificate"))
                .col(small_integer("gender"))
                .col(small_integer("political"))
                .col(date("birth_date"))
                .col(date("service_start"))
                .primary_key(Index::create().col("province_code").col("worker_id").col("seq"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_worker_spells_region",
            "worker_spells",
            &[
                "province_code",
                "region_code",
                "valid_from",
                "valid_to",
                "post",
                "full_time",
                "two_committees",
                "education",
                "certificate",
                "gender",
                "political",
                "birth_date",
                "service_start",
            ],
        ))
        .await?;
        m.create_table(
            province_table("imports")
                .col(string_len("region_code", 12))
                .col(string_len("username", 64))
                .col(string_len("filename", 200))
                .col(timestamp_with_time_zone("created_at"))
                .col(integer("rows"))
                .col(integer("error_count"))
                .col(string_len("status", 16))
                .col(timestamp_with_time_zone_null("committed_at"))
                .col(integer_null("created"))
                .col(integer_null("updated"))
                .col(text("errors"))
                .col(blob("file"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("idx_imports_region", "imports", &["region_code", "created_at"]))
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("imports").if_exists().to_owned())
            .await?;
        m.drop_table(Table::drop().table("worker_spells").if_exists().to_owned())
            .await
    }
}
