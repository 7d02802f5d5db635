super::province_table! {
    "rewards",
    pub worker_id: Uuid,
    pub region_code: String,
    pub kind: String,
    pub title: String,
    pub issuer: String,
    pub issued_on: Date,
    pub note: Option<String>,
}
