//! User accounts: creating one (inside the creator's reach), the list, disabling.

use super::invalid;

use super::hash_password;
use super::passwords::{end_sessions, revoke_tokens};

use crate::Db;
use crate::access::Access;
use crate::audit::Actor;
use crate::entity::{id_registry, region, user, worker};
use crate::error::{Result, StoreError};
use crate::regions::in_subtree;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set};
use shegong_domain::Permission;
use shegong_domain::{FieldError, IdNumber, RegionCode, Role, Scope};
use uuid::Uuid;

/// A user to create, as given.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub region: String,
    pub password: String,
    /// For `worker` users: the ID number of their own archive.
    pub id_number: String,
    /// For `department` users: the department (职能部门) they act for; its county is their region.
    pub department: String,
}

/// Creates a user. `creator` is the creating user's role and scope; `None` for the operator's CLI.
/// The password must pass the password rule.
pub async fn create(db: &Db, creator: Option<(Role, &Scope)>, actor: &Actor, new: NewUser) -> Result<user::Model> {
    shegong_domain::password::check(&new.password, &new.username, "password").map_err(StoreError::invalid)?;
    create_unchecked(db, creator, actor, new).await
}

/// Creates a user without the password rule: only the demo's accounts, whose password is public.
pub(crate) async fn create_unchecked(
    db: &Db,
    creator: Option<(Role, &Scope)>,
    actor: &Actor,
    new: NewUser,
) -> Result<user::Model> {
    let username = new.username.trim().to_string();
    if !(3..=64).contains(&username.len())
        || !username.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
    {
        return Err(invalid("username_format", "username", "用户名应为3至64位字母、数字、下划线、点或连字符"));
    }
    let role = Role::parse(&new.role).ok_or_else(|| invalid("role_unknown", "role", "角色无效"))?;
    if new.password.chars().count() > shegong_domain::password::MAX_CHARS {
        return Err(invalid("password_too_long", "password", "密码过长"));
    }
    // Who may not grant the role hears so before anything about what they named.
    if let Some((creator_role, _)) = creator
        && !creator_role.may_grant(role)
    {
        return Err(StoreError::Forbidden("无权创建该角色的用户"));
    }
    let mut department_id = None;
    let (region_code, worker_id) = if role == Role::Department {
        let missing = || invalid("department_not_found", "department", "请选择本县（市、区）的职能部门");
        let province = creator.map_or_else(
            || RegionCode::parse(&new.region).map(|r| r.province().to_string()).unwrap_or_default(),
            |(_, s)| s.region().province().to_string(),
        );
        // By id (the form's choice) or, at the command line, by name inside the county given.
        let d = match Uuid::parse_str(new.department.trim()) {
            Ok(id) => crate::departments::find(&db.conn, &province, id).await?,
            Err(_) => crate::departments::named(&db.conn, new.region.trim(), new.department.trim()).await?,
        };
        let d = d.filter(|d| creator.is_none_or(|(_, s)| s.allows_region(&d.county_code))).ok_or_else(missing)?;
        if d.disabled {
            return Err(invalid("department_disabled", "department", format!("{}已停用，不能再为其创建账号", d.name)));
        }
        department_id = Some(d.id);
        (d.county_code, None)
    } else if role == Role::Worker {
        let id = IdNumber::parse(&new.id_number).map_err(StoreError::invalid)?;
        let reg = id_registry::Entity::find_by_id(id.to_string())
            .one(&db.conn)
            .await?
            .ok_or_else(|| invalid("worker_not_found", "id_number", "未找到该身份证号码对应的社区工作者档案"))?;
        let w = worker::Entity::find()
            .filter(worker::Column::ProvinceCode.eq(reg.province_code))
            .filter(worker::Column::Id.eq(reg.worker_id))
            .one(&db.conn)
            .await?
            .ok_or(StoreError::NotFound)?;
        // An archive outside the creator's region is as absent as one that does not exist.
        if let Some((_, scope)) = creator
            && !scope.allows_region(&w.region_code)
        {
            return Err(invalid("worker_not_found", "id_number", "未找到该身份证号码对应的社区工作者档案"));
        }
        (w.region_code, Some(w.id))
    } else {
        let code =
            RegionCode::parse(&new.region).map_err(|e| StoreError::invalid(FieldError { field: "region", ..e }))?;
        if let Some(level) = role.region_level()
            && code.level() != level
        {
            return Err(invalid(
                "role_region_level",
                "region",
                format!("{}应绑定{}级区划", role.label(), level.label()),
            ));
        }
        (code.to_string(), None)
    };
    if let Some((creator_role, scope)) = creator {
        if !creator_role.may_grant(role) {
            return Err(StoreError::Forbidden("无权创建该角色的用户"));
        }
        if !scope.allows_region(&region_code) {
            return Err(invalid("region_out_of_scope", "region", "所选区划不在您的管辖范围内"));
        }
    }
    if region::Entity::find_by_id(region_code.clone()).one(&db.conn).await?.is_none() {
        return Err(invalid("region_not_found", "region", format!("区划 {region_code} 不存在")));
    }
    if user::Entity::find().filter(user::Column::Username.eq(&username)).one(&db.conn).await?.is_some() {
        return Err(StoreError::Conflict(FieldError::new("username_taken", "username", "该用户名已被使用")));
    }
    let password = new.password.clone();
    let hash =
        tokio::task::spawn_blocking(move || hash_password(&password)).await.map_err(|e| anyhow::anyhow!(e))??;
    shegong_domain::text::line("display_name", "姓名", &new.display_name, 60).map_err(StoreError::invalid)?;
    let display =
        if new.display_name.trim().is_empty() { username.clone() } else { new.display_name.trim().to_string() };
    let u = user::ActiveModel {
        id: Set(Uuid::now_v7()),
        username: Set(username),
        display_name: Set(display),
        password_hash: Set(hash),
        role: Set(role.as_str().into()),
        region_code: Set(region_code.clone()),
        worker_id: Set(worker_id),
        disabled: Set(false),
        created_at: Set(Utc::now()),
        must_change_password: Set(false),
        password_changed_at: Set(None),
        department_id: Set(department_id),
    }
    .insert(&db.writer)
    .await?;
    crate::audit::entry(actor, "user.create", &region_code)
        .target(&u.username)
        .detail(role.as_str())
        .save(&db.writer)
        .await?;
    Ok(u)
}

