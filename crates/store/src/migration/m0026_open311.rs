//! The keys of Open311 GeoReport v2 clients (`shegong_store::events::open311`): each named, bound to
//! a region its requests must fall in, kept as the hash of the key (shown once, when issued), and
//! revocable.

use super::{
    Step,
    Step::{Create, Unique},
    TABLE, TableDef,
};

pub(super) const STEPS: &[Step] = &[
    Create(TableDef {
        name: "open311_keys",
        cols: "id:uuid* name:s64 region_code:s15 key_hash:s64 created_by:s64 created_at:ts revoked_at:ts?",
        ..TABLE
    }),
    Unique("idx_open311_keys_hash", "open311_keys", "key_hash"),
];
