super::province_table! {
    "deliberation_items" as DeliberationItem,
    pub community_code: String,
    pub meeting_id: Uuid,
    /// What is to be done.
    pub what: String,
    /// Who is responsible.
    pub owner: String,
    pub due_on: chrono::NaiveDate,
    pub done_on: Option<chrono::NaiveDate>,
    pub result: Option<String>,
    pub closed_by: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}
