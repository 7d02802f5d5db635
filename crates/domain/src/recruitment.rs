//! 招聘: the rules of open recruitment (逢进必考) as pure functions over the region's policy —
//! who may apply to a post (education, age with its relaxations, certificate, major), the bonus points
//! of the written exam, the interview list by the ratio to places, and the final ranking.
//!
//! Scores are kept in hundredths of a point (`8550` is 85.5 points), so that weights and bonuses add
//! up exactly.

use crate::FieldError;
use crate::codes::{EDUCATION, education_bracket, is_college_or_above};
use crate::worker::CertificateLevel;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// A group some rules favour: 吉林 relaxes the age limit for them and prefers them at equal scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    /// 现有社区工作者.
    CurrentWorker,
    /// 持证社工: a certificate at the policy's level or above (吉林: 社工师).
    Certified,
    /// 社会学、社会工作类专业毕业生.
    Sociology,
    /// 复员退伍军人.
    Veteran,
}

impl Group {
    pub const ALL: [Self; 4] = [Self::CurrentWorker, Self::Certified, Self::Sociology, Self::Veteran];

    /// The name in policy files and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CurrentWorker => "current_worker",
            Self::Certified => "certified",
            Self::Sociology => "sociology",
            Self::Veteran => "veteran",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::CurrentWorker => "现有社区工作者",
            Self::Certified => "持社会工作职业资格证书",
            Self::Sociology => "社会学、社会工作类专业毕业",
            Self::Veteran => "复员退伍军人",
        }
    }
}

/// An age limit raised for a group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Relaxation {
    pub group: Group,
    pub max_age: u32,
}

/// Written-exam bonus points for what an applicant has: a certificate level (the highest held counts
/// once) or a group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bonus {
    /// `junior`, `intermediate`, `senior` (a certificate), or a group (`veteran`, `current_worker`, …).
    pub when: String,
    /// Points, as a decimal text or number of points (`5`, `2.5`).
    pub points: f64,
}

/// Whether several bonuses add up or only the largest counts (集美 takes one only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BonusMode {
    #[default]
    Sum,
    Largest,
}

/// `[recruitment]` of a policy file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RecruitmentPolicy {
    /// Lowest education: `大专`, `本科`, `研究生` (or an education code).
    pub min_education: String,
    /// Oldest age on the round's reference date.
    pub max_age: u32,
    /// The age raised for some groups.
    pub relaxed: Vec<Relaxation>,
    /// The certificate level from which one counts as 持证 (a group above).
    pub certified_from: String,
    /// The majors that count as sociology or social work (matched as part of the major's name).
    pub sociology_majors: Vec<String>,
    pub bonus: Vec<Bonus>,
    pub bonus_mode: BonusMode,
    /// The most bonus points anyone gets.
    pub bonus_cap: f64,
    /// Candidates called to interview per place (1:3 is 3).
    pub interview_ratio: u32,
    /// The written exam's share of the total, in percent (the interview has the rest).
    pub written_weight_pct: u32,
    /// At equal totals and written scores, these groups first, in this order.
    pub priority: Vec<Group>,
    /// Days the hired are shown on the public page before hiring (公示).
    pub publicity_days: u32,
    /// Grounds that bar an application (六盘水's list), declared against by every applicant.
    pub barring_grounds: Vec<String>,
}

impl Default for RecruitmentPolicy {
    /// 吉林's rules, 海宁's bonuses: 大专 or above, 40 years, relaxed to 45 for the four groups.
    fn default() -> Self {
        Self {
            min_education: "大专".into(),
            max_age: 40,
            relaxed: Group::ALL.iter().map(|g| Relaxation { group: *g, max_age: 45 }).collect(),
            certified_from: "intermediate".into(),
            sociology_majors: vec!["社会学".into(), "社会工作".into()],
            bonus: vec![
                Bonus { when: "intermediate".into(), points: 5.0 },
                Bonus { when: "junior".into(), points: 3.0 },
            ],
            bonus_mode: BonusMode::Sum,
            bonus_cap: 5.0,
            interview_ratio: 3,
            written_weight_pct: 50,
            priority: Group::ALL.to_vec(),
            publicity_days: 7,
            barring_grounds: vec![
                "曾因犯罪受过刑事处罚".into(),
                "曾被开除公职".into(),
                "被依法列为失信联合惩戒对象".into(),
                "涉嫌违法违纪正在接受审查尚未作出结论".into(),
                "受党纪政务处分期限未满或期满影响使用".into(),
            ],
        }
    }
}

