//! Payroll pages: the months computed, one run with its sheet, review and lock.
use crate::posted::Posted;
use crate::sections::FormSpec;
use crate::sections::Msg;
use crate::sections::Section;
use crate::sections::SectionsPage;
use crate::sections::back;
use crate::sections::headers;
use crate::sections::input;
use crate::sections::link;
use crate::sections::money;
use crate::sections::n;
use crate::sections::not_for_workers;
use crate::sections::region_options;
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
use shegong_domain::pay::parse_yuan;
use shegong_domain::{Permission, RegionLevel};
use shegong_store::{payroll, policies, regions};
use uuid::Uuid;

pub(crate) async fn payroll_page(State(st): State<AppState>, caller: Caller, Query(m): Query<Msg>) -> PageResult {
    not_for_workers(&caller)?;
    let runs = payroll::list(&st.db, &caller.scope).await?;
    let labels = policies::labels(&st.db).await?;
    let mut p = SectionsPage::new(&st, &caller, "payroll", "月度薪酬", &m).await?;
    let names =
        regions::names_seen(&st.db, &caller.scope, runs.iter().map(|r| r.region_code.clone()).collect()).await?;
    let mut s = Section {
        headers: headers(&["月份", "区划", "状态", "政策", "#人数", "#应发合计（元）", "计算", "锁定"]),
        ..Default::default()
    };
    if caller.role.may(Permission::RunPayroll) {
        let own_name = regions::get(&st.db, &caller.scope, caller.scope.region())
            .await
            .map_or_else(|_| caller.scope.region().to_string(), |r| r.name);
        let own = (caller.scope.region().to_string(), format!("{own_name}（本级）"));
        let kids: Vec<(String, String)> = regions::children(&st.db, &caller.scope, caller.scope.region())
            .await?
            .into_iter()
            .filter(|c| RegionLevel::of_code(&c.code).is_some_and(|l| l <= RegionLevel::Street))
            .map(|c| (c.code, c.name))
            .collect();
        let this_month = today().format("%Y-%m").to_string();
        s.forms.push(FormSpec {
            action: "/payroll".into(),
            fields: vec![
                select("发薪区划", "region", "", region_options(&kids, &own)),
                input("月份", "month", "month", this_month, 0),
            ],
            button: "计算本月薪酬".into(),
            plain: false,
            confirm: String::new(),
            get: false,
        });
    }
    for r in m.paging().slice(&runs) {
        s.rows.push(row(vec![
            link(&r.month, format!("/payroll/{}", r.id)),
            t(format!("{}（{}）", names.get(&r.region_code).cloned().unwrap_or_default(), r.region_code)),
            t(payroll::status_label(&r.status)),
            t(policies::label_of(&labels, &r.policy_name, r.policy_version)),
            n(r.workers),
            n(money(r.total_fen)),
            t(crate::clock::local_time(r.created_at)),
            t(r.locked_at.map(crate::clock::local_time).unwrap_or_default()),
        ]));
    }
    s.pager = m.page_links("/payroll", runs.len());
    s.whole_export = true;
    p.sections.push(s);
    p.links = vec![("/budget".into(), "年度预算测算".into())];
    p.finish(&m).await
}

pub(crate) async fn create_run(Ctx { st, caller }: Ctx, axum::Form(f): axum::Form<SubForm>) -> impl IntoResponse {
    let r = async {
        caller.check_csrf(&f._csrf)?;
        caller.access.require(Permission::RunPayroll)?;
        let s = store(payroll::run(&st.db, &caller.access, &f.get("region"), &f.get("month")).await)?;
        Ok((
            s.run.id,
            format!(
                "已计算 {} 薪酬：{} 人，应发 {} 元{}",
                s.run.month,
                s.run.workers,
                money(s.run.total_fen),
                if s.problems.is_empty() {
                    String::new()
                } else {
                    format!(
                        "；{} 人未能计算（{}）",
                        s.problems.len(),
                        s.problems
                            .iter()
                            .take(3)
                            .map(|p| format!("{}：{}", p.name, p.message))
                            .collect::<Vec<_>>()
                            .join("；")
                    )
                }
            ),
        ))
    }
    .await;
    match r {
        Ok((id, msg)) => back(&caller, &format!("/payroll/{id}"), Ok(msg)),
        Err(e) => back(&caller, "/payroll", Err(e)),
    }
}

/// The person of an adjustment, named on the form by name or ID number among the run's people.
async fn person_in_run(
    st: &AppState,
    access: &shegong_store::access::Access,
    run: Uuid,
    who: &str,
) -> Result<Uuid, AppError> {
    let refuse = |m: String| AppError::Invalid(vec![shegong_domain::FieldError::new("adjust_worker", "worker", m)]);
    let found = store(payroll::people_in_run(&st.db, &access.scope, run, who).await)?;
    match found.as_slice() {
        [(w, _)] => Ok(*w),
        [] if who.trim().is_empty() => Err(refuse("请填写调整人员的姓名或身份证号码".into())),
        [] => Err(refuse(format!("本月工资条中没有“{}”", who.trim()))),
        many => Err(refuse(match shegong_domain::search::picked_person(who) {
            (name, Some(tail)) => {
                format!("本月工资条中有{}人名为“{name}”且身份证号码尾号为{tail}，请填写完整身份证号码", many.len())
            }
            _ => format!("本月工资条中有{}人名为“{}”，请从输入提示中选择，或填写身份证号码", many.len(), who.trim()),
        })),
    }
}

/// `POST /payroll/{id}/review|lock|adjust`.
pub(crate) async fn run_step(Path((id, action)): Path<(Uuid, String)>, form: Posted) -> Response {
    form.act(Permission::RunPayroll, &format!("/payroll/{id}"), async |st, access, f| match action.as_str() {
        "review" => store(payroll::review(&st.db, access, id).await).map(|_| "已审核".to_string()),
        "lock" => store(payroll::lock(&st.db, access, id).await).map(|_| "已锁定".to_string()),
        "return" => store(payroll::send_back(&st.db, access, id, &f.get("reason")).await)
            .map(|r| format!("已退回，{}可重新计算", r.month)),
        "adjust" => {
            let w = person_in_run(st, access, id, &f.get("worker")).await?;
            let fen = parse_yuan(&f.get("amount_yuan")).ok_or_else(|| {
                AppError::Invalid(vec![shegong_domain::FieldError::new(
                    "adjust_amount",
                    "amount_yuan",
                    "调整金额应为元金额，最多两位小数",
                )])
            })?;
            store(payroll::adjust(&st.db, access, id, w, fen, &f.get("reason")).await)
                .map(|a| format!("已添加调整项 {} 元", money(a.amount_fen)))
        }
        _ => Err(AppError::NotFound),
    })
    .await
}
