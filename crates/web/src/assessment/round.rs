//! One assessment round's page: who takes part, the score grid (保存全部, paste from Excel, an Excel
//! file of scores), who still lacks a score, the proposed grades and publication.
use super::pages::grade_options;
use crate::auth::{Caller, Ctx};
use crate::error::PageError;
use crate::page::PageResult;
use crate::sections::{
    Cell, Field, FormSpec, Kpi, Msg, Section, SectionsPage, headers, link, n, not_for_workers, row, t,
};
use crate::state::AppState;
use axum::extract::{Path, Query};
use shegong_domain::Permission;
use shegong_domain::career::Grade;
use shegong_domain::status::{RoundStatus, Status};
use shegong_store::{policies, regions, rounds};
use std::collections::HashMap;
use uuid::Uuid;

/// The three scores: the grid's key for each, and its column heading.
pub(crate) const FIELDS: [(&str, &str); 3] =
    [("organisation", "组织评价"), ("residents", "群众评议"), ("routine", "平时考核")];

/// What was typed into the grid, and the inputs that were wrong, for showing the grid again.
#[derive(Default)]
pub(crate) struct Typed {
    pub(crate) values: HashMap<String, String>,
    /// What the page showed when it was opened (kept when it comes back with errors).
    pub(crate) shown: HashMap<String, String>,
    pub(crate) errors: Vec<(String, String)>,
}

impl Typed {
    pub(crate) fn value(&self, input: &str) -> Option<String> {
        self.values.get(input).cloned()
    }
    pub(crate) fn is_wrong(&self, input: &str) -> bool {
        self.errors.iter().any(|(i, _)| i == input)
    }
    /// All the errors, one sentence each, for the top of the page.
    pub(crate) fn summary(&self) -> String {
        let shown: Vec<&str> = self.errors.iter().take(20).map(|(_, m)| m.as_str()).collect();
        let more = self.errors.len().saturating_sub(shown.len());
        let mut s = format!("有{}处分数有误，均未保存：{}", self.errors.len(), shown.join("；"));
        if more > 0 {
            s.push_str(&format!("；另有{more}处"));
        }
        s
    }
}

pub(crate) async fn round_page(Ctx { st, caller }: Ctx, Path(id): Path<Uuid>, Query(m): Query<Msg>) -> PageResult {
    let p = round_view(&st, &caller, id, &m, None).await?;
    p.finish(&m).await
}

