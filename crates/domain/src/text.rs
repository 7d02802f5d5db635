//! Free text as people type it: trimmed, of bounded length, and free of characters that hide or
//! reorder what a reader sees (control characters, zero-width characters, bidirectional overrides).
//! The same limits apply on every path a field is written by (form, API, import).

use crate::FieldError;

/// Characters that change what text looks like without being seen: zero-width spaces and joiners,
/// bidirectional embeddings, overrides and isolates, word joiners, the byte-order mark, soft hyphens.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}' | '\u{180E}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206F}'
        | '\u{3164}' | '\u{FEFF}' | '\u{FFA0}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{E0000}'..='\u{E007F}'
        | '\u{E0100}'..='\u{E01EF}')
        || matches!(c, '\u{E000}'..='\u{F8FF}' | '\u{F0000}'..='\u{10FFFF}')
}

/// Whether `s` holds a control character (line breaks and tabs allowed when `multiline`) or an
/// invisible one.
pub fn has_hidden(s: &str, multiline: bool) -> bool {
    s.chars().any(|c| {
        is_invisible(c)
            || (c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t')))
            // The line and paragraph separators break a line that should be one.
            || (!multiline && matches!(c, '\u{2028}' | '\u{2029}'))
    })
}

/// A one-line text field: `None` when empty; refused when longer than `max` characters or holding
/// hidden characters. `label` is the field's name as the form shows it.
pub fn line(field: &'static str, label: &str, s: &str, max: usize) -> Result<Option<String>, FieldError> {
    checked(field, label, s, max, false)
}

/// The same for a text of several lines (a reason, a note).
pub fn lines(field: &'static str, label: &str, s: &str, max: usize) -> Result<Option<String>, FieldError> {
    checked(field, label, s, max, true)
}

fn checked(
    field: &'static str,
    label: &str,
    s: &str,
    max: usize,
    multiline: bool,
) -> Result<Option<String>, FieldError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    if s.chars().count() > max {
        return Err(FieldError::new("text_too_long", field, format!("{label}不能超过{max}个字")));
    }
    if has_hidden(s, multiline) {
        return Err(FieldError::new(
            "text_hidden_characters",
            field,
            format!("{label}中含有不可见的控制字符，请重新输入"),
        ));
    }
    Ok(Some(s.to_string()))
}

/// At most `max` characters of `s`, with a marker saying how long it was when it is cut (for cells
/// and log lines that have a limit of their own).
pub fn clipped(s: &str, max: usize) -> std::borrow::Cow<'_, str> {
    let n = s.chars().count();
    if n <= max {
        return std::borrow::Cow::Borrowed(s);
    }
    let marker = format!("……（已截断，全文共{n}字）");
    let keep = max.saturating_sub(marker.chars().count());
    let mut out: String = s.chars().take(keep).collect();
    out.push_str(&marker);
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn refuses_hidden_and_long_text() {
        assert_eq!(line("school", "毕业学校", "  浙江大学 ", 100).unwrap().as_deref(), Some("浙江大学"));
        assert_eq!(line("school", "毕业学校", "   ", 100).unwrap(), None);
        assert_eq!(line("school", "毕业学校", &"学".repeat(101), 100).unwrap_err().code, "text_too_long");
        for bad in [
            "浙江\u{202E}大学",
            "浙\u{200B}江",
            "a\u{0007}b",
            "a\nb",
            "王\u{034F}明",
            "王\u{E0041}明",
            "王\u{3164}明",
            "王\u{115F}明",
        ] {
            assert_eq!(line("x", "x", bad, 100).unwrap_err().code, "text_hidden_characters", "{bad:?}");
        }
        assert!(lines("x", "x", "第一行\n第二行", 100).is_ok());
        assert!(lines("x", "x", "a\u{202E}b", 100).is_err());
    }

    proptest! {
        #[test]
        fn clipped_text_fits_and_keeps_its_start(s in "\\PC{0,300}", max in 40usize..200) {
            let c = clipped(&s, max);
            prop_assert!(c.chars().count() <= max);
            if s.chars().count() <= max {
                prop_assert_eq!(c.as_ref(), s.as_str());
            } else {
                let kept: String = c.chars().take_while(|ch| *ch != '…').collect();
                prop_assert!(s.starts_with(&kept));
                prop_assert!(c.contains("已截断"));
            }
        }
    }
}
