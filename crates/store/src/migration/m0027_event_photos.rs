//! Photos of 民情事件: JPEG or PNG, without their metadata (where and when they were taken), kept
//! once per event by the SHA-256 of what is kept; one province's rows, distributed with the events.

use super::{Step, Step::Unique, province};

pub(super) const STEPS: &[Step] = &[
    province(
        "event_photos",
        "event_id:uuid sha256:c64 content_type:s40 size:i32 bytes:blob created_by:s64 created_at:ts",
        "event_id>events",
    ),
    Unique("idx_event_photos_hash", "event_photos", "province_code event_id sha256"),
];
