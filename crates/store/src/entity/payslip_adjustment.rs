super::province_table! {
    "payslip_adjustments" as PayslipAdjustment,
    pub run_id: Uuid,
    pub worker_id: Uuid,
    pub region_code: String,
    pub month: String,
    pub amount_fen: i64,
    pub reason: String,
    pub created_by: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}
