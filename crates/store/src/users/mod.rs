//! Users, passwords (argon2id), sessions and API tokens.

mod accounts;
mod passwords;
mod sessions;

pub(crate) use accounts::create_unchecked;
pub use accounts::{NewUser, count, create, list, set_disabled, signed_names};
pub use passwords::{change_password, reset_password, set_password};
pub use sessions::{
    authenticate, create_session, create_token, delete_session, device_username, forget_device, list_tokens,
    remember_device, revoke_token, session_user, token_user,
};

use crate::audit::Actor;
use crate::entity::user;
use crate::error::{Result, StoreError};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::RngCore;
use sha2::{Digest, Sha256};
use shegong_domain::FieldError;
use shegong_domain::{RegionCode, Role, Scope};
use std::sync::LazyLock;

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
    Ok(Argon2::default().hash_password(password.as_bytes(), &salt).map_err(|e| anyhow::anyhow!("{e}"))?.to_string())
}

pub(crate) fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).map(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok()).unwrap_or(false)
}

/// Verified against when the user does not exist, so that both cases take the same work.
pub(crate) static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_password("dummy-password-for-timing").expect("argon2 works"));

/// The scope a user acts in, from their role and region.
pub fn scope_of(u: &user::Model) -> Result<Scope> {
    let region = RegionCode::parse(&u.region_code).map_err(|e| anyhow::anyhow!("bad user region: {e}"))?;
    let role = Role::parse(&u.role).ok_or_else(|| anyhow::anyhow!("bad role {}", u.role))?;
    Ok(match (role, u.worker_id) {
        (Role::Worker, Some(w)) => Scope::Own { worker_id: w, region },
        (Role::Worker, None) => return Err(StoreError::Forbidden("该账号未关联本人档案")),
        (Role::Department, _) => match u.department_id {
            Some(d) => Scope::Department { department_id: d, region },
            None => return Err(StoreError::Forbidden("该账号未关联职能部门")),
        },
        _ => Scope::Region(region),
    })
}

pub fn actor_of(u: &user::Model) -> Actor {
    Actor { username: u.username.clone(), role: u.role.clone(), region_code: u.region_code.clone() }
}

fn invalid(code: &'static str, field: &'static str, msg: impl Into<String>) -> StoreError {
    StoreError::invalid(FieldError::new(code, field, msg))
}
