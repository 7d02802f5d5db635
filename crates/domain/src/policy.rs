//! Policies as data (政策配置): a region's rules for posts, staffing, pay, training, assessment,
//! exit and the reserve pool, read from a human-readable TOML file. Parsing refuses a malformed or
//! inconsistent file with the line and the reason; everything downstream takes the parsed
//! [`Policy`], never the text.

use crate::career::{ExitRule, Grade};
use crate::codes::EducationBracket;
use crate::staffing::StaffingNorm;
use crate::worker::CertificateLevel;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::ops::Range;
use toml::Spanned;

/// Money in fen (分). Policy files write yuan (元), with at most two decimals.
pub type Fen = i64;

/// Why a policy file was refused: the 1-based line and the reason, in Chinese.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyError {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for PolicyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "第{}行：{}", self.line, self.message)
    }
}

impl std::error::Error for PolicyError {}

/// One post category (岗位类别) and the levels it spans.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PostPolicy {
    /// Stable key that appointments use: `head`, `deputy`, `staff`, or the policy's own.
    pub key: String,
    pub label: String,
    pub min_level: u32,
    pub max_level: u32,
    /// 岗位薪酬, per month.
    pub post_pay: Fen,
    /// 岗位津贴, per month.
    pub allowance: Fen,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StaffingPolicy {
    pub norm: StaffingNorm,
    /// Full-time party-building posts per community (吉林: at least 2).
    pub party_building_min: u32,
    /// A grid holds this many households at most (吉林: 300–500).
    pub grid_households_max: u32,
    pub grid_households_min: u32,
}

/// How the base pay (级别薪酬 / 档) of each level is set.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BasePay {
    /// A fixed table, one monthly amount per level (厦门翔安).
    Table { amounts: Vec<Fen> },
    /// A share of the region's yearly reference wage (`key`, e.g. last year's average wage),
    /// per month: level 1 is `start_pct` % of a twelfth, each further level `step_pct` % more.
    /// Per-mille precision: 1105 = 110.5 %.
    Reference { key: String, start_permille: u32, step_permille: u32 },
}

/// A floor on yearly pay: at least `permille` ‰ of last year's reference wage `key`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Floor {
    pub key: String,
    pub permille: u32,
}

/// The reference wages the shipped policies name, with what each is in the policy texts.
pub const REFERENCE_WAGES: [(&str, &str); 3] = [
    ("average_wage", "全社会单位就业人员年平均工资"),
    ("urban_wage", "城镇单位就业人员年平均工资"),
    ("institution_wage", "事业单位管理岗位人员年平均工资"),
];

/// A reference wage's name for people; a key no shipped policy names is shown as it is.
pub fn reference_wage_label(key: &str) -> String {
    REFERENCE_WAGES.iter().find(|(k, _)| *k == key).map_or_else(|| key.to_string(), |(_, l)| l.to_string())
}

