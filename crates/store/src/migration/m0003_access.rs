//! Users, sessions, API tokens and the audit log.

use super::{
    Step,
    Step::{Create, Index},
    TABLE, TableDef, province,
};

pub(super) const STEPS: &[Step] = &[
    // Small and read on every request: reference tables on Citus.
    Create(TableDef {
        name: "users",
        cols: "id:uuid* username:s64! display_name:s60 password_hash:str role:s32 region_code:s15 worker_id:uuid? \
               disabled:bool=false created_at:ts",
        ..TABLE
    }),
    Index("idx_users_region", "users", "region_code"),
    Create(TableDef {
        name: "sessions",
        cols: "token_hash:s64* user_id:uuid csrf_token:s64 created_at:ts expires_at:ts",
        ..TABLE
    }),
    Create(TableDef {
        name: "api_tokens",
        cols: "id:uuid* token_hash:s64! user_id:uuid name:s100 created_at:ts last_used_at:ts? revoked_at:ts?",
        ..TABLE
    }),
    Index("idx_api_tokens_user", "api_tokens", "user_id"),
    // Distributed by province on Citus, like the archive.
    province("audit_log", "at:ts username:s64 role:s32 action:s64 region_code:s15 target:s64? detail:text?", ""),
    Index("idx_audit_region_at", "audit_log", "region_code at"),
];
