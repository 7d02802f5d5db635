//! Pay (薪酬): a worker's level under a policy, explained step by step, and the
//! monthly payslip in integer fen. Pure functions; the payroll run stores what they return.

use crate::FieldError;
use crate::career::Grade;
use crate::policy::{BasePay, EducationKey, Fen, Policy};
use crate::worker::CertificateLevel;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What the pay rules need to know of a worker.
#[derive(Debug, Clone)]
pub struct PayInput<'a> {
    pub post: &'a str,
    pub education: Option<EducationKey>,
    pub certificate: Option<CertificateLevel>,
    pub service_start: NaiveDate,
    /// Published grades, any order, one per year.
    pub grades: &'a [(i32, Grade)],
}

/// One change of level, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct LevelStep {
    pub from: NaiveDate,
    pub delta: i32,
    pub level: u32,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct LevelResult {
    pub level: u32,
    pub steps: Vec<LevelStep>,
}

/// Why pay could not be computed for a worker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PayError {
    pub code: &'static str,
    pub message: String,
}

fn unknown_post(post: &str, policy: &Policy) -> PayError {
    PayError {
        code: "post_not_in_policy", message: format!("岗位类别“{post}”不在政策“{}”中", policy.title)
    }
}

/// The level on `as_of` (steps take effect on 1 January after the years that earn them).
///
/// Entry: the post's lowest level plus the policy's entry levels for education. Progression: one
/// level per `years_per_level` full calendar years of service whose grade is at least the policy's
/// minimum (a year without a grade on record counts as 合格 unless the policy says
/// `ungraded_years = "skip"`, and the explanation names such years; a 不合格 year never counts). Two (or the policy's
/// number of) consecutive 优秀 years earn one early level, up to the policy's cap. A certificate adds
/// the policy's extra levels for the highest level held. Never above the post's highest level.
pub fn level(policy: &Policy, w: &PayInput<'_>, as_of: NaiveDate) -> Result<LevelResult, PayError> {
    let post = policy.post(w.post).ok_or_else(|| unknown_post(w.post, policy))?;
    let unit = &policy.pay.unit;
    let mut steps = Vec::new();
    let mut lvl = post.min_level;
    let mut reason = format!("{}起点第{}{unit}", post.label, post.min_level);
    if let Some(extra) = w.education.and_then(|e| policy.pay.entry_education_levels.get(&e)).copied()
        && extra > 0
    {
        lvl += extra;
        reason.push_str(&format!("，学历加{extra}{unit}"));
    }
    let top = post.max_level;
    lvl = lvl.min(top);
    steps.push(LevelStep { from: w.service_start, delta: lvl as i32, level: lvl, reason });
    let prog = &policy.pay.progression;
    let grade_of = |y: i32| w.grades.iter().find(|(gy, _)| *gy == y).map(|(_, g)| *g);
    // Full calendar years: the first is the year after the start unless service began on 1 January.
    let first = if w.service_start.ordinal() == 1 { w.service_start.year() } else { w.service_start.year() + 1 };
    let min_label = format!("{}及以上", prog.min_grade.label());
    let mut counted: Vec<(i32, Option<Grade>)> = Vec::new();
    let mut excellent_run = 0u32;
    let mut early = 0u32;
    for y in first..as_of.year() {
        let g = grade_of(y);
        let counts = match g {
            Some(g) => g <= prog.min_grade,
            None => prog.ungraded_count,
        };
        let effective = NaiveDate::from_ymd_opt(y + 1, 1, 1).expect("valid");
        if counts {
            counted.push((y, g));
        }
        if counted.len() as u32 == prog.years_per_level {
            let reason = step_reason(prog.years_per_level, &counted, &min_label, unit);
            counted.clear();
            if lvl < top {
                lvl += 1;
                steps.push(LevelStep { from: effective, delta: 1, level: lvl, reason });
            }
        }
        if g == Some(Grade::Excellent) {
            excellent_run += 1;
        } else {
            excellent_run = 0;
        }
        if prog.early_after_excellent >= 2 && excellent_run == prog.early_after_excellent {
            excellent_run = 0;
            if early < prog.early_max && lvl < top {
                early += 1;
                lvl += 1;
                steps.push(LevelStep {
                    from: effective,
                    delta: 1,
                    level: lvl,
                    reason: format!("连续{}年优秀，提前晋升1{unit}", prog.early_after_excellent),
                });
            }
        }
    }
    if let Some(c) = w.certificate
        && let Some(extra) = policy.pay.certificate_levels.get(&c).copied()
        && extra > 0
    {
        let before = lvl;
        lvl = (lvl + extra).min(top);
        if lvl > before {
            steps.push(LevelStep {
                from: w.service_start.max(NaiveDate::from_ymd_opt(as_of.year(), 1, 1).expect("valid")),
                delta: (lvl - before) as i32,
                level: lvl,
                reason: format!("持{}证，加{}{unit}（取最高证书）", c.short_label(), lvl - before),
            });
        }
    }
    Ok(LevelResult { level: lvl, steps })
}