impl PayPolicy {
    /// The reference wages this pay structure reads (its base pay and its floor).
    pub fn reference_keys(&self) -> Vec<&str> {
        let mut keys = Vec::new();
        if let BasePay::Reference { key, .. } = &self.base {
            keys.push(key.as_str());
        }
        if let Some(f) = &self.floor
            && !keys.contains(&f.key.as_str())
        {
            keys.push(f.key.as_str());
        }
        keys
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Progression {
    /// One level per this many full years with a grade at least `min_grade`.
    pub years_per_level: u32,
    pub min_grade: Grade,
    /// Consecutive 优秀 years that earn one early level (0: none).
    pub early_after_excellent: u32,
    /// At most this many early levels in a career.
    pub early_max: u32,
    /// Whether a year with no grade on record (before assessments were kept here) counts toward a
    /// step as if 合格 (`ungraded_years = "count"`, the default) or not at all (`"skip"`); the level's
    /// explanation says which.
    pub ungraded_count: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PayPolicy {
    /// 级 or 档: the word shown for a level.
    pub unit: String,
    pub levels: u32,
    pub base: BasePay,
    /// Share of the pay that is performance pay (吉林: 30 %), pooled per street and split by grade.
    pub performance_pct: u32,
    /// Per-cent factor of the performance share by last year's grade.
    pub performance_factors: BTreeMap<Grade, u32>,
    pub education_allowance: BTreeMap<EducationKey, Fen>,
    pub certificate_allowance: BTreeMap<CertificateLevel, Fen>,
    /// Extra levels a certificate brings instead of (or besides) money; the highest only.
    pub certificate_levels: BTreeMap<CertificateLevel, u32>,
    /// Extra entry levels by education.
    pub entry_education_levels: BTreeMap<EducationKey, u32>,
    pub progression: Progression,
    pub floor: Option<Floor>,
    /// Computing, reviewing and locking a month are done by different people (制表、审核分开);
    /// `separate_duties = false` lets one person do all three (a small office).
    pub separate_duties: bool,
}

/// Education brackets as policy keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EducationKey {
    Postgraduate,
    Bachelor,
    College,
    HighSchool,
}

impl From<EducationBracket> for EducationKey {
    fn from(b: EducationBracket) -> Self {
        match b {
            EducationBracket::Postgraduate => Self::Postgraduate,
            EducationBracket::Bachelor => Self::Bachelor,
            EducationBracket::College => Self::College,
            EducationBracket::HighSchoolOrBelow => Self::HighSchool,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrainingPolicy {
    /// Credits each worker must earn in a calendar year (0: no quota).
    pub credits_per_year: u32,
    /// 书记、主任 trained every this many years.
    pub head_every_years: u32,
    pub others_every_years: u32,
    /// Certified social workers each community should have.
    pub certificate_goal: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssessmentPolicy {
    /// Weights in per cent of the organisation's score, residents' evaluation (群众评议) and the
    /// routine (平时) records; they sum to 100.
    pub organisation_weight: u32,
    pub residents_weight: u32,
    pub routine_weight: u32,
    /// Lowest combined score (0–100) for each grade, best first; the last grade takes the rest.
    pub thresholds: Vec<(Grade, u32)>,
    /// The grades this region uses, best first.
    pub grades: Vec<Grade>,
    /// At most this share (per cent) of a round may be 优秀.
    pub excellent_cap_pct: Option<u32>,
    /// How the routine score (日常考核) is proposed from the year's 事务办理 (`None`: not proposed).
    pub routine_from_events: Option<crate::affairs::RoutineRule>,
}

impl AssessmentPolicy {
    /// The rule proposing routine scores from 事务办理, when there is one and the routine score counts.
    pub fn routine_rule(&self) -> Option<crate::affairs::RoutineRule> {
        self.routine_from_events.filter(|_| self.routine_weight > 0)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReservePolicy {
    /// Reserve candidates (后备力量) wanted per 两委 seat (六盘水 1:3 read as three per seat).
    pub per_seat: u32,
}

/// A whole policy, parsed and checked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Policy {
    pub name: String,
    pub title: String,
    pub source: String,
    pub posts: Vec<PostPolicy>,
    pub staffing: StaffingPolicy,
    pub pay: PayPolicy,
    pub training: TrainingPolicy,
    pub assessment: AssessmentPolicy,
    pub exit: ExitRule,
    pub reserve: ReservePolicy,
    pub agreement_alert_days: u32,
    /// 民情事件: categories and time limits (the shipped default when the file has no `[events]`).
    pub events: crate::event_policy::EventPolicy,
    /// 招聘: eligibility, bonuses, the interview ratio and the weights (the shipped default when the
    /// file has no `[recruitment]`).
    pub recruitment: crate::recruitment::RecruitmentPolicy,
    /// 服务群众: visits, patrols, care households, service roles, the window (the shipped default
    /// when the file has no `[service]`).
    pub service: crate::visits::ServicePolicy,
    /// 三务公开 and 双随机 spot checks (the shipped default when the file has no `[openness]`).
    pub openness: crate::openness::OpennessPolicy,
}

/// The TOML reader's reason for refusing a file, in Chinese: the usual ones word by word, any
/// other with the reader's own words in brackets.
pub fn toml_reason(message: &str) -> String {
    let m = message.trim();
    let quoted =
        |after: &str| m.split_once(after).and_then(|(_, rest)| rest.split('`').nth(1)).unwrap_or("").to_string();
    let kind = |t: &str| match t {
        t if t.contains("integer") || t.contains("u32") || t.contains("i32") || t.contains("i64") => "整数",
        t if t.contains("float") || t.contains("f64") => "数字",
        t if t.contains("bool") => "true 或 false",
        t if t.contains("string") || t.contains("date") => "带引号的文本",
        t if t.contains("sequence") || t.contains("array") => "列表（[…]）",
        t if t.contains("map") || t.contains("struct") || t.contains("table") => "表",
        _ => "其他类型",
    };
    if m.starts_with("missing field") {
        format!("缺少字段“{}”", quoted("missing field"))
    } else if m.starts_with("unknown field") {
        format!("不认识的字段“{}”", quoted("unknown field"))
    } else if m.starts_with("duplicate key") {
        "同一个键写了两次".to_string()
    } else if m.starts_with("invalid type") {
        let expected = m.rsplit_once("expected").map_or("", |(_, e)| e);
        format!("值的类型不对，应为{}", kind(expected))
    } else if m.starts_with("unknown variant") {
        format!("不认识的取值“{}”", quoted("unknown variant"))
    } else if m.contains("unclosed table") {
        "表头缺少“]”".to_string()
    } else if m.contains("unclosed array") {
        "列表缺少“]”".to_string()
    } else if m.contains("unclosed inline table") {
        "内联表缺少“}”".to_string()
    } else if m.contains("string values must be quoted") {
        "文本应加引号".to_string()
    } else if m.starts_with("extra") {
        format!("多余的“{}”", quoted("extra"))
    } else if m.contains("invalid basic string") || m.contains("invalid literal string") || m.contains("unterminated") {
        "文本的引号不成对".to_string()
    } else if m.contains("expected `=`") || m.contains("expected `.`, `=`") {
        "键和值之间应有“=”".to_string()
    } else if m.contains("invalid number") || m.contains("invalid integer") || m.contains("invalid float") {
        "数字的写法不正确".to_string()
    } else {
        format!("无法读取（{m}）")
    }
}

impl Policy {
    pub fn post(&self, key: &str) -> Option<&PostPolicy> {
        self.posts.iter().find(|p| p.key == key)
    }

    /// Parses and checks a policy file.
    pub fn parse(text: &str) -> Result<Policy, PolicyError> {
        let raw: RawPolicy = toml::from_str(text).map_err(|e| PolicyError {
            line: e.span().map_or(1, |s| line_of(text, s.start)),
            message: format!("格式错误：{}", toml_reason(e.message())),
        })?;
        raw.check(text)
    }

    /// The grade a combined score (tenths of a point) earns before any cap.
    pub fn grade_for_score(&self, score_tenths: u32) -> Grade {
        for (g, min) in &self.assessment.thresholds {
            if score_tenths >= min * 10 {
                return *g;
            }
        }
        *self.assessment.grades.last().expect("checked: at least two grades")
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].bytes().filter(|b| *b == b'\n').count() + 1
}

// ---- the file as written -------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    name: Spanned<String>,
    title: String,
    source: Spanned<String>,
    posts: Spanned<Vec<Spanned<RawPost>>>,
    staffing: Spanned<RawStaffing>,
    pay: Spanned<RawPay>,
    training: Spanned<RawTraining>,
    assessment: Spanned<RawAssessment>,
    exit: Spanned<RawExit>,
    #[serde(default)]
    reserve: Option<RawReserve>,
    #[serde(default)]
    agreement: Option<RawAgreement>,
    #[serde(default)]
    events: Option<Spanned<crate::event_policy::RawEvents>>,
    #[serde(default)]
    recruitment: Option<Spanned<crate::recruitment::RecruitmentPolicy>>,
    #[serde(default)]
    service: Option<Spanned<crate::visits::ServicePolicy>>,
    #[serde(default)]
    openness: Option<Spanned<crate::openness::OpennessPolicy>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPost {
    key: String,
    label: String,
    levels: [u32; 2],
    #[serde(default)]
    post_pay: Option<Spanned<toml::Value>>,
    #[serde(default)]
    allowance: Option<Spanned<toml::Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStaffing {
    norm: StaffingNorm,
    #[serde(default)]
    party_building_min: u32,
    grid_households: [u32; 2],
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPay {
    unit: String,
    levels: u32,
    #[serde(default)]
    base: Option<Spanned<Vec<toml::Value>>>,
    #[serde(default)]
    base_reference: Option<Spanned<RawReference>>,
    #[serde(default)]
    performance_pct: u32,
    #[serde(default)]
    performance_factors: BTreeMap<Grade, u32>,
    #[serde(default)]
    education_allowance: BTreeMap<EducationKey, Spanned<toml::Value>>,
    #[serde(default)]
    certificate_allowance: BTreeMap<CertificateLevel, Spanned<toml::Value>>,
    #[serde(default)]
    certificate_levels: BTreeMap<CertificateLevel, u32>,
    #[serde(default)]
    entry_education_levels: BTreeMap<EducationKey, u32>,
    progression: Spanned<RawProgression>,
    #[serde(default)]
    floor: Option<RawFloor>,
    #[serde(default = "yes")]
    separate_duties: bool,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReference {
    key: String,
    start_pct: f64,
    step_pct: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFloor {
    key: String,
    pct: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProgression {
    years_per_level: u32,
    min_grade: Grade,
    #[serde(default)]
    early_after_excellent: u32,
    #[serde(default)]
    early_max: u32,
    #[serde(default)]
    ungraded_years: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTraining {
    #[serde(default)]
    credits_per_year: u32,
    head_every_years: u32,
    others_every_years: u32,
    certificate_goal: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAssessment {
    grades: Vec<Grade>,
    organisation_weight: u32,
    residents_weight: u32,
    #[serde(default)]
    routine_weight: u32,
    min_scores: BTreeMap<Grade, u32>,
    #[serde(default)]
    excellent_cap_pct: Option<u32>,
    #[serde(default)]
    routine_from_events: Option<RawRoutine>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRoutine {
    base: u32,
    per_report: u32,
    report_cap: u32,
    per_handled: u32,
    handled_cap: u32,
    on_time: u32,
    /// From the service record: one point per `*_every` of a kind up to its cap (0: not counted).
    #[serde(default)]
    visits_every: u32,
    #[serde(default)]
    visits_cap: u32,
    #[serde(default)]
    wishes_every: u32,
    #[serde(default)]
    wishes_cap: u32,
    #[serde(default)]
    meetings_every: u32,
    #[serde(default)]
    meetings_cap: u32,
    #[serde(default)]
    duty_every: u32,
    #[serde(default)]
    duty_cap: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExit {
    incompetent_consecutive: u32,
    incompetent_total: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReserve {
    per_seat: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAgreement {
    alert_days: u32,
}

/// Yuan as written (an integer or a number with at most two decimals) to fen.
fn yuan(v: &Spanned<toml::Value>, text: &str, what: &str) -> Result<Fen, PolicyError> {
    let err = || PolicyError {
        line: line_of(text, v.span().start),
        message: format!("{what}应为不小于0、最多两位小数的元金额"),
    };
    let fen = match v.get_ref() {
        toml::Value::Integer(i) => i.checked_mul(100).ok_or_else(err)?,
        toml::Value::Float(f) => {
            let fen = (f * 100.0).round();
            if (fen - f * 100.0).abs() > 1e-6 || !fen.is_finite() {
                return Err(err());
            }
            fen as i64
        }
        _ => return Err(err()),
    };
    if fen < 0 { Err(err()) } else { Ok(fen) }
}

fn at<T>(s: &Spanned<T>, text: &str, message: impl Into<String>) -> PolicyError {
    PolicyError { line: line_of(text, s.span().start), message: message.into() }
}

fn span_line(span: Range<usize>, text: &str) -> usize {
    line_of(text, span.start)
}

impl RawPolicy {
    /// The whole file, section by section, in the order a reader meets them; the first problem is
    /// the answer.
    fn check(self, text: &str) -> Result<Policy, PolicyError> {
        let name = check_name(&self.name, &self.source, text)?;
        let levels = self.pay.get_ref().levels;
        if !(1..=60).contains(&levels) {
            return Err(at(&self.pay, text, "pay.levels 应在1至60之间"));
        }
        let posts = check_posts(&self.posts, levels, text)?;
        let staffing = check_staffing(&self.staffing, text)?;
        let pay = check_pay(&self.pay, text)?;
        let training = check_training(&self.training, text)?;
        let assessment = check_assessment(&self.assessment, text)?;
        let exit = check_exit(&self.exit, text)?;
        let events = match self.events {
            Some(e) => {
                let line = span_line(e.span(), text);
                e.into_inner().check().map_err(|message| PolicyError { line, message })?
            }
            None => crate::event_policy::EventPolicy::default(),
        };
        let recruitment = match self.recruitment {
            Some(r) => {
                let line = span_line(r.span(), text);
                let r = r.into_inner();
                r.check().map_err(|message| PolicyError { line, message })?;
                r
            }
            None => crate::recruitment::RecruitmentPolicy::default(),
        };
        let service = match self.service {
            Some(r) => {
                let line = span_line(r.span(), text);
                let r = r.into_inner();
                r.check().map_err(|message| PolicyError { line, message })?;
                r
            }
            None => crate::visits::ServicePolicy::default(),
        };
        let openness = match self.openness {
            Some(r) => {
                let line = span_line(r.span(), text);
                let r = r.into_inner();
                r.check().map_err(|message| PolicyError { line, message })?;
                r
            }
            None => crate::openness::OpennessPolicy::default(),
        };
        Ok(Policy {
            openness,
            events,
            recruitment,
            service,
            name,
            title: self.title.trim().to_string(),
            source: self.source.get_ref().trim().to_string(),
            posts,
            staffing,
            pay,
            training,
            assessment,
            exit,
            reserve: ReservePolicy { per_seat: self.reserve.map_or(0, |r| r.per_seat) },
            agreement_alert_days: self.agreement.map_or(90, |a| a.alert_days),
        })
    }
}

/// `name` (a key) and `source` (the policy's basis).
fn check_name(raw: &Spanned<String>, source: &Spanned<String>, text: &str) -> Result<String, PolicyError> {
    let name = raw.get_ref().trim().to_string();
    if name.is_empty()
        || name.len() > 40
        || !name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(at(raw, text, "name 只能由小写字母、数字和“-”组成，且不超过40个字符"));
    }
    if source.get_ref().trim().is_empty() {
        return Err(at(source, text, "source 应注明政策依据（文件名称或文号）"));
    }
    Ok(name)
}

/// `[[posts]]`: each post category with its level range and pay.
fn check_posts(raw: &Spanned<Vec<Spanned<RawPost>>>, levels: u32, text: &str) -> Result<Vec<PostPolicy>, PolicyError> {
    if raw.get_ref().is_empty() {
        return Err(at(raw, text, "至少应定义一个岗位类别"));
    }
    let mut posts = Vec::new();
    for p in raw.get_ref() {
        let r = p.get_ref();
        let key = r.key.trim();
        if key.is_empty() || !key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
            return Err(at(p, text, format!("岗位类别键“{key}”只能由小写字母和“_”组成")));
        }
        if posts.iter().any(|q: &PostPolicy| q.key == key) {
            return Err(at(p, text, format!("岗位类别“{key}”重复定义")));
        }
        let [lo, hi] = r.levels;
        if lo < 1 || lo > hi || hi > levels {
            return Err(at(
                p,
                text,
                format!("岗位“{}”的等级范围 {lo}–{hi} 应在 1–{levels} 之内且下限不大于上限", r.label),
            ));
        }
        posts.push(PostPolicy {
            key: key.to_string(),
            label: r.label.trim().to_string(),
            min_level: lo,
            max_level: hi,
            post_pay: r.post_pay.as_ref().map(|v| yuan(v, text, "post_pay")).transpose()?.unwrap_or(0),
            allowance: r.allowance.as_ref().map(|v| yuan(v, text, "allowance")).transpose()?.unwrap_or(0),
        });
    }
    Ok(posts)
}

/// `[staffing]`: the norm and the grid size.
fn check_staffing(raw: &Spanned<RawStaffing>, text: &str) -> Result<StaffingPolicy, PolicyError> {
    let s = raw.get_ref();
    let [gmin, gmax] = s.grid_households;
    if gmin == 0 || gmin > gmax {
        return Err(at(raw, text, "staffing.grid_households 应为 [下限, 上限]，且下限大于0、不大于上限"));
    }
    let norm_ok = match s.norm {
        StaffingNorm::Tiered { base_min, base_max, step_min, step_max, .. } => {
            base_min <= base_max && step_min > 0 && step_min <= step_max
        }
        StaffingNorm::PerHouseholds { households } => households > 0,
        StaffingNorm::PerResidents { per_10000 } => per_10000 > 0,
    };
    if !norm_ok {
        return Err(at(raw, text, "staffing.norm 的数值不一致（下限应不大于上限，步长应大于0）"));
    }
    Ok(StaffingPolicy {
        norm: s.norm,
        party_building_min: s.party_building_min,
        grid_households_min: gmin,
        grid_households_max: gmax,
    })
}

/// `pay.base` (an amount per level, rising) or `pay.base_reference` (a share of the reference wage).
fn check_base(raw: &Spanned<RawPay>, text: &str) -> Result<BasePay, PolicyError> {
    let raw_pay = raw.get_ref();
    let levels = raw_pay.levels;
    Ok(match (&raw_pay.base, &raw_pay.base_reference) {
        (Some(t), None) => {
            if t.get_ref().len() != levels as usize {
                return Err(at(
                    t,
                    text,
                    format!("pay.base 应列出 {levels} 个{}的金额，实际 {} 个", raw_pay.unit, t.get_ref().len()),
                ));
            }
            let mut amounts = Vec::new();
            for v in t.get_ref() {
                amounts.push(yuan(&Spanned::new(t.span(), v.clone()), text, "pay.base")?);
            }
            if amounts.windows(2).any(|w| w[1] < w[0]) {
                return Err(at(t, text, "pay.base 的金额应随等级递增（不得下降）"));
            }
            BasePay::Table { amounts }
        }
        (None, Some(r)) => {
            let rr = r.get_ref();
            let permille = |x: f64| (x * 10.0).round();
            if !(0.0..=1000.0).contains(&rr.start_pct)
                || !(0.0..=100.0).contains(&rr.step_pct)
                || (permille(rr.start_pct) - rr.start_pct * 10.0).abs() > 1e-6
                || (permille(rr.step_pct) - rr.step_pct * 10.0).abs() > 1e-6
            {
                return Err(at(r, text, "pay.base_reference 的 start_pct、step_pct 应为最多一位小数的百分比"));
            }
            check_key(&rr.key, r.span(), text)?;
            BasePay::Reference {
                key: rr.key.clone(),
                start_permille: permille(rr.start_pct) as u32,
                step_permille: permille(rr.step_pct) as u32,
            }
        }
        _ => {
            return Err(at(raw, text, "pay 中应给出 base（按等级的金额表）或 base_reference（参照工资的比例）之一"));
        }
    })
}

/// `[pay]`: the base (a table or a share of the reference wage), performance, allowances,
/// progression and the floor.
fn check_pay(raw: &Spanned<RawPay>, text: &str) -> Result<PayPolicy, PolicyError> {
    let raw_pay = raw.get_ref();
    let levels = raw_pay.levels;
    let base = check_base(raw, text)?;
    if raw_pay.performance_pct > 90 {
        return Err(at(raw, text, "pay.performance_pct 应在0至90之间"));
    }
    if raw_pay.performance_pct > 0 && raw_pay.performance_factors.is_empty() {
        return Err(at(raw, text, "设置了绩效比例时应给出 pay.performance_factors（各等次的分配系数）"));
    }
    let mut education_allowance = BTreeMap::new();
    for (k, v) in &raw_pay.education_allowance {
        education_allowance.insert(*k, yuan(v, text, "education_allowance")?);
    }
    let mut certificate_allowance = BTreeMap::new();
    for (k, v) in &raw_pay.certificate_allowance {
        certificate_allowance.insert(*k, yuan(v, text, "certificate_allowance")?);
    }
    let p = raw_pay.progression.get_ref();
    if p.years_per_level == 0 || p.years_per_level > 10 {
        return Err(at(&raw_pay.progression, text, "pay.progression.years_per_level 应在1至10之间"));
    }
    if p.early_after_excellent == 1 {
        return Err(at(&raw_pay.progression, text, "early_after_excellent 应为0（不提前）或至少2年"));
    }
    let floor = match &raw_pay.floor {
        Some(f) => {
            check_key(&f.key, raw.span(), text)?;
            if f.pct == 0 || f.pct > 500 {
                return Err(at(raw, text, "pay.floor.pct 应在1至500之间"));
            }
            Some(Floor { key: f.key.clone(), permille: f.pct * 10 })
        }
        None => None,
    };
    let pay = PayPolicy {
        unit: raw_pay.unit.trim().to_string(),
        levels,
        base,
        performance_pct: raw_pay.performance_pct,
        performance_factors: raw_pay.performance_factors.clone(),
        education_allowance,
        certificate_allowance,
        certificate_levels: raw_pay.certificate_levels.clone(),
        entry_education_levels: raw_pay.entry_education_levels.clone(),
        progression: Progression {
            years_per_level: p.years_per_level,
            min_grade: p.min_grade,
            early_after_excellent: p.early_after_excellent,
            early_max: p.early_max,
            ungraded_count: match p.ungraded_years.as_deref() {
                None | Some("count") => true,
                Some("skip") => false,
                Some(_) => {
                    return Err(at(
                        raw,
                        text,
                        "pay.progression.ungraded_years 应为“count”（无考核记录的年度视同合格）或“skip”（不计入）",
                    ));
                }
            },
        },
        floor,
        separate_duties: raw_pay.separate_duties,
    };
    if pay.unit != "级" && pay.unit != "档" {
        return Err(at(raw, text, "pay.unit 应为“级”或“档”"));
    }
    Ok(pay)
}

/// `[training]`: the rotation and the yearly credits.
fn check_training(raw: &Spanned<RawTraining>, text: &str) -> Result<TrainingPolicy, PolicyError> {
    let t = raw.get_ref();
    if t.head_every_years == 0 || t.others_every_years == 0 || t.head_every_years > 5 || t.others_every_years > 5 {
        return Err(at(raw, text, "轮训周期应在1至5年之间"));
    }
    Ok(TrainingPolicy {
        credits_per_year: t.credits_per_year,
        head_every_years: t.head_every_years,
        others_every_years: t.others_every_years,
        certificate_goal: t.certificate_goal,
    })
}

/// `[assessment]`: the weights, the grades with their score thresholds, the 优秀 cap.
fn check_assessment(raw: &Spanned<RawAssessment>, text: &str) -> Result<AssessmentPolicy, PolicyError> {
    let a = raw.get_ref();
    // Summed wide: weights typed as huge numbers must not wrap round to 100.
    let sum = u64::from(a.organisation_weight) + u64::from(a.residents_weight) + u64::from(a.routine_weight);
    if sum != 100 {
        return Err(at(
            raw,
            text,
            format!(
                "考核权重之和应为100，实际为{}（组织评价{}＋群众评议{}＋平时考核{}）",
                sum, a.organisation_weight, a.residents_weight, a.routine_weight
            ),
        ));
    }
    if a.grades.len() < 2 || a.grades.windows(2).any(|w| w[0] >= w[1]) {
        return Err(at(raw, text, "assessment.grades 应按从好到差列出至少两个不重复的等次"));
    }
    let worst = *a.grades.last().expect("two or more");
    let mut thresholds = Vec::new();
    for g in &a.grades[..a.grades.len() - 1] {
        let Some(min) = a.min_scores.get(g) else {
            return Err(at(raw, text, format!("assessment.min_scores 缺少“{}”的分数线", g.label())));
        };
        if *min > 100 || thresholds.last().is_some_and(|(_, m)| *m <= *min) {
            return Err(at(raw, text, "assessment.min_scores 应随等次降低而递减，且不超过100"));
        }
        thresholds.push((*g, *min));
    }
    if a.min_scores.keys().any(|g| !a.grades.contains(g) || *g == worst) {
        return Err(at(raw, text, "assessment.min_scores 只应列出 grades 中除最低等次以外的等次"));
    }
    if a.excellent_cap_pct.is_some_and(|c| c == 0 || c > 100) {
        return Err(at(raw, text, "assessment.excellent_cap_pct 应在1至100之间"));
    }
    let routine = a.routine_from_events.as_ref().map(|r| crate::affairs::RoutineRule {
        base: r.base,
        per_report: r.per_report,
        report_cap: r.report_cap,
        per_handled: r.per_handled,
        handled_cap: r.handled_cap,
        on_time: r.on_time,
        service: crate::affairs::ServiceWeights {
            visits_every: r.visits_every,
            visits_cap: r.visits_cap,
            wishes_every: r.wishes_every,
            wishes_cap: r.wishes_cap,
            meetings_every: r.meetings_every,
            meetings_cap: r.meetings_cap,
            duty_every: r.duty_every,
            duty_cap: r.duty_cap,
        },
    });
    if let Some(r) = routine
        && [
            r.base,
            r.report_cap,
            r.handled_cap,
            r.on_time,
            r.per_report,
            r.per_handled,
            r.service.visits_cap,
            r.service.wishes_cap,
            r.service.meetings_cap,
            r.service.duty_cap,
        ]
        .iter()
        .any(|v| *v > 100)
    {
        return Err(at(raw, text, "assessment.routine_from_events 的各项分值应在0至100之间"));
    }
    Ok(AssessmentPolicy {
        organisation_weight: a.organisation_weight,
        residents_weight: a.residents_weight,
        routine_weight: a.routine_weight,
        thresholds,
        grades: a.grades.clone(),
        excellent_cap_pct: a.excellent_cap_pct,
        routine_from_events: routine,
    })
}

/// `[exit]`: the years of 不合格 that end a post.
fn check_exit(raw: &Spanned<RawExit>, text: &str) -> Result<ExitRule, PolicyError> {
    let e = raw.get_ref();
    if e.incompetent_consecutive == 1 || e.incompetent_total == 0 && e.incompetent_consecutive == 0 {
        return Err(at(raw, text, "退出规则应为连续至少2年或累计若干年不合格"));
    }
    if e.incompetent_total != 0 && e.incompetent_total < e.incompetent_consecutive {
        return Err(at(
            raw,
            text,
            format!(
                "累计不合格年数（{}年）不应少于连续不合格年数（{}年），否则连续的规定不起作用",
                e.incompetent_total, e.incompetent_consecutive
            ),
        ));
    }
    Ok(ExitRule { consecutive: e.incompetent_consecutive, total: e.incompetent_total })
}

fn check_key(key: &str, span: Range<usize>, text: &str) -> Result<(), PolicyError> {
    if key.is_empty() || !key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
        return Err(PolicyError {
            line: span_line(span, text),
            message: format!("参照工资的键“{key}”只能由小写字母和“_”组成"),
        });
    }
    Ok(())
}

/// The policies shegong ships, each citing its source document.
pub const SHIPPED: [(&str, &str); 5] = [
    ("jilin-2020", include_str!("../policies/jilin-2020.toml")),
    ("haining-2020", include_str!("../policies/haining-2020.toml")),
    ("liupanshui-2021", include_str!("../policies/liupanshui-2021.toml")),
    ("xinzhou-2020", include_str!("../policies/xinzhou-2020.toml")),
    ("xiamen-xiangan-2013", include_str!("../policies/xiamen-xiangan-2013.toml")),
];

/// A shipped policy by name, parsed.
pub fn shipped(name: &str) -> Option<Policy> {
    SHIPPED.iter().find(|(n, _)| *n == name).map(|(_, t)| Policy::parse(t).expect("shipped policies parse (tested)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_policy_parses_and_cites_its_source() {
        for (name, text) in SHIPPED {
            let p = Policy::parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(p.name, name);
            assert!(
                p.source.contains('《') || p.source.contains('〔') || p.source.contains('“'),
                "{name}: the source names no document"
            );
            for key in ["head", "deputy", "staff"] {
                assert!(p.post(key).is_some(), "{name} lacks {key}");
            }
        }
        let x = shipped("xiamen-xiangan-2013").unwrap();
        assert_eq!(x.post("committee").unwrap().post_pay, 80_000);
        assert_eq!(x.post("station").unwrap().allowance, 30_000);
        assert_eq!(shipped("liupanshui-2021").unwrap().posts.len(), 5);
        assert_eq!(shipped("liupanshui-2021").unwrap().reserve.per_seat, 3);
        assert_eq!(shipped("jilin-2020").unwrap().pay.performance_pct, 30);
    }

    fn refused(text: &str) -> PolicyError {
        Policy::parse(text).expect_err("should be refused")
    }

    #[test]
    fn the_readers_reasons_are_said_in_chinese() {
        for (text, said) in [
            ("[staffing\nname = 1", "表头缺少“]”"),
            ("name = \"x\"\nname = \"y\"", "同一个键写了两次"),
            ("name = 1x", "文本应加引号"),
            ("title = \"x", "文本的引号不成对"),
            ("title \"x\"", "键和值之间应有“=”"),
        ] {
            let e = refused(text);
            assert!(e.message.contains(said), "{text:?}: {}", e.message);
        }
        assert_eq!(toml_reason("missing field `name`"), "缺少字段“name”");
        assert_eq!(toml_reason("invalid type: string \"a\", expected u32"), "值的类型不对，应为整数");
        assert_eq!(toml_reason("unknown field `x`, expected one of `a`, `b`"), "不认识的字段“x”");
        assert!(toml_reason("something new").starts_with("无法读取（something new）"));
    }

    #[test]
    fn refusals_name_the_line_and_the_reason() {
        let good = SHIPPED[4].1;
        // a syntax error
        let broken = good.replacen("levels = 12", "levels = = 12", 1);
        let e = refused(&broken);
        let line = broken.lines().position(|l| l.contains("levels = = 12")).unwrap() + 1;
        assert_eq!(e.line, line);
        assert!(e.message.starts_with("格式错误"));
        assert!(!e.message.is_ascii() && !e.message.contains("expected"), "{e}");
        // weights that wrap round to 100 in 32 bits
        assert!(good.contains("organisation_weight = 70") && !good.contains("routine_weight"));
        let wrap = good.replacen("organisation_weight = 70", "organisation_weight = 4294967295", 1).replacen(
            "residents_weight = 30",
            "residents_weight = 101",
            1,
        );
        assert!(refused(&wrap).message.contains("权重之和应为100"), "{}", refused(&wrap));
        // weights that do not sum to 100
        let bad = good.replacen("residents_weight = 30", "residents_weight = 40", 1);
        let e = refused(&bad);
        assert!(e.message.contains("权重之和应为100"), "{e}");
        assert_eq!(e.line, bad.lines().position(|l| l.trim() == "[assessment]").unwrap() + 1);
        // a post whose levels leave the scale
        let bad = good.replacen("levels = [1, 12]", "levels = [1, 14]", 1);
        let e = refused(&bad);
        assert!(e.message.contains("等级范围"), "{e}");
        // a base table of the wrong length
        let bad = good.replacen("1200, ", "", 1);
        assert!(refused(&bad).message.contains("应列出 12 个"));
        // an unknown field
        let bad = good.replacen("[exit]", "[exit]\nbogus = 1", 1);
        assert!(refused(&bad).message.contains("bogus"));
        // amounts with three decimals
        let bad = good.replacen("post_pay = 1100", "post_pay = 1100.005", 1);
        assert!(refused(&bad).message.contains("post_pay"));
    }

    #[test]
    fn grades_from_scores() {
        let p = shipped("jilin-2020").unwrap();
        assert_eq!(p.grade_for_score(905), Grade::Excellent);
        assert_eq!(p.grade_for_score(899), Grade::Competent);
        assert_eq!(p.grade_for_score(600), Grade::BasicallyCompetent);
        assert_eq!(p.grade_for_score(599), Grade::Incompetent);
    }
}
