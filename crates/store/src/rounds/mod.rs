//! Yearly assessment rounds (年度考核), organised by a street for its communities:
//! draft (scores entered) → scored (grades proposed under the policy's thresholds and 优秀 cap,
//! adjustable within the cap) → published (grades final, written to every archive). A published
//! grade changes only through a recorded amendment.

mod create;
mod publish;
mod routine;
mod scoring;
mod view;

pub use create::create;
pub use publish::{amend, amendments, publish};
pub use routine::{adopt_proposals, explain_routine};
pub use scoring::{ADJUSTED, ScoreInput, Shown, compute, reopen, save_scores, save_scores_over, set_grade};
pub use view::{EntryView, RoundView, get, labels_of, list};

use crate::entity::assessment_round;
use crate::error::StoreError;
use shegong_domain::FieldError;
use shegong_domain::status::{RoundStatus, Status};

/// A round status's label (评分中, 已评定, 已发布).
pub fn status_label(s: &str) -> &str {
    RoundStatus::label_of(s)
}

fn bad(code: &'static str, field: &'static str, msg: impl Into<String>) -> StoreError {
    StoreError::invalid(FieldError::new(code, field, msg))
}

/// The round must be in state `want` for this operation.
fn require(round: &assessment_round::Model, want: RoundStatus) -> Result<(), StoreError> {
    RoundStatus::require(&round.status, want).map_err(StoreError::Conflict)
}
