//! Work among residents (走访、排查、巡查、谈心): the rules a region sets (`[service]` in its policy
//! file, inherited down the tree), the ISO week a visit counts in, and who is behind. Pure: the
//! store counts, these functions say what was required and by how much someone falls short.

use crate::FieldError;
use chrono::{Datelike, Duration, IsoWeek, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// The kinds of a visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VisitKind {
    /// 走访: a household visited.
    Visit,
    /// 排查: a check for risks and disputes.
    Check,
    /// 巡查: a grid worker's round of the grid.
    Patrol,
    /// 谈心: a talk with a resident.
    Talk,
}

impl VisitKind {
    pub const ALL: [VisitKind; 4] = [Self::Visit, Self::Check, Self::Patrol, Self::Talk];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Visit => "visit",
            Self::Check => "check",
            Self::Patrol => "patrol",
            Self::Talk => "talk",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Visit => "走访",
            Self::Check => "排查",
            Self::Patrol => "巡查",
            Self::Talk => "谈心",
        }
    }

    /// The key or the Chinese name.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::ALL.into_iter().find(|k| k.as_str() == s || k.label() == s)
    }
}

/// A care tag (独居老人…) and how often a household carrying it is visited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CareTag {
    pub tag: String,
    /// A visit at least every this many days (0: the tag asks for no visits of its own).
    pub every_days: u32,
}

/// A service role inside the community (全科 / 走访 / 项目) and the share of workers it should have.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceRole {
    pub role: String,
    /// Percent of the community's workers.
    pub share_pct: u32,
}

/// The rules for work among residents. Every number belongs to the region's policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServicePolicy {
    /// 走访 per worker per week (六盘水 两走访: 2).
    pub visits_per_week: u32,
    /// 排查 per worker per week (六盘水 两排查: 2).
    pub checks_per_week: u32,
    /// 巡查 per grid worker per working day (吉林 两巡: 2; 0: no rule).
    pub patrols_per_day: u32,
    /// Every household of a grid visited within this many days (吉林 月全覆盖: 30; 0: no rule).
    pub coverage_days: u32,
    /// Days among residents per year for a 走访 worker (海宁: 200; 0: no rule).
    pub days_among_residents: u32,
    /// The service role the days among residents are required of (海宁: 走访社工).
    pub among_residents_role: String,
    /// The fewest people on duty at the 综合岗 window on a working day (吉林: 2).
    pub window_min: u32,
    /// The care tags households may carry, with their visit frequency.
    pub care: Vec<CareTag>,
    /// The service roles and their target shares (海宁 30/30/30).
    pub roles: Vec<ServiceRole>,
}

impl Default for ServicePolicy {
    /// 六盘水's weekly 两走访、两排查 and a monthly visit to every care household (weekly for the
    /// most fragile): what applies where a policy file says nothing.
    fn default() -> Self {
        let care = |tag: &str, every_days| CareTag { tag: tag.into(), every_days };
        Self {
            visits_per_week: 2,
            checks_per_week: 2,
            patrols_per_day: 0,
            coverage_days: 0,
            days_among_residents: 0,
            among_residents_role: "走访社工".into(),
            window_min: 2,
            care: vec![
                care("独居老人", 7),
                care("空巢老人", 14),
                care("留守儿童", 14),
                care("残疾人", 30),
                care("低保", 30),
                care("特困", 14),
                care("优抚对象", 30),
                care("重点关注", 7),
            ],
            roles: vec![
                ServiceRole { role: "全科社工".into(), share_pct: 30 },
                ServiceRole { role: "走访社工".into(), share_pct: 30 },
                ServiceRole { role: "项目社工".into(), share_pct: 30 },
            ],
        }
    }
}

