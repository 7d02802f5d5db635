super::province_table! {
    "event_actions" as EventAction,
    pub event_id: Uuid,
    pub seq: i32,
    pub action: String,
    pub from_state: String,
    pub to_state: String,
    pub actor: String,
    pub actor_name: String,
    pub at: chrono::DateTime<chrono::Utc>,
    pub note: Option<String>,
    pub detail: Option<String>,
}
