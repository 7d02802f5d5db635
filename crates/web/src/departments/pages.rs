//! `/departments`: a county's departments with their remit and what each has in hand, a form to add
//! one (for the county's administrators and those above), and one department's page to change it.

use super::api::{DepartmentView, county_of, views};
use crate::auth::Caller;
use crate::error::{AppError, PageError};
use crate::page::{PageResult, SubForm};
use crate::sections::{
    FormSpec, Msg, Section, SectionsPage, checks, headers, hidden, input, link, n, row, select, store, t,
};
use crate::state::AppState;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;
use shegong_domain::Permission;
use shegong_store::departments::{self, DepartmentInput};
use uuid::Uuid;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CountyPick {
    county: Option<String>,
}

/// The counties a caller above a county chooses from (a city's; a province's, city by city).
async fn counties(st: &AppState, caller: &Caller) -> Result<Vec<(String, String)>, AppError> {
    use shegong_domain::RegionLevel;
    let scope = &caller.scope;
    let mut level = vec![scope.region().clone()];
    let mut out = Vec::new();
    while let Some(code) = level.pop() {
        for r in store(shegong_store::regions::children(&st.db, scope, &code).await)? {
            let Ok(c) = shegong_domain::RegionCode::parse(&r.code) else { continue };
            match c.level() {
                RegionLevel::County => out.push((r.code, r.name)),
                RegionLevel::City => level.push(c),
                _ => {}
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The county's categories, for the remit's boxes.
async fn category_options(st: &AppState, county: &str) -> Result<Vec<(String, String)>, AppError> {
    let policy = shegong_store::events::policy_for(&st.db, county, crate::clock::today()).await?;
    Ok(policy
        .categories
        .iter()
        .map(|c| (c.key.clone(), policy.path_label(&c.key).unwrap_or_else(|| c.label.clone())))
        .collect())
}

/// The remit ticked in a form (`remit.{key}` boxes).
fn ticked(f: &SubForm) -> Vec<String> {
    let mut v: Vec<String> = f.rest.keys().filter_map(|k| k.strip_prefix("remit.")).map(str::to_string).collect();
    v.sort();
    v
}

fn input_of(f: &SubForm) -> DepartmentInput {
    DepartmentInput {
        county: f.opt("county"),
        name: Some(f.get("name")),
        remit: Some(ticked(f)),
        disabled: f.opt("disabled").map(|d| d == "true"),
    }
}

async fn list(
    st: &AppState,
    caller: &Caller,
    m: &Msg,
    county: Option<String>,
    typed: &DepartmentInput,
) -> Result<SectionsPage, PageError> {
    let mut p = SectionsPage::new(st, caller, "events", "职能部门", m).await?;
    p.crumbs = vec![("/events".into(), "民情事件".into())];
    let choices = if caller.scope.region().as_str().len() < 6 { counties(st, caller).await? } else { vec![] };
    let county = match county.or_else(|| choices.first().map(|c| c.0.clone())) {
        Some(c) => c,
        None => county_of(caller, None)?,
    };
    let rows = store(departments::of_county(&st.db, &caller.access, &county).await)?;
    let list = views(st, caller, &county, rows).await?;
    let names = shegong_store::regions::names(&st.db.conn, vec![county.clone()]).await.unwrap_or_default();
    let county_name = names.get(&county).cloned().unwrap_or_default();
    p.subtitle = format!("{county_name} · 街道上报的事件可交办给职责范围内的部门，部门办理人只看到交办给本部门的事件");
    let mut s = Section {
        id: "list".into(),
        title: format!("{county_name}的职能部门（{}个）", list.len()),
        text: if list.is_empty() { "还没有职能部门。".into() } else { String::new() },
        headers: headers(&["部门", "职责范围", "#在办", "#超期", "状态"]),
        cards: true,
        ..Default::default()
    };
    if !choices.is_empty() {
        s.forms.push(FormSpec {
            get: true,
            fields: vec![select("县（市、区）", "county", &county, choices)],
            button: "查看".into(),
            ..Default::default()
        });
    }
    for d in &list {
        let mut r = row(vec![
            link(&d.name, format!("/departments/{}", d.id)),
            t(d.remit_labels.join("、")),
            n(d.in_hand),
            n(d.overdue),
            t(if d.disabled { "已停用" } else { "在用" }),
        ]);
        r.flag = d.overdue > 0;
        s.rows.push(r);
    }
    p.sections.push(s);
    if caller.role.may(Permission::ManageDepartments) {
        p.sections.push(Section {
            id: "add".into(),
            title: "新增职能部门".into(),
            text: "勾选该部门负责的事件分类（勾选大类即含其下全部小类）。部门的办理人账号在“系统 › 用户管理”中创建。"
                .into(),
            forms: vec![FormSpec {
                action: "/departments".into(),
                fields: vec![
                    hidden("county", &county),
                    input("部门名称", "name", "text", typed.name.clone().unwrap_or_default(), 24),
                    checks(
                        "职责范围",
                        "remit",
                        &typed.remit.clone().unwrap_or_default(),
                        category_options(st, &county).await?,
                    ),
                ],
                button: "新增".into(),
                ..Default::default()
            }],
            ..Default::default()
        });
    }
    Ok(p)
}

/// `GET /departments?county=`.
pub(crate) async fn list_page(
    State(st): State<AppState>,
    caller: Caller,
    Query(m): Query<Msg>,
    Query(q): Query<CountyPick>,
) -> PageResult {
    list(&st, &caller, &m, q.county.filter(|c| !c.trim().is_empty()), &DepartmentInput::default())
        .await?
        .finish(&m)
        .await
}

/// `POST /departments`: adds one; back to the county's list.
pub(crate) async fn add(State(st): State<AppState>, caller: Caller, Form(f): Form<SubForm>) -> Response {
    let i = input_of(&f);
    let r = async {
        caller.check_csrf(&f._csrf)?;
        let county = county_of(&caller, i.county.as_deref())?;
        Ok::<_, AppError>(departments::add(&st.db, &caller.access, &county, &i).await?)
    }
    .await;
    match r {
        Ok(d) => crate::flash::back(
            caller.user.id,
            &format!("/departments?county={}", d.county_code),
            Ok(format!("已新增“{}”", d.name)),
        ),
        Err(AppError::Invalid(errors)) => {
            crate::sections::refused(list(&st, &caller, &Msg::default(), i.county.clone(), &i).await, &errors)
        }
        Err(e) => crate::flash::back(caller.user.id, "/departments", Err(e)),
    }
}

async fn edit(
    st: &AppState,
    caller: &Caller,
    m: &Msg,
    id: Uuid,
    typed: Option<&DepartmentInput>,
) -> Result<SectionsPage, PageError> {
    let d = store(departments::get(&st.db, &caller.access, id).await)?;
    let county = d.county_code.clone();
    let v: DepartmentView = views(st, caller, &county, vec![d]).await?.pop().ok_or(AppError::NotFound)?;
    let mut p = SectionsPage::new(st, caller, "events", &v.name, m).await?;
    p.crumbs =
        vec![("/events".into(), "民情事件".into()), (format!("/departments?county={county}"), "职能部门".into())];
    p.subtitle = format!("在办 {} 件，其中超期 {} 件", v.in_hand, v.overdue);
    let mut s = Section { title: "职责范围".into(), headers: headers(&["事件分类"]), ..Default::default() };
    s.rows = v.remit_labels.iter().map(|l| row(vec![t(l)])).collect();
    p.sections.push(s);
    if caller.role.may(Permission::ManageDepartments) {
        let name = typed.and_then(|i| i.name.clone()).unwrap_or_else(|| v.name.clone());
        let remit = typed.and_then(|i| i.remit.clone()).unwrap_or_else(|| v.remit.clone());
        let state = if v.disabled { "true" } else { "false" };
        p.sections.push(Section {
            id: "edit".into(),
            title: "修改".into(),
            text: "修改或停用不影响已交办的事件；停用后不能再交办给该部门。".into(),
            forms: vec![FormSpec {
                action: format!("/departments/{id}"),
                fields: vec![
                    input("部门名称", "name", "text", name, 24),
                    select(
                        "状态",
                        "disabled",
                        state,
                        vec![("false".into(), "在用".into()), ("true".into(), "停用".into())],
                    ),
                    checks("职责范围", "remit", &remit, category_options(st, &county).await?),
                ],
                button: "保存".into(),
                ..Default::default()
            }],
            ..Default::default()
        });
    }
    Ok(p)
}

/// `GET /departments/{id}`.
pub(crate) async fn edit_page(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Query(m): Query<Msg>,
) -> PageResult {
    edit(&st, &caller, &m, id, None).await?.finish(&m).await
}

/// `POST /departments/{id}`: saves the form; back to the department's page.
pub(crate) async fn update(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Form(f): Form<SubForm>,
) -> Response {
    let i = input_of(&f);
    let r = async {
        caller.check_csrf(&f._csrf)?;
        Ok::<_, AppError>(departments::update(&st.db, &caller.access, id, &i).await?)
    }
    .await;
    match r {
        Ok(d) => crate::flash::back(caller.user.id, &format!("/departments/{id}"), Ok(format!("已保存“{}”", d.name))),
        Err(AppError::Invalid(errors)) => {
            crate::sections::refused(edit(&st, &caller, &Msg::default(), id, Some(&i)).await, &errors)
        }
        Err(e) => crate::flash::back(caller.user.id, &format!("/departments/{id}"), Err(e)),
    }
}
