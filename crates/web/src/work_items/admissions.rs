//! 准入 and the demands never admitted: JSON under `/api/v1/admissions` and `/api/v1/demands`, and the
//! page `/admissions` — a department's form to apply, the county's pending applications to approve or
//! refuse, a community's form to record a demand, and the demands counted per department.
use crate::auth::{Caller, Ctx};
use crate::clock::today;
use crate::error::{ApiResult, AppError};
use crate::extract::{Json, Path, Query};
use crate::page::PageResult;
use crate::posted::Posted;
use crate::sections::{FormSpec, Kpi, Msg, Section, SectionsPage, headers, input, n, row, select, t};
use crate::state::AppState;
use axum::extract::{Query as PageQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use shegong_domain::Permission;
use shegong_domain::work_items::{AdmissionState, DemandKind};
use shegong_store::entity::{admission, demand};
use shegong_store::work_items::{self, AdmissionInput, DecisionInput, DemandFigures, DemandInput};
use uuid::Uuid;

/// 职能部门申请社区承担一项工作（准入）
#[utoipa::path(post, path = "/admissions", tag = "减负清单", request_body = AdmissionInput,
    responses((status = 201, description = "已申请", body = admission::Model)))]
pub async fn apply(Ctx { st, caller }: Ctx, Json(i): Json<AdmissionInput>) -> ApiResult<Response> {
    let m = work_items::apply(&st.db, &caller.access, &i).await?;
    Ok((StatusCode::CREATED, Json(m)).into_response())
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct StateQuery {
    /// pending | approved | refused（默认全部）
    pub state: Option<String>,
}

/// 本县的准入申请（职能部门：本部门的），最新的在前
#[utoipa::path(get, path = "/admissions", tag = "减负清单", params(StateQuery),
    responses((status = 200, description = "准入申请", body = crate::query::Items<admission::Model>)))]
pub async fn list(
    Ctx { st, caller }: Ctx,
    Query(q): Query<StateQuery>,
) -> ApiResult<Json<crate::query::Items<admission::Model>>> {
    let state = match q.state.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(AdmissionState::parse(s).ok_or_else(|| {
            AppError::Invalid(vec![shegong_domain::FieldError::new(
                "admission_state",
                "state",
                "状态应为 pending、approved 或 refused",
            )])
        })?),
    };
    Ok(Json(crate::query::Items::new(work_items::admissions(&st.db, &caller.access, state).await?)))
}

/// 准予（事项自申请的起始日期起列入本县协助政府工作事项清单）
#[utoipa::path(post, path = "/admissions/{id}/approve", tag = "减负清单", params(("id" = Uuid, Path)),
    request_body = DecisionInput, responses((status = 200, description = "已准入", body = admission::Model)))]
pub async fn approve(
    Ctx { st, caller }: Ctx,
    Path(id): Path<Uuid>,
    Json(i): Json<DecisionInput>,
) -> ApiResult<Json<admission::Model>> {
    Ok(Json(work_items::decide(&st.db, &caller.access, id, true, &i).await?))
}

/// 不予准入（须写明理由）
#[utoipa::path(post, path = "/admissions/{id}/refuse", tag = "减负清单", params(("id" = Uuid, Path)),
    request_body = DecisionInput, responses((status = 200, description = "不予准入", body = admission::Model)))]
pub async fn refuse(
    Ctx { st, caller }: Ctx,
    Path(id): Path<Uuid>,
    Json(i): Json<DecisionInput>,
) -> ApiResult<Json<admission::Model>> {
    Ok(Json(work_items::decide(&st.db, &caller.access, id, false, &i).await?))
}

/// 社区登记收到的未经准入的要求（工作任务、会议、台账、报表、责任状）
#[utoipa::path(post, path = "/demands", tag = "减负清单", request_body = DemandInput,
    responses((status = 201, description = "已登记", body = demand::Model)))]
pub async fn record_demand(Ctx { st, caller }: Ctx, Json(i): Json<DemandInput>) -> ApiResult<Response> {
    let m = work_items::record_demand(&st.db, &caller.access, &i, today()).await?;
    Ok((StatusCode::CREATED, Json(m)).into_response())
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct FiguresQuery {
    /// 区划代码（默认本辖区）
    pub region: Option<String>,
    /// 起 YYYY-MM-DD（默认今年1月1日）
    pub from: Option<String>,
    /// 止 YYYY-MM-DD（默认今天）
    pub to: Option<String>,
}

/// 未经准入的要求按部门、类别计数，和本县准入申请的状态
#[utoipa::path(get, path = "/demands/figures", tag = "减负清单", params(FiguresQuery),
    responses((status = 200, description = "计数", body = DemandFigures)))]
