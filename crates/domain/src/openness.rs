//! 居务公开 and 双随机一公开: what a community must publish under 党务、居务、财务 and by when (the
//! policy's periods and deadlines), whether a period was published on time, late or not at all;
//! and the spot check's draw — the same seed and the same candidates always draw the same
//! communities and the same inspectors, so anyone can re-run it and see it was fair.

use crate::FieldError;
use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// A heading of 三务公开.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// 党务公开
    Party,
    /// 居务公开
    Affairs,
    /// 财务公开
    Finance,
}

impl Category {
    pub const ALL: [Category; 3] = [Self::Party, Self::Affairs, Self::Finance];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Party => "party",
            Self::Affairs => "affairs",
            Self::Finance => "finance",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Party => "党务",
            Self::Affairs => "居务",
            Self::Finance => "财务",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        let t = s.trim();
        Self::ALL.into_iter().find(|c| c.as_str() == t || c.label() == t || format!("{}公开", c.label()) == t)
    }

    pub fn parse_field(s: &str) -> Result<Self, FieldError> {
        Self::parse(s).ok_or_else(|| FieldError::new("disclosure_category", "category", "类别应为党务、居务或财务"))
    }
}

/// How often a heading is published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cadence {
    Monthly,
    Quarterly,
}

/// One heading's rule: its cadence and the days after a period's end by which it must be out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisclosureRule {
    pub category: Category,
    pub cadence: Cadence,
    pub deadline_days: u32,
}

/// The policy's `[openness]`: the three headings' rules, the spot check's checklist and the days a
/// finding is given to be put right.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OpennessPolicy {
    pub disclosure: Vec<DisclosureRule>,
    pub checklist: Vec<String>,
    pub rectify_days: u32,
}

impl Default for OpennessPolicy {
    /// 党务 each quarter, 居务 and 财务 each month, out within 10 days of the period's end; 海宁's six
    /// points of the 双随机 check; 30 days to put a finding right.
    fn default() -> Self {
        let rule = |category, cadence| DisclosureRule { category, cadence, deadline_days: 10 };
        Self {
            disclosure: vec![
                rule(Category::Party, Cadence::Quarterly),
                rule(Category::Affairs, Cadence::Monthly),
                rule(Category::Finance, Cadence::Monthly),
            ],
            checklist: ["挂牌规范", "制度上墙", "三务公开", "协商民主", "两约修订", "印章管理"]
                .map(String::from)
                .to_vec(),
            rectify_days: 30,
        }
    }
}

impl OpennessPolicy {
    pub fn check(&self) -> Result<(), String> {
        let mut seen = std::collections::HashSet::new();
        for r in &self.disclosure {
            if !seen.insert(r.category) {
                return Err(format!("[openness] {}公开写了两次", r.category.label()));
            }
            if r.deadline_days == 0 || r.deadline_days > 90 {
                return Err(format!("[openness] {}公开的期限应在1至90天之间", r.category.label()));
            }
        }
        let mut items = std::collections::HashSet::new();
        if self.checklist.is_empty() || self.checklist.len() > 30 {
            return Err("[openness] 检查清单应有1至30项".into());
        }
        for c in &self.checklist {
            let t = c.trim();
            if t.is_empty() || t.chars().count() > 20 || !items.insert(t) {
                return Err(format!("[openness] 检查项“{t}”应为1至20个字且不重复"));
            }
        }
        if self.rectify_days == 0 || self.rectify_days > 365 {
            return Err("[openness] 整改期限应在1至365天之间".into());
        }
        Ok(())
    }

    pub fn rule(&self, c: Category) -> Option<&DisclosureRule> {
        self.disclosure.iter().find(|r| r.category == c)
    }
}

/// A period to publish for: `2026-11` (a month) or `2026-Q4` (a quarter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    pub year: i32,
    /// 1–12 for a month, 1–4 for a quarter.
    pub index: u32,
    pub cadence: Cadence,
}

