super::province_table! {
    "seal_uses" as SealUse,
    pub community_code: String,
    pub used_on: chrono::NaiveDate,
    /// 用途
    pub purpose: String,
    /// 用印文件
    pub document: String,
    /// 审批人
    pub approver: String,
    pub recorded_by: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}
