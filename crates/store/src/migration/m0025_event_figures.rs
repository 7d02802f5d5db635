//! The figures of 民情事件 (`shegong_store::events::stats`).
//!
//! Each closed event keeps how long it took and whether it met its deadline, set once at the 结案, so
//! that the figures add them up instead of computing time per row; one index holds every column the
//! figures read, by community and then the day reported, so that a county's or a street's month is
//! read from the index alone; the overdue index carries the community, so that what is overdue now is
//! counted per region without reading the events.
//!
//! `event_tallies` holds the same counts added up per county, day reported and dimension (`""` all,
//! `s:` a source, `c:` a top category, `t:` a state), moved in the same transaction as every report
//! and step: a province's or a city's month is a few thousand rows, not hundreds of thousands of
//! events. The counters are those of `shegong_domain::event_stats::Tally`.

use super::{
    Step,
    Step::{AddColumn, Create, DropIndex, Index},
    TABLE, TableDef,
};

pub(super) const STEPS: &[Step] = &[
    AddColumn("events", "close_minutes:i32?"),
    AddColumn("events", "on_time:bool?"),
    Index(
        "idx_events_figures",
        "events",
        "province_code community_code reported_at source category state rating reworks on_time close_minutes",
    ),
    DropIndex("idx_events_due", "events", "province_code state total_due"),
    Index("idx_events_overdue", "events", "province_code state total_due community_code"),
    Create(TableDef {
        name: "event_tallies",
        cols: "province_code:s2 day:date county_code:s6 dim:s40 reported:i64 decided:i64 rejected:i64 \
               closed:i64 on_time:i64 reworked:i64 rated:i64 satisfied:i64 fair:i64 dissatisfied:i64 \
               still_open:i64 timed:i64 close_minutes:i64",
        key: "province_code day county_code dim",
        ..TABLE
    }),
];
