//! Posts inside the community: each worker's service role (全科 / 走访 / 项目社工, or the policy's
//! own list) from a date, and the duty roster of the 综合岗 window, day by day.

use super::{
    Step,
    Step::{Index, Unique},
    province,
};

pub(super) const STEPS: &[Step] = &[
    province(
        "service_roles",
        "community_code:s12 worker_id:uuid role:s20 from_on:date to_on:date? set_by:s64 set_at:ts",
        "",
    ),
    Index("idx_service_roles_community", "service_roles", "province_code community_code to_on"),
    province("window_duties", "community_code:s12 on_date:date worker_id:uuid set_by:s64 set_at:ts", ""),
    Unique("idx_window_duties_day", "window_duties", "province_code community_code on_date worker_id"),
];
