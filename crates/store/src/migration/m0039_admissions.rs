//! 准入: a department's application to have communities take on a task, the county's decision (an
//! approved task joins the 协助 list from a day), and the demands communities receive that were never
//! admitted.

use super::{Step, Step::Index, province};

pub(super) const STEPS: &[Step] = &[
    province(
        "admissions",
        "county_code:s6 department_id:uuid department_name:s50 title:s100 basis:text? communities:text \
         from_on:date to_on:date? staff:s100? funding:s100? state:s10 reason:text? item_id:uuid? \
         applied_by:s64 applied_at:ts decided_by:s64? decided_at:ts?",
        "",
    ),
    Index("idx_admissions_county", "admissions", "province_code county_code state"),
    province(
        "demands",
        "community_code:s12 department_name:s50 what:s100 kind:s10 asked_on:date recorded_by:s64 recorded_at:ts",
        "",
    ),
    Index("idx_demands_community", "demands", "province_code community_code asked_on"),
];
