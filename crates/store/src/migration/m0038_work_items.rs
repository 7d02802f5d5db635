//! 减负清单: the lists of what communities do and may be asked to do, per region and from a day; the
//! proofs a community issues from its list, and the proofs it refused as not on it.

use super::{
    Step,
    Step::{Index, Unique},
    province,
};

pub(super) const STEPS: &[Step] = &[
    province(
        "work_items",
        "region_code:s12 list:s16 seq:i32 title:s100 basis:text? department:s50? funding:s100? documents:text? \
         procedure:text? example:bool from_on:date to_on:date? created_by:s64 created_at:ts",
        "",
    ),
    // A region's list in force on a day: its items from on or before it.
    Index("idx_work_items_region", "work_items", "province_code region_code list from_on"),
    province(
        "proofs",
        "community_code:s12 number:s60 year:i32 seq:i32 item_id:uuid item_title:s100 applicant:s40 purpose:s100? \
         issued_on:date issued_by:s64 created_at:ts",
        "",
    ),
    // Numbered in a community's year, once each.
    Unique("idx_proofs_number", "proofs", "province_code community_code year seq"),
    Index("idx_proofs_community", "proofs", "province_code community_code issued_on"),
    province("proof_refusals", "community_code:s12 asked:s100 on_date:date refused_by:s64 created_at:ts", ""),
    Index("idx_proof_refusals_community", "proof_refusals", "province_code community_code on_date"),
];
