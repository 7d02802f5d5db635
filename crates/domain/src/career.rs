//! Career rules: assessment grades, the exit rule, training rotation.
//! Groundwork for the career-system issue: pure functions, every number a parameter that the
//! region's policy supplies.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// 考核等次.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    Excellent,
    Competent,
    BasicallyCompetent,
    Incompetent,
}

impl Grade {
    pub const ALL: [Grade; 4] = [Self::Excellent, Self::Competent, Self::BasicallyCompetent, Self::Incompetent];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Excellent => "excellent",
            Self::Competent => "competent",
            Self::BasicallyCompetent => "basically_competent",
            Self::Incompetent => "incompetent",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Excellent => "优秀",
            Self::Competent => "合格",
            Self::BasicallyCompetent => "基本合格",
            Self::Incompetent => "不合格",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::ALL.into_iter().find(|g| g.as_str() == s || g.label() == s)
    }

    /// "合格 or better": counts towards pay progression.
    pub fn at_least_competent(self) -> bool {
        matches!(self, Self::Excellent | Self::Competent)
    }
}

/// The exit rule (吉林, 003): 不合格 `consecutive` years running, or `total` years in all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExitRule {
    pub consecutive: u32,
    pub total: u32,
}

impl Default for ExitRule {
    fn default() -> Self {
        Self { consecutive: 2, total: 3 }
    }
}

/// Why the exit rule flagged a worker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExitTrigger {
    /// `consecutive` or `total`.
    pub rule: &'static str,
    /// The 不合格 years that make it hold.
    pub years: Vec<i32>,
    pub message: String,
}

/// Applies the exit rule to a worker's published grades (any order, one per year; a year without a
/// grade breaks a run). `None` unless the rule holds.
pub fn exit_flag(grades: &[(i32, Grade)], rule: ExitRule) -> Option<ExitTrigger> {
    let mut bad: Vec<i32> = grades.iter().filter(|(_, g)| *g == Grade::Incompetent).map(|(y, _)| *y).collect();
    bad.sort_unstable();
    bad.dedup();
    if rule.consecutive > 0 {
        let mut run = Vec::new();
        for &y in &bad {
            if run.last().is_some_and(|&l: &i32| l + 1 != y) {
                run.clear();
            }
            run.push(y);
            if run.len() as u32 >= rule.consecutive {
                return Some(ExitTrigger {
                    rule: "consecutive",
                    message: format!("连续{}年考核不合格（{}）", rule.consecutive, years_text(&run)),
                    years: run,
                });
            }
        }
    }
    if rule.total > 0 && bad.len() as u32 >= rule.total {
        let years = bad[..rule.total as usize].to_vec();
        return Some(ExitTrigger {
            rule: "total",
            message: format!("累计{}年考核不合格（{}）", rule.total, years_text(&years)),
            years,
        });
    }
    None
}

fn years_text(years: &[i32]) -> String {
    years.iter().map(|y| format!("{y}年")).collect::<Vec<_>>().join("、")
}

/// Combines the organisation's score and the residents' evaluation (群众评议), both 0–100, with
/// weights in per cent that sum to 100. Integer tenths of a point, so results are exact.
pub fn combined_score_tenths(organisation: u32, residents: u32, organisation_weight_pct: u32) -> u32 {
    let w = organisation_weight_pct.min(100);
    (organisation.min(100) * w * 10 + residents.min(100) * (100 - w) * 10) / 100
}

/// Weighted score in tenths of a point: each (score 0–100, weight in per cent), weights summing
/// to 100. Rounded down.
pub fn weighted_score_tenths(parts: &[(u32, u32)]) -> u32 {
    parts.iter().map(|(s, w)| s.min(&100) * w).sum::<u32>() / 10
}

/// Proposes grades for a round: each score (tenths) gets the grade its thresholds give; when more
/// than `cap` would be 优秀, the lowest-scored of them (ties: the later in the list) drop to the
/// next grade. Returns the grades in input order.
pub fn propose_grades(scores: &[u32], grade_for: impl Fn(u32) -> Grade, cap: Option<u32>) -> Vec<Grade> {
    let mut grades: Vec<Grade> = scores.iter().map(|s| grade_for(*s)).collect();
    if let Some(cap) = cap {
        let mut excellent: Vec<usize> = (0..scores.len()).filter(|i| grades[*i] == Grade::Excellent).collect();
        if excellent.len() as u32 > cap {
            excellent.sort_by(|a, b| scores[*b].cmp(&scores[*a]).then(a.cmp(b)));
            for i in excellent.into_iter().skip(cap as usize) {
                grades[i] = Grade::Competent;
            }
        }
    }
    grades
}

/// The most 优秀 grades a group of `n` may receive under a cap in per cent (rounded down, at least
/// one when the group is not empty and the cap is positive).
pub fn excellent_cap(n: u32, cap_pct: u32) -> u32 {
    if n == 0 || cap_pct == 0 {
        return 0;
    }
    (n * cap_pct / 100).max(1)
}

/// Training rotation (吉林): secretaries and directors every year, others at least every `others`
/// years. Returns the day from which the worker is overdue, if they are overdue on `as_of`.
pub fn training_overdue_since(
    head: bool,
    last_trained: Option<NaiveDate>,
    service_start: NaiveDate,
    as_of: NaiveDate,
    head_every_years: u32,
    others_every_years: u32,
) -> Option<NaiveDate> {
    let every = if head { head_every_years } else { others_every_years }.max(1);
    let from = last_trained.unwrap_or(service_start);
    let due = from.checked_add_months(chrono::Months::new(12 * every))?;
    (as_of >= due).then_some(due)
}

