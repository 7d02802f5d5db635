//! The county's pages for a round's applications: `/recruitment/{id}/applications` (the list by
//! status, with its Excel) and `/recruitment/{id}/applications/{application_id}` (one application —
//! the facts, the check made on submission, the scans — with 资格审查, 体检 and 考察, and the hire).

use super::app_views::{passed_label, points, view};
use super::round_api::post_labels;
use crate::auth::Caller;
use crate::page::PageResult;
use crate::posted::Posted;
use crate::sections::{FormSpec, Kpi, Msg, Section, SectionsPage, headers, hidden, input, link, row, select, store, t};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use shegong_domain::Permission;
use shegong_domain::status::{ApplicationStatus, Status};
use shegong_store::recruitment::review::{self, ApplicationFilter, ReviewInput};
use shegong_store::recruitment::steps::{self, Check, CheckInput, HireInput};
use uuid::Uuid;

const PER_PAGE: u64 = 50;

/// `GET /recruitment/{id}/applications?kind=submitted&page=`: the applications, by status.
pub(crate) async fn list_page(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Query(m): Query<Msg>,
) -> PageResult {
    let status = m.kind.clone().filter(|k| ApplicationStatus::parse(k).is_some());
    let xlsx = SectionsPage::wants_xlsx(&m);
    let page = if xlsx { 1 } else { m.page.unwrap_or(1).clamp(1, crate::extract::MAX_PAGE) };
    let per_page = if xlsx { 100_000 } else { PER_PAGE };
    let filter = ApplicationFilter { status: status.clone(), post: None };
    let (r, rows, total) = store(review::list(&st.db, &caller.access, id, &filter, page, per_page).await)?;
    let labels = post_labels(&st, &r).await?;
    let mut p = SectionsPage::new(&st, &caller, "recruitment", "报名与资格审查", &m).await?;
    p.crumbs = vec![("/recruitment".into(), "招聘".into()), (format!("/recruitment/{id}"), r.round.title.clone())];
    p.subtitle = format!("报名 {} 至 {}", r.round.apply_from, r.round.apply_to);
    let mut counts = Vec::new();
    for s in ApplicationStatus::ALL {
        let f = ApplicationFilter { status: Some(s.as_str().into()), post: None };
        counts.push((*s, store(review::list(&st.db, &caller.access, id, &f, 1, 1).await)?.2));
    }
    let all: u64 = counts.iter().map(|(_, n)| n).sum();
    p.kpis = Kpi::list(
        std::iter::once(("报名".to_string(), all.to_string(), "人".to_string()))
            .chain(counts.iter().map(|(s, n)| (s.label().to_string(), n.to_string(), "人".to_string())))
            .collect(),
    );
    p.links.push((format!("/recruitment/{id}/applications"), format!("全部（{all}）")));
    for (s, n) in &counts {
        p.links.push((format!("/recruitment/{id}/applications?kind={}", s.as_str()), format!("{}（{n}）", s.label())));
    }
    p.links.push((format!("/recruitment/{id}/exams"), "考试与聘用".into()));
    let mut s = Section {
        id: "applications".into(),
        title: format!("{}（{total}人）", status.as_deref().map_or("全部报名", |k| ApplicationStatus::label_of(k))),
        text: if rows.is_empty() { "没有报名。".into() } else { String::new() },
        headers: headers(&[
            "姓名",
            "性别",
            "出生日期",
            "报考岗位",
            "学历",
            "专业",
            "证书",
            "手机",
            "提交时间",
            "状态",
            "准考证号",
            "考场",
            "座位",
        ]),
        cards: true,
        whole_export: true,
        ..Default::default()
    };
    for a in &rows {
        let v = view(a, &r.round.title, labels.get(&a.post_id).map_or("", String::as_str), false);
        s.rows.push(row(vec![
            link(&v.name, format!("/recruitment/{id}/applications/{}", v.id)),
            t(&v.gender),
            t(v.birth_date),
            t(&v.post),
            t(&v.education),
            t(&v.major),
            t(v.certificate_label.clone().unwrap_or_default()),
            t(&v.phone),
            t(shegong_domain::time::minutes_text(v.submitted_at)),
            t(&v.status_label),
            t(v.ticket.clone().unwrap_or_default()),
            t(v.room.clone().unwrap_or_default()),
            t(v.seat.map(|x| x.to_string()).unwrap_or_default()),
        ]));
    }
    let pages = total.div_ceil(PER_PAGE);
    if !xlsx && pages > 1 {
        let kind = status.as_deref().map(|k| format!("kind={k}&")).unwrap_or_default();
        if page > 1 {
            s.pager.push((format!("/recruitment/{id}/applications?{kind}page={}", page - 1), "上一页".into()));
        }
        s.pager.push((String::new(), format!("第{page}页，共{pages}页")));
        if page < pages {
            s.pager.push((format!("/recruitment/{id}/applications?{kind}page={}", page + 1), "下一页".into()));
        }
    }
    p.sections.push(s);
    p.finish(&m).await
}

