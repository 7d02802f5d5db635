super::province_table! {
    "service_roles" as ServiceRole,
    pub community_code: String,
    pub worker_id: Uuid,
    /// A role of the policy's `[service] roles` (全科社工, 走访社工, 项目社工).
    pub role: String,
    pub from_on: chrono::NaiveDate,
    /// The day it ended (`None`: held now).
    pub to_on: Option<chrono::NaiveDate>,
    pub set_by: String,
    pub set_at: chrono::DateTime<chrono::Utc>,
}
