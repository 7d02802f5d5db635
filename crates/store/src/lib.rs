//! Storage for shegong: one code path over SQLite (embedded default) and PostgreSQL.
//!
//! Handlers never see SQL: they call the repository functions here. Every function over scoped
//! data takes the caller's [`Scope`](shegong_domain::Scope) and filters by it where the data is read.

pub mod access;
pub mod audit;
pub mod audit_queue;
mod bulk;
pub mod cache;
pub mod calendar;
pub mod career;
pub mod clock;
pub mod db;
pub mod demo;
pub mod departments;
pub mod distribution;
pub mod entity;
pub mod error;
pub mod events;
pub mod grids;
pub mod imports;
pub mod memo;
pub mod migration;
pub mod openness;
pub mod payroll;
pub mod policies;
pub mod process;
pub mod recruitment;
pub mod region_names;
pub mod regions;
pub mod reserves;
pub mod residents;
pub mod rounds;
pub mod scan;
pub mod search;
pub mod setup;
pub mod staffing;
pub mod stats;
pub mod testing;
pub mod tls;
pub mod training;
pub mod upload_limits;
pub mod users;
pub mod work_items;
pub mod workers;
mod write_lock;

pub use access::Access;
pub use db::Db;
pub use error::StoreError;