impl Period {
    /// The period a day falls in.
    pub fn of(cadence: Cadence, d: NaiveDate) -> Self {
        let index = match cadence {
            Cadence::Monthly => d.month(),
            Cadence::Quarterly => d.month0() / 3 + 1,
        };
        Self { year: d.year(), index, cadence }
    }

    /// `2026-11` or `2026-Q4`, exactly (no sign, no padding other than the month's two digits).
    pub fn parse(s: &str) -> Option<Self> {
        let (y, rest) = s.trim().split_once('-')?;
        let digits = |t: &str, n: usize| t.len() == n && t.bytes().all(|b| b.is_ascii_digit());
        if !digits(y, 4) {
            return None;
        }
        let year: i32 = y.parse().ok().filter(|y| (2000..=2100).contains(y))?;
        if let Some(q) = rest.strip_prefix('Q') {
            if !digits(q, 1) {
                return None;
            }
            let index: u32 = q.parse().ok().filter(|q| (1..=4).contains(q))?;
            return Some(Self { year, index, cadence: Cadence::Quarterly });
        }
        if !digits(rest, 2) {
            return None;
        }
        let index: u32 = rest.parse().ok().filter(|m| (1..=12).contains(m))?;
        Some(Self { year, index, cadence: Cadence::Monthly })
    }

    pub fn key(self) -> String {
        match self.cadence {
            Cadence::Monthly => format!("{}-{:02}", self.year, self.index),
            Cadence::Quarterly => format!("{}-Q{}", self.year, self.index),
        }
    }

    /// 2026年11月 / 2026年第四季度.
    pub fn label(self) -> String {
        match self.cadence {
            Cadence::Monthly => format!("{}年{}月", self.year, self.index),
            Cadence::Quarterly => {
                format!("{}年第{}季度", self.year, ["一", "二", "三", "四"][(self.index as usize - 1).min(3)])
            }
        }
    }

    pub fn first_day(self) -> NaiveDate {
        let m = match self.cadence {
            Cadence::Monthly => self.index,
            Cadence::Quarterly => self.index * 3 - 2,
        };
        NaiveDate::from_ymd_opt(self.year, m, 1).expect("a period's first day exists")
    }

    pub fn next(self) -> Self {
        let n = match self.cadence {
            Cadence::Monthly => 12,
            Cadence::Quarterly => 4,
        };
        if self.index == n {
            Self { year: self.year + 1, index: 1, ..self }
        } else {
            Self { index: self.index + 1, ..self }
        }
    }

    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().expect("a period ends")
    }

    /// The last day to publish for this period.
    pub fn deadline(self, deadline_days: u32) -> NaiveDate {
        self.last_day().checked_add_days(Days::new(deadline_days.into())).expect("a deadline within the calendar")
    }
}

/// Where a community stands on one heading's period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Timeliness {
    /// Published by the deadline.
    OnTime,
    /// Published after the deadline.
    Late,
    /// The deadline has passed and nothing is published.
    Missing,
    /// Nothing yet, and the deadline is still to come.
    Open,
}

impl Timeliness {
    pub fn label(self) -> &'static str {
        match self {
            Self::OnTime => "按时公开",
            Self::Late => "逾期公开",
            Self::Missing => "未公开",
            Self::Open => "未到期限",
        }
    }

    /// From the first publication for the period (if any), its deadline and today.
    pub fn of(first_published: Option<NaiveDate>, deadline: NaiveDate, today: NaiveDate) -> Self {
        match first_published {
            Some(d) if d <= deadline => Self::OnTime,
            Some(_) => Self::Late,
            None if today > deadline => Self::Missing,
            None => Self::Open,
        }
    }
}

