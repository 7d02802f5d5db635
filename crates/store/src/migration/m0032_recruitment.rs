//! Recruitment rounds (招聘) of a county and their posts: the plan (drafted, approved by another of
//! the county's administrators, published as the announcement), each post in a community with its
//! places and requirements.

use super::{Step, Step::Index, province};

pub(super) const STEPS: &[Step] = &[
    province(
        "recruitment_rounds",
        "county_code:s15 title:s100 reference_date:date apply_from:date apply_to:date status:s16 notes:text \
         created_by:s64 created_at:ts approved_by:s64? approved_at:ts? published_at:ts?",
        "",
    ),
    Index("idx_recruitment_rounds_county", "recruitment_rounds", "province_code county_code status"),
    province(
        "recruitment_posts",
        "round_id:uuid community_code:s15 category:s16 title:s40 places:i32 min_education:s16? max_age:i32? \
         certificate:s16? majors:s200 hukou:s100? dedicated:bool=false added_by:s64 added_at:ts",
        "",
    ),
    Index("idx_recruitment_posts_round", "recruitment_posts", "province_code round_id community_code"),
    Index("idx_recruitment_posts_community", "recruitment_posts", "province_code community_code"),
];
