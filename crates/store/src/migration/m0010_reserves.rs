//! The reserve pool (后备力量): candidates for the community's 两委.

use super::index;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("reserves")
                .if_not_exists()
                .col(string_len("province_code", 2))
                .col(uuid("id"))
                .col(string_len("region_code", 15))
                .col(string_len("name", 50))
                .col(string_len("gender", 1))
                .col(date("birth_date"))
                .col(string_len_null("education", 2))
                .col(string_len("political_status", 2))
                .col(string_len_null("current_post", 100))
                .col(string_len_null("note", 200))
                .col(string_len("added_by", 64))
                .col(date("added_on"))
                .col(date_null("removed_on"))
                .primary_key(Index::create().col("province_code").col("id"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("idx_reserves_region", "reserves", &["region_code"]))
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("reserves").if_exists().to_owned())
            .await
    }
}
