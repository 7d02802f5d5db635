//! The region tree (区划): province, city, county, street, community and grid.

use super::{
    Step,
    Step::{Create, Index},
    TABLE, TableDef,
};

pub(super) const STEPS: &[Step] = &[
    // A reference table on Citus: every node holds the whole tree.
    Create(TableDef {
        name: "regions",
        cols: "code:s15* parent_code:s15? level:s16 name:s100 households:i64=0 residents:i64=0 urban_rural_class:s3?",
        ..TABLE
    }),
    Index("idx_regions_parent", "regions", "parent_code code"),
];
