//! Users, passwords (argon2id), sessions and API tokens.

use crate::Db;
use crate::access::Access;
use crate::audit::Actor;
use crate::entity::{api_token, id_registry, login_device, region, session, user, worker};
use crate::error::{Result, StoreError};
use crate::regions::in_subtree;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{Duration, Utc};
use rand::RngCore;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set};
use sha2::{Digest, Sha256};
use shegong_domain::Permission;
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
    if new.password.chars().count() > shegong_domain::password::MAX_CHARS {
        return Err(invalid("password_too_long", "password", "密码过长"));
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
        // An archive outside the creator's region is as absent as one that does not exist.
        if let Some((_, scope)) = creator
            && !scope.allows_region(&w.region_code)
        {
            return Err(invalid(
                "worker_not_found",
                "id_number",
                "未找到该身份证号码对应的社区工作者档案",
            ));
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
    shegong_domain::text::line("display_name", "姓名", &new.display_name, 60).map_err(StoreError::invalid)?;
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
        must_change_password: Set(false),
        password_changed_at: Set(None),
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
    // No stored password is this long: refuse before hashing what an attacker sent.
    if password.chars().count() > shegong_domain::password::MAX_CHARS || username.len() > 64 {
        return Ok(None);
    }
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

/// The user behind a bearer token, unless it was revoked, is older than `max_age`, or its user is
/// disabled.
pub async fn token_user(db: &Db, token: &str, max_age: Duration) -> Result<Option<user::Model>> {
    let Some(t) = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(hash_token(token)))
        .one(&db.conn)
        .await?
    else {
        return Ok(None);
    };
    if t.revoked_at.is_some() || t.created_at + max_age < Utc::now() {
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
    crate::audit::record(
        &txn,
        actor,
        if disabled { "user.disable" } else { "user.enable" },
        &u.region_code,
        Some(u.username.clone()),
        None,
    )
    .await?;
    if disabled {
        // Everything that lets the user in dies with the account and does not come back with it.
        end_sessions(&txn, u.id, None).await?;
        revoke_tokens(&txn, u.id).await?;
    }
    txn.commit().await?;
    Ok(u)
}

/// Ends the user's browser sessions, all but `keep` (a cookie token) when given.
async fn end_sessions(db: &impl sea_orm::ConnectionTrait, user_id: Uuid, keep: Option<&str>) -> Result<()> {
    let mut q = session::Entity::delete_many().filter(session::Column::UserId.eq(user_id));
    if let Some(k) = keep {
        q = q.filter(session::Column::TokenHash.ne(hash_token(k)));
    }
    q.exec(db).await?;
    Ok(())
}

/// Revokes every API token of the user.
async fn revoke_tokens(db: &impl sea_orm::ConnectionTrait, user_id: Uuid) -> Result<()> {
    api_token::Entity::update_many()
        .col_expr(
            api_token::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(Some(Utc::now())),
        )
        .filter(api_token::Column::UserId.eq(user_id))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// What else a new password ends.
struct Reach<'a> {
    /// The session making the change, which stays (the others end).
    keep_session: Option<&'a str>,
    revoke_tokens: bool,
}

/// Stores a new password (hashed before the write lock is taken) and, in the same transaction, ends
/// the sessions and tokens it ends and writes the audit row.
async fn store_password(
    db: &Db,
    u: user::Model,
    password: &str,
    must_change: bool,
    reach: Reach<'_>,
    actor: &Actor,
    action: &str,
) -> Result<user::Model> {
    let password = password.to_string();
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| anyhow::anyhow!(e))??;
    let txn = db.begin_write().await?;
    let mut am = u.into_active_model();
    am.password_hash = Set(hash);
    am.must_change_password = Set(must_change);
    am.password_changed_at = Set(Some(Utc::now()));
    let u = am.update(&txn).await?;
    end_sessions(&txn, u.id, reach.keep_session).await?;
    if reach.revoke_tokens {
        revoke_tokens(&txn, u.id).await?;
    }
    crate::audit::record(&txn, actor, action, &u.region_code, Some(u.username.clone()), None).await?;
    txn.commit().await?;
    Ok(u)
}

/// A user changes their own password: the current one must be right and the new one must pass the
/// rule. The old password stops working at once, every API token of the user is revoked and every
/// other session ends; `keep_session` (the cookie token of the session making the change) stays
/// logged in.
pub async fn change_password(
    db: &Db,
    user: &user::Model,
    keep_session: Option<&str>,
    current: &str,
    new: &str,
) -> Result<user::Model> {
    let hash = user.password_hash.clone();
    let sent = current.to_string();
    let ok = current.chars().count() <= shegong_domain::password::MAX_CHARS
        && tokio::task::spawn_blocking(move || verify_password(&hash, &sent))
            .await
            .map_err(|e| anyhow::anyhow!(e))?;
    if !ok {
        return Err(invalid("current_password_wrong", "current_password", "当前密码不正确"));
    }
    shegong_domain::password::check(new, &user.username, "new_password").map_err(StoreError::invalid)?;
    if new == current {
        return Err(invalid(
            "password_unchanged",
            "new_password",
            "新密码不能与当前密码相同",
        ));
    }
    // Tokens made with the old password (a temporary one an admin set, say) die with it.
    let reach = Reach {
        keep_session,
        revoke_tokens: true,
    };
    store_password(
        db,
        user.clone(),
        new,
        false,
        reach,
        &actor_of(user),
        "user.password_change",
    )
    .await
}

/// An admin sets a new password for a user in scope whose role they may grant; the user must change
/// it at their next login. Their sessions end and their API tokens are revoked.
pub async fn reset_password(
    db: &Db,
    creator: (Role, &Scope),
    actor: &Actor,
    id: Uuid,
    new: &str,
) -> Result<user::Model> {
    let u = user::Entity::find_by_id(id)
        .one(&db.conn)
        .await?
        .filter(|u| creator.1.allows_region(&u.region_code))
        .ok_or(StoreError::NotFound)?;
    let role = Role::parse(&u.role).ok_or_else(|| anyhow::anyhow!("bad role {}", u.role))?;
    if u.username == actor.username {
        return Err(invalid("reset_self", "id", "请在“账号”页面修改自己的密码"));
    }
    if !creator.0.may_grant(role) {
        return Err(StoreError::Forbidden("无权重置该用户的密码"));
    }
    shegong_domain::password::check(new, &u.username, "new_password").map_err(StoreError::invalid)?;
    let reach = Reach {
        keep_session: None,
        revoke_tokens: true,
    };
    store_password(db, u, new, true, reach, actor, "user.password_reset").await
}

/// The operator sets a user's password from the command line (`must_change`: at the next login).
pub async fn set_password(db: &Db, username: &str, new: &str, must_change: bool) -> Result<user::Model> {
    let u = user::Entity::find()
        .filter(user::Column::Username.eq(username.trim()))
        .one(&db.conn)
        .await?
        .ok_or_else(|| invalid("user_not_found", "username", format!("用户 {username} 不存在")))?;
    shegong_domain::password::check(new, &u.username, "password").map_err(StoreError::invalid)?;
    let reach = Reach {
        keep_session: None,
        revoke_tokens: false,
    };
    store_password(db, u, new, must_change, reach, &Actor::system(), "user.password_set").await
}

/// Remembers the device a user has just logged in from; returns its cookie token.
pub async fn remember_device(db: &Db, user_id: Uuid) -> Result<String> {
    let token = random_token();
    let now = Utc::now();
    login_device::ActiveModel {
        token_hash: Set(hash_token(&token)),
        user_id: Set(user_id),
        created_at: Set(now),
        last_used_at: Set(now),
    }
    .insert(&db.writer)
    .await?;
    Ok(token)
}

/// The username a known-device cookie was issued to, if it is still valid (a year since issue) and
/// the user is enabled.
pub async fn device_username(db: &Db, token: &str) -> Result<Option<String>> {
    let Some(d) = login_device::Entity::find_by_id(hash_token(token))
        .one(&db.conn)
        .await?
    else {
        return Ok(None);
    };
    if d.created_at + Duration::days(365) < Utc::now() {
        return Ok(None);
    }
    let u = user::Entity::find_by_id(d.user_id).one(&db.conn).await?;
    Ok(u.filter(|u| !u.disabled).map(|u| u.username))
}

/// Forgets one known device (after too many failures from it).
pub async fn forget_device(db: &Db, token: &str) -> Result<()> {
    login_device::Entity::delete_by_id(hash_token(token))
        .exec(&db.writer)
        .await?;
    Ok(())
}

pub async fn count(db: &Db) -> Result<u64> {
    use sea_orm::PaginatorTrait;
    Ok(user::Entity::find().count(&db.conn).await?)
}
