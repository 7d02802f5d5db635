//! Assessment round pages: rounds, scores, proposed grades, publication.
use crate::posted::Posted;
use crate::sections::FormSpec;
use crate::sections::Msg;
use crate::sections::Section;
use crate::sections::SectionsPage;
use crate::sections::back;
use crate::sections::headers;
use crate::sections::input;
use crate::sections::link;
use crate::sections::not_for_workers;
use crate::sections::row;
use crate::sections::select;
use crate::sections::store;
use crate::sections::t;
use axum::response::Response;

use crate::auth::{Caller, Ctx};
use crate::clock::today;
use crate::error::AppError;
use crate::page::{PageResult, SubForm};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use shegong_domain::Permission;
use shegong_domain::RegionLevel;
use shegong_domain::career::Grade;
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
    let names =
        regions::names_seen(&st.db, &caller.scope, list.iter().map(|r| r.region_code.clone()).collect()).await?;
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
                    input("年度", "year", "number", chrono::Datelike::year(&today()).to_string(), 6),
                ],
                button: "创建年度考核".into(),
                plain: false,
                confirm: String::new(),
                get: false,
            });
        }
    }
    for r in m.paging().slice(&list) {
        s.rows.push(row(vec![
            link(r.year, format!("/assessments/{}", r.id)),
            t(format!("{}（{}）", names.get(&r.region_code).cloned().unwrap_or_default(), r.region_code)),
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

pub(crate) async fn create_round(Ctx { st, caller }: Ctx, axum::Form(f): axum::Form<SubForm>) -> impl IntoResponse {
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
            Ok(if r.year >= chrono::Datelike::year(&today()) {
                format!(
                    "已创建{}年度考核。注意：{}年度尚未结束，平时考核等分数请在年度结束后核实再评定等次",
                    r.year, r.year
                )
            } else {
                format!("已创建{}年度考核", r.year)
            }),
        ),
        Err(e) => back(&caller, "/assessments", Err(e)),
    }
}

pub(crate) fn grade_options(grades: &[Grade]) -> Vec<(String, String)> {
    grades.iter().map(|g| (g.as_str().to_string(), g.label().to_string())).collect()
}

pub(crate) async fn score_round(Path(id): Path<Uuid>, form: Posted) -> Response {
    form.act(Permission::ManageAssessment, &format!("/assessments/{id}"), async |st, access, _f| {
        store(rounds::compute(&st.db, access, id).await)?;
        Ok("已评定等次，请核对后发布".to_string())
    })
    .await
}

pub(crate) async fn reopen_round(Path(id): Path<Uuid>, form: Posted) -> Response {
    form.act(Permission::ManageAssessment, &format!("/assessments/{id}"), async |st, access, _f| {
        store(rounds::reopen(&st.db, access, id).await)?;
        Ok("已退回评分，可修改分数后重新评定等次".to_string())
    })
    .await
}

pub(crate) async fn set_grade(Path(id): Path<Uuid>, form: Posted) -> Response {
    form.act(Permission::ManageAssessment, &format!("/assessments/{id}"), async |st, access, f| {
        let w: Uuid = f.get("worker_id").parse().map_err(|_| AppError::NotFound)?;
        let g = Grade::parse(&f.get("grade")).ok_or(AppError::NotFound)?;
        store(rounds::set_grade(&st.db, access, id, w, g, &f.get("reason")).await)?;
        Ok(format!("已调整为{}，理由已记录", g.label()))
    })
    .await
}

pub(crate) async fn publish_round(Path(id): Path<Uuid>, form: Posted) -> Response {
    form.act(Permission::ManageAssessment, &format!("/assessments/{id}"), async |st, access, _f| {
        let (_, flagged) = store(rounds::publish(&st.db, access, id).await)?;
        Ok(if flagged.is_empty() {
            "已发布，等次已写入档案".to_string()
        } else {
            format!("已发布。符合退出情形：{}", flagged.iter().map(|(_, m)| m.as_str()).collect::<Vec<_>>().join("；"))
        })
    })
    .await
}