/// A day on or before which every worker overdue on `as_of` under an `every_years` rotation last
/// trained (or started): a cut-off a query can filter by before [`training_overdue_since`] decides.
/// A few days generous, for the months' ends (29 February plus a year is 28 February).
pub fn rotation_cut_off(as_of: NaiveDate, every_years: u32) -> NaiveDate {
    as_of
        .checked_sub_months(chrono::Months::new(12 * every_years.max(1)))
        .map_or(as_of, |d| d + chrono::Duration::days(3))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Grade::*;
    use proptest::prelude::*;

    #[test]
    fn the_two_ways_out() {
        let r = ExitRule::default();
        assert_eq!(exit_flag(&[(2022, Incompetent), (2023, Incompetent)], r).unwrap().rule, "consecutive");
        assert_eq!(
            exit_flag(&[(2020, Incompetent), (2022, Incompetent), (2024, Incompetent)], r).unwrap().rule,
            "total"
        );
        assert!(exit_flag(&[(2020, Incompetent), (2022, Incompetent), (2023, Competent)], r).is_none());
        assert!(exit_flag(&[(2021, Incompetent), (2022, Excellent), (2023, Incompetent)], r).is_none());
        let t = exit_flag(&[(2023, Incompetent), (2024, Incompetent)], r).unwrap();
        assert_eq!(t.message, "连续2年考核不合格（2023年、2024年）");
    }

    #[test]
    fn scores_caps_and_rotation() {
        assert_eq!(combined_score_tenths(90, 80, 70), 870);
        assert_eq!(weighted_score_tenths(&[(90, 60), (80, 30), (85, 10)]), 865);
        assert_eq!(excellent_cap(12, 20), 2);
        assert_eq!(excellent_cap(3, 20), 1);
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(
            training_overdue_since(true, Some(d(2025, 3, 1)), d(2015, 1, 1), d(2026, 3, 1), 1, 2),
            Some(d(2026, 3, 1))
        );
        assert_eq!(training_overdue_since(false, Some(d(2025, 3, 1)), d(2015, 1, 1), d(2026, 3, 1), 1, 2), None);
        assert_eq!(Grade::parse("基本合格"), Some(BasicallyCompetent));
    }

    fn grade() -> impl Strategy<Value = Grade> {
        prop_oneof![Just(Excellent), Just(Competent), Just(BasicallyCompetent), Just(Incompetent)]
    }

    proptest! {
        /// Whoever the rotation makes overdue last trained on or before the cut-off.
        #[test]
        fn the_cut_off_never_misses_anyone_overdue(
            from in 0i64..4_000,
            as_of in 0i64..4_000,
            every in 1u32..4,
            head in any::<bool>(),
        ) {
            let day = |n: i64| NaiveDate::from_ymd_opt(2015, 1, 1).unwrap() + chrono::Duration::days(n);
            let (from, as_of) = (day(from), day(as_of));
            let overdue = training_overdue_since(head, Some(from), from, as_of, every, every).is_some();
            prop_assert!(!overdue || from <= rotation_cut_off(as_of, every), "{from} {as_of} {every}");
            // Generous by days, not by a year: a week past the cut-off is never overdue.
            prop_assert!(!overdue || from < rotation_cut_off(as_of, every) + chrono::Duration::days(7));
            let late = rotation_cut_off(as_of, every) + chrono::Duration::days(7);
            prop_assert!(training_overdue_since(head, Some(late), late, as_of, every, every).is_none());
        }

        /// No sequence of grades flags a worker unless the rule holds, and every one where it holds does.
        #[test]
        fn flags_exactly_when_the_rule_holds(gs in proptest::collection::vec(grade(), 0..12), start in 2010i32..2020) {
            let grades: Vec<(i32, Grade)> = gs.iter().enumerate().map(|(i, g)| (start + i as i32, *g)).collect();
            let bad: Vec<i32> = grades.iter().filter(|(_, g)| *g == Incompetent).map(|(y, _)| *y).collect();
            let two_running = bad.windows(2).any(|w| w[1] == w[0] + 1);
            let holds = two_running || bad.len() >= 3;
            let flag = exit_flag(&grades, ExitRule::default());
            prop_assert_eq!(flag.is_some(), holds);
            if let Some(t) = flag {
                prop_assert!(t.years.iter().all(|y| bad.contains(y)));
            }
        }

        #[test]
        fn the_cap_holds_and_drops_only_the_lowest(scores in proptest::collection::vec(0u32..=1000, 0..60), cap_pct in 1u32..=100) {
            let cap = excellent_cap(scores.len() as u32, cap_pct);
            let by = |s: u32| if s >= 900 { Excellent } else if s >= 700 { Competent } else { Incompetent };
            let g = propose_grades(&scores, by, Some(cap));
            let n = g.iter().filter(|g| **g == Excellent).count() as u32;
            prop_assert!(n <= cap);
            let uncapped = scores.iter().filter(|s| **s >= 900).count() as u32;
            prop_assert_eq!(n, uncapped.min(cap));
            // every 优秀 scores at least as much as every capped-out one
            for (i, gi) in g.iter().enumerate() {
                for (j, gj) in g.iter().enumerate() {
                    if *gi == Excellent && *gj != Excellent && scores[j] >= 900 {
                        prop_assert!(scores[i] >= scores[j]);
                    }
                }
            }
        }

        #[test]
        fn combined_score_lies_between_its_parts(o in 0u32..=100, r in 0u32..=100, w in 0u32..=100) {
            let c = combined_score_tenths(o, r, w);
            prop_assert!(c >= o.min(r) * 10 && c <= o.max(r) * 10);
        }
    }
}
