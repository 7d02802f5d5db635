super::province_table! {
    "assessments" as Assessment,
    pub worker_id: Uuid,
    pub region_code: String,
    pub year: i32,
    pub grade: String,
    pub recorded_by: String,
    pub recorded_at: chrono::DateTime<chrono::Utc>,
}
