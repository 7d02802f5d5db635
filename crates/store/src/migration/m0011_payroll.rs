//! Monthly payroll: runs per region and month (computed → reviewed → locked), one payslip per
//! worker with every component in fen, and adjustment lines (the only change a locked month takes).

use super::{
    Step,
    Step::{Index, Unique},
    province,
};

pub(super) const STEPS: &[Step] = &[
    // `month`: YYYY-MM. `status`: computed | reviewed | locked.
    province(
        "payroll_runs",
        "region_code:s15 month:s7 status:s16 policy_name:s40 policy_version:i32 workers:i32 total_fen:i64 \
         skipped:i32 created_by:s64 created_at:ts reviewed_by:s64? reviewed_at:ts? locked_by:s64? locked_at:ts?",
        "",
    ),
    Unique("uq_payroll_runs_region_month", "payroll_runs", "province_code region_code month"),
    Index("idx_payroll_runs_month", "payroll_runs", "month region_code"),
    province(
        "payslips",
        "run_id:uuid worker_id:uuid region_code:s15 month:s7 post_category:s16 level:i32 base_fen:i64 \
         post_pay_fen:i64 allowance_fen:i64 education_fen:i64 certificate_fen:i64 performance_fen:i64 \
         total_fen:i64 floor_shortfall_fen:i64",
        "run_id>payroll_runs",
    ),
    Unique("uq_payslips_run_worker", "payslips", "province_code run_id worker_id"),
    Index("idx_payslips_worker_month", "payslips", "worker_id month"),
    province(
        "payslip_adjustments",
        "run_id:uuid worker_id:uuid region_code:s15 month:s7 amount_fen:i64 reason:s200 created_by:s64 created_at:ts",
        "run_id>payroll_runs",
    ),
    Index("idx_payslip_adjustments_worker", "payslip_adjustments", "worker_id month"),
];
