//! 事务办理: the affairs a worker handled through the 民情事件 of a year — events reported, events
//! handled (a result fed back), and of those the ones closed and closed on time — and the routine part
//! of the yearly assessment (日常考核) proposed from them under the policy's rule, explained.

use serde::Serialize;

/// One worker's affairs in one year.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Affairs {
    /// 上报的事件
    pub reported: i64,
    /// 办理的事件（反馈过处置结果）
    pub handled: i64,
    /// 其中已结案的
    pub closed: i64,
    /// 其中按期办结的
    pub closed_on_time: i64,
    /// 服务记录: 走访和排查
    pub visits: i64,
    /// 认领办结的微心愿
    pub wishes: i64,
    /// 主持的议事活动
    pub meetings: i64,
    /// 窗口值班天数
    pub duty_days: i64,
}

impl Affairs {
    /// 按期办结率 in basis points (9000 is 90 %); `None` when nothing handled was closed.
    pub fn on_time_bp(&self) -> Option<i64> {
        (self.closed > 0).then(|| self.closed_on_time * 10_000 / self.closed)
    }
}

/// How the routine score is proposed from a year's affairs (policy data, `[assessment.routine_from_events]`):
/// a base, points per event reported and per event handled (each up to a cap), and points for the
/// on-time rate (all of them at 100 %); never above 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RoutineRule {
    pub base: u32,
    pub per_report: u32,
    pub report_cap: u32,
    pub per_handled: u32,
    pub handled_cap: u32,
    pub on_time: u32,
    /// What the service record adds (nothing unless the policy says).
    pub service: ServiceWeights,
}

/// Points from the service record (服务记录): one point for every `*_every` of a kind, up to its
/// cap; an `every` of 0 leaves the kind out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ServiceWeights {
    pub visits_every: u32,
    pub visits_cap: u32,
    pub wishes_every: u32,
    pub wishes_cap: u32,
    pub meetings_every: u32,
    pub meetings_cap: u32,
    pub duty_every: u32,
    pub duty_cap: u32,
}

impl ServiceWeights {
    pub const NONE: Self = Self {
        visits_every: 0,
        visits_cap: 0,
        wishes_every: 0,
        wishes_cap: 0,
        meetings_every: 0,
        meetings_cap: 0,
        duty_every: 0,
        duty_cap: 0,
    };

    /// Whether any kind of the service record counts.
    pub fn any(&self) -> bool {
        self.visits_every + self.wishes_every + self.meetings_every + self.duty_every > 0
    }

    fn terms(&self, a: &Affairs) -> Vec<(&'static str, &'static str, i64, u32, u32)> {
        [
            ("走访排查", "次", a.visits, self.visits_every, self.visits_cap),
            ("办结微心愿", "条", a.wishes, self.wishes_every, self.wishes_cap),
            ("主持议事", "次", a.meetings, self.meetings_every, self.meetings_cap),
            ("窗口值班", "天", a.duty_days, self.duty_every, self.duty_cap),
        ]
        .into_iter()
        .filter(|t| t.3 > 0)
        .collect()
    }
}

/// A proposed routine score with how it was reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Proposal {
    pub score: i32,
    /// "基础60分＋上报12件×1分=10分（上限10分）＋……＝95分"
    pub why: String,
}

