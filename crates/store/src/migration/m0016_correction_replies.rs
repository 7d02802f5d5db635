//! A correction request's answer to the worker: what was done, or why it was refused.

use super::{Step, Step::AddColumn};

pub(super) const STEPS: &[Step] = &[AddColumn("correction_requests", "reply:text?")];
