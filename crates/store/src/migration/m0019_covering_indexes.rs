//! Indexes that hold everything the large reads take, so that they never visit the table rows: a
//! subtree's grades for a month's pay (who, which year, which grade), and each worker's training for
//! the rotation and the year's credits. Both lead with `province_code`, which every such query names.
//! And the communities of a subtree by level, without reading every street and grid beside them;
//! the agreements ending soon, without reading every agreement.

use super::{
    Step,
    Step::{DropIndex, Index},
};

pub(super) const STEPS: &[Step] = &[
    Index("idx_assessments_region_grades", "assessments", "province_code region_code year worker_id grade"),
    DropIndex("idx_assessments_region_year", "assessments", "region_code year"),
    Index(
        "idx_training_records_worker_credits",
        "training_records",
        "province_code worker_id completed_on attendance credits",
    ),
    DropIndex("idx_training_records_worker", "training_records", "worker_id completed_on"),
    Index("idx_regions_level_code", "regions", "level code"),
    Index("idx_agreements_ending", "agreements", "province_code end_date region_code"),
];
