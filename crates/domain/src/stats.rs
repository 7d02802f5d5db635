//! The figures leaders ask for (统计分析), as of any date.
//!
//! A worker's history is cut into *spells*: stretches of days in which every attribute the figures
//! count by (community, post category, full-time, education bracket, certificate level) stays the
//! same. The figures for a day count the spells that cover that day, so they come from the history,
//! not from today's state. Age and years of service depend on the day itself and are banded at query
//! time from the birth date and the first day of service.
//!
//! Everything that is a count adds up: a region's [`Counts`] are the sum of its children's.

use crate::codes::{EducationBracket, education_bracket, education_rank};
use crate::worker::{CertificateLevel, years_between};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// One appointment as the history holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppointmentSpan {
    pub region_code: String,
    pub post_category: String,
    pub full_time: bool,
    pub two_committees: bool,
    pub start: NaiveDate,
    /// First day no longer in the post (exclusive); `None` while it lasts.
    pub end: Option<NaiveDate>,
}

/// A stretch of days `[from, to)` with constant counted attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spell {
    pub region_code: String,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
    pub post_category: String,
    pub full_time: bool,
    pub two_committees: bool,
    pub education: Option<EducationBracket>,
    pub certificate: Option<CertificateLevel>,
}

impl Spell {
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.from <= day && self.to.is_none_or(|t| day < t)
    }
}

/// Highest education held on `day`: a record without a graduation date counts from the start.
pub fn education_on(educations: &[(String, Option<NaiveDate>)], day: NaiveDate) -> Option<EducationBracket> {
    educations
        .iter()
        .filter(|(_, d)| d.is_none_or(|d| d <= day))
        .min_by_key(|(c, _)| education_rank(c))
        .map(|(c, _)| education_bracket(c))
}

/// Highest social-work certificate held on `day`; one without an issue date counts from the start.
pub fn certificate_on(
    certificates: &[(CertificateLevel, Option<NaiveDate>)],
    day: NaiveDate,
) -> Option<CertificateLevel> {
    certificates.iter().filter(|(_, d)| d.is_none_or(|d| d <= day)).map(|(l, _)| *l).max()
}

/// Cuts a worker's history into spells. Appointments are taken in order of their start; a newer
/// appointment supersedes an older one still open, so nobody is counted twice on any day.
pub fn spells(
    appointments: &[AppointmentSpan],
    educations: &[(String, Option<NaiveDate>)],
    certificates: &[(CertificateLevel, Option<NaiveDate>)],
) -> Vec<Spell> {
    let mut appts: Vec<&AppointmentSpan> = appointments.iter().collect();
    appts.sort_by_key(|a| a.start);
    let mut cuts: Vec<NaiveDate> =
        educations.iter().filter_map(|(_, d)| *d).chain(certificates.iter().filter_map(|(_, d)| *d)).collect();
    cuts.sort();
    cuts.dedup();
    let mut out = Vec::new();
    for (i, a) in appts.iter().enumerate() {
        let next_start = appts.get(i + 1).map(|n| n.start);
        let end = match (a.end, next_start) {
            (Some(e), Some(n)) => Some(e.min(n)),
            (e, n) => e.or(n),
        };
        if end.is_some_and(|e| e <= a.start) {
            continue;
        }
        let mut from = a.start;
        let inner = cuts.iter().copied().filter(|&c| c > a.start && end.is_none_or(|e| c < e));
        for to in inner.map(Some).chain(std::iter::once(end)) {
            out.push(Spell {
                region_code: a.region_code.clone(),
                from,
                to,
                post_category: a.post_category.clone(),
                full_time: a.full_time,
                two_committees: a.two_committees,
                education: education_on(educations, from),
                certificate: certificate_on(certificates, from),
            });
            if let Some(t) = to {
                from = t;
            }
        }
    }
    // Neighbours that count the same are one spell.
    let mut merged: Vec<Spell> = Vec::with_capacity(out.len());
    for s in out {
        if let Some(last) = merged.last_mut()
            && last.to == Some(s.from)
            && same_counts(last, &s)
        {
            last.to = s.to;
            continue;
        }
        merged.push(s);
    }
    merged
}

fn same_counts(a: &Spell, b: &Spell) -> bool {
    a.region_code == b.region_code
        && a.post_category == b.post_category
        && a.full_time == b.full_time
        && a.two_committees == b.two_committees
        && a.education == b.education
        && a.certificate == b.certificate
}

