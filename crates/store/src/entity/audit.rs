super::province_table! {
    "audit_log" as Audit,
    pub at: chrono::DateTime<chrono::Utc>,
    pub username: String,
    pub role: String,
    pub action: String,
    pub region_code: String,
    pub target: Option<String>,
    pub detail: Option<String>,
}
