//! The shape of the house (docs/ARCHITECTURE.md), checked on every test run:
//!
//! - no source file imports another in a loop (within each crate; `use crate::…`, `crate::…` and
//!   `super::…` paths; a `pub use` re-export is a face, not a dependency; tests are left out);
//! - production files stay small: under 400 lines in `crates/web`, under 500 in `crates/store`
//!   outside `demo/` (and the generated `entity/` and step-by-step `migration/` folders);
//! - the web crate compares no roles: who may do what is asked of `Permission` in the store;
//! - the page scripts and styles the binary serves are small, hand-written files (an edit that
//!   multiplied one once shipped 18 MB of broken script).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The module path of a file under its crate's `src`: `a/b.rs` and `a/b/mod.rs` are `[a, b]`.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel.iter().map(|s| s.to_string_lossy().into_owned()).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib" | "main")) {
        parts.pop();
    }
    parts
}

/// The text without line comments and without the test module.
fn code_of(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or("");
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) if !l[..i].contains('"') => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `a::{b, c::{d, e}}` → `a::b`, `a::c::d`, `a::c::e`.
fn expand(path: &str) -> Vec<String> {
    let Some(open) = path.find('{') else {
        return vec![path.trim().to_string()];
    };
    let head = &path[..open];
    let (mut depth, mut close) = (0, path.len());
    for (i, ch) in path.char_indices().skip(open) {
        depth += i32::from(ch == '{') - i32::from(ch == '}');
        if depth == 0 {
            close = i;
            break;
        }
    }
    let (mut parts, mut cur, mut depth) = (Vec::new(), String::new(), 0);
    for ch in path[open + 1..close].chars() {
        if ch == ',' && depth == 0 {
            parts.push(std::mem::take(&mut cur));
            continue;
        }
        depth += i32::from(ch == '{') - i32::from(ch == '}');
        cur.push(ch);
    }
    parts.push(cur);
    parts.iter().filter(|p| !p.trim().is_empty()).flat_map(|p| expand(&format!("{head}{}", p.trim()))).collect()
}

