super::province_table! {
    "disclosure_questions" as DisclosureQuestion,
    pub community_code: String,
    /// The item asked about, if any.
    pub disclosure_id: Option<Uuid>,
    pub question: String,
    pub asked_at: chrono::DateTime<chrono::Utc>,
    pub answer: Option<String>,
    pub answered_by: Option<String>,
    pub answered_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Shown on the public page (set when the community has answered and reviewed it).
    pub shown: bool,
}
