//! The states records move through, and the moves allowed between them. Stored as their `as_str`
//! text; shown as their `label`. (A worker's own state, in post or exited, is
//! [`WorkerStatus`](crate::worker::WorkerStatus).)

use crate::FieldError;

/// A state machine's state: stored text, label, and the one move forward from it.
pub trait Status: Sized + Copy + PartialEq + 'static {
    /// Every state, in order.
    const ALL: &'static [Self];
    fn as_str(self) -> &'static str;
    fn label(self) -> &'static str;

    fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|x| x.as_str() == s)
    }

    /// The label of stored text (the text itself when it names no state).
    fn label_of(s: &str) -> &str {
        match Self::parse(s) {
            Some(x) => x.label(),
            None => s,
        }
    }

    /// Ok when stored text `now` is `want`; otherwise the refusal `code`, saying what `thing` (考核,
    /// 招聘…) is in now and what the operation needs.
    fn require_as(now: &str, want: Self, code: &'static str, thing: &str) -> Result<(), FieldError> {
        if Self::parse(now) == Some(want) {
            return Ok(());
        }
        Err(FieldError::new(
            code,
            "status",
            format!("该{thing}当前为“{}”，此操作只能在“{}”状态下进行", Self::label_of(now), want.label()),
        ))
    }

    /// The state after this one.
    fn next(self) -> Option<Self> {
        let i = Self::ALL.iter().position(|x| *x == self)?;
        Self::ALL.get(i + 1).copied()
    }
}

/// A month's payroll run: computed (and recomputable) → reviewed → locked (never changes again;
/// corrections are adjustment lines).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunStatus {
    Computed,
    Reviewed,
    Locked,
}

impl Status for RunStatus {
    const ALL: &'static [Self] = &[Self::Computed, Self::Reviewed, Self::Locked];
    fn as_str(self) -> &'static str {
        match self {
            Self::Computed => "computed",
            Self::Reviewed => "reviewed",
            Self::Locked => "locked",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::Computed => "已计算",
            Self::Reviewed => "已审核",
            Self::Locked => "已锁定",
        }
    }
}

impl RunStatus {
    /// A run may be computed again until it is locked.
    pub fn may_recompute(self) -> bool {
        self != Self::Locked
    }

    /// Adjustments are added to locked runs only.
    pub fn may_adjust(self) -> bool {
        self == Self::Locked
    }

    /// The verb of the move into this state (审核, 锁定).
    pub fn verb(self) -> &'static str {
        match self {
            Self::Computed => "计算",
            Self::Reviewed => "审核",
            Self::Locked => "锁定",
        }
    }

    /// Moving a run in state `from` to `to`: allowed only one step forward.
    pub fn step(from: &str, to: Self) -> Result<(), FieldError> {
        let now = Self::parse(from);
        if now.and_then(Self::next) == Some(to) {
            return Ok(());
        }
        let want = Self::ALL.iter().find(|s| s.next() == Some(to)).map_or("", |s| s.label());
        Err(FieldError::new(
            "payroll_state",
            "status",
            format!("该月薪酬当前为“{}”，只有“{}”的才能{}", Self::label_of(from), want, to.verb()),
        ))
    }
}

/// A street's yearly assessment round: draft (scores entered) → scored (grades proposed, adjustable
/// within the cap) → published (grades final, written to the archives).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundStatus {
    Draft,
    Scored,
    Published,
}

impl Status for RoundStatus {
    const ALL: &'static [Self] = &[Self::Draft, Self::Scored, Self::Published];
    fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Scored => "scored",
            Self::Published => "published",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::Draft => "评分中",
            Self::Scored => "已评定",
            Self::Published => "已发布",
        }
    }
}

impl RoundStatus {
    /// An operation that needs the round in state `want`, on a round stored as `now`.
    pub fn require(now: &str, want: Self) -> Result<(), FieldError> {
        Self::require_as(now, want, "round_state", "考核")
    }
}

/// A recruitment round (招聘): draft (the plan and its posts) → approved by the county (审批) →
/// published (公告, applications open) → closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecruitmentStatus {
    Draft,
    Approved,
    Published,
    Closed,
}

impl Status for RecruitmentStatus {
    const ALL: &'static [Self] = &[Self::Draft, Self::Approved, Self::Published, Self::Closed];
    fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Approved => "approved",
            Self::Published => "published",
            Self::Closed => "closed",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::Draft => "编制计划",
            Self::Approved => "已审批",
            Self::Published => "已发布公告",
            Self::Closed => "已结束",
        }
    }
}

impl RecruitmentStatus {
    /// An operation that needs the round in state `want`, on a round stored as `now`.
    pub fn require(now: &str, want: Self) -> Result<(), FieldError> {
        Self::require_as(now, want, "recruitment_state", "招聘")
    }
}

/// An application to a recruitment round (报名): submitted (待资格审查) → qualified (审查通过) or
/// refused (审查未通过, with the reason) → hired (已聘用). Everything between — tickets, scores, the
/// interview, 体检 and 考察 — is recorded beside the status, not as a state of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplicationStatus {
    Submitted,
    Qualified,
    Refused,
    Hired,
}

impl Status for ApplicationStatus {
    const ALL: &'static [Self] = &[Self::Submitted, Self::Qualified, Self::Refused, Self::Hired];
    fn as_str(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::Qualified => "qualified",
            Self::Refused => "refused",
            Self::Hired => "hired",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::Submitted => "待资格审查",
            Self::Qualified => "资格审查通过",
            Self::Refused => "资格审查未通过",
            Self::Hired => "已聘用",
        }
    }
}

