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
    /// The routine score proposed from the year's 事务办理 when the round was graded.
    pub routine_proposal: Option<i32>,
    /// Why the routine score differs from the proposal (recorded by whoever scored).
    pub routine_reason: Option<String>,
}
