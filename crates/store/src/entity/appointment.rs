super::province_table! {
    "appointments",
    pub worker_id: Uuid,
    pub region_code: String,
    pub post_category: String,
    pub title: String,
    pub two_committees: bool,
    pub full_time: bool,
    pub party_building: bool,
    pub start_date: Date,
    pub end_date: Option<Date>,
    pub end_reason: Option<String>,
}
