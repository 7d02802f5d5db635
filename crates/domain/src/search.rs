//! Finding a person as a clerk types: any fragment of the name (one character is enough), its 拼音 in
//! full or by initials (`zjm` → 张佳明, `jiaming` → 张佳明), or the last digits of the ID number. A name
//! is turned into search keys when it is written — every suffix of the name, of its 拼音 at each
//! syllable and of its initials — so that a fragment is a *prefix* of some key and is found on an
//! ordinary index, the same on SQLite and PostgreSQL (trigram indexes miss fragments of one or two
//! characters, and Chinese names are two to four).

use pinyin::ToPinyin;

/// Keys longer than this are cut; a query longer than this is matched on its first characters
/// and then checked against the name itself.
pub const KEY_CHARS: usize = 32;

/// Surnames whose reading as a surname differs from the character's common one (or that have
/// several); a compound surname's syllables are written apart.
const SURNAMES: &[(&str, &str)] = &[
    ("单", "shan"),
    ("解", "xie"),
    ("曾", "zeng"),
    ("仇", "qiu"),
    ("区", "ou"),
    ("查", "zha"),
    ("朴", "piao"),
    ("盖", "ge"),
    ("覃", "qin"),
    ("缪", "miao"),
    ("翟", "zhai"),
    ("乐", "yue"),
    ("召", "shao"),
    ("种", "chong"),
    ("繁", "po"),
    ("员", "yun"),
    ("尉迟", "yu chi"),
    ("万俟", "mo qi"),
    ("长孙", "zhang sun"),
    ("宿", "su"),
    ("冼", "xian"),
    ("秘", "bi"),
    ("那", "na"),
    ("隗", "wei"),
    ("句", "gou"),
    ("折", "she"),
    ("燕", "yan"),
    ("沈", "shen"),
    ("重", "chong"),
    ("石", "shi"),
    ("柏", "bai"),
    ("殷", "yin"),
    ("阚", "kan"),
    ("纪", "ji"),
    ("任", "ren"),
    ("华", "hua"),
    ("应", "ying"),
    ("谌", "chen"),
    ("眭", "sui"),
    ("逄", "pang"),
];

/// The name's syllables in 拼音 without tones, the surname read as a surname; a character with no
/// reading (a letter, a dot) stands for itself, lower-cased.
pub fn syllables(name: &str) -> Vec<String> {
    readings(name, true)
}

/// The syllables of a name, the first characters read as a surname when `person`.
fn readings(name: &str, person: bool) -> Vec<String> {
    let name = name.trim();
    let surname = SURNAMES.iter().filter(|(s, _)| person && name.starts_with(s)).max_by_key(|(s, _)| s.len());
    let (surname, rest): (Vec<String>, &str) = match surname {
        Some((s, reading)) => (split_reading(reading), &name[s.len()..]),
        None => (Vec::new(), name),
    };
    let mut out = surname;
    for (c, p) in rest.chars().zip(rest.to_pinyin()) {
        match p {
            Some(p) => out.push(p.plain().to_string()),
            None if c.is_alphanumeric() => out.push(c.to_lowercase().collect()),
            None => {}
        }
    }
    out
}

/// A surname's reading, one syllable a character (a compound surname's are written apart).
fn split_reading(reading: &str) -> Vec<String> {
    reading.split_whitespace().map(str::to_string).collect()
}

/// Every key a name is found by: its suffixes, the suffixes of its 拼音 at each syllable, and of its
/// initials; lower-case, each at most [`KEY_CHARS`] characters, without repeats.
pub fn name_keys(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().filter_map(normal).collect();
    let syl = syllables(name);
    let initials: Vec<String> = syl.iter().filter_map(|s| s.chars().next()).map(String::from).collect();
    let mut keys: Vec<String> = Vec::new();
    for i in 0..chars.len() {
        keys.push(chars[i..].iter().flat_map(|c| c.to_lowercase()).collect());
    }
    for i in 0..syl.len() {
        keys.push(syl[i..].concat());
        keys.push(initials[i..].concat());
    }
    as_keys(keys)
}

/// Keys as stored: none empty, each at most [`KEY_CHARS`] characters, sorted, without repeats.
fn as_keys(keys: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut keys: Vec<String> =
        keys.into_iter().filter(|k| !k.is_empty()).map(|k| k.chars().take(KEY_CHARS).collect()).collect();
    keys.sort();
    keys.dedup();
    keys
}

/// The keys that are the whole name: as written (lower-case), its whole 拼音 and its whole initials
/// (each also among [`name_keys`]). A query equal to one of them, or the beginning of one, ranks
/// first (see [`rank`]).
pub fn whole_keys(name: &str) -> Vec<String> {
    let chars: String = name.chars().filter_map(normal).flat_map(|c| c.to_lowercase()).collect();
    let syl = syllables(name);
    let initials: String = syl.iter().filter_map(|s| s.chars().next()).collect();
    as_keys([chars, syl.concat(), initials])
}

