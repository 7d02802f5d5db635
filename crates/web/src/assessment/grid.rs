//! Entering a round's scores in bulk: the whole grid saved at once (保存全部), or an Excel file of
//! scores. Every bad value is named by person and column, and nothing is saved until all are good.
use super::round::{FIELDS, Typed, round_view};
use crate::auth::Ctx;
use crate::error::AppError;
use crate::imports::api::read_upload;
use crate::page::{PageResult, SubForm, render_status};
use crate::sections::{Msg, back, store};
use axum::extract::{Multipart, Path};
use axum::http::StatusCode;
use shegong_domain::{FieldError, Permission};
use shegong_store::imports::Cell;
use shegong_store::rounds::{self, EntryView, ScoreInput};
use std::collections::HashMap;
use uuid::Uuid;

/// At most this many characters of what was typed are quoted back in a message.
fn quoted(v: &str) -> String {
    let mut q: String = v.chars().take(20).collect();
    if v.chars().count() > 20 {
        q.push('…');
    }
    q
}

/// A score as typed: empty (no score yet), or a whole number from 0 to 100 written as digits
/// ("85", or "85.0" as Excel writes it); "1e2", "+85", "85.5" are refused.
fn parse_score(raw: &str) -> Result<Option<i32>, String> {
    let v = raw.trim();
    if v.is_empty() {
        return Ok(None);
    }
    let (int, frac) = v.split_once('.').unwrap_or((v, ""));
    let digits = !int.is_empty() && int.len() <= 3 && int.bytes().all(|b| b.is_ascii_digit());
    let whole = !v.contains('.') || (!frac.is_empty() && frac.bytes().all(|b| b == b'0'));
    match int.parse::<i32>() {
        Ok(n) if digits && whole && (0..=100).contains(&n) => Ok(Some(n)),
        _ => Err(format!("应为0至100之间的整数，“{}”不是", quoted(v))),
    }
}

/// Scores for the entries, from `value(worker, field)`; only entries whose scores change are
/// returned. `shown(worker, field)` is the value the page showed when it was opened: a cell left as
/// shown is not written (so a stale page does not undo another clerk's save), and a cell changed here
/// that someone else changed meanwhile is refused. Errors name the row on the page, the person and
/// the column.
fn scores_from(
    entries: &[EntryView],
    value: impl Fn(&EntryView, &str) -> Option<String>,
    shown: impl Fn(&EntryView, &str) -> Option<String>,
    typed: &mut Typed,
) -> Vec<ScoreInput> {
    let mut out = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let x = &e.entry;
        let mut item = ScoreInput {
            worker_id: x.worker_id,
            organisation: x.organisation_score,
            residents: x.residents_score,
            routine: x.routine_score,
            note: x.note.clone(),
        };
        let mut touched = false;
        for (key, label) in FIELDS {
            let Some(raw) = value(e, key) else { continue };
            let input = format!("{}.{key}", x.worker_id);
            typed.values.insert(input.clone(), raw.clone());
            let opened = shown(e, key);
            if let Some(o) = &opened {
                typed.shown.insert(input.clone(), o.clone());
                if o.trim() == raw.trim() {
                    continue;
                }
            }
            let slot = match key {
                "organisation" => &mut item.organisation,
                "residents" => &mut item.residents,
                _ => &mut item.routine,
            };
            let now = slot.map(|n| n.to_string()).unwrap_or_default();
            match (parse_score(&raw), opened) {
                (Ok(_), Some(o)) if o.trim() != now => typed.errors.push((
                    input,
                    format!(
                        "第{}行{}的{label}已被他人改为“{now}”（您打开页面时为“{}”），请核对后再改",
                        i + 1,
                        e.name,
                        o.trim()
                    ),
                )),
                (Ok(v), _) => {
                    touched |= *slot != v;
                    *slot = v;
                }
                (Err(why), _) => typed.errors.push((input, format!("第{}行{}的{label}{why}", i + 1, e.name))),
            }
        }
        if touched {
            out.push(item);
        }
    }
    out
}

