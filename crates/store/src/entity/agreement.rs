super::province_table! {
    "agreements" as Agreement,
    pub worker_id: Uuid,
    pub region_code: String,
    pub number: Option<String>,
    pub term: String,
    pub start_date: chrono::NaiveDate,
    pub end_date: chrono::NaiveDate,
    pub signed_on: Option<chrono::NaiveDate>,
}