/// Every `crate::…` / `super::…` path a file's code names (imports other than re-exports, and
/// paths written inline).
fn paths_in(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest: Vec<u8> = Vec::with_capacity(code.len());
    // Statements: `use …;` (skipping `pub use` / `pub(crate) use`).
    let mut i = 0;
    let b = code.as_bytes();
    while i < code.len() {
        let at_word = i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_' || b[i - 1] == b':');
        if at_word && b[i..].starts_with(b"use ") {
            let end = b[i..].iter().position(|&c| c == b';').map_or(code.len(), |e| i + e);
            let before = code[..i].trim_end();
            let reexport = ["pub", "pub(crate)", "pub(super)"].iter().any(|v| before.ends_with(v));
            if !reexport {
                out.extend(expand(&code[i + 4..end]));
            }
            i = end + 1;
            continue;
        }
        rest.push(b[i]);
        i += 1;
    }
    let rest = String::from_utf8_lossy(&rest);
    // Inline paths.
    for start in ["crate::", "super::"] {
        let mut from = 0;
        while let Some(k) = rest[from..].find(start) {
            let k = from + k;
            let ok = k == 0 || {
                let c = rest.as_bytes()[k - 1];
                !(c.is_ascii_alphanumeric() || c == b'_' || c == b':')
            };
            let end = rest[k..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
                .map_or(rest.len(), |e| k + e);
            if ok {
                out.push(rest[k..end].trim_end_matches(':').to_string());
            }
            from = end.max(k + 1);
        }
    }
    out
}

/// Files of one crate that import each other in a loop (each loop sorted).
fn loops(src: &Path) -> Vec<Vec<String>> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files.retain(|f| {
        let s = f.to_string_lossy();
        !s.contains("/entity/") && !s.contains("/migration/")
    });
    let mods: BTreeMap<Vec<String>, PathBuf> = files.iter().map(|f| (module_of(src, f), f.clone())).collect();
    let mut edges: BTreeMap<PathBuf, BTreeSet<PathBuf>> = BTreeMap::new();
    for f in &files {
        let me = module_of(src, f);
        let code = code_of(&std::fs::read_to_string(f).unwrap());
        let e = edges.entry(f.clone()).or_default();
        for p in paths_in(&code) {
            let segs: Vec<&str> =
                p.split("::").map(|s| s.split_whitespace().next().unwrap_or("")).filter(|s| !s.is_empty()).collect();
            let (mut base, mut rest): (Vec<String>, &[&str]) = match segs.first() {
                Some(&"crate") => (Vec::new(), &segs[1..]),
                Some(&"super") => (me[..me.len().saturating_sub(1)].to_vec(), &segs[1..]),
                _ => continue,
            };
            while rest.first() == Some(&"super") {
                base.pop();
                rest = &rest[1..];
            }
            for k in (0..=rest.len()).rev() {
                let mut cand = base.clone();
                cand.extend(rest[..k].iter().map(|s| s.to_string()));
                if let Some(t) = mods.get(&cand) {
                    if t != f {
                        e.insert(t.clone());
                    }
                    break;
                }
            }
        }
    }
    // Tarjan's strongly connected components.
    struct T<'a> {
        edges: &'a BTreeMap<PathBuf, BTreeSet<PathBuf>>,
        index: BTreeMap<PathBuf, usize>,
        low: BTreeMap<PathBuf, usize>,
        stack: Vec<PathBuf>,
        on: BTreeSet<PathBuf>,
        comps: Vec<Vec<PathBuf>>,
    }
    fn strong(t: &mut T, v: &PathBuf) {
        let n = t.index.len();
        t.index.insert(v.clone(), n);
        t.low.insert(v.clone(), n);
        t.stack.push(v.clone());
        t.on.insert(v.clone());
        for w in t.edges[v].clone() {
            if !t.index.contains_key(&w) {
                strong(t, &w);
                let lw = t.low[&w];
                let lv = t.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if t.on.contains(&w) {
                let iw = t.index[&w];
                let lv = t.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if t.low[v] == t.index[v] {
            let mut comp = Vec::new();
            loop {
                let w = t.stack.pop().unwrap();
                t.on.remove(&w);
                let done = &w == v;
                comp.push(w);
                if done {
                    break;
                }
            }
            if comp.len() > 1 {
                t.comps.push(comp);
            }
        }
    }
    let mut t = T {
        edges: &edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        comps: Vec::new(),
    };
    for f in &files {
        if !t.index.contains_key(f) {
            strong(&mut t, f);
        }
    }
    t.comps
        .into_iter()
        .map(|c| {
            let mut names: Vec<String> =
                c.iter().map(|p| p.strip_prefix(src).unwrap().to_string_lossy().into_owned()).collect();
            names.sort();
            names
        })
        .collect()
}

fn crate_sources() -> Vec<PathBuf> {
    let mut v = vec![root().join("src")];
    for c in ["domain", "store", "web"] {
        v.push(root().join("crates").join(c).join("src"));
    }
    v
}

#[test]
fn no_file_imports_another_in_a_loop() {
    let mut found = Vec::new();
    for src in crate_sources() {
        for l in loops(&src) {
            found.push(format!("{}: {}", src.display(), l.join(" ⇄ ")));
        }
    }
    assert!(found.is_empty(), "import loops:\n{}", found.join("\n"));
}

#[test]
fn the_cycle_check_sees_a_loop() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    std::fs::write(src.join("lib.rs"), "mod a;\nmod b;\n").unwrap();
    std::fs::write(src.join("a.rs"), "use crate::b::{x, y};\npub fn f() {}\n").unwrap();
    std::fs::create_dir(src.join("b")).unwrap();
    std::fs::write(src.join("b/mod.rs"), "pub use c::y;\nmod c;\npub fn x() { crate::a::f() }\n").unwrap();
    std::fs::write(src.join("b/c.rs"), "use super::x;\npub fn y() {}\n").unwrap();
    assert_eq!(loops(src), vec![vec!["a.rs".to_string(), "b/mod.rs".to_string()]]);
    // A re-export is not a dependency: without the inline call there is no loop.
    std::fs::write(src.join("b/mod.rs"), "pub use c::y;\nmod c;\npub fn x() {}\n").unwrap();
    assert!(loops(src).is_empty());
}

fn lines_over(dir: &Path, limit: usize, skip: &[&str]) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(dir, &mut files);
    let mut out = Vec::new();
    for f in files {
        let rel = f.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
        if skip.iter().any(|s| rel.starts_with(s)) {
            continue;
        }
        let n = std::fs::read_to_string(&f).unwrap().lines().count();
        if n >= limit {
            out.push(format!("{rel}: {n} lines"));
        }
    }
    out
}

#[test]
fn production_files_stay_small() {
    let web = lines_over(&root().join("crates/web/src"), 400, &[]);
    assert!(web.is_empty(), "crates/web files of 400 lines or more:\n{}", web.join("\n"));
    let store = lines_over(&root().join("crates/store/src"), 500, &["demo/", "entity/", "migration/"]);
    assert!(store.is_empty(), "crates/store files of 500 lines or more:\n{}", store.join("\n"));
}

#[test]
fn the_web_crate_compares_no_roles() {
    let mut files = Vec::new();
    rust_files(&root().join("crates/web/src"), &mut files);
    let mut found = Vec::new();
    for f in files {
        let code = code_of(&std::fs::read_to_string(&f).unwrap());
        for (n, line) in code.lines().enumerate() {
            let compares = line.contains("role ==")
                || line.contains("role !=")
                || line.contains("== Role::")
                || line.contains("!= Role::")
                || (line.contains("Role::")
                    && line
                        .split("Role::")
                        .skip(1)
                        .any(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()) && !rest.starts_with("ALL")));
            if compares {
                found.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "role comparisons in crates/web (ask Permission instead):\n{}", found.join("\n"));
}

#[test]
fn served_assets_are_small() {
    let dir = root().join("crates/web/assets");
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() && p.extension().is_some_and(|x| x == "js" || x == "css") {
            let len = std::fs::metadata(&p).unwrap().len();
            assert!(len < 64 * 1024, "{} is {len} bytes", p.display());
        }
    }
}
