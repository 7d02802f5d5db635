super::province_table! {
    "reserves" as Reserve,
    pub region_code: String,
    pub name: String,
    pub gender: String,
    pub birth_date: chrono::NaiveDate,
    pub education: Option<String>,
    pub political_status: String,
    pub current_post: Option<String>,
    pub note: Option<String>,
    pub added_by: String,
    pub added_on: chrono::NaiveDate,
    pub removed_on: Option<chrono::NaiveDate>,
}
