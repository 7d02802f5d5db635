super::province_table! {
    "deliberation_meetings" as DeliberationMeeting,
    pub community_code: String,
    pub place_id: Uuid,
    pub held_on: chrono::NaiveDate,
    pub attendees: i32,
    /// What the meeting decided.
    pub decision: String,
    pub recorded_by: String,
    pub recorded_at: chrono::DateTime<chrono::Utc>,
}
