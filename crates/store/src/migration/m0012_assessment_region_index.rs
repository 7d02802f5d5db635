//! Payroll and the round reads take a subtree's grades by region: an index that leads with the
//! region code (never with `province_code`: see docs/scaling.md).

use super::{Step, Step::Index};

pub(super) const STEPS: &[Step] = &[Index("idx_assessments_region_year", "assessments", "region_code year")];
