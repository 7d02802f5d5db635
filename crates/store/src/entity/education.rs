super::province_table! {
    "educations" as Education,
    pub worker_id: Uuid,
    pub education_code: String,
    pub school: Option<String>,
    pub major: Option<String>,
    pub graduated_on: Option<chrono::NaiveDate>,
    pub full_time_study: bool,
}
