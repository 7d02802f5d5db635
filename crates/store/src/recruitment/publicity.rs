//! The publicity (公示) of those to be hired, as the public page shows it once it has begun: names
//! and what a publicity shows of them, nothing more.

use super::public::announcement;
use crate::Db;
use crate::error::Result;
use uuid::Uuid;

/// One person in a round's publicity (公示): what the public page shows of them.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PublicityRow {
    pub name: String,
    /// 男 / 女
    pub gender: String,
    /// 学历名称
    pub education: String,
    pub ticket: String,
    pub post_id: Uuid,
    /// 总成绩，万分之一分为单位
    pub total: Option<u64>,
    pub hired: bool,
}

/// Those shown in an announced round's publicity, once it has begun (`today` or before); empty
/// otherwise. Nothing but what a publicity shows: no ID number, phone or address.
pub async fn publicity(db: &Db, id: Uuid, today: chrono::NaiveDate) -> Result<Vec<PublicityRow>> {
    let r = announcement(db, id).await?;
    if r.round.publicity_from.is_none_or(|f| f > today) {
        return Ok(vec![]);
    }
    let policy = super::policy_for(db, &r.round.county_code, r.round.reference_date).await?;
    let (apps, out) = super::reads::ticketed(&db.conn, &r.round).await?;
    let shown = super::exams::standings_of(&policy, &r, &apps, r.round.pass_line, &out);
    let by_id: std::collections::HashMap<Uuid, &crate::entity::application::Model> =
        apps.iter().map(|a| (a.id, a)).collect();
    Ok(shown
        .into_iter()
        .flat_map(|p| p.rows.into_iter().map(move |s| (p.post_id, s)))
        .filter(|(_, s)| s.selected)
        .filter_map(|(post_id, s)| {
            let a = by_id.get(&s.id)?;
            Some(PublicityRow {
                name: s.name.clone(),
                gender: if a.gender == "male" { "男" } else { "女" }.into(),
                education: shegong_domain::codes::EDUCATION.name(&a.education_code).unwrap_or("").to_string(),
                ticket: s.ticket.clone(),
                post_id,
                total: s.total,
                hired: s.hired,
            })
        })
        .collect())
}
