super::province_table! {
    "trainings",
    pub region_code: String,
    pub name: String,
    pub kind: String,
    pub organiser: String,
    pub start_date: Date,
    pub end_date: Date,
    pub hours: i32,
    pub credits: i32,
    pub created_by: String,
    pub created_at: DateTimeUtc,
}