/// Why a step was earned: the years and their grades, and the years with no grade on record, which
/// the policy counts as 合格 (e.g. "满3年晋升1级：2017年合格、2018年优秀；2019年无考核记录，按政策视同合格").
fn step_reason(years_per_level: u32, counted: &[(i32, Option<Grade>)], min_label: &str, unit: &str) -> String {
    let graded: Vec<String> = counted.iter().filter_map(|(y, g)| g.map(|g| format!("{y}年{}", g.label()))).collect();
    let ungraded: Vec<String> = counted.iter().filter(|(_, g)| g.is_none()).map(|(y, _)| y.to_string()).collect();
    let mut parts = Vec::new();
    if !graded.is_empty() {
        parts.push(graded.join("、"));
    }
    if !ungraded.is_empty() {
        parts.push(format!("{}年无考核记录，按政策视同合格", ungraded.join("、")));
    }
    format!("满{years_per_level}年（考核{min_label}）晋升1{unit}：{}", parts.join("；"))
}

/// The components of a month's pay, in the order every payslip, total, sheet and page shows them.
/// A new component is added here (with its column in the payslip table and its rule in
/// [`monthly`]); everything that lists components iterates [`Component::ALL`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Component {
    Base,
    PostPay,
    Allowance,
    Education,
    Certificate,
    Performance,
}

impl Component {
    pub const ALL: [Component; 6] =
        [Self::Base, Self::PostPay, Self::Allowance, Self::Education, Self::Certificate, Self::Performance];

    /// The key in JSON.
    pub fn key(self) -> &'static str {
        match self {
            Self::Base => "base",
            Self::PostPay => "post_pay",
            Self::Allowance => "allowance",
            Self::Education => "education",
            Self::Certificate => "certificate",
            Self::Performance => "performance",
        }
    }

    /// The name on a payslip.
    pub fn label(self) -> &'static str {
        match self {
            Self::Base => "级别薪酬",
            Self::PostPay => "岗位薪酬",
            Self::Allowance => "岗位津贴",
            Self::Education => "学历津贴",
            Self::Certificate => "职业资格津贴",
            Self::Performance => "绩效薪酬",
        }
    }

    /// The payslip table's column.
    pub fn column(self) -> &'static str {
        match self {
            Self::Base => "base_fen",
            Self::PostPay => "post_pay_fen",
            Self::Allowance => "allowance_fen",
            Self::Education => "education_fen",
            Self::Certificate => "certificate_fen",
            Self::Performance => "performance_fen",
        }
    }
}

/// A month's pay, component by component, in fen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Payslip {
    pub level: u32,
    /// 级别薪酬 / 档 base.
    pub base: Fen,
    /// 岗位薪酬.
    pub post_pay: Fen,
    /// 岗位津贴.
    pub allowance: Fen,
    /// 学历津贴.
    pub education: Fen,
    /// 职业资格津贴.
    pub certificate: Fen,
    /// 绩效薪酬 (after the street's split).
    pub performance: Fen,
    pub total: Fen,
}

impl Payslip {
    /// One component's amount.
    pub fn get(&self, c: Component) -> Fen {
        match c {
            Component::Base => self.base,
            Component::PostPay => self.post_pay,
            Component::Allowance => self.allowance,
            Component::Education => self.education,
            Component::Certificate => self.certificate,
            Component::Performance => self.performance,
        }
    }

    /// Every component's amount, in [`Component::ALL`]'s order.
    pub fn components(&self) -> [Fen; 6] {
        Component::ALL.map(|c| self.get(c))
    }

    fn sum(&mut self) {
        self.total = self.components().iter().sum();
    }