/// How well a name answers a query, best first: 0 the whole name, its whole 拼音 or initials
/// (`姚明`, `yaoming`, `ym` → 姚明); 1 the beginning of one of them (`yao` → 姚明鹏); 2 a fragment
/// inside (`ming` → 姚明). The list orders a search by it before its own order.
pub fn rank(name: &str, q: &str) -> u8 {
    Ranker::new(q).rank(name)
}

/// [`rank`] for many names against one query (the query read once).
pub struct Ranker {
    q: Option<String>,
}

impl Ranker {
    pub fn new(q: &str) -> Self {
        Self { q: query_key(q) }
    }

    pub fn rank(&self, name: &str) -> u8 {
        let Some(q) = &self.q else { return 2 };
        let whole = whole_keys(name);
        if whole.contains(q) {
            0
        } else if whole.iter().any(|k| k.starts_with(q.as_str())) {
            1
        } else {
            2
        }
    }
}

/// How well a place's name (海宁市, 海洲街道) answers a query typed into a region picker, as [`rank`]
/// ranks a person's, read as written (no surname readings): 0 the whole name, its whole 拼音 or
/// initials; 1 the beginning of one; 2 from any character or syllable on (`zj` → 海洲街道);
/// `None` when it does not answer.
pub fn place_rank(name: &str, q: &str) -> Option<u8> {
    let q = query_key(q)?;
    let chars: Vec<String> = name.chars().filter_map(normal).map(|c| c.to_lowercase().collect()).collect();
    let syl = readings(name, false);
    let initials: Vec<String> = syl.iter().filter_map(|s| s.chars().next()).map(String::from).collect();
    let whole = [chars.concat(), syl.concat(), initials.concat()];
    if whole.contains(&q) {
        return Some(0);
    }
    if whole.iter().any(|k| k.starts_with(&q)) {
        return Some(1);
    }
    let from = |parts: &[String]| (1..parts.len()).any(|i| parts[i..].concat().starts_with(&q));
    (from(&chars) || from(&syl) || from(&initials) || chars.concat().contains(&q)).then_some(2)
}

/// The text a person picker puts in its box, `姓名（尾号1234）`: the name, and the last four characters
/// of the ID number that tell people of one name apart. Anything else is the name or number as typed.
pub fn picked_person(text: &str) -> (&str, Option<String>) {
    let text = text.trim();
    if let Some(rest) = text.strip_suffix(['）', ')'])
        && let Some((name, tail)) = rest.split_once("（尾号").or_else(|| rest.split_once("(尾号"))
        && tail.trim().chars().count() == 4
        && tail.trim().chars().all(|c| c.is_ascii_digit() || c == 'X' || c == 'x')
    {
        return (name.trim(), Some(tail.trim().to_ascii_uppercase()));
    }
    (text, None)
}

/// How a person picker offers someone: `姓名（尾号1234）`, read back by [`picked_person`].
pub fn person_choice(name: &str, id_number: &str) -> String {
    let tail: String = id_number.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
    format!("{name}（尾号{tail}）")
}

/// The key an ID number's last digits are found by: the number reversed, so that its end is a prefix.
pub fn id_tail_key(id_number: &str) -> String {
    id_number.trim().to_ascii_uppercase().chars().rev().collect()
}

/// A character as keys and queries are written: full-width letters and digits (ＺＪＭ, typed with a
/// Chinese input method) as their ASCII selves, every middle dot of a transliterated name
/// (`.`, `•`, `・`, `．`) as `·`; `None` for the characters nobody sees (zero-width spaces and
/// joiners, a byte-order mark) and for spaces.
fn normal(c: char) -> Option<char> {
    match c {
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' => None,
        c if c.is_whitespace() => None,
        '.' | '\u{2022}' | '\u{30FB}' | '\u{FF0E}' | '\u{FF65}' | '\u{2027}' => Some('·'),
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0),
        c => Some(c),
    }
}

/// What a typed query is matched against: written as the keys are (see [`normal`]), lower-case,
/// cut to [`KEY_CHARS`]; `None` when nothing is left.
pub fn query_key(q: &str) -> Option<String> {
    let k: String = q.chars().filter_map(normal).flat_map(|c| c.to_lowercase()).take(KEY_CHARS).collect();
    (!k.is_empty()).then_some(k)
}

