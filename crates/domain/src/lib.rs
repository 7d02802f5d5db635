//! The rules of shegong, as pure functions over parsed values.
//!
//! Nothing in this crate does I/O, talks to a database or knows about HTTP: every rule here can be
//! tested with plain unit and property tests. Values from the outside world are parsed into the
//! newtypes of this crate at the boundary ("parse, don't validate"); everything inside takes only
//! parsed values.

pub mod access;
pub mod affairs;
pub mod calendar;
pub mod career;
pub mod codes;
pub mod dates;
pub mod deliberation;
pub mod departments;
pub mod error;
pub mod event_access;
pub mod event_policy;
pub mod event_stats;
pub mod events;
pub mod files;
pub mod grids;
pub mod hiring;
pub mod households;
pub mod id_number;
pub mod openness;
pub mod password;
pub mod pay;
pub mod person;
pub mod photo_meta;
pub mod policy;
pub mod policy_form;
pub mod records;
pub mod recruitment;
pub mod region;
pub mod search;
pub mod service;
pub mod staffing;
pub mod stats;
pub mod status;
pub mod talks;
pub mod text;
pub mod time;
pub mod visits;
pub mod wishes;
pub mod work_items;
pub mod worker;

pub use access::{Permission, Role, Scope};
pub use error::FieldError;
pub use id_number::IdNumber;
pub use region::{RegionCode, RegionLevel};
