//! Policy pages: the policies in force, one policy, applying one to a region, reference wages, uploads.
use crate::posted::Posted;
use crate::sections::Field;
use crate::sections::FormSpec;
use crate::sections::Kpi;
use crate::sections::Msg;
use crate::sections::Section;
use crate::sections::SectionsPage;
use crate::sections::headers;
use crate::sections::input;
use crate::sections::link;
use crate::sections::money;
use crate::sections::n;
use crate::sections::not_for_workers;
use crate::sections::region_in;
use crate::sections::row;
use crate::sections::select;
use crate::sections::store;
use crate::sections::t;
use axum::response::Response;

use crate::auth::{Caller, Ctx};
use crate::clock::today;
use crate::error::AppError;
use crate::page::{PageResult, render};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use serde::Deserialize;
use shegong_domain::pay::{parse_yuan, yuan};
use shegong_domain::{Permission, RegionLevel};
use shegong_store::{policies, regions};

pub(crate) async fn policies_page(State(st): State<AppState>, caller: Caller, Query(m): Query<Msg>) -> PageResult {
    not_for_workers(&caller)?;
    let (code, _) = region_in(&caller, m.region.as_deref())?;
    let on = today();
    let mut p = SectionsPage::new(&st, &caller, "policies", "政策配置", &m).await?;
    let here = regions::get(&st.db, &caller.scope, &code).await?;
    p.subtitle = format!("{}（{}）", here.name, here.code);
    let f = policies::in_force(&st.db.conn, code.as_str(), on).await?;
    match &f {
        Some(f) => {
            let pol = &f.policy;
            p.kpis = Kpi::list(vec![
                ("适用政策".into(), f.name.clone(), format!("v{}，{}", f.version, pol.title)),
                ("生效".into(), f.effective_from.to_string(), format!("指定于区划 {}", f.assigned_at_region)),
                (
                    "员额标准".into(),
                    match pol.staffing.norm {
                        shegong_domain::staffing::StaffingNorm::Tiered {
                            base_households, base_min, base_max, ..
                        } => {
                            format!("{base_households}户以下{base_min}–{base_max}人")
                        }
                        shegong_domain::staffing::StaffingNorm::PerHouseholds { households } => {
                            format!("每{households}户1人")
                        }
                        shegong_domain::staffing::StaffingNorm::PerResidents { per_10000 } => {
                            format!("每万人{per_10000}人")
                        }
                    },
                    format!("网格{}–{}户", pol.staffing.grid_households_min, pol.staffing.grid_households_max),
                ),
                (
                    "薪酬体系".into(),
                    format!("{}岗{}{}", pol.posts.len(), pol.pay.levels, pol.pay.unit),
                    format!(
                        "考核：组织{}%＋群众评议{}%{}",
                        pol.assessment.organisation_weight,
                        pol.assessment.residents_weight,
                        if pol.assessment.routine_weight > 0 {
                            format!("＋平时{}%", pol.assessment.routine_weight)
                        } else {
                            String::new()
                        }
                    ),
                ),
            ]);
            let mut s = Section {
                title: "岗位类别与等级".into(),
                headers: headers(&["名称", "等级范围", "#岗位薪酬（元/月）", "#岗位津贴（元/月）"]),
                ..Default::default()
            };
            for post in &pol.posts {
                s.rows.push(row(vec![
                    t(&post.label),
                    t(format!("{}–{}{}", post.min_level, post.max_level, pol.pay.unit)),
                    n(if post.post_pay == 0 { "—".into() } else { money(post.post_pay) }),
                    n(if post.allowance == 0 { "—".into() } else { money(post.allowance) }),
                ]));
            }
            s.text = format!(
                "晋升：每满{}年且考核{}以上晋升1{}；培训：书记、主任每{}年、其他人员每{}年轮训{}；持证目标每社区{}人；退出：连续{}年或累计{}年不合格；后备力量：每个两委职位{}人。",
                pol.pay.progression.years_per_level,
                pol.pay.progression.min_grade.label(),
                pol.pay.unit,
                pol.training.head_every_years,
                pol.training.others_every_years,
                if pol.training.credits_per_year > 0 {
                    format!("，每年学分{}分", pol.training.credits_per_year)
                } else {
                    String::new()
                },
                pol.training.certificate_goal,
                pol.exit.consecutive,
                pol.exit.total,
                pol.reserve.per_seat
            );
            p.sections.push(s);
        }
        None => p.error = format!("{} 目前没有适用的政策。", here.name),
    }
    let mut hist = Section {
        id: "apply".into(),
        title: "适用历史（本级及上级）".into(),
        headers: headers(&["区划", "政策", "版本", "生效日期", "指定人", "指定时间"]),
        ..Default::default()
    };
    let history = policies::history(&st.db, &caller.scope, code.as_str()).await?;
    let names =
        regions::names_seen(&st.db, &caller.scope, history.iter().map(|a| a.region_code.clone()).collect()).await?;
    let who =
        shegong_store::users::signed_names(&st.db, history.iter().map(|a| a.assigned_by.clone()).collect()).await?;
    for a in history {
        hist.rows.push(row(vec![
            t(format!("{}（{}）", names.get(&a.region_code).cloned().unwrap_or_default(), a.region_code)),
            link(&a.policy_name, format!("/policies/{}?version={}", a.policy_name, a.policy_version)),
            n(a.policy_version),
            t(a.effective_from),
            t(who.get(&a.assigned_by).cloned().unwrap_or_else(|| a.assigned_by.clone())),
            t(crate::clock::local_time(a.assigned_at)),
        ]));
    }
    let all = policies::list(&st.db).await?;
    let mut latest: Vec<(String, String)> = Vec::new();
    for v in &all {
        if !latest.iter().any(|(n, _)| *n == v.name) {
            latest.push((v.name.clone(), format!("{}（v{}）", v.title, v.version)));
        }
    }
    if caller.role.may(Permission::ApplyPolicy) {
        hist.forms.push(FormSpec {
            action: "/policies/apply".into(),
            fields: vec![
                input("区划", "region", "region", here.name.clone(), 20),
                select("政策", "name", f.as_ref().map_or("", |f| f.name.as_str()), latest.clone()),
                input("生效日期", "from", "date", "", 0),
            ],
            button: "指定政策".into(),
            plain: false,
            confirm: String::new(),
            get: false,
        });
    }
    p.sections.push(hist);
    let wages = policies::Wages::load(&st.db.conn, code.as_str()).await?;
    let mut w = Section {
        title: "参照工资（按年度）".into(),
        text: "按参照工资确定级别薪酬或保障线的政策，取薪酬所属年度上一年的数值；下级区划未录入时沿用上级。".into(),
        headers: headers(&["区划", "参照工资", "年度", "#年平均工资（元）"]),
        ..Default::default()
    };
    for (r, k, y, fen) in wages
        .all()
        .into_iter()
        .filter(|(r, ..)| code.as_str().starts_with(r.as_str()) || r.starts_with(code.as_str()))
        .rev()
        .take(40)
    {
        w.rows.push(row(vec![t(r), t(shegong_domain::policy::reference_wage_label(&k)), t(y), n(money(fen))]));
    }
    if caller.role.may(Permission::ApplyPolicy) {
        w.forms.push(FormSpec {
            action: "/policies/wages".into(),
            fields: vec![
                input("区划", "region", "region", here.name.clone(), 20),
                select(
                    "参照工资",
                    "key",
                    "average_wage",
                    shegong_domain::policy::REFERENCE_WAGES
                        .iter()
                        .map(|(k, l)| (k.to_string(), l.to_string()))
                        .collect(),
                ),
                input("年度", "year", "number", (chrono::Datelike::year(&on) - 1).to_string(), 6),
                input("年平均工资（元）", "annual_yuan", "text", "", 12),
            ],
            button: "保存".into(),
            plain: true,
            confirm: String::new(),
            get: false,
        });
    }
    p.sections.push(w);
    let mut list =
        Section {
            title: "政策文件".into(), headers: headers(&["名称", "版本", "标题", "依据"]), ..Default::default()
        };
    for v in &all {
        list.rows.push(row(vec![
            link(&v.name, format!("/policies/{}?version={}", v.name, v.version)),
            n(v.version),
            t(&v.title),
            t(&v.source),
        ]));
    }
    if caller.role.may(Permission::ApplyPolicy) && caller.scope.region().level() == RegionLevel::Province {
        list.forms.push(FormSpec {
            action: "/policies/upload".into(),
            fields: vec![Field {
                label: "新增或修改政策文件（TOML，名称相同即为新版本）".into(),
                name: "body".into(),
                kind: "textarea",
                ..Default::default()
            }],
            button: "检查并保存".into(),
            plain: true,
            confirm: String::new(),
            get: false,
        });
    }
    p.sections.push(list);
    p.links = vec![
        (format!("/staffing?region={}", code), "员额".into()),
        (format!("/budget?region={}", code), "薪酬预算".into()),
    ];
    p.finish(&m).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct VersionQ {
    version: Option<i32>,
}

pub(crate) async fn policy_page(
    Ctx { st, caller }: Ctx,
    Path(name): Path<String>,
    Query(q): Query<VersionQ>,
    Query(msg): Query<Msg>,
) -> PageResult {
    not_for_workers(&caller)?;
    let (m, pol) = policies::get(&st.db.conn, &name, q.version).await?;
    let mut p = SectionsPage::new(&st, &caller, "policies", &pol.title, &msg).await?;
    p.export_query.clear();
    p.subtitle = format!("第{}版（{}）", m.version, m.name);
    p.crumbs = vec![("/policies".into(), "政策配置".into())];
    if caller.role.may(Permission::ApplyPolicy) && caller.scope.region().level() == RegionLevel::Province {
        p.links = vec![
            (format!("/policies/{}/edit", m.name), "以表单修改（另存为新版本）".into()),
            ("/policies#apply".into(), "为区划指定政策".into()),
        ];
    }
    p.sections.push(Section {
        title: "政策文件".into(),
        text: format!("依据：{}。保存人 {}，{}", pol.source, m.created_by, crate::clock::local_time(m.created_at)),
        pre: m.body,
        ..Default::default()
    });
    render(p)
}

pub(crate) async fn apply_policy(form: Posted) -> Response {
    let typed = form.field("region");
    let to = form.region_page("/policies", "region");
    form.act(Permission::ApplyPolicy, &to, async |st, access, f| {
        let region = regions_by_name(st, access, &typed).await?;
        let from = shegong_domain::worker::parse_date("from", "生效日期", &f.get("from"))
            .map_err(|e| AppError::Invalid(vec![e]))?;
        let a = store(policies::apply(&st.db, access, &region, &f.get("name"), from).await)?;
        Ok(format!(
            "已指定：区划 {} 自 {} 起适用 {}",
            a.region_code,
            a.effective_from,
            policies::label_of(&policies::labels(&st.db).await?, &a.policy_name, a.policy_version)
        ))
    })
    .await
}

pub(crate) async fn set_wage(form: Posted) -> Response {
    let typed = form.field("region");
    let to = form.region_page("/policies", "region");
    form.act(Permission::ApplyPolicy, &to, async |st, access, f| {
        let region = regions_by_name(st, access, &typed).await?;
        let fen = parse_yuan(&f.get("annual_yuan")).ok_or_else(|| {
            AppError::Invalid(vec![shegong_domain::FieldError::new(
                "wage_amount",
                "annual_yuan",
                "年平均工资应为元金额，最多两位小数",
            )])
        })?;
        let year = f.get("year").trim().parse().unwrap_or(0);
        store(policies::set_reference_wage(&st.db, access, &region, f.get("key").trim(), year, fen).await)?;
        Ok(format!("已保存 {year} 年度参照工资 {} 元", yuan(fen)))
    })
    .await
}

pub(crate) async fn upload_policy(form: Posted) -> Response {
    form.act(Permission::ApplyPolicy, "/policies", async |st, access, f| {
        let m = store(policies::upload(&st.db, access, &f.get("body").replace("\r\n", "\n")).await)?;
        Ok(format!("已保存政策“{}”第{}版", m.title, m.version))
    })
    .await
}

/// The region a form names by name (as the picker fills it) or by code.
async fn regions_by_name(
    st: &AppState,
    access: &shegong_store::access::Access,
    typed: &str,
) -> Result<String, AppError> {
    Ok(shegong_store::region_names::resolve(&st.db, &access.scope, "region", typed).await?.to_string())
}
