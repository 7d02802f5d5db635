//! A worker's bank and card number, for the 代发工资 sheet the bank takes.

use super::{Step, Step::AddColumn};

pub(super) const STEPS: &[Step] = &[AddColumn("workers", "bank_name:s60?"), AddColumn("workers", "bank_account:s32?")];
