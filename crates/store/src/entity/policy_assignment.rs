super::province_table! {
    "policy_assignments" as PolicyAssignment,
    pub region_code: String,
    pub policy_name: String,
    pub policy_version: i32,
    pub effective_from: chrono::NaiveDate,
    pub assigned_by: String,
    pub assigned_at: chrono::DateTime<chrono::Utc>,
}
