//! Users, passwords (argon2id), sessions and API tokens.

use crate::Db;
use crate::audit::Actor;
use crate::entity::{api_token, id_registry, region, session, user, worker};
use crate::error::{Result, StoreError};
use crate::regions::in_subtree;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{Duration, Utc};
use rand::RngCore;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set};
use sha2::{Digest, Sha256};
use shegong_domain::{FieldError, IdNumber, RegionCode, Role, Scope};
use std::sync::LazyLock;
use uuid::Uuid;

/// How long a browser session lasts without a new login.
pub const SESSION_HOURS: i64 = 12;

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::rng().fill_bytes(&mut b);
    hex::encode(b)
}

/// Hashes a password with argon2id (blocking: call off the async runtime).
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .to_string())
}

fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
        .unwrap_or(false)
}

/// Verified against when the user does not exist, so that both cases take the same work.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_password("dummy-password-for-timing").expect("argon2 works"));

/// The scope a user acts in, from their role and region.
pub fn scope_of(u: &user::Model) -> Result<Scope> {
    let region = RegionCode::parse(&u.region_code).map_err(|e| anyhow::anyhow!("bad user region: {e}"))?;
    let role = Role::parse(&u.role).ok_or_else(|| anyhow::anyhow!("bad role {}", u.role))?;
    Ok(match (role, u.worker_id) {
        (Role::Worker, Some(w)) => Scope::Own { worker_id: w, region },
        (Role::Worker, None) => return Err(StoreError::Forbidden("该账号未关联本人档案")),
        _ => Scope::Region(region),
    })
}

pub fn actor_of(u: &user::Model) -> Actor {
    Actor {
        username: u.username.clone(),
        role: u.role.clone(),
        region_code: u.region_code.clone(),
    }
}

/// A user to create, as given.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub region: String,
    pub password: String,
    /// For `worker` users: the ID number of their own archive.
    pub id_number: String,
}

fn invalid(code: &'static str, field: &'static str, msg: impl Into<String>) -> StoreError {
    StoreError::invalid(FieldError::new(code, field, msg))
}

/// Creates a user. `creator` is the creating user's role and scope; `None` for the operator's CLI.
pub async fn create(db: &Db, creator: Option<(Role, &Scope)>, actor: &Actor, new: NewUser) -> Result<user::Model> {
    let username = new.username.trim().to_string();
    if !(3..=64).contains(&username.len())
        || !username
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
    {
        return Err(invalid(
            "username_format",
            "username",
            "用户名应为3至64位字母、数字、下划线、点或连字符",
        ));
    }
    let role = Role::parse(&new.role).ok_or_else(|| invalid("role_unknown", "role", "角色无效"))?;
    if new.password.chars().count() < 8 {
        return Err(invalid("password_too_short", "password", "密码至少8位"));
    }
    let (region_code, worker_id) = if role == Role::Worker {
        let id = IdNumber::parse(&new.id_number).map_err(StoreError::invalid)?;
        let reg = id_registry::Entity::find_by_id(id.to_string())
            .one(&db.conn)
            .await?
            .ok_or_else(|| {
                invalid(
                    "worker_not_found",
                    "id_number",
                    "未找到该身份证号码对应的社区工作者档案",
                )
            })?;
        let w = worker::Entity::find()
            .filter(worker::Column::ProvinceCode.eq(reg.province_code))
            .filter(worker::Column::Id.eq(reg.worker_id))
            .one(&db.conn)
            .await?
            .ok_or(StoreError::NotFound)?;
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
    if region::Entity::find_by_id(region_code.clone())
        .one(&db.conn)
        .await?
        .is_none()
    {
        return Err(invalid(
            "region_not_found",
            "region",
            format!("区划 {region_code} 不存在"),
        ));
    }
    if user::Entity::find()
        .filter(user::Column::Username.eq(&username))
        .one(&db.conn)
        .await?
        .is_some()
    {
        return Err(StoreError::Conflict(FieldError::new(
            "username_taken",
            "username",
            "该用户名已被使用",
        )));
    }
    let password = new.password.clone();
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| anyhow::anyhow!(e))??;
    let display = if new.display_name.trim().is_empty() {
        username.clone()
    } else {
        new.display_name.trim().to_string()
    };
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
    }
    .insert(&db.writer)
    .await?;
    crate::audit::record(
        &db.writer,
        actor,
        "user.create",
        &region_code,
        Some(u.username.clone()),
        Some(role.as_str().into()),
    )
    .await?;
    Ok(u)
}

/// Checks a username and password; the same work whether the user exists or not.
pub async fn authenticate(db: &Db, username: &str, password: &str) -> Result<Option<user::Model>> {
    let u = user::Entity::find()
        .filter(user::Column::Username.eq(username.trim()))
        .one(&db.conn)
        .await?;
    let hash = u
        .as_ref()
        .map_or_else(|| DUMMY_HASH.clone(), |u| u.password_hash.clone());
    let password = password.to_string();
    let ok = tokio::task::spawn_blocking(move || verify_password(&hash, &password))
        .await
        .map_err(|e| anyhow::anyhow!(e))?;
    Ok(u.filter(|u| ok && !u.disabled))
}