/// `GET /recruitment/{id}/applications/{application_id}`.
pub(crate) async fn application_page(
    State(st): State<AppState>,
    caller: Caller,
    Path((id, app_id)): Path<(Uuid, Uuid)>,
    Query(m): Query<Msg>,
) -> PageResult {
    let (r, a) = store(review::get(&st.db, &caller.access, id, app_id).await)?;
    let labels = post_labels(&st, &r).await?;
    // The reviewer checks the number against the ID card's scan: in full for those who may see
    // full numbers, each view audited.
    let full = caller.role.may(Permission::ViewFullIdNumber);
    let v = view(&a, &r.round.title, labels.get(&a.post_id).map_or("", String::as_str), full);
    if full {
        shegong_store::audit::entry(&caller.actor, "recruitment.view_id_number", &r.round.county_code)
            .target(a.id)
            .detail("application")
            .record(&st.db)
            .await
            .map_err(crate::error::AppError::from)?;
    }
    let files = store(shegong_store::recruitment::applications::files_of(&st.db, &a).await)?;
    let mut p = SectionsPage::new(&st, &caller, "recruitment", &v.name, &m).await?;
    p.crumbs = vec![
        ("/recruitment".into(), "招聘".into()),
        (format!("/recruitment/{id}"), r.round.title.clone()),
        (format!("/recruitment/{id}/applications"), "报名与资格审查".into()),
    ];
    p.subtitle = format!("{} · {}", v.post, v.status_label);
    if caller.role.may(Permission::ManageRecruitment) {
        p.links.push((format!("/recruitment/{id}/applications/next"), "下一份待审查".into()));
    }
    let mut facts = vec![
        ("报考岗位", v.post.clone()),
        ("性别、出生日期", format!("{} · {}", v.gender, v.birth_date)),
        ("身份证号码", v.id_number.clone()),
        ("手机", v.phone.clone()),
        ("学历", format!("{} · {} · {}", v.education, v.school, v.major)),
        ("毕业日期", v.graduated_on.map(|d| d.to_string()).unwrap_or_default()),
        ("社会工作职业资格", v.certificate_label.clone().unwrap_or_else(|| "未取得".into())),
        ("现有社区工作者", if v.current_worker { "是" } else { "否" }.into()),
        ("复员退伍军人", if v.veteran { "是" } else { "否" }.into()),
        ("工作经历", v.work_history.clone()),
        ("提交时的资格判断", v.explanation.join("；")),
        ("承诺不存在的情形", v.declared.join("；")),
        (
            "资格审查",
            format!("{}{}", v.status_label, v.review_reason.as_ref().map(|r| format!("：{r}")).unwrap_or_default()),
        ),
    ];
    if let (Some(by), Some(at)) = (&a.reviewed_by, a.reviewed_at) {
        let names =
            shegong_store::users::signed_names(&st.db, vec![by.clone()]).await.map_err(crate::error::AppError::from)?;
        facts.push(("审查人", format!("{} · {}", names.get(by).unwrap_or(by), shegong_domain::time::minutes_text(at))));
    }
    if let Some(tk) = &v.ticket {
        facts.push(("准考证", format!("{tk} · {} 第{}座", v.room.clone().unwrap_or_default(), v.seat.unwrap_or(0))));
    }
    if let Some(w) = &v.written {
        facts.push(("笔试", format!("{w}分，加分{}", v.bonus)));
    }
    if let Some(i) = points(a.interview) {
        facts.push(("面试", format!("{i}分")));
    }
    for (label, result, reason) in [("体检", &v.medical, &v.medical_reason), ("考察", &v.vetting, &v.vetting_reason)]
    {
        if result.is_some() {
            facts.push((
                label,
                format!(
                    "{}{}",
                    passed_label(result.as_deref()),
                    reason.as_ref().map(|r| format!("：{r}")).unwrap_or_default()
                ),
            ));
        }
    }
    let mut s = Section {
        id: "facts".into(),
        title: "报名信息".into(),
        headers: headers(&["项目", "内容"]),
        ..Default::default()
    };
    for (k, val) in facts {
        s.rows.push(row(vec![t(k), t(val)]));
    }
    if let Some(w) = v.worker_id {
        s.rows.push(row(vec![t("聘用"), link("已聘用，查看档案", format!("/workers/{w}"))]));
    }
    p.sections.push(s);
    let mut f = Section {
        id: "files".into(),
        title: format!("材料（{}份）", files.len()),
        text: if files.is_empty() { "报名人尚未上传材料。".into() } else { String::new() },
        headers: headers(&["文件", "类型", "大小"]),
        ..Default::default()
    };
    for x in &files {
        let kind = shegong_store::recruitment::applications::FILE_KINDS
            .iter()
            .find(|(k, _)| *k == x.kind)
            .map_or("", |(_, l)| l);
        f.rows.push(row(vec![
            link(&x.filename, format!("/recruitment/{id}/applications/{app_id}/files/{}", x.id)),
            t(kind),
            t(super::app_views::size_text(&x.size)),
        ]));
    }
    p.sections.push(f);
    if caller.role.may(Permission::ManageRecruitment) {
        let to = format!("/recruitment/{id}/applications/{app_id}");
        let yes_no = |a: &str, b: &str| vec![("true".to_string(), a.to_string()), ("false".to_string(), b.to_string())];
        if a.status == ApplicationStatus::Submitted.as_str() {
            p.sections.push(Section {
                id: "review".into(),
                title: "资格审查".into(),
                text: "不通过的须写明理由，报名人在“我的报名”中可以看到。".into(),
                forms: vec![FormSpec {
                    action: format!("{to}/review"),
                    fields: vec![
                        select(
                            "结论",
                            "qualified",
                            "",
                            [vec![(String::new(), "请选择".into())], yes_no("通过", "不通过")].concat(),
                        ),
                        input("理由（不通过时必填）", "reason", "note", "", 500),
                        // What the reviewer saw: an application changed since is looked at again.
                        hidden("seen", a.updated_at.to_rfc3339()),
                    ],
                    button: "提交审查结论".into(),
                    ..Default::default()
                }],
                ..Default::default()
            });
        }
        if a.ticket.is_some() && a.status != ApplicationStatus::Hired.as_str() {
            let checks = vec![(String::from("medical"), "体检".to_string()), ("vetting".into(), "考察".into())];
            p.sections.push(Section {
                id: "checks".into(),
                title: "体检、考察".into(),
                text: "只对按成绩排名进入拟聘用的人员录入；不合格的由下一名递补。".into(),
                forms: vec![FormSpec {
                    action: format!("{to}/checks"),
                    fields: vec![
                        select("环节", "check", "medical", checks),
                        select("结论", "passed", "true", yes_no("合格", "不合格")),
                        input("理由（不合格时必填）", "reason", "text", "", 30),
                    ],
                    button: "录入".into(),
                    ..Default::default()
                }],
                ..Default::default()
            });
            p.sections.push(Section {
                id: "hire".into(),
                title: "聘用".into(),
                text: "公示期满、没有未处理或属实的异议后办理：由报名信息建立档案（已有档案的重新启用或调整任职），同时登记任职和本届服务协议。".into(),
                forms: vec![FormSpec {
                    action: format!("{to}/hire"),
                    fields: vec![input("入职日期", "start_date", "date", crate::clock::today().to_string(), 0)],
                    button: "聘用并建立档案".into(),
                    confirm: format!("聘用{}并建立档案？", v.name),
                    ..Default::default()
                }],
                ..Default::default()
            });
        }
    }
    p.finish(&m).await
}