impl ServicePolicy {
    /// Checks the numbers are in reason; the message is the policy file's.
    pub fn check(&self) -> Result<(), String> {
        if self.visits_per_week > 50 || self.checks_per_week > 50 {
            return Err("[service] 每周走访、排查次数应在0至50之间".into());
        }
        if self.patrols_per_day > 20 {
            return Err("[service] 每日巡查次数应在0至20之间".into());
        }
        if self.coverage_days > 366 || self.days_among_residents > 366 {
            return Err("[service] 覆盖周期和入户天数应在0至366之间".into());
        }
        if self.window_min > 50 {
            return Err("[service] 窗口最少在岗人数应在0至50之间".into());
        }
        let mut seen = std::collections::HashSet::new();
        for c in &self.care {
            let t = c.tag.trim();
            if t.is_empty() || t.chars().count() > 10 || !seen.insert(t) {
                return Err(format!("[service] 关爱标签“{t}”应为1至10个字且不重复"));
            }
            if c.every_days > 366 {
                return Err(format!("[service] 关爱标签“{t}”的走访周期应在0至366天之间"));
            }
        }
        if self.days_among_residents > 0
            && !self.roles.is_empty()
            && !self.roles.iter().any(|r| r.role == self.among_residents_role)
        {
            return Err(format!("[service] 入户天数要求的岗位“{}”不在服务岗位之列", self.among_residents_role));
        }
        let total: u32 = self.roles.iter().map(|r| r.share_pct).sum();
        if total > 100 {
            return Err(format!("[service] 服务岗位占比合计{total}%，不能超过100%"));
        }
        Ok(())
    }

    /// The visit frequency a household's tags require: the shortest of its tags' (`None`: no tag asks).
    pub fn care_every(&self, tags: &[String]) -> Option<u32> {
        self.care.iter().filter(|c| c.every_days > 0 && tags.contains(&c.tag)).map(|c| c.every_days).min()
    }

    pub fn is_tag(&self, tag: &str) -> bool {
        self.care.iter().any(|c| c.tag == tag)
    }
}

/// A service role's share of a community's workers against the policy's target.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RoleShare {
    pub role: String,
    pub workers: u32,
    pub target_pct: u32,
    /// Workers the target asks for (rounded up), and how many more it needs.
    pub target_workers: u32,
    pub short: u32,
}

/// Each role of the policy with its workers (`held`: role → workers), of `total` in post.
pub fn role_shares(p: &ServicePolicy, held: &std::collections::BTreeMap<String, u32>, total: u32) -> Vec<RoleShare> {
    p.roles
        .iter()
        .map(|r| {
            let workers = held.get(&r.role).copied().unwrap_or(0);
            let target_workers = (total * r.share_pct).div_ceil(100);
            RoleShare {
                role: r.role.clone(),
                workers,
                target_pct: r.share_pct,
                target_workers,
                short: target_workers.saturating_sub(workers),
            }
        })
        .collect()
}

/// People missing at the window on a working day (`0`: enough).
pub fn window_gap(p: &ServicePolicy, on_duty: u32) -> u32 {
    p.window_min.saturating_sub(on_duty)
}

/// A period the compliance view is read over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = VisitPeriod)]
pub struct Period {
    pub from: NaiveDate,
    /// The last day, counted.
    pub to: NaiveDate,
    /// Weeks the weekly rules count in it: the weeks whose Sunday falls in it (a week belongs
    /// to the month and year of its Sunday), and 1 for a week.
    pub weeks: u32,
}

impl Period {
    /// The ISO week `YYYY-Www`.
    pub fn week(w: IsoWeek) -> Self {
        let from = NaiveDate::from_isoywd_opt(w.year(), w.week(), Weekday::Mon).expect("an IsoWeek is a real week");
        Self { from, to: from + Duration::days(6), weeks: 1 }
    }

    pub fn month(year: i32, month: u32) -> Option<Self> {
        let from = NaiveDate::from_ymd_opt(year, month, 1)?;
        let to = from.checked_add_months(chrono::Months::new(1))?.pred_opt()?;
        Some(Self { from, to, weeks: sundays(from, to) })
    }

