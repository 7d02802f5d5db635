//! A person's identity fields: name, gender, phone.

use crate::error::FieldError;
use serde::{Deserialize, Serialize};

/// GB/T 2261.1 gender codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Gender {
    Unknown,
    Male,
    Female,
    Unstated,
}

impl Gender {
    pub fn code(self) -> &'static str {
        match self {
            Self::Unknown => "0",
            Self::Male => "1",
            Self::Female => "2",
            Self::Unstated => "9",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        match s.trim() {
            "0" | "未知的性别" | "未知" => Some(Self::Unknown),
            "1" | "男" => Some(Self::Male),
            "2" | "女" => Some(Self::Female),
            "9" | "未说明的性别" | "未说明" => Some(Self::Unstated),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Unknown => "未知",
            Self::Male => "男",
            Self::Female => "女",
            Self::Unstated => "未说明",
        }
    }
}

/// A person's name: family name first, one field, no spaces; Chinese characters or the middle dot
/// used in transliterated names (e.g. 阿依古丽·买买提).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s: String = input.trim().replace(['.', '•', '・'], "·");
        let n = s.chars().count();
        if n == 0 {
            return Err(FieldError::new("name_required", "name", "请填写姓名"));
        }
        if n > 30 {
            return Err(FieldError::new("name_too_long", "name", "姓名不能超过30个字"));
        }
        if crate::text::has_hidden(&s, false) {
            return Err(FieldError::new("name_hidden_characters", "name", "姓名中含有不可见的控制字符"));
        }
        if s.chars().any(char::is_whitespace) {
            return Err(FieldError::new("name_whitespace", "name", "姓名中不能有空格"));
        }
        if s.chars().any(|c| c.is_ascii_digit() || c.is_ascii_punctuation()) {
            return Err(FieldError::new("name_format", "name", "姓名中不能有数字或标点符号"));
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A mainland mobile number (11 digits, starting with 1) or a landline with area code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s: String = input.trim().chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        let s = s.strip_prefix("+86").unwrap_or(&s).to_string();
        let mobile = s.len() == 11 && s.starts_with('1') && s.bytes().all(|b| b.is_ascii_digit());
        let landline = (10..=12).contains(&s.len()) && s.starts_with('0') && s.bytes().all(|b| b.is_ascii_digit());
        if mobile || landline {
            Ok(Self(s))
        } else {
            Err(FieldError::new("phone_format", "phone", "手机号码应为以1开头的11位数字（或带区号的固定电话）"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A bank card or account number for the 代发工资 sheet: 12 to 30 digits (spaces typed between
/// groups are dropped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankAccount(String);

impl BankAccount {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s: String = input.trim().chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        if (12..=30).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(s))
        } else {
            Err(FieldError::new("bank_account_format", "bank_account", "银行卡号应为12至30位数字"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A card number as lists show it: the last four digits only (尾号1234).
pub fn mask_account(account: &str) -> String {
    let tail: String = account.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
    if tail.is_empty() { String::new() } else { format!("尾号{tail}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bank_accounts() {
        assert_eq!(BankAccount::parse(" 6222 0212 0300 1234 567 ").unwrap().as_str(), "6222021203001234567");
        for bad in ["", "12345", "6222x21203001234567", &"9".repeat(31)] {
            assert_eq!(BankAccount::parse(bad).unwrap_err().field, "bank_account", "{bad}");
        }
        assert_eq!(mask_account("6222021203001234567"), "尾号4567");
        assert_eq!(mask_account(""), "");
    }

    #[test]
    fn names() {
        assert_eq!(PersonName::parse(" 王小明 ").unwrap().as_str(), "王小明");
        assert_eq!(PersonName::parse("阿依古丽.买买提").unwrap().as_str(), "阿依古丽·买买提");
        assert_eq!(PersonName::parse("王 小明").unwrap_err().code, "name_whitespace");
        assert_eq!(PersonName::parse("").unwrap_err().code, "name_required");
        assert_eq!(PersonName::parse("王2").unwrap_err().code, "name_format");
    }

    #[test]
    fn phones() {
        assert_eq!(Phone::parse("138 0571 1234").unwrap().as_str(), "13805711234");
        assert!(Phone::parse("0573-87281234").is_ok());
        assert_eq!(Phone::parse("12345").unwrap_err().field, "phone");
    }

    #[test]
    fn genders() {
        assert_eq!(Gender::from_code("女"), Some(Gender::Female));
        assert_eq!(Gender::from_code("1").unwrap().label(), "男");
        assert_eq!(Gender::from_code("x"), None);
    }
}
