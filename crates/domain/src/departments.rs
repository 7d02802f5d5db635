//! 职能部门: a county's departments (住建局, 综合行政执法局…) that a street may hand an event to
//! (交办), each with its remit — the event categories it handles. The rules are pure: the name, the
//! remit as given, and whether a category falls inside it.

use crate::FieldError;
use crate::text::line;

/// The longest department name.
pub const MAX_NAME: usize = 40;

/// The most categories a remit lists.
pub const MAX_REMIT: usize = 100;

/// A department's name, checked: present, one line, at most [`MAX_NAME`] characters, not a spreadsheet
/// formula.
pub fn name(s: &str) -> Result<String, FieldError> {
    let n = line("name", "部门名称", s, MAX_NAME)?
        .ok_or_else(|| FieldError::new("department_name_required", "name", "请填写部门名称"))?;
    // Spaces as one, and none between Chinese characters (a slip of the keyboard).
    let words: Vec<&str> = n.split_whitespace().collect();
    let mut n = String::new();
    for (i, w) in words.iter().enumerate() {
        let joins_cjk =
            i > 0 && !words[i - 1].ends_with(|c: char| c.is_ascii()) && !w.starts_with(|c: char| c.is_ascii());
        if i > 0 && !joins_cjk {
            n.push(' ');
        }
        n.push_str(w);
    }
    if n.starts_with(['=', '+', '-', '@']) {
        return Err(FieldError::new("department_name_invalid", "name", "部门名称不能以 = + - @ 开头"));
    }
    Ok(n)
}

/// What two names that mean the same department have in common: no spaces, full-width letters and
/// digits as half-width, letters in lower case (`ＴＸ Ｂｕｒｅａｕ` and `tx bureau` are one).
pub fn same_name_key(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// The remit as given (category keys), checked against the keys the policy knows: every key known,
/// none twice, at least one. Returns the keys sorted.
pub fn remit<'a>(given: impl IntoIterator<Item = &'a str>, known: &[&str]) -> Result<Vec<String>, FieldError> {
    let mut keys: Vec<String> = given.into_iter().map(str::trim).filter(|k| !k.is_empty()).map(String::from).collect();
    keys.sort();
    keys.dedup();
    if keys.is_empty() {
        return Err(remit_required());
    }
    if keys.len() > MAX_REMIT {
        return Err(FieldError::new("department_remit_long", "remit", format!("职责范围最多{MAX_REMIT}类")));
    }
    if let Some(k) = keys.iter().find(|k| !known.contains(&k.as_str())) {
        return Err(FieldError::new("department_remit_unknown", "remit", format!("没有这个事件分类：{k}")));
    }
    // A sub-category under a category also given says nothing more.
    let all = keys.clone();
    keys.retain(|k| !all.iter().any(|other| other != k && covers(std::slice::from_ref(other), k)));
    Ok(keys)
}

/// The refusal of a remit with no category.
pub fn remit_required() -> FieldError {
    FieldError::new("department_remit_required", "remit", "请至少勾选一类该部门负责的事件")
}

/// Whether an event of `category` falls inside the remit: the category itself, or one of its
/// parents (`facility` covers `facility.road`).
pub fn covers(remit: &[String], category: &str) -> bool {
    remit.iter().any(|k| category == k || category.strip_prefix(k.as_str()).is_some_and(|rest| rest.starts_with('.')))
}

/// The remit as stored (keys separated by commas) and back.
pub fn join(remit: &[String]) -> String {
    remit.join(",")
}

pub fn split(stored: &str) -> Vec<String> {
    stored.split(',').map(str::trim).filter(|k| !k.is_empty()).map(String::from).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const KNOWN: [&str; 4] = ["facility", "facility.road", "safety", "environment"];

    #[test]
    fn names_and_remits_are_checked() {
        assert_eq!(name(" 海宁市住房和城乡建设局 ").unwrap(), "海宁市住房和城乡建设局");
        assert_eq!(name("").unwrap_err().code, "department_name_required");
        assert_eq!(name("=HYPERLINK(1)").unwrap_err().code, "department_name_invalid");
        assert_eq!(name(&"局".repeat(41)).unwrap_err().code, "text_too_long");
        assert_eq!(name("海宁市住房和城乡 建设局").unwrap(), "海宁市住房和城乡建设局");
        assert_eq!(name(" TX   Bureau ").unwrap(), "TX Bureau");
        assert_eq!(name("局\u{2028}局").unwrap_err().code, "text_hidden_characters");
        assert_eq!(same_name_key("ＴＸ Ｂｕｒｅａｕ"), same_name_key("tx bureau"));
        assert_ne!(same_name_key("水利局"), same_name_key("水务局"));
        assert_eq!(remit(["safety", "facility", "safety"], &KNOWN).unwrap(), ["facility", "safety"]);
        assert_eq!(
            remit(["facility.road", "facility"], &KNOWN).unwrap(),
            ["facility"],
            "the category holds its sub-category"
        );
        assert_eq!(remit([" "], &KNOWN).unwrap_err().field, "remit");
        assert_eq!(remit(["nothing"], &KNOWN).unwrap_err().code, "department_remit_unknown");
    }

    #[test]
    fn a_remit_covers_a_category_and_its_children_only() {
        let r = vec!["facility".to_string()];
        assert!(covers(&r, "facility"));
        assert!(covers(&r, "facility.road"));
        assert!(!covers(&r, "facilityx"), "a key that only begins the same");
        assert!(!covers(&r, "safety"));
        assert_eq!(split(&join(&r)), r);
    }

    proptest! {
        #[test]
        fn covering_is_having_an_ancestor_in_the_remit(keys in proptest::collection::vec("[a-c]{1,2}", 0..4), cat in "[a-c]{1,2}(\\.[a-c]{1,2}){0,2}") {
            let ancestors: Vec<String> = (1..=cat.split('.').count())
                .map(|n| cat.split('.').take(n).collect::<Vec<_>>().join("."))
                .collect();
            prop_assert_eq!(covers(&keys, &cat), keys.iter().any(|k| ancestors.contains(k)));
            prop_assert_eq!(split(&join(&keys)), keys.clone());
        }
    }
}
