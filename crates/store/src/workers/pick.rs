//! People as pickers offer them: `姓名（尾号1234）` beside their community, found as the worker list's
//! search finds them (a fragment of the name, its 拼音 or initials), and read back to one person.

use super::list::WorkerFilter;
use super::page::ranked;
use crate::Db;
use crate::error::Result;
use chrono::NaiveDate;
use shegong_domain::Scope;
use shegong_domain::search::{person_choice, picked_person};
use uuid::Uuid;

/// How many people a picker suggests at most.
pub const SUGGESTIONS: u64 = 10;

/// One person offered by a picker.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Choice {
    pub id: Uuid,
    /// What the picker puts in its box, read back by the form: `张佳明（尾号1234）`.
    pub value: String,
    /// Where they serve, below the caller's own region: `海洲街道 新兴社区` for a county.
    pub label: String,
}

/// The serving people in scope that `q` finds, best match first. Digits, as any input method types
/// them, find nobody here: a search by ID number is the worker list's, where it is audited. Nor does
/// one Latin letter (a sixth of the province starts with z).
pub async fn suggest(db: &Db, scope: &Scope, q: &str, today: NaiveDate) -> Result<Vec<Choice>> {
    let q = q.trim();
    let Some(key) = shegong_domain::search::query_key(q) else { return Ok(vec![]) };
    if key.chars().any(|c| c.is_numeric()) || (key.len() == 1 && key.is_ascii()) {
        return Ok(vec![]);
    }
    let filter = WorkerFilter { q: Some(q.to_string()), ..Default::default() }.named(db, scope).await?;
    let (rows, _) = ranked(db, scope, &filter, today, q, 0, SUGGESTIONS).await?;
    let codes = rows.iter().map(|w| w.region_code.clone()).collect();
    let places = crate::region_names::places(db, scope, codes).await?;
    Ok(rows
        .into_iter()
        .map(|w| Choice {
            value: person_choice(&w.name, &w.id_number),
            label: places.get(&w.region_code).cloned().unwrap_or_default(),
            id: w.id,
        })
        .collect())
}

/// Whether a person is the one a picker's text names: `姓名（尾号1234）` by name and the end of the
/// ID number; otherwise the whole name, or the whole ID number.
pub fn is_picked(text: &str, name: &str, id_number: &str) -> bool {
    match picked_person(text) {
        (n, Some(tail)) => n == name && id_number.ends_with(&tail),
        (t, None) => t == name || t.eq_ignore_ascii_case(id_number),
    }
}
