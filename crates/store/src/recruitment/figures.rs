//! The figures of recruitment that leaders ask for: per round and per year, how many applied for
//! each place, how many passed each step, who was hired by education and certificate, and the
//! seeds' sentence ("共发布招聘岗位52个、招聘60人，吸引1200人报名").

use super::exams::standings_of;
use super::reads::upheld;
use super::rounds::{Round, get as get_round};
use crate::Db;
use crate::access::Access;
use crate::entity::{application as app, recruitment_round as round};
use crate::error::Result;
use chrono::Datelike;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use shegong_domain::codes::EDUCATION;
use shegong_domain::hiring::{Applied, RecruitmentFigures, figures};
use shegong_domain::worker::CertificateLevel;
use std::collections::HashSet;
use uuid::Uuid;

/// What the figures read of a round's applications.
async fn applied(db: &Db, r: &Round) -> Result<Vec<Applied>> {
    let apps = app::Entity::find()
        .filter(app::Column::ProvinceCode.eq(&r.round.province_code))
        .filter(app::Column::RoundId.eq(r.round.id))
        .all(&db.conn)
        .await?;
    let policy = super::policy_for(db, &r.round.county_code, r.round.reference_date).await?;
    let out = upheld(&db.conn, &r.round).await?;
    let invited: HashSet<Uuid> = standings_of(&policy, r, &apps, r.round.pass_line, &out)
        .into_iter()
        .flat_map(|p| p.rows)
        .filter(|s| s.invited)
        .map(|s| s.id)
        .collect();
    Ok(apps
        .iter()
        .map(|a| Applied {
            status: a.status.clone(),
            ticketed: a.ticket.is_some(),
            // 缺考 is recorded (as a negative score) but is no sitting.
            sat: a.written.is_some_and(|w| w >= 0),
            invited: invited.contains(&a.id),
            interviewed: a.interview.is_some_and(|i| i >= 0),
            education: EDUCATION.name(&a.education_code).unwrap_or("其他").to_string(),
            certificate: a
                .certificate
                .as_deref()
                .and_then(|c| CertificateLevel::parse(c).ok())
                .map_or("未持证".to_string(), |c| c.label().to_string()),
        })
        .collect())
}

fn places(r: &Round) -> u64 {
    r.posts.iter().map(|p| u64::try_from(p.places).unwrap_or(0)).sum()
}

/// The figures of one round in the caller's reach.
pub async fn of_round(db: &Db, access: &Access, round_id: Uuid) -> Result<(Round, RecruitmentFigures)> {
    let r = get_round(db, access, round_id).await?;
    let apps = applied(db, &r).await?;
    let f = figures(1, r.posts.len() as u64, places(&r), &apps);
    Ok((r, f))
}

/// The figures of the rounds announced in `year` (by their applications' opening) in the caller's
/// region.
pub async fn of_year(db: &Db, access: &Access, year: i32) -> Result<RecruitmentFigures> {
    let rounds: Vec<round::Model> = super::rounds::list(db, access)
        .await?
        .into_iter()
        .filter(|r| r.published_at.is_some() && r.apply_from.year() == year)
        .collect();
    let (mut posts, mut total_places, mut apps) = (0u64, 0u64, Vec::new());
    for r in &rounds {
        let full = get_round(db, access, r.id).await?;
        posts += full.posts.len() as u64;
        total_places += places(&full);
        apps.extend(applied(db, &full).await?);
    }
    Ok(figures(rounds.len() as u64, posts, total_places, &apps))
}
