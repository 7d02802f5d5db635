//! Work among residents: the household register of grids (户) with its change history, the
//! visits workers make (走访、排查、巡查、谈心), and micro-wishes (微心愿) from posting to the
//! resident's confirmation.

use super::{
    Step,
    Step::{Index, Unique},
    province,
};

pub(super) const STEPS: &[Step] = &[
    province(
        "households",
        "community_code:s12 grid_code:s15 building:s20 unit:s10 room:s20 head_name:s40 phone:s20? members:i32 \
         tags:text worker_id:uuid? liaison:s40? registered_on:date last_visit_on:date? version:i32 \
         created_by:s64 created_at:ts updated_at:ts",
        "",
    ),
    // A household is its address on its grid: a re-import finds the same row.
    Unique("idx_households_address", "households", "province_code grid_code building unit room"),
    Index("idx_households_community", "households", "province_code community_code grid_code"),
    Index("idx_households_worker", "households", "province_code worker_id"),
    province(
        "household_changes",
        "household_id:uuid field:s20 before:text after:text changed_by:s64 changed_at:ts",
        "",
    ),
    Index("idx_household_changes_household", "household_changes", "province_code household_id changed_at"),
    province(
        "visits",
        "community_code:s12 grid_code:s15? worker_id:uuid kind:s8 on_date:date household_id:uuid? place:s100? \
         finding:text? event_id:uuid? recorded_by:s64 recorded_at:ts",
        "",
    ),
    // The weekly compliance view: a province's week by date, a street's or a community's by
    // community then date, each covering what the count reads.
    Index("idx_visits_date", "visits", "province_code on_date worker_id kind"),
    Index("idx_visits_community", "visits", "province_code community_code on_date worker_id kind"),
    Index("idx_visits_worker", "visits", "province_code worker_id on_date"),
    Index("idx_visits_household", "visits", "province_code household_id on_date"),
    province(
        "wishes",
        "community_code:s12 grid_code:s15? household_id:uuid? title:s100 detail:text? for_name:s40 for_phone:s20? \
         due_on:date? state:s12 claimant_kind:s16? claimant_name:s60? claimant_worker_id:uuid? claimed_at:ts? \
         fulfil_note:text? fulfilled_at:ts? confirm_note:text? closed_at:ts? created_by:s64 created_at:ts \
         version:i32",
        "",
    ),
    Index("idx_wishes_community", "wishes", "province_code community_code state"),
];