pub async fn figures(Ctx { st, caller }: Ctx, Query(q): Query<FiguresQuery>) -> ApiResult<Json<DemandFigures>> {
    let region =
        q.region.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(crate::query::region_of).transpose()?;
    let (from, to) = super::api::period(q.from.as_deref(), q.to.as_deref())?;
    Ok(Json(work_items::demand_figures(&st.db, &caller.access, region.as_ref(), from, to).await?))
}

/// `GET /admissions`.
pub(crate) async fn page(State(st): State<AppState>, caller: Caller, PageQuery(m): PageQuery<Msg>) -> PageResult {
    let mut p = SectionsPage::new(&st, &caller, "lists", "准入与未准入事项", &m).await?;
    let department = caller.scope.department().is_some();
    p.links = vec![("/work-items?kind=assistance".into(), "协助政府工作事项清单".into())];
    if !department {
        p.links.push(("/proofs".into(), "出具证明".into()));
    }
    let apps = work_items::admissions(&st.db, &caller.access, None).await?;
    let count = |s: AdmissionState| apps.iter().filter(|a| a.state == s.as_str()).count();
    let mut kpis = vec![
        ("待审核".to_string(), count(AdmissionState::Pending).to_string(), "准入申请".to_string()),
        ("已准入".into(), count(AdmissionState::Approved).to_string(), "列入协助清单".into()),
        ("不予准入".into(), count(AdmissionState::Refused).to_string(), "".into()),
    ];
    let (from, to) = super::api::period(m.from.as_deref(), m.to.as_deref())?;
    let f =
        if department { None } else { Some(work_items::demand_figures(&st.db, &caller.access, None, from, to).await?) };
    if let Some(f) = &f {
        kpis.push(("未经准入的要求".into(), f.total.to_string(), format!("{from} 至 {to}")));
    }
    p.kpis = Kpi::list(kpis);
    let wants_xlsx = SectionsPage::wants_xlsx(&m);
    if department && !wants_xlsx {
        p.sections.push(Section {
            id: "apply".into(),
            title: "申请准入".into(),
            text: "需要社区协助的工作，须经县（市、区）准入后实施，并按“权随责走、人随事动、费随事转”配备人员和经费。"
                .into(),
            forms: vec![FormSpec {
                action: "/admissions".into(),
                fields: vec![
                    input("事项", "title", "text", "", 24),
                    input("法律依据", "basis", "text", "", 24),
                    input("起始日期", "from", "date", today().to_string(), 10),
                    input("截止日期", "to", "date", "", 10),
                    input("配备人员", "staff", "text", "", 12),
                    input("经费", "funding", "text", "", 12),
                ],
                button: "提交申请".into(),
                ..Default::default()
            }],
            ..Default::default()
        });
    }
    if caller.scope.region().level() == shegong_domain::RegionLevel::Community
        && caller.role.may(Permission::ServeResidents)
        && !wants_xlsx
    {
        p.sections.push(Section {
            id: "demand".into(),
            title: "登记未经准入的要求".into(),
            text:
                "收到清单以外、未经准入的工作任务、会议、台账、报表或责任状要求时，如实登记：谁要求、要求什么、哪一天。"
                    .into(),
            forms: vec![FormSpec {
                action: "/demands".into(),
                fields: vec![
                    input("提出部门", "department", "text", "", 12),
                    select(
                        "类别",
                        "kind",
                        "task",
                        DemandKind::ALL.iter().map(|k| (k.as_str().to_string(), k.label().to_string())).collect(),
                    ),
                    input("内容", "what", "text", "", 24),
                    input("日期", "date", "date", today().to_string(), 10),
                ],
                button: "登记".into(),
                ..Default::default()
            }],
            ..Default::default()
        });
    }
    let decide = caller.role.may(Permission::ManageWorkItems) && !department && !wants_xlsx;
    if decide {
        // Each application waiting: what it asks, and the decision beside it.
        for a in apps.iter().filter(|a| a.state == AdmissionState::Pending.as_str()) {
            p.sections.push(Section {
                id: format!("pending-{}", a.id),
                title: format!("待审核：{}（{}）", a.title, a.department_name),
                text: format!(
                    "依据：{}；期限：{} 至 {}；涉及社区：{}；配备人员：{}；经费：{}。",
                    a.basis.as_deref().unwrap_or("未写明"),
                    a.from_on,
                    a.to_on.map_or("长期".into(), |d| d.to_string()),
                    if a.communities == "全部" {
                        "本县全部社区".to_string()
                    } else {
                        format!("{}个", a.communities.split(',').count())
                    },
                    a.staff.as_deref().unwrap_or("未写明"),
                    a.funding.as_deref().unwrap_or("未写明"),
                ),
                forms: vec![FormSpec {
                    action: format!("/admissions/{}/decide", a.id),
                    fields: vec![
                        select(
                            "审核意见",
                            "decision",
                            "approve",
                            vec![("approve".into(), "准予，列入协助清单".into()), ("refuse".into(), "不予准入".into())],
                        ),
                        input("不予准入的理由", "reason", "text", "", 24),
                    ],
                    button: "提交".into(),
                    ..Default::default()
                }],
                ..Default::default()
            });
        }
    }
    let mut s = Section {
        id: "applications".into(),
        title: "准入申请".into(),
        headers: headers(&["申请部门", "事项", "法律依据", "起止", "人员/经费", "状态"]),
        cards: true,
        ..Default::default()
    };
    for a in &apps {
        let state = AdmissionState::parse(&a.state).unwrap_or(AdmissionState::Pending);
        // On the page long texts are cut (the Excel has them whole), so that the decision fits.
        let cut = |v: Option<&str>, max: usize| {
            let v = v.unwrap_or("—");
            if wants_xlsx || v.chars().count() <= max {
                v.to_string()
            } else {
                v.chars().take(max).collect::<String>() + "…"
            }
        };
        let mut r = row(vec![
            t(&a.department_name),
            t(&a.title),
            t(cut(a.basis.as_deref(), 14)),
            t(format!("{} 至 {}", a.from_on, a.to_on.map_or("长期".into(), |d| d.to_string()))),
            t(format!("{} / {}", cut(a.staff.as_deref(), 10), cut(a.funding.as_deref(), 10))),
            t(match &a.reason {
                Some(r) if state == AdmissionState::Refused => format!("{}：{r}", state.label()),
                _ => state.label().to_string(),
            }),
        ]);
        r.flag = state == AdmissionState::Pending;
        s.rows.push(r);
    }
    p.sections.push(s);
    if let Some(f) = f {
        let mut s = Section {
            id: "demands".into(),
            title: "未经准入的要求（按部门）".into(),
            text: format!("{from} 至 {to}，社区登记的清单以外、未经准入的要求。"),
            headers: headers(&["部门", "#工作任务", "#会议", "#台账", "#报表", "#责任状", "#合计"]),
            ..Default::default()
        };
        for (d, c, total) in &f.by_department {
            s.rows.push(row(vec![t(d), n(c[0]), n(c[1]), n(c[2]), n(c[3]), n(c[4]), n(total)]));
        }
        p.sections.push(s);
    }
    p.finish(&m).await
}

