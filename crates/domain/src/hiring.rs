//! After the exam (招聘的后续环节): admission tickets, who is hired when 体检 or 考察 fails, the 两委
//! term a new worker's service agreement runs for, the barring grounds every applicant declares
//! against, and the seeds' sentence about a round.

use crate::FieldError;
use crate::recruitment::{Candidate, RecruitmentPolicy};
use chrono::{Datelike, NaiveDate};

/// Seats in one examination room (考场).
pub const ROOM_SEATS: u32 = 30;

/// An admission ticket: its number (准考证号), room and seat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    pub number: String,
    pub room: String,
    pub seat: u32,
}

/// The `n`th ticket (from 0) of the county's `batch`th round of `year` (from 1): the county's code,
/// the year's last two digits, the batch in two digits and a five-digit sequence
/// (`330481260100001`), rooms of [`ROOM_SEATS`] in order.
pub fn ticket(county: &str, year: i32, batch: u32, n: u32) -> Ticket {
    Ticket {
        number: format!("{county}{:02}{:02}{:05}", year.rem_euclid(100), batch % 100, n + 1),
        room: format!("第{:02}考场", n / ROOM_SEATS + 1),
        seat: n % ROOM_SEATS + 1,
    }
}

/// A 两委 term (届): five years from 1 March, the terms of 2021, 2026, 2031…
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub label: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

/// The term that holds `on` (a service agreement is signed for the current term: "一届一签").
pub fn term_of(on: NaiveDate) -> Term {
    let march = |y: i32| NaiveDate::from_ymd_opt(y, 3, 1).unwrap_or(NaiveDate::MIN);
    let year = if on < march(on.year()) { on.year() - 1 } else { on.year() };
    let first = year - (year - 2021).rem_euclid(5);
    let start = march(first);
    let end = march(first + 5).pred_opt().unwrap_or(start);
    Term { label: format!("{}—{}届", first, first + 5), start, end }
}

/// Who is to be hired for a post of `places`: the ranking of those interviewed, without those who
/// failed 体检 or 考察 (`out`), the first `places` — so a failure moves the next ranked up.
pub fn selection<K: Ord + Clone>(
    policy: &RecruitmentPolicy,
    candidates: &[Candidate<K>],
    places: u32,
    out: &[K],
) -> Vec<K> {
    let mut c: Vec<Candidate<K>> =
        candidates.iter().filter(|c| c.interview.is_some() && !out.contains(&c.key)).cloned().collect();
    policy.rank(&mut c);
    c.into_iter().take(places as usize).map(|c| c.key).collect()
}

/// Checks that every barring ground was declared not to apply (`declared` holds the grounds the
/// applicant ticked); names those left.
pub fn declarations(grounds: &[String], declared: &[String]) -> Result<(), FieldError> {
    let left: Vec<&str> =
        grounds.iter().filter(|g| !declared.iter().any(|d| d.trim() == g.trim())).map(String::as_str).collect();
    if left.is_empty() {
        return Ok(());
    }
    Err(FieldError::new(
        "declarations_incomplete",
        "declarations",
        format!("请逐项确认本人不存在以下情形：{}；存在其中任一情形的不能报名", left.join("；")),
    ))
}

/// The last day of a publicity (公示) of `days` calendar days from `from`.
pub fn publicity_end(from: NaiveDate, days: u32) -> NaiveDate {
    from + chrono::Duration::days(i64::from(days.max(1)) - 1)
}

/// The sentence the seeds write about a round: "共发布招聘岗位52个、招聘60人，吸引1200人报名".
pub fn round_sentence(posts: u64, places: u64, applicants: u64, hired: u64) -> String {
    let mut s = format!("共发布招聘岗位{posts}个、招聘{places}人，吸引{applicants}人报名");
    if hired > 0 {
        s.push_str(&format!("，聘用{hired}人"));
    }
    s
}

/// What the figures read of one application.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Applied {
    /// `submitted`, `qualified`, `refused`, `hired`.
    pub status: String,
    pub ticketed: bool,
    /// Sat the written exam (a score recorded).
    pub sat: bool,
    /// Called to the interview.
    pub invited: bool,
    /// An interview score recorded.
    pub interviewed: bool,
    /// The education's label (本科, 大专…) and the certificate's (社会工作师…, or 未持证).
    pub education: String,
    pub certificate: String,
}

