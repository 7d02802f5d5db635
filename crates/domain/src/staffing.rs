//! Staffing norms (员额): how many posts a community's size allows (海宁市《以“三社联动”推进社会治理创新
//! 高质量发展》: "严格按照300户配一名，实行总量控制"). Which norm applies, and its numbers, come from
//! the region's policy.

use serde::{Deserialize, Serialize};

/// A norm, as a policy file states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StaffingNorm {
    /// 吉林 (003): up to `base_households` households `base_min`–`base_max` posts; above that one more
    /// post per `step_max` to `step_min` further households (min grows by the larger step).
    Tiered { base_households: u32, base_min: u32, base_max: u32, step_min: u32, step_max: u32 },
    /// 海宁 (004): one worker per `households` households, rounded up.
    PerHouseholds { households: u32 },
    /// 六盘水 (001): `per_10000` workers per 10,000 residents, rounded up.
    PerResidents { per_10000: u32 },
}

/// The range of posts a community may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StaffingRange {
    pub min: u32,
    pub max: u32,
}

impl StaffingNorm {
    /// 吉林's published numbers.
    pub const JILIN: StaffingNorm =
        StaffingNorm::Tiered { base_households: 3000, base_min: 10, base_max: 15, step_min: 300, step_max: 500 };
    pub const HAINING: StaffingNorm = StaffingNorm::PerHouseholds { households: 300 };
    pub const LIUPANSHUI: StaffingNorm = StaffingNorm::PerResidents { per_10000: 18 };

    pub fn range(self, households: u32, residents: u32) -> StaffingRange {
        match self {
            Self::Tiered { base_households, base_min, base_max, step_min, step_max } => {
                if households <= base_households {
                    StaffingRange { min: base_min, max: base_max }
                } else {
                    let extra = households - base_households;
                    StaffingRange { min: base_min + extra / step_max.max(1), max: base_max + extra / step_min.max(1) }
                }
            }
            Self::PerHouseholds { households: per } => {
                let n = households.div_ceil(per.max(1));
                StaffingRange { min: n, max: n }
            }
            Self::PerResidents { per_10000 } => {
                let n = (u64::from(per_10000) * u64::from(residents)).div_ceil(10_000) as u32;
                StaffingRange { min: n, max: n }
            }
        }
    }
}

/// Grids a community needs: one per `max_households` households at most (吉林: 300–500).
pub fn grids_needed(households: u32, max_households: u32) -> u32 {
    households.div_ceil(max_households.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_published_norms() {
        assert_eq!(StaffingNorm::JILIN.range(2500, 0), StaffingRange { min: 10, max: 15 });
        // 4,500 households: 10 + ⌊1500/500⌋ = 13 to 15 + ⌊1500/300⌋ = 20
        assert_eq!(StaffingNorm::JILIN.range(4500, 0), StaffingRange { min: 13, max: 20 });
        assert_eq!(StaffingNorm::HAINING.range(3001, 0), StaffingRange { min: 11, max: 11 });
        assert_eq!(StaffingNorm::LIUPANSHUI.range(0, 8000), StaffingRange { min: 15, max: 15 });
        assert_eq!(grids_needed(2080, 400), 6);
    }

    proptest! {
        #[test]
        fn more_households_never_fewer_posts(h in 0u32..20_000, d in 0u32..5_000, r in 0u32..60_000) {
            for norm in [StaffingNorm::JILIN, StaffingNorm::HAINING, StaffingNorm::LIUPANSHUI] {
                let a = norm.range(h, r);
                let b = norm.range(h + d, r + d);
                prop_assert!(a.min <= a.max);
                prop_assert!(b.min >= a.min && b.max >= a.max);
            }
        }
    }
}
