//! Accounts: a password that must be changed at the next login (after an admin's reset), when it
//! was last changed, and the devices a user has logged in from (their known-device cookies).

use super::{
    Step,
    Step::{AddColumn, Create, Index},
    TABLE, TableDef,
};

pub(super) const STEPS: &[Step] = &[
    AddColumn("users", "must_change_password:bool=false"),
    AddColumn("users", "password_changed_at:ts?"),
    // Small and read at each login: a reference table on Citus, like users.
    Create(TableDef {
        name: "login_devices",
        cols: "token_hash:s64* user_id:uuid created_at:ts last_used_at:ts",
        ..TABLE
    }),
    Index("idx_login_devices_user", "login_devices", "user_id"),
];
