//! Integration tests: the real application on port 0 with a fresh database, over HTTP.
//! Every test runs on SQLite, and on PostgreSQL too when `SHEGONG_TEST_PG_URL` is set.

mod helpers;
mod imports;
mod inbox;
mod lists;
mod names;
mod office;
mod open311;
mod schema;
mod scores;
mod search;

mod access;
mod accounts;
mod applications;
mod archive;
mod attachments;
mod auditlog;
mod auth;
mod boundary;
mod browser;
mod career;
mod confirm;
mod departments;
mod event_photos;
mod events;
mod export;
mod findings;
mod grids;
mod hostile;
mod id_view;
mod openness;
mod pay;
mod permissions;
mod pickers;
mod policyform;
mod recruitment;
mod regions;
mod registration;
mod residents;
mod roster;
mod stats;
mod talks;
mod training;
mod work_items;
