//! `/recruitment/{id}/exams`: a round from the tickets to the hire, step by step — tickets, the
//! written scores from a sheet, the pass line, the interview scores, the standings of every post
//! (the interview list, the ranking, who is to be hired), the publicity and its objections. Every
//! table exports to Excel (`?format=xlsx`); the standings sheet is also the sheet to fill scores in.

use super::app_views::passed_label;
use super::round_api::post_labels;
use crate::auth::{Caller, Ctx};
use crate::error::AppError;
use crate::imports::api::read_upload;
use crate::page::PageResult;
use crate::posted::Posted;
use crate::sections::{
    FormSpec, Kpi, Msg, Section, SectionsPage, headers, hidden, input, link, n, row, select, store, t,
};
use crate::state::AppState;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::Response;
use shegong_domain::hiring::publicity_end;
use shegong_domain::recruitment::points_text;
use shegong_domain::{FieldError, Permission};
use shegong_store::imports::Cell;
use shegong_store::recruitment::exams::{self, Exam, ScoreRow};
use shegong_store::recruitment::objections::{self, ObjectionInput, ResolutionInput};
use shegong_store::recruitment::steps;
use uuid::Uuid;

/// Posts shown per page (their standings; the Excel has them all).
const POSTS_PER_PAGE: u64 = 20;

fn total_text(t: Option<u64>) -> String {
    // Totals are in hundredths of a point times 100: two decimals shown.
    t.map(|t| format!("{:.2}", t as f64 / 10_000.0)).unwrap_or_default()
}

