//! Micro-wishes (微心愿): a resident's small wish, posted, claimed (认领) by a worker, a party member,
//! a volunteer or a unit, fulfilled, and closed when the resident confirms it. The steps are a
//! strict line; these functions say which step may follow which and count a region's wishes.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WishState {
    /// 待认领
    Open,
    /// 已认领
    Claimed,
    /// 已实现，待确认
    Fulfilled,
    /// 已办结 (the resident confirmed)
    Closed,
}

impl WishState {
    pub const ALL: [WishState; 4] = [Self::Open, Self::Claimed, Self::Fulfilled, Self::Closed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Claimed => "claimed",
            Self::Fulfilled => "fulfilled",
            Self::Closed => "closed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Open => "待认领",
            Self::Claimed => "已认领",
            Self::Fulfilled => "已实现，待确认",
            Self::Closed => "已办结",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|w| w.as_str() == s.trim() || w.label() == s.trim())
    }
}

/// A step on a wish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WishStep {
    Claim,
    Fulfil,
    Confirm,
}

impl WishStep {
    pub fn label(self) -> &'static str {
        match self {
            Self::Claim => "认领",
            Self::Fulfil => "登记实现",
            Self::Confirm => "居民确认",
        }
    }

    /// The state the step needs and the one it leaves.
    pub fn transition(self) -> (WishState, WishState) {
        match self {
            Self::Claim => (WishState::Open, WishState::Claimed),
            Self::Fulfil => (WishState::Claimed, WishState::Fulfilled),
            Self::Confirm => (WishState::Fulfilled, WishState::Closed),
        }
    }
}

/// The state after `step`, or the zh-CN reason it cannot be taken now.
pub fn next(state: WishState, step: WishStep) -> Result<WishState, String> {
    let (from, to) = step.transition();
    if state == from { Ok(to) } else { Err(format!("这条微心愿{}，不能{}", state.label(), step.label())) }
}

/// Who claims a wish.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClaimantKind {
    Worker,
    PartyMember,
    Volunteer,
    Unit,
}

impl ClaimantKind {
    pub const ALL: [ClaimantKind; 4] = [Self::Worker, Self::PartyMember, Self::Volunteer, Self::Unit];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Worker => "worker",
            Self::PartyMember => "party_member",
            Self::Volunteer => "volunteer",
            Self::Unit => "unit",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Worker => "社区工作者",
            Self::PartyMember => "党员",
            Self::Volunteer => "志愿者",
            Self::Unit => "单位",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|w| w.as_str() == s.trim() || w.label() == s.trim())
    }
}

/// A region's wishes counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct WishFigures {
    pub posted: u64,
    /// Claimed at some time (including those fulfilled and closed since).
    pub claimed: u64,
    /// Fulfilled (including those the resident has confirmed).
    pub fulfilled: u64,
    /// Confirmed by the resident: 办结.
    pub closed: u64,
    /// Average days from posting to fulfilment, over the fulfilled.
    pub average_days: Option<f64>,
}

impl WishFigures {
    /// Adds one wish: its state and, when fulfilled, the days it took.
    pub fn add(&mut self, state: WishState, days_to_fulfil: Option<i64>) {
        self.posted += 1;
        if state != WishState::Open {
            self.claimed += 1;
        }
        if matches!(state, WishState::Fulfilled | WishState::Closed) {
            let n = self.fulfilled as f64;
            let d = days_to_fulfil.unwrap_or(0).max(0) as f64;
            self.average_days = Some((self.average_days.unwrap_or(0.0) * n + d) / (n + 1.0));
            self.fulfilled += 1;
        }
        if state == WishState::Closed {
            self.closed += 1;
        }
    }

    /// The seeds' sentence: "发布微心愿N条，已认领M条，已认领办结微心愿K条".
    pub fn sentence(&self) -> String {
        format!("发布微心愿{}条，已认领{}条，已认领办结微心愿{}条", self.posted, self.claimed, self.closed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_steps_go_in_one_line() {
        let mut s = WishState::Open;
        for step in [WishStep::Claim, WishStep::Fulfil, WishStep::Confirm] {
            s = next(s, step).unwrap();
        }
        assert_eq!(s, WishState::Closed);
        assert_eq!(next(WishState::Open, WishStep::Fulfil).unwrap_err(), "这条微心愿待认领，不能登记实现");
        assert!(next(WishState::Claimed, WishStep::Claim).is_err());
        assert!(next(WishState::Closed, WishStep::Confirm).is_err());
    }

    #[test]
    fn figures_count_each_wish_at_every_step_it_passed() {
        let mut f = WishFigures::default();
        f.add(WishState::Open, None);
        f.add(WishState::Claimed, None);
        f.add(WishState::Fulfilled, Some(4));
        f.add(WishState::Closed, Some(8));
        assert_eq!((f.posted, f.claimed, f.fulfilled, f.closed), (4, 3, 2, 1));
        assert_eq!(f.average_days, Some(6.0));
        assert_eq!(f.sentence(), "发布微心愿4条，已认领3条，已认领办结微心愿1条");
    }

    proptest! {
        #[test]
        fn counts_nest(states in proptest::collection::vec(0usize..4, 0..60)) {
            let mut f = WishFigures::default();
            for s in &states {
                f.add(WishState::ALL[*s], Some(3));
            }
            prop_assert!(f.closed <= f.fulfilled && f.fulfilled <= f.claimed && f.claimed <= f.posted);
            prop_assert_eq!(f.posted as usize, states.len());
        }
    }
}