/// `POST /assessments/{id}/scores`: the whole grid. On any bad value the page comes back as typed,
/// the bad cells marked, and nothing is saved.
pub(crate) async fn save_all(
    Ctx { st, caller }: Ctx,
    Path(id): Path<Uuid>,
    axum::Form(f): axum::Form<SubForm>,
) -> PageResult {
    caller.check_csrf(&f._csrf)?;
    caller.access.require(Permission::ScoreAssessment)?;
    let v = rounds::get(&st.db, &caller.scope, id).await?;
    let mut typed = Typed::default();
    let items = scores_from(
        &v.entries,
        |e, key| f.rest.get(&format!("{}.{key}", e.entry.worker_id)).cloned(),
        |e, key| f.rest.get(&format!("o.{}.{key}", e.entry.worker_id)).cloned(),
        &mut typed,
    );
    let to = format!("/assessments/{id}");
    if !typed.errors.is_empty() {
        let p = round_view(&st, &caller, id, &Msg::default(), Some(&typed)).await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, p);
    }
    if items.is_empty() {
        return Ok(back(&caller, &to, Ok("分数没有变化".into())));
    }
    // The scores this check was made against: the write refuses if they changed since.
    let shown: HashMap<Uuid, rounds::Shown> = v
        .entries
        .iter()
        .filter(|e| items.iter().any(|i| i.worker_id == e.entry.worker_id))
        .map(|e| {
            let x = &e.entry;
            (x.worker_id, [x.organisation_score, x.residents_score, x.routine_score])
        })
        .collect();
    let r = store(rounds::save_scores_over(&st.db, &caller.access, id, &items, &shown).await);
    Ok(back(&caller, &to, r.map(|n| format!("已保存{n}人的评分"))))
}

/// The column of each heading in a scores file (姓名, 社区, and the three scores).
fn columns(header: &[Cell]) -> HashMap<&'static str, usize> {
    let mut at = HashMap::new();
    for (i, c) in header.iter().enumerate() {
        let Cell::Text(h) = c else { continue };
        let h = h.trim();
        for key in ["姓名", "社区"].into_iter().chain(FIELDS.map(|(_, l)| l)) {
            if h == key {
                at.entry(key).or_insert(i);
            }
        }
    }
    at
}

fn text(c: Option<&Cell>) -> String {
    match c {
        Some(Cell::Text(s)) => s.trim().to_string(),
        Some(Cell::Number(f)) if f.fract() == 0.0 => format!("{f:.0}"),
        Some(Cell::Number(f)) => f.to_string(),
        Some(Cell::Date(d)) => d.to_string(),
        _ => String::new(),
    }
}

/// The scores in a file, matched to the round's people by name (and community when two share a
/// name). Errors name the file's row and the person.
fn scores_in_file(
    rows: &[(usize, Vec<Cell>)],
    entries: &[EntryView],
    community_of: impl Fn(&EntryView) -> String,
) -> Result<Vec<ScoreInput>, Vec<String>> {
    let Some(h) = rows.iter().position(|(_, cells)| columns(cells).contains_key("姓名")) else {
        return Err(vec!["未找到表头：应有一行包含“姓名”和“组织评价”“群众评议”“平时考核”".into()]);
    };
    let at = columns(&rows[h].1);
    if !FIELDS.iter().any(|(_, l)| at.contains_key(l)) {
        return Err(vec!["表头中没有“组织评价”“群众评议”“平时考核”任何一列".into()]);
    }
    let mut errors = Vec::new();
    let mut found: HashMap<Uuid, (usize, HashMap<&str, String>)> = HashMap::new();
    for (n, cells) in &rows[h + 1..] {
        let full_name = text(cells.get(at["姓名"]));
        if full_name.is_empty() {
            continue;
        }
        // Quoted back at most 20 characters long, so that messages stay short.
        let name = quoted(&full_name);
        let community = at.get("社区").map(|c| text(cells.get(*c))).unwrap_or_default();
        let matches: Vec<&EntryView> = entries
            .iter()
            .filter(|e| e.name == full_name && (community.is_empty() || community_of(e) == community))
            .collect();
        let e = match matches.as_slice() {
            [e] => *e,
            [] => {
                errors.push(format!(
                    "第{n}行{name}{}不在本次考核名单中",
                    if community.is_empty() { String::new() } else { format!("（{}）", quoted(&community)) }
                ));
                continue;
            }
            _ => {
                errors.push(format!("第{n}行{name}：名单中有{}人同名，请填写“社区”列以区分", matches.len()));
                continue;
            }
        };
        // An empty cell (or a formula Excel saved no value for) leaves the score as it is.
        let mut values = HashMap::new();
        for (key, label) in FIELDS {
            if let Some(c) = at.get(label) {
                let v = text(cells.get(*c));
                if !v.is_empty() {
                    values.insert(key, v);
                }
            }
        }
        if let Some((first, _)) = found.insert(e.entry.worker_id, (*n, values)) {
            errors.push(format!("第{n}行{name}与第{first}行重复"));
        }
    }
    let mut typed = Typed::default();
    let items = scores_from(
        entries,
        |e, key| found.get(&e.entry.worker_id).and_then(|(_, v)| v.get(key).cloned()),
        |_, _| None,
        &mut typed,
    );
    // Bad values are named by the file's row, not the page's.
    for (input, msg) in typed.errors {
        let worker = input.split('.').next().unwrap_or_default();
        let row = found.iter().find(|(w, _)| w.to_string() == worker).map_or(0, |(_, (n, _))| *n);
        let msg = msg.split_once('行').map_or(msg.clone(), |(_, rest)| rest.to_string());
        errors.push(format!("第{row}行{msg}"));
    }
    if errors.is_empty() { Ok(items) } else { Err(errors) }
}