    pub fn year(year: i32) -> Option<Self> {
        let from = NaiveDate::from_ymd_opt(year, 1, 1)?;
        let to = NaiveDate::from_ymd_opt(year, 12, 31)?;
        Some(Self { from, to, weeks: sundays(from, to) })
    }

    /// The period as far as `today` has come: a month or a year requires only the weeks ended by
    /// today (none for one still to come); a single week keeps its week, being the one in hand.
    pub fn as_of(self, today: NaiveDate) -> Period {
        if self.weeks == 1 && self.days() == 7 {
            return self;
        }
        Period { weeks: sundays(self.from, self.to.min(today)), ..self }
    }

    /// The last day the daily rules count: the period's end, or today if that comes first.
    pub fn counted_to(&self, today: NaiveDate) -> NaiveDate {
        self.to.min(today)
    }

    /// Days in the period.
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    /// How the period is written on a page: "2026年第48周（11月23日至29日）", "2026年11月", "2026年".
    pub fn label(&self) -> String {
        if self.weeks == 1 && self.days() == 7 {
            let w = self.from.iso_week();
            format!(
                "{}年第{}周（{}月{}日至{}月{}日）",
                w.year(),
                w.week(),
                self.from.month(),
                self.from.day(),
                self.to.month(),
                self.to.day()
            )
        } else if self.days() >= 365 {
            format!("{}年", self.from.year())
        } else {
            format!("{}年{}月", self.from.year(), self.from.month())
        }
    }
}

/// Sundays in `from..=to`.
pub fn sundays(from: NaiveDate, to: NaiveDate) -> u32 {
    if to < from {
        return 0;
    }
    let first = from + Duration::days(i64::from((7 - from.weekday().num_days_from_sunday()) % 7));
    if first > to { 0 } else { ((to - first).num_days() / 7 + 1) as u32 }
}

/// Reads `2026-W48` (or `2026W48`, `2026-w48`) as an ISO week; the error names the field.
pub fn parse_week(s: &str) -> Result<IsoWeek, FieldError> {
    let bad = || FieldError::new("visit_week", "week", "周应写成“2026-W48”（年份、W、第几周）");
    let t = s.trim().to_ascii_uppercase();
    let (y, w) = t.split_once('W').ok_or_else(bad)?;
    let y: i32 = y.trim_end_matches('-').parse().map_err(|_| bad())?;
    let w: u32 = w.parse().map_err(|_| bad())?;
    if !(2000..=2100).contains(&y) {
        return Err(bad());
    }
    NaiveDate::from_isoywd_opt(y, w, Weekday::Mon)
        .map(|d| d.iso_week())
        .ok_or_else(|| FieldError::new("visit_week", "week", format!("{y}年没有第{w}周")))
}

/// The period a query asks for: `week=2026-W48`, `month=2026-11` or `year=2026` (the first given),
/// this week when none is.
pub fn period_of(
    week: Option<&str>,
    month: Option<&str>,
    year: Option<&str>,
    today: NaiveDate,
) -> Result<Period, FieldError> {
    let set = |v: Option<&str>| v.map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    if let Some(w) = set(week) {
        return parse_week(&w).map(Period::week);
    }
    if let Some(m) = set(month) {
        let bad = || FieldError::new("visit_month", "month", "月份应写成“2026-11”");
        let (y, mm) = m.split_once('-').ok_or_else(bad)?;
        let (y, mm): (i32, u32) = (y.parse().map_err(|_| bad())?, mm.parse().map_err(|_| bad())?);
        if !(2000..=2100).contains(&y) {
            return Err(bad());
        }
        return Period::month(y, mm).ok_or_else(bad);
    }
    if let Some(y) = set(year) {
        let bad = || FieldError::new("visit_year", "year", "年份应为2000至2100的四位数字");
        let y: i32 = y.parse().map_err(|_| bad())?;
        if !(2000..=2100).contains(&y) {
            return Err(bad());
        }
        return Period::year(y).ok_or_else(bad);
    }
    Ok(Period::week(today.iso_week()))
}

