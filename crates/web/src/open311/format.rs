//! Open311's two formats: the same records as JSON (an array of objects) or XML (a root element
//! holding one element a record), and its errors (`[{"code","description"}]`).

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// JSON or XML, from the path's suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fmt {
    Json,
    Xml,
}

/// `services.json` → (`services`, JSON); anything else is not an Open311 path.
pub fn split(file: &str) -> Option<(&str, Fmt)> {
    if let Some(s) = file.strip_suffix(".json") {
        Some((s, Fmt::Json))
    } else {
        file.strip_suffix(".xml").map(|s| (s, Fmt::Xml))
    }
}

/// A value of a record.
pub enum V {
    S(String),
    B(bool),
    /// A number kept as written (a coordinate as given).
    N(String),
    Null,
}

impl V {
    pub fn opt(v: Option<String>) -> Self {
        v.map_or(V::Null, V::S)
    }

    /// A coordinate: a number when it reads as one, else null.
    pub fn coord(v: Option<&str>) -> Self {
        match v.map(str::trim).filter(|s| s.parse::<f64>().is_ok_and(f64::is_finite)) {
            Some(s) => V::N(s.to_string()),
            None => V::Null,
        }
    }
}

pub type Record = Vec<(&'static str, V)>;

fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            // Not allowed in XML 1.0 at all (controls, surrogates cannot occur in a str, U+FFFE/U+FFFF).
            c if ((c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}') => {}
            c => o.push(c),
        }
    }
    o
}

/// The records as the format wants them: a JSON array, or `<root><item>…</item></root>`.
pub fn respond(status: StatusCode, fmt: Fmt, root: &str, item: &str, records: Vec<Record>) -> Response {
    match fmt {
        Fmt::Json => {
            let arr: Vec<serde_json::Value> = records
                .into_iter()
                .map(|r| {
                    let mut m = serde_json::Map::new();
                    for (k, v) in r {
                        let v = match v {
                            V::S(s) => serde_json::Value::String(s),
                            V::B(b) => serde_json::Value::Bool(b),
                            V::N(n) => serde_json::from_str(&n).unwrap_or(serde_json::Value::Null),
                            V::Null => serde_json::Value::Null,
                        };
                        m.insert(k.to_string(), v);
                    }
                    serde_json::Value::Object(m)
                })
                .collect();
            (status, axum::Json(serde_json::Value::Array(arr))).into_response()
        }
        Fmt::Xml => {
            let mut x = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
            x.push_str(&format!("<{root}>"));
            for r in records {
                x.push_str(&format!("<{item}>"));
                for (k, v) in r {
                    match v {
                        V::S(s) | V::N(s) => x.push_str(&format!("<{k}>{}</{k}>", esc(&s))),
                        V::B(b) => x.push_str(&format!("<{k}>{b}</{k}>")),
                        V::Null => x.push_str(&format!("<{k}/>")),
                    }
                }
                x.push_str(&format!("</{item}>"));
            }
            x.push_str(&format!("</{root}>\n"));
            (status, [(header::CONTENT_TYPE, "text/xml; charset=utf-8")], x).into_response()
        }
    }
}

/// An Open311 error: its HTTP status, in the format asked for.
pub fn error(status: StatusCode, fmt: Fmt, description: &str) -> Response {
    let r: Record = vec![("code", V::N(status.as_u16().to_string())), ("description", V::S(description.to_string()))];
    respond(status, fmt, "errors", "error", vec![r])
}
