//! One worker's archive page, tab by tab.
use crate::archive::list::pairs;
use crate::page::Chrome;
use crate::page::PageResult;
use crate::page::chrome;
use crate::page::render;

use crate::archive::views::{WorkerDetail, worker_detail};
use crate::auth::Caller;
use crate::clock::{local_time, today};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use serde::Deserialize;
use shegong_domain::FieldError;
use shegong_domain::Permission;
use shegong_domain::codes::EDUCATION;
use shegong_domain::worker::{CertificateLevel, POST_CATEGORIES, TITLES, post_category_label};
use shegong_store::audit;
use shegong_store::workers;
use uuid::Uuid;

type Row4 = (String, String, String, String);

type Row5 = (String, String, String, String, String);

/// community, post category, title, 两委, full-time, start, end, end reason
type AppointmentRow = (String, String, String, String, String, String, String, String);

#[derive(Template)]
#[template(path = "worker.html")]
struct WorkerPage {
    c: Chrome,
    w: WorkerDetail,
    tab: String,
    tabs: Vec<(String, String)>,
    notice: String,
    errors: Vec<FieldError>,
    can_edit: bool,
    can_exit: bool,
    is_self: bool,
    educations: Vec<Row4>,
    certificates: Vec<Row4>,
    appointments: Vec<AppointmentRow>,
    agreements: Vec<Row5>,
    history: Vec<Row5>,
    /// kind label, title, issuer, date, note
    rewards: Vec<Row5>,
    /// submitted, by, field, message, status, id, pending
    corrections: Vec<(String, String, String, String, String, Uuid, bool)>,
    education_codes: Vec<(String, String)>,
    certificate_levels: Vec<(String, String)>,
    post_categories: Vec<(String, String)>,
    titles: Vec<&'static str>,
    exit_reasons: Vec<&'static str>,
    /// course, kind, completed on, credits, attendance/result
    trainings: Vec<Row5>,
    /// the level under the policy in force, and each change: from, change, reason
    level: String,
    level_steps: Vec<(String, String, String)>,
    /// month, status, level, components, total, paid
    payslips: Vec<(String, String, i32, String, String, String)>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct WorkerPageQuery {
    tab: Option<String>,
    #[serde(flatten)]
    flash: crate::flash::Flash,
}

fn date_str(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

pub(crate) async fn worker_page(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Query(q): Query<WorkerPageQuery>,
) -> PageResult {
    let today = today();
    let a = workers::archive(&st.db, &caller.scope, id, today).await?;
    let grades = shegong_store::career::grades(&st.db, &caller.scope, id).await?;
    let tab = q.tab.clone().unwrap_or_else(|| "basic".into());
    let rewards = if tab == "reward" {
        shegong_store::career::rewards(&st.db, &caller.scope, id)
            .await?
            .into_iter()
            .map(|r| {
                let kind = if r.kind == "reward" { "奖励" } else { "处分" };
                (
                    kind.to_string(),
                    r.title,
                    r.issuer,
                    r.issued_on.to_string(),
                    r.note.unwrap_or_default(),
                )
            })
            .collect()
    } else {
        vec![]
    };
    let full = caller.role.may(Permission::ViewFullIdNumber);
    if full && tab == "basic" {
        audit::full_id_viewed(&st.db, &caller.actor, &a.worker.region_code, id, "page").await?;
    }
    let names =
        workers::community_names(&st.db, a.appointments.iter().map(|x| x.region_code.clone()).collect()).await?;
    let yes = |b: bool| if b { "是" } else { "否" }.to_string();
    let history = if tab == "history" {
        workers::history(&st.db, &caller.scope, id, full)
            .await?
            .into_iter()
            .map(|h| {
                (
                    local_time(h.changed_at),
                    h.actor,
                    h.field,
                    h.before.unwrap_or_default(),
                    h.after.unwrap_or_default(),
                )
            })
            .collect()
    } else {
        vec![]
    };
    if full && history.iter().any(|h| h.2 == workers::ID_NUMBER_FIELD) {
        audit::full_id_viewed(&st.db, &caller.actor, &a.worker.region_code, id, "history").await?;
    }
    let trainings = if tab == "training" {
        shegong_store::training::of_worker(&st.db, &caller.scope, id)
            .await?
            .into_iter()
            .map(|(r, t)| {
                let result = match (r.attendance.as_str(), r.result.as_deref()) {
                    ("absent", _) => "缺勤",
                    (_, Some("failed")) => "未通过",
                    (_, Some("passed")) => "通过",
                    _ => "已参训",
                };
                (
                    t.name,
                    shegong_store::training::kind_label(&t.kind).to_string(),
                    r.completed_on.to_string(),
                    r.credits.to_string(),
                    result.to_string(),
                )
            })
            .collect()
    } else {
        vec![]
    };
    let (level, level_steps, payslips) = if tab == "pay" {
        let l = shegong_store::payroll::level_of(&st.db, &caller.scope, id, today).await?;
        let slips = shegong_store::payroll::payslips(&st.db, &caller.scope, id, None).await?;
        (
            l.as_ref()
                .map_or("无适用政策".into(), |l| format!("第{}级/档", l.level)),
            l.map(|l| l.steps)
                .unwrap_or_default()
                .into_iter()
                .enumerate()
                .map(|(i, s)| {
                    let change = if i == 0 {
                        format!("起点第{}级/档", s.level)
                    } else {
                        format!("{:+}", s.delta)
                    };
                    (s.from.format("%Y-%m").to_string(), change, s.reason)
                })
                .collect(),
            slips
                .into_iter()
                .map(|p| {
                    let parts = p
                        .components
                        .iter()
                        .filter(|c| c.fen != 0)
                        .map(|c| format!("{} {}", c.label, shegong_domain::pay::yuan(c.fen)))
                        .collect::<Vec<_>>()
                        .join("，");
                    (
                        p.month,
                        shegong_store::payroll::status_label(&p.status).to_string(),
                        p.level,
                        parts,
                        shegong_domain::pay::yuan(p.total),
                        shegong_domain::pay::yuan(p.paid),
                    )
                })
                .collect(),
        )
    } else {
        (String::new(), vec![], vec![])
    };
    let corrections = workers::corrections(&st.db, &caller.scope, Some(id))
        .await?
        .into_iter()
        .map(|r| {
            let pending = r.status == "pending";
            let status = match (&r.handled_by, r.handled_at) {
                (Some(by), Some(at)) => format!("已处理（{by}，{}）", local_time(at)),
                _ => "待处理".into(),
            };
            (
                local_time(r.created_at),
                r.requested_by,
                r.field,
                r.message,
                status,
                r.id,
                pending,
            )
        })
        .collect();
    let notice = match q.flash.notice.as_deref() {
        Some("created") => "已建立档案。",
        Some("saved") => "已保存。",
        Some("requested") => "更正申请已提交，管理员处理后会更新档案。",
        _ => "",
    };
    let errors = q.flash.errors(caller.user.id);
    render(WorkerPage {
        c: chrome(&st, &caller, "workers").await?,
        tabs: pairs(&[
            ("basic", "基本信息"),
            ("education", "学历"),
            ("certificate", "证书"),
            ("appointment", "任职"),
            ("agreement", "协议"),
            ("assessment", "考核"),
            ("training", "培训"),
            ("pay", "薪酬"),
            ("reward", "奖惩"),
            ("history", "履历/历史"),
        ]),
        trainings,
        level,
        level_steps,
        payslips,
        notice: notice.into(),
        errors,
        can_edit: caller.role.may(Permission::EditArchive),
        can_exit: caller.role.may(Permission::ExitWorker),
        is_self: caller.scope.only_worker() == Some(id),
        educations: a
            .educations
            .iter()
            .map(|e| {
                (
                    EDUCATION
                        .name(&e.education_code)
                        .unwrap_or(&e.education_code)
                        .to_string(),
                    e.school.clone().unwrap_or_default(),
                    e.major.clone().unwrap_or_default(),
                    date_str(e.graduated_on),
                )
            })
            .collect(),
        certificates: a
            .certificates
            .iter()
            .map(|c| {
                (
                    c.name.clone(),
                    crate::archive::views::cert_label(c.level.as_deref()),
                    c.number.clone().unwrap_or_default(),
                    date_str(c.issued_on),
                )
            })
            .collect(),
        appointments: a
            .appointments
            .iter()
            .map(|x| {
                (
                    format!(
                        "{}（{}）",
                        names.get(&x.region_code).cloned().unwrap_or_default(),
                        x.region_code
                    ),
                    post_category_label(&x.post_category).to_string(),
                    x.title.clone(),
                    yes(x.two_committees),
                    yes(x.full_time),
                    x.start_date.to_string(),
                    x.end_date.map_or("至今".into(), |d| d.to_string()),
                    x.end_reason.clone().unwrap_or_default(),
                )
            })
            .collect(),
        agreements: a
            .agreements
            .iter()
            .map(|g| {
                (
                    g.term.clone(),
                    g.number.clone().unwrap_or_default(),
                    g.start_date.to_string(),
                    g.end_date.to_string(),
                    date_str(g.signed_on),
                )
            })
            .collect(),
        history,
        rewards,
        corrections,
        education_codes: EDUCATION
            .entries()
            .filter(|(c, _)| !c.ends_with('0'))
            .map(|(c, n)| (c.to_string(), n.to_string()))
            .collect(),
        certificate_levels: CertificateLevel::ALL
            .iter()
            .map(|l| (l.as_str().to_string(), l.label().to_string()))
            .collect(),
        post_categories: pairs(&POST_CATEGORIES[..3]),
        titles: TITLES.to_vec(),
        exit_reasons: vec![
            "连续两年考核不合格",
            "累计三年考核不合格",
            "违反党纪政纪或法律法规",
            "严重失职造成重大损失",
            "不履行服务协议，经教育仍不改正",
            "经培训或调整岗位仍不能胜任工作",
            "个人辞职",
            "退休",
            "其他法定情形",
        ],
        w: worker_detail(&a, &grades, full, today),
        tab,
    })
}
