//! 民情事件: a resident's problem from its report to its closure (see `shegong_domain::events`).
//!
//! `events` holds where each event stands, with the deadlines computed when it was reported, assigned
//! or extended (from the region's policy and the working calendar), so that "overdue" is an index
//! range and not a computation per row; `event_actions` holds every step taken, never changed
//! afterwards. An action's `seq` is the event's version after it, unique per event: two people acting
//! on the same version cannot both be recorded, whichever engine and however the writers are spread.

use super::{
    Step,
    Step::{Index, Unique},
    province,
};

pub(super) const STEPS: &[Step] = &[
    province(
        "events",
        "number:c32 region_code:s15 community_code:s15 category:s32 urgency:s8 source:s16 source_label:s64? \
         description:text address:s200? lat:s32? lon:s32? reporter_name:s50? reporter_phone:s20? \
         state:s16 version:i32 escalated:bool=false reworks:i32=0 extension_asked:i32? extended_days:i32=0 \
         supervision:i16=0 rating:s16? handler_kind:s16? handler_code:s40? duplicate_of:uuid? \
         reported_at:ts accepted_at:ts? assigned_at:ts? closed_at:ts? \
         accept_due:ts handle_due:ts? total_due:ts reported_by:s64",
        "",
    ),
    Unique("idx_events_number", "events", "province_code number"),
    Index("idx_events_community", "events", "province_code community_code state reported_at"),
    Index("idx_events_handler", "events", "province_code handler_code state"),
    Index("idx_events_due", "events", "province_code state total_due"),
    Index("idx_events_reported", "events", "province_code reported_at"),
    province(
        "event_actions",
        "event_id:uuid seq:i32 action:s16 from_state:s16 to_state:s16 actor:s64 actor_name:s50 at:ts \
         note:text? detail:text?",
        "event_id>events",
    ),
    Unique("idx_event_actions_seq", "event_actions", "province_code event_id seq"),
];