/// Points as hundredths, rounded (`5.0` → 500).
pub fn hundredths(points: f64) -> u32 {
    if points.is_finite() && points > 0.0 { (points * 100.0).round().min(f64::from(u32::MAX)) as u32 } else { 0 }
}

/// `8550` → `85.5`, `9000` → `90`.
pub fn points_text(h: u32) -> String {
    let (whole, frac) = (h / 100, h % 100);
    match frac {
        0 => whole.to_string(),
        f if f % 10 == 0 => format!("{whole}.{}", f / 10),
        f => format!("{whole}.{f:02}"),
    }
}

/// A score as typed (`85`, `85.5`, `85.25`), 0 to 100 points, in hundredths.
pub fn parse_score(field: &'static str, s: &str) -> Result<u32, FieldError> {
    let bad = || FieldError::new("score_invalid", field, "分数应为0至100之间的数字，最多两位小数");
    let t = s.trim();
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    if whole.is_empty()
        || t.ends_with('.')
        || whole.len() > 3
        || frac.len() > 2
        || !(whole.chars().chain(frac.chars())).all(|c| c.is_ascii_digit())
    {
        return Err(bad());
    }
    let w: u32 = whole.parse().map_err(|_| bad())?;
    let f: u32 = if frac.is_empty() { 0 } else { format!("{frac:0<2}").parse().map_err(|_| bad())? };
    let h = w * 100 + f;
    if h > 10_000 {
        return Err(bad());
    }
    Ok(h)
}

/// What an applicant declares about themselves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub birth_date: NaiveDate,
    /// The highest education's code (GB/T 4658).
    pub education_code: String,
    pub certificate: Option<CertificateLevel>,
    pub major: String,
    pub veteran: bool,
    pub current_worker: bool,
}

/// What one post asks beyond the policy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PostRequirements {
    /// A higher education than the policy's (`本科`), if any.
    pub min_education: Option<String>,
    /// A lower age limit than the policy's, if any.
    pub max_age: Option<u32>,
    pub certificate: Option<CertificateLevel>,
    /// Majors accepted (part of the name); empty: any.
    pub majors: Vec<String>,
}

/// The answer of the check: whether, and why, line by line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Eligibility {
    pub eligible: bool,
    pub explanation: Vec<String>,
}

/// The youngest an applicant may be (18: of full age to sign a service agreement).
pub const MIN_AGE: u32 = 18;

/// Completed years on `on`.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> u32 {
    let mut years = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    u32::try_from(years.max(0)).unwrap_or(0)
}

/// 0 研究生, 1 本科, 2 大专, 3 below: a lower number is more education.
fn level(code: &str) -> u8 {
    use crate::codes::EducationBracket::*;
    match education_bracket(code) {
        Postgraduate => 0,
        Bachelor => 1,
        College => 2,
        HighSchoolOrBelow => 3,
    }
}

/// The level a requirement names (`大专`, `本科`, `研究生`, or a code), and its words.
fn required_level(s: &str) -> (u8, String) {
    let t = s.trim();
    match t {
        "研究生" => (0, "研究生".into()),
        "本科" => (1, "本科".into()),
        "大专" | "专科" => (2, "大专".into()),
        "" => (3, "不限".into()),
        other => match EDUCATION.parse(other) {
            Ok(code) if is_college_or_above(&code) => {
                (level(&code), crate::codes::education_bracket(&code).label().into())
            }
            _ => (3, "不限".into()),
        },
    }
}

