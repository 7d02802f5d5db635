super::province_table! {
    "policy_assignments",
    pub region_code: String,
    pub policy_name: String,
    pub policy_version: i32,
    pub effective_from: Date,
    pub assigned_by: String,
    pub assigned_at: DateTimeUtc,
}
