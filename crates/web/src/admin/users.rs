//! Users: the list inside the admin's reach, creating, disabling, the Excel list.
use crate::page::Chrome;
use crate::page::CsrfForm;
use crate::page::PageResult;
use crate::page::chrome;

use crate::auth::{Caller, Ctx};
use crate::error::AppError;
use crate::state::AppState;
use crate::xlsx::{XCell, table_xlsx};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect};
use serde::Deserialize;
use shegong_domain::Permission;
use shegong_domain::{FieldError, Role};
use shegong_store::users;
use uuid::Uuid;

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    c: Chrome,
    /// The caller's username: no disable or reset on their own row.
    me: String,
    notice: String,
    errors: Vec<FieldError>,
    roles: Vec<(String, String)>,
    /// The departments a department user may be made for (id, name).
    departments: Vec<(String, String)>,
    users: Vec<UserRow>,
}

/// A user as the list and its export show them.
pub(crate) struct UserRow {
    username: String,
    name: String,
    role: String,
    region: String,
    /// The region's code, for the export (`海宁市（330481）`, as the audit log's).
    code: String,
    disabled: bool,
    id: Uuid,
}

impl UserRow {
    async fn all(st: &AppState, caller: &Caller) -> Result<Vec<Self>, AppError> {
        let list = users::list(&st.db, &caller.access).await?;
        let codes = list.iter().map(|u| u.region_code.clone()).collect();
        let names = shegong_store::regions::names(&st.db.conn, codes).await?;
        let departments: std::collections::HashMap<Uuid, String> =
            shegong_store::departments::in_reach(&st.db, &caller.access)
                .await?
                .into_iter()
                .map(|d| (d.id, d.name))
                .collect();
        Ok(list
            .into_iter()
            .map(|u| Self {
                role: Role::parse(&u.role).map_or(u.role.clone(), |r| r.label().to_string()),
                // Named, and a department user with their department.
                region: {
                    let place = names.get(&u.region_code).cloned().unwrap_or_else(|| u.region_code.clone());
                    match u.department_id.and_then(|d| departments.get(&d)) {
                        Some(d) => format!("{place} · {d}"),
                        None => place,
                    }
                },
                code: u.region_code,
                username: u.username,
                name: u.display_name,
                disabled: u.disabled,
                id: u.id,
            })
            .collect())
    }

    fn cells(self) -> Vec<XCell> {
        let status = if self.disabled { "已停用" } else { "正常" };
        let region = format!("{}（{}）", self.region, self.code);
        [self.username, self.name, self.role, region, status.into()].into_iter().map(XCell::T).collect()
    }
}

async fn users_render(st: &AppState, caller: &Caller, notice: &str, errors: Vec<FieldError>) -> PageResult {
    caller.access.require(Permission::ManageUsers)?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = UsersPage {
        c: chrome(st, caller, "users").await?,
        me: caller.user.username.clone(),
        notice: notice.into(),
        errors,
        roles: Role::ALL
            .iter()
            .filter(|r| caller.role.may_grant(**r))
            .map(|r| (r.as_str().to_string(), r.label().to_string()))
            .collect(),
        users: UserRow::all(st, caller).await?,
        departments: shegong_store::departments::in_reach(&st.db, &caller.access)
            .await?
            .into_iter()
            .filter(|d| !d.disabled)
            .map(|d| (d.id.to_string(), d.name))
            .collect(),
    };
    Ok((status, Html(page.render().map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?)).into_response())
}

pub(crate) async fn users_page(Ctx { st, caller }: Ctx, Query(q): Query<crate::flash::Flash>) -> PageResult {
    let (notice, errors) = (q.notice(caller.user.id), q.errors(caller.user.id));
    users_render(&st, &caller, &notice, errors).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct UserForm {
    _csrf: String,
    #[serde(flatten)]
    new: users::NewUser,
}

pub(crate) async fn create_user(State(st): State<AppState>, caller: Caller, Form(f): Form<UserForm>) -> PageResult {
    caller.check_csrf(&f._csrf)?;
    caller.access.require(Permission::ManageUsers)?;
    match users::create(&st.db, Some((caller.role, &caller.scope)), &caller.actor, f.new).await {
        Ok(u) => users_render(&st, &caller, &format!("已创建用户 {}。", u.username), vec![]).await,
        Err(shegong_store::StoreError::Invalid(errs)) => users_render(&st, &caller, "", errs).await,
        Err(shegong_store::StoreError::Conflict(e)) => users_render(&st, &caller, "", vec![e]).await,
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn toggle_user(Ctx { st, caller }: Ctx, Path(id): Path<Uuid>, Form(f): Form<CsrfForm>) -> PageResult {
    caller.check_csrf(&f._csrf)?;
    caller.access.require(Permission::ManageUsers)?;
    let list = users::list(&st.db, &caller.access).await?;
    let u = list.into_iter().find(|u| u.id == id).ok_or(AppError::NotFound)?;
    match users::set_disabled(&st.db, &caller.access, id, !u.disabled).await {
        Ok(_) => Ok(Redirect::to("/users").into_response()),
        Err(shegong_store::StoreError::Invalid(errs)) => users_render(&st, &caller, "", errs).await,
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn users_xlsx(State(st): State<AppState>, caller: Caller) -> PageResult {
    caller.access.require(Permission::ManageUsers)?;
    let mut list = Some(UserRow::all(&st, &caller).await?);
    let headers = [("用户名", 14.0), ("姓名", 12.0), ("角色", 24.0), ("所辖区划", 14.0), ("状态", 8.0)];
    Ok(table_xlsx(
        "用户",
        &headers,
        |_| {
            let rows = list.take().unwrap_or_default();
            async move { Ok(rows.into_iter().map(UserRow::cells).collect()) }
        },
        "users.xlsx",
        "用户.xlsx",
    )
    .await?)
}