impl RecruitmentPolicy {
    /// The groups an applicant belongs to.
    pub fn groups(&self, f: &Facts) -> Vec<Group> {
        let from = cert_level(&self.certified_from).unwrap_or(CertificateLevel::Intermediate);
        Group::ALL
            .into_iter()
            .filter(|g| match g {
                Group::CurrentWorker => f.current_worker,
                Group::Certified => f.certificate.is_some_and(|c| c >= from),
                Group::Sociology => {
                    !f.major.trim().is_empty()
                        && self.sociology_majors.iter().any(|m| !m.is_empty() && f.major.contains(m.as_str()))
                }
                Group::Veteran => f.veteran,
            })
            .collect()
    }

    /// Whether an applicant may apply to a post on the round's reference date `on`, explained.
    pub fn eligibility(&self, post: &PostRequirements, f: &Facts, on: NaiveDate) -> Eligibility {
        let mut lines = Vec::new();
        let mut ok = true;
        // Education: the policy's floor, or the post's if higher.
        let (mut need, mut need_text) = required_level(&self.min_education);
        if let Some(p) = &post.min_education {
            let (l, t) = required_level(p);
            if l < need {
                (need, need_text) = (l, t);
            }
        }
        let has = level(&f.education_code);
        let edu_name = EDUCATION.name(&f.education_code).unwrap_or("学历不明");
        let edu_ok = has <= need;
        ok &= edu_ok;
        lines.push(if need >= 3 {
            format!("学历{edu_name}，不限学历：符合")
        } else {
            format!("学历{edu_name}，要求{need_text}以上：{}", verdict(edu_ok))
        });
        // Age, with the relaxations that apply.
        let age = age_on(f.birth_date, on);
        let base = post.max_age.map_or(self.max_age, |m| m.min(self.max_age));
        if age < MIN_AGE {
            lines.push(format!("年龄{age}岁，未满{MIN_AGE}周岁：不符合"));
            return Eligibility { eligible: false, explanation: lines };
        }
        let groups = self.groups(f);
        let relaxed = self
            .relaxed
            .iter()
            .filter(|r| groups.contains(&r.group))
            .filter(|r| r.max_age > base)
            .max_by_key(|r| (r.max_age, std::cmp::Reverse(r.group)));
        if age <= base {
            lines.push(format!("年龄{age}岁，不超过{base}岁上限：符合"));
        } else {
            match relaxed {
                Some(r) => {
                    let fits = age <= r.max_age;
                    ok &= fits;
                    lines.push(format!(
                        "年龄{age}岁，超过{base}岁上限；{}，放宽至{}岁：{}",
                        group_text(r.group, f),
                        r.max_age,
                        verdict(fits)
                    ));
                }
                None => {
                    ok = false;
                    lines.push(format!("年龄{age}岁，超过{base}岁上限：不符合"));
                }
            }
        }
        if let Some(c) = post.certificate {
            let fits = f.certificate.is_some_and(|h| h >= c);
            ok &= fits;
            let held = f.certificate.map_or("未持证".to_string(), |h| format!("持{}证书", h.label()));
            lines.push(format!("岗位要求{}以上证书，{held}：{}", c.label(), verdict(fits)));
        }
        if !post.majors.is_empty() {
            let fits = post.majors.iter().any(|m| !m.is_empty() && f.major.contains(m.as_str()));
            ok &= fits;
            let major = if f.major.trim().is_empty() { "未填写".to_string() } else { f.major.trim().to_string() };
            lines.push(format!("专业{major}，岗位要求{}类专业：{}", post.majors.join("、"), verdict(fits)));
        }
        Eligibility { eligible: ok, explanation: lines }
    }

