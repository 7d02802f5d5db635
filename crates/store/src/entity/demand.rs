super::province_table! {
    "demands" as Demand,
    pub community_code: String,
    /// Who asked (a department or office, as the community names it).
    pub department_name: String,
    /// What was asked.
    pub what: String,
    /// `task`, `meeting`, `ledger`, `report`, `pledge` (责任状).
    pub kind: String,
    pub asked_on: chrono::NaiveDate,
    pub recorded_by: String,
    pub recorded_at: chrono::DateTime<chrono::Utc>,
}
