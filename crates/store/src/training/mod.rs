//! Training (培训): courses and classes, enrolment of a whole filtered list, and who is behind.

mod courses;
mod overdue;
mod records;
mod roster;

pub use courses::{TrainingInput, create, enrol, list};
pub use overdue::{Overdue, Rotation, overdue};
pub use records::{of_worker, set_result};
pub use roster::{RosterLine, remove, roster};

pub const KINDS: [(&str, &str); 5] = [
    ("initial", "初任培训"),
    ("duty", "履职培训"),
    ("degree", "学历提升"),
    ("topic", "专题培训"),
    ("online", "网络培训"),
];

pub fn kind_label(k: &str) -> &str {
    KINDS.iter().find(|(key, _)| *key == k).map_or(k, |(_, l)| l)
}
