//! The reserve pool (后备力量): candidates for the community's 两委.

use super::{Step, Step::Index, province};

pub(super) const STEPS: &[Step] = &[
    province(
        "reserves",
        "region_code:s15 name:s50 gender:s1 birth_date:date education:s2? political_status:s2 current_post:s100? \
         note:s200? added_by:s64 added_on:date removed_on:date?",
        "",
    ),
    Index("idx_reserves_region", "reserves", "region_code"),
];
