//! 谈心谈话: the community secretary talks with every worker each quarter (六盘水: "1,800 talks and
//! visits, 136 problems solved"), recording the problems raised and those solved. Quarters, the
//! numbers of a talk and the coverage of a quarter are here; the sentence the seeds quote is made
//! from the figures.

use crate::FieldError;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// A calendar quarter, written `2026-Q4`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, utoipa::ToSchema)]
pub struct Quarter {
    pub year: i32,
    /// 1–4.
    pub q: u32,
}

const NUMERALS: [&str; 4] = ["一", "二", "三", "四"];

impl Quarter {
    /// The quarter a day falls in.
    pub fn of(d: NaiveDate) -> Self {
        Self { year: d.year(), q: d.month0() / 3 + 1 }
    }

    /// `2026-Q4` (also `2026q4`, `2026-4`).
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let bad = || FieldError::new("quarter_format", "quarter", format!("季度“{}”应写作 2026-Q4", s.trim()));
        let t = s.trim().to_ascii_uppercase();
        let (y, q) = t.split_once('-').or_else(|| t.split_once('Q')).ok_or_else(bad)?;
        let q = q.trim_start_matches('Q');
        let year: i32 = y.parse().map_err(|_| bad())?;
        let q: u32 = q.parse().map_err(|_| bad())?;
        if !(2000..=2100).contains(&year) || !(1..=4).contains(&q) {
            return Err(bad());
        }
        Ok(Self { year, q })
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, (self.q - 1) * 3 + 1, 1).expect("a quarter starts on a real day")
    }

    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().expect("a quarter ends on a real day")
    }

    pub fn next(self) -> Self {
        if self.q == 4 { Self { year: self.year + 1, q: 1 } } else { Self { year: self.year, q: self.q + 1 } }
    }

    pub fn previous(self) -> Self {
        if self.q == 1 { Self { year: self.year - 1, q: 4 } } else { Self { year: self.year, q: self.q - 1 } }
    }

    /// `2026-Q4`.
    pub fn text(self) -> String {
        format!("{}-Q{}", self.year, self.q)
    }

    /// 2026年第四季度.
    pub fn label(self) -> String {
        format!("{}年第{}季度", self.year, NUMERALS[(self.q - 1) as usize])
    }
}

/// Whether a worker's title makes them the community's secretary (书记, not 副书记): the one who
/// holds the talks, not one to be talked with.
pub fn is_secretary(title: &str) -> bool {
    title.contains("书记") && !title.contains("副书记")
}

/// The problems a talk raised and solved: at most 99 each, and no more solved than raised.
pub fn check_problems(raised: i64, solved: i64) -> Result<(u32, u32), FieldError> {
    if !(0..=99).contains(&raised) {
        return Err(FieldError::new("talk_raised", "problems_raised", "反映问题数应在0至99之间"));
    }
    if !(0..=99).contains(&solved) {
        return Err(FieldError::new("talk_solved", "problems_solved", "解决问题数应在0至99之间"));
    }
    if solved > raised {
        return Err(FieldError::new("talk_solved", "problems_solved", "解决的问题不能多于反映的问题"));
    }
    Ok((raised as u32, solved as u32))
}

/// A region's talks in a quarter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct TalkFigures {
    /// Workers in post.
    pub workers: u32,
    /// Of them, talked with at least once in the quarter.
    pub talked: u32,
    pub talks: u32,
    pub raised: u32,
    pub solved: u32,
}

impl TalkFigures {
    pub fn add(&mut self, o: &TalkFigures) {
        self.workers += o.workers;
        self.talked += o.talked;
        self.talks += o.talks;
        self.raised += o.raised;
        self.solved += o.solved;
    }

    /// Coverage in tenths of a percent, rounded half up (1000 is everyone); `None` with nobody in post.
    pub fn coverage_permille(&self) -> Option<u32> {
        let (t, w) = (u64::from(self.talked.min(self.workers)), u64::from(self.workers));
        (w > 0).then(|| ((t * 2000 + w) / (2 * w)) as u32)
    }