/// Education brackets in the order figures show them, then "not recorded".
pub const EDUCATION_ORDER: [EducationBracket; 4] = [
    EducationBracket::Postgraduate,
    EducationBracket::Bachelor,
    EducationBracket::College,
    EducationBracket::HighSchoolOrBelow,
];

/// Stored code of an education bracket (1–4), 0 when no education is recorded.
pub fn education_code(b: Option<EducationBracket>) -> i16 {
    b.map_or(0, |b| EDUCATION_ORDER.iter().position(|x| *x == b).map_or(0, |i| i as i16 + 1))
}

/// Stored code of a certificate level: 0 none, 1 junior, 2 intermediate, 3 senior.
pub fn certificate_code(l: Option<CertificateLevel>) -> i16 {
    l.map_or(0, |l| CertificateLevel::ALL.iter().position(|x| *x == l).map_or(0, |i| i as i16 + 1))
}

/// Political status groups figures are given in (GB/T 4762 codes).
pub const POLITICAL_GROUPS: [&str; 5] = ["中共党员", "共青团员", "民主党派", "无党派人士", "群众"];

/// Group (1–5) of a GB/T 4762 political status code; unknown codes count as 群众.
pub fn political_group(code: &str) -> i16 {
    match code {
        "01" | "02" => 1,
        "03" => 2,
        "04" | "05" | "06" | "07" | "08" | "09" | "10" | "11" => 3,
        "12" => 4,
        _ => 5,
    }
}

/// Lower bounds of the age bands, in whole years.
pub const AGE_BANDS: [(i32, &str); 4] = [(0, "30岁以下"), (30, "30至39岁"), (40, "40至49岁"), (50, "50岁及以上")];
/// Lower bounds of the bands of years of service.
pub const SERVICE_BANDS: [(i32, &str); 4] = [(0, "不满3年"), (3, "3至5年"), (6, "6至10年"), (11, "10年以上")];

/// The latest birth (or service start) date that has reached `years` whole years by `day`:
/// `years_between(d, day) >= years` exactly when `d <= threshold(day, years)`.
pub fn threshold(day: NaiveDate, years: i32) -> NaiveDate {
    let y = day.year() - years;
    NaiveDate::from_ymd_opt(y, day.month(), day.day())
        // 29 February in a year without one: born on 1 March reaches the age on 1 March.
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(y, 2, 28).expect("28 February exists"))
}

/// Band index for a value in whole years.
pub fn band(bands: &[(i32, &str)], years: i32) -> usize {
    bands.iter().rposition(|(lo, _)| years >= *lo).unwrap_or(0)
}

/// Every count the figures are made of. Counts of a region are the sums of its children's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub workers: i64,
    pub full_time: i64,
    pub two_committees: i64,
    /// head, deputy, staff, other.
    pub post: [i64; 4],
    /// 研究生, 本科, 大专, 高中及以下, 未填.
    pub education: [i64; 5],
    /// none, 助理社会工作师, 社会工作师, 高级社会工作师.
    pub certificate: [i64; 4],
    /// male, female.
    pub gender: [i64; 2],
    pub political: [i64; 5],
    pub age: [i64; 4],
    pub service: [i64; 4],
}

pub const POST_KEYS: [&str; 4] = ["head", "deputy", "staff", "other"];
pub const POST_LABELS: [&str; 4] = ["社区正职", "社区副职", "其他工作人员", "其他"];
pub const EDUCATION_LABELS: [&str; 5] = ["研究生", "本科", "大专", "高中及以下", "未填"];
pub const CERTIFICATE_LABELS: [&str; 4] = ["无证书", "助理社会工作师", "社会工作师", "高级社会工作师"];
pub const GENDER_LABELS: [&str; 2] = ["男", "女"];

fn add<const N: usize>(a: &mut [i64; N], b: &[i64; N]) {
    for (x, y) in a.iter_mut().zip(b) {
        *x += y;
    }
}

impl Counts {
    pub fn add(&mut self, o: &Counts) {
        self.workers += o.workers;
        self.full_time += o.full_time;
        self.two_committees += o.two_committees;
        add(&mut self.post, &o.post);
        add(&mut self.education, &o.education);
        add(&mut self.certificate, &o.certificate);
        add(&mut self.gender, &o.gender);
        add(&mut self.political, &o.political);
        add(&mut self.age, &o.age);
        add(&mut self.service, &o.service);
    }

    /// 大专以上: postgraduate, bachelor and college graduates.
    pub fn college_or_above(&self) -> i64 {
        self.education[0] + self.education[1] + self.education[2]
    }

