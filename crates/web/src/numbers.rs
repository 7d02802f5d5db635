//! Numbers as people read them: thousands separators, yuan from fen, percentages.
use shegong_domain::pay::yuan;

/// A count with thousands separators, for reading: 281810 → "281,810".
pub(crate) fn thousands(n: i64) -> String {
    let int = n.unsigned_abs().to_string();
    let mut out = String::from(if n < 0 { "-" } else { "" });
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// Fen as yuan with thousands separators, for reading: 5561847624 → "55,618,476.24".
pub(crate) fn money(fen: i64) -> String {
    let s = yuan(fen);
    let (int, frac) = s.split_once('.').unwrap_or((s.as_str(), "00"));
    let n: i64 = int.parse().unwrap_or(0);
    let sign = if fen < 0 && n == 0 { "-" } else { "" };
    format!("{sign}{}.{frac}", thousands(n))
}

pub(crate) fn pct(a: i64, b: i64) -> String {
    if b == 0 { "—".into() } else { format!("{:.1}%", a as f64 * 100.0 / b as f64) }
}

#[cfg(test)]
mod tests {
    #[test]
    pub(crate) fn money_groups_thousands() {
        assert_eq!(super::money(5_561_847_624), "55,618,476.24");
        assert_eq!(super::money(-12_345), "-123.45");
        assert_eq!(super::money(5), "0.05");
        assert_eq!(super::money(-5), "-0.05");
        assert_eq!(super::thousands(281_810), "281,810");
        assert_eq!(super::thousands(-1_000), "-1,000");
        assert_eq!(super::thousands(999), "999");
    }
}
