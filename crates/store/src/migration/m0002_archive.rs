//! The electronic archive. Every table here is distributed by `province_code` on Citus, so every
//! primary key and foreign key includes it.

use super::index;
use super::province_table;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn child(name: &'static str) -> TableCreateStatement {
    Table::create()
        .table(name)
        .if_not_exists()
        .col(string_len("province_code", 2))
        .col(uuid("id"))
        .col(uuid("worker_id"))
        .primary_key(Index::create().col("province_code").col("id"))
        .foreign_key(
            ForeignKey::create()
                .from(name, ("province_code", "worker_id"))
                .to("workers", ("province_code", "id")),
        )
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            province_table("workers")
                // The community the worker serves in now (or last served in, once exited).
                .col(string_len("region_code", 15))
                .col(string_len("name", 60))
                .col(string_len("id_number", 18))
                .col(string_len("gender", 1))
                .col(date("birth_date"))
                .col(string_len("ethnicity", 2))
                .col(string_len("political_status", 2))
                .col(string_len_null("phone", 20))
                .col(string_len_null("address", 200))
                .col(string_len("status", 16))
                // Derived from the current appointment, education and certificates, for lists.
                .col(string_len("post_category", 32))
                .col(string_len("title", 40))
                .col(boolean("two_committees"))
                .col(boolean("full_time"))
                .col(boolean("party_building"))
                .col(string_len_null("highest_education", 2))
                .col(string_len_null("certificate_level", 16))
                .col(date_null("service_start"))
                .col(date_null("exited_on"))
                .col(string_len_null("exit_reason", 200))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("workers", "region_code")
                        .to("regions", "code"),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index("idx_workers_region_name", "workers", &["region_code", "name"]))
            .await?;
        m.create_index(index("idx_workers_id_number", "workers", &["id_number"]))
            .await?;
        m.create_index(index("idx_workers_id", "workers", &["id"])).await?;

        // One ID number, one person, nationwide. On Citus this table is distributed by
        // `id_number` on its own, so the uniqueness holds across provinces.
        m.create_table(
            Table::create()
                .table("id_registry")
                .if_not_exists()
                .col(string_len("id_number", 18).primary_key())
                .col(string_len("province_code", 2))
                .col(uuid("worker_id"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            child("appointments")
                .col(string_len("region_code", 15))
                .col(string_len("post_category", 32))
                .col(string_len("title", 40))
                .col(boolean("two_committees"))
                .col(boolean("full_time"))
                .col(boolean("party_building"))
                .col(date("start_date"))
                .col(date_null("end_date"))
                .col(string_len_null("end_reason", 200))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_appointments_worker",
            "appointments",
            &["worker_id", "start_date"],
        ))
        .await?;
        m.create_index(index("idx_appointments_region", "appointments", &["region_code"]))
            .await?;

        m.create_table(
            child("educations")
                .col(string_len("education_code", 2))
                .col(string_len_null("school", 100))
                .col(string_len_null("major", 100))
                .col(date_null("graduated_on"))
                .col(boolean("full_time_study").default(true))
                .to_owned(),
        )
        .await?;
        m.create_index(index("idx_educations_worker", "educations", &["worker_id"]))
            .await?;

        m.create_table(
            child("certificates")
                // social_work, or other (职称, other qualifications)
                .col(string_len("kind", 16))
                .col(string_len_null("level", 16))
                .col(string_len("name", 100))
                .col(string_len_null("number", 60))
                .col(date_null("issued_on"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("idx_certificates_worker", "certificates", &["worker_id"]))
            .await?;

        m.create_table(
            child("agreements")
                .col(string_len("region_code", 15))
                .col(string_len_null("number", 60))
                .col(string_len("term", 40))
                .col(date("start_date"))
                .col(date("end_date"))
                .col(date_null("signed_on"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("idx_agreements_worker", "agreements", &["worker_id"]))
            .await?;

        // The field-by-field history of every write to an archive.
        m.create_table(
            child("worker_changes")
                .col(string_len("region_code", 15))
                .col(timestamp_with_time_zone("changed_at"))
                .col(string_len("actor", 64))
                .col(string_len("section", 32))
                .col(string_len("field", 64))
                .col(text_null("before"))
                .col(text_null("after"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_worker_changes_worker",
            "worker_changes",
            &["worker_id", "changed_at"],
        ))
        .await?;

        m.create_table(
            child("correction_requests")
                .col(string_len("region_code", 15))
                .col(timestamp_with_time_zone("created_at"))
                .col(string_len("requested_by", 64))
                .col(string_len("field", 64))
                .col(text("message"))
                .col(string_len("status", 16))
                .col(string_len_null("handled_by", 64))
                .col(timestamp_with_time_zone_null("handled_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_corrections_region",
            "correction_requests",
            &["region_code", "status"],
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "correction_requests",
            "worker_changes",
            "agreements",
            "certificates",
            "educations",
            "appointments",
            "id_registry",
            "workers",
        ] {
            m.drop_table(Table::drop().table(t).if_exists().to_owned()).await?;
        }
        Ok(())
    }
}
