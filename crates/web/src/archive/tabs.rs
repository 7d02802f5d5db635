//! The rows of the archive page's tabs, each a named struct built from the store's records.

use crate::auth::Caller;
use crate::clock::local_time;
use crate::error::PageError;
use crate::state::AppState;
use shegong_domain::codes::EDUCATION;
use shegong_domain::pay::yuan;
use shegong_domain::status::{Attendance, CorrectionStatus, Status, TrainingResult, training_outcome};
use shegong_domain::worker::post_category_label;
use shegong_store::workers::{self, Archive};
use shegong_store::{career, payroll, training};
use uuid::Uuid;

type Rows<T> = Result<Vec<T>, PageError>;

fn date_str(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

fn yes(b: bool) -> String {
    if b { "是" } else { "否" }.to_string()
}

pub(crate) struct EducationRow {
    pub level: String,
    pub school: String,
    pub major: String,
    pub graduated: String,
}

pub(crate) fn educations(a: &Archive) -> Vec<EducationRow> {
    a.educations
        .iter()
        .map(|e| EducationRow {
            level: EDUCATION.name(&e.education_code).unwrap_or(&e.education_code).to_string(),
            school: e.school.clone().unwrap_or_default(),
            major: e.major.clone().unwrap_or_default(),
            graduated: date_str(e.graduated_on),
        })
        .collect()
}

pub(crate) struct CertificateRow {
    pub name: String,
    pub level: String,
    pub number: String,
    pub issued: String,
}

pub(crate) fn certificates(a: &Archive) -> Vec<CertificateRow> {
    a.certificates
        .iter()
        .map(|c| CertificateRow {
            name: c.name.clone(),
            level: crate::archive::views::cert_label(c.level.as_deref()),
            number: c.number.clone().unwrap_or_default(),
            issued: date_str(c.issued_on),
        })
        .collect()
}

pub(crate) struct AppointmentRow {
    /// The community's name with its code.
    pub community: String,
    pub post_category: String,
    pub title: String,
    pub two_committees: String,
    pub full_time: String,
    pub start: String,
    /// The end date, or 至今.
    pub end: String,
    pub end_reason: String,
}

pub(crate) fn appointments(a: &Archive) -> Rows<AppointmentRow> {
    let names = &a.names;
    Ok(a.appointments
        .iter()
        .map(|x| AppointmentRow {
            community: format!("{}（{}）", names.get(&x.region_code).cloned().unwrap_or_default(), x.region_code),
            post_category: post_category_label(&x.post_category).to_string(),
            title: x.title.clone(),
            two_committees: yes(x.two_committees),
            full_time: yes(x.full_time),
            start: x.start_date.to_string(),
            end: x.end_date.map_or("至今".into(), |d| d.to_string()),
            end_reason: x.end_reason.clone().unwrap_or_default(),
        })
        .collect())
}

pub(crate) struct AgreementRow {
    pub term: String,
    pub number: String,
    pub start: String,
    pub end: String,
    pub signed: String,
}

pub(crate) fn agreements(a: &Archive) -> Vec<AgreementRow> {
    a.agreements
        .iter()
        .map(|g| AgreementRow {
            term: g.term.clone(),
            number: g.number.clone().unwrap_or_default(),
            start: g.start_date.to_string(),
            end: g.end_date.to_string(),
            signed: date_str(g.signed_on),
        })
        .collect()
}

pub(crate) struct RewardRow {
    /// 奖励 or 处分.
    pub kind: String,
    pub title: String,
    pub issuer: String,
    pub date: String,
    pub note: String,
}

pub(crate) async fn rewards(st: &AppState, caller: &Caller, id: Uuid) -> Rows<RewardRow> {
    Ok(career::rewards(&st.db, &caller.scope, id)
        .await?
        .into_iter()
        .map(|r| RewardRow {
            kind: if r.kind == "reward" { "奖励" } else { "处分" }.to_string(),
            title: r.title,
            issuer: r.issuer,
            date: r.issued_on.to_string(),
            note: r.note.unwrap_or_default(),
        })
        .collect())
}

pub(crate) struct HistoryRow {
    pub at: String,
    pub actor: String,
    pub field: String,
    pub before: String,
    pub after: String,
}

pub(crate) async fn history(st: &AppState, caller: &Caller, id: Uuid, full_id: bool) -> Rows<HistoryRow> {
    Ok(workers::history(&st.db, &caller.scope, id, full_id)
        .await?
        .into_iter()
        .map(|h| HistoryRow {
            at: local_time(h.changed_at),
            actor: h.actor,
            field: h.field,
            before: h.before.unwrap_or_default(),
            after: h.after.unwrap_or_default(),
        })
        .collect())
}

pub(crate) struct TrainingRow {
    pub course: String,
    pub kind: String,
    pub completed: String,
    pub credits: String,
    /// 已参训, 通过, 未通过 or 缺勤.
    pub result: String,
    /// Absent or failed: shown in red.
    pub short: bool,
}

pub(crate) async fn trainings(st: &AppState, caller: &Caller, id: Uuid) -> Rows<TrainingRow> {
    Ok(training::of_worker(&st.db, &caller.scope, id)
        .await?
        .into_iter()
        .map(|(r, t)| {
            let attendance = Attendance::parse(&r.attendance).unwrap_or(Attendance::Attended);
            let (result, short, _) = training_outcome(attendance, r.result.as_deref().and_then(TrainingResult::parse));
            TrainingRow {
                course: t.name,
                kind: training::kind_label(&t.kind).to_string(),
                completed: r.completed_on.to_string(),
                credits: r.credits.to_string(),
                result: result.to_string(),
                short,
            }
        })
        .collect())
}

pub(crate) struct LevelStep {
    /// The month the step took effect.
    pub from: String,
    pub change: String,
    pub reason: String,
}

pub(crate) struct PayslipRow {
    pub month: String,
    pub status: String,
    pub level: i32,
    /// The components that are not zero, with their amounts.
    pub components: String,
    pub total: String,
    pub paid: String,
}

/// The level under the policy in force (with each step to it) and the payslips.
pub(crate) async fn pay(
    st: &AppState,
    caller: &Caller,
    id: Uuid,
    today: chrono::NaiveDate,
) -> Result<(String, Vec<LevelStep>, Vec<PayslipRow>), PageError> {
    let l = payroll::level_of(&st.db, &caller.scope, id, today).await?;
    let slips = payroll::payslips(&st.db, &caller.scope, id, None).await?;
    let level = l.as_ref().map_or("无适用政策".into(), |(l, unit)| format!("第{}{unit}", l.level));
    let unit = l.as_ref().map_or(String::new(), |(_, u)| u.clone());
    let steps = l
        .map(|(l, _)| l.steps)
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(i, s)| LevelStep {
            from: s.from.format("%Y-%m").to_string(),
            change: if i == 0 { format!("起点第{}{unit}", s.level) } else { format!("{:+}", s.delta) },
            reason: s.reason,
        })
        .collect();
    let payslips = slips
        .into_iter()
        .map(|p| PayslipRow {
            components: p
                .components
                .iter()
                .filter(|c| c.fen != 0)
                .map(|c| format!("{} {}", c.label, yuan(c.fen)))
                .collect::<Vec<_>>()
                .join("，"),
            status: payroll::status_label(&p.status).to_string(),
            month: p.month,
            level: p.level,
            total: yuan(p.total),
            paid: yuan(p.paid),
        })
        .collect();
    Ok((level, steps, payslips))
}

