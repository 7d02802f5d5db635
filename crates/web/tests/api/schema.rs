//! Every JSON answer the tests receive from `/api/v1` is checked against the OpenAPI document: the
//! route must be in it, and where the document gives the answer's schema, the body must match it —
//! with no field the schema does not name.

use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::OnceLock;

struct Doc {
    spec: Value,
    /// Path templates split into segments (`{…}` matches any one segment).
    templates: Vec<(String, Vec<String>)>,
    validators: std::sync::Mutex<HashMap<String, std::sync::Arc<jsonschema::Validator>>>,
}

fn doc() -> &'static Doc {
    static DOC: OnceLock<Doc> = OnceLock::new();
    DOC.get_or_init(|| {
        let mut spec = shegong_web::openapi::spec();
        strict(&mut spec);
        let templates = spec["paths"]
            .as_object()
            .unwrap()
            .keys()
            .map(|k| (k.clone(), k.split('/').map(str::to_string).collect()))
            .collect();
        Doc { spec, templates, validators: Default::default() }
    })
}

/// Objects of the components that list their properties take no others. Those that are part of
/// an `allOf` (a flattened struct), at any depth, are left open: the whole they are part of is
/// closed where it is used.
fn strict(spec: &mut Value) {
    let mut parts = std::collections::HashSet::new();
    fn refs_in(v: &Value, out: &mut std::collections::HashSet<String>) {
        match v {
            Value::Object(o) => {
                if let Some(Value::String(r)) = o.get("$ref") {
                    out.insert(r.trim_start_matches("#/components/schemas/").to_string());
                }
                o.values().for_each(|x| refs_in(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| refs_in(x, out)),
            _ => {}
        }
    }
    fn all_of_parts(v: &Value, out: &mut std::collections::HashSet<String>) {
        match v {
            Value::Object(o) => {
                if let Some(all) = o.get("allOf") {
                    refs_in(all, out);
                }
                o.values().for_each(|x| all_of_parts(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| all_of_parts(x, out)),
            _ => {}
        }
    }
    all_of_parts(spec, &mut parts);
    let Some(schemas) = spec["components"]["schemas"].as_object_mut() else {
        return;
    };
    for (name, s) in schemas.iter_mut() {
        let listed = s.get("properties").is_some() || s.get("allOf").is_some();
        if listed && !parts.contains(name) && s.get("additionalProperties").is_none() {
            s["unevaluatedProperties"] = json!(false);
        }
    }
}

fn template_of(path: &str) -> Option<&'static str> {
    let segs: Vec<&str> = path.split('/').collect();
    doc()
        .templates
        .iter()
        .filter(|(_, t)| {
            t.len() == segs.len()
                && t.iter().zip(&segs).all(|(a, b)| a == b || (a.starts_with('{') && a.ends_with('}')))
        })
        // A literal segment wins over a parameter (`/workers.xlsx` over `/workers/{id}`).
        .max_by_key(|(_, t)| t.iter().filter(|s| !s.starts_with('{')).count())
        .map(|(k, _)| k.as_str())
}

/// Checks one answer: `method` and `path` (query string allowed) as sent, the status and the body.
pub fn check(method: &str, path: &str, status: u16, body: &Value) {
    let path = path.split('?').next().unwrap();
    if !path.starts_with("/api/v1/") {
        return;
    }
    let t = template_of(path).unwrap_or_else(|| panic!("{method} {path}: not in the OpenAPI document"));
    let op = &doc().spec["paths"][t][method.to_lowercase()];
    assert!(op.is_object(), "{method} {t}: this method is not in the OpenAPI document");
    let response = &op["responses"][status.to_string()];
    assert!(response.is_object(), "{method} {t}: status {status} is not documented (body: {body})");
    let Some(schema) = response["content"]["application/json"].get("schema") else {
        return;
    };
    let key = format!("{method} {t} {status}");
    let v = {
        let mut cache = doc().validators.lock().unwrap();
        cache
            .entry(key.clone())
            .or_insert_with(|| {
                let mut root = schema.clone();
                if let Some(o) = root.as_object_mut() {
                    o.insert("components".into(), doc().spec["components"].clone());
                }
                std::sync::Arc::new(
                    jsonschema::options()
                        .with_draft(jsonschema::Draft::Draft202012)
                        .build(&root)
                        .unwrap_or_else(|e| panic!("{key}: schema does not compile: {e}")),
                )
            })
            .clone()
    };
    let errors: Vec<String> = v.iter_errors(body).take(5).map(|e| format!("{} at {}", e, e.instance_path)).collect();
    assert!(
        errors.is_empty(),
        "{key}: the answer differs from the documented schema:\n{}\nbody: {}",
        errors.join("\n"),
        shorten(body)
    );
}

fn shorten(v: &Value) -> String {
    let s = v.to_string();
    s.chars().take(600).collect()
}

#[test]
fn an_answer_unlike_its_schema_is_caught() {
    let me = json!({"username": "a", "display_name": "甲", "role": "county_admin", "role_label": "县级管理员",
        "region": "330481", "worker_id": null, "must_change_password": false});
    check("GET", "/api/v1/me", 200, &me);
    let mut extra = me.clone();
    extra["password_hash"] = json!("x");
    let mut missing = me.clone();
    missing.as_object_mut().unwrap().remove("role");
    let mut wrong = me.clone();
    wrong["must_change_password"] = json!("no");
    for bad in [extra, missing, wrong] {
        let caught = std::panic::catch_unwind(|| check("GET", "/api/v1/me", 200, &bad));
        assert!(caught.is_err(), "not caught: {bad}");
    }
    let unknown = std::panic::catch_unwind(|| check("GET", "/api/v1/nowhere", 200, &me));
    assert!(unknown.is_err(), "a route missing from the document is not caught");
}