    /// Replaces the performance component and keeps the total in step.
    pub fn with_performance(mut self, performance: Fen) -> Self {
        self.performance = performance;
        self.sum();
        self
    }
}

/// The base pay of a level; `reference_annual` is the region's yearly reference wage (fen) for
/// policies that reference one.
pub fn base_pay(policy: &Policy, level: u32, reference_annual: Option<Fen>) -> Result<Fen, PayError> {
    let i = level.clamp(1, policy.pay.levels) as usize - 1;
    match &policy.pay.base {
        BasePay::Table { amounts } => Ok(amounts[i]),
        BasePay::Reference { key, start_permille, step_permille } => {
            let annual = reference_annual.ok_or_else(|| PayError {
                code: "reference_wage_missing",
                message: format!("未录入参照工资“{key}”，无法按比例计算级别薪酬"),
            })?;
            let permille = i64::from(*start_permille) + i as i64 * i64::from(*step_permille);
            Ok(annual * permille / 12_000)
        }
    }
}

/// One worker's month before the performance pool is split. `performance` holds the worker's
/// performance target (their share of the pool, before grades); [`split_pool`] turns targets into pay.
pub fn monthly(
    policy: &Policy,
    post: &str,
    level: u32,
    education: Option<EducationKey>,
    certificate: Option<CertificateLevel>,
    reference_annual: Option<Fen>,
) -> Result<Payslip, PayError> {
    let p = policy.post(post).ok_or_else(|| unknown_post(post, policy))?;
    let level = level.clamp(p.min_level, p.max_level);
    let base = base_pay(policy, level, reference_annual)?;
    let education = education.and_then(|e| policy.pay.education_allowance.get(&e)).copied().unwrap_or(0);
    let certificate = certificate.and_then(|c| policy.pay.certificate_allowance.get(&c)).copied().unwrap_or(0);
    let fixed = base + p.post_pay + p.allowance;
    let pct = i64::from(policy.pay.performance_pct);
    let performance = if pct > 0 { fixed * pct / (100 - pct) } else { 0 };
    let mut s = Payslip {
        level,
        base,
        post_pay: p.post_pay,
        allowance: p.allowance,
        education,
        certificate,
        performance,
        total: 0,
    };
    s.sum();
    Ok(s)
}

/// Splits a performance pool among workers in proportion to target × grade factor, exactly: the
/// parts sum to the pool (largest remainder), unless every weight is zero, when nothing is paid.
pub fn split_pool(pool: Fen, weights: &[i64]) -> Vec<Fen> {
    let total: i128 = weights.iter().map(|w| i128::from((*w).max(0))).sum();
    if total == 0 || pool <= 0 {
        return vec![0; weights.len()];
    }
    let mut parts: Vec<Fen> = Vec::with_capacity(weights.len());
    let mut rema: Vec<(i128, usize)> = Vec::with_capacity(weights.len());
    let mut given: i128 = 0;
    for (i, w) in weights.iter().enumerate() {
        let num = i128::from(pool) * i128::from((*w).max(0));
        let q = num / total;
        given += q;
        parts.push(q as Fen);
        rema.push((num % total, i));
    }
    let mut left = i128::from(pool) - given;
    rema.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in rema {
        if left == 0 {
            break;
        }
        if weights[i] > 0 {
            parts[i] += 1;
            left -= 1;
        }
    }
    parts
}

/// The factor (per cent) of a worker's performance target for last year's grade; 100 without one.
pub fn performance_factor(policy: &Policy, last_grade: Option<Grade>) -> i64 {
    last_grade.map_or(100, |g| i64::from(policy.pay.performance_factors.get(&g).copied().unwrap_or(100)))
}

/// The yearly floor (fen) under a policy, given last year's reference wage.
pub fn yearly_floor(policy: &Policy, last_year_reference: Option<Fen>) -> Option<Fen> {
    let f = policy.pay.floor.as_ref()?;
    Some(last_year_reference? * i64::from(f.permille) / 1000)
}

/// Formats fen as yuan with two decimals: 324000 → "3240.00".
pub fn yuan(fen: Fen) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", fen.abs() / 100, fen.abs() % 100)
}