pub(crate) struct CorrectionRow {
    pub submitted: String,
    pub by: String,
    pub field: String,
    pub message: String,
    /// 待处理, or who handled it and when.
    pub status: String,
    pub id: Uuid,
    pub pending: bool,
}

/// 待处理, or the outcome with who answered, when, and the answer.
pub(crate) fn correction_status(r: &shegong_store::entity::correction::Model) -> String {
    let label = CorrectionStatus::parse(&r.status).map_or("待处理", |s| s.label());
    match (&r.handled_by, r.handled_at) {
        (Some(by), Some(at)) => {
            let reply = r.reply.as_deref().map_or(String::new(), |a| format!("：{a}"));
            format!("{label}（{by}，{}）{reply}", local_time(at))
        }
        _ => label.into(),
    }
}

pub(crate) async fn corrections(st: &AppState, caller: &Caller, id: Uuid) -> Rows<CorrectionRow> {
    let rows = workers::corrections(&st.db, &caller.scope, Some(id)).await?;
    // People by name (显示名（登录名）), not by login name alone.
    let mut who: Vec<String> =
        rows.iter().flat_map(|r| [Some(r.requested_by.clone()), r.handled_by.clone()]).flatten().collect();
    who.sort();
    who.dedup();
    let names = shegong_store::users::signed_names(&st.db, who).await?;
    let name = |u: &str| names.get(u).cloned().unwrap_or_else(|| u.to_string());
    Ok(rows
        .into_iter()
        .map(|mut r| CorrectionRow {
            pending: r.status == CorrectionStatus::Pending.as_str(),
            status: {
                r.handled_by = r.handled_by.as_deref().map(name);
                correction_status(&r)
            },
            submitted: local_time(r.created_at),
            by: name(&r.requested_by),
            field: r.field,
            message: r.message,
            id: r.id,
        })
        .collect())
}

