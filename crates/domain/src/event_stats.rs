//! The figures of 民情事件 for a region and a period: how many were reported, accepted, closed, closed
//! on time, sent back for rework and rated, and the rates leaders read from them.
//!
//! A [`Tally`] is counted from events one by one and adds up: a county's tally is exactly the sum of
//! its streets' (each event belongs to one community), which the property tests hold.
//!
//! The rates, each `None` where nothing was there to count:
//! - 受理率: accepted of those decided (accepted or 不予受理; the ones still waiting are not decided);
//! - 结案率: closed of those accepted;
//! - 按期办结率: closed by the deadline (with extensions granted) of those closed;
//! - 返工率: closed events that were sent back at least once, of those closed;
//! - 满意率: 满意 and 基本满意 of those rated;
//! - the average time from the report to the 结案, in hours.

use crate::events::{EventState, Satisfaction};
use crate::stats::ratio_bp;
use std::ops::{Add, AddAssign};

/// One event as the figures see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counted {
    pub state: EventState,
    pub rating: Option<Satisfaction>,
    pub reworked: bool,
    /// Closed by its deadline (known once closed).
    pub on_time: Option<bool>,
    /// Minutes from the report to the 结案 (known once closed).
    pub close_minutes: Option<i64>,
}

/// Counts of a set of events. Every field adds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Tally {
    /// 上报
    pub reported: i64,
    /// 已作出受理决定（受理或不予受理）
    pub decided: i64,
    /// 不予受理
    pub rejected: i64,
    /// 已结案（含已评价）
    pub closed: i64,
    /// 按期办结
    pub on_time: i64,
    /// 结案前曾返工
    pub reworked: i64,
    /// 已评价
    pub rated: i64,
    /// 满意
    pub satisfied: i64,
    /// 基本满意
    pub fair: i64,
    /// 不满意
    pub dissatisfied: i64,
    /// 仍在办理
    pub open: i64,
    /// 已结案且知道用时的件数
    pub timed: i64,
    /// 这些事件从上报到结案的分钟数之和
    pub close_minutes: i64,
}

impl Tally {
    /// The tally of `n` events alike.
    pub fn of(e: &Counted, n: i64) -> Self {
        let closed = matches!(e.state, EventState::Closed | EventState::Rated);
        let rating = |s: Satisfaction| if e.rating == Some(s) { n } else { 0 };
        let timed = closed && e.close_minutes.is_some();
        Self {
            reported: n,
            decided: if e.state == EventState::Reported { 0 } else { n },
            rejected: if e.state == EventState::Rejected { n } else { 0 },
            closed: if closed { n } else { 0 },
            on_time: if closed && e.on_time == Some(true) { n } else { 0 },
            reworked: if closed && e.reworked { n } else { 0 },
            rated: if e.rating.is_some() { n } else { 0 },
            satisfied: rating(Satisfaction::Satisfied),
            fair: rating(Satisfaction::Fair),
            dissatisfied: rating(Satisfaction::Dissatisfied),
            open: if e.state.is_open() { n } else { 0 },
            timed: if timed { n } else { 0 },
            close_minutes: if timed { e.close_minutes.unwrap_or(0).saturating_mul(n) } else { 0 },
        }
    }

    /// Nothing counted (a change that moved no figure).
    pub fn is_zero(&self) -> bool {
        *self == Self::default()
    }

    /// The counters in a fixed order (as the tallies table stores them).
    pub fn counters(&self) -> [i64; 13] {
        [
            self.reported,
            self.decided,
            self.rejected,
            self.closed,
            self.on_time,
            self.reworked,
            self.rated,
            self.satisfied,
            self.fair,
            self.dissatisfied,
            self.open,
            self.timed,
            self.close_minutes,
        ]
    }

    /// The tally from [`Tally::counters`].
    pub fn from_counters(c: [i64; 13]) -> Self {
        let [
            reported,
            decided,
            rejected,
            closed,
            on_time,
            reworked,
            rated,
            satisfied,
            fair,
            dissatisfied,
            open,
            timed,
            close_minutes,
        ] = c;
        Self {
            reported,
            decided,
            rejected,
            closed,
            on_time,
            reworked,
            rated,
            satisfied,
            fair,
            dissatisfied,
            open,
            timed,
            close_minutes,
        }
    }

    pub fn accepted(&self) -> i64 {
        self.decided - self.rejected
    }

    /// 受理率, in basis points.
    pub fn acceptance_bp(&self) -> Option<i64> {
        ratio_bp(self.accepted(), self.decided)
    }

    /// 结案率.
    pub fn closure_bp(&self) -> Option<i64> {
        ratio_bp(self.closed, self.accepted())
    }

    /// 按期办结率.
    pub fn on_time_bp(&self) -> Option<i64> {
        ratio_bp(self.on_time, self.closed)
    }

    /// 返工率.
    pub fn rework_bp(&self) -> Option<i64> {
        ratio_bp(self.reworked, self.closed)
    }

    /// 满意率 (满意 and 基本满意).
    pub fn satisfaction_bp(&self) -> Option<i64> {
        ratio_bp(self.satisfied + self.fair, self.rated)
    }

    /// The average time to close, in tenths of an hour.
    pub fn close_hours_tenths(&self) -> Option<i64> {
        (self.timed > 0).then(|| {
            let tenths = i128::from(self.close_minutes) * 10;
            let d = i128::from(self.timed) * 60;
            ((2 * tenths + d) / (2 * d)) as i64
        })
    }
}

