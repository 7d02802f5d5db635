//! `/recruitment`: the county's rounds and a form to draw up a new plan; `/recruitment/{id}`: one
//! round — its posts with the room each community's norm leaves, a form to add a post while it is
//! drafted, and the steps to approve and publish it.

use super::views::detail;
use crate::auth::Caller;
use crate::error::{AppError, PageError};
use crate::page::{PageResult, SubForm};
use crate::posted::Posted;
use crate::sections::{
    FormSpec, Kpi, Msg, Section, SectionsPage, headers, hidden, input, link, n, row, select, store, t,
};
use crate::state::AppState;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use shegong_domain::Permission;
use shegong_domain::status::{RecruitmentStatus, Status};
use shegong_store::recruitment::rounds::{self, JobPostInput, JobRoundInput};
use uuid::Uuid;

fn round_input(f: &SubForm) -> JobRoundInput {
    JobRoundInput {
        county: f.opt("county"),
        title: f.get("title"),
        reference_date: f.get("reference_date"),
        apply_from: f.get("apply_from"),
        apply_to: f.get("apply_to"),
        notes: f.opt("notes"),
    }
}

async fn list(st: &AppState, caller: &Caller, m: &Msg, typed: &JobRoundInput) -> Result<SectionsPage, PageError> {
    let all = store(rounds::list(&st.db, &caller.access).await)?;
    let mut p = SectionsPage::new(st, caller, "recruitment", "招聘", m).await?;
    p.subtitle = "统招统考、逢进必考：编制计划 → 审批 → 发布公告".into();
    p.links.push(("/jobs".into(), "公开的招聘公告".into()));
    p.links.push(("/jobs/check".into(), "报名资格自查".into()));
    let names = shegong_store::regions::names(&st.db.conn, all.iter().map(|r| r.county_code.clone()).collect())
        .await
        .map_err(AppError::from)?;
    let mut s = Section {
        id: "rounds".into(),
        title: format!("招聘（{}次）", all.len()),
        text: if all.is_empty() { "还没有招聘计划。".into() } else { String::new() },
        headers: headers(&["招聘", "县（市、区）", "状态", "报名时间", "资格审查基准日"]),
        cards: true,
        ..Default::default()
    };
    for r in &all {
        s.rows.push(row(vec![
            link(&r.title, format!("/recruitment/{}", r.id)),
            t(names.get(&r.county_code).cloned().unwrap_or_default()),
            t(RecruitmentStatus::label_of(&r.status)),
            t(format!("{} 至 {}", r.apply_from, r.apply_to)),
            t(r.reference_date),
        ]));
    }
    p.sections.push(s);
    let year = m.year.unwrap_or_else(|| chrono::Datelike::year(&crate::clock::today()));
    let f = store(shegong_store::recruitment::figures::of_year(&st.db, &caller.access, year).await)?;
    if f.rounds > 0 {
        p.sections.push(super::figures_view::section("figures", &format!("{year}年招聘统计"), &f));
    }
    if caller.role.may(Permission::ManageRecruitment) {
        let county = caller.scope.region().as_str();
        let mut fields = vec![];
        if county.len() != 6 {
            fields.push(input("县（市、区）", "county", "region", typed.county.clone().unwrap_or_default(), 16));
        }
        fields.extend([
            input("招聘名称", "title", "text", &typed.title, 30),
            input("资格审查基准日", "reference_date", "date", &typed.reference_date, 0),
            input("报名开始", "apply_from", "date", &typed.apply_from, 0),
            input("报名截止", "apply_to", "date", &typed.apply_to, 0),
            input("公告正文（招聘程序、咨询电话等）", "notes", "note", typed.notes.clone().unwrap_or_default(), 5000),
        ]);
        p.sections.push(Section {
            id: "new".into(),
            title: "编制招聘计划".into(),
            text: "先建计划，再逐个添加岗位；岗位人数不超过各社区员额标准尚余的名额。计划须由编制人以外的管理员审批后才能发布。"
                .into(),
            forms: vec![FormSpec { action: "/recruitment".into(), fields, button: "新建".into(), ..Default::default() }],
            ..Default::default()
        });
    }
    Ok(p)
}

/// `GET /recruitment`.
pub(crate) async fn list_page(State(st): State<AppState>, caller: Caller, Query(m): Query<Msg>) -> PageResult {
    list(&st, &caller, &m, &JobRoundInput::default()).await?.finish(&m).await
}

/// `POST /recruitment`: a new draft; to its page.
pub(crate) async fn create(State(st): State<AppState>, caller: Caller, Form(f): Form<SubForm>) -> Response {
    let i = round_input(&f);
    let r = async {
        caller.check_csrf(&f._csrf)?;
        Ok::<_, AppError>(rounds::create(&st.db, &caller.access, &i, crate::clock::today()).await?)
    }
    .await;
    match r {
        Ok(r) => crate::flash::back(
            caller.user.id,
            &format!("/recruitment/{}", r.id),
            Ok("已新建招聘计划，请添加岗位".into()),
        ),
        Err(AppError::Invalid(errors)) => {
            crate::sections::refused(list(&st, &caller, &Msg::default(), &i).await, &errors)
        }
        Err(e) => crate::flash::back(caller.user.id, "/recruitment", Err(e)),
    }
}

