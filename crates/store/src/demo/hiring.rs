//! The demo county's recruitment beyond the plan: one round run to the end months ago (its hired in
//! the archive, the round closed) and applications in the open round — one of them the demo
//! applicant's, whose account the README gives.

use crate::Db;
use crate::access::Access;
use crate::error::Result;
use crate::recruitment::applicants::{self, Applicant, RegisterInput};
use crate::recruitment::applications::{self, ApplicationInput};
use crate::recruitment::exams::{self, Exam, ScoreRow};
use crate::recruitment::review::{self, ReviewInput};
use crate::recruitment::rounds::{self, JobPostInput, JobRoundInput};
use crate::recruitment::steps::{self, Check, CheckInput, HireInput};
use chrono::{Datelike, Duration, NaiveDate};
use uuid::Uuid;

/// The demo applicant: ID number (born 1996-03-15) and password.
pub const DEMO_APPLICANT_ID: &str = "330481199603150049";
pub const DEMO_APPLICANT_PASSWORD: &str = "baoming-2026";

/// Even places women, odd places men: the ID numbers made for them say the same (`id_number`).
const NAMES: [&str; 14] = [
    "黄诗琪",
    "陈思远",
    "杨佳怡",
    "刘浩然",
    "张雨桐",
    "赵明轩",
    "吴欣悦",
    "周宇航",
    "孙梦瑶",
    "徐晨阳",
    "朱雅琳",
    "马俊杰",
    "李子涵",
    "林宇辰",
];

/// A valid ID number of the county, born in `year`, with sequence `n` (none already registered).
fn id_number(year: i32, n: u32) -> String {
    let first = format!("330481{year}0{}{:02}{:03}", 1 + n % 9, 10 + n % 18, 500 + n);
    let c = shegong_domain::id_number::check_char(first.as_bytes());
    format!("{first}{c}")
}

async fn register(db: &Db, round: Uuid, name: &str, id: &str, n: u32, on: NaiveDate) -> Result<Applicant> {
    let input = RegisterInput {
        round: round.to_string(),
        name: name.into(),
        id_number: id.into(),
        phone: format!("1385730{:04}", 1000 + n),
        password: DEMO_APPLICANT_PASSWORD.into(),
    };
    applicants::register(db, &input, on).await
}

fn application(post: Uuid, n: u32, grounds: &[String]) -> ApplicationInput {
    let schools = ["浙江工业大学", "浙江师范大学", "嘉兴学院", "杭州师范大学"];
    let majors = ["社会工作", "社会学", "汉语言文学", "公共事业管理"];
    ApplicationInput {
        post: post.to_string(),
        education: if n % 4 == 3 { "31" } else { "21" }.into(),
        school: schools[n as usize % 4].into(),
        major: majors[n as usize % 2].into(),
        graduated_on: Some(format!("{}-06-30", 2016 + n % 6)),
        certificate: match n % 3 {
            0 => Some("intermediate".into()),
            1 => Some("junior".into()),
            _ => None,
        },
        work_history: format!("{}年起在海宁市某企业从事行政工作", 2016 + n % 6),
        veteran: n % 7 == 5,
        current_worker: false,
        declarations: grounds.to_vec(),
    }
}

/// Posts in communities whose norm leaves room on `on`, up to `want`, one place each.
async fn posts_for(
    db: &Db,
    clerk: &Access,
    round: Uuid,
    county: &str,
    on: NaiveDate,
    skip: usize,
    want: usize,
) -> Result<Vec<Uuid>> {
    let communities = crate::regions::communities_under(&db.conn, county).await?;
    let mut out = Vec::new();
    for c in communities.iter().skip(skip) {
        if rounds::room(db, &c.code, on).await?.is_none_or(|n| n < 1) {
            continue;
        }
        let post = JobPostInput {
            community: c.code.clone(),
            title: "社区专职工作者".into(),
            places: Some(1),
            majors: Some("社会工作、社会学".into()),
            ..Default::default()
        };
        out.push(rounds::add_post(db, clerk, round, &post).await?.id);
        if out.len() == want {
            break;
        }
    }
    Ok(out)
}