/// The routine score `rule` proposes for `a`, explained.
pub fn propose(a: &Affairs, rule: &RoutineRule) -> Proposal {
    let capped = |n: i64, per: u32, cap: u32| (n.max(0) * i64::from(per)).min(i64::from(cap));
    let reports = capped(a.reported, rule.per_report, rule.report_cap);
    let handled = capped(a.handled, rule.per_handled, rule.handled_cap);
    let rate = a.on_time_bp().unwrap_or(0);
    // Rounded half up, in whole points.
    let on_time = (rate * i64::from(rule.on_time) + 5_000) / 10_000;
    let mut service = 0;
    let mut service_text = String::new();
    for (label, unit, n, every, cap) in rule.service.terms(a) {
        let raw = n.max(0) / i64::from(every);
        let pts = raw.min(i64::from(cap));
        service += pts;
        let capped = if raw > i64::from(cap) { format!("（上限{cap}分）") } else { String::new() };
        service_text.push_str(&format!("＋{label}{n}{unit}（每{every}{unit}1分）={pts}分{capped}"));
    }
    let sum = i64::from(rule.base) + reports + handled + on_time + service;
    let total = sum.min(100);
    let cap_note = |n: i64, per: u32, cap: u32| {
        if n.max(0) * i64::from(per) > i64::from(cap) { format!("（上限{cap}分）") } else { String::new() }
    };
    let rate_text = match a.on_time_bp() {
        Some(bp) => format!("按期办结率{}%", (bp + 50) / 100),
        None => "尚无结案，按期办结率按0计".into(),
    };
    let mut why = format!(
        "基础{}分＋上报{}件×{}分={}分{}＋办理{}件×{}分={}分{}＋{}×{}分={}分",
        rule.base,
        a.reported,
        rule.per_report,
        reports,
        cap_note(a.reported, rule.per_report, rule.report_cap),
        a.handled,
        rule.per_handled,
        handled,
        cap_note(a.handled, rule.per_handled, rule.handled_cap),
        rate_text,
        rule.on_time,
        on_time,
    );
    why.push_str(&service_text);
    why.push_str(&format!("＝{total}分"));
    if sum > 100 {
        why.push_str("（最高100分）");
    }
    Proposal { score: total as i32, why }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const RULE: RoutineRule = RoutineRule {
        base: 60,
        per_report: 1,
        report_cap: 10,
        per_handled: 2,
        handled_cap: 20,
        on_time: 10,
        service: ServiceWeights::NONE,
    };

    #[test]
    fn a_proposal_explains_itself() {
        let a = Affairs { reported: 12, handled: 8, closed: 10, closed_on_time: 9, ..Affairs::default() };
        let p = propose(&a, &RULE);
        assert_eq!(p.score, 60 + 10 + 16 + 9);
        assert_eq!(p.why, "基础60分＋上报12件×1分=10分（上限10分）＋办理8件×2分=16分＋按期办结率90%×10分=9分＝95分");
        let none = propose(&Affairs::default(), &RULE);
        assert_eq!(none.score, 60);
        assert!(none.why.contains("尚无结案"), "{}", none.why);
        let big = RoutineRule { base: 90, ..RULE };
        let p =
            propose(&Affairs { reported: 50, handled: 50, closed: 1, closed_on_time: 1, ..Affairs::default() }, &big);
        assert_eq!(p.score, 100);
        assert!(p.why.ends_with("（最高100分）"));
        // The service record adds its points where the policy weighs it.
        let weighed = RoutineRule {
            base: 50,
            service: ServiceWeights {
                visits_every: 10,
                visits_cap: 10,
                wishes_every: 1,
                wishes_cap: 5,
                ..ServiceWeights::NONE
            },
            ..RULE
        };
        let a = Affairs { visits: 123, wishes: 2, meetings: 9, ..Affairs::default() };
        let p = propose(&a, &weighed);
        assert_eq!(p.score, 50 + 10 + 2);
        assert!(
            p.why.contains("＋走访排查123次（每10次1分）=10分（上限10分）＋办结微心愿2条（每1条1分）=2分＝62分"),
            "{}",
            p.why
        );
        assert!(!p.why.contains("议事"), "{}", p.why);
    }

    proptest! {
        /// Within 0–100, and more affairs (or more of them on time) never lower the score.
        #[test]
        fn more_work_never_lowers_the_score(
            r in 0i64..200, h in 0i64..200, closed in 0i64..200, on in 0i64..200,
            dr in 0i64..20, dh in 0i64..20,
            base in 0u32..=100, per in 0u32..10, cap in 0u32..50, t in 0u32..40,
        ) {
            let service = ServiceWeights { visits_every: per, visits_cap: cap, duty_every: per, duty_cap: cap, ..ServiceWeights::NONE };
            let rule = RoutineRule { base, per_report: per, report_cap: cap, per_handled: per, handled_cap: cap, on_time: t, service };
            let on = on.min(closed);
            let a = Affairs { reported: r, handled: h, closed, closed_on_time: on, visits: r, duty_days: h, ..Affairs::default() };
            let p = propose(&a, &rule);
            prop_assert!((0..=100).contains(&p.score));
            let more = Affairs { reported: r + dr, handled: h + dh, visits: r + dr, duty_days: h + dh, ..a };
            prop_assert!(propose(&more, &rule).score >= p.score);
            if on < closed {
                let better = Affairs { closed_on_time: on + 1, ..a };
                prop_assert!(propose(&better, &rule).score >= p.score);
            }
        }
    }
}
