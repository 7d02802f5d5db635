//! The password rule: long enough, not one everybody tries first, and short enough to hash.
//!
//! No rule on character classes: length and a list of known-weak passwords do more for a clerk's
//! account than forcing a digit and a symbol into `Password1!`.

use crate::FieldError;

/// Fewest characters a password may have.
pub const MIN_CHARS: usize = 10;
/// Most characters a password may have (hashing a megabyte would be work for an attacker to cause).
pub const MAX_CHARS: usize = 128;

/// Passwords tried first by anyone guessing, lower case. A password equal to one of these, or to
/// one of these followed by digits, is refused.
const WEAK: &[&str] = &[
    "password",
    "passw0rd",
    "p@ssw0rd",
    "p@ssword",
    "qwerty",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "1qaz2wsx",
    "1q2w3e4r",
    "1q2w3e4r5t",
    "qazwsx",
    "abc123",
    "abcd1234",
    "a1b2c3d4",
    "iloveyou",
    "admin",
    "administrator",
    "root",
    "letmein",
    "welcome",
    "monkey",
    "dragon",
    "football",
    "baseball",
    "sunshine",
    "princess",
    "shadow",
    "superman",
    "trustno1",
    "master",
    "woaini",
    "woaini1314",
    "aini1314",
    "5201314",
    "1314520",
    "changeme",
    "default",
    "guest",
    "test",
    "user",
    "shegong",
    "shequ",
    "minzheng",
    "zhongguo",
    "china",
    "beijing",
    "huawei",
    "xiaomi",
    "baidu",
    "taobao",
    "1qaz2wsx3edc",
    "1qaz2wsx3edc4rfv",
    "q1w2e3r4t5",
    "q1w2e3r4t5y6",
    "zaq12wsx",
    "zaq1xsw2",
    "qweasdzxc",
    "1234qwer",
    "qwer1234",
    "a1s2d3f4",
    "asdfghjkl;",
    "asdf1234",
    "qwertyui",
    "1q2w3e4r5t6y",
    "qazwsxedc",
];

/// Fewest different characters a password must have.
const MIN_DISTINCT: usize = 5;

/// Checks a new password; `username` may not be part of it. The error names the field `field`.
pub fn check(password: &str, username: &str, field: &'static str) -> Result<(), FieldError> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Err(FieldError::new("password_too_short", field, format!("密码至少需要{MIN_CHARS}个字符")));
    }
    if chars > MAX_CHARS {
        return Err(FieldError::new("password_too_long", field, format!("密码不能超过{MAX_CHARS}个字符")));
    }
    if password.chars().any(char::is_control) {
        return Err(FieldError::new("password_invalid", field, "密码不能包含控制字符"));
    }
    let lower = password.to_lowercase();
    let user = username.trim().to_lowercase();
    if !user.is_empty() && lower.contains(&user) {
        return Err(FieldError::new("password_weak", field, "密码不能包含用户名"));
    }
    let distinct: std::collections::HashSet<char> = lower.chars().filter(|c| !c.is_whitespace()).collect();
    if distinct.len() < MIN_DISTINCT || is_repeated_unit(&lower) || longest_run(&lower) + 2 >= chars {
        return Err(FieldError::new("password_weak", field, "密码过于简单（同一字符重复或连续字符），请换一个"));
    }
    let stem = lower.trim_end_matches(|c: char| c.is_ascii_digit() || "!@#$%^&*.".contains(c));
    if WEAK.contains(&lower.as_str()) || WEAK.contains(&stem) || stem.is_empty() {
        return Err(FieldError::new("password_weak", field, "这是常被猜中的密码，请换一个"));
    }
    Ok(())
}

/// The longest stretch like `123456` or `fedcba`: each character one more (or less) than the one
/// before.
fn longest_run(s: &str) -> usize {
    let v: Vec<u32> = s.chars().map(u32::from).collect();
    let (mut best, mut up, mut down) = (v.len().min(1), 1, 1);
    for w in v.windows(2) {
        up = if w[1] == w[0] + 1 { up + 1 } else { 1 };
        down = if w[0] == w[1] + 1 { down + 1 } else { 1 };
        best = best.max(up).max(down);
    }
    best
}

/// `abc123abc123`, `a1a1a1a1`: one short piece said again and again.
fn is_repeated_unit(s: &str) -> bool {
    let v: Vec<char> = s.chars().collect();
    (1..=v.len() / 2).any(|k| v.iter().enumerate().all(|(i, c)| *c == v[i % k]))
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn accepts_long_uncommon_passwords() {
        assert!(check("shegong2026", "province", "password").is_err(), "contains a weak stem");
        assert!(check("马兰花开二月二", "clerk", "password").is_err(), "seven characters");
        assert!(check("马兰花开二月二龙抬头", "clerk", "password").is_ok());
        assert!(check("correct horse battery", "clerk", "password").is_ok());
        assert!(check("Tz8#kq1-Lm", "clerk", "password").is_ok());
    }

    #[test]
    fn refuses_short_long_weak_and_personal() {
        let code = |p: &str| check(p, "zhangsan", "new_password").unwrap_err().code;
        assert_eq!(code("aaaaaaaa"), "password_too_short");
        assert_eq!(code("aaaaaaaaaaaa"), "password_weak");
        assert_eq!(code("1234567890"), "password_weak");
        assert_eq!(code("password2026"), "password_weak");
        assert_eq!(code("Qwertyuiop!!"), "password_weak");
        assert_eq!(code("zhangsan-2026"), "password_weak");
        assert_eq!(code("12345678901234"), "password_weak");
        assert_eq!(code(&"x".repeat(1 << 20)), "password_too_long");
        assert_eq!(code("abc\u{0}defghijk"), "password_invalid");
        assert_eq!(check("a", "u", "new_password").unwrap_err().field, "new_password");
        for weak in [
            "1qaz2wsx3edc",
            "q1w2e3r4t5",
            "asdfghjkl;",
            "a1a1a1a1a1",
            "abcabcabca",
            "abc123abc123",
            "111111aaaaa",
            "987654321a",
            "  a        ",
        ] {
            assert_eq!(code(weak), "password_weak", "{weak}");
        }
    }
}
