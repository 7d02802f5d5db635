super::province_table! {
    "assessment_amendments" as AssessmentAmendment,
    pub assessment_id: Uuid,
    pub worker_id: Uuid,
    pub region_code: String,
    pub year: i32,
    pub old_grade: String,
    pub new_grade: String,
    pub reason: String,
    pub amended_by: String,
    pub amended_at: chrono::DateTime<chrono::Utc>,
}