/// Users whose region lies in the scope.
pub async fn list(db: &Db, access: &Access) -> Result<Vec<user::Model>> {
    access.require(Permission::ManageUsers)?;
    let scope = &access.scope;
    Ok(user::Entity::find()
        .filter(in_subtree(user::Column::RegionCode, scope.region().as_str()))
        .order_by_asc(user::Column::RegionCode)
        .order_by_asc(user::Column::Username)
        .all(&db.conn)
        .await?)
}

/// Enables or disables a user in scope (never oneself).
pub async fn set_disabled(db: &Db, access: &Access, id: Uuid, disabled: bool) -> Result<user::Model> {
    access.require(Permission::ManageUsers)?;
    let (scope, actor) = (&access.scope, &access.actor);
    let u = user::Entity::find_by_id(id)
        .one(&db.conn)
        .await?
        .filter(|u| scope.allows_region(&u.region_code))
        .ok_or(StoreError::NotFound)?;
    if u.username == actor.username {
        return Err(invalid("cannot_disable_self", "disabled", "不能停用自己的账号"));
    }
    let txn = db.begin_write().await?;
    let mut am = u.into_active_model();
    am.disabled = Set(disabled);
    let u = am.update(&txn).await?;
    crate::audit::entry(actor, if disabled { "user.disable" } else { "user.enable" }, &u.region_code)
        .target(&u.username)
        .save(&txn)
        .await?;
    if disabled {
        // Everything that lets the user in dies with the account and does not come back with it.
        end_sessions(&txn, u.id, None).await?;
        revoke_tokens(&txn, u.id).await?;
    }
    txn.commit().await?;
    Ok(u)
}

pub async fn count(db: &Db) -> Result<u64> {
    use sea_orm::PaginatorTrait;
    Ok(user::Entity::find().count(&db.conn).await?)
}

/// How people are named on records they signed (a pay sheet's 制表/审核, who answered a request):
/// "显示名（登录名）" for the login names given, the login name alone for one not found.
pub async fn signed_names(db: &Db, usernames: Vec<String>) -> Result<std::collections::HashMap<String, String>> {
    use sea_orm::QuerySelect;
    let rows: Vec<(String, String)> = user::Entity::find()
        .select_only()
        .column(user::Column::Username)
        .column(user::Column::DisplayName)
        .filter(user::Column::Username.is_in(usernames.clone()))
        .into_tuple()
        .all(&db.conn)
        .await?;
    let found: std::collections::HashMap<String, String> = rows.into_iter().collect();
    Ok(usernames
        .into_iter()
        .map(|u| {
            let shown = match found.get(&u) {
                Some(d) if !d.trim().is_empty() && d != &u => format!("{d}（{u}）"),
                _ => u.clone(),
            };
            (u, shown)
        })
        .collect())
}