/// `POST /admissions` (a department's form).
pub(crate) async fn apply_form(form: Posted) -> Response {
    // The store decides who may apply (a department's clerk): the form checks the token only.
    form.act_checked_to("/admissions", async |st, access, f| {
        let i = AdmissionInput {
            title: f.get("title"),
            basis: f.opt("basis"),
            from: f.get("from"),
            to: f.opt("to"),
            staff: f.opt("staff"),
            funding: f.opt("funding"),
            ..Default::default()
        };
        let a = work_items::apply(&st.db, access, &i).await?;
        Ok((None, format!("已提交“{}”的准入申请", a.title)))
    })
    .await
}

/// `POST /admissions/{id}/decide`.
pub(crate) async fn decide_form(axum::extract::Path(id): axum::extract::Path<Uuid>, form: Posted) -> Response {
    form.act(Permission::ManageWorkItems, "/admissions", async |st, access, f| {
        let approve = f.get("decision") != "refuse";
        let a = work_items::decide(&st.db, access, id, approve, &DecisionInput { reason: f.opt("reason") }).await?;
        Ok(format!("“{}”{}", a.title, if approve { "已准入，列入协助政府工作事项清单" } else { "不予准入" }))
    })
    .await
}

/// `POST /demands` (a community's form).
pub(crate) async fn demand_form(form: Posted) -> Response {
    form.act(Permission::ServeResidents, "/admissions", async |st, access, f| {
        let i = DemandInput {
            community: f.opt("community"),
            department: f.get("department"),
            what: f.get("what"),
            kind: f.get("kind"),
            date: f.opt("date"),
        };
        let d = work_items::record_demand(&st.db, access, &i, today()).await?;
        Ok(format!("已登记{}的要求：{}", d.department_name, d.what))
    })
    .await
}
