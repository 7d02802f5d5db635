super::province_table! {
    "households" as Household,
    pub community_code: String,
    pub grid_code: String,
    /// 楼栋, 单元, 门牌: the household's address on its grid (unique there).
    pub building: String,
    pub unit: String,
    pub room: String,
    /// 户主 (personal data: masked outside the responsible community and above).
    pub head_name: String,
    pub phone: Option<String>,
    pub members: i32,
    /// Care tags of the policy, `、`-joined (独居老人、低保).
    pub tags: String,
    /// The worker responsible.
    pub worker_id: Option<Uuid>,
    /// The 联户长's name.
    pub liaison: Option<String>,
    pub registered_on: chrono::NaiveDate,
    /// The last day a visit reached the household (kept by the visits, for care and coverage).
    pub last_visit_on: Option<chrono::NaiveDate>,
    pub version: i32,
    pub created_by: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}
