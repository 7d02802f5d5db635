//! A worker's search keys by worker, kind and key: the ranking of a search asks, for each worker
//! found, whether one of *their* whole-name keys is (or begins with) the query; with the key in this
//! index that is one seek, where the index by worker alone left the planner to range over every
//! whole name that begins with the query, for every worker found.

use super::{
    Step,
    Step::{DropIndex, Index},
};

pub(super) const STEPS: &[Step] = &[
    Index("idx_worker_search_worker_key", "worker_search", "province_code worker_id kind key"),
    DropIndex("idx_worker_search_worker", "worker_search", "province_code worker_id"),
];
