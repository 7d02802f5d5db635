//! Monthly payroll: runs per region and month (computed → reviewed → locked), one payslip per
//! worker with every component in fen, and adjustment lines (the only change a locked month takes).

use super::{fk, index, province_table, unique};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            province_table("payroll_runs")
                .col(string_len("region_code", 15))
                // YYYY-MM
                .col(string_len("month", 7))
                // computed | reviewed | locked
                .col(string_len("status", 16))
                .col(string_len("policy_name", 40))
                .col(integer("policy_version"))
                .col(integer("workers"))
                .col(big_integer("total_fen"))
                .col(integer("skipped"))
                .col(string_len("created_by", 64))
                .col(timestamp_with_time_zone("created_at"))
                .col(string_len_null("reviewed_by", 64))
                .col(timestamp_with_time_zone_null("reviewed_at"))
                .col(string_len_null("locked_by", 64))
                .col(timestamp_with_time_zone_null("locked_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(unique(
            "uq_payroll_runs_region_month",
            "payroll_runs",
            &["province_code", "region_code", "month"],
        ))
        .await?;
        m.create_index(index(
            "idx_payroll_runs_month",
            "payroll_runs",
            &["month", "region_code"],
        ))
        .await?;
        m.create_table(
            province_table("payslips")
                .col(uuid("run_id"))
                .col(uuid("worker_id"))
                .col(string_len("region_code", 15))
                .col(string_len("month", 7))
                .col(string_len("post_category", 16))
                .col(integer("level"))
                .col(big_integer("base_fen"))
                .col(big_integer("post_pay_fen"))
                .col(big_integer("allowance_fen"))
                .col(big_integer("education_fen"))
                .col(big_integer("certificate_fen"))
                .col(big_integer("performance_fen"))
                .col(big_integer("total_fen"))
                .col(big_integer("floor_shortfall_fen"))
                .foreign_key(&mut fk("payslips", "run_id", "payroll_runs"))
                .to_owned(),
        )
        .await?;
        m.create_index(unique(
            "uq_payslips_run_worker",
            "payslips",
            &["province_code", "run_id", "worker_id"],
        ))
        .await?;
        m.create_index(index("idx_payslips_worker_month", "payslips", &["worker_id", "month"]))
            .await?;
        m.create_table(
            province_table("payslip_adjustments")
                .col(uuid("run_id"))
                .col(uuid("worker_id"))
                .col(string_len("region_code", 15))
                .col(string_len("month", 7))
                .col(big_integer("amount_fen"))
                .col(string_len("reason", 200))
                .col(string_len("created_by", 64))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("payslip_adjustments", "run_id", "payroll_runs"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_payslip_adjustments_worker",
            "payslip_adjustments",
            &["worker_id", "month"],
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["payslip_adjustments", "payslips", "payroll_runs"] {
            m.drop_table(Table::drop().table(t).if_exists().to_owned()).await?;
        }
        Ok(())
    }
}
