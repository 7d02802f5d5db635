//! Changing, resetting and setting a password, which ends the user's other sessions and tokens.

use super::invalid;
use super::{actor_of, hash_password, hash_token, verify_password};

use crate::Db;
use crate::audit::Actor;
use crate::entity::{api_token, session, user};
use crate::error::{Result, StoreError};
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use shegong_domain::{Role, Scope};
use uuid::Uuid;

/// Ends the user's browser sessions, all but `keep` (a cookie token) when given.
pub(super) async fn end_sessions(db: &impl sea_orm::ConnectionTrait, user_id: Uuid, keep: Option<&str>) -> Result<()> {
    let mut q = session::Entity::delete_many().filter(session::Column::UserId.eq(user_id));
    if let Some(k) = keep {
        q = q.filter(session::Column::TokenHash.ne(hash_token(k)));
    }
    q.exec(db).await?;
    Ok(())
}

/// Revokes every API token of the user.
pub(super) async fn revoke_tokens(db: &impl sea_orm::ConnectionTrait, user_id: Uuid) -> Result<()> {
    api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, sea_orm::sea_query::Expr::value(Some(Utc::now())))
        .filter(api_token::Column::UserId.eq(user_id))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// What else a new password ends.
pub(super) struct Reach<'a> {
    /// The session making the change, which stays (the others end).
    keep_session: Option<&'a str>,
    revoke_tokens: bool,
}

/// Stores a new password (hashed before the write lock is taken) and, in the same transaction, ends
/// the sessions and tokens it ends and writes the audit row.
pub(super) async fn store_password(
    db: &Db,
    u: user::Model,
    password: &str,
    must_change: bool,
    reach: Reach<'_>,
    actor: &Actor,
    action: &str,
) -> Result<user::Model> {
    let password = password.to_string();
    let hash =
        tokio::task::spawn_blocking(move || hash_password(&password)).await.map_err(|e| anyhow::anyhow!(e))??;
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
    crate::audit::entry(actor, action, &u.region_code).target(&u.username).save(&txn).await?;
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
        && tokio::task::spawn_blocking(move || verify_password(&hash, &sent)).await.map_err(|e| anyhow::anyhow!(e))?;
    if !ok {
        return Err(invalid("current_password_wrong", "current_password", "当前密码不正确"));
    }
    shegong_domain::password::check(new, &user.username, "new_password").map_err(StoreError::invalid)?;
    if new == current {
        return Err(invalid("password_unchanged", "new_password", "新密码不能与当前密码相同"));
    }
    // Tokens made with the old password (a temporary one an admin set, say) die with it.
    let reach = Reach { keep_session, revoke_tokens: true };
    store_password(db, user.clone(), new, false, reach, &actor_of(user), "user.password_change").await
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
    let reach = Reach { keep_session: None, revoke_tokens: true };
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
    let reach = Reach { keep_session: None, revoke_tokens: false };
    store_password(db, u, new, must_change, reach, &Actor::system(), "user.password_set").await
}
