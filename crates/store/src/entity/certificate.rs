super::province_table! {
    "certificates" as Certificate,
    pub worker_id: Uuid,
    pub kind: String,
    pub level: Option<String>,
    pub name: String,
    pub number: Option<String>,
    pub issued_on: Option<chrono::NaiveDate>,
}
