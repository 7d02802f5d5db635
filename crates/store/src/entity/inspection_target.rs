super::province_table! {
    "inspection_targets" as InspectionTarget,
    pub round_id: Uuid,
    pub community_code: String,
    /// Its place in the draw (1, 2, …).
    pub ord: i32,
    /// The inspectors drawn for it, joined by "、".
    pub inspectors: String,
    pub inspected_on: Option<chrono::NaiveDate>,
    pub note: Option<String>,
    pub recorded_by: Option<String>,
}