/// The periods of a cadence that have ended by `today`, newest first, `n` of them.
pub fn ended_periods(cadence: Cadence, today: NaiveDate, n: usize) -> Vec<Period> {
    let mut out = Vec::with_capacity(n);
    let mut p = Period::of(cadence, today);
    // Step back to the period before today's.
    let prev = |p: Period| {
        let last = p.first_day().pred_opt().expect("a day before");
        Period::of(cadence, last)
    };
    while out.len() < n {
        p = prev(p);
        out.push(p);
    }
    out
}

/// The periods of a cadence that end on or after `since` and have ended before `today`, newest first
/// (a window of a year takes in the quarter it began in).
pub fn periods_since(cadence: Cadence, since: NaiveDate, today: NaiveDate) -> Vec<Period> {
    let mut out = Vec::new();
    let mut p = Period::of(cadence, since);
    while p.last_day() < today && out.len() < 1200 {
        out.push(p);
        p = p.next();
    }
    out.reverse();
    out
}

/// A seed's 64 bits: the FNV-1a hash of its text (so a seed may be any text, "20261130" as well).
fn seed_bits(seed: &str) -> u64 {
    seed.trim().bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3))
}

/// SplitMix64: small, well known, and written here so the draw never changes with a crate's version.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in 0..n (rejection sampling, no modulo bias).
    fn below(&mut self, n: u64) -> u64 {
        let zone = u64::MAX - u64::MAX % n;
        loop {
            let v = self.next();
            if v < zone {
                return v % n;
            }
        }
    }
}

/// Draws `count` of `candidates` (taken in sorted order, so the order they come in does not matter)
/// with `seed`; the draw's order is kept. The same seed and candidates give the same draw.
pub fn draw(candidates: &[String], count: usize, seed: &str) -> Vec<String> {
    let mut pool: Vec<String> = candidates.to_vec();
    pool.sort();
    pool.dedup();
    let mut rng = SplitMix(seed_bits(seed));
    let k = count.min(pool.len());
    for i in 0..k {
        let j = i + rng.below((pool.len() - i) as u64) as usize;
        pool.swap(i, j);
    }
    pool.truncate(k);
    pool
}

/// Inspectors for each drawn community: `per_target` of the pool each, drawn with the seed after the
/// communities (`seed` + "/" + the community), so each assignment can be re-run alone.
pub fn assign(pool: &[String], drawn: &[String], per_target: usize, seed: &str) -> Vec<Vec<String>> {
    drawn.iter().map(|c| draw(pool, per_target, &format!("{}/{c}", seed.trim()))).collect()
}

