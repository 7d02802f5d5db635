//! Statistical division codes (统计用区划代码) and the region tree.
//!
//! Codes are stored without trailing zero padding, so that a region's code is a prefix of every code
//! under it: 33 (浙江省) ⊃ 3304 (嘉兴市) ⊃ 330481 (海宁市) ⊃ 330481001 (硖石街道) ⊃ 330481001001 (a
//! community) ⊃ 330481001001003 (a grid). Scoping is therefore a prefix match, indexable everywhere.

use crate::error::FieldError;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionLevel {
    Province,
    City,
    County,
    Street,
    Community,
    Grid,
}

impl RegionLevel {
    pub const ALL: [RegionLevel; 6] =
        [Self::Province, Self::City, Self::County, Self::Street, Self::Community, Self::Grid];

    pub fn code_len(self) -> usize {
        match self {
            Self::Province => 2,
            Self::City => 4,
            Self::County => 6,
            Self::Street => 9,
            Self::Community => 12,
            Self::Grid => 15,
        }
    }

    pub fn from_code_len(len: usize) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.code_len() == len)
    }

    /// The level of a stored region code (the one function that reads a level from a code).
    pub fn of_code(code: &str) -> Option<Self> {
        Self::from_code_len(code.len())
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Province => "province",
            Self::City => "city",
            Self::County => "county",
            Self::Street => "street",
            Self::Community => "community",
            Self::Grid => "grid",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Province => "省",
            Self::City => "市",
            Self::County => "县（市、区）",
            Self::Street => "街道（乡镇）",
            Self::Community => "社区",
            Self::Grid => "网格",
        }
    }

    pub fn child(self) -> Option<Self> {
        match self {
            Self::Province => Some(Self::City),
            Self::City => Some(Self::County),
            Self::County => Some(Self::Street),
            Self::Street => Some(Self::Community),
            Self::Community => Some(Self::Grid),
            Self::Grid => None,
        }
    }
}

/// A region code of one of the six levels.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RegionCode(String);

impl RegionCode {
    /// Accepts a code of 2, 4, 6, 9, 12 or 15 digits; also a 12-digit code padded with zeros
    /// (`330481000000` is 海宁市), which is how the statistical list prints them.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s = input.trim();
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FieldError::new("region_code_format", "region_code", "区划代码只能由数字组成"));
        }
        let s = if s.len() == 12 { strip_padding(s) } else { s };
        if RegionLevel::from_code_len(s.len()).is_none() {
            return Err(FieldError::new(
                "region_code_length",
                "region_code",
                "区划代码位数不正确（应为2、4、6、9、12或15位）",
            ));
        }
        Ok(Self(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn level(&self) -> RegionLevel {
        RegionLevel::from_code_len(self.0.len()).expect("checked on parse")
    }

    pub fn province(&self) -> &str {
        &self.0[..2]
    }

    pub fn parent(&self) -> Option<RegionCode> {
        let level = self.level();
        let parent_len = RegionLevel::ALL.into_iter().rev().find(|l| l.code_len() < level.code_len())?.code_len();
        Some(Self(self.0[..parent_len].to_string()))
    }

    /// Whether `other` lies in this region's subtree (a region contains itself).
    pub fn contains(&self, other: &str) -> bool {
        other.starts_with(&self.0)
    }

    /// The twelve-digit form of the national list.
    pub fn padded(&self) -> String {
        format!("{:0<12}", &self.0[..self.0.len().min(12)])
    }

    /// For a street-level code: the kind of township the statistical rules give (digits 7–9).
    pub fn township_kind(&self) -> Option<&'static str> {
        if self.level() != RegionLevel::Street {
            return None;
        }
        let n: u32 = self.0[6..9].parse().ok()?;
        Some(match n {
            1..=99 => "街道",
            100..=199 => "镇",
            200..=399 => "乡",
            _ => "其他",
        })
    }
}

/// The half-open range of codes `[low, high)` that lie in the subtree of `prefix`, for an indexable
/// `region_code >= low AND region_code < high` on every engine. Codes are digit strings, which sort
/// the same under every collation; `high` is `None` when the prefix is all nines.
pub fn prefix_range(prefix: &str) -> (String, Option<String>) {
    let mut high = prefix.as_bytes().to_vec();
    while let Some(last) = high.pop() {
        if last < b'9' {
            high.push(last + 1);
            // Not padded back to the prefix's length: "709" → "71", so that a shorter code ("71",
            // a county's "330490" under the street "330489999") cannot fall inside.
            return (prefix.to_string(), Some(String::from_utf8(high).expect("ascii digits")));
        }
    }
    (prefix.to_string(), None)
}

fn strip_padding(s: &str) -> &str {
    for level in [RegionLevel::Province, RegionLevel::City, RegionLevel::County, RegionLevel::Street] {
        if s[level.code_len()..].bytes().all(|b| b == b'0') {
            return &s[..level.code_len()];
        }
    }
    s
}

impl TryFrom<String> for RegionCode {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, FieldError> {
        Self::parse(&s)
    }
}

impl From<RegionCode> for String {
    fn from(c: RegionCode) -> String {
        c.0
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RegionCode({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_and_parents() {
        let c = RegionCode::parse("330481001001").unwrap();
        assert_eq!(c.level(), RegionLevel::Community);
        assert_eq!(c.parent().unwrap().as_str(), "330481001");
        assert_eq!(c.province(), "33");
        assert_eq!(RegionCode::parse("33").unwrap().parent(), None);
        assert_eq!(RegionCode::parse("330481000000").unwrap().as_str(), "330481");
        assert_eq!(RegionCode::parse("330000000000").unwrap().level(), RegionLevel::Province);
        assert!(RegionCode::parse("3304811").is_err());
        assert!(RegionCode::parse("33a").is_err());
    }

    #[test]
    fn containment_is_a_prefix() {
        let haining = RegionCode::parse("330481").unwrap();
        assert!(haining.contains("330481001001"));
        assert!(haining.contains("330481"));
        assert!(!haining.contains("330483001001"));
        assert_eq!(haining.padded(), "330481000000");
    }

    #[test]
    fn prefix_ranges() {
        assert_eq!(prefix_range("3304"), ("3304".into(), Some("3305".into())));
        assert_eq!(prefix_range("3399"), ("3399".into(), Some("34".into())));
        assert_eq!(prefix_range("709"), ("709".into(), Some("71".into())));
        assert_eq!(prefix_range("99"), ("99".into(), None));
    }

    proptest::proptest! {
        #[test]
        fn range_matches_containment(prefix in "[0-9]{2,9}", code in "[0-9]{2,15}") {
            let (low, high) = prefix_range(&prefix);
            let in_range = code.as_str() >= low.as_str() && high.as_deref().is_none_or(|h| code.as_str() < h);
            proptest::prop_assert_eq!(in_range, code.starts_with(&prefix));
        }
    }

    #[test]
    fn township_kinds() {
        assert_eq!(RegionCode::parse("330481001").unwrap().township_kind(), Some("街道"));
        assert_eq!(RegionCode::parse("330481101").unwrap().township_kind(), Some("镇"));
        assert_eq!(RegionCode::parse("330481201").unwrap().township_kind(), Some("乡"));
    }
}
