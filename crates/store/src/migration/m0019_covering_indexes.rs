//! Indexes that hold everything the large reads take, so that they never visit the table rows: a
//! subtree's grades for a month's pay (who, which year, which grade), and each worker's training for
//! the rotation and the year's credits. Both lead with `province_code`, which every such query names.
//! And the communities of a subtree by level, without reading every street and grid beside them;
//! the agreements ending soon, without reading every agreement.

use super::index;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// An index replaced: (old index, its table, its columns; new index, its columns).
type Change = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static str,
    &'static [&'static str],
);

const CHANGES: [Change; 2] = [
    (
        "idx_assessments_region_year",
        "assessments",
        &["region_code", "year"],
        "idx_assessments_region_grades",
        &["province_code", "region_code", "year", "worker_id", "grade"],
    ),
    (
        "idx_training_records_worker",
        "training_records",
        &["worker_id", "completed_on"],
        "idx_training_records_worker_credits",
        &["province_code", "worker_id", "completed_on", "attendance", "credits"],
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (old, table, _, new, cols) in CHANGES {
            m.create_index(index(new, table, cols)).await?;
            m.drop_index(Index::drop().name(old).table(table).if_exists().to_owned())
                .await?;
        }
        m.create_index(index("idx_regions_level_code", "regions", &["level", "code"]))
            .await?;
        m.create_index(index(
            "idx_agreements_ending",
            "agreements",
            &["province_code", "end_date", "region_code"],
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (old, table, cols, new, _) in CHANGES {
            m.create_index(index(old, table, cols)).await?;
            m.drop_index(Index::drop().name(new).table(table).if_exists().to_owned())
                .await?;
        }
        for (name, table) in [
            ("idx_regions_level_code", "regions"),
            ("idx_agreements_ending", "agreements"),
        ] {
            m.drop_index(Index::drop().name(name).table(table).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
