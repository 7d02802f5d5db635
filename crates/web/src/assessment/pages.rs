//! Assessment round pages: rounds, scores, proposed grades, publication.
use crate::posted::Posted;
use crate::sections::Cell;
use crate::sections::FormSpec;
use crate::sections::Kpi;
use crate::sections::Msg;
use crate::sections::Section;
use crate::sections::SectionsPage;
use crate::sections::back;
use crate::sections::headers;
use crate::sections::input;
use crate::sections::link;
use crate::sections::n;
use crate::sections::not_for_workers;
use crate::sections::row;
use crate::sections::select;
use crate::sections::store;
use crate::sections::t;
use axum::response::Response;
use shegong_domain::status::{RoundStatus, Status};

use crate::auth::Caller;
use crate::clock::today;
use crate::error::AppError;
use crate::page::{PageResult, SubForm};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use shegong_domain::RegionLevel;
use shegong_domain::career::Grade;
use shegong_domain::{FieldError, Permission};
use shegong_store::{StoreError, policies, regions, rounds};
use uuid::Uuid;

pub(crate) async fn rounds_page(State(st): State<AppState>, caller: Caller, Query(m): Query<Msg>) -> PageResult {
    not_for_workers(&caller)?;
    let labels = policies::labels(&st.db).await?;
    let list = rounds::list(&st.db, &caller.scope).await.or_else(|e| match e {
        StoreError::NotFound => Ok(vec![]),
        e => Err(e),
    })?;
    let mut p = SectionsPage::new(&st, &caller, "assessments", "年度考核", &m).await?;
    let names = regions::names_seen(
        &st.db,
        &caller.scope,
        list.iter().map(|r| r.region_code.clone()).collect(),
    )
    .await?;
    let mut s = Section {
        text: "由街道（乡镇）组织：录入组织评价、群众评议和平时考核分数 → 按政策权重、分数线和优秀比例评定等次 → 发布。发布后等次写入档案，只能通过留痕的更正修改。".into(),
        headers: headers(&["年度", "街道（乡镇）", "状态", "政策", "发布"]),
        ..Default::default()
    };
    if caller.role.may(Permission::ManageAssessment) {
        let streets: Vec<(String, String)> = if caller.scope.region().level() == RegionLevel::Street {
            vec![(caller.scope.region().to_string(), "本街道".into())]
        } else if caller.scope.region().level() == RegionLevel::County {
            regions::children(&st.db, &caller.scope, caller.scope.region())
                .await?
                .into_iter()
                .map(|c| (c.code, c.name))
                .collect()
        } else {
            vec![]
        };
        if !streets.is_empty() {
            s.forms.push(FormSpec {
                action: "/assessments".into(),
                fields: vec![
                    select("街道（乡镇）", "region", "", streets),
                    input(
                        "年度",
                        "year",
                        "number",
                        chrono::Datelike::year(&today()).to_string(),
                        6,
                    ),
                ],
                button: "创建年度考核".into(),
                plain: false,
                confirm: String::new(),
            });
        }
    }
    for r in m.paging().slice(&list) {
        s.rows.push(row(vec![
            link(r.year, format!("/assessments/{}", r.id)),
            t(format!(
                "{}（{}）",
                names.get(&r.region_code).cloned().unwrap_or_default(),
                r.region_code
            )),
            t(rounds::status_label(&r.status)),
            t(policies::label_of(&labels, &r.policy_name, r.policy_version)),
            t(r.published_at.map(crate::clock::local_time).unwrap_or_default()),
        ]));
    }
    s.pager = m.page_links("/assessments", list.len());
    s.whole_export = true;
    p.sections.push(s);
    p.finish(&m).await
}