/// The round run to the end: applied, reviewed, examined, checked, shown and hired, then closed.
/// Returns how many were hired.
pub(super) async fn finished(db: &Db, county: &str, today: NaiveDate, clerk: &str) -> Result<usize> {
    let (clerk, reviewer) = (Access::admin(county, clerk), Access::admin(county, "reviewer"));
    let start = today - Duration::days(240);
    let input = JobRoundInput {
        title: format!("{}年海宁市社区专职工作者统一招聘（第一批）", start.year()),
        reference_date: (start + Duration::days(30)).to_string(),
        apply_from: start.to_string(),
        apply_to: (start + Duration::days(14)).to_string(),
        notes: Some("按照统一笔试、面试、体检、考察、公示的程序进行。".into()),
        ..Default::default()
    };
    let r = rounds::create(db, &clerk, &input, start).await?;
    let posts = posts_for(db, &clerk, r.id, county, start, 1, 2).await?;
    if posts.is_empty() {
        rounds::close(db, &clerk, r.id).await?;
        return Ok(0);
    }
    rounds::approve(db, &reviewer, r.id, None).await?;
    rounds::publish(db, &clerk, r.id).await?;
    let grounds = crate::recruitment::policy_for(db, county, start + Duration::days(30)).await?.barring_grounds.clone();
    let mut ids = Vec::new();
    for (n, name) in NAMES.iter().take(8).enumerate() {
        let n = n as u32;
        let who = register(db, r.id, name, &id_number(1994 + (n % 5) as i32, n), n, start + Duration::days(3)).await?;
        let post = posts[n as usize % posts.len()];
        ids.push(
            applications::submit(db, &who, r.id, &application(post, n, &grounds), start + Duration::days(3)).await?.id,
        );
    }
    for (k, id) in ids.iter().enumerate() {
        let i = if k == 7 {
            ReviewInput {
                qualified: Some(false),
                reason: Some("所学专业不符合岗位要求，学历证书显示为其他专业".into()),
                seen: None,
            }
        } else {
            ReviewInput { qualified: Some(true), reason: None, seen: None }
        };
        review::review(db, &clerk, r.id, *id, &i).await?;
    }
    exams::issue_tickets(db, &clerk, r.id, start + Duration::days(15)).await?;
    let scores = ["86.5", "78", "91", "69.5", "82", "74", "缺考"];
    let interviews = ["88", "84.5", "79", "90", "86", "81"];
    let mut tickets = Vec::new();
    for id in &ids {
        tickets.push(review::get(db, &clerk, r.id, *id).await?.1.ticket);
    }
    let rows: Vec<ScoreRow> = tickets
        .iter()
        .zip(scores)
        .filter_map(|(t, s)| Some(ScoreRow { ticket: t.clone()?, score: s.to_string() }))
        .collect();
    exams::record_scores(db, &clerk, r.id, Exam::Written, &rows).await?;
    exams::set_pass_line(db, &clerk, r.id, "60").await?;
    let (_, standing) = exams::standings(db, &clerk, r.id).await?;
    let invited: Vec<Uuid> = standing.iter().flat_map(|p| p.rows.iter()).filter(|x| x.invited).map(|x| x.id).collect();
    let rows: Vec<ScoreRow> = ids
        .iter()
        .zip(&tickets)
        .zip(interviews)
        .filter(|((id, _), _)| invited.contains(id))
        .filter_map(|((_, t), s)| Some(ScoreRow { ticket: t.clone()?, score: s.to_string() }))
        .collect();
    exams::record_scores(db, &clerk, r.id, Exam::Interview, &rows).await?;
    let (_, standing) = exams::standings(db, &clerk, r.id).await?;
    let chosen: Vec<Uuid> = standing.iter().flat_map(|p| p.rows.iter()).filter(|x| x.selected).map(|x| x.id).collect();
    for id in &chosen {
        for check in [Check::Medical, Check::Vetting] {
            let i = CheckInput { check: Some(check), passed: Some(true), reason: None };
            steps::record_check(db, &clerk, r.id, *id, &i).await?;
        }
    }
    let shown = start + Duration::days(40);
    steps::start_publicity(db, &clerk, r.id, &shown.to_string(), shown).await?;
    let hired_on = start + Duration::days(50);
    for id in &chosen {
        steps::hire(db, &clerk, r.id, *id, &HireInput { start_date: Some(hired_on.to_string()) }, hired_on).await?;
    }
    rounds::close(db, &clerk, r.id).await?;
    Ok(chosen.len())
}

/// Applications in the open round `round`: the demo applicant's waiting for review, a few reviewed.
pub(super) async fn open(db: &Db, county: &str, round: Uuid, today: NaiveDate, clerk: &str) -> Result<()> {
    let clerk = Access::admin(county, clerk);
    let r = rounds::get(db, &clerk, round).await?;
    let Some(first) = r.posts.first().map(|p| p.id) else { return Ok(()) };
    let grounds = crate::recruitment::policy_for(db, county, r.round.reference_date).await?.barring_grounds.clone();
    let me = register(db, round, "王小燕", DEMO_APPLICANT_ID, 99, today).await?;
    applications::submit(db, &me, round, &application(first, 0, &grounds), today).await?;
    for (k, name) in NAMES.iter().skip(8).enumerate() {
        let n = 20 + k as u32;
        let who = register(db, round, name, &id_number(1995 + (k % 4) as i32, n), n, today).await?;
        let post = r.posts[k % r.posts.len()].id;
        let a = applications::submit(db, &who, round, &application(post, n, &grounds), today).await;
        // A post asking for a major some do not have refuses them: they are simply not in the demo.
        let Ok(a) = a else { continue };
        if k < 3 {
            review::review(db, &clerk, round, a.id, &ReviewInput { qualified: Some(true), reason: None, seen: None })
                .await?;
        }
    }
    Ok(())
}
