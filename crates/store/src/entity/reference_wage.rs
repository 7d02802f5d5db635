super::province_table! {
    "reference_wages" as ReferenceWage,
    pub region_code: String,
    pub key: String,
    pub year: i32,
    pub annual_fen: i64,
    pub set_by: String,
    pub set_at: chrono::DateTime<chrono::Utc>,
}
