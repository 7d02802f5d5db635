//! Resident identity card numbers (公民身份号码), GB 11643-1999.

use crate::error::FieldError;
use crate::person::Gender;
use chrono::{Datelike, NaiveDate};
use std::fmt;

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: &[u8; 11] = b"10X98765432";

/// A checked 18-character resident ID number. Legacy 15-digit numbers are upgraded on parse.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdNumber(String);

/// The check character for the first 17 digits of an 18-character number.
pub fn check_char(first17: &[u8]) -> char {
    let sum: u32 = first17.iter().zip(WEIGHTS).map(|(d, w)| u32::from(d - b'0') * w).sum();
    char::from(CHECK_CHARS[(sum % 11) as usize])
}

fn err(code: &'static str, message: &str) -> FieldError {
    FieldError::new(code, "id_number", message)
}

impl IdNumber {
    /// Parses and checks a number: length, digits, real birth date, check character.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s: String = input.trim().to_ascii_uppercase();
        let upgraded;
        let s = match s.len() {
            18 => s,
            15 => {
                if !s.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(err("id_number_format", "15位身份证号码只能由数字组成"));
                }
                let mut first17 = String::with_capacity(18);
                first17.push_str(&s[..6]);
                first17.push_str("19");
                first17.push_str(&s[6..]);
                let c = check_char(first17.as_bytes());
                first17.push(c);
                upgraded = first17;
                upgraded
            }
            0 => return Err(err("id_number_required", "请填写身份证号码")),
            _ => return Err(err("id_number_length", "身份证号码应为18位（或15位旧号码）")),
        };
        let bytes = s.as_bytes();
        if !bytes[..17].iter().all(u8::is_ascii_digit) || !(bytes[17].is_ascii_digit() || bytes[17] == b'X') {
            return Err(err("id_number_format", "身份证号码前17位应为数字，最后一位为数字或X"));
        }
        if birth_date_of(&s).is_none() {
            return Err(err("id_number_birth_date", "身份证号码中的出生日期不存在"));
        }
        if check_char(&bytes[..17]) != char::from(bytes[17]) {
            return Err(err("id_number_checksum", "身份证号码校验位错误"));
        }
        Ok(Self(s))
    }

    /// Builds a valid number from its parts (used by the demo generator and tests).
    pub fn compose(address: &str, birth: NaiveDate, sequence: u16) -> Self {
        let mut s =
            format!("{address:0>6.6}{:04}{:02}{:02}{:03}", birth.year(), birth.month(), birth.day(), sequence % 1000);
        let c = check_char(s.as_bytes());
        s.push(c);
        Self(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The six-digit administrative code of the place of first registration.
    pub fn address_code(&self) -> &str {
        &self.0[..6]
    }

    pub fn birth_date(&self) -> NaiveDate {
        birth_date_of(&self.0).expect("checked on parse")
    }

    /// Odd sequence digit: male; even: female.
    pub fn gender(&self) -> Gender {
        if (self.0.as_bytes()[16] - b'0') % 2 == 1 { Gender::Male } else { Gender::Female }
    }

    /// The form shown in lists: the address code and the last four characters, the rest hidden.
    pub fn masked(&self) -> String {
        mask(&self.0)
    }

    /// Checks that the gender and birth date stated on a record agree with this number.
    pub fn check_agrees(&self, gender: Option<Gender>, birth: Option<NaiveDate>) -> Result<(), FieldError> {
        if let Some(g) = gender
            && matches!(g, Gender::Male | Gender::Female)
            && g != self.gender()
        {
            return Err(FieldError::new(
                "id_number_gender_mismatch",
                "gender",
                format!("性别与身份证号码不符（号码显示为{}）", self.gender().label()),
            ));
        }
        if let Some(b) = birth
            && b != self.birth_date()
        {
            return Err(FieldError::new(
                "id_number_birth_mismatch",
                "birth_date",
                format!("出生日期与身份证号码不符（号码显示为{}）", self.birth_date().format("%Y-%m-%d")),
            ));
        }
        Ok(())
    }
}

/// Masks a stored number for those who may not see it whole: `330481************`. Only the region
/// part stays: the birth date is shown beside the number anyway, so keeping the last four digits
/// too would leave nothing hidden.
pub fn mask(s: &str) -> String {
    if s.len() < 10 || !s.is_ascii() {
        return "*".repeat(s.chars().count());
    }
    format!("{}{}", &s[..6], "*".repeat(s.len() - 6))
}

fn birth_date_of(s: &str) -> Option<NaiveDate> {
    let y: i32 = s.get(6..10)?.parse().ok()?;
    let m: u32 = s.get(10..12)?.parse().ok()?;
    let d: u32 = s.get(12..14)?.parse().ok()?;
    if y < 1880 {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m, d)
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for IdNumber {
    // Never print a full ID number in logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_the_standard_examples() {
        let a = IdNumber::parse("11010519491231002X").unwrap();
        assert_eq!(a.birth_date(), NaiveDate::from_ymd_opt(1949, 12, 31).unwrap());
        assert_eq!(a.gender(), Gender::Female);
        assert_eq!(a.address_code(), "110105");
        let b = IdNumber::parse("440524188001010014").unwrap();
        assert_eq!(b.gender(), Gender::Male);
        assert_eq!(b.birth_date(), NaiveDate::from_ymd_opt(1880, 1, 1).unwrap());
        // lower-case x is accepted and normalised
        assert_eq!(IdNumber::parse("11010519491231002x").unwrap().as_str(), "11010519491231002X");
    }

    #[test]
    fn rejects_with_a_reason() {
        assert_eq!(IdNumber::parse("110105194912310021").unwrap_err().code, "id_number_checksum");
        assert_eq!(IdNumber::parse("1101051949123").unwrap_err().code, "id_number_length");
        assert_eq!(IdNumber::parse("11010519491331002X").unwrap_err().code, "id_number_birth_date");
        assert_eq!(IdNumber::parse("1101051949123100AX").unwrap_err().code, "id_number_format");
        assert_eq!(IdNumber::parse("").unwrap_err().code, "id_number_required");
        // 2023-02-29 does not exist
        let bad = IdNumber::compose("330481", NaiveDate::from_ymd_opt(2024, 2, 29).unwrap(), 1);
        let s = bad.as_str().replace("20240229", "20230229");
        assert_eq!(IdNumber::parse(&s).unwrap_err().code, "id_number_birth_date");
    }

    #[test]
    fn upgrades_fifteen_digit_numbers() {
        // 440524800101001 -> 440524 19 800101 001 + check
        let n = IdNumber::parse("440524800101001").unwrap();
        assert_eq!(n.as_str().len(), 18);
        assert_eq!(&n.as_str()[..17], "44052419800101001");
        assert!(IdNumber::parse(n.as_str()).is_ok());
        assert_eq!(n.birth_date(), NaiveDate::from_ymd_opt(1980, 1, 1).unwrap());
    }

    #[test]
    fn masks_the_middle() {
        let n = IdNumber::parse("11010519491231002X").unwrap();
        assert_eq!(n.masked(), "110105************");
        assert!(!format!("{n:?}").contains("19491231"));
    }

    #[test]
    fn checks_agreement_with_the_record() {
        let n = IdNumber::parse("11010519491231002X").unwrap();
        assert!(n.check_agrees(Some(Gender::Female), n.birth_date().into()).is_ok());
        assert_eq!(n.check_agrees(Some(Gender::Male), None).unwrap_err().code, "id_number_gender_mismatch");
        let other = NaiveDate::from_ymd_opt(1950, 1, 1).unwrap();
        assert_eq!(n.check_agrees(None, Some(other)).unwrap_err().field, "birth_date");
    }

    proptest! {
        #[test]
        fn composed_numbers_parse_back(days in 0i64..40000, seq in 0u16..1000, addr in 110000u32..660000) {
            let birth = NaiveDate::from_ymd_opt(1920, 1, 1).unwrap() + chrono::Duration::days(days);
            let n = IdNumber::compose(&addr.to_string(), birth, seq);
            let p = IdNumber::parse(n.as_str()).unwrap();
            prop_assert_eq!(p.birth_date(), birth);
            prop_assert_eq!(p.gender() == Gender::Male, seq % 2 == 1);
        }

        #[test]
        fn one_changed_digit_is_always_caught(days in 0i64..40000, seq in 0u16..1000, pos in 0usize..17, delta in 1u8..10) {
            let birth = NaiveDate::from_ymd_opt(1920, 1, 1).unwrap() + chrono::Duration::days(days);
            let n = IdNumber::compose("330481", birth, seq);
            let mut b = n.as_str().as_bytes().to_vec();
            b[pos] = b'0' + (b[pos] - b'0' + delta) % 10;
            let s = String::from_utf8(b).unwrap();
            prop_assert!(IdNumber::parse(&s).is_err());
        }
    }
}
