//! Scans kept in an archive (a photo, certificates, diplomas, agreements), with the archive: one
//! province's rows, distributed with the workers on Citus.

use super::{Step, Step::Index, province};

pub(super) const STEPS: &[Step] = &[
    province(
        "attachments",
        "worker_id:uuid region_code:s12 kind:s20 filename:s200 content_type:s40 size:i32 bytes:blob created_by:s64 \
         created_at:ts",
        "worker_id>workers",
    ),
    Index("idx_attachments_worker", "attachments", "province_code worker_id"),
];
