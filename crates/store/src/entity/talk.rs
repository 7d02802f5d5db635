super::province_table! {
    "talks" as Talk,
    pub community_code: String,
    pub worker_id: Uuid,
    pub held_on: chrono::NaiveDate,
    /// The secretary's name as it stood when the talk was recorded.
    pub held_by: String,
    /// Problems the worker raised, and of them those solved.
    pub raised: i32,
    pub solved: i32,
    pub note: Option<String>,
    pub recorded_by: String,
    pub recorded_at: chrono::DateTime<chrono::Utc>,
}
