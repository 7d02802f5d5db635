//! An API token of another system (a 12345 hotline) carries the name its reports are labelled with:
//! events reported with it come from 外部系统 under that name, whatever the request says.

use super::{Step, Step::AddColumn};

pub(super) const STEPS: &[Step] = &[AddColumn("api_tokens", "source_label:s64?")];
