super::province_table! {
    "assessment_entries" as AssessmentEntry,
    pub round_id: Uuid,
    pub worker_id: Uuid,
    pub region_code: String,
    pub organisation_score: Option<i32>,
    pub residents_score: Option<i32>,
    pub routine_score: Option<i32>,
    pub combined_tenths: Option<i32>,
    pub grade: Option<String>,
    pub note: Option<String>,
}
