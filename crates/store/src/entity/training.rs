super::province_table! {
    "trainings" as Training,
    pub region_code: String,
    pub name: String,
    pub kind: String,
    pub organiser: String,
    pub start_date: chrono::NaiveDate,
    pub end_date: chrono::NaiveDate,
    pub hours: i32,
    pub credits: i32,
    pub created_by: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}
