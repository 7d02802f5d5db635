//! Who covers each grid (网格): its 网格员 and 包格两委 (workers of the community), its 联户长
//! (residents, with a phone and the households they link) and its party group. A row is a duty
//! from a date; a reassignment ends the old row (`end_on`, `ended_by`) and adds a new one, so the
//! history of every grid and every worker's grids is kept.

use super::{Step, Step::Index, province};

pub(super) const STEPS: &[Step] = &[
    province(
        "grid_duties",
        "grid_code:s15 community_code:s15 duty:s16 worker_id:uuid? name:s50 phone:s20? households:i32? \
         start_on:date end_on:date? added_by:s64 added_at:ts ended_by:s64? ended_at:ts?",
        "",
    ),
    Index("idx_grid_duties_community", "grid_duties", "province_code community_code end_on grid_code"),
    Index("idx_grid_duties_worker", "grid_duties", "province_code worker_id end_on"),
];