/// `GET /recruitment/{id}/exams`.
pub(crate) async fn page(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Query(m): Query<Msg>,
) -> PageResult {
    let (r, all) = store(exams::standings(&st.db, &caller.access, id).await)?;
    let policy =
        store(shegong_store::recruitment::policy_for(&st.db, &r.round.county_code, r.round.reference_date).await)?;
    let labels = post_labels(&st, &r).await?;
    let objections = store(objections::objections(&st.db, &caller.access, id).await)?;
    let mut p = SectionsPage::new(&st, &caller, "recruitment", "考试与聘用", &m).await?;
    p.crumbs = vec![("/recruitment".into(), "招聘".into()), (format!("/recruitment/{id}"), r.round.title.clone())];
    p.links.push((format!("/recruitment/{id}/applications"), "报名与资格审查".into()));
    let rows = || all.iter().flat_map(|s| s.rows.iter());
    let ticketed = rows().count();
    let invited = rows().filter(|x| x.invited).count();
    let selected = rows().filter(|x| x.selected).count();
    let hired = rows().filter(|x| x.hired).count();
    p.kpis = Kpi::list(vec![
        ("准考证".into(), ticketed.to_string(), r.round.tickets_at.map_or("未生成".into(), |_| "张".into())),
        (
            "合格分数线".into(),
            r.round.pass_line.and_then(|l| u32::try_from(l).ok()).map_or("未划定".into(), points_text),
            String::new(),
        ),
        ("进入面试".into(), invited.to_string(), format!("按1:{}", policy.interview_ratio)),
        ("拟聘用".into(), selected.to_string(), "人".into()),
        ("已聘用".into(), hired.to_string(), "人".into()),
    ]);
    let may = caller.role.may(Permission::ManageRecruitment);
    let to = format!("/recruitment/{id}/exams");
    let mut steps = Section { id: "steps".into(), title: "办理".into(), ..Default::default() };
    if may && r.round.status == "published" {
        if r.round.tickets_at.is_none() && crate::clock::today() <= r.round.apply_to {
            steps.text =
                format!("报名截止（{}）后，全部报名审查完毕，即可在此为审查通过的人员生成准考证。", r.round.apply_to);
        } else if r.round.tickets_at.is_none() {
            steps.text = format!("报名截止（{}）且全部报名审查完毕后，为审查通过的人员生成准考证。", r.round.apply_to);
            steps.forms.push(FormSpec {
                action: format!("{to}/tickets"),
                fields: vec![hidden("id", id.to_string())],
                button: "生成准考证".into(),
                ..Default::default()
            });
        } else if r.round.publicity_from.is_none() {
            steps.text = "成绩表：导出下方“成绩与排名”为 Excel，填写“笔试”或“面试”一列后导入（按准考证号对应；缺考填“缺考”或留空）。导入时全部正确才保存。".into();
            let exam = if r.round.pass_line.is_none() {
                ("written", "导入笔试成绩")
            } else {
                ("interview", "导入面试成绩")
            };
            steps.forms.push(FormSpec {
                action: format!("{to}/scores"),
                fields: vec![hidden("exam", exam.0), input("成绩表（.xlsx 或 .csv）", "file", "file", "", 0)],
                button: exam.1.into(),
                ..Default::default()
            });
            if r.round.pass_line.is_none() {
                steps.forms.push(FormSpec {
                    action: format!("{to}/pass-line"),
                    fields: vec![input("笔试合格分数线（含加分）", "pass_line", "text", "60", 6)],
                    button: "划定合格分数线".into(),
                    confirm: "划定后笔试成绩不能再改，面试名单随之确定。确定吗？".into(),
                    ..Default::default()
                });
            } else {
                steps.forms.push(FormSpec {
                    action: format!("{to}/publicity"),
                    fields: vec![input("公示开始日期", "from", "date", crate::clock::today().to_string(), 0)],
                    button: format!("开始公示（{}天）", policy.publicity_days),
                    ..Default::default()
                });
            }
        } else if let Some(from) = r.round.publicity_from {
            steps.text = format!(
                "公示期 {} 至 {}；期满且无未处理或属实的异议后，在每人的报名页办理聘用。",
                from,
                publicity_end(from, policy.publicity_days)
            );
        }
    }
    if !steps.text.is_empty() || !steps.forms.is_empty() {
        p.sections.push(steps);
    }
    let (_, figures) = store(shegong_store::recruitment::figures::of_round(&st.db, &caller.access, id).await)?;
    p.sections.push(super::figures_view::section("figures", "统计", &figures));
    // The standings, a page of posts at a time (the Excel: all).
    let xlsx = SectionsPage::wants_xlsx(&m);
    let page = m.page.unwrap_or(1).clamp(1, crate::extract::MAX_PAGE);
    let pages = (all.len() as u64).div_ceil(POSTS_PER_PAGE).max(1);
    let shown: Vec<_> = if xlsx {
        all.iter().collect()
    } else {
        all.iter().skip(((page - 1) * POSTS_PER_PAGE) as usize).take(POSTS_PER_PAGE as usize).collect()
    };
    let mut s = Section {
        id: "standings".into(),
        title: "成绩与排名".into(),
        text: if ticketed == 0 { "还没有准考证。".into() } else { String::new() },
        headers: headers(&[
            "岗位",
            "#名次",
            "姓名",
            "准考证号",
            "笔试",
            "加分",
            "面试",
            "#总成绩",
            "进入面试",
            "拟聘用",
            "体检",
            "考察",
            "聘用",
        ]),
        cards: true,
        whole_export: true,
        ..Default::default()
    };
    for ps in shown {
        let post = labels.get(&ps.post_id).map_or("", String::as_str);
        for x in &ps.rows {
            let mut c = row(vec![
                t(format!("{post}（{}人）", ps.places)),
                n(x.rank.map(|r| r.to_string()).unwrap_or_default()),
                link(&x.name, format!("/recruitment/{id}/applications/{}", x.id)),
                t(&x.ticket),
                t(x.written.map_or(if x.absent { "缺考" } else { "未录入" }.into(), points_text)),
                t(points_text(x.bonus)),
                t(x.interview.map(points_text).unwrap_or_default()),
                n(total_text(x.total)),
                t(if x.invited { "是" } else { "" }),
                t(if x.selected { "拟聘用" } else { "" }),
                t(passed_label(x.medical.as_deref())),
                t(passed_label(x.vetting.as_deref())),
                t(if x.hired { "已聘用" } else { "" }),
            ]);
            c.flag = x.selected;
            s.rows.push(c);
        }
    }
    if !xlsx && pages > 1 {
        if page > 1 {
            s.pager.push((format!("{to}?page={}", page - 1), "上一页".into()));
        }
        s.pager.push((String::new(), format!("第{page}页，共{pages}页（每页{POSTS_PER_PAGE}个岗位）")));
        if page < pages {
            s.pager.push((format!("{to}?page={}", page + 1), "下一页".into()));
        }
    }
    p.sections.push(s);
    if r.round.publicity_from.is_some() || !objections.is_empty() {
        let names: std::collections::HashMap<Uuid, String> = rows().map(|x| (x.id, x.name.clone())).collect();
        let mut o = Section {
            id: "objections".into(),
            title: format!("公示异议（{}件）", objections.len()),
            headers: headers(&["收到日期", "被反映人", "反映的问题", "核查结论", "是否属实"]),
            ..Default::default()
        };
        for x in &objections {
            o.rows.push(row(vec![
                t(x.received_on),
                t(names.get(&x.application_id).cloned().unwrap_or_default()),
                t(&x.content),
                t(x.resolution.clone().unwrap_or_else(|| "待核查".into())),
                t(match x.upheld {
                    Some(true) => "属实",
                    Some(false) => "不属实",
                    None => "",
                }),
            ]));
            if may && x.resolved_at.is_none() {
                o.forms.push(FormSpec {
                    action: format!("{to}/objections/{}/resolve", x.id),
                    fields: vec![
                        select(
                            "是否属实",
                            "upheld",
                            "false",
                            vec![("false".into(), "不属实".into()), ("true".into(), "属实（不予聘用）".into())],
                        ),
                        input("核查结论", "resolution", "text", "", 30),
                    ],
                    button: format!("处理对{}的异议", names.get(&x.application_id).cloned().unwrap_or_default()),
                    ..Default::default()
                });
            }
        }
        if may && r.round.publicity_from.is_some() && r.round.status == "published" {
            let shown: Vec<(String, String)> =
                rows().filter(|x| x.selected && !x.hired).map(|x| (x.id.to_string(), x.name.clone())).collect();
            o.forms.push(FormSpec {
                action: format!("{to}/objections"),
                fields: vec![
                    select("被反映人", "application", "", shown),
                    input("收到日期", "received_on", "date", crate::clock::today().to_string(), 0),
                    input("反映的问题", "content", "note", "", 2000),
                ],
                button: "登记异议".into(),
                ..Default::default()
            });
        }
        p.sections.push(o);
    }
    p.finish(&m).await
}

