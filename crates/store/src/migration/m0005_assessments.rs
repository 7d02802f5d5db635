//! Yearly assessment grades (考核等次), one published grade per worker and year.

use super::{
    Step,
    Step::{Index, Unique},
    province,
};

pub(super) const STEPS: &[Step] = &[
    province(
        "assessments",
        "worker_id:uuid region_code:s15 year:i32 grade:s32 recorded_by:s64 recorded_at:ts",
        "worker_id>workers",
    ),
    Unique("uq_assessments_worker_year", "assessments", "province_code worker_id year"),
    Index("idx_assessments_grade_region", "assessments", "grade region_code"),
];