    /// "覆盖率 92.5%" or "—".
    pub fn coverage_text(&self) -> String {
        match self.coverage_permille() {
            Some(p) => format!("{}.{}%", p / 10, p % 10),
            None => "—".into(),
        }
    }

    /// The seeds' sentence: "开展谈心谈话N次，反映问题M个，解决K个".
    pub fn sentence(&self) -> String {
        format!("开展谈心谈话{}次，反映问题{}个，解决{}个", self.talks, self.raised, self.solved)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn quarters_parse_and_print() {
        let q = Quarter::parse("2026-Q4").unwrap();
        assert_eq!((q.year, q.q), (2026, 4));
        assert_eq!(Quarter::parse(" 2026q4 ").unwrap(), q);
        assert_eq!(Quarter::parse("2026-4").unwrap(), q);
        assert_eq!(q.label(), "2026年第四季度");
        assert_eq!(q.first_day().to_string(), "2026-10-01");
        assert_eq!(q.last_day().to_string(), "2026-12-31");
        assert_eq!(q.next().text(), "2027-Q1");
        assert_eq!(Quarter::parse("2026-Q1").unwrap().previous().text(), "2025-Q4");
        for bad in ["", "2026", "2026-Q5", "2026-Q0", "abc-Q1", "1900-Q1"] {
            let e = Quarter::parse(bad).unwrap_err();
            assert_eq!(e.field, "quarter", "{bad}");
        }
    }

    #[test]
    fn the_secretary_is_not_talked_with() {
        assert!(is_secretary("书记") && is_secretary("书记、主任") && is_secretary("党委书记"));
        assert!(!is_secretary("副书记") && !is_secretary("主任") && !is_secretary("网格员"));
    }

    #[test]
    fn problems_are_checked() {
        assert_eq!(check_problems(3, 2).unwrap(), (3, 2));
        assert_eq!(check_problems(2, 3).unwrap_err().field, "problems_solved");
        assert_eq!(check_problems(-1, 0).unwrap_err().field, "problems_raised");
        assert_eq!(check_problems(100, 0).unwrap_err().field, "problems_raised");
    }

    #[test]
    fn figures_say_their_sentence() {
        let f = TalkFigures { workers: 8, talked: 7, talks: 9, raised: 5, solved: 4 };
        assert_eq!(f.coverage_text(), "87.5%");
        // Rounded, not cut: 2 of 12 is 16.7 %, 11 of 12 is 91.7 %.
        assert_eq!(TalkFigures { workers: 12, talked: 2, ..f }.coverage_text(), "16.7%");
        assert_eq!(TalkFigures { workers: 12, talked: 11, ..f }.coverage_text(), "91.7%");
        assert_eq!(f.sentence(), "开展谈心谈话9次，反映问题5个，解决4个");
        assert_eq!(TalkFigures::default().coverage_text(), "—");
    }

    proptest! {
        /// Every day is inside its quarter, and a quarter's text reads back as itself.
        #[test]
        fn a_day_lies_in_its_quarter(days in 0i64..40_000) {
            let d = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap() + chrono::Duration::days(days);
            let q = Quarter::of(d);
            prop_assert!(q.first_day() <= d && d <= q.last_day());
            prop_assert_eq!(q.next().previous(), q);
            if (2000..=2100).contains(&q.year) {
                prop_assert_eq!(Quarter::parse(&q.text()).unwrap(), q);
            }
        }

        /// Coverage never exceeds 100 %, and sums add.
        #[test]
        fn coverage_is_a_share(w in 0u32..500, t in 0u32..600) {
            let f = TalkFigures { workers: w, talked: t.min(w), ..Default::default() };
            if let Some(p) = f.coverage_permille() { prop_assert!(p <= 1000); }
            let mut s = f;
            s.add(&f);
            prop_assert_eq!(s.workers, 2 * w);
        }
    }
}