impl ApplicationStatus {
    /// An operation that needs the application in state `want`.
    pub fn require(now: &str, want: Self) -> Result<(), FieldError> {
        Self::require_as(now, want, "application_state", "报名")
    }
}

/// A worker's request to correct their archive: pending → handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CorrectionStatus {
    Pending,
    Handled,
    /// Refused, with the reason sent back to the worker.
    Rejected,
}

impl Status for CorrectionStatus {
    const ALL: &'static [Self] = &[Self::Pending, Self::Handled, Self::Rejected];
    fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Handled => "handled",
            Self::Rejected => "rejected",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::Pending => "待处理",
            Self::Handled => "已更正",
            Self::Rejected => "不予更正",
        }
    }
}

/// An uploaded roster: checking (a commit's check is running) → checked (a dry run, or a check
/// that found errors) → committing (the rows are being written; finished after a restart) →
/// committed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadStatus {
    Checking,
    Checked,
    Committing,
    Committed,
}

impl Status for UploadStatus {
    const ALL: &'static [Self] = &[Self::Checking, Self::Checked, Self::Committing, Self::Committed];
    fn as_str(self) -> &'static str {
        match self {
            Self::Checking => "checking",
            Self::Checked => "checked",
            Self::Committing => "committing",
            Self::Committed => "committed",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::Checking => "检查中",
            Self::Checked => "已检查",
            Self::Committing => "导入中",
            Self::Committed => "已导入",
        }
    }
}

impl UploadStatus {
    /// A commit was asked for and has not ended: finished at the next start.
    pub fn unfinished(self) -> bool {
        matches!(self, Self::Checking | Self::Committing)
    }
}

/// Whether a worker attended a training.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attendance {
    Attended,
    Absent,
}

impl Status for Attendance {
    const ALL: &'static [Self] = &[Self::Attended, Self::Absent];
    fn as_str(self) -> &'static str {
        match self {
            Self::Attended => "attended",
            Self::Absent => "absent",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::Attended => "已参训",
            Self::Absent => "缺勤",
        }
    }
    fn next(self) -> Option<Self> {
        None
    }
}

/// A training's assessed result, where it has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrainingResult {
    Passed,
    Failed,
}

impl Status for TrainingResult {
    const ALL: &'static [Self] = &[Self::Passed, Self::Failed];
    fn as_str(self) -> &'static str {
        match self {
            Self::Passed => "passed",
            Self::Failed => "failed",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::Passed => "通过",
            Self::Failed => "未通过",
        }
    }
    fn next(self) -> Option<Self> {
        None
    }
}

/// A training record: how it reads (已参训, 通过, 未通过, 缺勤), whether it falls short (shown
/// in red), and whether it earns the training's credits.
pub fn training_outcome(attendance: Attendance, result: Option<TrainingResult>) -> (&'static str, bool, bool) {
    match (attendance, result) {
        (Attendance::Absent, _) => (Attendance::Absent.label(), true, false),
        (_, Some(TrainingResult::Failed)) => (TrainingResult::Failed.label(), true, false),
        (_, Some(TrainingResult::Passed)) => (TrainingResult::Passed.label(), false, true),
        (_, None) => (Attendance::Attended.label(), false, true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_move_one_step_forward_only() {
        assert!(RunStatus::step("computed", RunStatus::Reviewed).is_ok());
        assert!(RunStatus::step("reviewed", RunStatus::Locked).is_ok());
        let e = RunStatus::step("computed", RunStatus::Locked).unwrap_err();
        assert_eq!(e.message, "该月薪酬当前为“已计算”，只有“已审核”的才能锁定");
        let e = RunStatus::step("locked", RunStatus::Reviewed).unwrap_err();
        assert_eq!(e.message, "该月薪酬当前为“已锁定”，只有“已计算”的才能审核");
        assert!(RunStatus::Reviewed.may_recompute() && !RunStatus::Locked.may_recompute());
        assert!(RunStatus::Locked.may_adjust() && !RunStatus::Computed.may_adjust());
    }

    #[test]
    fn rounds_name_the_state_an_operation_needs() {
        assert!(RoundStatus::require("draft", RoundStatus::Draft).is_ok());
        let e = RoundStatus::require("published", RoundStatus::Scored).unwrap_err();
        assert_eq!(e.message, "该考核当前为“已发布”，此操作只能在“已评定”状态下进行");
        assert_eq!(RoundStatus::Draft.next(), Some(RoundStatus::Scored));
        assert_eq!(RoundStatus::Published.next(), None);
    }

    #[test]
    fn stored_text_round_trips() {
        for s in RunStatus::ALL {
            assert_eq!(RunStatus::parse(s.as_str()), Some(*s));
        }
        for s in UploadStatus::ALL {
            assert_eq!(UploadStatus::parse(s.as_str()), Some(*s));
        }
        assert_eq!(CorrectionStatus::label_of("pending"), "待处理");
        assert_eq!(RunStatus::label_of("unknown"), "unknown");
    }

    #[test]
    fn training_outcomes() {
        assert_eq!(training_outcome(Attendance::Absent, Some(TrainingResult::Passed)), ("缺勤", true, false));
        assert_eq!(training_outcome(Attendance::Attended, Some(TrainingResult::Failed)), ("未通过", true, false));
        assert_eq!(training_outcome(Attendance::Attended, Some(TrainingResult::Passed)), ("通过", false, true));
        assert_eq!(training_outcome(Attendance::Attended, None), ("已参训", false, true));
    }
}
