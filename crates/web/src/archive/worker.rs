//! One worker's archive page, tab by tab.
use crate::archive::list::pairs;
use crate::page::Chrome;
use crate::page::PageResult;
use crate::page::chrome;
use crate::page::render;

use crate::archive::tabs::{
    self as tabs, AgreementRow, AppointmentRow, CertificateRow, CorrectionRow, EducationRow, HistoryRow, LevelStep,
    PayslipRow, RewardRow, TrainingRow,
};
use crate::archive::views::{WorkerDetail, worker_detail};
use crate::auth::Ctx;
use crate::clock::today;
use askama::Template;
use axum::extract::{Path, Query};
use serde::Deserialize;
use shegong_domain::FieldError;
use shegong_domain::Permission;
use shegong_domain::codes::EDUCATION;
use shegong_domain::worker::{CertificateLevel, POST_CATEGORIES, TITLES};
use shegong_store::audit;
use shegong_store::workers;
use uuid::Uuid;

#[derive(Template)]
#[template(path = "archive/worker.html")]
struct WorkerPage {
    c: Chrome,
    w: WorkerDetail,
    tab: String,
    tabs: Vec<(String, String)>,
    notice: String,
    errors: Vec<FieldError>,
    can_edit: bool,
    /// May ask for the full ID number (查看完整号码); shown only when asked, and then audited.
    may_see_id: bool,
    /// The history holds an ID number correction, masked (a link shows it whole).
    history_masked_id: bool,
    can_exit: bool,
    is_self: bool,
    educations: Vec<EducationRow>,
    certificates: Vec<CertificateRow>,
    appointments: Vec<AppointmentRow>,
    agreements: Vec<AgreementRow>,
    history: Vec<HistoryRow>,
    rewards: Vec<RewardRow>,
    corrections: Vec<CorrectionRow>,
    education_codes: Vec<(String, String)>,
    certificate_levels: Vec<(String, String)>,
    post_categories: Vec<(String, String)>,
    titles: Vec<&'static str>,
    exit_reasons: Vec<&'static str>,
    trainings: Vec<TrainingRow>,
    /// The level under the policy in force, and each change.
    level: String,
    level_steps: Vec<LevelStep>,
    payslips: Vec<PayslipRow>,
    /// The archive's scans (材料 tab).
    files: Vec<FileRow>,
    file_kinds: Vec<(String, String)>,
    has_photo: bool,
    /// Grids the worker covers now, by duty (网格员 or 包格两委): each grid's name and code.
    grid_duties: Vec<(String, Vec<(String, String)>)>,
    /// 事务办理 by year (the 事务办理 tab), and the policy's rule for the proposed routine score.
    affairs: Vec<tabs::AffairsRow>,
    affairs_rule: String,
    /// 服务记录 (the 服务记录 tab): the years, newest first, and each measure's figure in each year
    /// (a row per measure, so that a phone shows it without scrolling sideways).
    service_years: Vec<i32>,
    service: Vec<(&'static str, Vec<u32>)>,
}

/// A kept scan as the 材料 tab lists it.
struct FileRow {
    id: Uuid,
    kind_label: String,
    filename: String,
    size_text: String,
    by: String,
    at: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct WorkerPageQuery {
    tab: Option<String>,
    /// 查看完整号码: the full ID number is shown (and the view audited) only when asked for.
    full_id: bool,
    #[serde(flatten)]
    flash: crate::flash::Flash,
}

pub(crate) async fn worker_page(
    Ctx { st, caller }: Ctx,
    Path(id): Path<Uuid>,
    Query(q): Query<WorkerPageQuery>,
) -> PageResult {
    let today = today();
    let a = workers::archive(&st.db, &caller.scope, id, today).await?;
    let grades = shegong_store::career::grades(&st.db, &caller.scope, id).await?;
    let tab = q.tab.clone().unwrap_or_else(|| "basic".into());
    let may_see = caller.role.may(Permission::ViewFullIdNumber);
    let full = may_see && q.full_id;
    if full && tab == "basic" {
        audit::full_id_viewed(&st.db, &caller.actor, &a.worker.region_code, id, "page").await?;
    }
    let (rewards, history, trainings, (level, level_steps, payslips)) = match tab.as_str() {
        "reward" => (tabs::rewards(&st, &caller, id).await?, vec![], vec![], Default::default()),
        "history" => {
            let history = tabs::history(&st, &caller, id, full).await?;
            if full && history.iter().any(|h| h.field == workers::ID_NUMBER_FIELD) {
                audit::full_id_viewed(&st.db, &caller.actor, &a.worker.region_code, id, "history").await?;
            }
            (vec![], history, vec![], Default::default())
        }
        "training" => (vec![], vec![], tabs::trainings(&st, &caller, id).await?, Default::default()),
        "pay" => (vec![], vec![], vec![], tabs::pay(&st, &caller, id, today).await?),
        _ => (vec![], vec![], vec![], Default::default()),
    };
    let history_masked_id = may_see && !full && history.iter().any(|h| h.field == workers::ID_NUMBER_FIELD);
    let corrections = tabs::corrections(&st, &caller, id).await?;
    let kept = workers::attachments::list(&st.db, &caller.scope, id).await?;
    let has_photo = kept.iter().any(|a| a.kind == "photo");
    let files = if tab == "files" {
        kept.into_iter()
            .map(|a| FileRow {
                id: a.id,
                kind_label: a.kind_label,
                filename: a.filename,
                size_text: if a.size >= 1024 * 1024 {
                    format!("{:.1} MB", f64::from(a.size) / 1048576.0)
                } else {
                    format!("{} KB", (a.size as u32).div_ceil(1024))
                },
                by: a.created_by,
                at: crate::clock::local_time(a.created_at),
            })
            .collect()
    } else {
        vec![]
    };
    // 网格员：第1网格、第4网格；包格两委：第3网格
    let mut grid_duties: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for (d, name) in shegong_store::grids::of_worker(&st.db, &caller.scope, id).await? {
        let label = shegong_domain::grids::Duty::parse(&d.duty).map_or("", |x| x.label()).to_string();
        match grid_duties.iter_mut().find(|(l, _)| *l == label) {
            Some((_, v)) => v.push((name, d.grid_code)),
            None => grid_duties.push((label, vec![(name, d.grid_code)])),
        }
    }
    let (affairs, affairs_rule) =
        if tab == "affairs" { tabs::affairs(&st, &caller, &a.worker, today).await? } else { Default::default() };
    let years = if tab == "service" {
        shegong_store::residents::service_record(&st.db, &caller.scope, a.worker.id).await?
    } else {
        Vec::new()
    };
    let service_years: Vec<i32> = years.iter().map(|y| y.year).collect();
    let measure = |label: &'static str, f: fn(&shegong_store::residents::ServiceYear) -> u32| {
        (label, years.iter().map(f).collect::<Vec<u32>>())
    };
    let service = if years.is_empty() {
        Vec::new()
    } else {
        vec![
            measure("走访", |y| y.visits),
            measure("排查", |y| y.checks),
            measure("巡查", |y| y.patrols),
            measure("谈心（走访类型）", |y| y.talks),
            measure("入户天数", |y| y.days_among_residents),
            measure("实现微心愿", |y| y.wishes_fulfilled),
            measure("主持议事", |y| y.meetings_hosted),
            measure("窗口值班天数", |y| y.duty_days),
            measure("书记谈心谈话", |y| y.talks_received),
        ]
    };
    let notice = q.flash.notice(caller.user.id);
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
            ("affairs", "事务办理"),
            ("service", "服务记录"),
            ("reward", "奖惩"),
            ("files", "材料"),
            ("history", "履历/历史"),
        ]),
        trainings,
        files,
        file_kinds: shegong_domain::files::KINDS.iter().map(|(k, l)| (k.to_string(), l.to_string())).collect(),
        has_photo,
        grid_duties,
        affairs,
        affairs_rule,
        service_years,
        service,
        level,
        level_steps,
        payslips,
        notice,
        errors,
        can_edit: caller.role.may(Permission::EditArchive),
        can_exit: caller.role.may(Permission::ExitWorker),
        is_self: caller.scope.only_worker() == Some(id),
        educations: tabs::educations(&a),
        certificates: tabs::certificates(&a),
        appointments: tabs::appointments(&a)?,
        agreements: tabs::agreements(&a),
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
        may_see_id: may_see,
        history_masked_id,
        tab,
    })
}
