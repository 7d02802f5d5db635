//! National code lists, embedded from the standards' tables in `data/`.

use crate::error::FieldError;
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// One national code list: code → name, in the standard's order.
pub struct CodeList {
    pub field: &'static str,
    pub title: &'static str,
    entries: Vec<(String, String)>,
    by_code: BTreeMap<String, usize>,
    /// Words offices write instead of the standard name (本科 for 大学本科毕业).
    aliases: BTreeMap<&'static str, &'static str>,
}

impl CodeList {
    fn load(field: &'static str, title: &'static str, csv: &str) -> Self {
        let entries: Vec<(String, String)> = csv
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let mut parts = l.split(',');
                let code = parts.next().unwrap_or_default().trim().to_string();
                let name = parts.next().unwrap_or_default().trim().to_string();
                (code, name)
            })
            .collect();
        let by_code = entries.iter().enumerate().map(|(i, (c, _))| (c.clone(), i)).collect();
        Self { field, title, entries, by_code, aliases: BTreeMap::new() }
    }

    pub fn name(&self, code: &str) -> Option<&str> {
        self.by_code.get(code).map(|&i| self.entries[i].1.as_str())
    }

    pub fn entries(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().map(|(c, n)| (c.as_str(), n.as_str()))
    }

    /// Checks a code against the list; accepts a name in place of the code, too (as offices type).
    pub fn parse(&self, input: &str) -> Result<String, FieldError> {
        let s = input.trim();
        if self.by_code.contains_key(s) {
            return Ok(s.to_string());
        }
        if let Some((c, _)) = self.entries.iter().find(|(_, n)| n == s) {
            return Ok(c.clone());
        }
        if let Some(c) = self.aliases.get(s) {
            return Ok((*c).to_string());
        }
        Err(FieldError::new("code_unknown", self.field, format!("{}代码“{}”不在国家标准代码表中", self.title, s)))
    }
}

pub static EDUCATION: LazyLock<CodeList> = LazyLock::new(|| {
    let mut l = CodeList::load("education_code", "学历", include_str!("../data/education-gbt4658.csv"));
    // Implementations disagree on the 肄业 codes for 初中 and 小学 (73/83 here, 72/82 elsewhere):
    // 72 and 82 are read as the same entries, and lists show each once.
    for (alias, code) in [("72", "73"), ("82", "83")] {
        if let Some(&i) = l.by_code.get(code) {
            l.by_code.insert(alias.to_string(), i);
        }
    }
    // As rosters and offices write them: the level finished (毕业), or the level itself for 研究生.
    l.aliases = BTreeMap::from([
        ("博士", "11"),
        ("博士研究生", "11"),
        ("硕士", "14"),
        ("硕士研究生", "14"),
        ("研究生", "10"),
        ("本科", "21"),
        ("大学本科", "21"),
        ("大专", "31"),
        ("专科", "31"),
        ("大学专科", "31"),
        ("中专", "41"),
        ("职高", "44"),
        ("技校", "47"),
        ("高中", "61"),
        ("初中", "71"),
        ("小学", "81"),
    ]);
    l
});
pub static ETHNICITY: LazyLock<CodeList> =
    LazyLock::new(|| CodeList::load("ethnicity", "民族", include_str!("../data/ethnicity-gbt3304.csv")));
pub static POLITICAL_STATUS: LazyLock<CodeList> = LazyLock::new(|| {
    CodeList::load("political_status", "政治面貌", include_str!("../data/political-status-gbt4762.csv"))
});
pub static URBAN_RURAL: LazyLock<CodeList> =
    LazyLock::new(|| CodeList::load("urban_rural_class", "城乡分类", include_str!("../data/urban-rural-class.csv")));

/// The four brackets the seeds report education in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EducationBracket {
    Postgraduate,
    Bachelor,
    College,
    HighSchoolOrBelow,
}

impl EducationBracket {
    pub fn label(self) -> &'static str {
        match self {
            Self::Postgraduate => "研究生",
            Self::Bachelor => "本科",
            Self::College => "大专",
            Self::HighSchoolOrBelow => "高中及以下",
        }
    }
}

/// Graduate codes (毕业) at college level or above, plus the level headings themselves.
const COLLEGE_GRADUATE: [&str; 9] = ["10", "11", "14", "17", "20", "21", "28", "30", "31"];

/// "大专以上": a 1x, 2x or 3x graduate code.
pub fn is_college_or_above(code: &str) -> bool {
    COLLEGE_GRADUATE.contains(&code)
}

pub fn education_bracket(code: &str) -> EducationBracket {
    if !is_college_or_above(code) {
        return EducationBracket::HighSchoolOrBelow;
    }
    match code.as_bytes()[0] {
        b'1' => EducationBracket::Postgraduate,
        b'2' => EducationBracket::Bachelor,
        _ => EducationBracket::College,
    }
}

/// Rank for "highest education": a lower rank is higher. Graduates outrank 结业/肄业 of the same level.
pub fn education_rank(code: &str) -> (u8, u8) {
    let level = code.as_bytes().first().map_or(9, |b| b.saturating_sub(b'0'));
    let graduated =
        if is_college_or_above(code) || EDUCATION.name(code).is_some_and(|n| n.ends_with("毕业")) { 0 } else { 1 };
    (graduated, level)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_load() {
        assert_eq!(EDUCATION.name("21"), Some("大学本科毕业"));
        assert_eq!(EDUCATION.name("72"), Some("初中肄业"));
        assert_eq!(ETHNICITY.name("01"), Some("汉族"));
        assert_eq!(ETHNICITY.entries().count(), 56);
        assert_eq!(POLITICAL_STATUS.name("13"), Some("群众"));
        assert_eq!(URBAN_RURAL.name("111"), Some("主城区"));
    }

    #[test]
    fn parse_accepts_names_and_rejects_strangers() {
        assert_eq!(ETHNICITY.parse("汉族").unwrap(), "01");
        assert_eq!(EDUCATION.parse("31").unwrap(), "31");
        // As offices write them.
        assert_eq!(EDUCATION.parse("本科").unwrap(), "21");
        assert_eq!(EDUCATION.parse("大专").unwrap(), "31");
        assert_eq!(EDUCATION.parse("硕士").unwrap(), "14");
        assert_eq!(EDUCATION.parse("研究生").unwrap(), "10");
        assert_eq!(education_bracket("10"), EducationBracket::Postgraduate);
        let e = EDUCATION.parse("99").unwrap_err();
        assert_eq!(e.field, "education_code");
        assert!(e.message.contains("学历"));
    }

    #[test]
    fn brackets() {
        assert_eq!(education_bracket("14"), EducationBracket::Postgraduate);
        assert_eq!(education_bracket("21"), EducationBracket::Bachelor);
        assert_eq!(education_bracket("31"), EducationBracket::College);
        assert_eq!(education_bracket("23"), EducationBracket::HighSchoolOrBelow);
        assert_eq!(education_bracket("61"), EducationBracket::HighSchoolOrBelow);
        assert!(education_rank("11") < education_rank("21"));
        assert!(education_rank("31") < education_rank("23"));
        assert!(education_rank("61") < education_rank("63"));
    }
}
