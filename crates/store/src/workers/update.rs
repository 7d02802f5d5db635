//! Changes to a worker's identity fields.

use super::read::{ID_NUMBER_FIELD, find_scoped};
use super::{Changes, d, editable, still_serving};

use crate::Db;
use crate::access::Access;
use crate::entity::{id_registry, worker};
use crate::error::{Result, StoreError};
use chrono::Utc;
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
use serde::{Deserialize, Serialize};
use shegong_domain::Permission;
use shegong_domain::codes::{ETHNICITY, POLITICAL_STATUS};
use shegong_domain::person::{BankAccount, Gender, PersonName, Phone, mask_account};
use shegong_domain::worker::parse_date;
use shegong_domain::{FieldError, IdNumber};
use uuid::Uuid;

/// Changes to a worker's identity fields; absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct WorkerPatch {
    pub name: Option<String>,
    pub id_number: Option<String>,
    pub gender: Option<String>,
    pub birth_date: Option<String>,
    pub ethnicity: Option<String>,
    pub political_status: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    /// 开户银行 (empty clears it).
    pub bank_name: Option<String>,
    /// 银行卡号 (empty clears it); the history keeps only its last four digits.
    pub bank_account: Option<String>,
}

/// Applies a patch: every field is checked first, then everything is written in one transaction,
/// with one history row per changed field.
pub async fn update(db: &Db, access: &Access, id: Uuid, patch: &WorkerPatch) -> Result<worker::Model> {
    access.require(Permission::EditArchive)?;
    // Sending an ID number at all needs the right to correct it: otherwise whether the answer is a
    // refusal or "nothing changed" would tell a guess from the real number.
    if patch.id_number.is_some() {
        access.require(Permission::CorrectIdNumber)?;
    }
    let (scope, actor) = (&access.scope, &access.actor);
    editable(scope)?;
    let txn = db.begin_write().await?;
    let w = find_scoped(&txn, scope, id).await?;
    still_serving(&w)?;
    let mut errors = Vec::new();
    let mut am = w.clone().into_active_model();
    let mut ch = Changes::new(&w, actor);
    let trimmed = |s: &Option<String>| s.as_deref().map(str::trim).map(str::to_string);

    let id_number = match trimmed(&patch.id_number) {
        Some(s) => match IdNumber::parse(&s) {
            Ok(n) => n,
            Err(e) => {
                errors.push(e);
                IdNumber::parse(&w.id_number).map_err(|e| anyhow::anyhow!("stored id number invalid: {e}"))?
            }
        },
        None => IdNumber::parse(&w.id_number).map_err(|e| anyhow::anyhow!("stored id number invalid: {e}"))?,
    };
    if let Some(s) = trimmed(&patch.name) {
        match PersonName::parse(&s) {
            Ok(n) => {
                ch.push("basic", "姓名", Some(w.name.clone()), Some(n.as_str().into()));
                am.name = Set(n.as_str().into());
            }
            Err(e) => errors.push(e),
        }
    }
    let gender = match trimmed(&patch.gender) {
        Some(g) => match Gender::from_code(&g) {
            Some(g) => Some(g),
            None => {
                errors.push(FieldError::new("gender_unknown", "gender", "性别应为“男”或“女”"));
                None
            }
        },
        None if patch.id_number.is_some() => Some(id_number.gender()),
        None => Gender::from_code(&w.gender),
    };
    let birth = match trimmed(&patch.birth_date) {
        Some(b) => match parse_date("birth_date", "出生日期", &b)
            .and_then(|b| shegong_domain::dates::past("birth_date", "出生日期", b, crate::clock::today()))
        {
            Ok(b) => Some(b),
            Err(e) => {
                errors.push(e);
                None
            }
        },
        None if patch.id_number.is_some() => Some(id_number.birth_date()),
        None => Some(w.birth_date),
    };
    if errors.is_empty()
        && let Err(e) = id_number.check_agrees(gender, birth)
    {
        errors.push(e);
    }
    if let Some(e) = trimmed(&patch.ethnicity) {
        match ETHNICITY.parse(&e) {
            Ok(c) => {
                ch.push(
                    "basic",
                    "民族",
                    ETHNICITY.name(&w.ethnicity).map(Into::into),
                    ETHNICITY.name(&c).map(Into::into),
                );
                am.ethnicity = Set(c);
            }
            Err(e) => errors.push(e),
        }
    }
    if let Some(p) = trimmed(&patch.political_status) {
        match POLITICAL_STATUS.parse(&p) {
            Ok(c) => {
                ch.push(
                    "basic",
                    "政治面貌",
                    POLITICAL_STATUS.name(&w.political_status).map(Into::into),
                    POLITICAL_STATUS.name(&c).map(Into::into),
                );
                am.political_status = Set(c);
            }
            Err(e) => errors.push(e),
        }
    }
    if let Some(p) = trimmed(&patch.phone) {
        if p.is_empty() {
            ch.push("basic", "手机号码", w.phone.clone(), None);
            am.phone = Set(None);
        } else {
            match Phone::parse(&p) {
                Ok(p) => {
                    ch.push("basic", "手机号码", w.phone.clone(), Some(p.as_str().into()));
                    am.phone = Set(Some(p.as_str().into()));
                }
                Err(e) => errors.push(e),
            }
        }
    }
    if let Some(a) = trimmed(&patch.address) {
        match shegong_domain::text::line("address", "住址", &a, 200) {
            Err(e) => errors.push(e),
            Ok(a) => {
                ch.push("basic", "住址", w.address.clone(), a.clone());
                am.address = Set(a);
            }
        }
    }
    if let Some(b) = trimmed(&patch.bank_name) {
        match shegong_domain::text::line("bank_name", "开户银行", &b, 60) {
            Err(e) => errors.push(e),
            Ok(b) => {
                ch.push("basic", "开户银行", w.bank_name.clone(), b.clone());
                am.bank_name = Set(b);
            }
        }
    }
    if let Some(a) = trimmed(&patch.bank_account) {
        let parsed = if a.is_empty() { Ok(None) } else { BankAccount::parse(&a).map(|a| Some(a.as_str().to_string())) };
        match parsed {
            Err(e) => errors.push(e),
            Ok(new) if new != w.bank_account => {
                let before = w.bank_account.as_deref().map(mask_account);
                let mut after = new.as_deref().map(mask_account);
                if after.is_some() && after == before {
                    after = after.map(|m| format!("{m}（已更换）"));
                }
                ch.push("basic", "银行卡号", before, after);
                am.bank_account = Set(new);
            }
            Ok(_) => {}
        }
    }
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    if id_number.as_str() != w.id_number {
        if let Some(other) = id_registry::Entity::find_by_id(id_number.to_string()).one(&txn).await?
            && other.worker_id != w.id
        {
            return Err(StoreError::Conflict(FieldError::new(
                "id_number_taken",
                "id_number",
                "该身份证号码已属于另一份档案",
            )));
        }
        id_registry::Entity::delete_by_id(w.id_number.clone()).exec(&txn).await?;
        id_registry::ActiveModel {
            id_number: Set(id_number.to_string()),
            province_code: Set(w.province_code.clone()),
            worker_id: Set(w.id),
        }
        .insert(&txn)
        .await?;
        ch.push("basic", ID_NUMBER_FIELD, Some(w.id_number.clone()), Some(id_number.to_string()));
        am.id_number = Set(id_number.to_string());
    }
    if let Some(g) = gender {
        ch.push("basic", "性别", Gender::from_code(&w.gender).map(|g| g.label().into()), Some(g.label().into()));
        am.gender = Set(g.code().into());
    }
    if let Some(b) = birth {
        ch.push("basic", "出生日期", Some(d(w.birth_date)), Some(d(b)));
        am.birth_date = Set(b);
    }
    if ch.rows.is_empty() {
        return Ok(w);
    }
    am.updated_at = Set(Utc::now());
    let updated = am.update(&txn).await?;
    crate::stats::rebuild_worker(&txn, &updated).await?;
    if (&updated.name, &updated.id_number) != (&w.name, &w.id_number) {
        crate::search::replace(&txn, &updated).await?;
    }
    ch.save(&txn).await?;
    crate::audit::entry(actor, "worker.update", &updated.region_code).target(id).save(&txn).await?;
    txn.commit().await?;
    Ok(updated)
}
