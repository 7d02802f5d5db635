super::province_table! {
    "grid_duties" as GridDuty,
    pub grid_code: String,
    pub community_code: String,
    /// `grid_worker`, `committee`, `link_leader` or `party_group` (see `shegong_domain::grids::Duty`).
    pub duty: String,
    /// The worker, for 网格员 and 包格两委.
    pub worker_id: Option<Uuid>,
    /// The worker's or 联户长's name, or the party group's.
    pub name: String,
    /// A 联户长's phone.
    pub phone: Option<String>,
    /// The households a 联户长 links.
    pub households: Option<i32>,
    pub start_on: chrono::NaiveDate,
    pub end_on: Option<chrono::NaiveDate>,
    pub added_by: String,
    pub added_at: chrono::DateTime<chrono::Utc>,
    pub ended_by: Option<String>,
    pub ended_at: Option<chrono::DateTime<chrono::Utc>>,
}
