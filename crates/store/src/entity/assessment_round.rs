super::province_table! {
    "assessment_rounds" as AssessmentRound,
    pub region_code: String,
    pub year: i32,
    pub status: String,
    pub policy_name: String,
    pub policy_version: i32,
    pub created_by: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub published_by: Option<String>,
    pub published_at: Option<chrono::DateTime<chrono::Utc>>,
}