/// `2026-W48`.
pub fn week_text(w: IsoWeek) -> String {
    format!("{}-W{:02}", w.year(), w.week())
}

/// What one worker was required to do in a period and did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = VisitTally)]
pub struct Tally {
    pub visits: u32,
    pub checks: u32,
    pub patrols: u32,
    pub talks: u32,
    /// Days with a 走访 or 排查 (days among residents; required of the policy's 走访 role only).
    pub days: u32,
}

/// One worker's requirement against what they did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Compliance {
    pub required: Tally,
    pub done: Tally,
    /// The shortfall summed over the kinds (what is done beyond a requirement makes up nothing).
    pub behind: u32,
}

/// What a worker's posts add to the rules that apply to everyone.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Posts {
    /// Holds a grid as 网格员 (patrols).
    pub grid_worker: bool,
    /// The days of the period counted so far on which they held the policy's 走访 role.
    pub visiting_days: u32,
}

/// What a worker must do in a period: weekly visits and checks for everyone, patrols on every
/// working day for a grid worker (`working_days` of the period), and for the 走访 role the year's
/// days among residents in proportion to the days they held it (海宁 200 a year: 4 in a week of 7
/// days, 200 in a whole year; a role taken in December owes December's share).
pub fn required(p: &ServicePolicy, period: &Period, posts: Posts, working_days: u32) -> Tally {
    Tally {
        visits: p.visits_per_week * period.weeks,
        checks: p.checks_per_week * period.weeks,
        patrols: if posts.grid_worker { p.patrols_per_day * working_days } else { 0 },
        talks: 0,
        days: days_required(p.days_among_residents, posts.visiting_days, period.from.year()),
    }
}

/// The share of a year's `per_year` days among residents that `counted_days` of `year` require,
/// rounded half up (海宁's 200: 4 in a week, so that a worker keeping every week keeps the year).
pub fn days_required(per_year: u32, counted_days: u32, year: i32) -> u32 {
    let in_year: u64 = if NaiveDate::from_ymd_opt(year, 2, 29).is_some() { 366 } else { 365 };
    let share = u64::from(per_year) * u64::from(counted_days).min(in_year);
    ((share * 2 + in_year) / (2 * in_year)) as u32
}

/// The requirement against what was done.
pub fn compliance(required: Tally, done: Tally) -> Compliance {
    let short = |r: u32, d: u32| r.saturating_sub(d);
    Compliance {
        required,
        done,
        behind: short(required.visits, done.visits)
            + short(required.checks, done.checks)
            + short(required.patrols, done.patrols)
            + short(required.days, done.days),
    }
}

/// When a care household is next due a visit, and whether it is overdue on `today`: `every` days
/// after its last visit, or after it was registered if it has had none.
pub fn care_due(every: u32, last_visit: Option<NaiveDate>, registered: NaiveDate) -> NaiveDate {
    last_visit.unwrap_or(registered) + Duration::days(i64::from(every))
}

pub fn overdue(due: NaiveDate, today: NaiveDate) -> bool {
    today > due
}

