//! The working calendar's schedules an administrator adds (a notice year after the shipped ones,
//! 2020–2026, which are data in the domain crate): one row a date, with the notice year it belongs
//! to (the 元旦 of a year may begin in the December before).

use super::{Step, Step::Create, TABLE, TableDef};

pub(super) const STEPS: &[Step] = &[Create(TableDef {
    name: "calendar_days",
    cols: "day:date* kind:s8 name:s16 notice_year:i32 added_by:str added_at:ts",
    ..TABLE
})];