/// The round's page; `typed` is what was just typed into the grid and refused, shown again as typed
/// with its errors.
pub(crate) async fn round_view(
    st: &AppState,
    caller: &Caller,
    id: Uuid,
    m: &Msg,
    typed: Option<&Typed>,
) -> Result<SectionsPage, PageError> {
    not_for_workers(caller)?;
    let v = rounds::get(&st.db, &caller.scope, id).await?;
    let r = &v.round;
    let a = &v.policy.assessment;
    let names = regions::community_names_in(&st.db, &caller.scope, &r.region_code).await?;
    let street = regions::names_seen(&st.db, &caller.scope, vec![r.region_code.clone()]).await?;
    let mut p = SectionsPage::new(st, caller, "assessments", &format!("{}年度考核", r.year), m).await?;
    p.subtitle = format!(
        "{}（{}），{}",
        street.get(&r.region_code).cloned().unwrap_or_default(),
        r.region_code,
        rounds::status_label(&r.status)
    );
    p.crumbs = vec![("/assessments".into(), "年度考核".into())];
    let count = |g: Grade| v.entries.iter().filter(|e| e.entry.grade.as_deref() == Some(g.as_str())).count();
    // Who still lacks one of the three scores, by name.
    let lacking: Vec<&str> = v
        .entries
        .iter()
        .filter(|e| {
            let x = &e.entry;
            x.organisation_score.is_none() || x.residents_score.is_none() || x.routine_score.is_none()
        })
        .map(|e| e.name.as_str())
        .collect();
    p.kpis = Kpi::list(vec![
        (
            "参评人数".into(),
            v.entries.len().to_string(),
            policies::label_of(&policies::labels(&st.db).await?, &r.policy_name, r.policy_version),
        ),
        (
            "尚缺评分".into(),
            lacking.len().to_string(),
            format!(
                "权重 组织评价{}%/群众评议{}%/平时考核{}%",
                a.organisation_weight, a.residents_weight, a.routine_weight
            ),
        ),
        (
            "优秀".into(),
            count(Grade::Excellent).to_string(),
            v.excellent_cap.map_or("不设比例上限".into(), |c| {
                format!("上限 {c} 人（{}%）", a.excellent_cap_pct.unwrap_or(0))
            }),
        ),
        (
            "不合格".into(),
            count(Grade::Incompetent).to_string(),
            format!("基本合格 {} 人", count(Grade::BasicallyCompetent)),
        ),
    ]);
    if let Some(t) = typed {
        p.error = t.summary();
    }
    let admin = caller.role.may(Permission::ManageAssessment);
    let status = RoundStatus::parse(&r.status);
    // Scores are entered by the organising street (or above) and by community heads for their own
    // community; grading and publishing are the street's.
    let draft = status == Some(RoundStatus::Draft) && caller.role.may(Permission::ScoreAssessment);
    let scored = status == Some(RoundStatus::Scored) && admin;
    let mut actions = Section::default();
    match status {
        Some(RoundStatus::Draft) if admin => actions.forms.push(FormSpec {
            action: format!("/assessments/{id}/score"),
            button: "评定等次".into(),
            confirm: if lacking.is_empty() {
                String::new()
            } else {
                format!(
                    "还有{}人缺少评分（{}），缺分者不能评定等次。仍要评定？",
                    lacking.len(),
                    lacking.iter().take(10).copied().collect::<Vec<_>>().join("、")
                )
            },
            ..Default::default()
        }),
        Some(RoundStatus::Scored) if admin => actions.forms.extend([FormSpec {
            action: format!("/assessments/{id}/reopen"),
            button: "退回评分（修改分数）".into(),
            plain: true,
            confirm: "退回后拟定等次将清除，修改分数后需重新评定等次。确定退回？".into(),
            ..Default::default()
        }, FormSpec {
            action: format!("/assessments/{id}/publish"),
            button: "发布（发布后等次不可直接修改）".into(),
            confirm: format!(
                "将发布{}人的等次：优秀{}人、合格{}人、基本合格{}人、不合格{}人。发布后等次写入档案，只能经更正程序修改。确定发布？",
                v.entries.len(),
                count(Grade::Excellent),
                count(Grade::Competent),
                count(Grade::BasicallyCompetent),
                count(Grade::Incompetent)
            ),
            ..Default::default()
        }]),
        _ => {}
    }
    let proposing = v.entries.iter().any(|e| e.proposal.is_some());
    if draft && proposing {
        actions.forms.push(FormSpec {
            action: format!("/assessments/{id}/routine/adopt"),
            button: "未录入平时考核的，采用事务办理建议分".into(),
            plain: true,
            confirm: "将为尚未录入平时考核、且有系统账号的人员填入事务办理建议分（已录入的不改动）。确定？".into(),
            ..Default::default()
        });
    }
    if draft {
        actions.forms.push(FormSpec {
            action: format!("/assessments/{id}/scores/import"),
            fields: vec![Field {
                label: "导入评分（Excel：姓名、社区、组织评价、群众评议、平时考核）".into(),
                name: "file".into(),
                kind: "file",
                ..Default::default()
            }],
            button: "导入".into(),
            plain: true,
            ..Default::default()
        });
    }
    if !actions.forms.is_empty() {
        actions.title = "操作".into();
        p.sections.push(actions);
    }
    if draft && !lacking.is_empty() {
        p.sections.push(Section {
            title: format!("尚缺评分（{}人）", lacking.len()),
            text: lacking.join("、"),
            ..Default::default()
        });
    }
    let mut s = Section {
        title: "名单".into(),
        headers: if proposing {
            headers(&[
                "姓名",
                "社区",
                "职务",
                "#组织评价",
                "#群众评议",
                "#平时考核",
                "#事务办理建议分",
                "与建议不同的理由",
                "#综合得分",
                "等次",
                "",
            ])
        } else {
            headers(&["姓名", "社区", "职务", "#组织评价", "#群众评议", "#平时考核", "#综合得分", "等次", ""])
        },
        ..Default::default()
    };
    if draft && !SectionsPage::wants_xlsx(m) {
        s.grid = format!("/assessments/{id}/scores");
        s.text = "在表格中直接填写分数（0–100的整数），可从 Excel 复制多行多列后粘贴到第一个格子，填完按“保存全部”。也可导出本表，填好分数后导入。".into();
    }
    if let Some(r) = v.policy.assessment.routine_from_events.filter(|_| proposing) {
        s.text.push_str(&format!(
            "事务办理建议分（{}年民情事件）：基础{}分，每上报1件加{}分（上限{}分），每办理1件加{}分（上限{}分），按期办结率100%加{}分（按比例），最高100分；平时考核与建议分不同的，须记录理由后才能评定等次。",
            v.round.year, r.base, r.per_report, r.report_cap, r.per_handled, r.handled_cap, r.on_time
        ));
    }
    let score = |x: Option<i32>| x.map(|v| v.to_string()).unwrap_or_default();
    for e in &v.entries {
        let x = &e.entry;
        let combined = x.combined_tenths.map(|c| format!("{:.1}", c as f64 / 10.0)).unwrap_or_default();
        let grade = x.grade.as_deref().and_then(Grade::parse).map_or(String::new(), |g| g.label().to_string());
        let mut cells = vec![
            link(&e.name, format!("/workers/{}", x.worker_id)),
            t(names.get(&x.region_code).cloned().unwrap_or_default()),
            t(&e.title),
        ];
        let values = [x.organisation_score, x.residents_score, x.routine_score];
        for ((key, label), val) in FIELDS.iter().zip(values) {
            if s.grid.is_empty() {
                cells.push(n(score(val)));
                continue;
            }
            let name = format!("{}.{key}", x.worker_id);
            let (text, error) = match typed {
                Some(t) => (t.value(&name).unwrap_or_else(|| score(val)), t.is_wrong(&name)),
                None => (score(val), false),
            };
            // What the page shows now, sent back so that only the cells changed here are written.
            let shown = typed.and_then(|t| t.shown.get(&name).cloned()).unwrap_or_else(|| score(val));
            cells.push(Cell {
                text,
                hidden: vec![(format!("o.{name}"), shown)],
                input: name,
                grid: true,
                error,
                placeholder: format!("{}的{label}", e.name),
                num: true,
                ..Default::default()
            });
        }
        if let Some(p) = &e.proposal {
            let a = e.affairs.unwrap_or_default();
            cells.push(n(format!("{}（上报{}/办理{}）", p.score, a.reported, a.handled)));
            let differs = x.routine_score.is_some_and(|r| r != p.score);
            cells.push(match (&x.routine_reason, differs && draft) {
                (Some(why), _) if differs => t(why),
                (_, true) => Cell {
                    form: format!("/assessments/{id}/routine/reason"),
                    hidden: vec![("worker_id".into(), x.worker_id.to_string())],
                    input: "reason".into(),
                    placeholder: "与建议分不同的理由（必填）".into(),
                    required: true,
                    button: "记录理由".into(),
                    ..Default::default()
                },
                _ => t(""),
            });
        } else if proposing {
            // Nothing is recorded under the name of a worker without an account: no proposal.
            cells.push(n("无账号"));
            cells.push(t(""));
        }
        cells.push(n(combined));
        // A grade set by hand says so, with its reason.
        let adjusted = x
            .note
            .as_deref()
            .filter(|n| n.starts_with(rounds::ADJUSTED))
            .and_then(|n| n.split_once('：'))
            .map(|(_, why)| why);
        cells.push(t(match adjusted {
            Some(why) => format!("{grade}（已调整：{why}）"),
            None => grade,
        }));
        cells.push(if scored {
            Cell {
                text: x.grade.clone().unwrap_or_default(),
                form: format!("/assessments/{id}/grade"),
                hidden: vec![("worker_id".into(), x.worker_id.to_string())],
                options: grade_options(&a.grades),
                input: "reason".into(),
                placeholder: "调整理由（必填）".into(),
                required: true,
                button: "调整".into(),
                ..Default::default()
            }
        } else {
            t("")
        });
        let mut rr = row(cells);
        rr.flag = x.grade.as_deref() == Some("incompetent");
        s.rows.push(rr);
    }
    p.sections.push(s);
    Ok(p)
}
