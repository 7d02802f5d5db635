//! Policies as data: the policy files (versioned), which policy a region applies from which date,
//! and the yearly reference wages that rule-only policies take as parameters.

use super::{
    Step,
    Step::{Create, Index, Unique},
    TABLE, TableDef, province,
};

pub(super) const STEPS: &[Step] = &[
    // A reference table (replicated on Citus): every province may apply any policy.
    Create(TableDef {
        name: "policies",
        cols: "name:s40 version:i32 title:s200 source:s400 body:text created_by:s64 created_at:ts",
        key: "name version",
        ..TABLE
    }),
    province(
        "policy_assignments",
        "region_code:s15 policy_name:s40 policy_version:i32 effective_from:date assigned_by:s64 assigned_at:ts",
        "policy_name,policy_version>policies.name,version",
    ),
    Unique("uq_policy_assignments_region_from", "policy_assignments", "province_code region_code effective_from"),
    province("reference_wages", "region_code:s15 key:s40 year:i32 annual_fen:i64 set_by:s64 set_at:ts", ""),
    Unique("uq_reference_wages", "reference_wages", "province_code region_code key year"),
    Index("idx_policy_assignments_region", "policy_assignments", "region_code"),
];
