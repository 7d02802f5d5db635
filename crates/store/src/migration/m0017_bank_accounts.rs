//! A worker's bank and card number, for the 代发工资 sheet the bank takes.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (col, len) in [("bank_name", 60), ("bank_account", 32)] {
            if !m.has_column("workers", col).await? {
                m.alter_table(
                    Table::alter()
                        .table("workers")
                        .add_column(string_len_null(col, len))
                        .to_owned(),
                )
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Ok(())
    }
}
