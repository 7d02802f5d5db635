//! Imports written in short transactions: the people an import has reserved (their ID numbers are
//! in the registry before their archives exist), and how far its updates of known people have got,
//! so that a commit the process stopped in the middle is finished without doing anything twice.

use super::index;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("import_reservations")
                .if_not_exists()
                .col(uuid("import_id"))
                .col(string_len("id_number", 18))
                .col(uuid("worker_id"))
                .primary_key(Index::create().col("import_id").col("id_number"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_import_reservations_worker",
            "import_reservations",
            &["worker_id"],
        ))
        .await?;
        if !m.has_column("imports", "progress_row").await? {
            m.alter_table(
                Table::alter()
                    .table("imports")
                    .add_column(integer("progress_row").default(0))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("import_reservations").if_exists().to_owned())
            .await
    }
}