    /// The written-exam bonus of an applicant, in hundredths, never above the cap: the highest
    /// certificate held counts once, each group's bonus once; summed or the largest, as the policy says.
    pub fn bonus(&self, f: &Facts) -> u32 {
        let groups = self.groups(f);
        let certificate = self
            .bonus
            .iter()
            .filter_map(|b| cert_level(&b.when).map(|l| (l, hundredths(b.points))))
            .filter(|(l, _)| f.certificate.is_some_and(|h| h >= *l))
            .max_by_key(|(l, _)| *l)
            .map(|(_, p)| p);
        let group_points = self.bonus.iter().filter_map(|b| {
            let g = group_named(&b.when)?;
            groups.contains(&g).then(|| hundredths(b.points))
        });
        let all = certificate.into_iter().chain(group_points);
        let total = match self.bonus_mode {
            BonusMode::Sum => all.fold(0u32, u32::saturating_add),
            BonusMode::Largest => all.max().unwrap_or(0),
        };
        total.min(hundredths(self.bonus_cap))
    }

    /// The total of written (with its bonus) and interview scores by the policy's weights, in
    /// hundredths of a point times 100 (exact).
    pub fn total(&self, written_with_bonus: u32, interview: u32) -> u64 {
        let w = u64::from(self.written_weight_pct.min(100));
        u64::from(written_with_bonus) * w + u64::from(interview) * (100 - w)
    }

    /// Checks the settings a file gives: a policy an administrator wrote must make sense.
    pub fn check(&self) -> Result<(), String> {
        if required_level(&self.min_education).0 >= 3 && !self.min_education.trim().is_empty() {
            return Err(format!(
                "[recruitment] min_education 应为 大专、本科 或 研究生，而不是“{}”",
                self.min_education
            ));
        }
        if !(16..=70).contains(&self.max_age) {
            return Err("[recruitment] max_age 应在16至70之间".into());
        }
        if self.relaxed.iter().any(|r| r.max_age < self.max_age || r.max_age > 70) {
            return Err("[recruitment] relaxed 的 max_age 应不低于 max_age、不超过70".into());
        }
        if cert_level(&self.certified_from).is_none() {
            return Err("[recruitment] certified_from 应为 junior、intermediate 或 senior".into());
        }
        for b in &self.bonus {
            if cert_level(&b.when).is_none() && group_named(&b.when).is_none() {
                return Err(format!("[recruitment] bonus 的 when 不认识：“{}”", b.when));
            }
            if !(b.points.is_finite() && (0.0..=100.0).contains(&b.points)) {
                return Err("[recruitment] bonus 的 points 应在0至100之间".into());
            }
        }
        if !(self.bonus_cap.is_finite() && (0.0..=100.0).contains(&self.bonus_cap)) {
            return Err("[recruitment] bonus_cap 应在0至100之间".into());
        }
        if !(1..=10).contains(&self.interview_ratio) {
            return Err("[recruitment] interview_ratio 应在1至10之间".into());
        }
        if self.written_weight_pct > 100 {
            return Err("[recruitment] written_weight_pct 应在0至100之间".into());
        }
        Ok(())
    }
}

fn group_named(s: &str) -> Option<Group> {
    Group::ALL.into_iter().find(|g| g.as_str() == s.trim())
}

fn cert_level(s: &str) -> Option<CertificateLevel> {
    CertificateLevel::ALL.into_iter().find(|l| l.as_str() == s.trim())
}

fn verdict(ok: bool) -> &'static str {
    if ok { "符合" } else { "不符合" }
}

/// Why an applicant is in a group, as the explanation says it.
fn group_text(g: Group, f: &Facts) -> String {
    match g {
        Group::Certified => f.certificate.map_or(g.label().to_string(), |c| format!("持{}证书", c.label())),
        Group::Sociology => format!("{}专业毕业", f.major.trim()),
        _ => format!("系{}", g.label()),
    }
}