/// One year of 事务办理 as the tab shows it.
pub(crate) struct AffairsRow {
    pub year: i32,
    pub reported: i64,
    pub handled: i64,
    pub closed: i64,
    pub on_time: i64,
    pub rate: String,
    /// The routine score the policy in force proposes from it, explained ("" without a rule).
    pub proposal: String,
}

/// The worker's 事务办理 by year, and the rule of the policy in force that proposes a routine score
/// from it (described; empty when the policy has none).
pub(crate) async fn affairs(
    st: &AppState,
    caller: &Caller,
    w: &shegong_store::entity::worker::Model,
    today: chrono::NaiveDate,
) -> Result<(Vec<AffairsRow>, String), PageError> {
    use shegong_domain::affairs::propose;
    let years = shegong_store::events::affairs::of_worker(&st.db, &caller.scope, w.id).await?;
    let resolver = shegong_store::policies::Resolver::load(&st.db.conn, &w.region_code, today).await?;
    let rule = resolver.resolve(&w.region_code).and_then(|f| f.policy.assessment.routine_rule());
    let described = rule.map_or(String::new(), |r| {
        let mut text = format!(
            "基础{}分，每上报1件加{}分（上限{}分），每办理1件加{}分（上限{}分），按期办结率100%加{}分（按比例）",
            r.base, r.per_report, r.report_cap, r.per_handled, r.handled_cap, r.on_time
        );
        let s = r.service;
        for (label, unit, every, cap) in [
            ("走访排查", "次", s.visits_every, s.visits_cap),
            ("办结微心愿", "条", s.wishes_every, s.wishes_cap),
            ("主持议事", "次", s.meetings_every, s.meetings_cap),
            ("窗口值班", "天", s.duty_every, s.duty_cap),
        ] {
            if every > 0 {
                text.push_str(&format!("，{label}每{every}{unit}加1分（上限{cap}分）"));
            }
        }
        text + "，最高100分。"
    });
    // The service record's years join the affairs where the rule weighs them.
    let mut years: std::collections::BTreeMap<i32, shegong_domain::affairs::Affairs> = years.into_iter().collect();
    if rule.is_some_and(|r| r.service.any()) {
        for y in shegong_store::residents::service_record(&st.db, &caller.scope, w.id).await? {
            let a = years.entry(y.year).or_default();
            a.visits = i64::from(y.visits + y.checks);
            a.wishes = i64::from(y.wishes_fulfilled);
            a.meetings = i64::from(y.meetings_hosted);
            a.duty_days = i64::from(y.duty_days);
        }
    }
    let rows = years
        .into_iter()
        .rev()
        .map(|(year, a)| AffairsRow {
            year,
            reported: a.reported,
            handled: a.handled,
            closed: a.closed,
            on_time: a.closed_on_time,
            rate: a.on_time_bp().map_or("—".into(), |bp| format!("{:.1}%", bp as f64 / 100.0)),
            proposal: rule.map_or(String::new(), |r| {
                let p = propose(&a, &r);
                format!("{}分（{}）", p.score, p.why)
            }),
        })
        .collect();
    Ok((rows, described))
}
