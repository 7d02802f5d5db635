//! A county's departments (职能部门) that a street hands events to (交办), each with the event
//! categories it handles (its remit, keys separated by commas); a `department` user acts for one.

use super::{Step, Step::AddColumn, Step::Unique, province};

pub(super) const STEPS: &[Step] = &[
    province(
        "departments",
        "county_code:s15 name:s64 remit:text added_by:s64 added_at:ts changed_by:s64? changed_at:ts? \
         disabled:bool=false",
        "",
    ),
    Unique("idx_departments_name", "departments", "province_code county_code name"),
    AddColumn("users", "department_id:uuid?"),
];
