super::province_table! {
    "rewards" as Reward,
    pub worker_id: Uuid,
    pub region_code: String,
    pub kind: String,
    pub title: String,
    pub issuer: String,
    pub issued_on: chrono::NaiveDate,
    pub note: Option<String>,
}
