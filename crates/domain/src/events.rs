//! 民情事件: a resident's problem from its report to its closure, as a pure state machine.
//!
//! 上报 → 受理/立案 (or 不予受理, with the reason) → 分办: handled in the community, or 上报 to the
//! street, which 交办 it to a community or a county department → 处置 (the handler may 回退 it with a
//! reason) → 反馈 with the result → 核查 (passed, or back to the handler as 返工) → 结案 → 回访/评价.
//! 延期 is asked by the handler and granted by the level above; 督办 may be issued at any open step.
//!
//! The store records every accepted action with who, when, a note and attachments, never edited
//! afterwards; an action the present state does not allow is refused and changes nothing.

use crate::FieldError;

/// Where an event stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventState {
    /// 已上报: waiting for the community to accept it.
    Reported,
    /// 已受理: accepted, waiting to be handled in the community or sent up.
    Accepted,
    /// 不予受理: a duplicate or out of remit, with the reason. Final.
    Rejected,
    /// 已上报街道: waiting for the street to assign it.
    Escalated,
    /// 处置中: with its handler.
    Assigned,
    /// 待核查: the handler has reported the result.
    FedBack,
    /// 待结案: the community has checked the result.
    Verified,
    /// 已结案: waiting for the resident's rating.
    Closed,
    /// 已评价. Final.
    Rated,
}

impl EventState {
    pub const ALL: [Self; 9] = [
        Self::Reported,
        Self::Accepted,
        Self::Rejected,
        Self::Escalated,
        Self::Assigned,
        Self::FedBack,
        Self::Verified,
        Self::Closed,
        Self::Rated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reported => "reported",
            Self::Accepted => "accepted",
            Self::Rejected => "rejected",
            Self::Escalated => "escalated",
            Self::Assigned => "assigned",
            Self::FedBack => "fed_back",
            Self::Verified => "verified",
            Self::Closed => "closed",
            Self::Rated => "rated",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Reported => "已上报",
            Self::Accepted => "已受理",
            Self::Rejected => "不予受理",
            Self::Escalated => "已上报街道",
            Self::Assigned => "处置中",
            Self::FedBack => "待核查",
            Self::Verified => "待结案",
            Self::Closed => "已结案",
            Self::Rated => "已评价",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Still being worked on: supervision and the time limits apply.
    pub fn is_open(self) -> bool {
        !matches!(self, Self::Rejected | Self::Closed | Self::Rated)
    }
}

/// The resident's rating at the 回访.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Satisfaction {
    Satisfied,
    Fair,
    Dissatisfied,
}

impl Satisfaction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Satisfied => "satisfied",
            Self::Fair => "fair",
            Self::Dissatisfied => "dissatisfied",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Satisfied => "满意",
            Self::Fair => "基本满意",
            Self::Dissatisfied => "不满意",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Satisfied, Self::Fair, Self::Dissatisfied].into_iter().find(|x| x.as_str() == s)
    }
}

/// What someone does to an event, with what the step needs. The API's vocabulary is [`Action::name`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Accept,
    Reject {
        reason: String,
    },
    /// To a handler: the community itself, another community or a county department (the store
    /// checks who may receive it).
    Assign,
    Escalate,
    Return {
        reason: String,
    },
    Feedback {
        result: String,
    },
    Verify,
    Rework {
        reason: String,
    },
    Close,
    Rate(Satisfaction),
    ExtendRequest {
        days: u32,
        reason: String,
    },
    ExtendGrant,
    Supervise {
        level: u8,
    },
}

impl Action {
    /// The action's name in the API (`{"action": "accept", …}`).
    pub fn name(&self) -> &'static str {
        match self {
            Self::Accept => "accept",
            Self::Reject { .. } => "reject",
            Self::Assign => "assign",
            Self::Escalate => "escalate",
            Self::Return { .. } => "return",
            Self::Feedback { .. } => "feedback",
            Self::Verify => "verify",
            Self::Rework { .. } => "rework",
            Self::Close => "close",
            Self::Rate(_) => "rate",
            Self::ExtendRequest { .. } => "extend_request",
            Self::ExtendGrant => "extend_grant",
            Self::Supervise { .. } => "supervise",
        }
    }
}

