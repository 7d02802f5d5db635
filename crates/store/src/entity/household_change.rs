super::province_table! {
    "household_changes" as HouseholdChange,
    pub household_id: Uuid,
    /// 地址, 户主, 联系电话, 家庭人口, 关爱标签, 负责社工, 联户长, 登记.
    pub field: String,
    pub before: String,
    pub after: String,
    pub changed_by: String,
    pub changed_at: chrono::DateTime<chrono::Utc>,
}
