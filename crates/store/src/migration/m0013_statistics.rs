//! Figures as of any date (统计分析): the spells table, and the imports table.
//!
//! `worker_spells` holds each worker's history cut into stretches of constant counted attributes
//! (see `shegong_domain::stats`). It is derived: rebuilt for a worker in the transaction of every
//! write to their archive, and for everybody by `stats::rebuild_all`. The covering index lets a
//! region's figures for a day be read from the index alone.
//!
//! `imports` keeps an uploaded roster between its check (dry run) and its commit.

use super::{
    Step,
    Step::{Create, Index},
    TABLE, TableDef, province,
};

pub(super) const STEPS: &[Step] = &[
    Create(TableDef {
        name: "worker_spells",
        cols: "province_code:s2 worker_id:uuid seq:i16 region_code:s12 valid_from:date valid_to:date? post:i16 \
               full_time:bool two_committees:bool education:i16 certificate:i16 gender:i16 political:i16 \
               birth_date:date service_start:date",
        key: "province_code worker_id seq",
        ..TABLE
    }),
    Index(
        "idx_worker_spells_region",
        "worker_spells",
        "province_code region_code valid_from valid_to post full_time two_committees education certificate gender \
         political birth_date service_start",
    ),
    province(
        "imports",
        "region_code:s12 username:s64 filename:s200 created_at:ts rows:i32 error_count:i32 status:s16 \
         committed_at:ts? created:i32? updated:i32? errors:text file:blob",
        "",
    ),
    Index("idx_imports_region", "imports", "region_code created_at"),
];
