super::province_table! {
    "reserves",
    pub region_code: String,
    pub name: String,
    pub gender: String,
    pub birth_date: Date,
    pub education: Option<String>,
    pub political_status: String,
    pub current_post: Option<String>,
    pub note: Option<String>,
    pub added_by: String,
    pub added_on: Date,
    pub removed_on: Option<Date>,
}