/// `GET /recruitment/{id}`.
pub(crate) async fn round_page(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Query(m): Query<Msg>,
) -> PageResult {
    let r = store(rounds::get(&st.db, &caller.access, id).await)?;
    let (d, _) = detail(&st, &r.round, &r.posts).await?;
    let v = &d.round;
    let mut p = SectionsPage::new(&st, &caller, "recruitment", &v.title, &m).await?;
    p.crumbs = vec![("/recruitment".into(), "招聘".into())];
    p.subtitle =
        format!("{} · 报名 {} 至 {} · 资格审查基准日 {}", v.county_name, v.apply_from, v.apply_to, v.reference_date);
    p.kpis = Kpi::list(vec![
        (
            "状态".into(),
            v.status_label.clone(),
            v.approved_by.clone().map(|a| format!("审批人 {a}")).unwrap_or_default(),
        ),
        ("岗位".into(), v.posts.to_string(), "个".into()),
        ("招聘人数".into(), v.places.to_string(), "人".into()),
    ]);
    let status = RecruitmentStatus::parse(&v.status);
    if matches!(status, Some(RecruitmentStatus::Published | RecruitmentStatus::Closed)) {
        p.links.push((format!("/jobs/{id}"), "公开的公告".into()));
        if caller.role.may(Permission::ManageRecruitment) {
            p.links.push((format!("/recruitment/{id}/applications"), "报名与资格审查".into()));
            p.links.push((format!("/recruitment/{id}/exams"), "考试与聘用".into()));
        }
    }
    let mut s = Section {
        id: "posts".into(),
        title: "岗位".into(),
        text: if d.post_list.is_empty() { "还没有岗位。".into() } else { String::new() },
        headers: headers(&["社区", "岗位", "类别", "#人数", "资格条件"]),
        cards: true,
        ..Default::default()
    };
    for x in &d.post_list {
        let title = if x.dedicated { format!("{}（专设社工岗）", x.title) } else { x.title.clone() };
        let mut req = x.requirements.clone();
        if let Some(h) = &x.hukou {
            req.push_str(&format!("；户籍：{h}"));
        }
        s.rows.push(row(vec![t(&x.community_name), t(title), t(&x.category_label), n(x.places), t(req)]));
    }
    let may = caller.role.may(Permission::ManageRecruitment);
    if may && status == Some(RecruitmentStatus::Draft) {
        for x in &d.post_list {
            s.forms.push(FormSpec {
                action: format!("/recruitment/{id}/posts/{}/remove", x.id),
                fields: vec![hidden("post", x.id.to_string())],
                button: format!("删除“{} {}”", x.community_name, x.title),
                plain: true,
                confirm: format!("删除{}的“{}”（{}人）？", x.community_name, x.title, x.places),
                ..Default::default()
            });
        }
    }
    if may && status == Some(RecruitmentStatus::Draft) {
        s.forms.push(FormSpec {
            action: format!("/recruitment/{id}/posts"),
            fields: vec![
                input("社区", "community", "region", "", 16),
                input("岗位名称", "title", "text", "社区专职工作者", 12),
                select(
                    "岗位类别",
                    "category",
                    "staff",
                    shegong_domain::worker::POST_CATEGORIES
                        .iter()
                        .map(|(k, l)| (k.to_string(), l.to_string()))
                        .collect(),
                ),
                input("人数", "places", "number", "1", 3),
                select(
                    "学历要求",
                    "min_education",
                    "",
                    ["", "大专", "本科", "研究生"]
                        .iter()
                        .map(|e| (e.to_string(), if e.is_empty() { "按政策".into() } else { format!("{e}以上") }))
                        .collect(),
                ),
                input("年龄上限（不填按政策）", "max_age", "number", "", 3),
                input("专业要求（顿号分隔，不填不限）", "majors", "text", "", 16),
                input("户籍要求", "hukou", "text", "", 12),
                select("专设社工岗", "dedicated", "", vec![(String::new(), "否".into()), ("true".into(), "是".into())]),
            ],
            button: "添加岗位".into(),
            ..Default::default()
        });
    }
    p.sections.push(s);
    // The author (of the plan or a post) waits for another administrator, and is told so.
    let me = &caller.user.username;
    let authored = r.round.created_by == *me || r.posts.iter().any(|x| x.added_by == *me);
    // People by their names, not their logins.
    let mut who = vec![r.round.created_by.clone()];
    who.extend(r.round.approved_by.clone());
    let names = shegong_store::users::signed_names(&st.db, who).await.map_err(AppError::from)?;
    let named = |u: &str| names.get(u).cloned().unwrap_or_else(|| u.to_string());
    p.subtitle.push_str(&format!(" · 编制人 {}", named(&r.round.created_by)));
    if let Some(a) = &r.round.approved_by {
        p.kpis[0].sub = format!("审批人 {}", named(a));
    }
    let step = match status {
        Some(RecruitmentStatus::Draft) if authored => {
            p.notice = "本计划由您编制（或您添加了岗位），须由其他管理员审批。".into();
            None
        }
        Some(RecruitmentStatus::Draft) => Some(("approve", "审批通过", "审批后岗位不能再改。")),
        Some(RecruitmentStatus::Approved) => {
            Some(("publish", "发布公告", "发布后公告在“招聘公告”公开页面上公开，报名按公告日期开放。"))
        }
        _ => None,
    };
    if let (true, Some((action, button, text))) = (may, step) {
        p.sections.push(Section {
            id: "step".into(),
            title: button.into(),
            text: text.into(),
            forms: vec![FormSpec {
                action: format!("/recruitment/{id}/{action}"),
                // What the approver saw goes with the step: a plan changed since is refused.
                fields: vec![hidden("posts", v.posts.to_string()), hidden("places", v.places.to_string())],
                button: button.into(),
                confirm: format!("{button}“{}”（{}个岗位、{}人），确定吗？", v.title, v.posts, v.places),
                ..Default::default()
            }],
            ..Default::default()
        });
    }
    if may && status.is_some_and(|s| s != RecruitmentStatus::Closed) {
        let (button, text) = if status == Some(RecruitmentStatus::Draft) {
            ("撤回计划", "撤回后计划结束，岗位不再占用员额名额。")
        } else {
            ("结束招聘", "招聘完成后结束；岗位不再占用员额名额，公告保留并标为已结束。")
        };
        p.sections.push(Section {
            id: "close".into(),
            title: button.into(),
            text: text.into(),
            forms: vec![FormSpec {
                action: format!("/recruitment/{id}/close"),
                fields: vec![hidden("id", id.to_string())],
                button: button.into(),
                plain: true,
                confirm: format!("{button}“{}”，此操作不能撤销，确定吗？", v.title),
                ..Default::default()
            }],
            ..Default::default()
        });
    }
    if !v.notes.is_empty() {
        p.sections.push(Section { title: "公告正文".into(), pre: v.notes.clone(), ..Default::default() });
    }
    p.finish(&m).await
}

