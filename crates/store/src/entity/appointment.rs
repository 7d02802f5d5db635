super::province_table! {
    "appointments" as Appointment,
    pub worker_id: Uuid,
    pub region_code: String,
    pub post_category: String,
    pub title: String,
    pub two_committees: bool,
    pub full_time: bool,
    pub party_building: bool,
    pub start_date: chrono::NaiveDate,
    pub end_date: Option<chrono::NaiveDate>,
    pub end_reason: Option<String>,
}
