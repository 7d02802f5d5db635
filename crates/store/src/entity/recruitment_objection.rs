super::province_table! {
    "recruitment_objections" as RecruitmentObjection,
    pub round_id: Uuid,
    pub application_id: Uuid,
    pub received_on: chrono::NaiveDate,
    pub content: String,
    pub recorded_by: String,
    pub recorded_at: chrono::DateTime<chrono::Utc>,
    pub resolution: Option<String>,
    /// Whether the objection was upheld (成立): the applicant is then not hired.
    pub upheld: Option<bool>,
    pub resolved_by: Option<String>,
    pub resolved_at: Option<chrono::DateTime<chrono::Utc>>,
}
