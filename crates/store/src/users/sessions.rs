//! Logging in: passwords checked, browser sessions, API tokens, known devices.

use super::{DUMMY_HASH, SESSION_HOURS, hash_token, random_token, verify_password};

use crate::Db;
use crate::entity::{api_token, login_device, session, user};
use crate::error::{Result, StoreError};
use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

/// Checks a username and password; the same work whether the user exists or not.
pub async fn authenticate(db: &Db, username: &str, password: &str) -> Result<Option<user::Model>> {
    // No stored password is this long: refuse before hashing what an attacker sent.
    if password.chars().count() > shegong_domain::password::MAX_CHARS || username.len() > 64 {
        return Ok(None);
    }
    let u = user::Entity::find().filter(user::Column::Username.eq(username.trim())).one(&db.conn).await?;
    let hash = u.as_ref().map_or_else(|| DUMMY_HASH.clone(), |u| u.password_hash.clone());
    let password = password.to_string();
    let ok =
        tokio::task::spawn_blocking(move || verify_password(&hash, &password)).await.map_err(|e| anyhow::anyhow!(e))?;
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
    session::Entity::delete_by_id(hash_token(token)).exec(&db.writer).await?;
    Ok(())
}

/// Issues an API bearer token; only its hash is stored. `source_label` names the other system the
/// token is for (its reports are labelled with it); checked as one line of at most 64 characters.
pub async fn create_token(
    db: &Db,
    user_id: Uuid,
    name: &str,
    source_label: Option<&str>,
) -> Result<(api_token::Model, String)> {
    let source_label = shegong_domain::text::line("source_label", "外部系统名称", source_label.unwrap_or(""), 64)
        .map_err(StoreError::invalid)?;
    let token = format!("sg_{}", random_token());
    let m = api_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        token_hash: Set(hash_token(&token)),
        user_id: Set(user_id),
        name: Set(name.chars().take(100).collect()),
        created_at: Set(Utc::now()),
        last_used_at: Set(None),
        revoked_at: Set(None),
        source_label: Set(source_label),
    }
    .insert(&db.writer)
    .await?;
    Ok((m, token))
}

/// The user behind a bearer token, with the token's other-system label, unless it was revoked, is
/// older than `max_age`, or its user is disabled.
pub async fn token_user(db: &Db, token: &str, max_age: Duration) -> Result<Option<(user::Model, Option<String>)>> {
    use sea_orm::{JoinType, QuerySelect};
    // One statement: the user of a live token (every API request asks it).
    let u = user::Entity::find()
        .select_also(api_token::Entity)
        .join(
            JoinType::InnerJoin,
            user::Entity::belongs_to(api_token::Entity).from(user::Column::Id).to(api_token::Column::UserId).into(),
        )
        .filter(api_token::Column::TokenHash.eq(hash_token(token)))
        .filter(api_token::Column::RevokedAt.is_null())
        .filter(api_token::Column::CreatedAt.gt(Utc::now() - max_age))
        .one(&db.conn)
        .await?;
    Ok(u.filter(|(u, _)| !u.disabled).map(|(u, t)| (u, t.and_then(|t| t.source_label))))
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
    let Some(d) = login_device::Entity::find_by_id(hash_token(token)).one(&db.conn).await? else {
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
    login_device::Entity::delete_by_id(hash_token(token)).exec(&db.writer).await?;
    Ok(())
}
