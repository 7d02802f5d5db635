//! Households (户) of a grid: what a household's row holds, checked whole, and how it is shown to
//! those who may not see residents' personal data (张*, 139****1234).

use crate::FieldError;
use crate::event_access::{mask_name, mask_phone, phone_digits};
use crate::visits::ServicePolicy;

/// A household as typed, before it is checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HouseholdDraft {
    pub building: String,
    pub unit: String,
    pub room: String,
    pub head_name: String,
    pub phone: String,
    pub members: String,
    /// Tags as typed: separated by `、`, `,`, `，`, `;` or spaces.
    pub tags: String,
}

/// A household checked: trimmed, the members a number, the tags the policy's, in its order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseholdFacts {
    pub building: String,
    pub unit: String,
    pub room: String,
    pub head_name: String,
    pub phone: Option<String>,
    pub members: i32,
    pub tags: Vec<String>,
}

impl HouseholdFacts {
    /// `3幢2单元501室` (what is given of it).
    pub fn address(&self) -> String {
        address(&self.building, &self.unit, &self.room)
    }

    /// The tags as stored: `、`-joined.
    pub fn tags_text(&self) -> String {
        self.tags.join("、")
    }
}

/// `3幢2单元501室`: a part that already ends with its word keeps it.
pub fn address(building: &str, unit: &str, room: &str) -> String {
    let part = |v: &str, word: &str, alt: &[&str]| {
        if v.is_empty() || v.ends_with(word) || alt.iter().any(|a| v.ends_with(a)) {
            v.to_string()
        } else {
            format!("{v}{word}")
        }
    };
    format!(
        "{}{}{}",
        part(building, "幢", &["栋", "号楼", "楼", "组", "号"]),
        part(unit, "单元", &[]),
        part(room, "室", &["号"])
    )
}

