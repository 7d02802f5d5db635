super::province_table! {
    "deliberation_topics" as DeliberationTopic,
    pub community_code: String,
    pub place_id: Option<Uuid>,
    pub title: String,
    /// Who raised it (a resident's or a worker's name).
    pub raised_by: String,
    pub raised_on: chrono::NaiveDate,
    /// The meeting that discussed it (`None`: waiting).
    pub meeting_id: Option<Uuid>,
    pub created_by: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}
