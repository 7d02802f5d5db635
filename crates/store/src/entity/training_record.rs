super::province_table! {
    "training_records" as TrainingRecord,
    pub training_id: Uuid,
    pub worker_id: Uuid,
    pub region_code: String,
    pub completed_on: chrono::NaiveDate,
    pub credits: i32,
    /// attended | absent
    pub attendance: String,
    /// passed | failed, when examined
    pub result: Option<String>,
}
