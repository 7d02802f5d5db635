//! Accounts: a password that must be changed at the next login (after an admin's reset), when it
//! was last changed, and the devices a user has logged in from (their known-device cookies).

use super::index;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if !m.has_column("users", "must_change_password").await? {
            m.alter_table(
                Table::alter()
                    .table("users")
                    .add_column(boolean("must_change_password").default(false))
                    .to_owned(),
            )
            .await?;
        }
        if !m.has_column("users", "password_changed_at").await? {
            m.alter_table(
                Table::alter()
                    .table("users")
                    .add_column(timestamp_with_time_zone_null("password_changed_at"))
                    .to_owned(),
            )
            .await?;
        }
        // Small and read at each login: a reference table on Citus, like users.
        m.create_table(
            Table::create()
                .table("login_devices")
                .if_not_exists()
                .col(string_len("token_hash", 64).primary_key())
                .col(uuid("user_id"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("last_used_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("idx_login_devices_user", "login_devices", &["user_id"]))
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("login_devices").if_exists().to_owned())
            .await
    }
}
