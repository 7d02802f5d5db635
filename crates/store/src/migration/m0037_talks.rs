//! 谈心谈话: the community secretary's talks with each worker, with the problems raised and solved.

use super::{
    Step,
    Step::{Index, Unique},
    province,
};

pub(super) const STEPS: &[Step] = &[
    province(
        "talks",
        "community_code:s12 worker_id:uuid held_on:date held_by:s64 raised:i32 solved:i32 note:text? \
         recorded_by:s64 recorded_at:ts",
        "",
    ),
    // One talk with a worker a day; a quarter of a community (or a street's communities) by date.
    Unique("idx_talks_worker_day", "talks", "province_code worker_id held_on"),
    Index("idx_talks_community", "talks", "province_code community_code held_on"),
    // A worker's duty days for their service record.
    Index("idx_window_duties_worker", "window_duties", "province_code worker_id on_date"),
];
