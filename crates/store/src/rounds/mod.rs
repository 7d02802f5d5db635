//! Yearly assessment rounds (年度考核), organised by a street for its communities:
//! draft (scores entered) → scored (grades proposed under the policy's thresholds and 优秀 cap,
//! adjustable within the cap) → published (grades final, written to every archive). A published
//! grade changes only through a recorded amendment.

mod create;
mod publish;
mod scoring;
mod view;

pub use create::create;
pub use publish::{amend, amendments, publish};
pub use scoring::{ScoreInput, compute, save_scores, set_grade};
pub use view::{EntryView, RoundView, get, list};

use crate::entity::assessment_round;
use crate::error::StoreError;
use shegong_domain::FieldError;

pub const STATUSES: [(&str, &str); 3] = [("draft", "评分中"), ("scored", "已评定"), ("published", "已发布")];

pub fn status_label(s: &str) -> &str {
    STATUSES.iter().find(|(k, _)| *k == s).map_or(s, |(_, l)| l)
}

fn bad(code: &'static str, field: &'static str, msg: impl Into<String>) -> StoreError {
    StoreError::invalid(FieldError::new(code, field, msg))
}

fn wrong_state(round: &assessment_round::Model, want: &str) -> StoreError {
    StoreError::Conflict(FieldError::new(
        "round_state",
        "status",
        format!(
            "该考核当前为“{}”，此操作只能在“{}”状态下进行",
            status_label(&round.status),
            status_label(want)
        ),
    ))
}