/// Parses a yuan amount ("3240", "3240.5", "-12.30") to fen; at most two decimals.
pub fn parse_yuan(s: &str) -> Option<Fen> {
    let s = s.trim();
    let (neg, s) = s.strip_prefix('-').map_or((false, s), |r| (true, r));
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty() || frac.len() > 2 || !int.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = int.parse().ok()?;
    let cents: i64 = format!("{frac:0<2}").parse().ok()?;
    let v = whole.checked_mul(100)?.checked_add(cents)?;
    Some(if neg { -v } else { v })
}

/// A worker's place in a street's performance pool: the street (the pool), their target (their
/// share before grades) and the factor of last year's grade (per cent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolMember {
    pub pool: String,
    pub target: Fen,
    pub factor: i64,
}

/// Each member's performance pay: every pool (the sum of its members' targets) split in proportion
/// to target × factor, exactly (the parts add up to the pool). Members with no target get 0.
pub fn split_pools(members: &[PoolMember]) -> Vec<Fen> {
    let mut out = vec![0; members.len()];
    let mut pools: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, m) in members.iter().enumerate().filter(|(_, m)| m.target > 0) {
        pools.entry(m.pool.as_str()).or_default().push(i);
    }
    for idx in pools.values() {
        let pool: Fen = idx.iter().map(|&i| members[i].target).sum();
        let weights: Vec<i64> = idx.iter().map(|&i| members[i].target * members[i].factor).collect();
        for (&i, part) in idx.iter().zip(split_pool(pool, &weights)) {
            out[i] = part;
        }
    }
    out
}

/// How much a month's pay falls short of the yearly floor, per month (rounded up to the fen).
pub fn monthly_floor_shortfall(yearly_floor: Fen, monthly_total: Fen) -> Fen {
    (std::cmp::max(yearly_floor - monthly_total * 12, 0) + 11) / 12
}

/// Changes to try in a budget what-if; nothing stored changes.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct WhatIf {
    /// Per-cent change of every reference wage (e.g. 5 for +5 %).
    pub reference_wage_change_pct: Option<f64>,
    /// New coefficients for reference-based base pay, in per cent of the monthly reference.
    pub start_pct: Option<f64>,
    pub step_pct: Option<f64>,
    /// New monthly certificate allowances, yuan.
    pub certificate_allowance_yuan: BTreeMap<CertificateLevel, i64>,
}

impl WhatIf {
    /// Refuses numbers no budget means: not finite, or outside what a what-if can ask.
    pub fn check(&self) -> Result<(), FieldError> {
        for (field, v, lo, hi) in [
            ("reference_wage_change_pct", self.reference_wage_change_pct, -100.0, 1000.0),
            ("start_pct", self.start_pct, 0.0, 10_000.0),
            ("step_pct", self.step_pct, 0.0, 10_000.0),
        ] {
            if let Some(v) = v
                && !(v.is_finite() && (lo..=hi).contains(&v))
            {
                return Err(FieldError::new("what_if_invalid", field, format!("应为{lo}至{hi}之间的数")));
            }
        }
        for (level, yuan) in &self.certificate_allowance_yuan {
            if !(0..=100_000).contains(yuan) {
                return Err(FieldError::new(
                    "what_if_invalid",
                    "certificate_allowance_yuan",
                    format!("{}津贴应为0至100000元之间的整数", level.label()),
                ));
            }
        }
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        self.reference_wage_change_pct.is_none()
            && self.start_pct.is_none()
            && self.step_pct.is_none()
            && self.certificate_allowance_yuan.is_empty()
    }

    pub fn apply(&self, p: &Policy) -> Policy {
        let mut p = p.clone();
        if let BasePay::Reference { start_permille, step_permille, .. } = &mut p.pay.base {
            if let Some(s) = self.start_pct {
                *start_permille = (s * 10.0).round().max(0.0) as u32;
            }
            if let Some(s) = self.step_pct {
                *step_permille = (s * 10.0).round().max(0.0) as u32;
            }
        }
        for (k, v) in &self.certificate_allowance_yuan {
            p.pay.certificate_allowance.insert(*k, v * 100);
        }
        p
    }

