super::province_table! {
    "departments" as Department,
    /// The county it belongs to.
    pub county_code: String,
    pub name: String,
    /// The event categories it handles, keys separated by commas (`shegong_domain::departments::split`).
    pub remit: String,
    pub added_by: String,
    pub added_at: chrono::DateTime<chrono::Utc>,
    pub changed_by: Option<String>,
    pub changed_at: Option<chrono::DateTime<chrono::Utc>>,
    /// No longer handed events; its history stays.
    pub disabled: bool,
}
