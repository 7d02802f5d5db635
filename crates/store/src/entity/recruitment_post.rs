super::province_table! {
    "recruitment_posts" as RecruitmentPost,
    pub round_id: Uuid,
    pub community_code: String,
    /// The post category's key (`staff`, …).
    pub category: String,
    pub title: String,
    pub places: i32,
    /// `大专`, `本科`, `研究生`; none: the policy's.
    pub min_education: Option<String>,
    pub max_age: Option<i32>,
    /// A certificate level asked (`junior`, `intermediate`, `senior`).
    pub certificate: Option<String>,
    /// Majors accepted, separated by `、`; empty: any.
    pub majors: String,
    /// 户籍 asked, if any.
    pub hukou: Option<String>,
    /// 专设社工岗 (海宁).
    pub dedicated: bool,
    pub added_by: String,
    pub added_at: chrono::DateTime<chrono::Utc>,
}