/// The end of the range of keys that start with `prefix` (`prefix <= key < end`).
pub fn prefix_end(prefix: &str) -> String {
    format!("{prefix}\u{10FFFF}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn finds(name: &str, q: &str) -> bool {
        let k = query_key(q).unwrap();
        name_keys(name).iter().any(|key| key.starts_with(&k))
    }

    #[test]
    fn fragments_pinyin_and_initials() {
        for q in ["张", "佳", "明", "张佳", "佳明", "张佳明", "zjm", "jm", "zhang", "zhangjiaming", "jiaming", "ZJM"]
        {
            assert!(finds("张佳明", q), "{q}");
        }
        for q in ["李", "张明", "zm", "jiamin g x"] {
            assert!(!finds("张佳明", q), "{q}");
        }
    }

    #[test]
    fn polyphonic_surnames_are_read_as_surnames() {
        assert!(finds("单雄信", "shanxiongxin"));
        assert!(finds("单雄信", "sxx"));
        assert!(!finds("单雄信", "dxx"));
        assert!(finds("解缙", "xiejin"));
        assert!(finds("曾国藩", "zgf"));
        assert!(finds("仇英", "qiuying"));
        assert!(finds("尉迟恭", "yuchigong"));
        assert!(finds("尉迟恭", "ycg"));
        // Not a surname in the middle of a name: the common reading.
        assert!(finds("王单", "wangdan"));
    }

    #[test]
    fn names_with_letters_and_dots() {
        assert!(finds("阿依古丽·买买提", "买买提"));
        assert!(finds("阿依古丽·买买提", "ayiguli"));
        assert!(finds("Anna李", "anna"));
    }

    #[test]
    fn typed_as_it_comes() {
        assert!(finds("张佳明", "ＺＪＭ"), "full-width letters");
        assert!(finds("张佳明", "z\u{200B}jm"), "a zero-width space");
        assert!(finds("张佳明", "\u{3000}张佳\u{3000}"), "ideographic spaces");
        assert!(finds("阿依古丽·买买提", "阿依古丽.买买提"), "an ASCII dot");
        assert!(finds("阿依古丽•买买提", "阿依古丽·买"), "a bullet in the name");
        assert_eq!(query_key("\u{200B}\u{FEFF} "), None);
        assert_eq!(rank("姚明", "ＹＡＯＭＩＮＧ"), 0);
    }

    #[test]
    fn the_whole_name_ranks_first() {
        assert_eq!(rank("姚明", "姚明"), 0);
        assert_eq!(rank("姚明", "yaoming"), 0);
        assert_eq!(rank("姚明", "YM"), 0);
        assert_eq!(rank("姚明鹏", "yaoming"), 1);
        assert_eq!(rank("姚明鹏", "ym"), 1);
        assert_eq!(rank("姚明鹏", "姚"), 1);
        assert_eq!(rank("何瑶", "yao"), 2);
        assert_eq!(rank("张燕梅", "ym"), 2);
        assert_eq!(rank("单雄信", "sxx"), 0, "the surname's reading");
        for name in ["张佳明", "单雄信", "阿依古丽·买买提"] {
            for k in whole_keys(name) {
                assert!(name_keys(name).contains(&k), "{name}: {k}");
            }
        }
    }

    #[test]
    fn id_tail() {
        let key = id_tail_key("33010219960716360x");
        assert!(key.starts_with(&id_tail_key("360X")));
        assert!(!key.starts_with(&id_tail_key("3601")));
    }

    proptest! {
        /// Every fragment of a name finds it.
        #[test]
        fn every_fragment_finds_the_name(name in "[张王李赵刘陈杨黄周吴][一-龥]{1,3}", a in 0usize..4, b in 1usize..5) {
            let chars: Vec<char> = name.chars().collect();
            let (a, b) = (a.min(chars.len() - 1), b.min(chars.len()));
            prop_assume!(a < b);
            let fragment: String = chars[a..b].iter().collect();
            prop_assert!(finds(&name, &fragment));
        }
    }

    #[test]
    fn places_are_found_by_pinyin_read_as_written() {
        assert_eq!(place_rank("海宁市", "hns"), Some(0));
        assert_eq!(place_rank("海宁市", "haining"), Some(1));
        assert_eq!(place_rank("海洲街道", "zj"), Some(2));
        assert_eq!(place_rank("海洲街道", "jiedao"), Some(2));
        assert_eq!(place_rank("海洲街道", "洲街"), Some(2));
        assert_eq!(place_rank("海洲街道", "hzjd"), Some(0));
        assert_eq!(place_rank("海洲街道", "xyz"), None);
        // 解放街道 is 解 jiě: the surname reading xiè belongs to people.
        assert_eq!(place_rank("解放街道", "jfjd"), Some(0));
        assert_eq!(place_rank("解放街道", "xfjd"), None);
        assert_eq!(rank("解放", "xf"), 0);
    }

    #[test]
    fn a_picked_person_reads_back() {
        let choice = person_choice("张佳明", "33048119900101123X");
        assert_eq!(choice, "张佳明（尾号123X）");
        assert_eq!(picked_person(&choice), ("张佳明", Some("123X".to_string())));
        assert_eq!(picked_person("张佳明(尾号123x)"), ("张佳明", Some("123X".to_string())));
        assert_eq!(picked_person(" 张佳明 "), ("张佳明", None));
        assert_eq!(picked_person("张佳明（尾号12）"), ("张佳明（尾号12）", None));
        assert_eq!(picked_person("330481199001011234"), ("330481199001011234", None));
    }
}
