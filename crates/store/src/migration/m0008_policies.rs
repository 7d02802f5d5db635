//! Policies as data: the policy files (versioned), which policy a region applies from which date,
//! and the yearly reference wages that rule-only policies take as parameters.

use super::{index, province_table, unique};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // A reference table (replicated on Citus): every province may apply any policy.
        m.create_table(
            Table::create()
                .table("policies")
                .if_not_exists()
                .col(string_len("name", 40))
                .col(integer("version"))
                .col(string_len("title", 200))
                .col(string_len("source", 400))
                .col(text("body"))
                .col(string_len("created_by", 64))
                .col(timestamp_with_time_zone("created_at"))
                .primary_key(Index::create().col("name").col("version"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            province_table("policy_assignments")
                .col(string_len("region_code", 15))
                .col(string_len("policy_name", 40))
                .col(integer("policy_version"))
                .col(date("effective_from"))
                .col(string_len("assigned_by", 64))
                .col(timestamp_with_time_zone("assigned_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("policy_assignments", ("policy_name", "policy_version"))
                        .to("policies", ("name", "version")),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(unique(
            "uq_policy_assignments_region_from",
            "policy_assignments",
            &["province_code", "region_code", "effective_from"],
        ))
        .await?;
        m.create_table(
            province_table("reference_wages")
                .col(string_len("region_code", 15))
                .col(string_len("key", 40))
                .col(integer("year"))
                .col(big_integer("annual_fen"))
                .col(string_len("set_by", 64))
                .col(timestamp_with_time_zone("set_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(unique(
            "uq_reference_wages",
            "reference_wages",
            &["province_code", "region_code", "key", "year"],
        ))
        .await?;
        m.create_index(index(
            "idx_policy_assignments_region",
            "policy_assignments",
            &["region_code"],
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["reference_wages", "policy_assignments", "policies"] {
            m.drop_table(Table::drop().table(t).if_exists().to_owned()).await?;
        }
        Ok(())
    }
}
