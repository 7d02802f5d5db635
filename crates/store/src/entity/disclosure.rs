super::province_table! {
    "disclosures" as Disclosure,
    pub community_code: String,
    /// `party` 党务, `affairs` 居务, `finance` 财务.
    pub category: String,
    /// `2026-11`, `2026-Q4`, or `event` (published as it happens).
    pub period: String,
    pub title: String,
    pub body: String,
    /// The item this one corrects (published items never change).
    pub corrects_id: Option<Uuid>,
    pub published_on: chrono::NaiveDate,
    /// The publisher's name as it stood then.
    pub published_by: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}
