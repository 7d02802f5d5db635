super::province_table! {
    "window_duties" as WindowDuty,
    pub community_code: String,
    /// The day on duty at the 综合岗 window.
    pub on_date: chrono::NaiveDate,
    pub worker_id: Uuid,
    pub set_by: String,
    pub set_at: chrono::DateTime<chrono::Utc>,
}