impl Add for Tally {
    type Output = Self;
    fn add(self, o: Self) -> Self {
        Self {
            reported: self.reported + o.reported,
            decided: self.decided + o.decided,
            rejected: self.rejected + o.rejected,
            closed: self.closed + o.closed,
            on_time: self.on_time + o.on_time,
            reworked: self.reworked + o.reworked,
            rated: self.rated + o.rated,
            satisfied: self.satisfied + o.satisfied,
            fair: self.fair + o.fair,
            dissatisfied: self.dissatisfied + o.dissatisfied,
            open: self.open + o.open,
            timed: self.timed + o.timed,
            close_minutes: self.close_minutes.saturating_add(o.close_minutes),
        }
    }
}

impl std::ops::Neg for Tally {
    type Output = Self;
    fn neg(self) -> Self {
        Self {
            reported: -self.reported,
            decided: -self.decided,
            rejected: -self.rejected,
            closed: -self.closed,
            on_time: -self.on_time,
            reworked: -self.reworked,
            rated: -self.rated,
            satisfied: -self.satisfied,
            fair: -self.fair,
            dissatisfied: -self.dissatisfied,
            open: -self.open,
            timed: -self.timed,
            close_minutes: -self.close_minutes,
        }
    }
}

impl AddAssign for Tally {
    fn add_assign(&mut self, o: Self) {
        *self = *self + o;
    }
}

impl std::iter::Sum for Tally {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::default(), Add::add)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ev(state: EventState) -> Counted {
        Counted { state, rating: None, reworked: false, on_time: None, close_minutes: None }
    }

    #[test]
    fn rates_follow_their_definitions() {
        let mut t = Tally::default();
        t += Tally::of(&ev(EventState::Reported), 2);
        t += Tally::of(&ev(EventState::Rejected), 1);
        t += Tally::of(&ev(EventState::Assigned), 3);
        let closed = Counted {
            state: EventState::Closed,
            on_time: Some(true),
            close_minutes: Some(90),
            reworked: true,
            ..ev(EventState::Closed)
        };
        t += Tally::of(&closed, 2);
        let late = Counted {
            state: EventState::Rated,
            rating: Some(Satisfaction::Dissatisfied),
            on_time: Some(false),
            close_minutes: Some(300),
            ..ev(EventState::Rated)
        };
        t += Tally::of(&late, 1);
        let liked = Counted { rating: Some(Satisfaction::Fair), ..late };
        t += Tally::of(&liked, 1);
        assert_eq!(t.reported, 10);
        assert_eq!(t.decided, 8);
        assert_eq!(t.accepted(), 7);
        assert_eq!(t.acceptance_bp(), Some(8750));
        assert_eq!(t.closed, 4);
        assert_eq!(t.closure_bp(), Some(5714));
        assert_eq!(t.on_time_bp(), Some(5000));
        assert_eq!(t.rework_bp(), Some(5000));
        assert_eq!(t.satisfaction_bp(), Some(5000));
        // (90·2 + 300·2) / 4 = 195 minutes = 3.25 hours → 3.3
        assert_eq!(t.close_hours_tenths(), Some(33));
        assert_eq!(t.open, 5);
    }

    #[test]
    fn nothing_to_count_is_no_rate() {
        let t = Tally::of(&ev(EventState::Reported), 4);
        assert_eq!(t.acceptance_bp(), None);
        assert_eq!(t.closure_bp(), None);
        assert_eq!(t.on_time_bp(), None);
        assert_eq!(t.satisfaction_bp(), None);
        assert_eq!(t.close_hours_tenths(), None);
    }

    fn counted() -> impl Strategy<Value = Counted> {
        (
            0..EventState::ALL.len(),
            prop::option::of(0..3usize),
            any::<bool>(),
            prop::option::of(any::<bool>()),
            prop::option::of(0..100_000i64),
        )
            .prop_map(|(s, r, reworked, on_time, close_minutes)| Counted {
                state: EventState::ALL[s],
                rating: r.map(|i| [Satisfaction::Satisfied, Satisfaction::Fair, Satisfaction::Dissatisfied][i]),
                reworked,
                on_time,
                close_minutes,
            })
    }

    proptest! {
        /// Split anyhow (a county into streets), the parts' tallies add up to the whole's, and
        /// every rate stays between 0 and 100%.
        #[test]
        fn tallies_add_up_and_rates_stay_in_range(
            events in prop::collection::vec((counted(), 1..5i64, 0..6usize), 0..60)
        ) {
            let whole: Tally = events.iter().map(|(e, n, _)| Tally::of(e, *n)).sum();
            let parts: Tally = (0..6)
                .map(|p| events.iter().filter(|(_, _, q)| *q == p).map(|(e, n, _)| Tally::of(e, *n)).sum::<Tally>())
                .sum();
            prop_assert_eq!(whole, parts);
            for bp in [whole.acceptance_bp(), whole.closure_bp(), whole.on_time_bp(), whole.rework_bp(), whole.satisfaction_bp()]
                .into_iter()
                .flatten()
            {
                prop_assert!((0..=10_000).contains(&bp));
            }
            prop_assert!(whole.accepted() >= whole.closed);
            prop_assert_eq!(Tally::from_counters(whole.counters()), whole);
            // Taking every event out again leaves nothing.
            let gone = events.iter().fold(whole, |t, (e, n, _)| t + -Tally::of(e, *n));
            prop_assert!(gone.is_zero());
            prop_assert!(whole.reported >= whole.decided);
        }
    }
}
