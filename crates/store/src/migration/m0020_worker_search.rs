//! The search keys of every worker: a name's fragments, its 拼音 and initials, and the ID number
//! reversed, each found by prefix on the primary key. On PostgreSQL the key is compared byte by byte
//! (`COLLATE "C"`), as SQLite compares it, so that a prefix is a range whatever the database's locale.

use super::{
    Step,
    Step::{Create, Index},
    TABLE, TableDef,
};

pub(super) const STEPS: &[Step] = &[
    Create(TableDef {
        name: "worker_search",
        cols: "province_code:s2 kind:i16 key:c32 worker_id:uuid",
        key: "province_code kind key worker_id",
        refs: "worker_id>workers",
        ..TABLE
    }),
    Index("idx_worker_search_worker", "worker_search", "province_code worker_id"),
];