/// A post's requirements as a clerk types them: education (`大专`, `本科`, `研究生` or empty), an age
/// limit (empty: the policy's), a certificate level (empty: none asked), majors separated by `、`, `,`
/// or spaces. Every bad field is named.
pub fn post_requirements(
    min_education: &str,
    max_age: &str,
    certificate: &str,
    majors: &str,
) -> Result<PostRequirements, Vec<FieldError>> {
    let mut errors = Vec::new();
    let edu = min_education.trim();
    let min_education = match edu {
        "" => None,
        "大专" | "专科" | "本科" | "研究生" => Some(required_level(edu).1),
        _ => {
            errors.push(FieldError::new("post_education", "min_education", "学历要求应为大专、本科或研究生"));
            None
        }
    };
    let max_age = match max_age.trim() {
        "" => None,
        t => match t.parse::<u32>() {
            Ok(a) if (18..=60).contains(&a) => Some(a),
            _ => {
                errors.push(FieldError::new("post_age", "max_age", "年龄上限应为18至60之间的整数"));
                None
            }
        },
    };
    let certificate = match certificate.trim() {
        "" => None,
        t => match CertificateLevel::ALL.into_iter().find(|l| l.as_str() == t || l.label() == t) {
            Some(l) => Some(l),
            None => {
                errors.push(FieldError::new(
                    "post_certificate",
                    "certificate",
                    "证书要求应为助理社会工作师、社会工作师或高级社会工作师",
                ));
                None
            }
        },
    };
    let list: Vec<String> =
        majors.split(['、', ',', '，', ';', '；']).map(str::trim).filter(|m| !m.is_empty()).map(String::from).collect();
    if list.len() > 10 || list.iter().any(|m| m.chars().count() > 20 || crate::text::has_hidden(m, false)) {
        errors.push(FieldError::new("post_majors", "majors", "专业要求最多10个，每个不超过20个字"));
    }
    if errors.is_empty() {
        Ok(PostRequirements { min_education, max_age, certificate, majors: list })
    } else {
        Err(errors)
    }
}

impl PostRequirements {
    /// The requirements as a sentence for the announcement (`本科以上；35岁以下；社会工作类专业`).
    pub fn describe(&self, policy: &RecruitmentPolicy) -> String {
        let edu = self.min_education.clone().unwrap_or_else(|| required_level(&policy.min_education).1);
        let mut parts = vec![if edu == "不限" { "学历不限".to_string() } else { format!("{edu}以上学历") }];
        parts.push(format!("{}周岁以下", self.max_age.map_or(policy.max_age, |a| a.min(policy.max_age))));
        if let Some(c) = self.certificate {
            parts.push(format!("持{}以上证书", c.label()));
        }
        if !self.majors.is_empty() {
            parts.push(format!("{}类专业", self.majors.join("、")));
        }
        parts.join("；")
    }
}

/// One applicant in the ranking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate<K> {
    pub key: K,
    /// Written score with its bonus, in hundredths.
    pub written: u32,
    pub interview: Option<u32>,
    pub groups: Vec<Group>,
}

impl RecruitmentPolicy {
    /// The priority rank of a set of groups: lower is preferred (lexicographic over the policy's
    /// order: belonging to the first group first, then to the second…).
    fn priority_key(&self, groups: &[Group]) -> Vec<bool> {
        self.priority.iter().map(|g| !groups.contains(g)).collect()
    }

    /// Orders candidates of one post: the total (by the weights) first, then the written score,
    /// then the priority groups, then the key — a total order, the same whatever order they came in.
    pub fn rank<K: Ord + Clone>(&self, candidates: &mut [Candidate<K>]) {
        candidates.sort_by(|a, b| {
            let total = |c: &Candidate<K>| self.total(c.written, c.interview.unwrap_or(0));
            total(b)
                .cmp(&total(a))
                .then(b.written.cmp(&a.written))
                .then_with(|| self.priority_key(&a.groups).cmp(&self.priority_key(&b.groups)))
                .then_with(|| a.key.cmp(&b.key))
        });
    }

