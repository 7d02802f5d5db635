super::province_table! {
    "assessments",
    pub worker_id: Uuid,
    pub region_code: String,
    pub year: i32,
    pub grade: String,
    pub recorded_by: String,
    pub recorded_at: DateTimeUtc,
}
