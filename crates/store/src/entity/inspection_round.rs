super::province_table! {
    "inspection_rounds" as InspectionRound,
    /// The region drawn from (a county or a street).
    pub region_code: String,
    pub title: String,
    pub drawn_on: chrono::NaiveDate,
    /// The draw's seed: the same seed and candidates draw the same communities.
    pub seed: String,
    /// Communities asked for.
    pub wanted: i32,
    /// The candidates drawn from (community codes, one per line, sorted).
    pub candidates: String,
    /// The inspector pool (names, one per line).
    pub inspectors: String,
    pub per_target: i32,
    /// The checklist at the draw (one point per line).
    pub checklist: String,
    pub drawn_by: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}