    /// Who is called to interview for a post of `places`: those at or above the pass line by their
    /// written score with bonus, the best `places × ratio`, and everyone tied with the last of them.
    pub fn interview_list<K: Ord + Clone>(&self, candidates: &[Candidate<K>], places: u32, pass_line: u32) -> Vec<K> {
        let mut passed: Vec<&Candidate<K>> = candidates.iter().filter(|c| c.written >= pass_line).collect();
        passed.sort_by(|a, b| b.written.cmp(&a.written).then_with(|| a.key.cmp(&b.key)));
        let n = usize::try_from(places.saturating_mul(self.interview_ratio)).unwrap_or(usize::MAX);
        let Some(cut) = passed.get(n.saturating_sub(1)).map(|c| c.written).filter(|_| n > 0) else {
            return if n == 0 { vec![] } else { passed.into_iter().map(|c| c.key.clone()).collect() };
        };
        passed.into_iter().take_while(|c| c.written >= cut).map(|c| c.key.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn facts(birth: NaiveDate) -> Facts {
        Facts {
            birth_date: birth,
            education_code: "21".into(),
            certificate: None,
            major: "汉语言文学".into(),
            veteran: false,
            current_worker: false,
        }
    }

    #[test]
    fn eligibility_explains_itself() {
        let p = RecruitmentPolicy::default();
        let on = d(2026, 6, 1);
        let mut f = facts(d(1985, 3, 1));
        let e = p.eligibility(&PostRequirements::default(), &f, on);
        assert!(!e.eligible);
        assert_eq!(e.explanation[1], "年龄41岁，超过40岁上限：不符合");
        f.certificate = Some(CertificateLevel::Intermediate);
        let e = p.eligibility(&PostRequirements::default(), &f, on);
        assert!(e.eligible, "{e:?}");
        assert_eq!(
            e.explanation,
            ["学历大学本科毕业，要求大专以上：符合", "年龄41岁，超过40岁上限；持社会工作师证书，放宽至45岁：符合"]
        );
        // A junior certificate is not 社工师: no relaxation.
        f.certificate = Some(CertificateLevel::Junior);
        assert!(!p.eligibility(&PostRequirements::default(), &f, on).eligible);
        let young = Facts { education_code: "61".into(), ..facts(d(2000, 1, 1)) };
        let e = p.eligibility(&PostRequirements::default(), &young, on);
        assert!(!e.eligible);
        assert!(e.explanation[0].ends_with("要求大专以上：不符合"), "{e:?}");
        let post = PostRequirements {
            certificate: Some(CertificateLevel::Junior),
            majors: vec!["社会工作".into()],
            ..Default::default()
        };
        let e = p.eligibility(&post, &facts(d(1995, 1, 1)), on);
        assert_eq!(e.explanation[2], "岗位要求助理社会工作师以上证书，未持证：不符合");
        assert_eq!(e.explanation[3], "专业汉语言文学，岗位要求社会工作类专业：不符合");
    }

    #[test]
    fn a_posts_requirements_are_read_and_said() {
        let p = RecruitmentPolicy::default();
        let r = post_requirements("本科", "35", "助理社会工作师", "社会工作、社会学").unwrap();
        assert_eq!(r.describe(&p), "本科以上学历；35周岁以下；持助理社会工作师以上证书；社会工作、社会学类专业");
        assert_eq!(post_requirements("", "", "", "").unwrap().describe(&p), "大专以上学历；40周岁以下");
        let e = post_requirements("博士后", "99", "x", "").unwrap_err();
        assert_eq!(e.iter().map(|f| f.field).collect::<Vec<_>>(), ["min_education", "max_age", "certificate"]);
    }

    #[test]
    fn an_applicant_is_of_full_age() {
        let p = RecruitmentPolicy::default();
        let e = p.eligibility(&PostRequirements::default(), &facts(d(2010, 1, 1)), d(2026, 6, 1));
        assert!(!e.eligible);
        assert_eq!(e.explanation.last().unwrap(), "年龄16岁，未满18周岁：不符合");
    }

    #[test]
    fn ages_are_completed_years() {
        assert_eq!(age_on(d(1986, 6, 2), d(2026, 6, 1)), 39);
        assert_eq!(age_on(d(1986, 6, 1), d(2026, 6, 1)), 40);
        assert_eq!(age_on(d(2000, 2, 29), d(2026, 2, 28)), 25);
    }

    #[test]
    fn bonuses_count_once_and_stop_at_the_cap() {
        let mut p = RecruitmentPolicy::default();
        let mut f = facts(d(1995, 1, 1));
        f.certificate = Some(CertificateLevel::Senior);
        assert_eq!(p.bonus(&f), 500, "the highest certificate counts, once");
        f.certificate = Some(CertificateLevel::Junior);
        assert_eq!(p.bonus(&f), 300);
        p.bonus.push(Bonus { when: "veteran".into(), points: 4.0 });
        p.bonus_cap = 20.0;
        f.veteran = true;
        assert_eq!(p.bonus(&f), 700);
        p.bonus_mode = BonusMode::Largest;
        assert_eq!(p.bonus(&f), 400, "集美: one only");
        assert!(p.check().is_ok());
    }

    #[test]
    fn scores_are_read_exactly() {
        assert_eq!(parse_score("written", "85.5").unwrap(), 8550);
        assert_eq!(parse_score("written", "85.25").unwrap(), 8525);
        assert_eq!(parse_score("written", " 100 ").unwrap(), 10_000);
        for bad in ["100.01", "-1", "85.555", "", "八十", "1e2", "85."] {
            assert!(parse_score("written", bad).is_err(), "{bad}");
        }
        assert_eq!(points_text(8550), "85.5");
        assert_eq!(points_text(8525), "85.25");
        assert_eq!(points_text(9000), "90");
    }

    #[test]
    fn the_interview_list_keeps_ties_at_the_cut() {
        let p = RecruitmentPolicy::default();
        let c = |key: u32, written: u32| Candidate { key, written, interview: None, groups: vec![] };
        let all = vec![c(1, 9000), c(2, 8000), c(3, 7000), c(4, 7000), c(5, 6000), c(6, 5000)];
        assert_eq!(p.interview_list(&all, 1, 6000), [1, 2, 3, 4], "1:3, with the tie at 70 kept");
        assert_eq!(p.interview_list(&all, 1, 8500), [1], "fewer passed than places × ratio");
        assert_eq!(p.interview_list(&all, 0, 0), Vec::<u32>::new());
    }

    #[test]
    fn the_ranking_breaks_ties_by_written_then_priority() {
        let p = RecruitmentPolicy::default();
        let c = |key: u32, written: u32, interview: u32, groups: Vec<Group>| Candidate {
            key,
            written,
            interview: Some(interview),
            groups,
        };
        let mut v = vec![
            c(1, 8000, 8000, vec![]),
            c(2, 8200, 7800, vec![]),
            c(3, 8000, 8000, vec![Group::Veteran]),
            c(4, 8000, 8000, vec![Group::CurrentWorker]),
            c(5, 9000, 9000, vec![]),
        ];
        p.rank(&mut v);
        assert_eq!(v.iter().map(|x| x.key).collect::<Vec<_>>(), [5, 2, 4, 3, 1]);
    }

    fn arb_facts() -> impl Strategy<Value = Facts> {
        (
            1960i32..2008,
            1u32..13,
            1u32..29,
            prop::sample::select(vec!["14", "21", "31", "41", "61"]),
            prop::option::of(prop::sample::select(CertificateLevel::ALL.to_vec())),
            prop::sample::select(vec!["社会工作", "社会学", "法学", ""]),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(|(y, m, day, edu, cert, major, veteran, current)| Facts {
                birth_date: d(y, m, day),
                education_code: edu.into(),
                certificate: cert,
                major: major.into(),
                veteran,
                current_worker: current,
            })
    }

    fn arb_policy() -> impl Strategy<Value = RecruitmentPolicy> {
        (
            30u32..46,
            prop::collection::vec((prop::sample::select(Group::ALL.to_vec()), 0u32..10), 0..4),
            prop::collection::vec(0.0f64..10.0, 0..4),
            0.0f64..15.0,
            any::<bool>(),
        )
            .prop_map(|(max_age, relax, points, cap, largest)| {
                let whens = ["junior", "intermediate", "veteran", "current_worker"];
                RecruitmentPolicy {
                    max_age,
                    relaxed: relax
                        .into_iter()
                        .map(|(group, extra)| Relaxation { group, max_age: max_age + extra })
                        .collect(),
                    bonus: points
                        .into_iter()
                        .zip(whens)
                        .map(|(points, when)| Bonus { when: when.into(), points })
                        .collect(),
                    bonus_cap: cap,
                    bonus_mode: if largest { BonusMode::Largest } else { BonusMode::Sum },
                    ..RecruitmentPolicy::default()
                }
            })
    }

    proptest! {
        #[test]
        fn relaxing_never_makes_an_eligible_applicant_ineligible(p in arb_policy(), f in arb_facts(), more in 0u32..10, g in prop::sample::select(Group::ALL.to_vec())) {
            let on = d(2026, 6, 1);
            let post = PostRequirements::default();
            let before = p.eligibility(&post, &f, on).eligible;
            let mut looser = p.clone();
            looser.max_age += more;
            for r in &mut looser.relaxed { r.max_age += more; }
            looser.relaxed.push(Relaxation { group: g, max_age: looser.max_age + more });
            prop_assert!(!before || looser.eligibility(&post, &f, on).eligible);
        }

        #[test]
        fn a_bonus_never_exceeds_the_cap(p in arb_policy(), f in arb_facts()) {
            prop_assert!(p.bonus(&f) <= hundredths(p.bonus_cap));
        }

        #[test]
        fn the_ranking_is_a_total_order(p in arb_policy(), scores in prop::collection::vec((0u32..4, 0u32..4, prop::collection::vec(prop::sample::select(Group::ALL.to_vec()), 0..3)), 1..12)) {
            let cands: Vec<Candidate<usize>> = scores
                .into_iter()
                .enumerate()
                .map(|(key, (w, i, groups))| Candidate { key, written: w * 1000, interview: Some(i * 1000), groups })
                .collect();
            let mut a = cands.clone();
            let mut b = cands.clone();
            b.reverse();
            p.rank(&mut a);
            p.rank(&mut b);
            prop_assert_eq!(a.iter().map(|c| c.key).collect::<Vec<_>>(), b.iter().map(|c| c.key).collect::<Vec<_>>());
            // Totals never rise down the list.
            let totals: Vec<u64> = a.iter().map(|c| p.total(c.written, c.interview.unwrap_or(0))).collect();
            prop_assert!(totals.windows(2).all(|w| w[0] >= w[1]));
        }

        #[test]
        fn the_interview_list_holds_the_ratio_and_every_tie(scores in prop::collection::vec(0u32..20, 0..30), places in 0u32..5, line in 0u32..10) {
            let p = RecruitmentPolicy::default();
            let cands: Vec<Candidate<usize>> = scores.iter().enumerate().map(|(key, s)| Candidate { key, written: s * 500, interview: None, groups: vec![] }).collect();
            let list = p.interview_list(&cands, places, line * 500);
            let passed = cands.iter().filter(|c| c.written >= line * 500).count();
            let want = (places * p.interview_ratio) as usize;
            prop_assert!(list.len() >= want.min(passed));
            // Nobody left out scores as high as someone called.
            let lowest_in = list.iter().map(|k| cands[*k].written).min();
            if let Some(low) = lowest_in {
                prop_assert!(cands.iter().filter(|c| c.written >= low && c.written >= line * 500).all(|c| list.contains(&c.key)));
            }
        }
    }
}
