//! Pages for policies, staffing, payroll and budget, assessment rounds and the reserve pool. They
//! share one layout (`sections.html`): key figures, cards with a chart, forms and a table. Forms
//! post, the store decides, and the page comes back with a notice or the reason for refusal
//! (nothing changed).

use crate::AppState;
use crate::auth::Caller;
use crate::error::AppError;
use crate::pages::{Chrome, PageResult, SubForm, chrome, render};
use crate::views::today;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use shegong_domain::Permission;
use shegong_domain::career::Grade;
use shegong_domain::pay::{parse_yuan, yuan};
use shegong_domain::{FieldError, RegionCode, RegionLevel, Scope};
use shegong_store::{StoreError, payroll, policies, regions, reserves, rounds, staffing};
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/policies", get(policies_page))
        .route("/policies/apply", post(apply_policy))
        .route("/policies/wages", post(set_wage))
        .route("/policies/upload", post(upload_policy))
        .route("/policies/{name}", get(policy_page))
        .route("/staffing", get(staffing_page))
        .route("/payroll", get(payroll_page).post(create_run))
        .route("/payroll/{id}", get(run_page))
        .route("/payroll/{id}/{action}", post(run_step))
        .route("/budget", get(budget_page))
        .route("/assessments", get(rounds_page).post(create_round))
        .route("/assessments/{id}", get(round_page))
        .route("/assessments/{id}/scores", post(save_scores))
        .route("/assessments/{id}/score", post(score_round))
        .route("/assessments/{id}/grade", post(set_grade))
        .route("/assessments/{id}/publish", post(publish_round))
        .route("/reserves", get(reserves_page).post(add_reserve))
}

#[derive(Default)]
pub struct Field {
    label: String,
    name: String,
    kind: &'static str,
    value: String,
    size: u32,
    options: Vec<(String, String)>,
}

fn input(label: &str, name: &str, kind: &'static str, value: impl Into<String>, size: u32) -> Field {
    Field {
        label: label.into(),
        name: name.into(),
        kind,
        value: value.into(),
        size,
        options: vec![],
    }
}

fn select(label: &str, name: &str, value: &str, options: Vec<(String, String)>) -> Field {
    Field {
        label: label.into(),
        name: name.into(),
        kind: "select",
        value: value.into(),
        size: 0,
        options,
    }
}

fn hidden(name: &str, value: impl Into<String>) -> Field {
    input("", name, "hidden", value, 0)
}

#[derive(Default)]
pub struct FormSpec {
    action: String,
    fields: Vec<Field>,
    button: String,
    plain: bool,
}

#[derive(Default)]
pub struct Cell {
    text: String,
    href: String,
    num: bool,
    form: String,
    hidden: Vec<(String, String)>,
    input: String,
    options: Vec<(String, String)>,
    button: String,
}

fn t(s: impl ToString) -> Cell {
    Cell {
        text: s.to_string(),
        ..Default::default()
    }
}

fn n(s: impl ToString) -> Cell {
    Cell {
        text: s.to_string(),
        num: true,
        ..Default::default()
    }
}

fn link(s: impl ToString, href: impl Into<String>) -> Cell {
    Cell {
        text: s.to_string(),
        href: href.into(),
        ..Default::default()
    }
}

#[derive(Default)]
pub struct Row {
    cells: Vec<Cell>,
    flag: bool,
}

fn row(cells: Vec<Cell>) -> Row {
    Row { cells, flag: false }
}

#[derive(Default)]
pub struct Section {
    id: String,
    title: String,
    text: String,
    chart: String,
    pre: String,
    forms: Vec<FormSpec>,
    headers: Vec<(String, bool)>,
    rows: Vec<Row>,
    pager: Vec<(String, String)>,
}

