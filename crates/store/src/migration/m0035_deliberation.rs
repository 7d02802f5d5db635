//! Residents' deliberation (居民议事): places with their 说事长, topics raised (and the meeting that
//! discussed each), meetings with their decision, and the follow-up items tracked to done.

use super::{Step, Step::Index, province};

pub(super) const STEPS: &[Step] = &[
    province(
        "deliberation_places",
        "community_code:s12 name:s60 kind:s16 host_name:s40 host_worker_id:uuid? created_by:s64 created_at:ts",
        "",
    ),
    Index("idx_deliberation_places_community", "deliberation_places", "province_code community_code"),
    province(
        "deliberation_meetings",
        "community_code:s12 place_id:uuid held_on:date attendees:i32 decision:text recorded_by:s64 recorded_at:ts",
        "",
    ),
    Index("idx_deliberation_meetings_community", "deliberation_meetings", "province_code community_code held_on"),
    province(
        "deliberation_topics",
        "community_code:s12 place_id:uuid? title:s100 raised_by:s40 raised_on:date meeting_id:uuid? created_by:s64 \
         created_at:ts",
        "",
    ),
    Index("idx_deliberation_topics_community", "deliberation_topics", "province_code community_code meeting_id"),
    province(
        "deliberation_items",
        "community_code:s12 meeting_id:uuid what:s200 owner:s40 due_on:date done_on:date? result:text? \
         closed_by:s64? created_at:ts",
        "",
    ),
    Index("idx_deliberation_items_community", "deliberation_items", "province_code community_code done_on"),
];
