super::province_table! {
    "visits" as Visit,
    pub community_code: String,
    pub grid_code: Option<String>,
    pub worker_id: Uuid,
    /// `visit`, `check`, `patrol` or `talk` (see `shegong_domain::visits::VisitKind`).
    pub kind: String,
    /// The day of the visit (China's date).
    pub on_date: chrono::NaiveDate,
    pub household_id: Option<Uuid>,
    /// A place other than a household (a street, a building site).
    pub place: Option<String>,
    pub finding: Option<String>,
    /// The event the finding was reported as.
    pub event_id: Option<Uuid>,
    pub recorded_by: String,
    pub recorded_at: chrono::DateTime<chrono::Utc>,
}