pub(crate) async fn create_round(
    State(st): State<AppState>,
    caller: Caller,
    axum::Form(f): axum::Form<SubForm>,
) -> impl IntoResponse {
    let r = async {
        caller.check_csrf(&f._csrf)?;
        caller.access.require(Permission::ManageAssessment)?;
        let year = f.get("year").trim().parse().unwrap_or(0);
        store(rounds::create(&st.db, &caller.access, &f.get("region"), year, today()).await)
    }
    .await;
    match r {
        Ok(r) => back(
            &caller,
            &format!("/assessments/{}", r.id),
            Ok(format!("已创建{}年度考核", r.year)),
        ),
        Err(e) => back(&caller, "/assessments", Err(e)),
    }
}

fn grade_options(grades: &[Grade]) -> Vec<(String, String)> {
    grades
        .iter()
        .map(|g| (g.as_str().to_string(), g.label().to_string()))
        .collect()
}

pub(crate) async fn round_page(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Query(m): Query<Msg>,
) -> PageResult {
    not_for_workers(&caller)?;
    let v = rounds::get(&st.db, &caller.scope, id).await?;
    let r = &v.round;
    let a = &v.policy.assessment;
    let names = regions::community_names_in(&st.db, &caller.scope, &r.region_code).await?;
    let street = regions::names_seen(&st.db, &caller.scope, vec![r.region_code.clone()]).await?;
    let mut p = SectionsPage::new(&st, &caller, "assessments", &format!("{}年度考核", r.year), &m).await?;
    p.subtitle = format!(
        "{}（{}），{}",
        street.get(&r.region_code).cloned().unwrap_or_default(),
        r.region_code,
        rounds::status_label(&r.status)
    );
    p.crumbs = vec![("/assessments".into(), "年度考核".into())];
    let count = |g: Grade| {
        v.entries
            .iter()
            .filter(|e| e.entry.grade.as_deref() == Some(g.as_str()))
            .count()
    };
    p.kpis = Kpi::list(vec![
        (
            "参评人数".into(),
            v.entries.len().to_string(),
            policies::label_of(&policies::labels(&st.db).await?, &r.policy_name, r.policy_version),
        ),
        (
            "权重".into(),
            format!("{}/{}/{}", a.organisation_weight, a.residents_weight, a.routine_weight),
            "组织评价/群众评议/平时考核（%）".into(),
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
    let admin = caller.role.may(Permission::ManageAssessment);
    let mut actions = Section::default();
    let status = RoundStatus::parse(&r.status);
    match status {
        Some(RoundStatus::Draft) if admin => actions.forms.push(FormSpec {
            action: format!("/assessments/{id}/score"),
            button: "评定等次".into(),
            ..Default::default()
        }),
        Some(RoundStatus::Scored) if admin => actions.forms.push(FormSpec {
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
        }),
        _ => {}
    }
    if !actions.forms.is_empty() {
        actions.title = "操作".into();
        p.sections.push(actions);
    }
    let mut s = Section {
        title: "名单".into(),
        headers: headers(&[
            "姓名",
            "社区",
            "职务",
            "#组织评价",
            "#群众评议",
            "#平时考核",
            "#综合得分",
            "等次",
            "",
        ]),
        ..Default::default()
    };
    // Scores are entered by the organising street (or above) and by community heads for their own
    // community; grading and publishing are the street's.
    let draft = status == Some(RoundStatus::Draft) && caller.role.may(Permission::ScoreAssessment);
    let scored = status == Some(RoundStatus::Scored) && admin;
    let score = |x: Option<i32>| x.map(|v| v.to_string()).unwrap_or_default();
    for e in &v.entries {
        let x = &e.entry;
        let combined = x
            .combined_tenths
            .map(|c| format!("{:.1}", c as f64 / 10.0))
            .unwrap_or_default();
        let grade = x
            .grade
            .as_deref()
            .and_then(Grade::parse)
            .map_or(String::new(), |g| g.label().to_string());
        let mut cells = vec![
            link(&e.name, format!("/workers/{}", x.worker_id)),
            t(names.get(&x.region_code).cloned().unwrap_or_default()),
            t(&e.title),
        ];
        if draft {
            for (k, val) in [
                ("organisation", x.organisation_score),
                ("residents", x.residents_score),
                ("routine", x.routine_score),
            ] {
                cells.push(Cell {
                    text: score(val),
                    form: format!("/assessments/{id}/scores"),
                    hidden: vec![
                        ("worker_id".into(), x.worker_id.to_string()),
                        ("field".into(), k.into()),
                    ],
                    input: "value".into(),
                    button: "存".into(),
                    num: true,
                    ..Default::default()
                });
            }
        } else {
            cells.extend([
                n(score(x.organisation_score)),
                n(score(x.residents_score)),
                n(score(x.routine_score)),
            ]);
        }
        cells.push(n(combined));
        cells.push(t(grade));
        cells.push(if scored {
            Cell {
                text: x.grade.clone().unwrap_or_default(),
                form: format!("/assessments/{id}/grade"),
                hidden: vec![("worker_id".into(), x.worker_id.to_string())],
                options: grade_options(&a.grades),
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
    p.finish(&m).await
}

pub(crate) async fn save_scores(Path(id): Path<Uuid>, form: Posted) -> Response {
    form.act(
        Permission::ScoreAssessment,
        &format!("/assessments/{id}"),
        async |st, access, f| {
            let w: Uuid = f.get("worker_id").parse().map_err(|_| AppError::NotFound)?;
            let v = rounds::get(&st.db, &access.scope, id).await.map_err(AppError::from)?;
            let e = v
                .entries
                .iter()
                .find(|e| e.entry.worker_id == w)
                .ok_or(AppError::NotFound)?;
            let raw = f.get("value");
            let refused = |m: String| AppError::Invalid(vec![FieldError::new("score_range", "score", m)]);
            let val = match raw.trim() {
                "" => None,
                v => match v.parse::<i32>() {
                    Ok(n) if (0..=100).contains(&n) => Some(n),
                    _ => return Err(refused(format!("{}的分数应为0至100之间的整数，“{v}”不是", e.name))),
                },
            };
            let mut i = rounds::ScoreInput {
                worker_id: w,
                organisation: e.entry.organisation_score,
                residents: e.entry.residents_score,
                routine: e.entry.routine_score,
                note: e.entry.note.clone(),
            };
            match f.get("field").as_str() {
                "organisation" => i.organisation = val,
                "residents" => i.residents = val,
                _ => i.routine = val,
            }
            store(rounds::save_scores(&st.db, access, id, &[i]).await)?;
            Ok(if val.is_some() {
                format!("已保存{}的评分", e.name)
            } else {
                format!("已清除{}的这项评分", e.name)
            })
        },
    )
    .await
}

pub(crate) async fn score_round(Path(id): Path<Uuid>, form: Posted) -> Response {
    form.act(
        Permission::ManageAssessment,
        &format!("/assessments/{id}"),
        async |st, access, _f| {
            store(rounds::compute(&st.db, access, id).await)?;
            Ok("已评定等次，请核对后发布".to_string())
        },
    )
    .await
}

pub(crate) async fn set_grade(Path(id): Path<Uuid>, form: Posted) -> Response {
    form.act(
        Permission::ManageAssessment,
        &format!("/assessments/{id}"),
        async |st, access, f| {
            let w: Uuid = f.get("worker_id").parse().map_err(|_| AppError::NotFound)?;
            let g = Grade::parse(&f.get("grade")).ok_or(AppError::NotFound)?;
            store(rounds::set_grade(&st.db, access, id, w, g).await)?;
            Ok(format!("已调整为{}", g.label()))
        },
    )
    .await
}

pub(crate) async fn publish_round(Path(id): Path<Uuid>, form: Posted) -> Response {
    form.act(
        Permission::ManageAssessment,
        &format!("/assessments/{id}"),
        async |st, access, _f| {
            let (_, flagged) = store(rounds::publish(&st.db, access, id).await)?;
            Ok(if flagged.is_empty() {
                "已发布，等次已写入档案".to_string()
            } else {
                format!(
                    "已发布。符合退出情形：{}",
                    flagged.iter().map(|(_, m)| m.as_str()).collect::<Vec<_>>().join("；")
                )
            })
        },
    )
    .await
}
