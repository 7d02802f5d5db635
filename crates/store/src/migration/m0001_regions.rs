use super::index;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // A reference table on Citus: every node holds the whole tree.
        m.create_table(
            Table::create()
                .table("regions")
                .if_not_exists()
                .col(string_len("code", 15).primary_key())
                .col(string_len_null("parent_code", 15))
                .col(string_len("level", 16))
                .col(string_len("name", 100))
                .col(big_integer("households").default(0))
                .col(big_integer("residents").default(0))
                .col(string_len_null("urban_rural_class", 3))
                .to_owned(),
        )
        .await?;
        m.create_index(index("idx_regions_parent", "regions", &["parent_code", "code"]))
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("regions").to_owned()).await
    }
}
