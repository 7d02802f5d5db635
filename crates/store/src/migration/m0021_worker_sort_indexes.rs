//! The worker list in every order it offers, by index: besides the region order
//! (`idx_workers_status_region_name`, for one status), by name, by birth date (age), by the start of
//! service and by region whatever the status, each within a province: the first page of a
//! province's list sorted by age reads about twenty entries of an index (skipping those of another
//! status) instead of sorting every worker.

use super::{Step, Step::Index};

pub(super) const STEPS: &[Step] = &[
    Index("idx_workers_province_name", "workers", "province_code name id"),
    Index("idx_workers_province_birth", "workers", "province_code birth_date id"),
    Index("idx_workers_province_service", "workers", "province_code service_start id"),
    Index("idx_workers_province_region", "workers", "province_code region_code name"),
];
