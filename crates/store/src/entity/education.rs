super::province_table! {
    "educations",
    pub worker_id: Uuid,
    pub education_code: String,
    pub school: Option<String>,
    pub major: Option<String>,
    pub graduated_on: Option<Date>,
    pub full_time_study: bool,
}
