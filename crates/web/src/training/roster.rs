//! A course's page with its roster: who took part, marked 参训/通过/未通过/缺勤 one by one, people
//! added by name or ID number and taken off when recorded by mistake.
use crate::auth::Ctx;
use crate::error::AppError;
use crate::page::PageResult;
use crate::posted::Posted;
use crate::sections::{
    Cell, FormSpec, Kpi, Msg, Row, Section, SectionsPage, headers, input, link, n, not_for_workers, select, t,
};
use axum::extract::{Path, Query};
use axum::response::Response;
use shegong_domain::status::{Attendance, Status, TrainingResult, training_outcome};
use shegong_domain::{FieldError, Permission};
use shegong_store::training;
use shegong_store::workers::{self, WorkerFilter};
use uuid::Uuid;

/// The outcomes a clerk marks, as (value, label, attendance, result).
const OUTCOMES: [(&str, &str, Attendance, Option<TrainingResult>); 4] = [
    ("passed", "参训，通过", Attendance::Attended, Some(TrainingResult::Passed)),
    ("attended", "参训", Attendance::Attended, None),
    ("failed", "参训，未通过", Attendance::Attended, Some(TrainingResult::Failed)),
    ("absent", "缺勤", Attendance::Absent, None),
];

fn outcome_of(r: &shegong_store::entity::training_record::Model) -> &'static str {
    let result = r.result.as_deref().and_then(TrainingResult::parse);
    match (Attendance::parse(&r.attendance), result) {
        (Some(Attendance::Absent), _) => "absent",
        (_, Some(TrainingResult::Passed)) => "passed",
        (_, Some(TrainingResult::Failed)) => "failed",
        _ => "attended",
    }
}

fn outcome_options() -> Vec<(String, String)> {
    OUTCOMES.iter().map(|(v, l, ..)| (v.to_string(), l.to_string())).collect()
}

pub(crate) async fn course_page(Ctx { st, caller }: Ctx, Path(id): Path<Uuid>, Query(m): Query<Msg>) -> PageResult {
    not_for_workers(&caller)?;
    let (course, lines) = training::roster(&st.db, &caller.scope, id).await?;
    let names =
        workers::community_names(&st.db, &caller.scope, lines.iter().map(|l| l.record.region_code.clone()).collect())
            .await?;
    let mut p = SectionsPage::new(&st, &caller, "trainings", &course.name, &m).await?;
    p.crumbs = vec![("/trainings".into(), "培训".into())];
    p.subtitle = format!(
        "{}，{} 至 {}，{}学时，{}学分",
        training::kind_label(&course.kind),
        course.start_date,
        course.end_date,
        course.hours,
        course.credits
    );
    let count = |o: &str| lines.iter().filter(|l| outcome_of(&l.record) == o).count();
    p.kpis = Kpi::list(vec![
        ("名单人数".into(), lines.len().to_string(), format!("主办：{}", course.organiser)),
        ("通过".into(), count("passed").to_string(), format!("参训未考核 {} 人", count("attended"))),
        ("未通过".into(), count("failed").to_string(), "不计学分".into()),
        ("缺勤".into(), count("absent").to_string(), "不计学分".into()),
    ]);
    let can = caller.role.may(Permission::ManageTraining);
    let mut s = Section {
        title: "参训名单".into(),
        headers: headers(if can && !SectionsPage::wants_xlsx(&m) {
            &["姓名", "社区", "结果", "#学分", "", ""]
        } else {
            &["姓名", "社区", "结果", "#学分"]
        }),
        whole_export: true,
        ..Default::default()
    };
    if can {
        s.forms.push(FormSpec {
            action: format!("/trainings/{id}/people"),
            fields: vec![
                input("人员（姓名或身份证号码）", "who", "person", "", 22),
                select("结果", "outcome", "passed", outcome_options()),
            ],
            button: "加入名单".into(),
            plain: true,
            ..Default::default()
        });
    }
    let shown = m.paging().slice(&lines);
    s.pager = m.page_links(&format!("/trainings/{id}"), lines.len());
    for l in shown {
        let r = &l.record;
        let (label, _, _) = training_outcome(
            Attendance::parse(&r.attendance).unwrap_or(Attendance::Attended),
            r.result.as_deref().and_then(TrainingResult::parse),
        );
        let mut cells = vec![
            link(&l.name, format!("/workers/{}?tab=training", r.worker_id)),
            t(names.get(&r.region_code).cloned().unwrap_or_default()),
            t(label),
            n(r.credits),
        ];
        if can && !SectionsPage::wants_xlsx(&m) {
            cells.push(Cell {
                text: outcome_of(r).into(),
                form: format!("/trainings/{id}/people/{}", r.worker_id),
                options: outcome_options(),
                select_name: "outcome".into(),
                button: "改".into(),
                ..Default::default()
            });
            cells.push(Cell {
                form: format!("/trainings/{id}/people/{}/remove", r.worker_id),
                button: "移出名单".into(),
                ..Default::default()
            });
        }
        s.rows.push(Row { flag: r.credits == 0, cells });
    }
    p.sections.push(s);
    p.finish(&m).await
}

