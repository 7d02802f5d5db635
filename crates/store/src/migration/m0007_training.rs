//! Training (培训): courses and classes, and each worker's completed training with its credits.

use super::{
    Step,
    Step::{Index, Unique},
    province,
};

pub(super) const STEPS: &[Step] = &[
    // `region_code`: the organising region; its subtree may take part. `kind`: initial | duty |
    // degree | topic | online (初任, 履职, 学历提升, 专题, 网络).
    province(
        "trainings",
        "region_code:s15 name:s100 kind:s16 organiser:s100 start_date:date end_date:date hours:i32 credits:i32 \
         created_by:s64 created_at:ts",
        "",
    ),
    Index("idx_trainings_region", "trainings", "region_code start_date"),
    province(
        "training_records",
        "training_id:uuid worker_id:uuid region_code:s15 completed_on:date credits:i32",
        "training_id>trainings; worker_id>workers",
    ),
    Unique("uq_training_records_worker", "training_records", "province_code training_id worker_id"),
    Index("idx_training_records_region", "training_records", "region_code worker_id completed_on"),
];
