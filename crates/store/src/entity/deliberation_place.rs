super::province_table! {
    "deliberation_places" as DeliberationPlace,
    pub community_code: String,
    pub name: String,
    /// `hall` 议事厅, `yard` 说事小院 or `corridor` 楼道议事点.
    pub kind: String,
    /// 说事长: a worker or a resident.
    pub host_name: String,
    pub host_worker_id: Option<Uuid>,
    pub created_by: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}
