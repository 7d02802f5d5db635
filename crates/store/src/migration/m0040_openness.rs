//! 印章使用登记, 居务公开 (items published under 党务、居务、财务, immutable, a correction citing the
//! item it corrects; residents' questions and their answers) and the 双随机 spot checks (the draw with
//! its seed and candidates, the communities drawn and their inspectors, the findings and their closing).

use super::{Step, Step::Index, province};

pub(super) const STEPS: &[Step] = &[
    province(
        "seal_uses",
        "community_code:s12 used_on:date purpose:s100 document:s100 approver:s40 recorded_by:s64 created_at:ts",
        "",
    ),
    Index("idx_seal_uses_community", "seal_uses", "province_code community_code used_on"),
    province(
        "disclosures",
        "community_code:s12 category:s10 period:s10 title:s100 body:text corrects_id:uuid? published_on:date \
         published_by:s64 created_at:ts",
        "",
    ),
    // A community's page, newest first; a heading's period published or not.
    Index("idx_disclosures_community", "disclosures", "province_code community_code published_on"),
    Index("idx_disclosures_period", "disclosures", "province_code community_code category period"),
    province(
        "disclosure_questions",
        "community_code:s12 disclosure_id:uuid? question:text asked_at:ts answer:text? answered_by:s64? \
         answered_at:ts? shown:bool",
        "",
    ),
    Index("idx_disclosure_questions_community", "disclosure_questions", "province_code community_code asked_at"),
    province(
        "inspection_rounds",
        "region_code:s12 title:s100 drawn_on:date seed:s64 wanted:i32 candidates:text inspectors:text \
         per_target:i32 checklist:text drawn_by:s64 created_at:ts",
        "",
    ),
    Index("idx_inspection_rounds_region", "inspection_rounds", "province_code region_code drawn_on"),
    province(
        "inspection_targets",
        "round_id:uuid community_code:s12 ord:i32 inspectors:s200 inspected_on:date? note:text? recorded_by:s64?",
        "",
    ),
    Index("idx_inspection_targets_round", "inspection_targets", "province_code round_id ord"),
    Index("idx_inspection_targets_community", "inspection_targets", "province_code community_code"),
    province(
        "inspection_findings",
        "round_id:uuid target_id:uuid community_code:s12 item:s20 finding:text due_on:date closed_on:date? \
         closing:text? recorded_by:s64 closed_by:s64?",
        "",
    ),
    Index("idx_inspection_findings_community", "inspection_findings", "province_code community_code due_on"),
    Index("idx_inspection_findings_round", "inspection_findings", "province_code round_id"),
];