/// A round's (or a year's) figures: how many at each step, the rates, who was hired.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, utoipa::ToSchema)]
pub struct RecruitmentFigures {
    pub rounds: u64,
    pub posts: u64,
    pub places: u64,
    pub applicants: u64,
    /// 报名人数与招聘人数之比（每个名额的报名人数，保留一位小数）
    pub applicants_per_place: f64,
    pub pending: u64,
    pub qualified: u64,
    pub refused: u64,
    /// 资格审查通过率（%，已审查者中）
    pub review_pass_pct: f64,
    pub ticketed: u64,
    pub sat: u64,
    pub invited: u64,
    pub interviewed: u64,
    pub hired: u64,
    /// 聘用人员按学历
    pub hired_by_education: Vec<(String, u64)>,
    /// 聘用人员按社会工作职业资格
    pub hired_by_certificate: Vec<(String, u64)>,
    /// 如“共发布招聘岗位52个、招聘60人，吸引1200人报名”
    pub sentence: String,
}

fn pct(part: u64, whole: u64) -> f64 {
    if whole == 0 { 0.0 } else { (part as f64 * 1000.0 / whole as f64).round() / 10.0 }
}

fn tally(of: impl Iterator<Item = String>) -> Vec<(String, u64)> {
    let mut m: std::collections::BTreeMap<String, u64> = std::collections::BTreeMap::new();
    for k in of {
        *m.entry(k).or_default() += 1;
    }
    let mut v: Vec<(String, u64)> = m.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

/// The figures of `rounds` rounds with `posts` posts and `places` places, from their applications.
pub fn figures(rounds: u64, posts: u64, places: u64, apps: &[Applied]) -> RecruitmentFigures {
    let count = |f: &dyn Fn(&Applied) -> bool| apps.iter().filter(|a| f(a)).count() as u64;
    let applicants = apps.len() as u64;
    let pending = count(&|a| a.status == "submitted");
    let refused = count(&|a| a.status == "refused");
    let qualified = count(&|a| a.status == "qualified" || a.status == "hired");
    let hired_apps: Vec<&Applied> = apps.iter().filter(|a| a.status == "hired").collect();
    let hired = hired_apps.len() as u64;
    RecruitmentFigures {
        rounds,
        posts,
        places,
        applicants,
        applicants_per_place: if places == 0 { 0.0 } else { (applicants as f64 * 10.0 / places as f64).round() / 10.0 },
        pending,
        qualified,
        refused,
        review_pass_pct: pct(qualified, qualified + refused),
        ticketed: count(&|a| a.ticketed),
        sat: count(&|a| a.sat),
        invited: count(&|a| a.invited),
        interviewed: count(&|a| a.interviewed),
        hired,
        hired_by_education: tally(hired_apps.iter().map(|a| a.education.clone())),
        hired_by_certificate: tally(hired_apps.iter().map(|a| a.certificate.clone())),
        sentence: round_sentence(posts, places, applicants, hired),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recruitment::Group;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn terms_run_five_years_from_march() {
        assert_eq!(
            term_of(d(2026, 11, 30)),
            Term { label: "2026—2031届".into(), start: d(2026, 3, 1), end: d(2031, 2, 28) }
        );
        assert_eq!(term_of(d(2026, 2, 28)).label, "2021—2026届");
        assert_eq!(term_of(d(2019, 6, 1)).label, "2016—2021届");
    }

    #[test]
    fn tickets_number_rooms_and_seats() {
        assert_eq!(
            ticket("330481", 2026, 1, 0),
            Ticket { number: "330481260100001".into(), room: "第01考场".into(), seat: 1 }
        );
        let t = ticket("330481", 2026, 1, 30);
        assert_eq!((t.room.as_str(), t.seat), ("第02考场", 1));
    }

    #[test]
    fn declarations_name_what_is_left() {
        let g = vec!["曾因犯罪受过刑事处罚".to_string(), "曾被开除公职".to_string()];
        assert!(declarations(&g, &g).is_ok());
        let e = declarations(&g, &g[..1]).unwrap_err();
        assert_eq!(e.field, "declarations");
        assert!(e.message.contains("曾被开除公职") && !e.message.contains("刑事处罚"));
    }

    #[test]
    fn a_failure_moves_the_next_up() {
        let p = RecruitmentPolicy::default();
        let c = |k: u32, w: u32, i: Option<u32>| Candidate { key: k, written: w, interview: i, groups: vec![] };
        let all = vec![c(1, 9000, Some(9000)), c(2, 8000, Some(8000)), c(3, 7000, Some(7000)), c(4, 9900, None)];
        assert_eq!(selection(&p, &all, 2, &[]), vec![1, 2]);
        assert_eq!(selection(&p, &all, 2, &[1]), vec![2, 3]);
        assert_eq!(round_sentence(52, 60, 1200, 0), "共发布招聘岗位52个、招聘60人，吸引1200人报名");
    }

    fn candidates() -> impl Strategy<Value = Vec<Candidate<u32>>> {
        proptest::collection::vec((0u32..10_000, proptest::option::of(0u32..10_000), any::<bool>()), 0..40).prop_map(
            |v| {
                v.into_iter()
                    .enumerate()
                    .map(|(k, (w, i, vet))| Candidate {
                        key: k as u32,
                        written: w,
                        interview: i,
                        groups: if vet { vec![Group::Veteran] } else { vec![] },
                    })
                    .collect()
            },
        )
    }

    #[test]
    fn figures_count_each_step() {
        let a = |status: &str, sat: bool, hired_edu: &str| Applied {
            status: status.into(),
            ticketed: status != "submitted" && status != "refused",
            sat,
            invited: sat,
            interviewed: sat,
            education: hired_edu.into(),
            certificate: "未持证".into(),
        };
        let apps = vec![
            a("hired", true, "大学本科"),
            a("qualified", true, "大学专科"),
            a("refused", false, ""),
            a("submitted", false, ""),
        ];
        let f = figures(1, 2, 2, &apps);
        assert_eq!((f.applicants, f.pending, f.qualified, f.refused, f.hired), (4, 1, 2, 1, 1));
        assert_eq!(f.applicants_per_place, 2.0);
        assert_eq!(f.review_pass_pct, 66.7);
        assert_eq!(f.hired_by_education, vec![("大学本科".to_string(), 1)]);
        assert_eq!(f.sentence, "共发布招聘岗位2个、招聘2人，吸引4人报名，聘用1人");
    }

    proptest! {
        #[test]
        fn the_term_holds_the_day(days in 0i64..20_000) {
            let on = d(2000, 1, 1) + chrono::Duration::days(days);
            let t = term_of(on);
            prop_assert!(t.start <= on && on <= t.end);
            prop_assert_eq!(t.start.month(), 3);
            prop_assert_eq!(t.end + chrono::Duration::days(1), d(t.start.year() + 5, 3, 1));
        }

        #[test]
        fn tickets_are_unique(a in 0u32..100_000, b in 0u32..100_000) {
            prop_assume!(a != b);
            prop_assert_ne!(ticket("330481", 2026, 1, a).number, ticket("330481", 2026, 1, b).number);
            prop_assert_ne!(ticket("330481", 2026, 1, a).number, ticket("330481", 2026, 2, a).number);
            let t = ticket("330481", 2026, 1, a);
            prop_assert!((1..=ROOM_SEATS).contains(&t.seat));
        }

        #[test]
        fn selection_is_the_ranking_without_the_failed(c in candidates(), places in 0u32..10, out in proptest::collection::vec(0u32..40, 0..10)) {
            let p = RecruitmentPolicy::default();
            let chosen = selection(&p, &c, places, &out);
            prop_assert!(chosen.len() <= places as usize);
            prop_assert!(chosen.iter().all(|k| !out.contains(k)));
            let mut ranked: Vec<Candidate<u32>> = c.iter().filter(|x| x.interview.is_some() && !out.contains(&x.key)).cloned().collect();
            p.rank(&mut ranked);
            let expect: Vec<u32> = ranked.into_iter().take(places as usize).map(|x| x.key).collect();
            prop_assert_eq!(chosen, expect);
        }
    }
}