fn headers(h: &[&str]) -> Vec<(String, bool)> {
    h.iter()
        .map(|x| match x.strip_prefix('#') {
            Some(x) => (x.to_string(), true),
            None => (x.to_string(), false),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "sections.html")]
struct SectionsPage {
    c: Chrome,
    title: String,
    subtitle: String,
    crumbs: Vec<(String, String)>,
    links: Vec<(String, String)>,
    notice: String,
    error: String,
    kpis: Vec<(String, String, String)>,
    sections: Vec<Section>,
    /// The page's query with `format=xlsx`: each table links to its export (empty: no export).
    export_query: String,
}

impl SectionsPage {
    /// Renders the page, or with `format=xlsx` writes its tables to Excel (one sheet a table, what
    /// the page shows: the same handler, filters and scope).
    async fn finish(self, m: &Msg) -> PageResult {
        if m.format.as_deref() == Some("xlsx") {
            return Ok(self.xlsx().await?);
        }
        render(self)
    }

    async fn xlsx(&self) -> Result<axum::response::Response, AppError> {
        use crate::export::{xerr, xlsx_response};
        let mut wb = rust_xlsxwriter::Workbook::new();
        let bold = rust_xlsxwriter::Format::new().set_bold();
        let mut names = std::collections::HashSet::new();
        for (i, sec) in self.sections.iter().filter(|s| !s.headers.is_empty()).enumerate() {
            let ws = wb.add_worksheet();
            // Sheet names: at most 31 characters, unique, without []:*?/\.
            let base: String = if sec.title.is_empty() {
                self.title.clone()
            } else {
                sec.title.clone()
            }
            .chars()
            .filter(|c| !"[]:*?/\\".contains(*c))
            .take(28)
            .collect();
            let name = if names.insert(base.clone()) {
                base
            } else {
                format!("{base}{}", i + 1)
            };
            ws.set_name(&name).map_err(xerr)?;
            for (c, (h, _)) in sec.headers.iter().enumerate() {
                ws.write_string_with_format(0, c as u16, h, &bold).map_err(xerr)?;
                ws.set_column_width(c as u16, 14).map_err(xerr)?;
            }
            for (r, row) in sec.rows.iter().enumerate() {
                for (c, cell) in row.cells.iter().enumerate() {
                    let (r, c) = (r as u32 + 1, c as u16);
                    // Figures stay numbers in Excel (money shown as "1,234.50").
                    match cell.text.replace(',', "").parse::<f64>() {
                        Ok(v) if cell.num => ws.write_number(r, c, v),
                        _ => ws.write_string(r, c, crate::export::cell(&cell.text)),
                    }
                    .map_err(xerr)?;
                }
            }
        }
        let name = format!("{}.xlsx", self.title);
        xlsx_response(wb, "table.xlsx", &name).await
    }

    /// Whether the request asks for the Excel file.
    fn wants_xlsx(m: &Msg) -> bool {
        m.format.as_deref() == Some("xlsx")
    }
    async fn new(
        st: &AppState,
        caller: &Caller,
        nav: &'static str,
        title: &str,
        m: &Msg,
    ) -> Result<Self, crate::pages::PageError> {
        Ok(Self {
            c: chrome(st, caller, nav).await?,
            title: title.into(),
            subtitle: String::new(),
            crumbs: vec![],
            links: vec![],
            notice: crate::flash::verified(
                "notice",
                m.notice.as_deref(),
                m.t.as_deref(),
                m.sig.as_deref(),
                caller.user.id,
            ),
            error: crate::flash::verified(
                "error",
                m.error.as_deref(),
                m.t.as_deref(),
                m.sig.as_deref(),
                caller.user.id,
            ),
            kpis: vec![],
            sections: vec![],
            export_query: {
                let q = serde_urlencoded::to_string(m).unwrap_or_default();
                if q.is_empty() {
                    "format=xlsx".into()
                } else {
                    format!("{q}&format=xlsx")
                }
            },
        })
    }
}

/// Messages carried back to a page after a form, and the page's own query (filters, page,
/// `format=xlsx` for the export of its tables).
#[derive(Deserialize, Serialize, Default)]
#[serde(default)]
pub struct Msg {
    #[serde(skip_serializing)]
    notice: Option<String>,
    #[serde(skip_serializing)]
    error: Option<String>,
    /// The time and the server's signature of the message (see `flash`).
    #[serde(skip_serializing)]
    t: Option<String>,
    #[serde(skip_serializing)]
    sig: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    format: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    page: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    year: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reference_wage_change_pct: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_pct: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    step_pct: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    certificate_intermediate_yuan: Option<String>,
}

fn back(caller: &Caller, to: &str, r: Result<String, AppError>) -> axum::response::Response {
    crate::flash::back(caller.user.id, to, r)
}

fn store<T>(r: Result<T, StoreError>) -> Result<T, AppError> {
    r.map_err(AppError::from)
}

fn region_in(caller: &Caller, q: Option<&str>) -> Result<(RegionCode, Scope), AppError> {
    match q.map(str::trim).filter(|s| !s.is_empty()) {
        Some(r) => {
            let code = RegionCode::parse(r).map_err(|_| AppError::NotFound)?;
            let scope = caller.scope.narrow(&code).ok_or(AppError::NotFound)?;
            Ok((scope.region().clone(), scope))
        }
        None => Ok((caller.scope.region().clone(), caller.scope.clone())),
    }
}

fn not_for_workers(caller: &Caller) -> Result<(), AppError> {
    Ok(caller.access.require(Permission::ViewRegion)?)
}

fn region_options(st_children: &[(String, String)], own: &(String, String)) -> Vec<(String, String)> {
    let mut v = vec![own.clone()];
    v.extend(st_children.iter().cloned());
    v
}

// ---- policies ------------------------------------------------------------------------------

async fn policies_page(State(st): State<AppState>, caller: Caller, Query(m): Query<Msg>) -> PageResult {
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
            p.kpis = vec![
                (
                    "适用政策".into(),
                    f.name.clone(),
                    format!("v{}，{}", f.version, pol.title),
                ),
                (
                    "生效".into(),
                    f.effective_from.to_string(),
                    format!("指定于区划 {}", f.assigned_at_region),
                ),
                (
                    "员额标准".into(),
                    match pol.staffing.norm {
                        shegong_domain::staffing::StaffingNorm::Tiered {
                            base_households,
                            base_min,
                            base_max,
                            ..
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
                    format!(
                        "网格{}–{}户",
                        pol.staffing.grid_households_min, pol.staffing.grid_households_max
                    ),
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
            ];
            let mut s = Section {
                title: "岗位类别与等级".into(),
                headers: headers(&[
                    "岗位类别键",
                    "名称",
                    "等级范围",
                    "#岗位薪酬（元/月）",
                    "#岗位津贴（元/月）",
                ]),
                ..Default::default()
            };
            for post in &pol.posts {
                s.rows.push(row(vec![
                    t(&post.key),
                    t(&post.label),
                    t(format!("{}–{}{}", post.min_level, post.max_level, pol.pay.unit)),
                    n(money(post.post_pay)),
                    n(money(post.allowance)),
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
        title: "适用历史（本级及上级）".into(),
        headers: headers(&["区划", "政策", "版本", "生效日期", "指定人", "指定时间"]),
        ..Default::default()
    };
    let history = policies::history(&st.db, &caller.scope, code.as_str()).await?;
    let names = regions::names(&st.db.conn, history.iter().map(|a| a.region_code.clone()).collect()).await?;
    for a in history {
        hist.rows.push(row(vec![
            t(format!(
                "{}（{}）",
                names.get(&a.region_code).cloned().unwrap_or_default(),
                a.region_code
            )),
            link(
                &a.policy_name,
                format!("/policies/{}?version={}", a.policy_name, a.policy_version),
            ),
            n(a.policy_version),
            t(a.effective_from),
            t(&a.assigned_by),
            t(crate::views::local_time(a.assigned_at)),
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
                input("区划代码", "region", "text", code.as_str(), 14),
                select(
                    "政策",
                    "name",
                    f.as_ref().map_or("", |f| f.name.as_str()),
                    latest.clone(),
                ),
                input("生效日期", "from", "date", "", 0),
            ],
            button: "指定政策".into(),
            plain: false,
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
        w.rows.push(row(vec![t(r), t(k), t(y), n(money(fen))]));
    }
    if caller.role.may(Permission::ApplyPolicy) {
        w.forms.push(FormSpec {
            action: "/policies/wages".into(),
            fields: vec![
                input("区划代码", "region", "text", code.as_str(), 14),
                input("参照工资键", "key", "text", "average_wage", 14),
                input(
                    "年度",
                    "year",
                    "number",
                    (chrono::Datelike::year(&on) - 1).to_string(),
                    6,
                ),
                input("年平均工资（元）", "annual_yuan", "text", "", 12),
            ],
            button: "保存".into(),
            plain: true,
        });
    }
    p.sections.push(w);
    let mut list = Section {
        title: "政策文件".into(),
        headers: headers(&["名称", "版本", "标题", "依据"]),
        ..Default::default()
    };
    for v in &all {
        list.rows.push(row(vec![
            link(&v.name, format!("/policies/{}?version={}", v.name, v.version)),
            n(v.version),
            t(&v.title),
            t(&v.source),
        ]));
    }
    if caller.role.may(Permission::ApplyPolicy) && caller.scope.region().as_str().len() == 2 {
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
struct VersionQ {
    version: Option<i32>,
}

async fn policy_page(
    State(st): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
    Query(q): Query<VersionQ>,
) -> PageResult {
    not_for_workers(&caller)?;
    let (m, pol) = policies::get(&st.db.conn, &name, q.version).await?;
    let mut p = SectionsPage::new(&st, &caller, "policies", &pol.title, &Msg::default()).await?;
    p.export_query.clear();
    p.subtitle = format!("{} v{}", m.name, m.version);
    p.crumbs = vec![("/policies".into(), "政策配置".into())];
    p.sections.push(Section {
        title: "政策文件".into(),
        text: format!(
            "依据：{}。保存人 {}，{}",
            pol.source,
            m.created_by,
            crate::views::local_time(m.created_at)
        ),
        pre: m.body,
        ..Default::default()
    });
    render(p)
}

async fn apply_policy(
    State(st): State<AppState>,
    caller: Caller,
    axum::Form(f): axum::Form<SubForm>,
) -> impl IntoResponse {
    let region = f.get("region");
    let to = format!("/policies?region={region}");
    let r = async {
        caller.check_csrf(&f._csrf)?;
        caller.access.require(Permission::ApplyPolicy)?;
        let from = shegong_domain::worker::parse_date("from", "生效日期", &f.get("from"))
            .map_err(|e| AppError::Invalid(vec![e]))?;
        let a = store(policies::apply(&st.db, &caller.access, &region, &f.get("name"), from).await)?;
        Ok(format!(
            "已指定：区划 {} 自 {} 起适用 {} v{}",
            a.region_code, a.effective_from, a.policy_name, a.policy_version
        ))
    }
    .await;
    back(&caller, &to, r)
}

async fn set_wage(State(st): State<AppState>, caller: Caller, axum::Form(f): axum::Form<SubForm>) -> impl IntoResponse {
    let region = f.get("region");
    let to = format!("/policies?region={region}");
    let r = async {
        caller.check_csrf(&f._csrf)?;
        caller.access.require(Permission::ApplyPolicy)?;
        let fen = parse_yuan(&f.get("annual_yuan")).ok_or_else(|| {
            AppError::Invalid(vec![shegong_domain::FieldError::new(
                "wage_amount",
                "annual_yuan",
                "年平均工资应为元金额，最多两位小数",
            )])
        })?;
        let year = f.get("year").trim().parse().unwrap_or(0);
        store(policies::set_reference_wage(&st.db, &caller.access, &region, f.get("key").trim(), year, fen).await)?;
        Ok(format!("已保存 {year} 年度参照工资 {} 元", yuan(fen)))
    }
    .await;
    back(&caller, &to, r)
}

async fn upload_policy(
    State(st): State<AppState>,
    caller: Caller,
    axum::Form(f): axum::Form<SubForm>,
) -> impl IntoResponse {
    let r = async {
        caller.check_csrf(&f._csrf)?;
        caller.access.require(Permission::ApplyPolicy)?;
        let m = store(policies::upload(&st.db, &caller.access, &f.get("body").replace("\r\n", "\n")).await)?;
        Ok(format!("已保存政策 {} v{}", m.name, m.version))
    }
    .await;
    back(&caller, "/policies", r)
}

// ---- staffing ------------------------------------------------------------------------------

async fn staffing_page(State(st): State<AppState>, caller: Caller, Query(m): Query<Msg>) -> PageResult {
    not_for_workers(&caller)?;
    let (code, _) = region_in(&caller, m.region.as_deref())?;
    let r = staffing::report(&st.db, &caller.scope, &code, today()).await?;
    let mut p = SectionsPage::new(&st, &caller, "staffing", "员额", &m).await?;
    p.subtitle = format!("{}（{}）", r.total.name, r.total.region_code);
    p.crumbs = regions::path(&st.db, &caller.scope, &code)
        .await?
        .into_iter()
        .map(|x| (format!("/staffing?region={}", x.code), x.name))
        .collect();
    let s = &r.total;
    p.kpis = vec![
        (
            "在岗人数".into(),
            s.actual.to_string(),
            format!("{} 个社区", s.communities),
        ),
        (
            "员额范围".into(),
            format!("{}–{}", s.min, s.max),
            s.policies.iter().cloned().collect::<Vec<_>>().join("、"),
        ),
        (
            "超编 / 缺编社区".into(),
            format!("{} / {}", s.over, s.under),
            if s.without_policy > 0 {
                format!("{} 个社区无适用政策", s.without_policy)
            } else {
                "按适用政策的员额标准".into()
            },
        ),
        (
            "网格".into(),
            format!("{} / {}", s.grids, s.grids_needed),
            format!("现有 / 按户数应设；网格员 {} 人", s.grid_workers),
        ),
    ];
    let kids = &r.children;
    if !kids.is_empty() {
        let chart = serde_json::json!({
            "type": "bars",
            "categories": kids.iter().map(|k| k.name.clone()).collect::<Vec<_>>(),
            "series": [
                ["员额下限", kids.iter().map(|k| k.min).collect::<Vec<_>>()],
                ["员额上限", kids.iter().map(|k| k.max).collect::<Vec<_>>()],
                ["在岗人数", kids.iter().map(|k| k.actual).collect::<Vec<_>>()],
            ]
        });
        p.sections.push(Section {
            title: "员额与在岗人数".into(),
            chart: chart.to_string(),
            ..Default::default()
        });
    }
    let mut table = Section {
        title: if code.level() == RegionLevel::Street {
            "各社区".into()
        } else {
            "下级区划".into()
        },
        headers: headers(&[
            "代码",
            "名称",
            "#户数",
            "#员额下限",
            "#员额上限",
            "#在岗",
            "#超编社区",
            "#缺编社区",
            "#应设网格",
            "#现有网格",
            "#网格员",
            "#党建专职（应有）",
            "#持证人数",
            "#持证率",
            "#持证不足社区",
        ]),
        ..Default::default()
    };
    for k in kids {
        let drill = code.level() < RegionLevel::Street;
        let mut r = row(vec![
            t(&k.region_code),
            if drill {
                link(&k.name, format!("/staffing?region={}", k.region_code))
            } else {
                link(&k.name, format!("/regions/{}", k.region_code))
            },
            n(k.households),
            n(k.min),
            n(k.max),
            n(k.actual),
            n(k.over),
            n(k.under),
            n(k.grids_needed),
            n(k.grids),
            n(k.grid_workers),
            n(format!("{}（{}）", k.party_building_posts, k.party_building_min)),
            n(k.certified),
            n(pct(k.certified, k.actual)),
            n(k.below_certificate_goal),
        ]);
        r.flag = k.actual < k.min || k.actual > k.max;
        table.rows.push(r);
    }
    table.text = "标色行为在岗人数超出员额范围；员额由各社区适用政策的标准计算，县级汇总用于总量控制。".into();
    p.sections.push(table);
    p.links = vec![(format!("/policies?region={code}"), "适用政策".into())];
    p.finish(&m).await
}

// ---- payroll -------------------------------------------------------------------------------

async fn payroll_page(State(st): State<AppState>, caller: Caller, Query(m): Query<Msg>) -> PageResult {
    not_for_workers(&caller)?;
    let runs = payroll::list(&st.db, &caller.scope).await?;
    let mut p = SectionsPage::new(&st, &caller, "payroll", "月度薪酬", &m).await?;
    let names = regions::names(&st.db.conn, runs.iter().map(|r| r.region_code.clone()).collect()).await?;
    let mut s = Section {
        headers: headers(&[
            "月份",
            "区划",
            "状态",
            "政策",
            "#人数",
            "#应发合计（元）",
            "计算",
            "锁定",
        ]),
        ..Default::default()
    };
    if caller.role.may(Permission::RunPayroll) {
        let own = (
            caller.scope.region().to_string(),
            format!("{}（本级）", caller.scope.region()),
        );
        let kids: Vec<(String, String)> = regions::children(&st.db, &caller.scope, caller.scope.region())
            .await?
            .into_iter()
            .filter(|c| c.code.len() <= 9)
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
        });
    }
    for r in &runs {
        s.rows.push(row(vec![
            link(&r.month, format!("/payroll/{}", r.id)),
            t(format!(
                "{}（{}）",
                names.get(&r.region_code).cloned().unwrap_or_default(),
                r.region_code
            )),
            t(payroll::status_label(&r.status)),
            t(format!("{} v{}", r.policy_name, r.policy_version)),
            n(r.workers),
            n(money(r.total_fen)),
            t(crate::views::local_time(r.created_at)),
            t(r.locked_at.map(crate::views::local_time).unwrap_or_default()),
        ]));
    }
    p.sections.push(s);
    p.links = vec![("/budget".into(), "年度预算测算".into())];
    p.finish(&m).await
}

async fn create_run(
    State(st): State<AppState>,
    caller: Caller,
    axum::Form(f): axum::Form<SubForm>,
) -> impl IntoResponse {
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
                yuan(s.run.total_fen),
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

async fn run_page(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Query(m): Query<Msg>,
) -> PageResult {
    not_for_workers(&caller)?;
    let (run, tot) = payroll::get(&st.db, &caller.scope, id).await?;
    let page = m.page.unwrap_or(1);
    if !(1..=crate::extract::MAX_PAGE).contains(&page) {
        return Err(FieldError::new(
            "paging_invalid",
            "page",
            format!("应为1至{}之间的整数", crate::extract::MAX_PAGE),
        )
        .into());
    }
    let (slips, total) = payroll::slips(&st.db, &caller.scope, id, page, 100).await?;
    let names = regions::community_names_in(&st.db, caller.scope.region().as_str()).await?;
    let mut p = SectionsPage::new(&st, &caller, "payroll", &format!("{} 月度薪酬", run.month), &m).await?;
    p.subtitle = format!(
        "{}，{}，政策 {} v{}",
        run.region_code,
        payroll::status_label(&run.status),
        run.policy_name,
        run.policy_version
    );
    p.crumbs = vec![("/payroll".into(), "月度薪酬".into())];
    p.links = vec![(
        format!("/api/v1/payroll/runs/{id}/payslips.xlsx"),
        "导出工资表（Excel）".into(),
    )];
    p.kpis = vec![
        (
            "人数".into(),
            run.workers.to_string(),
            if run.skipped > 0 {
                format!("{} 人未能计算", run.skipped)
            } else {
                "全部计算".into()
            },
        ),
        (
            "应发合计（元）".into(),
            money(tot.total),
            format!("调整项 {} 元", money(tot.adjustments)),
        ),
        (
            "级别薪酬（元）".into(),
            money(tot.base),
            format!("岗位薪酬及津贴 {} 元", money(tot.post_pay + tot.allowance)),
        ),
        (
            "低于保障线".into(),
            format!("{} 人", tot.floor_shortfall_workers),
            format!(
                "学历、资格津贴 {} 元；绩效 {} 元",
                money(tot.education + tot.certificate),
                money(tot.performance)
            ),
        ),
    ];
    let mut actions = Section::default();
    if caller.role.may(Permission::RunPayroll) {
        match run.status.as_str() {
            "computed" => actions.forms.push(FormSpec {
                action: format!("/payroll/{id}/review"),
                button: "审核通过".into(),
                ..Default::default()
            }),
            "reviewed" => actions.forms.push(FormSpec {
                action: format!("/payroll/{id}/lock"),
                button: "锁定（锁定后不可更改）".into(),
                ..Default::default()
            }),
            _ => actions.forms.push(FormSpec {
                action: format!("/payroll/{id}/adjust"),
                fields: vec![
                    input("人员ID", "worker_id", "text", "", 36),
                    input("调整金额（元，可为负）", "amount_yuan", "text", "", 10),
                    input("原因", "reason", "text", "", 24),
                ],
                button: "添加调整项".into(),
                plain: true,
            }),
        }
        actions.title = "操作".into();
        actions.text = "流程：计算 → 审核 → 锁定。锁定的月份不再变化；更正以调整项记录。".into();
        p.sections.push(actions);
    }
    let mut s = Section {
        title: format!("工资条（共 {total} 人）"),
        headers: headers(&[
            "姓名",
            "社区",
            "岗位",
            "#等级",
            "#级别薪酬",
            "#岗位薪酬",
            "#岗位津贴",
            "#学历津贴",
            "#资格津贴",
            "#绩效",
            "#应发",
            "#低于保障线（月）",
            "人员ID",
        ]),
        ..Default::default()
    };
    for (x, name) in slips {
        let mut r = row(vec![
            link(&name, format!("/workers/{}#pay", x.worker_id)),
            t(names.get(&x.region_code).cloned().unwrap_or(x.region_code.clone())),
            t(shegong_domain::worker::post_category_label(&x.post_category)),
            n(x.level),
            n(money(x.base_fen)),
            n(money(x.post_pay_fen)),
            n(money(x.allowance_fen)),
            n(money(x.education_fen)),
            n(money(x.certificate_fen)),
            n(money(x.performance_fen)),
            n(money(x.total_fen)),
            n(if x.floor_shortfall_fen > 0 {
                yuan(x.floor_shortfall_fen)
            } else {
                String::new()
            }),
            t(x.worker_id),
        ]);
        r.flag = x.floor_shortfall_fen > 0;
        s.rows.push(r);
    }
    let pages = total.div_ceil(100).max(1);
    s.pager = vec![
        (
            if page > 1 {
                format!("/payroll/{id}?page={}", page - 1)
            } else {
                String::new()
            },
            "上一页".into(),
        ),
        (String::new(), format!("第 {page} / {pages} 页")),
        (
            if page < pages {
                format!("/payroll/{id}?page={}", page + 1)
            } else {
                String::new()
            },
            "下一页".into(),
        ),
    ];
    p.sections.push(s);
    p.finish(&m).await
}

async fn run_action(st: &AppState, caller: &Caller, id: Uuid, f: &SubForm, what: &str) -> axum::response::Response {
    let r = async {
        caller.check_csrf(&f._csrf)?;
        caller.access.require(Permission::RunPayroll)?;
        match what {
            "review" => store(payroll::review(&st.db, &caller.access, id).await).map(|_| "已审核".to_string()),
            "lock" => store(payroll::lock(&st.db, &caller.access, id).await).map(|_| "已锁定".to_string()),
            "adjust" => {
                let w = f.get("worker_id").trim().parse::<Uuid>().map_err(|_| {
                    AppError::Invalid(vec![shegong_domain::FieldError::new(
                        "adjust_worker",
                        "worker_id",
                        "请填写工资条中的人员ID",
                    )])
                })?;
                let fen = parse_yuan(&f.get("amount_yuan")).ok_or_else(|| {
                    AppError::Invalid(vec![shegong_domain::FieldError::new(
                        "adjust_amount",
                        "amount_yuan",
                        "调整金额应为元金额，最多两位小数",
                    )])
                })?;
                store(payroll::adjust(&st.db, &caller.access, id, w, fen, &f.get("reason")).await)
                    .map(|a| format!("已添加调整项 {} 元", yuan(a.amount_fen)))
            }
            _ => Err(AppError::NotFound),
        }
    }
    .await;
    back(caller, &format!("/payroll/{id}"), r)
}

/// `POST /payroll/{id}/review|lock|adjust`.
async fn run_step(
    State(st): State<AppState>,
    caller: Caller,
    Path((id, action)): Path<(Uuid, String)>,
    axum::Form(f): axum::Form<SubForm>,
) -> impl IntoResponse {
    run_action(&st, &caller, id, &f, &action).await
}

async fn budget_page(State(st): State<AppState>, caller: Caller, Query(m): Query<Msg>) -> PageResult {
    not_for_workers(&caller)?;
    caller.access.require(Permission::ViewBudget)?;
    let (code, _) = region_in(&caller, m.region.as_deref())?;
    let year = m.year.unwrap_or_else(|| chrono::Datelike::year(&today()));
    let num = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .and_then(|s| s.parse::<f64>().ok())
    };
    let q = crate::policy_api::BudgetQuery {
        year: Some(year),
        reference_wage_change_pct: num(&m.reference_wage_change_pct),
        start_pct: num(&m.start_pct),
        step_pct: num(&m.step_pct),
        certificate_intermediate_yuan: num(&m.certificate_intermediate_yuan).map(|v| v as i64),
        ..Default::default()
    };
    let b = payroll::budget(&st.db, &caller.access, &code, year, &q.what_if()).await?;
    let mut p = SectionsPage::new(&st, &caller, "payroll", "年度薪酬预算测算", &m).await?;
    p.subtitle = format!("{}（{}），{} 年", b.total.name, b.total.region_code, year);
    p.kpis = vec![
        (
            "在岗人数".into(),
            b.total.workers.to_string(),
            if b.problems > 0 {
                format!("{} 人无法计算", b.problems)
            } else {
                String::new()
            },
        ),
        (
            "现行政策年度支出（元）".into(),
            money(b.total.current),
            "按1月薪酬×12".into(),
        ),
        (
            "测算后（元）".into(),
            money(b.total.what_if),
            "仅测算，不改变任何数据".into(),
        ),
        (
            "差额（元）".into(),
            money(b.total.difference),
            if b.total.current > 0 {
                format!("{:+.2}%", b.total.difference as f64 * 100.0 / b.total.current as f64)
            } else {
                String::new()
            },
        ),
    ];
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    let mut form = Section {
        chart: serde_json::json!({
            "type": "bars",
            "categories": b.rows.iter().map(|r| r.name.clone()).collect::<Vec<_>>(),
            "series": [
                ["现行（万元）", b.rows.iter().map(|r| r.current / 1_000_000).collect::<Vec<_>>()],
                ["测算后（万元）", b.rows.iter().map(|r| r.what_if / 1_000_000).collect::<Vec<_>>()],
            ]
        })
        .to_string(),
        headers: headers(&["代码", "名称", "#人数", "#现行（元）", "#测算后（元）", "#差额（元）"]),
        ..Default::default()
    };
    for r in &b.rows {
        form.rows.push(row(vec![
            t(&r.region_code),
            link(&r.name, format!("/budget?region={}&year={year}", r.region_code)),
            n(r.workers),
            n(money(r.current)),
            n(money(r.what_if)),
            n(money(r.difference)),
        ]));
    }
    p.sections.push(Section {
        title: "测算条件".into(),
        text: "调整参照工资、级别薪酬系数或中级社工证津贴，查看各地年度支出的变化；留空即沿用现行政策。".into(),
        ..Default::default()
    });
    p.sections.push(form);
    p.links = vec![(format!("/policies?region={code}"), "适用政策".into())];
    if SectionsPage::wants_xlsx(&m) {
        return Ok(p.xlsx().await?);
    }
    let html = p.render().map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    // The what-if form is a GET form: inserted here so it keeps the query in the address.
    let form_html = format!(
        r#"<form class="inline" method="get" action="/budget"><input type="hidden" name="region" value="{code}"><label>年度<input name="year" value="{year}" size="6"></label><label>参照工资变动（%）<input name="reference_wage_change_pct" value="{}" size="6"></label><label>第1级系数（%）<input name="start_pct" value="{}" size="6"></label><label>每级增加（%）<input name="step_pct" value="{}" size="6"></label><label>中级社工证津贴（元/月）<input name="certificate_intermediate_yuan" value="{}" size="6"></label><button type="submit">测算</button></form>"#,
        esc(&s(&m.reference_wage_change_pct)),
        esc(&s(&m.start_pct)),
        esc(&s(&m.step_pct)),
        esc(&s(&m.certificate_intermediate_yuan))
    );
    let marker = "留空即沿用现行政策。</p>";
    Ok(axum::response::Html(html.replacen(marker, &format!("{marker}{form_html}"), 1)).into_response())
}

/// Fen as yuan with thousands separators, for reading: 5561847624 → "55,618,476.24".
fn money(fen: i64) -> String {
    let s = yuan(fen);
    let (sign, s) = s.strip_prefix('-').map_or(("", s.as_str()), |r| ("-", r));
    let (int, frac) = s.split_once('.').unwrap_or((s, "00"));
    let mut out = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    format!("{sign}{out}.{frac}")
}

fn pct(a: i64, b: i64) -> String {
    if b == 0 {
        "—".into()
    } else {
        format!("{:.1}%", a as f64 * 100.0 / b as f64)
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;")
}

// ---- assessment rounds ---------------------------------------------------------------------

async fn rounds_page(State(st): State<AppState>, caller: Caller, Query(m): Query<Msg>) -> PageResult {
    not_for_workers(&caller)?;
    let list = rounds::list(&st.db, &caller.scope).await.or_else(|e| match e {
        StoreError::NotFound => Ok(vec![]),
        e => Err(e),
    })?;
    let mut p = SectionsPage::new(&st, &caller, "assessments", "年度考核", &m).await?;
    let names = regions::names(&st.db.conn, list.iter().map(|r| r.region_code.clone()).collect()).await?;
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
            });
        }
    }
    for r in list.iter().take(300) {
        s.rows.push(row(vec![
            link(r.year, format!("/assessments/{}", r.id)),
            t(format!(
                "{}（{}）",
                names.get(&r.region_code).cloned().unwrap_or_default(),
                r.region_code
            )),
            t(rounds::status_label(&r.status)),
            t(format!("{} v{}", r.policy_name, r.policy_version)),
            t(r.published_at.map(crate::views::local_time).unwrap_or_default()),
        ]));
    }
    p.sections.push(s);
    p.finish(&m).await
}

async fn create_round(
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

async fn round_page(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Query(m): Query<Msg>,
) -> PageResult {
    not_for_workers(&caller)?;
    let v = rounds::get(&st.db, &caller.scope, id).await?;
    let r = &v.round;
    let a = &v.policy.assessment;
    let names = regions::community_names_in(&st.db, &r.region_code).await?;
    let street = regions::names(&st.db.conn, vec![r.region_code.clone()]).await?;
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
    p.kpis = vec![
        (
            "参评人数".into(),
            v.entries.len().to_string(),
            format!("政策 {} v{}", r.policy_name, r.policy_version),
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
    ];
    let admin = caller.role.may(Permission::ManageAssessment);
    let mut actions = Section::default();
    match r.status.as_str() {
        "draft" if admin => actions.forms.push(FormSpec {
            action: format!("/assessments/{id}/score"),
            button: "评定等次".into(),
            ..Default::default()
        }),
        "scored" if admin => actions.forms.push(FormSpec {
            action: format!("/assessments/{id}/publish"),
            button: "发布（发布后等次不可直接修改）".into(),
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
    // Scores are entered by the organising street (or above); community heads read their community.
    let draft = r.status == "draft" && admin;
    let scored = r.status == "scored" && admin;
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

async fn save_scores(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    axum::Form(f): axum::Form<SubForm>,
) -> impl IntoResponse {
    let r = async {
        caller.check_csrf(&f._csrf)?;
        caller.access.require(Permission::ScoreAssessment)?;
        let w: Uuid = f.get("worker_id").parse().map_err(|_| AppError::NotFound)?;
        let v = rounds::get(&st.db, &caller.scope, id).await.map_err(AppError::from)?;
        let e = v
            .entries
            .iter()
            .find(|e| e.entry.worker_id == w)
            .ok_or(AppError::NotFound)?;
        let raw = f.get("value");
        let val = if raw.trim().is_empty() {
            None
        } else {
            Some(raw.trim().parse::<i32>().unwrap_or(-1))
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
        store(rounds::save_scores(&st.db, &caller.access, id, &[i]).await)?;
        Ok(format!("已保存{}的评分", e.name))
    }
    .await;
    back(&caller, &format!("/assessments/{id}"), r)
}

async fn score_round(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    axum::Form(f): axum::Form<SubForm>,
) -> impl IntoResponse {
    let r = async {
        caller.check_csrf(&f._csrf)?;
        caller.access.require(Permission::ManageAssessment)?;
        store(rounds::compute(&st.db, &caller.access, id).await)?;
        Ok("已评定等次，请核对后发布".to_string())
    }
    .await;
    back(&caller, &format!("/assessments/{id}"), r)
}

async fn set_grade(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    axum::Form(f): axum::Form<SubForm>,
) -> impl IntoResponse {
    let r = async {
        caller.check_csrf(&f._csrf)?;
        caller.access.require(Permission::ManageAssessment)?;
        let w: Uuid = f.get("worker_id").parse().map_err(|_| AppError::NotFound)?;
        let g = Grade::parse(&f.get("grade")).ok_or(AppError::NotFound)?;
        store(rounds::set_grade(&st.db, &caller.access, id, w, g).await)?;
        Ok(format!("已调整为{}", g.label()))
    }
    .await;
    back(&caller, &format!("/assessments/{id}"), r)
}

async fn publish_round(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    axum::Form(f): axum::Form<SubForm>,
) -> impl IntoResponse {
    let r = async {
        caller.check_csrf(&f._csrf)?;
        caller.access.require(Permission::ManageAssessment)?;
        let (_, flagged) = store(rounds::publish(&st.db, &caller.access, id).await)?;
        Ok(if flagged.is_empty() {
            "已发布，等次已写入档案".to_string()
        } else {
            format!(
                "已发布。符合退出情形：{}",
                flagged.iter().map(|(_, m)| m.as_str()).collect::<Vec<_>>().join("；")
            )
        })
    }
    .await;
    back(&caller, &format!("/assessments/{id}"), r)
}

// ---- reserves ------------------------------------------------------------------------------

async fn reserves_page(State(st): State<AppState>, caller: Caller, Query(m): Query<Msg>) -> PageResult {
    not_for_workers(&caller)?;
    let (code, scope) = region_in(&caller, m.region.as_deref())?;
    let cov = reserves::coverage(&st.db, &scope, today()).await?;
    let mut p = SectionsPage::new(&st, &caller, "reserves", "后备力量", &m).await?;
    let short: Vec<_> = cov.iter().filter(|c| c.short() > 0).collect();
    let seats: i64 = cov.iter().map(|c| c.seats).sum();
    let cands: i64 = cov.iter().map(|c| c.candidates).sum();
    p.kpis = vec![
        ("两委职数".into(), seats.to_string(), format!("{} 个社区", cov.len())),
        (
            "后备人选".into(),
            cands.to_string(),
            if seats > 0 {
                format!("平均每职 {:.1} 人", cands as f64 / seats as f64)
            } else {
                String::new()
            },
        ),
        (
            "未达比例的社区".into(),
            short.len().to_string(),
            cov.first()
                .map_or(String::new(), |c| format!("按每个职位 {} 名后备", c.per_seat)),
        ),
        (
            "缺口".into(),
            short.iter().map(|c| c.short()).sum::<i64>().to_string(),
            "人".into(),
        ),
    ];
    let community = code.level() == RegionLevel::Community;
    if community {
        // A community's pool is a few dozen; the page shows all of it (1,000 at most, said below).
        let (list, total) = reserves::list(&st.db, &caller.scope, Some(code.as_str()), 1, 1000).await?;
        let mut s = Section {
            title: "后备人选".into(),
            headers: headers(&["姓名", "性别", "#年龄", "学历", "政治面貌", "现任", "入库日期"]),
            ..Default::default()
        };
        if caller.role.may(Permission::ManageReserves) {
            s.forms.push(FormSpec {
                action: "/reserves".into(),
                fields: vec![
                    hidden("community_code", code.as_str()),
                    input("姓名", "name", "text", "", 8),
                    select(
                        "性别",
                        "gender",
                        "2",
                        vec![("1".into(), "男".into()), ("2".into(), "女".into())],
                    ),
                    input("出生日期", "birth_date", "date", "", 0),
                    select(
                        "学历",
                        "education",
                        "21",
                        vec![
                            ("14".into(), "硕士研究生毕业".into()),
                            ("21".into(), "大学本科毕业".into()),
                            ("31".into(), "大学专科毕业".into()),
                            ("61".into(), "普通高中毕业".into()),
                        ],
                    ),
                    select(
                        "政治面貌",
                        "political_status",
                        "01",
                        vec![
                            ("01".into(), "中共党员".into()),
                            ("02".into(), "中共预备党员".into()),
                            ("03".into(), "共青团员".into()),
                            ("13".into(), "群众".into()),
                        ],
                    ),
                    input("现任", "current_post", "text", "", 10),
                ],
                button: "加入后备名单".into(),
                plain: false,
            });
        }
        let today = today();
        if total > list.len() as u64 {
            s.text = format!(
                "共{total}人，此处列出前{}人；完整名单请导出或使用接口分页读取。",
                list.len()
            );
        }
        for r in list {
            s.rows.push(row(vec![
                t(&r.name),
                t(shegong_domain::person::Gender::from_code(&r.gender).map_or("", |g| g.label())),
                n(reserves::age(&r, today)),
                t(r.education
                    .as_deref()
                    .and_then(|e| shegong_domain::codes::EDUCATION.name(e))
                    .unwrap_or("")),
                t(shegong_domain::codes::POLITICAL_STATUS
                    .name(&r.political_status)
                    .unwrap_or("")),
                t(r.current_post.unwrap_or_default()),
                t(r.added_on),
            ]));
        }
        p.sections.push(s);
    }
    let mut s = Section {
        title: "各社区后备力量".into(),
        text: "两委职数为在岗两委成员人数；应有人数 = 职数 × 政策规定的每职后备人数。未达比例的社区排在前面。".into(),
        headers: headers(&["社区代码", "社区", "#两委职数", "#后备人选", "#应有", "#缺口"]),
        ..Default::default()
    };
    let mut sorted: Vec<&reserves::Coverage> = cov.iter().collect();
    sorted.sort_by_key(|c| std::cmp::Reverse(c.short()));
    for c in sorted.into_iter().take(500) {
        let mut r = row(vec![
            t(&c.community_code),
            link(&c.name, format!("/reserves?region={}", c.community_code)),
            n(c.seats),
            n(c.candidates),
            n(c.wanted),
            n(c.short()),
        ]);
        r.flag = c.short() > 0;
        s.rows.push(r);
    }
    p.sections.push(s);
    p.finish(&m).await
}

async fn add_reserve(
    State(st): State<AppState>,
    caller: Caller,
    axum::Form(f): axum::Form<SubForm>,
) -> impl IntoResponse {
    let code = f.get("community_code");
    let r = async {
        caller.check_csrf(&f._csrf)?;
        caller.access.require(Permission::ManageReserves)?;
        let i = reserves::ReserveInput {
            community_code: code.clone(),
            name: f.get("name"),
            gender: f.get("gender"),
            birth_date: f.get("birth_date"),
            education: f.opt("education"),
            political_status: f.get("political_status"),
            current_post: f.opt("current_post"),
            note: f.opt("note"),
        };
        let r = store(reserves::add(&st.db, &caller.access, &i, today()).await)?;
        Ok(format!("已将{}加入后备名单", r.name))
    }
    .await;
    back(&caller, &format!("/reserves?region={code}"), r)
}

#[cfg(test)]
mod tests {
    #[test]
    fn money_groups_thousands() {
        assert_eq!(super::money(5_561_847_624), "55,618,476.24");
        assert_eq!(super::money(-12_345), "-123.45");
        assert_eq!(super::money(5), "0.05");
    }
}
