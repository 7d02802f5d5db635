//! Rewards and sanctions (奖励/处分) in the archive.

use super::{Step, Step::Index, province};

pub(super) const STEPS: &[Step] = &[
    // `kind`: reward | sanction.
    province(
        "rewards",
        "worker_id:uuid region_code:s15 kind:s16 title:s100 issuer:s100 issued_on:date note:text?",
        "worker_id>workers",
    ),
    Index("idx_rewards_worker", "rewards", "worker_id issued_on"),
];
