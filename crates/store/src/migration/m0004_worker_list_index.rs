//! The worker list's usual shape — active workers in a subtree, by community and name — served
//! from one index, counts included.

use super::{Step, Step::Index};

pub(super) const STEPS: &[Step] =
    &[Index("idx_workers_status_region_name", "workers", "status province_code region_code name id")];
