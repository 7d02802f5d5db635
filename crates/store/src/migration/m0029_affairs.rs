//! 事务办理: a worker's steps on 民情事件 read by who took them (the archive's 事务办理 and the
//! assessment round's proposed routine scores), and on each round entry the routine score proposed
//! from them and the reason a street gave for scoring otherwise.

use super::{
    Step,
    Step::{AddColumn, Index},
};

pub(super) const STEPS: &[Step] = &[
    Index("idx_event_actions_actor", "event_actions", "province_code actor at"),
    AddColumn("assessment_entries", "routine_proposal:i32?"),
    AddColumn("assessment_entries", "routine_reason:text?"),
];
