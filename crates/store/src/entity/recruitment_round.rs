super::province_table! {
    "recruitment_rounds" as RecruitmentRound,
    pub county_code: String,
    pub title: String,
    /// The day ages and qualifications are counted on (资格审查基准日).
    pub reference_date: chrono::NaiveDate,
    pub apply_from: chrono::NaiveDate,
    pub apply_to: chrono::NaiveDate,
    /// `draft`, `approved`, `published`, `closed` (see `shegong_domain::status::RecruitmentStatus`).
    pub status: String,
    /// What the announcement says besides the posts (the procedure, contacts).
    pub notes: String,
    pub created_by: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub approved_by: Option<String>,
    pub approved_at: Option<chrono::DateTime<chrono::Utc>>,
    pub published_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The written exam's pass line (合格分数线), in hundredths of a point.
    pub pass_line: Option<i32>,
    /// When the admission tickets were issued.
    pub tickets_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The first day of the publicity (公示) of those to be hired.
    pub publicity_from: Option<chrono::NaiveDate>,
}