/// Whether a grid's household counts as covered on `to`: visited within the rule's days.
pub fn covered(rule_days: u32, last_visit: Option<NaiveDate>, to: NaiveDate) -> bool {
    rule_days > 0 && last_visit.is_some_and(|d| d <= to && (to - d).num_days() < i64::from(rule_days))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn weeks_parse_and_print() {
        let w = parse_week("2026-W48").unwrap();
        assert_eq!(week_text(w), "2026-W48");
        let p = Period::week(w);
        assert_eq!((p.from, p.to), (d("2026-11-23"), d("2026-11-29")));
        assert_eq!(p.label(), "2026年第48周（11月23日至11月29日）");
        assert_eq!(week_text(parse_week("2026w5").unwrap()), "2026-W05");
        assert_eq!(parse_week("2026-W54").unwrap_err().field, "week");
        assert!(parse_week("W48").is_err());
        assert!(parse_week("2026-48").is_err());
        // 2020 had 53 ISO weeks, 2021 52.
        assert!(parse_week("2020-W53").is_ok());
        assert!(parse_week("2021-W53").is_err());
    }

    #[test]
    fn a_query_names_its_period() {
        let today = d("2026-11-30");
        assert_eq!(period_of(None, None, None, today).unwrap().from, d("2026-11-30"));
        assert_eq!(period_of(None, Some("2026-02"), None, today).unwrap().to, d("2026-02-28"));
        assert_eq!(period_of(None, None, Some("2025"), today).unwrap().weeks, 52);
        assert_eq!(period_of(None, Some("2026-13"), None, today).unwrap_err().field, "month");
        assert_eq!(period_of(None, None, Some("99"), today).unwrap_err().field, "year");
        assert_eq!(period_of(Some("x"), None, None, today).unwrap_err().field, "week");
    }

    #[test]
    fn months_and_years_count_weeks_by_their_sunday() {
        // November 2026: Sundays 1, 8, 15, 22, 29.
        assert_eq!(Period::month(2026, 11).unwrap().weeks, 5);
        assert_eq!(Period::month(2026, 2).unwrap().weeks, 4);
        assert_eq!(Period::year(2026).unwrap().weeks, 52);
        assert_eq!(Period::year(2026).unwrap().label(), "2026年");
        assert_eq!(Period::month(2026, 11).unwrap().label(), "2026年11月");
    }

    #[test]
    fn a_period_in_hand_requires_only_what_has_come() {
        let today = d("2026-11-30");
        let nov = Period::month(2026, 11).unwrap();
        assert_eq!(nov.as_of(today).weeks, 5, "every Sunday of November is past on the 30th");
        assert_eq!(Period::month(2026, 12).unwrap().as_of(today).weeks, 0);
        assert_eq!(Period::year(2026).unwrap().as_of(today).weeks, 48);
        let week = Period::week(today.iso_week());
        assert_eq!(week.as_of(today).weeks, 1);
        assert_eq!(week.counted_to(today), today);
    }

    #[test]
    fn haining_thirds_and_jilin_window() {
        let p = ServicePolicy::default();
        let held: std::collections::BTreeMap<String, u32> =
            [("全科社工".to_string(), 4), ("走访社工".to_string(), 2)].into_iter().collect();
        let shares = role_shares(&p, &held, 12);
        assert_eq!(
            shares.iter().map(|r| (r.workers, r.target_workers, r.short)).collect::<Vec<_>>(),
            vec![(4, 4, 0), (2, 4, 2), (0, 4, 4)]
        );
        assert_eq!(window_gap(&p, 1), 1);
        assert_eq!(window_gap(&p, 3), 0);
    }

    #[test]
    fn liupanshui_two_and_two_and_jilin_two_patrols() {
        let p = ServicePolicy { patrols_per_day: 2, ..Default::default() };
        let week = Period::week(parse_week("2026-W48").unwrap());
        let r = required(&p, &week, Posts { grid_worker: true, visiting_days: 0 }, 5);
        assert_eq!((r.visits, r.checks, r.patrols), (2, 2, 10));
        let c = compliance(r, Tally { visits: 3, checks: 1, patrols: 7, talks: 4, days: 0 });
        // One check and three patrols short; the extra visit makes up nothing.
        assert_eq!(c.behind, 4);
        assert_eq!(required(&p, &week, Posts::default(), 5).patrols, 0);
        // 海宁: 200 days a year among residents for 走访社工, in proportion to the days counted.
        let hn = ServicePolicy { days_among_residents: 200, ..ServicePolicy::default() };
        let visiting = |days| Posts { grid_worker: false, visiting_days: days };
        assert_eq!(required(&hn, &week, visiting(7), 5).days, 4);
        assert_eq!(required(&hn, &week, Posts::default(), 5).days, 0);
        let year = Period::year(2026).unwrap();
        assert_eq!(required(&hn, &year, visiting(365), 250).days, 200);
        assert_eq!(required(&hn, &year, visiting(31), 250).days, 17, "a role held for December owes December's share");
        assert_eq!(days_required(200, 366, 2028), 200);
        assert_eq!(days_required(200, 183, 2028), 100);
        let c = compliance(Tally { days: 3, ..Tally::default() }, Tally { days: 1, ..Tally::default() });
        assert_eq!(c.behind, 2);
    }

    #[test]
    fn care_tags_ask_the_shortest_frequency() {
        let p = ServicePolicy::default();
        assert_eq!(p.care_every(&["低保".into(), "独居老人".into()]), Some(7));
        assert_eq!(p.care_every(&["低保".into()]), Some(30));
        assert_eq!(p.care_every(&[]), None);
        let due = care_due(7, Some(d("2026-11-20")), d("2026-01-01"));
        assert_eq!(due, d("2026-11-27"));
        assert!(!overdue(due, d("2026-11-27")));
        assert!(overdue(due, d("2026-11-28")));
        assert_eq!(care_due(7, None, d("2026-11-25")), d("2026-12-02"));
    }

    #[test]
    fn coverage_counts_visits_inside_the_window() {
        assert!(covered(30, Some(d("2026-11-01")), d("2026-11-30")));
        assert!(!covered(30, Some(d("2026-10-31")), d("2026-11-30")));
        assert!(!covered(30, None, d("2026-11-30")));
        assert!(!covered(0, Some(d("2026-11-30")), d("2026-11-30")));
    }

    #[test]
    fn the_default_policy_checks_and_a_bad_one_is_refused() {
        assert!(ServicePolicy::default().check().is_ok());
        let mut p = ServicePolicy::default();
        p.roles.push(ServiceRole { role: "其他".into(), share_pct: 20 });
        assert!(p.check().unwrap_err().contains("100%"));
        let mut p = ServicePolicy::default();
        p.care.push(CareTag { tag: "低保".into(), every_days: 10 });
        assert!(p.check().is_err());
    }

    proptest! {
        /// The days required grow with the days counted, never past the year's number, which the
        /// whole year requires.
        #[test]
        fn days_required_are_a_share_of_the_year(per in 0u32..=366, a in 0u32..400, b in 0u32..400, year in 2000i32..2100) {
            let (lo, hi) = (a.min(b), a.max(b));
            prop_assert!(days_required(per, lo, year) <= days_required(per, hi, year));
            prop_assert!(days_required(per, hi, year) <= per);
            prop_assert_eq!(days_required(per, 366, year), per);
        }

        #[test]
        fn behind_is_zero_exactly_when_every_requirement_is_met(
            rv in 0u32..20, rc in 0u32..20, rp in 0u32..40, dv in 0u32..20, dc in 0u32..20, dp in 0u32..40
        ) {
            let r = Tally { visits: rv, checks: rc, patrols: rp, talks: 0, days: 0 };
            let c = compliance(r, Tally { visits: dv, checks: dc, patrols: dp, talks: 0, days: 0 });
            prop_assert_eq!(c.behind == 0, dv >= rv && dc >= rc && dp >= rp);
            prop_assert!(c.behind <= rv + rc + rp);
        }

        #[test]
        fn a_year_s_weeks_are_its_months_weeks(year in 2000i32..2100) {
            let months: u32 = (1..=12).map(|m| Period::month(year, m).unwrap().weeks).sum();
            prop_assert_eq!(months, Period::year(year).unwrap().weeks);
        }

        #[test]
        fn every_day_is_in_the_week_parse_week_gives(days in 0i64..36_000) {
            let day = d("2000-01-03") + Duration::days(days);
            let w = parse_week(&week_text(day.iso_week())).unwrap();
            let p = Period::week(w);
            prop_assert!(p.from <= day && day <= p.to);
        }
    }
}
