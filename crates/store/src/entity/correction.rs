super::province_table! {
    "correction_requests" as Correction,
    pub worker_id: Uuid,
    pub region_code: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub requested_by: String,
    pub field: String,
    pub message: String,
    pub status: String,
    pub handled_by: Option<String>,
    pub handled_at: Option<chrono::DateTime<chrono::Utc>>,
    /// What the handler answered the worker (required when the request is refused).
    pub reply: Option<String>,
}
