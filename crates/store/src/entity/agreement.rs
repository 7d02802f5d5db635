super::province_table! {
    "agreements",
    pub worker_id: Uuid,
    pub region_code: String,
    pub number: Option<String>,
    pub term: String,
    pub start_date: Date,
    pub end_date: Date,
    pub signed_on: Option<Date>,
}