/// `POST /recruitment/{id}/posts`.
pub(crate) async fn add_post(Path(id): Path<Uuid>, form: Posted) -> Response {
    form.act(Permission::ManageRecruitment, &format!("/recruitment/{id}#posts"), async |st, access, f| {
        let i = JobPostInput {
            community: f.get("community"),
            category: f.opt("category"),
            title: f.get("title"),
            places: f.get("places").trim().parse().ok(),
            min_education: f.opt("min_education"),
            max_age: f.opt("max_age").map(rounds::NumberOrText::Text),
            certificate: f.opt("certificate"),
            majors: f.opt("majors"),
            hukou: f.opt("hukou"),
            dedicated: f.get("dedicated") == "true",
        };
        let p = rounds::add_post(&st.db, access, id, &i).await?;
        Ok(format!("已添加岗位“{}”{}人", p.title, p.places))
    })
    .await
}

/// `POST /recruitment/{id}/approve`.
pub(crate) async fn approve(Path(id): Path<Uuid>, form: Posted) -> Response {
    form.act(Permission::ManageRecruitment, &format!("/recruitment/{id}"), async |st, access, f| {
        let seen = rounds::Seen {
            posts: f.get("posts").trim().parse().unwrap_or(-1),
            places: f.get("places").trim().parse().unwrap_or(-1),
        };
        rounds::approve(&st.db, access, id, Some(seen)).await?;
        Ok("招聘计划已审批".to_string())
    })
    .await
}

/// `POST /recruitment/{id}/close`.
pub(crate) async fn close(Path(id): Path<Uuid>, form: Posted) -> Response {
    form.act(Permission::ManageRecruitment, &format!("/recruitment/{id}"), async |st, access, _| {
        rounds::close(&st.db, access, id).await?;
        Ok("招聘已结束".to_string())
    })
    .await
}

/// `POST /recruitment/{id}/posts/{post_id}/remove`.
pub(crate) async fn remove_post(Path((id, post_id)): Path<(Uuid, Uuid)>, form: Posted) -> Response {
    form.act(Permission::ManageRecruitment, &format!("/recruitment/{id}#posts"), async |st, access, _| {
        rounds::remove_post(&st.db, access, id, post_id).await?;
        Ok("已删除岗位".to_string())
    })
    .await
}

/// `POST /recruitment/{id}/publish`.
pub(crate) async fn publish(Path(id): Path<Uuid>, form: Posted) -> Response {
    form.act(Permission::ManageRecruitment, &format!("/recruitment/{id}"), async |st, access, _| {
        rounds::publish(&st.db, access, id).await?;
        Ok("招聘公告已发布".to_string())
    })
    .await
}