/// The seeds' sentence for a region's openness figures.
pub fn openness_sentence(cleared_proofs: u64, on_time_pct: Option<f64>, inspected: u64, open_findings: u64) -> String {
    let mut s = Vec::new();
    if cleared_proofs > 0 {
        s.push(format!("清理不规范出具证明事项{cleared_proofs}项"));
    }
    if let Some(p) = on_time_pct {
        s.push(format!("三务按时公开率{p:.1}%"));
    }
    if inspected > 0 {
        s.push(format!("“双随机”抽查社区{inspected}个，尚未整改问题{open_findings}个"));
    }
    if s.is_empty() { String::new() } else { format!("{}。", s.join("，")) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn periods_and_deadlines() {
        let p = Period::of(Cadence::Quarterly, d("2026-11-30"));
        assert_eq!(p.key(), "2026-Q4");
        assert_eq!(p.label(), "2026年第四季度");
        assert_eq!(p.last_day(), d("2026-12-31"));
        assert_eq!(p.deadline(10), d("2027-01-10"));
        let m = Period::parse("2026-02").unwrap();
        assert_eq!(m.last_day(), d("2026-02-28"));
        assert_eq!(m.deadline(10), d("2026-03-10"));
        assert_eq!(Period::parse("2026-2"), None);
        assert_eq!(Period::parse("2026-Q5"), None);
        assert_eq!(Period::parse("2026-13"), None);
        for odd in ["+2026-10", "2026-+1", "02026-11", "2026-Q+4", "+2026-Q3", "2026-Q04", "2026-1 "] {
            assert_eq!(Period::parse(odd), None, "{odd}");
        }
        assert_eq!(Period::parse("2026-Q1").unwrap().first_day(), d("2026-01-01"));
        let since = periods_since(Cadence::Quarterly, d("2026-01-01"), d("2026-11-30"));
        assert_eq!(since.iter().map(|p| p.key()).collect::<Vec<_>>(), ["2026-Q3", "2026-Q2", "2026-Q1"]);
        let since = periods_since(Cadence::Monthly, d("2025-11-15"), d("2026-01-31"));
        assert_eq!(since.iter().map(|p| p.key()).collect::<Vec<_>>(), ["2025-12", "2025-11"]);
        let window = periods_since(Cadence::Quarterly, d("2025-12-01"), d("2026-12-01"));
        assert_eq!(window.last().map(|p| p.key()).as_deref(), Some("2025-Q4"), "the quarter the window began in");
        let ended = ended_periods(Cadence::Monthly, d("2026-01-05"), 2);
        assert_eq!(ended.iter().map(|p| p.key()).collect::<Vec<_>>(), ["2025-12", "2025-11"]);
    }

    #[test]
    fn timeliness() {
        let dl = d("2026-03-10");
        assert_eq!(Timeliness::of(Some(d("2026-03-10")), dl, d("2026-04-01")), Timeliness::OnTime);
        assert_eq!(Timeliness::of(Some(d("2026-03-11")), dl, d("2026-04-01")), Timeliness::Late);
        assert_eq!(Timeliness::of(None, dl, d("2026-03-10")), Timeliness::Open);
        assert_eq!(Timeliness::of(None, dl, d("2026-03-11")), Timeliness::Missing);
    }

    #[test]
    fn policy_checks() {
        assert!(OpennessPolicy::default().check().is_ok());
        let mut p = OpennessPolicy::default();
        p.disclosure.push(p.disclosure[0].clone());
        assert!(p.check().unwrap_err().contains("党务"));
        let mut p = OpennessPolicy::default();
        p.checklist.push("挂牌规范".into());
        assert!(p.check().is_err());
    }

    #[test]
    fn a_known_draw_never_changes() {
        let c: Vec<String> = (1..=20).map(|i| format!("c{i:02}")).collect();
        // Pinned: a change of algorithm would make past draws irreproducible.
        assert_eq!(draw(&c, 4, "20261130"), draw(&c, 4, " 20261130 "));
        let pinned = draw(&c, 4, "20261130");
        assert_eq!(pinned.len(), 4);
        assert_eq!(pinned, ["c07", "c06", "c20", "c11"], "the draw's algorithm changed");
    }

    proptest! {
        #[test]
        fn same_seed_same_draw_any_order(n in 0usize..60, k in 0usize..70, seed in ".{0,12}", rot in 0usize..60) {
            let c: Vec<String> = (0..n).map(|i| format!("33048100{i:04}")).collect();
            let mut shuffled = c.clone();
            if n > 0 { shuffled.rotate_left(rot % n); }
            let a = draw(&c, k, &seed);
            prop_assert_eq!(&a, &draw(&shuffled, k, &seed));
            prop_assert_eq!(a.len(), k.min(n));
            let set: std::collections::HashSet<_> = a.iter().collect();
            prop_assert_eq!(set.len(), a.len());
            prop_assert!(a.iter().all(|x| c.contains(x)));
        }

        #[test]
        fn periods_cover_every_day(days in 0i64..4000) {
            let day = d("2020-01-01") + chrono::Duration::days(days);
            for c in [Cadence::Monthly, Cadence::Quarterly] {
                let p = Period::of(c, day);
                prop_assert!(p.first_day() <= day && day <= p.last_day());
                prop_assert_eq!(Period::parse(&p.key()), Some(p));
                prop_assert_eq!(p.next().first_day(), p.last_day().succ_opt().unwrap());
            }
        }
    }
}