/// The longest extension one request may ask for, in days.
pub const MAX_EXTENSION_DAYS: u32 = 30;

/// An event's place in the loop: its state and what the steps so far have left on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    pub state: EventState,
    /// Raised by one with every accepted action; an action sent with another version is stale.
    pub version: u32,
    /// Sent up to the street: a 回退 goes back to the street, not to the community.
    pub escalated: bool,
    /// 返工: how many times a result was sent back.
    pub reworks: u32,
    /// Days asked for in an extension not yet granted.
    pub extension_asked: Option<u32>,
    /// Days granted in all.
    pub extended_days: u32,
    /// The highest 督办 level issued (0: none).
    pub supervision: u8,
    pub rating: Option<Satisfaction>,
}

impl Progress {
    /// A report just made.
    pub fn reported() -> Self {
        Self {
            state: EventState::Reported,
            version: 1,
            escalated: false,
            reworks: 0,
            extension_asked: None,
            extended_days: 0,
            supervision: 0,
            rating: None,
        }
    }
}

/// Why an action was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The present state does not allow the action (the API's 409 `event_transition`).
    Transition { state: EventState, action: &'static str },
    /// The action lacks what it needs (a reason, a result, a sensible number of days).
    Invalid(FieldError),
}

impl Refusal {
    pub fn message(&self) -> String {
        match self {
            Self::Transition { state, action } => {
                let label = ALL_ACTIONS.iter().find(|(n, _)| n == action).map_or(*action, |(_, l)| l);
                format!("事件{}，不能{}", state.label(), label)
            }
            Self::Invalid(e) => e.message.clone(),
        }
    }
}

/// Every action's name and label, for messages and forms.
pub const ALL_ACTIONS: [(&str, &str); 13] = [
    ("accept", "受理"),
    ("reject", "不予受理"),
    ("assign", "分办"),
    ("escalate", "上报街道"),
    // The handler's own step before sending it back.
    ("feedback", "反馈"),
    ("return", "回退"),
    ("verify", "核查通过"),
    ("rework", "返工"),
    ("close", "结案"),
    ("rate", "评价"),
    ("extend_request", "申请延期"),
    ("extend_grant", "批准延期"),
    ("supervise", "督办"),
];

