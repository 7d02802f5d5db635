//! Monthly payroll (月度薪酬): compute a month for a region under the policies in force, review,
//! lock. A locked month never changes; a correction is a new adjustment line. The same
//! computation, unstored and with changed parameters, answers the budget's what-if.

mod budget;
mod compute;
mod office;
mod payslips;
mod review;
mod run;

pub use budget::{Budget, BudgetRow, budget};
pub use compute::{Computed, Problem, compute_month};
pub use office::{AdjustmentLine, BankRow, Subtotal, adjustment_lines, bank_rows, labels_of, subtotals, without_card};
pub use payslips::{Component, PayslipView, components_of, fen_of, level_of, payslips};
pub use review::{adjust, for_each_slip, get, last_return, list, lock, people_in_run, review, send_back, slips};
pub use run::{RunSummary, Totals, run};
pub(crate) use run::{slip_columns, slip_rows};
pub use shegong_domain::pay::WhatIf;

use crate::error::{Result, StoreError};
use chrono::NaiveDate;
use shegong_domain::FieldError;
use shegong_domain::status::{RunStatus, Status};

/// A run status's label (已计算, 已审核, 已锁定).
pub fn status_label(s: &str) -> &str {
    RunStatus::label_of(s)
}

fn bad(code: &'static str, field: &'static str, msg: impl Into<String>) -> StoreError {
    StoreError::invalid(FieldError::new(code, field, msg))
}

/// `YYYY-MM` to the month's first day.
pub fn parse_month(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(&format!("{}-01", s.trim()), "%Y-%m-%d")
        .ok()
        .filter(|_| s.trim().len() == 7)
        .ok_or_else(|| bad("month_invalid", "month", "月份格式应为 YYYY-MM，例如 2025-01"))
}
