super::province_table! {
    "worker_changes" as WorkerChange,
    pub worker_id: Uuid,
    pub region_code: String,
    pub changed_at: chrono::DateTime<chrono::Utc>,
    pub actor: String,
    pub section: String,
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}
