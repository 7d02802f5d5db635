//! The figures of 民情事件 (`shegong_store::events::stats`): each closed event keeps how long it took
//! and whether it met its deadline, set once at the 结案, so that the figures add them up instead of
//! computing time per row; one index holds every column the figures read, in the order of the period
//! they ask for, so that a province's month is read from the index alone.

use super::{
    Step,
    Step::{AddColumn, Index},
};

pub(super) const STEPS: &[Step] = &[
    AddColumn("events", "close_minutes:i32?"),
    AddColumn("events", "on_time:bool?"),
    Index(
        "idx_events_figures",
        "events",
        "province_code reported_at community_code source category state rating reworks on_time close_minutes",
    ),
];
