super::province_table! {
    "worker_changes",
    pub worker_id: Uuid,
    pub region_code: String,
    pub changed_at: DateTimeUtc,
    pub actor: String,
    pub section: String,
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}