/// `POST /recruitment/{id}/exams/tickets`.
pub(crate) async fn tickets(Path(id): Path<Uuid>, form: Posted) -> Response {
    form.act(Permission::ManageRecruitment, &format!("/recruitment/{id}/exams"), async |st, access, _| {
        let n = exams::issue_tickets(&st.db, access, id, crate::clock::today()).await?;
        Ok(format!("已生成准考证{n}张"))
    })
    .await
}

/// `POST /recruitment/{id}/exams/pass-line`.
pub(crate) async fn pass_line(Path(id): Path<Uuid>, form: Posted) -> Response {
    form.act(Permission::ManageRecruitment, &format!("/recruitment/{id}/exams"), async |st, access, f| {
        exams::set_pass_line(&st.db, access, id, &f.get("pass_line")).await?;
        Ok("已划定合格分数线，面试名单已确定".to_string())
    })
    .await
}

/// `POST /recruitment/{id}/exams/publicity`.
pub(crate) async fn publicity(Path(id): Path<Uuid>, form: Posted) -> Response {
    form.act(Permission::ManageRecruitment, &format!("/recruitment/{id}/exams"), async |st, access, f| {
        steps::start_publicity(&st.db, access, id, &f.get("from"), crate::clock::today()).await?;
        Ok("已开始公示，公示名单在公开的招聘公告中".to_string())
    })
    .await
}

/// `POST /recruitment/{id}/exams/objections`.
pub(crate) async fn add_objection(Path(id): Path<Uuid>, form: Posted) -> Response {
    form.act(Permission::ManageRecruitment, &format!("/recruitment/{id}/exams#objections"), async |st, access, f| {
        let i = ObjectionInput {
            application: f.get("application"),
            received_on: f.get("received_on"),
            content: f.get("content"),
        };
        objections::add_objection(&st.db, access, id, &i, crate::clock::today()).await?;
        Ok("已登记异议".to_string())
    })
    .await
}

