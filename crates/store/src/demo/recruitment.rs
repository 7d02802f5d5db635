//! The demo county's recruitment: one round finished (see [`super::hiring`]) and one published and
//! open for applications, its posts in communities whose norm leaves room, drawn up by the county and
//! approved by its reviewer.

use crate::Db;
use crate::access::Access;
use crate::error::Result;
use crate::recruitment::rounds::{self, JobPostInput, JobRoundInput};
use chrono::{Datelike, Duration, NaiveDate};

/// Opens the round; returns how many posts it has.
pub(super) async fn load(db: &Db, county: &str, today: NaiveDate, clerk: &str) -> Result<usize> {
    let names = crate::regions::names(&db.conn, vec![county.to_string()]).await?;
    let county_name = names.get(county).cloned().unwrap_or_default();
    let username = clerk;
    super::hiring::finished(db, county, today, username).await?;
    let clerk = Access::admin(county, clerk);
    let reviewer = Access::admin(county, "reviewer");
    let input = JobRoundInput {
        title: format!("{}年{county_name}社区专职工作者统一招聘", today.year()),
        reference_date: NaiveDate::from_ymd_opt(today.year(), 12, 31).unwrap_or(today).to_string(),
        apply_from: (today - Duration::days(10)).to_string(),
        apply_to: (today + Duration::days(20)).to_string(),
        notes: Some(format!(
            "按照统一笔试、面试、体检、考察、公示的程序进行。\n咨询电话：{county_name}民政局 0573-87000000（示例）"
        )),
        ..Default::default()
    };
    let r = rounds::create(db, &clerk, &input, today).await?;
    let communities = crate::regions::communities_under(&db.conn, county).await?;
    let mut posts = 0;
    for c in communities.iter().step_by(7) {
        let Some(room) = rounds::room(db, &c.code, today).await?.filter(|n| *n > 0) else { continue };
        let post = JobPostInput {
            community: c.code.clone(),
            title: "社区专职工作者".into(),
            places: Some(room.min(2)),
            majors: if posts % 2 == 0 { Some("社会工作、社会学".into()) } else { None },
            dedicated: posts % 3 == 0,
            ..Default::default()
        };
        rounds::add_post(db, &clerk, r.id, &post).await?;
        posts += 1;
        if posts == 5 {
            break;
        }
    }
    if posts > 0 {
        rounds::approve(db, &reviewer, r.id, None).await?;
        rounds::publish(db, &clerk, r.id).await?;
        super::hiring::open(db, county, r.id, today, username).await?;
    }
    Ok(posts)
}
