//! One portable migration set for SQLite and PostgreSQL (and Citus: see docs/scaling.md).
//! Portable types only: text, integers, booleans, dates, UTC timestamps, UUIDs made by the app.
//! No triggers, no arrays, no JSON operators. One schema change per step; steps never change once
//! released.

use sea_orm_migration::prelude::*;

mod m0001_regions;
mod m0002_archive;
mod m0003_access;
mod m0004_worker_list_index;
mod m0005_assessments;
mod m0006_rewards;
mod m0007_training;
mod m0008_policies;
mod m0009_assessment_rounds;
mod m0010_reserves;
mod m0011_payroll;
mod m0012_assessment_region_index;
mod m0013_statistics;
mod m0014_accounts;
mod m0015_import_runs;
mod m0016_correction_replies;
mod m0017_bank_accounts;
mod m0018_attachments;
mod m0019_covering_indexes;
mod m0020_worker_search;
mod m0021_worker_sort_indexes;
mod m0022_worker_search_by_worker;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_regions::Migration),
            Box::new(m0002_archive::Migration),
            Box::new(m0003_access::Migration),
            Box::new(m0004_worker_list_index::Migration),
            Box::new(m0005_assessments::Migration),
            Box::new(m0006_rewards::Migration),
            Box::new(m0007_training::Migration),
            Box::new(m0008_policies::Migration),
            Box::new(m0009_assessment_rounds::Migration),
            Box::new(m0010_reserves::Migration),
            Box::new(m0011_payroll::Migration),
            Box::new(m0012_assessment_region_index::Migration),
            Box::new(m0013_statistics::Migration),
            Box::new(m0014_accounts::Migration),
            Box::new(m0015_import_runs::Migration),
            Box::new(m0016_correction_replies::Migration),
            Box::new(m0017_bank_accounts::Migration),
            Box::new(m0018_attachments::Migration),
            Box::new(m0019_covering_indexes::Migration),
            Box::new(m0020_worker_search::Migration),
            Box::new(m0021_worker_sort_indexes::Migration),
            Box::new(m0022_worker_search_by_worker::Migration),
        ]
    }
}

/// `CREATE INDEX IF NOT EXISTS name ON table (cols…)`.
pub(crate) fn index(name: &str, table: &'static str, cols: &[&'static str]) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(table).if_not_exists();
    for c in cols {
        i.col(*c);
    }
    i.to_owned()
}

/// `CREATE UNIQUE INDEX IF NOT EXISTS name ON table (cols…)`.
pub(crate) fn unique(name: &str, table: &'static str, cols: &[&'static str]) -> IndexCreateStatement {
    let mut i = index(name, table, cols);
    i.unique();
    i
}

/// A foreign key from `table (province_code, col)` to `to (province_code, id)`: distribution-key
/// aligned, so it holds on Citus.
pub(crate) fn fk(table: &'static str, col: &'static str, to: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, ("province_code", col))
        .to(to, ("province_code", "id"))
        .to_owned()
}

/// `CREATE TABLE IF NOT EXISTS table (province_code, id, …, PRIMARY KEY (province_code, id))`: the
/// key of every table of a province's data, so that Citus can distribute it by province.
pub(crate) fn province_table(table: &'static str) -> TableCreateStatement {
    Table::create()
        .table(table)
        .if_not_exists()
        .col(sea_orm_migration::schema::string_len("province_code", 2))
        .col(sea_orm_migration::schema::uuid("id"))
        .primary_key(Index::create().col("province_code").col("id"))
        .to_owned()
}
