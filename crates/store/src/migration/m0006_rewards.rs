//! Rewards and sanctions (奖励/处分) in the archive.

use super::index;
use super::province_table;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            province_table("rewards")
                .col(uuid("worker_id"))
                .col(string_len("region_code", 15))
                // reward | sanction
                .col(string_len("kind", 16))
                .col(string_len("title", 100))
                .col(string_len("issuer", 100))
                .col(date("issued_on"))
                .col(text_null("note"))
                .foreign_key(
                    ForeignKey::create()
                        .from("rewards", ("province_code", "worker_id"))
                        .to("workers", ("province_code", "id")),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index("idx_rewards_worker", "rewards", &["worker_id", "issued_on"]))
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("rewards").if_exists().to_owned())
            .await
    }
}