/// `POST /assessments/{id}/scores/import` (multipart: file): the scores from an Excel or CSV file,
/// all or nothing.
pub(crate) async fn import_scores(Ctx { st, caller }: Ctx, Path(id): Path<Uuid>, m: Multipart) -> PageResult {
    let to = format!("/assessments/{id}");
    let up = match read_upload(m).await {
        Ok(u) => u,
        Err(e) => return Ok(back(&caller, &to, Err(e))),
    };
    caller.check_csrf(up.csrf())?;
    caller.access.require(Permission::ScoreAssessment)?;
    let v = rounds::get(&st.db, &caller.scope, id).await?;
    let rows = match shegong_store::imports::read_rows(&up.filename, &up.bytes) {
        Ok(r) => r,
        Err(e) => return Ok(back(&caller, &to, Err(AppError::from(e)))),
    };
    let names = shegong_store::regions::community_names_in(&st.db, &caller.scope, &v.round.region_code).await?;
    let items = match scores_in_file(&rows, &v.entries, |e| {
        names.get(&e.entry.region_code).cloned().unwrap_or_default()
    }) {
        Ok(items) => items,
        Err(errors) => {
            let n = errors.len();
            let shown: Vec<String> = errors.into_iter().take(20).collect();
            let msg = format!("文件中有{n}处问题，均未导入：{}", shown.join("；"));
            return Ok(back(&caller, &to, Err(AppError::Invalid(vec![FieldError::new("score_file", "file", msg)]))));
        }
    };
    if items.is_empty() {
        return Ok(back(&caller, &to, Ok("文件中的分数与已保存的相同，没有变化".into())));
    }
    let r = store(rounds::save_scores(&st.db, &caller.access, id, &items).await);
    Ok(back(&caller, &to, r.map(|n| format!("已从“{}”导入{n}人的评分", up.filename))))
}

#[cfg(test)]
mod tests {
    use super::parse_score;

    #[test]
    fn scores_are_whole_numbers_from_0_to_100() {
        assert_eq!(parse_score(" 85 "), Ok(Some(85)));
        assert_eq!(parse_score("100.0"), Ok(Some(100)));
        assert_eq!(parse_score(""), Ok(None));
        assert_eq!(parse_score("0"), Ok(Some(0)));
        for bad in [
            "101",
            "-1",
            "85.5",
            "八十",
            "1e3",
            "NaN",
            "inf",
            "1e2",
            "+85",
            ".5e2",
            "85.",
            "99.99999999999999999",
            "100.0000000000000001",
            "1e-400",
            "0x10",
            "８５",
            "1000",
        ] {
            assert!(parse_score(bad).is_err(), "{bad}");
        }
    }
}