/// `POST /recruitment/{id}/applications/{application_id}/review`.
pub(crate) async fn review(Path((id, app_id)): Path<(Uuid, Uuid)>, form: Posted) -> Response {
    let to = format!("/recruitment/{id}/applications/{app_id}");
    form.act(Permission::ManageRecruitment, &to, async |st, access, f| {
        let seen = chrono::DateTime::parse_from_rfc3339(&f.get("seen")).ok().map(|d| d.to_utc());
        let i = ReviewInput { qualified: f.get("qualified").parse().ok(), reason: f.opt("reason"), seen };
        let a = review::review(&st.db, access, id, app_id, &i).await?;
        Ok(format!("{}：{}", a.name, ApplicationStatus::label_of(&a.status)))
    })
    .await
}

/// `GET /recruitment/{id}/applications/next`: the next application waiting for review, or the list.
pub(crate) async fn next(State(st): State<AppState>, caller: Caller, Path(id): Path<Uuid>) -> PageResult {
    use axum::response::IntoResponse;
    let to = match store(review::next_pending(&st.db, &caller.access, id).await)? {
        Some(a) => format!("/recruitment/{id}/applications/{a}"),
        None => format!("/recruitment/{id}/applications"),
    };
    Ok(axum::response::Redirect::to(&to).into_response())
}

/// `POST /recruitment/{id}/applications/{application_id}/checks`.
pub(crate) async fn check(Path((id, app_id)): Path<(Uuid, Uuid)>, form: Posted) -> Response {
    let to = format!("/recruitment/{id}/applications/{app_id}");
    form.act(Permission::ManageRecruitment, &to, async |st, access, f| {
        let check = match f.get("check").as_str() {
            "medical" => Some(Check::Medical),
            "vetting" => Some(Check::Vetting),
            _ => None,
        };
        let i = CheckInput { check, passed: f.get("passed").parse().ok(), reason: f.opt("reason") };
        let a = steps::record_check(&st.db, access, id, app_id, &i).await?;
        Ok(format!("已录入{}的{}结果", a.name, check.map_or("", |c| c.label())))
    })
    .await
}

/// `POST /recruitment/{id}/applications/{application_id}/hire`.
pub(crate) async fn hire(Path((id, app_id)): Path<(Uuid, Uuid)>, form: Posted) -> Response {
    let to = format!("/recruitment/{id}/applications/{app_id}");
    form.act(Permission::ManageRecruitment, &to, async |st, access, f| {
        let i = HireInput { start_date: f.opt("start_date") };
        let a = steps::hire(&st.db, access, id, app_id, &i, crate::clock::today()).await?;
        Ok(format!("已聘用{}，档案已建立", a.name))
    })
    .await
}
