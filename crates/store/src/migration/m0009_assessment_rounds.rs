//! Assessment rounds organised by a street (draft → scored → published), their entries, recorded
//! amendments of published grades, and a result per worker for training.

use super::{fk, index, province_table, unique};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            province_table("assessment_rounds")
                .col(string_len("region_code", 15))
                .col(integer("year"))
                // draft | scored | published
                .col(string_len("status", 16))
                .col(string_len("policy_name", 40))
                .col(integer("policy_version"))
                .col(string_len("created_by", 64))
                .col(timestamp_with_time_zone("created_at"))
                .col(string_len_null("published_by", 64))
                .col(timestamp_with_time_zone_null("published_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(unique(
            "uq_assessment_rounds_region_year",
            "assessment_rounds",
            &["province_code", "region_code", "year"],
        ))
        .await?;
        m.create_index(index(
            "idx_assessment_rounds_region",
            "assessment_rounds",
            &["region_code", "year"],
        ))
        .await?;
        m.create_table(
            province_table("assessment_entries")
                .col(uuid("round_id"))
                .col(uuid("worker_id"))
                .col(string_len("region_code", 15))
                .col(integer_null("organisation_score"))
                .col(integer_null("residents_score"))
                .col(integer_null("routine_score"))
                .col(integer_null("combined_tenths"))
                .col(string_len_null("grade", 32))
                .col(string_len_null("note", 200))
                .foreign_key(&mut fk("assessment_entries", "round_id", "assessment_rounds"))
                .foreign_key(&mut fk("assessment_entries", "worker_id", "workers"))
                .to_owned(),
        )
        .await?;
        m.create_index(unique(
            "uq_assessment_entries_worker",
            "assessment_entries",
            &["province_code", "round_id", "worker_id"],
        ))
        .await?;
        m.create_table(
            province_table("assessment_amendments")
                .col(uuid("assessment_id"))
                .col(uuid("worker_id"))
                .col(string_len("region_code", 15))
                .col(integer("year"))
                .col(string_len("old_grade", 32))
                .col(string_len("new_grade", 32))
                .col(string_len("reason", 200))
                .col(string_len("amended_by", 64))
                .col(timestamp_with_time_zone("amended_at"))
                .foreign_key(&mut fk("assessment_amendments", "assessment_id", "assessments"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_assessment_amendments_worker",
            "assessment_amendments",
            &["worker_id", "year"],
        ))
        .await?;
        // Attendance and result per worker: attended | absent, and passed | failed when examined.
        m.alter_table(
            Table::alter()
                .table("training_records")
                .add_column(string_len("attendance", 16).default("attended"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("training_records")
                .add_column(string_len_null("result", 16))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_training_records_worker",
            "training_records",
            &["worker_id", "completed_on"],
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["assessment_amendments", "assessment_entries", "assessment_rounds"] {
            m.drop_table(Table::drop().table(t).if_exists().to_owned()).await?;
        }
        Ok(())
    }
}