/// Starts a browser session: returns the cookie token and the session's CSRF token.
pub async fn create_session(db: &Db, user_id: Uuid) -> Result<(String, String)> {
    let token = random_token();
    let csrf = random_token();
    let now = Utc::now();
    session::ActiveModel {
        token_hash: Set(hash_token(&token)),
        user_id: Set(user_id),
        csrf_token: Set(csrf.clone()),
        created_at: Set(now),
        expires_at: Set(now + Duration::hours(SESSION_HOURS)),
    }
    .insert(&db.writer)
    .await?;
    Ok((token, csrf))
}

/// The live session and its user for a cookie token.
pub async fn session_user(db: &Db, token: &str) -> Result<Option<(user::Model, session::Model)>> {
    let Some(s) = session::Entity::find_by_id(hash_token(token)).one(&db.conn).await? else {
        return Ok(None);
    };
    if s.expires_at < Utc::now() {
        session::Entity::delete_by_id(s.token_hash).exec(&db.writer).await?;
        return Ok(None);
    }
    let u = user::Entity::find_by_id(s.user_id).one(&db.conn).await?;
    Ok(u.filter(|u| !u.disabled).map(|u| (u, s)))
}

pub async fn delete_session(db: &Db, token: &str) -> Result<()> {
    session::Entity::delete_by_id(hash_token(token))
        .exec(&db.writer)
        .await?;
    Ok(())
}

/// Issues an API bearer token; only its hash is stored.
pub async fn create_token(db: &Db, user_id: Uuid, name: &str) -> Result<(api_token::Model, String)> {
    let token = format!("sg_{}", random_token());
    let m = api_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        token_hash: Set(hash_token(&token)),
        user_id: Set(user_id),
        name: Set(name.chars().take(100).collect()),
        created_at: Set(Utc::now()),
        last_used_at: Set(None),
        revoked_at: Set(None),
    }
    .insert(&db.writer)
    .await?;
    Ok((m, token))
}

/// The user behind a bearer token, unless it was revoked.
pub async fn token_user(db: &Db, token: &str) -> Result<Option<user::Model>> {
    let Some(t) = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(hash_token(token)))
        .one(&db.conn)
        .await?
    else {
        return Ok(None);
    };
    if t.revoked_at.is_some() {
        return Ok(None);
    }
    let u = user::Entity::find_by_id(t.user_id).one(&db.conn).await?;
    Ok(u.filter(|u| !u.disabled))
}

pub async fn list_tokens(db: &Db, user_id: Uuid) -> Result<Vec<api_token::Model>> {
    Ok(api_token::Entity::find()
        .filter(api_token::Column::UserId.eq(user_id))
        .order_by_desc(api_token::Column::CreatedAt)
        .all(&db.conn)
        .await?)
}

/// Revokes one of the user's own tokens.
pub async fn revoke_token(db: &Db, user_id: Uuid, token_id: Uuid) -> Result<()> {
    let t = api_token::Entity::find_by_id(token_id)
        .one(&db.conn)
        .await?
        .filter(|t| t.user_id == user_id)
        .ok_or(StoreError::NotFound)?;
    let mut am = t.into_active_model();
    am.revoked_at = Set(Some(Utc::now()));
    am.update(&db.writer).await?;
    Ok(())
}

/// Users whose region lies in the scope.
pub async fn list(db: &Db, scope: &Scope) -> Result<Vec<user::Model>> {
    Ok(user::Entity::find()
        .filter(in_subtree(user::Column::RegionCode, scope.region().as_str()))
        .order_by_asc(user::Column::RegionCode)
        .order_by_asc(user::Column::Username)
        .all(&db.conn)
        .await?)
}

/// Enables or disables a user in scope (never oneself).
pub async fn set_disabled(db: &Db, scope: &Scope, actor: &Actor, id: Uuid, disabled: bool) -> Result<user::Model> {
    let u = user::Entity::find_by_id(id)
        .one(&db.conn)
        .await?
        .filter(|u| scope.allows_region(&u.region_code))
        .ok_or(StoreError::NotFound)?;
    if u.username == actor.username {
        return Err(invalid("cannot_disable_self", "disabled", "不能停用自己的账号"));
    }
    let mut am = u.into_active_model();
    am.disabled = Set(disabled);
    let u = am.update(&db.writer).await?;
    crate::audit::record(
        &db.writer,
        actor,
        if disabled { "user.disable" } else { "user.enable" },
        &u.region_code,
        Some(u.username.clone()),
        None,
    )
    .await?;
    if disabled {
        crate::entity::session::Entity::delete_many()
            .filter(session::Column::UserId.eq(u.id))
            .exec(&db.writer)
            .await?;
    }
    Ok(u)
}

pub async fn count(db: &Db) -> Result<u64> {
    use sea_orm::PaginatorTrait;
    Ok(user::Entity::find().count(&db.conn).await?)
}
