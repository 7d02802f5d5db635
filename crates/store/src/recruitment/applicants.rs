//! Applicants' own accounts (报名账号): registered with an ID number, a phone and a password from a
//! round's announcement, no staff account; signed in by ID number and password into a session of
//! their own. An applicant reaches nothing but their own applications.

use crate::Db;
use crate::entity::{applicant, applicant_account as account, applicant_session as session};
use crate::error::{Result, StoreError};
use crate::users::{DUMMY_HASH, SESSION_HOURS, hash_password, hash_token, random_token, verify_password};
use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde::Deserialize;
use shegong_domain::person::{PersonName, Phone};
use shegong_domain::{FieldError, IdNumber};
use uuid::Uuid;

/// A signed-in applicant: who, in which province's data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applicant {
    pub id: Uuid,
    pub province: String,
    pub name: String,
    pub id_number: String,
    pub phone: String,
}

impl From<applicant::Model> for Applicant {
    fn from(m: applicant::Model) -> Self {
        Self { id: m.id, province: m.province_code, name: m.name, id_number: m.id_number, phone: m.phone }
    }
}

/// A registration as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RegisterInput {
    /// 要报名的招聘（公告）编号
    pub round: String,
    pub name: String,
    /// 身份证号码（即登录账号）
    pub id_number: String,
    /// 手机号码
    pub phone: String,
    /// 密码：至少10个字符
    pub password: String,
}

/// Registers an applicant for the province of an announced round still taking applications on
/// `today`. The same ID number registers once per province.
pub async fn register(db: &Db, i: &RegisterInput, today: chrono::NaiveDate) -> Result<Applicant> {
    let mut errors = Vec::new();
    let round = Uuid::parse_str(i.round.trim()).ok();
    let r = match round {
        Some(id) => super::public::announcement(db, id).await.ok(),
        None => None,
    };
    match &r {
        None => errors.push(FieldError::new("round_invalid", "round", "请从招聘公告进入报名")),
        Some(r) if r.round.status != "published" => {
            errors.push(FieldError::new("round_closed", "round", "本次招聘已结束，不再接受报名"))
        }
        Some(r) if today > r.round.apply_to => errors.push(FieldError::new(
            "applications_closed",
            "round",
            format!("本次招聘的报名已于{}截止", r.round.apply_to),
        )),
        Some(_) => {}
    }
    let name = PersonName::parse(&i.name).map_err(|e| errors.push(e)).ok();
    // A birth date in the number that no applicant can have (in the future, or under 16).
    let id_number = IdNumber::parse(&i.id_number)
        .and_then(|id| {
            if id.birth_date() > shegong_domain::dates::birthday(today, 0) - chrono::Months::new(16 * 12) {
                Err(FieldError::new("id_number_birth", "id_number", "身份证号码中的出生日期不对（报名人应年满16周岁）"))
            } else {
                Ok(id)
            }
        })
        .map_err(|e| errors.push(e))
        .ok();
    let phone = Phone::parse(&i.phone).map_err(|e| errors.push(e)).ok();
    if let Err(e) = shegong_domain::password::check(&i.password, &i.id_number, "password") {
        errors.push(e);
    }
    let (Some(r), Some(name), Some(id_number), Some(phone), true) = (r, name, id_number, phone, errors.is_empty())
    else {
        return Err(StoreError::Invalid(errors));
    };
    let province = r.round.province_code.clone();
    let password = i.password.clone();
    let hash =
        tokio::task::spawn_blocking(move || hash_password(&password)).await.map_err(|e| anyhow::anyhow!(e))??;
    let txn = db.begin_write().await?;
    Db::lock_province(&txn, &province).await?;
    let taken = applicant::Entity::find()
        .filter(applicant::Column::ProvinceCode.eq(&province))
        .filter(applicant::Column::IdNumber.eq(id_number.as_str()))
        .one(&*txn)
        .await?;
    if taken.is_some() {
        return Err(StoreError::Conflict(FieldError::new(
            "applicant_exists",
            "id_number",
            "该身份证号码已注册报名账号，请直接登录",
        )));
    }
    let id = Uuid::now_v7();
    account::ActiveModel {
        id_number: Set(id_number.to_string()),
        province_code: Set(province.clone()),
        applicant_id: Set(id),
    }
    .insert(&*txn)
    .await?;
    let m = applicant::ActiveModel {
        province_code: Set(province),
        id: Set(id),
        id_number: Set(id_number.to_string()),
        name: Set(name.as_str().to_string()),
        phone: Set(phone.as_str().to_string()),
        password_hash: Set(hash),
        created_at: Set(Utc::now()),
    }
    .insert(&*txn)
    .await?;
    txn.commit().await?;
    Ok(m.into())
}

/// Checks an ID number and password; the same work whether the account exists or not.
pub async fn authenticate(db: &Db, id_number: &str, password: &str) -> Result<Option<Applicant>> {
    if password.chars().count() > shegong_domain::password::MAX_CHARS || id_number.len() > 32 {
        return Ok(None);
    }
    let id = id_number.trim().to_ascii_uppercase();
    // One account per province the person applied in (found by the number, then read in its
    // province): the password picks theirs.
    let mut accounts = Vec::new();
    for a in account::Entity::find().filter(account::Column::IdNumber.eq(id)).all(&db.conn).await? {
        accounts.extend(applicant::Entity::find_by_id((a.province_code, a.applicant_id)).one(&db.conn).await?);
    }
    let password = password.to_string();
    let found = tokio::task::spawn_blocking(move || {
        if accounts.is_empty() {
            verify_password(&DUMMY_HASH, &password);
            return None;
        }
        accounts.into_iter().find(|a| verify_password(&a.password_hash, &password))
    })
    .await
    .map_err(|e| anyhow::anyhow!(e))?;
    Ok(found.map(Applicant::from))
}

/// Starts an applicant's browser session: the cookie token and the session's CSRF token.
pub async fn create_session(db: &Db, a: &Applicant) -> Result<(String, String)> {
    let token = random_token();
    let csrf = random_token();
    let now = Utc::now();
    session::ActiveModel {
        token_hash: Set(hash_token(&token)),
        province_code: Set(a.province.clone()),
        applicant_id: Set(a.id),
        csrf_token: Set(csrf.clone()),
        created_at: Set(now),
        expires_at: Set(now + Duration::hours(SESSION_HOURS)),
    }
    .insert(&db.writer)
    .await?;
    Ok((token, csrf))
}

/// The applicant of a live session, with the session's CSRF token.
pub async fn session_applicant(db: &Db, token: &str) -> Result<Option<(Applicant, String)>> {
    let Some(s) = session::Entity::find_by_id(hash_token(token)).one(&db.conn).await? else {
        return Ok(None);
    };
    if s.expires_at < Utc::now() {
        session::Entity::delete_by_id(s.token_hash).exec(&db.writer).await?;
        return Ok(None);
    }
    let a = applicant::Entity::find_by_id((s.province_code.clone(), s.applicant_id)).one(&db.conn).await?;
    Ok(a.map(|a| (a.into(), s.csrf_token)))
}

pub async fn delete_session(db: &Db, token: &str) -> Result<()> {
    session::Entity::delete_by_id(hash_token(token)).exec(&db.writer).await?;
    Ok(())
}