    pub fn wage(&self, w: Option<Fen>) -> Option<Fen> {
        let w = w?;
        Some(match self.reference_wage_change_pct {
            Some(pct) => w + (w as f64 * pct / 100.0).round() as i64,
            None => w,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::shipped;
    use Grade::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    #[test]
    fn the_worked_check_xiamen_head_at_step_5() {
        let p = shipped("xiamen-xiangan-2013").unwrap();
        let s = monthly(&p, "head", 5, None, None, None).unwrap();
        assert_eq!((s.base, s.post_pay, s.allowance), (134_000, 110_000, 80_000));
        assert_eq!(s.total, 324_000);
        assert_eq!(yuan(s.total), "3240.00");
    }

    /// A community head serving since 2016-03-01, with no education or certificate on record.
    fn head_since_2016(grades: &[(i32, Grade)]) -> PayInput<'_> {
        PayInput { post: "head", education: None, certificate: None, service_start: d(2016, 3, 1), grades }
    }

    #[test]
    fn years_without_a_grade_count_only_when_the_policy_says_so() {
        let mut p = shipped("xiamen-xiangan-2013").unwrap();
        let grades = [(2019, Competent)];
        let w = head_since_2016(&grades);
        // 2017, 2018 (no grade on record) count as 合格 by default, and the explanation says so.
        let r = level(&p, &w, d(2020, 6, 1)).unwrap();
        assert_eq!(r.level, 2);
        assert_eq!(r.steps[1].reason, "满2年（考核合格及以上）晋升1档：2017、2018年无考核记录，按政策视同合格");
        // ungraded_years = "skip": only graded years count.
        p.pay.progression.ungraded_count = false;
        let r = level(&p, &w, d(2020, 6, 1)).unwrap();
        assert_eq!(r.level, 1, "{:?}", r.steps);
    }

    #[test]
    fn levels_are_explained() {
        let p = shipped("xiamen-xiangan-2013").unwrap();
        // Started 2016-03-01: full years 2017.. ; 2 per step.
        let grades = [(2017, Competent), (2018, Incompetent), (2019, Competent), (2020, Excellent)];
        let w = head_since_2016(&grades);
        let r = level(&p, &w, d(2021, 6, 1)).unwrap();
        // 2017 + 2019 count (2018 不合格 does not) → step 2 from 2020; 2020 alone is not yet two.
        assert_eq!(r.level, 2);
        assert_eq!(r.steps[1].from, d(2020, 1, 1));
        assert_eq!(r.steps[1].reason, "满2年（考核合格及以上）晋升1档：2017年合格、2019年合格");
        let j = shipped("jilin-2020").unwrap();
        let grades = [(2021, Excellent), (2022, Excellent), (2023, Competent)];
        let w = PayInput {
            post: "staff",
            education: Some(EducationKey::Bachelor),
            certificate: None,
            service_start: d(2021, 1, 1),
            grades: &grades,
        };
        let r = level(&j, &w, d(2024, 2, 1)).unwrap();
        // entry 1 + bachelor 1 = 2; 2021–2023 three years → 3; two 优秀 in a row → early step → 4
        assert_eq!(r.level, 4, "{:?}", r.steps);
        assert!(r.steps.iter().any(|s| s.reason.contains("连续2年优秀")));
        assert!(level(&j, &PayInput { post: "committee", ..w }, d(2024, 1, 1)).is_err());
    }

    #[test]
    fn performance_pool_splits_exactly() {
        assert_eq!(split_pool(100, &[1, 1, 1]), vec![34, 33, 33]);
        assert_eq!(split_pool(100, &[0, 0]), vec![0, 0]);
        assert_eq!(split_pool(1000, &[120, 100, 0]), vec![545, 455, 0]);
        assert_eq!(parse_yuan("3240.5"), Some(324_050));
        assert_eq!(parse_yuan("1.234"), None);
        assert_eq!(yuan(-5), "-0.05");
    }

    #[test]
    fn each_street_pool_is_split_among_its_own_members() {
        let m = |pool: &str, target, factor| PoolMember { pool: pool.into(), target, factor };
        let parts = split_pools(&[
            m("330481001", 100, 100),
            m("330481002", 500, 100),
            m("330481001", 100, 120),
            m("330481001", 0, 100),
        ]);
        // Street 001's pool of 200 goes 100:120; street 002's 500 to its one member.
        assert_eq!(parts, vec![91, 500, 109, 0]);
    }

    #[test]
    fn the_floor_shortfall_is_per_month_and_rounds_up() {
        assert_eq!(monthly_floor_shortfall(1_200_000, 100_000), 0);
        assert_eq!(monthly_floor_shortfall(1_200_001, 100_000), 1);
        assert_eq!(monthly_floor_shortfall(1_200_000, 90_000), 10_000);
    }

    #[test]
    fn what_if_refuses_what_no_budget_means() {
        let w = WhatIf { reference_wage_change_pct: Some(f64::NAN), ..Default::default() };
        assert_eq!(w.check().unwrap_err().field, "reference_wage_change_pct");
        let w = WhatIf { reference_wage_change_pct: Some(5.0), ..Default::default() };
        assert!(w.check().is_ok() && !w.is_empty());
        assert_eq!(w.wage(Some(100_000)), Some(105_000));
        assert!(WhatIf::default().is_empty());
    }

    fn policies() -> Vec<Policy> {
        crate::policy::SHIPPED.iter().map(|(n, _)| shipped(n).unwrap()).collect()
    }

    proptest! {
        #[test]
        fn pools_are_split_exactly(
            members in proptest::collection::vec((0u8..3, 0i64..1_000_000, 0i64..200), 0..40),
        ) {
            let members: Vec<PoolMember> = members
                .into_iter()
                .map(|(p, target, factor)| PoolMember { pool: p.to_string(), target, factor })
                .collect();
            let parts = split_pools(&members);
            for pool in ["0", "1", "2"] {
                let of = |v: &[Fen]| -> Fen {
                    members.iter().zip(v).filter(|(m, _)| m.pool == pool && m.target > 0).map(|(_, x)| *x).sum()
                };
                let targets: Vec<Fen> = members.iter().map(|m| m.target).collect();
                let weighted = members.iter().any(|m| m.pool == pool && m.target * m.factor > 0);
                if weighted {
                    prop_assert_eq!(of(&parts), of(&targets));
                }
            }
            prop_assert!(parts.iter().all(|p| *p >= 0));
        }

        #[test]
        fn components_sum_to_the_total_and_pay_never_falls_as_level_rises(
            pi in 0usize..5, post in 0usize..5, lvl in 1u32..40, edu in 0usize..5, cert in 0usize..4,
            wage in 3_000_000i64..30_000_000,
        ) {
            let ps = policies();
            let p = &ps[pi];
            let post = &p.posts[post % p.posts.len()];
            let edu = [None, Some(EducationKey::Postgraduate), Some(EducationKey::Bachelor), Some(EducationKey::College), Some(EducationKey::HighSchool)][edu];
            let cert = [None, Some(CertificateLevel::Junior), Some(CertificateLevel::Intermediate), Some(CertificateLevel::Senior)][cert];
            let a = monthly(p, &post.key, lvl, edu, cert, Some(wage)).unwrap();
            prop_assert_eq!(a.components().iter().sum::<i64>(), a.total);
            prop_assert!(a.components().iter().all(|c| *c >= 0));
            let b = monthly(p, &post.key, lvl + 1, edu, cert, Some(wage)).unwrap();
            prop_assert!(b.total >= a.total);
        }

        #[test]
        fn the_pool_is_paid_out_exactly(pool in 0i64..10_000_000, ws in proptest::collection::vec(0i64..1_000_000, 1..50)) {
            let parts = split_pool(pool, &ws);
            let paid: i64 = parts.iter().sum();
            if ws.iter().any(|w| *w > 0) {
                prop_assert_eq!(paid, pool);
            } else {
                prop_assert_eq!(paid, 0);
            }
            for (p, w) in parts.iter().zip(&ws) {
                prop_assert!(*w > 0 || *p == 0);
            }
        }

        #[test]
        fn levels_stay_in_the_post_range_and_never_fall_with_time(
            pi in 0usize..5, start in 2000i32..2024, gs in proptest::collection::vec(0usize..4, 0..25), years in 0i32..25,
        ) {
            let ps = policies();
            let p = &ps[pi];
            let grades: Vec<(i32, Grade)> = gs.iter().enumerate().map(|(i, g)| (start + 1 + i as i32, Grade::ALL[*g])).collect();
            let w = PayInput { post: "staff", education: Some(EducationKey::Bachelor), certificate: Some(CertificateLevel::Junior), service_start: d(start, 7, 1), grades: &grades };
            let a = level(p, &w, d(start + years, 1, 1)).unwrap();
            let b = level(p, &w, d(start + years + 1, 1, 1)).unwrap();
            let post = p.post("staff").unwrap();
            prop_assert!(a.level >= post.min_level && a.level <= post.max_level);
            prop_assert!(b.level >= a.level);
            prop_assert_eq!(a.steps.last().unwrap().level, a.level);
        }
    }
}