/// Whether a text holds a control character other than a line break or a tab (pasted terminal
/// escapes, NUL): refused in an event's texts, as in every other free text.
pub fn has_control(text: &str) -> bool {
    text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

fn required(field: &'static str, label: &str, text: &str) -> Result<(), Refusal> {
    if has_control(text) {
        return Err(Refusal::Invalid(FieldError::new("event_text_invalid", field, format!("{label}含有无效字符"))));
    }
    if text.trim().is_empty() {
        return Err(Refusal::Invalid(FieldError::new("event_text_required", field, format!("请填写{label}"))));
    }
    if text.chars().count() > 2000 {
        return Err(Refusal::Invalid(FieldError::new("event_text_long", field, format!("{label}最多2000字"))));
    }
    Ok(())
}

/// The event after `action`, or why not. Pure: a refusal leaves `p` as it was.
pub fn apply(p: &Progress, action: &Action) -> Result<Progress, Refusal> {
    use EventState::*;
    let refuse = || Refusal::Transition { state: p.state, action: action.name() };
    let mut next = p.clone();
    match (p.state, action) {
        (Reported, Action::Accept) => next.state = Accepted,
        (Reported, Action::Reject { reason }) => {
            required("reason", "不予受理的理由", reason)?;
            next.state = Rejected;
        }
        (Accepted | Escalated, Action::Assign) => next.state = Assigned,
        (Accepted, Action::Escalate) => {
            next.state = Escalated;
            next.escalated = true;
        }
        (Assigned, Action::Return { reason }) => {
            required("reason", "回退理由", reason)?;
            next.state = if p.escalated { Escalated } else { Accepted };
            next.extension_asked = None;
        }
        (Assigned, Action::Feedback { result }) => {
            required("result", "处置结果", result)?;
            next.state = FedBack;
            next.extension_asked = None;
        }
        (FedBack, Action::Verify) => next.state = Verified,
        (FedBack, Action::Rework { reason }) => {
            required("reason", "返工理由", reason)?;
            next.state = Assigned;
            next.reworks += 1;
        }
        (Verified, Action::Close) => next.state = Closed,
        (Closed, Action::Rate(s)) => {
            next.state = Rated;
            next.rating = Some(*s);
        }
        (Assigned, Action::ExtendRequest { days, reason }) if p.extension_asked.is_none() => {
            if !(1..=MAX_EXTENSION_DAYS).contains(days) {
                return Err(Refusal::Invalid(FieldError::new(
                    "event_extension_days",
                    "days",
                    format!("延期天数应为1至{MAX_EXTENSION_DAYS}天"),
                )));
            }
            required("reason", "延期理由", reason)?;
            next.extension_asked = Some(*days);
        }
        (Assigned, Action::ExtendGrant) => {
            let days = p.extension_asked.ok_or_else(refuse)?;
            next.extended_days += days;
            next.extension_asked = None;
        }
        (state, Action::Supervise { level }) if state.is_open() => {
            if !(1..=3).contains(level) {
                return Err(Refusal::Invalid(FieldError::new(
                    "event_supervision_level",
                    "level",
                    "督办级别应为1至3级",
                )));
            }
            next.supervision = next.supervision.max(*level);
        }
        _ => return Err(refuse()),
    }
    next.version = p.version + 1;
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::EventState::*;
    use super::*;
    use proptest::prelude::*;

    fn text() -> String {
        "说明".into()
    }

    /// The table the issue draws, written out: from which state which action leads where (the
    /// side-steps that keep the state are listed with their own state).
    fn allowed(from: EventState, action: &str, escalated: bool) -> Option<EventState> {
        Some(match (from, action) {
            (Reported, "accept") => Accepted,
            (Reported, "reject") => Rejected,
            (Accepted, "assign") | (Escalated, "assign") => Assigned,
            (Accepted, "escalate") => Escalated,
            (Assigned, "return") => {
                if escalated {
                    Escalated
                } else {
                    Accepted
                }
            }
            (Assigned, "feedback") => FedBack,
            (FedBack, "verify") => Verified,
            (FedBack, "rework") => Assigned,
            (Verified, "close") => Closed,
            (Closed, "rate") => Rated,
            (Assigned, "extend_request") | (Assigned, "extend_grant") => Assigned,
            (s, "supervise") if !matches!(s, Rejected | Closed | Rated) => s,
            _ => return None,
        })
    }

    fn action() -> impl Strategy<Value = Action> {
        prop_oneof![
            Just(Action::Accept),
            prop_oneof![Just(String::new()), Just(text())].prop_map(|reason| Action::Reject { reason }),
            Just(Action::Assign),
            Just(Action::Escalate),
            Just(Action::Return { reason: text() }),
            prop_oneof![Just(String::new()), Just(text())].prop_map(|result| Action::Feedback { result }),
            Just(Action::Verify),
            Just(Action::Rework { reason: text() }),
            Just(Action::Close),
            Just(Action::Rate(Satisfaction::Fair)),
            (0u32..40).prop_map(|days| Action::ExtendRequest { days, reason: text() }),
            Just(Action::ExtendGrant),
            (0u8..5).prop_map(|level| Action::Supervise { level }),
        ]
    }

    proptest! {
        /// No sequence of actions reaches a state the table does not allow; a refused action
        /// changes nothing; each accepted one raises the version by one; 返工 only ever grows.
        #[test]
        fn no_sequence_leaves_the_table(actions in prop::collection::vec(action(), 0..60)) {
            let mut p = Progress::reported();
            for a in &actions {
                let before = p.clone();
                match apply(&p, a) {
                    Ok(next) => {
                        let expected = allowed(before.state, a.name(), before.escalated);
                        prop_assert_eq!(Some(next.state), expected, "{:?} then {:?}", before, a);
                        prop_assert_eq!(next.version, before.version + 1);
                        prop_assert!(next.reworks >= before.reworks);
                        prop_assert!(next.extended_days >= before.extended_days);
                        p = next;
                    }
                    Err(Refusal::Transition { state, action }) => {
                        prop_assert_eq!(state, before.state);
                        prop_assert_eq!(action, a.name());
                        // Only a pending extension makes a grant possible in 处置中.
                        let grant_without_request = a.name() == "extend_grant" && before.extension_asked.is_none();
                        let second_request = a.name() == "extend_request" && before.extension_asked.is_some();
                        prop_assert!(
                            allowed(before.state, a.name(), before.escalated).is_none()
                                || grant_without_request
                                || second_request,
                            "{:?} refused {:?}", before, a
                        );
                        prop_assert_eq!(&p, &before);
                    }
                    Err(Refusal::Invalid(_)) => prop_assert_eq!(&p, &before),
                }
                let supervise = Action::Supervise { level: 1 };
                let final_state = matches!(p.state, Rejected | Rated);
                prop_assert!(!final_state || apply(&p, &supervise).is_err(), "a final state took 督办");
            }
        }
    }

    #[test]
    fn the_whole_loop_with_a_rework_and_an_extension() {
        let steps = [
            Action::Accept,
            Action::Escalate,
            Action::Assign,
            Action::Return { reason: "不属本部门职责".into() },
            Action::Assign,
            Action::ExtendRequest { days: 5, reason: "需协调物业".into() },
            Action::ExtendGrant,
            Action::Feedback { result: "已修复路灯".into() },
            Action::Rework { reason: "仍有一盏不亮".into() },
            Action::Feedback { result: "已全部修复".into() },
            Action::Verify,
            Action::Close,
            Action::Rate(Satisfaction::Satisfied),
        ];
        let mut p = Progress::reported();
        for a in &steps {
            p = apply(&p, a).unwrap_or_else(|e| panic!("{a:?}: {}", e.message()));
        }
        assert_eq!(p.state, Rated);
        assert_eq!((p.reworks, p.extended_days, p.version), (1, 5, 14));
        assert_eq!(p.rating, Some(Satisfaction::Satisfied));
        // A returned event goes back to whoever sent it: the street when escalated.
        let mut q = Progress::reported();
        for a in [Action::Accept, Action::Escalate, Action::Assign, Action::Return { reason: "x".into() }] {
            q = apply(&q, &a).unwrap();
        }
        assert_eq!(q.state, Escalated);
    }

    #[test]
    fn refusals_say_why_in_chinese() {
        let p = Progress::reported();
        let e = apply(&p, &Action::Close).unwrap_err();
        assert_eq!(e.message(), "事件已上报，不能结案");
        let e = apply(&p, &Action::Reject { reason: " ".into() }).unwrap_err();
        assert!(matches!(&e, Refusal::Invalid(f) if f.field == "reason"), "{e:?}");
        assert_eq!(e.message(), "请填写不予受理的理由");
    }

    #[test]
    fn every_state_and_action_is_named() {
        for s in EventState::ALL {
            assert_eq!(EventState::parse(s.as_str()), Some(s));
            assert!(!s.label().is_empty());
        }
        let names: Vec<&str> = ALL_ACTIONS.iter().map(|(n, _)| *n).collect();
        let rate = Action::Rate(Satisfaction::Fair);
        for a in
            [Action::Accept, Action::Assign, Action::Escalate, Action::Verify, Action::Close, rate, Action::ExtendGrant]
        {
            assert!(names.contains(&a.name()), "{}", a.name());
        }
        assert_eq!(names.len(), 13);
    }
}
