//! 减负清单: the lists that say what communities do and may be asked to do — 街道职责清单, 社区依法履职
//! 事项, 协助政府工作事项, 出具证明事项 and the 小微权力清单 — kept per region (a county's, inherited by
//! its streets and communities), each item in force from a day; and the rule that a community issues
//! a proof only from its list ("该事项不在出具证明事项清单内").

use crate::FieldError;
use serde::Serialize;

/// One of the lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ListKind {
    /// 街道职责清单
    StreetDuty,
    /// 社区居民委员会依法履职事项
    CommitteeDuty,
    /// 社区居民委员会协助政府工作事项
    Assistance,
    /// 社区居民委员会出具证明事项
    Proof,
    /// 小微权力清单
    MicroPower,
}

impl ListKind {
    pub const ALL: [ListKind; 5] =
        [Self::StreetDuty, Self::CommitteeDuty, Self::Assistance, Self::Proof, Self::MicroPower];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::StreetDuty => "street_duty",
            Self::CommitteeDuty => "committee_duty",
            Self::Assistance => "assistance",
            Self::Proof => "proof",
            Self::MicroPower => "micro_power",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::StreetDuty => "街道职责清单",
            Self::CommitteeDuty => "社区依法履职事项清单",
            Self::Assistance => "协助政府工作事项清单",
            Self::Proof => "出具证明事项清单",
            Self::MicroPower => "小微权力清单",
        }
    }

    /// By its code or its name.
    pub fn parse(s: &str) -> Option<Self> {
        let t = s.trim();
        Self::ALL.into_iter().find(|k| k.as_str() == t || k.label() == t)
    }

    pub fn parse_field(s: &str) -> Result<Self, FieldError> {
        Self::parse(s).ok_or_else(|| {
            FieldError::new(
                "work_list",
                "list",
                format!(
                    "清单“{}”应为{}之一",
                    s.trim(),
                    Self::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>().join("、")
                ),
            )
        })
    }
}

/// The refusal of a proof not on the list, word for word.
pub const PROOF_NOT_LISTED: &str = "该事项不在出具证明事项清单内";

/// The basis a community cites when it refuses a proof outside its list (where the county's list
/// names none of its own).
pub const PROOF_BASIS: &str =
    "《关于改进和规范基层群众性自治组织出具证明工作的指导意见》及本县（市、区）出具证明事项清单";

/// The number printed on a proof: the community, the year and its sequence in the year.
pub fn proof_number(community_name: &str, year: i32, seq: u32) -> String {
    format!("{community_name}证〔{year}〕{seq:04}号")
}

/// Counts of each list, and the seeds' sentence made from them (忻州: "明确规定街道职责清单87项，社区
/// 居民委员会履行职责清单23项、社区居民委员会协助政府工作事项清单39项和社区居民委员会日常出具证明事项清单11项").
pub fn lists_sentence(counts: &[(ListKind, u64)]) -> String {
    let n = |k: ListKind| counts.iter().find(|(c, _)| *c == k).map_or(0, |(_, n)| *n);
    let mut s = format!(
        "明确规定街道职责清单{}项，社区居民委员会履行职责清单{}项、社区居民委员会协助政府工作事项清单{}项和社区居民委员会日常出具证明事项清单{}项",
        n(ListKind::StreetDuty),
        n(ListKind::CommitteeDuty),
        n(ListKind::Assistance),
        n(ListKind::Proof)
    );
    if n(ListKind::MicroPower) > 0 {
        s.push_str(&format!("，小微权力清单{}条", n(ListKind::MicroPower)));
    }
    s
}

/// Where an application for 准入 stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AdmissionState {
    /// 待审核
    Pending,
    /// 已准入 (the task joined the 协助 list)
    Approved,
    /// 不予准入
    Refused,
}

impl AdmissionState {
    pub const ALL: [AdmissionState; 3] = [Self::Pending, Self::Approved, Self::Refused];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Refused => "refused",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "待审核",
            Self::Approved => "已准入",
            Self::Refused => "不予准入",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s.trim() || k.label() == s.trim())
    }
}

/// What a community was asked for without admission: a task, or the meetings, ledgers, reports and
/// 责任状 the seeds ask to cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DemandKind {
    Task,
    Meeting,
    Ledger,
    Report,
    Pledge,
}

impl DemandKind {
    pub const ALL: [DemandKind; 5] = [Self::Task, Self::Meeting, Self::Ledger, Self::Report, Self::Pledge];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Task => "task",
            Self::Meeting => "meeting",
            Self::Ledger => "ledger",
            Self::Report => "report",
            Self::Pledge => "pledge",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Task => "工作任务",
            Self::Meeting => "会议",
            Self::Ledger => "台账",
            Self::Report => "报表",
            Self::Pledge => "责任状",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s.trim() || k.label() == s.trim())
    }
}

/// A decision may only be taken on an application still waiting.
pub fn may_decide(state: AdmissionState) -> Result<(), FieldError> {
    match state {
        AdmissionState::Pending => Ok(()),
        s => Err(FieldError::new("admission_decided", "state", format!("该申请已审核（{}），不能再审核", s.label()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn lists_parse_by_code_and_name() {
        for k in ListKind::ALL {
            assert_eq!(ListKind::parse(k.as_str()), Some(k));
            assert_eq!(ListKind::parse(k.label()), Some(k));
        }
        let e = ListKind::parse_field("chores").unwrap_err();
        assert_eq!((e.code, e.field), ("work_list", "list"));
    }

    #[test]
    fn the_sentence_is_the_seeds() {
        let c = [
            (ListKind::StreetDuty, 87),
            (ListKind::CommitteeDuty, 23),
            (ListKind::Assistance, 39),
            (ListKind::Proof, 11),
        ];
        assert_eq!(
            lists_sentence(&c),
            "明确规定街道职责清单87项，社区居民委员会履行职责清单23项、社区居民委员会协助政府工作事项清单39项和社区居民委员会日常出具证明事项清单11项"
        );
        assert!(lists_sentence(&[(ListKind::MicroPower, 36)]).ends_with("小微权力清单36条"));
        assert_eq!(proof_number("江丰社区", 2026, 7), "江丰社区证〔2026〕0007号");
    }

    #[test]
    fn states_and_kinds_read_back() {
        for s in AdmissionState::ALL {
            assert_eq!(AdmissionState::parse(s.as_str()), Some(s));
            assert_eq!(AdmissionState::parse(s.label()), Some(s));
        }
        for k in DemandKind::ALL {
            assert_eq!(DemandKind::parse(k.label()), Some(k));
        }
        assert!(may_decide(AdmissionState::Pending).is_ok());
        assert_eq!(may_decide(AdmissionState::Approved).unwrap_err().message, "该申请已审核（已准入），不能再审核");
    }

    proptest! {
        #[test]
        fn proof_numbers_differ_by_sequence(a in 1u32..10_000, b in 1u32..10_000) {
            prop_assert_eq!(proof_number("某社区", 2026, a) == proof_number("某社区", 2026, b), a == b);
        }
    }
}