    /// Holders of any social-work certificate (助理社会工作师 and above).
    pub fn certified(&self) -> i64 {
        self.certificate[1..].iter().sum()
    }

    /// Counts one worker on `day` (the reference the stored query is tested against).
    pub fn count(&mut self, spell: &Spell, facts: &WorkerFacts, day: NaiveDate) {
        self.workers += 1;
        self.full_time += i64::from(spell.full_time);
        self.two_committees += i64::from(spell.two_committees);
        self.post[POST_KEYS[..3].iter().position(|k| *k == spell.post_category).unwrap_or(3)] += 1;
        self.education[match education_code(spell.education) {
            0 => 4,
            c => c as usize - 1,
        }] += 1;
        self.certificate[certificate_code(spell.certificate) as usize] += 1;
        self.gender[usize::from(facts.gender != "1")] += 1;
        self.political[political_group(&facts.political_status) as usize - 1] += 1;
        self.age[band(&AGE_BANDS, years_between(facts.birth_date, day))] += 1;
        self.service[band(&SERVICE_BANDS, years_between(facts.service_start, day).max(0))] += 1;
    }
}

/// What figures need of a worker besides the spells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerFacts {
    /// GB/T 2261.1: "1" male, "2" female.
    pub gender: String,
    pub birth_date: NaiveDate,
    pub political_status: String,
    pub service_start: NaiveDate,
}

/// A share in hundredths of a percent, rounded half away from zero (8885 of 29871 → 2974, "29.74%").
pub fn ratio_bp(part: i64, whole: i64) -> Option<i64> {
    (whole != 0).then(|| {
        let n = i128::from(part) * 10_000;
        let d = i128::from(whole);
        let q = (2 * n.abs() + d.abs()) / (2 * d.abs());
        (if (n < 0) != (d < 0) { -q } else { q }) as i64
    })
}

/// "29.74" from 2974.
pub fn fmt_bp(bp: i64) -> String {
    let sign = if bp < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", bp.abs() / 100, bp.abs() % 100)
}

/// Workers per `per` of a population, to two decimals, as hundredths.
pub fn density_hundredths(workers: i64, population: i64, per: i64) -> Option<i64> {
    ratio_bp(workers * per, population * 100)
}

/// How a day reads in a sentence: 31 December is "2019年底".
pub fn day_phrase(day: NaiveDate) -> String {
    if day.month() == 12 && day.day() == 31 {
        format!("{}年底", day.year())
    } else {
        format!("{}年{}月{}日", day.year(), day.month(), day.day())
    }
}

fn base_phrase(day: NaiveDate) -> String {
    if day.month() == 12 && day.day() == 31 { format!("{}年", day.year()) } else { day_phrase(day) }
}

fn change_phrase(now: i64, base: i64) -> String {
    let delta = now - base;
    let word = if delta >= 0 { ("增加了", "增幅") } else { ("减少了", "降幅") };
    match ratio_bp(delta.abs(), base) {
        Some(bp) => format!("{}{}名，{}为{}%", word.0, delta.abs(), word.1, fmt_bp(bp)),
        None => format!("{}{}名", word.0, delta.abs()),
    }
}

