//! Assessment rounds organised by a street (draft → scored → published), their entries, recorded
//! amendments of published grades, and a result per worker for training.

use super::{
    Step,
    Step::{AddColumn, Index, Unique},
    province,
};

pub(super) const STEPS: &[Step] = &[
    // `status`: draft | scored | published.
    province(
        "assessment_rounds",
        "region_code:s15 year:i32 status:s16 policy_name:s40 policy_version:i32 created_by:s64 created_at:ts \
         published_by:s64? published_at:ts?",
        "",
    ),
    Unique("uq_assessment_rounds_region_year", "assessment_rounds", "province_code region_code year"),
    Index("idx_assessment_rounds_region", "assessment_rounds", "region_code year"),
    province(
        "assessment_entries",
        "round_id:uuid worker_id:uuid region_code:s15 organisation_score:i32? residents_score:i32? routine_score:i32? \
         combined_tenths:i32? grade:s32? note:s200?",
        "round_id>assessment_rounds; worker_id>workers",
    ),
    Unique("uq_assessment_entries_worker", "assessment_entries", "province_code round_id worker_id"),
    province(
        "assessment_amendments",
        "assessment_id:uuid worker_id:uuid region_code:s15 year:i32 old_grade:s32 new_grade:s32 reason:s200 \
         amended_by:s64 amended_at:ts",
        "assessment_id>assessments",
    ),
    Index("idx_assessment_amendments_worker", "assessment_amendments", "worker_id year"),
    // Attendance and result per worker: attended | absent, and passed | failed when examined.
    AddColumn("training_records", "attendance:s16=attended"),
    AddColumn("training_records", "result:s16?"),
    Index("idx_training_records_worker", "training_records", "worker_id completed_on"),
];
