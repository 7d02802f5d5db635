//! The reserve pool (后备力量): candidates for the community's 两委.

use super::index;
use super::province_table;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            province_table("reserves")
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