/// `POST /recruitment/{id}/exams/objections/{objection_id}/resolve`.
pub(crate) async fn resolve_objection(Path((id, oid)): Path<(Uuid, Uuid)>, form: Posted) -> Response {
    form.act(Permission::ManageRecruitment, &format!("/recruitment/{id}/exams#objections"), async |st, access, f| {
        let i = ResolutionInput { upheld: f.get("upheld").parse().ok(), resolution: f.get("resolution") };
        let o = objections::resolve_objection(&st.db, access, id, oid, &i).await?;
        Ok(if o.upheld == Some(true) {
            "异议属实：该人员不予聘用，由下一名递补，公示须重新进行"
        } else {
            "异议已处理"
        }
        .to_string())
    })
    .await
}

fn cell_text(c: &Cell) -> String {
    match c {
        Cell::Empty => String::new(),
        Cell::Text(s) => s.trim().to_string(),
        Cell::Number(v) if v.fract() == 0.0 => format!("{v:.0}"),
        Cell::Number(v) => format!("{}", (v * 100.0).round() / 100.0),
        Cell::Date(d) => d.to_string(),
    }
}

/// The score rows of a sheet: the 准考证号 column and the exam's score column, by their headers.
fn score_rows(rows: &[(usize, Vec<Cell>)], exam: Exam) -> Result<Vec<ScoreRow>, String> {
    let Some((_, header)) = rows.first() else { return Err("文件是空的".into()) };
    let names: Vec<String> = header.iter().map(cell_text).collect();
    let find = |wanted: &[&str]| wanted.iter().find_map(|w| names.iter().position(|n| n == w));
    let ticket = find(&["准考证号"]).ok_or("第一行应有“准考证号”一列")?;
    let wanted: &[&str] = match exam {
        Exam::Written => &["笔试成绩", "笔试", "成绩"],
        Exam::Interview => &["面试成绩", "面试", "成绩"],
    };
    let score = find(wanted).ok_or_else(|| format!("第一行应有“{}”一列", wanted[0]))?;
    Ok(rows[1..]
        .iter()
        .map(|(_, r)| ScoreRow {
            ticket: r.get(ticket).map(cell_text).unwrap_or_default(),
            score: r.get(score).map(cell_text).unwrap_or_default(),
        })
        .filter(|r| !r.ticket.is_empty())
        .collect())
}

/// `POST /recruitment/{id}/exams/scores` (multipart: exam, file): all rows or none.
pub(crate) async fn import_scores(Ctx { st, caller }: Ctx, Path(id): Path<Uuid>, m: Multipart) -> PageResult {
    let to = format!("/recruitment/{id}/exams");
    let up = match read_upload(m).await {
        Ok(u) => u,
        Err(e) => return Ok(crate::flash::back(caller.user.id, &to, Err(e))),
    };
    caller.check_csrf(up.csrf())?;
    caller.access.require(Permission::ManageRecruitment)?;
    let exam =
        if up.fields.iter().any(|(k, v)| k == "exam" && v == "interview") { Exam::Interview } else { Exam::Written };
    let bad = |m: String| AppError::Invalid(vec![FieldError::new("score_file", "file", m)]);
    let rows = match shegong_store::imports::read_rows(&up.filename, &up.bytes) {
        Ok(r) => r,
        Err(e) => return Ok(crate::flash::back(caller.user.id, &to, Err(AppError::from(e)))),
    };
    let rows = match score_rows(&rows, exam) {
        Ok(r) => r,
        Err(e) => return Ok(crate::flash::back(caller.user.id, &to, Err(bad(e)))),
    };
    let r = match exams::record_scores(&st.db, &caller.access, id, exam, &rows).await {
        Ok(n) => Ok(format!("已从“{}”导入{n}人的{}成绩", up.filename, exam.label())),
        Err(shegong_store::StoreError::Invalid(errors)) => {
            let n = errors.len();
            let shown: Vec<String> = errors.into_iter().take(10).map(|e| e.message).collect();
            Err(bad(format!("文件中有{n}处问题，均未导入：{}", shown.join("；"))))
        }
        Err(e) => Err(AppError::from(e)),
    };
    Ok(crate::flash::back(caller.user.id, &to, r))
}