/// Splits typed tags.
pub fn split_tags(s: &str) -> Vec<String> {
    s.split(['、', ',', '，', ';', '；', ' ', '/'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// A part of an address without the word it ends with, so that `5幢`, `5栋` and `5` are one
/// building, `2单元` and `2` one unit, `301室` and `301` one room.
fn bare(v: &str, words: &[&str]) -> String {
    let t = words.iter().find_map(|w| v.strip_suffix(w).filter(|r| !r.is_empty())).unwrap_or(v).trim();
    // 二 is 2, 十二 is 12; 080 is 80.
    let digits = |c: char| "〇一二三四五六七八九".chars().position(|x| x == c);
    let t: String = match t.chars().collect::<Vec<_>>().as_slice() {
        [c] if digits(*c).is_some() => digits(*c).unwrap_or(0).to_string(),
        ['十'] => "10".into(),
        ['十', c] if digits(*c).is_some() => (10 + digits(*c).unwrap_or(0)).to_string(),
        _ => t.to_string(),
    };
    if t.len() > 1 && t.chars().all(|c| c.is_ascii_digit()) {
        let z = t.trim_start_matches('0');
        return if z.is_empty() { "0".into() } else { z.to_string() };
    }
    t
}

/// Text as typed, made comparable: full-width letters and digits as ASCII (７８ is 78; Chinese
/// punctuation stays as it is), and the
/// invisible characters that make two equal-looking strings differ (zero-width spaces, bidi
/// controls) removed.
pub fn clean(v: &str) -> String {
    v.chars()
        .filter(
            |c| !matches!(*c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}'),
        )
        .map(|c| match c {
            '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            '\u{3000}' => ' ',
            c => c,
        })
        .collect()
}

/// Text fit for a public page: the resident's name masked wherever it appears (also spaced out, and
/// the given name alone), and every run of five or more digits — ASCII, full-width or Chinese
/// numerals, with spaces, dots or dashes between them (a phone, an ID number) — starred.
pub fn public_text(text: &str, name: &str) -> String {
    let chars: Vec<char> = clean(text).chars().collect();
    let name: Vec<char> = clean(name).chars().filter(|c| !c.is_whitespace()).collect();
    let mut hide = vec![false; chars.len()];
    let gap = |c: char| c.is_whitespace() || matches!(c, '-' | '.' | '·' | '_');
    // The name, or the given name (two or more characters), its characters apart only by spaces.
    let mut patterns: Vec<&[char]> = Vec::new();
    if name.len() >= 2 {
        patterns.push(&name);
    }
    if name.len() >= 3 {
        patterns.push(&name[1..]);
    }
    for p in patterns {
        for start in 0..chars.len() {
            let (mut i, mut k, mut hit) = (start, 0, Vec::new());
            while i < chars.len() && k < p.len() {
                if chars[i] == p[k] {
                    hit.push(i);
                    k += 1;
                } else if !(k > 0 && chars[i].is_whitespace()) {
                    break;
                }
                i += 1;
            }
            if k == p.len() {
                // The surname stays when the whole name matched: 张**.
                for (n, at) in hit.into_iter().enumerate() {
                    hide[at] |= !(n == 0 && p.len() == name.len());
                }
            }
        }
    }
    let digit = |c: char| c.is_ascii_digit() || "〇一二三四五六七八九零".contains(c) || (c == 'x' || c == 'X');
    let mut i = 0;
    while i < chars.len() {
        if digit(chars[i]) && chars[i] != 'x' && chars[i] != 'X' {
            let (mut j, mut count, mut last) = (i, 0, i);
            while j < chars.len() && (digit(chars[j]) || (gap(chars[j]) && count > 0)) {
                if digit(chars[j]) {
                    count += 1;
                    last = j;
                }
                j += 1;
            }
            if count >= 5 {
                for (k, h) in hide.iter_mut().enumerate().take(last + 1).skip(i) {
                    *h |= digit(chars[k]);
                }
            }
            i = last + 1;
        } else {
            i += 1;
        }
    }
    chars.iter().zip(hide).map(|(c, h)| if h { '*' } else { *c }).collect()
}

fn text(v: &str, field: &'static str, label: &str, max: usize, errors: &mut Vec<FieldError>) -> String {
    let v = clean(v);
    let t = v.trim();
    if t.chars().count() > max || t.chars().any(char::is_control) {
        errors.push(FieldError::new("household_field", field, format!("{label}最多{max}字，且不能含控制字符")));
    }
    t.to_string()
}

/// Checks a household; every error names its field.
pub fn check(d: &HouseholdDraft, policy: &ServicePolicy) -> Result<HouseholdFacts, Vec<FieldError>> {
    let mut errors = Vec::new();
    let building = bare(&text(&d.building, "building", "楼栋", 20, &mut errors), &["号楼", "幢", "栋", "座", "号"]);
    let unit = bare(&text(&d.unit, "unit", "单元", 10, &mut errors), &["单元"]);
    let room = bare(&text(&d.room, "room", "门牌（室）", 20, &mut errors), &["室", "号", "房"]);
    if building.is_empty() && room.is_empty() {
        errors.push(FieldError::new("household_address", "room", "请填写楼栋或门牌，户以地址区分"));
    }
    let head_name = text(&d.head_name, "head_name", "户主姓名", 40, &mut errors);
    if head_name.is_empty() {
        errors.push(FieldError::new("household_head", "head_name", "请填写户主姓名"));
    } else if head_name.contains('*') {
        // An exported register is masked: read back, it would overwrite the names.
        errors.push(FieldError::new(
            "household_head",
            "head_name",
            "户主姓名不能含“*”：导出的名册已脱敏，请填写完整姓名",
        ));
    }
    let phone = d.phone.trim();
    let phone = if phone.is_empty() {
        None
    } else {
        let digits = phone_digits(phone);
        if !(7..=12).contains(&digits.len())
            || !phone.chars().all(|c| c.is_ascii_digit() || matches!(c, '-' | ' ' | '+'))
        {
            errors.push(FieldError::new("household_phone", "phone", "联系电话应为7至12位数字"));
        }
        Some(digits)
    };
    let members = match d.members.trim() {
        "" => 1,
        m => match m.trim_end_matches('人').parse::<i32>() {
            Ok(n) if (1..=30).contains(&n) => n,
            _ => {
                errors.push(FieldError::new("household_members", "members", "家庭人口应为1至30的整数"));
                1
            }
        },
    };
    let typed = split_tags(&d.tags);
    let unknown: Vec<&str> = typed.iter().filter(|t| !policy.is_tag(t)).map(String::as_str).collect();
    if !unknown.is_empty() {
        let known: Vec<&str> = policy.care.iter().map(|c| c.tag.as_str()).collect();
        errors.push(FieldError::new(
            "household_tag",
            "tags",
            format!("关爱标签“{}”不在本地政策的标签中（{}）", unknown.join("、"), known.join("、")),
        ));
    }
    // The policy's order, each once.
    let tags = policy.care.iter().filter(|c| typed.contains(&c.tag)).map(|c| c.tag.clone()).collect();
    if errors.is_empty() {
        Ok(HouseholdFacts { building, unit, room, head_name, phone, members, tags })
    } else {
        Err(errors)
    }
}

/// A household as the list and the export show it to everyone: the head's name and phone masked.
pub fn masked_name(name: &str) -> String {
    mask_name(name)
}

pub fn masked_phone(phone: Option<&str>) -> Option<String> {
    phone.map(mask_phone)
}

/// What changed between two versions of a household, field by field ("联系电话", before, after).
pub fn changes(old: &HouseholdFacts, new: &HouseholdFacts) -> Vec<(&'static str, String, String)> {
    let mut out = Vec::new();
    let mut push = |label: &'static str, a: String, b: String| {
        if a != b {
            out.push((label, a, b));
        }
    };
    push("地址", old.address(), new.address());
    push("户主", old.head_name.clone(), new.head_name.clone());
    push("联系电话", old.phone.clone().unwrap_or_default(), new.phone.clone().unwrap_or_default());
    push("家庭人口", old.members.to_string(), new.members.to_string());
    push("关爱标签", old.tags_text(), new.tags_text());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> HouseholdDraft {
        HouseholdDraft {
            building: "3".into(),
            unit: "2".into(),
            room: "501".into(),
            head_name: "张佳明".into(),
            phone: "139 1234 5678".into(),
            members: "3".into(),
            tags: "独居老人，低保".into(),
        }
    }

    #[test]
    fn a_household_is_checked_and_its_tags_put_in_the_policy_order() {
        let f = check(&draft(), &ServicePolicy::default()).unwrap();
        assert_eq!(f.address(), "3幢2单元501室");
        assert_eq!(f.phone.as_deref(), Some("13912345678"));
        assert_eq!(f.tags, vec!["独居老人", "低保"]);
        assert_eq!(masked_name(&f.head_name), "张**");
        assert_eq!(masked_phone(f.phone.as_deref()).as_deref(), Some("139****5678"));
        assert_eq!(address("5号楼", "", "102"), "5号楼102室");
        // The words typed or not, one address.
        let again = check(
            &HouseholdDraft { building: "3幢".into(), unit: "2单元".into(), room: "501室".into(), ..draft() },
            &ServicePolicy::default(),
        )
        .unwrap();
        assert_eq!((again.building.as_str(), again.unit.as_str(), again.room.as_str()), ("3", "2", "501"));
        assert_eq!(again.address(), f.address());
        for (b, u, r) in [("03", "02", "0501"), ("3栋", "二单元", "501房"), ("3号", "2", "501号")] {
            let x = check(
                &HouseholdDraft { building: b.into(), unit: u.into(), room: r.into(), ..draft() },
                &ServicePolicy::default(),
            )
            .unwrap();
            assert_eq!((x.building.as_str(), x.unit.as_str(), x.room.as_str()), ("3", "2", "501"), "{b} {u} {r}");
        }
    }

    #[test]
    fn look_alike_addresses_are_one() {
        let p = ServicePolicy::default();
        let a = check(&HouseholdDraft { building: "７８".into(), room: "1\u{200b}01".into(), ..draft() }, &p).unwrap();
        assert_eq!((a.building.as_str(), a.room.as_str()), ("78", "101"));
        let b = check(&HouseholdDraft { head_name: "王\u{202e}秀英".into(), ..draft() }, &p).unwrap();
        assert_eq!(b.head_name, "王秀英");
    }

    #[test]
    fn a_public_text_names_no_one() {
        let t = public_text("帮张桂英修收音机，电话13955556666，身份证33048119450101123X，住501室", "张桂英");
        assert_eq!(t, "帮张**修收音机，电话***********，身份证******************，住501室");
        assert_eq!(public_text("想要一副老花镜", "李四"), "想要一副老花镜");
        for (typed, shown) in [
            ("电话 138-1234-5678", "电话 ***-****-****"),
            ("电话138 1234 5678", "电话*** **** ****"),
            ("修电视 1 3 8 1 2", "修电视 * * * * *"),
            ("张 三 丰要轮椅", "张 * *要轮椅"),
            ("三丰爷爷要轮椅", "**爷爷要轮椅"),
            ("一三八一二三四五六七八", "***********"),
            ("要三台收音机", "要三台收音机"),
        ] {
            assert_eq!(public_text(typed, "张三丰"), shown, "{typed}");
        }
    }

    #[test]
    fn every_bad_field_is_named() {
        let d = HouseholdDraft {
            head_name: " ".into(),
            phone: "12ab".into(),
            members: "0".into(),
            tags: "贫困户".into(),
            ..Default::default()
        };
        let fields: Vec<&str> = check(&d, &ServicePolicy::default()).unwrap_err().iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["room", "head_name", "phone", "members", "tags"]);
    }

    #[test]
    fn changes_name_each_field() {
        let p = ServicePolicy::default();
        let a = check(&draft(), &p).unwrap();
        let b = check(&HouseholdDraft { phone: "13800001111".into(), tags: "低保".into(), ..draft() }, &p).unwrap();
        let c = changes(&a, &b);
        assert_eq!(c.iter().map(|x| x.0).collect::<Vec<_>>(), vec!["联系电话", "关爱标签"]);
        assert!(changes(&a, &a).is_empty());
    }

    #[test]
    fn a_masked_export_read_back_is_refused() {
        let d = HouseholdDraft { head_name: "张**".into(), phone: "139****5678".into(), ..draft() };
        let fields: Vec<&str> = check(&d, &ServicePolicy::default()).unwrap_err().iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["head_name", "phone"]);
    }
}