fn outcome(value: &str) -> Result<(Attendance, Option<TrainingResult>), AppError> {
    OUTCOMES
        .iter()
        .find(|(v, ..)| *v == value)
        .map(|(_, _, a, r)| (*a, *r))
        .ok_or_else(|| AppError::Invalid(vec![FieldError::new("training_outcome", "outcome", "请选择参训结果")]))
}

/// `POST /trainings/{id}/people`: one person added to the roster by name or ID number.
pub(crate) async fn add_person(Path(id): Path<Uuid>, form: Posted) -> Response {
    form.act(Permission::ManageTraining, &format!("/trainings/{id}"), async |st, access, f| {
        let (attendance, result) = outcome(&f.get("outcome"))?;
        let who = f.get("who");
        let who = who.trim();
        let refuse = |m: String| AppError::Invalid(vec![FieldError::new("training_person", "who", m)]);
        if who.is_empty() {
            return Err(refuse("请填写人员的姓名或身份证号码".into()));
        }
        let (name, _) = shegong_domain::search::picked_person(who);
        let filter = WorkerFilter { q: Some(name.to_string()), ..Default::default() };
        // The search finds fragments and 拼音 too; only the full name or the whole number picks a
        // person here (the name typed in full comes first in the search's order).
        let (found, _) = workers::list(&st.db, &access.scope, &filter, crate::clock::today(), 1, 50).await?;
        // A number is matched whole by the search already (no prefix search here).
        let is_number = who.len() >= 4 && who.bytes().all(|b| b.is_ascii_digit() || b == b'X' || b == b'x');
        let exact: Vec<_> =
            found.iter().filter(|w| is_number || workers::pick::is_picked(who, &w.name, &w.id_number)).collect();
        let w = match exact.as_slice() {
            [w] => *w,
            [] => {
                return Err(refuse(format!("您的管辖范围内没有在岗人员“{who}”（请填写完整姓名或身份证号码）")));
            }
            many => {
                return Err(refuse(match shegong_domain::search::picked_person(who) {
                    (name, Some(tail)) => {
                        format!("有{}人名为“{name}”且身份证号码尾号为{tail}，请填写完整身份证号码", many.len())
                    }
                    _ => format!("有{}人名为“{who}”，请从输入提示中选择，或填写身份证号码", many.len()),
                }));
            }
        };
        // Someone already on the roster keeps one record; the clerk is told the result changed.
        let (_, already) =
            training::set_result(&st.db, access, id, w.id, attendance.as_str(), result.map(TrainingResult::as_str))
                .await?;
        if already {
            let label = OUTCOMES.iter().find(|(v, ..)| *v == f.get("outcome")).map_or("", |(_, l, ..)| *l);
            return Ok(format!("{}已在名单中，参训结果改为“{label}”", w.name));
        }
        Ok(format!("已将{}加入名单", w.name))
    })
    .await
}

/// `POST /trainings/{id}/people/{worker_id}`: a person's outcome changed.
pub(crate) async fn set_outcome(Path((id, worker)): Path<(Uuid, Uuid)>, form: Posted) -> Response {
    form.act(Permission::ManageTraining, &format!("/trainings/{id}"), async |st, access, f| {
        let (attendance, result) = outcome(&f.get("outcome"))?;
        training::set_result(&st.db, access, id, worker, attendance.as_str(), result.map(TrainingResult::as_str))
            .await?;
        Ok("已更新参训结果".to_string())
    })
    .await
}

/// `POST /trainings/{id}/people/{worker_id}/remove`.
pub(crate) async fn remove_person(Path((id, worker)): Path<(Uuid, Uuid)>, form: Posted) -> Response {
    form.act(Permission::ManageTraining, &format!("/trainings/{id}"), async |st, access, _f| {
        training::remove(&st.db, access, id, worker).await?;
        Ok("已移出名单".to_string())
    })
    .await
}
