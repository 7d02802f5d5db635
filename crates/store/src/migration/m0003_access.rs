//! Users, sessions, API tokens and the audit log.

use super::index;
use super::province_table;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Small and read on every request: a reference table on Citus.
        m.create_table(
            Table::create()
                .table("users")
                .if_not_exists()
                .col(uuid("id").primary_key())
                .col(string_len("username", 64).unique_key())
                .col(string_len("display_name", 60))
                .col(string("password_hash"))
                .col(string_len("role", 32))
                .col(string_len("region_code", 15))
                .col(uuid_null("worker_id"))
                .col(boolean("disabled").default(false))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("idx_users_region", "users", &["region_code"]))
            .await?;

        m.create_table(
            Table::create()
                .table("sessions")
                .if_not_exists()
                .col(string_len("token_hash", 64).primary_key())
                .col(uuid("user_id"))
                .col(string_len("csrf_token", 64))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("api_tokens")
                .if_not_exists()
                .col(uuid("id").primary_key())
                .col(string_len("token_hash", 64).unique_key())
                .col(uuid("user_id"))
                .col(string_len("name", 100))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("last_used_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("idx_api_tokens_user", "api_tokens", &["user_id"]))
            .await?;

        // Distributed by province on Citus, like the archive.
        m.create_table(
            province_table("audit_log")
                .col(timestamp_with_time_zone("at"))
                .col(string_len("username", 64))
                .col(string_len("role", 32))
                .col(string_len("action", 64))
                .col(string_len("region_code", 15))
                .col(string_len_null("target", 64))
                .col(text_null("detail"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("idx_audit_region_at", "audit_log", &["region_code", "at"]))
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["audit_log", "api_tokens", "sessions", "users"] {
            m.drop_table(Table::drop().table(t).if_exists().to_owned()).await?;
        }
        Ok(())
    }
}