/// The sentences of the seeds, generated from the figures: "截至2019年底，全省共有38756名城市社区工作者，
/// 相比2015年增加了8885名，增幅为29.74%，其中专职社区工作者33463名，占社区工作者总数的86.34%……".
pub fn sentences(
    region_name: &str,
    day: NaiveDate,
    now: &Counts,
    base: Option<(NaiveDate, &Counts)>,
    urban: bool,
) -> Vec<String> {
    let who = if urban { "城市社区工作者" } else { "社区工作者" };
    let pct = |part: i64| ratio_bp(part, now.workers).map_or("0.00".to_string(), fmt_bp);
    let mut first = format!("截至{}，{region_name}共有{}名{who}", day_phrase(day), now.workers);
    if let Some((b, bc)) = base {
        first += &format!("，相比{}{}", base_phrase(b), change_phrase(now.workers, bc.workers));
    }
    first += &format!("，其中专职社区工作者{}名，占社区工作者总数的{}%", now.full_time, pct(now.full_time));
    if let Some((b, bc)) = base {
        first += &format!("，相比{}{}", base_phrase(b), change_phrase(now.full_time, bc.full_time));
    }
    first.push('。');
    let mut second =
        format!("大专以上学历的{who}有{}名，占总人数{}%", now.college_or_above(), pct(now.college_or_above()));
    if let Some((b, bc)) = base {
        second += &format!("，相比{}{}", base_phrase(b), change_phrase(now.college_or_above(), bc.college_or_above()));
    }
    second += &format!("，其中研究生以上学历{}名，占总人数{}%。", now.education[0], pct(now.education[0]));
    let third = format!("持有助理社会工作师资格证书及以上的{}名，占{}%。", now.certified(), pct(now.certified()));
    vec![first, second, third]
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn appt(region: &str, start: NaiveDate, end: Option<NaiveDate>) -> AppointmentSpan {
        AppointmentSpan {
            region_code: region.into(),
            post_category: "staff".into(),
            full_time: true,
            two_committees: false,
            start,
            end,
        }
    }

    #[test]
    fn the_seed_sentence_is_reproduced() {
        // 浙江 (seed 000): 38756 workers at the end of 2019, 29871 at the end of 2015; 33463 full-time.
        let now = Counts {
            workers: 38756,
            full_time: 33463,
            education: [281, 20000, 10957, 7518, 0],
            certificate: [22076, 10000, 6000, 680],
            ..Counts::default()
        };
        let base = Counts { workers: 29871, full_time: 26541, ..Counts::default() };
        let s = sentences("浙江省", d(2019, 12, 31), &now, Some((d(2015, 12, 31), &base)), true);
        assert_eq!(
            s[0],
            "截至2019年底，浙江省共有38756名城市社区工作者，相比2015年增加了8885名，增幅为29.74%，\
             其中专职社区工作者33463名，占社区工作者总数的86.34%，相比2015年增加了6922名，增幅为26.08%。"
        );
        assert!(s[1].contains("大专以上学历的城市社区工作者有31238名，占总人数80.60%"));
        assert!(s[1].contains("研究生以上学历281名，占总人数0.73%"));
        assert!(s[2].contains("占43.04%"));
    }

    #[test]
    fn decreases_read_as_such() {
        let now = Counts { workers: 90, ..Counts::default() };
        let base = Counts { workers: 100, ..Counts::default() };
        let s = sentences("某县", d(2024, 6, 30), &now, Some((d(2023, 12, 31), &base)), false);
        assert!(s[0].starts_with("截至2024年6月30日，某县共有90名社区工作者，相比2023年减少了10名，降幅为10.00%"));
    }

    #[test]
    fn ratios_round_half_away_from_zero() {
        assert_eq!(ratio_bp(8885, 29871), Some(2974));
        assert_eq!(ratio_bp(1, 8), Some(1250));
        assert_eq!(ratio_bp(1, 0), None);
        assert_eq!(fmt_bp(-5), "-0.05");
        assert_eq!(density_hundredths(2466, 1_370_000, 10_000), Some(1800));
    }

    #[test]
    fn thresholds_and_bands() {
        let day = d(2024, 3, 1);
        assert_eq!(threshold(day, 30), d(1994, 3, 1));
        assert_eq!(years_between(d(1994, 3, 1), day), 30);
        assert_eq!(years_between(d(1994, 3, 2), day), 29);
        assert_eq!(threshold(d(2024, 2, 29), 1), d(2023, 2, 28));
        assert_eq!(band(&AGE_BANDS, 29), 0);
        assert_eq!(band(&AGE_BANDS, 30), 1);
        assert_eq!(band(&AGE_BANDS, 65), 3);
        assert_eq!(band(&SERVICE_BANDS, 10), 2);
        assert_eq!(band(&SERVICE_BANDS, 11), 3);
    }

    #[test]
    fn spells_follow_transfers_degrees_and_certificates() {
        let a = [appt("330481001001", d(2015, 3, 1), Some(d(2019, 7, 1))), appt("330481002001", d(2019, 7, 1), None)];
        let edus = [("31".to_string(), Some(d(2012, 6, 30))), ("21".to_string(), Some(d(2018, 1, 15)))];
        let certs = [(CertificateLevel::Junior, Some(d(2020, 11, 1)))];
        let s = spells(&a, &edus, &certs);
        assert_eq!(s.len(), 4);
        assert_eq!(s[0].education, Some(EducationBracket::College));
        assert_eq!(s[1].from, d(2018, 1, 15));
        assert_eq!(s[1].education, Some(EducationBracket::Bachelor));
        assert_eq!(s[2].region_code, "330481002001");
        assert_eq!(s[2].certificate, None);
        assert_eq!(s[3].certificate, Some(CertificateLevel::Junior));
        assert_eq!(s[3].to, None);
    }

    type History = (Vec<AppointmentSpan>, Vec<(String, Option<NaiveDate>)>, Vec<(CertificateLevel, Option<NaiveDate>)>);

    fn arb_history() -> impl Strategy<Value = History> {
        let day = (0i64..4000).prop_map(|n| d(2012, 1, 1) + chrono::Duration::days(n));
        let appt = (day.clone(), proptest::option::of(1i64..2000), 0usize..3, any::<bool>()).prop_map(
            |(start, len, region, full_time)| AppointmentSpan {
                region_code: format!("33048100{region}001"),
                post_category: ["head", "deputy", "staff"][region].into(),
                full_time,
                two_committees: region < 2,
                start,
                end: len.map(|l| start + chrono::Duration::days(l)),
            },
        );
        let edu = (prop::sample::select(vec!["11", "21", "31", "61", "23"]), proptest::option::of(day.clone()))
            .prop_map(|(c, d)| (c.to_string(), d));
        let cert = (prop::sample::select(CertificateLevel::ALL.to_vec()), proptest::option::of(day));
        (prop::collection::vec(appt, 0..4), prop::collection::vec(edu, 0..3), prop::collection::vec(cert, 0..3))
    }

    proptest! {
        /// On any day a worker is in at most one spell, in one exactly when an appointment covers
        /// the day, and the spell holds what the history says for that very day.
        #[test]
        fn spells_match_the_history_on_every_day((a, e, c) in arb_history(), offset in 0i64..6000) {
            let day = d(2012, 1, 1) + chrono::Duration::days(offset);
            let s = spells(&a, &e, &c);
            let covering: Vec<&Spell> = s.iter().filter(|s| s.covers(day)).collect();
            prop_assert!(covering.len() <= 1);
            // The appointment in force on a day is the latest one started by then (a newer one
            // supersedes an older one still open).
            let current = a.iter().filter(|x| x.start <= day).max_by_key(|x| x.start);
            let in_post = current.is_some_and(|x| x.end.is_none_or(|t| day < t));
            prop_assert_eq!(covering.len() == 1, in_post);
            if let (Some(sp), Some(current)) = (covering.first(), current) {
                prop_assert_eq!(sp.education, education_on(&e, day));
                prop_assert_eq!(sp.certificate, certificate_on(&c, day));
                prop_assert_eq!(&sp.region_code, &current.region_code);
                prop_assert_eq!(sp.full_time, current.full_time);
            }
            for w in s.windows(2) {
                prop_assert!(w[0].to.is_some_and(|t| t <= w[1].from));
            }
        }

        /// Counts add up: counting a set of workers in two halves and adding gives the whole.
        #[test]
        fn counts_add_up(n in 1usize..40, split in 0usize..40, offset in 0i64..5000) {
            let day = d(2012, 1, 1) + chrono::Duration::days(offset);
            let facts = |i: usize| WorkerFacts {
                gender: if i.is_multiple_of(2) { "1".into() } else { "2".into() },
                birth_date: d(1960 + (i as i32 % 40), 1 + (i as u32 % 12), 1),
                political_status: format!("{:02}", 1 + i % 13),
                service_start: d(2005 + (i as i32 % 15), 5, 1),
            };
            let spell = |i: usize| Spell {
                region_code: "330481001001".into(),
                from: d(2000, 1, 1),
                to: None,
                post_category: POST_KEYS[i % 4].into(),
                full_time: !i.is_multiple_of(3),
                two_committees: i.is_multiple_of(5),
                education: if i % 6 == 5 { None } else { Some(EDUCATION_ORDER[i % 4]) },
                certificate: if i.is_multiple_of(4) { None } else { Some(CertificateLevel::ALL[i % 3]) },
            };
            let (mut all, mut left, mut right) = (Counts::default(), Counts::default(), Counts::default());
            for i in 0..n {
                all.count(&spell(i), &facts(i), day);
                if i < split { left.count(&spell(i), &facts(i), day) } else { right.count(&spell(i), &facts(i), day) }
            }
            left.add(&right);
            prop_assert_eq!(&left, &all);
            for v in [&all.post[..], &all.education[..], &all.certificate[..], &all.gender[..], &all.political[..], &all.age[..], &all.service[..]] {
                prop_assert_eq!(v.iter().sum::<i64>(), all.workers);
            }
        }
    }
}
