//! Finding a person as a clerk types: any fragment of the name, its 拼音 in full or by initials
//! (polyphonic surnames read as surnames), the last digits of the ID number for the roles that may
//! search by number; the name typed in full first; nothing outside the caller's region.

use crate::both_engines;
use crate::helpers::{TestApp, fresh_id, new_worker};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn names(v: &Value) -> Vec<String> {
    v["items"].as_array().unwrap().iter().map(|w| w["name"].as_str().unwrap().to_string()).collect()
}

fn q(s: &str) -> String {
    format!("/api/v1/workers?per_page=100&q={}", &serde_urlencoded::to_string([("x", s)]).unwrap()[2..])
}

async fn by_fragment_pinyin_initials_and_id_tail(app: TestApp) {
    let admin = app.token("haining").await;
    let mut ids = Vec::new();
    for (i, name) in ["单雄信", "张佳明", "张佳"].into_iter().enumerate() {
        let mut body = new_worker("330481001001", &fresh_id(40 + i as u16));
        body["name"] = json!(name);
        let (s, w) = app.post_json(&admin, "/api/v1/workers", body).await;
        assert_eq!(s, StatusCode::CREATED, "{w}");
        ids.push(w["id"].as_str().unwrap().to_string());
    }
    for typed in ["zjm", "ZJM", "zhangjiaming", "jiaming", "jm", "佳明", "张佳明"] {
        let (s, v) = app.get_json(&admin, &q(typed)).await;
        assert_eq!(s, StatusCode::OK);
        assert!(names(&v).contains(&"张佳明".to_string()), "{typed}: {v}");
    }
    // The surname 单 is read shàn.
    for typed in ["sxx", "shanxiongxin", "单"] {
        let (_, v) = app.get_json(&admin, &q(typed)).await;
        assert!(names(&v).contains(&"单雄信".to_string()), "{typed}: {v}");
    }
    let (_, v) = app.get_json(&admin, &q("dxx")).await;
    assert!(!names(&v).contains(&"单雄信".to_string()), "{v}");
    // One character is enough; the name typed in full comes first.
    let (_, v) = app.get_json(&admin, &q("佳")).await;
    let found = names(&v);
    assert!(found.contains(&"张佳".to_string()) && found.contains(&"张佳明".to_string()), "{v}");
    let (_, v) = app.get_json(&admin, &q("张佳")).await;
    assert_eq!(names(&v)[0], "张佳", "{v}");
    // Also with the default order named, as the list page sends it: a name typed in full, of someone
    // in the county's last community, comes before a longer name in its first community.
    let all = app.all_workers(&admin, "sort=region").await;
    let first = all.iter().find(|w| w["name"].as_str().unwrap().chars().count() == 3).unwrap();
    let last_community = all.last().unwrap()["community_code"].as_str().unwrap();
    let short: String = first["name"].as_str().unwrap().chars().skip(1).collect();
    let mut body = new_worker(last_community, &fresh_id(49));
    body["name"] = json!(short);
    let (s, w) = app.post_json(&admin, "/api/v1/workers", body).await;
    assert_eq!(s, StatusCode::CREATED, "{w}");
    let (_, v) = app.get_json(&admin, &format!("{}&sort=region", q(&short))).await;
    assert_eq!(names(&v)[0], short, "{v}");
    assert!(names(&v).contains(&first["name"].as_str().unwrap().to_string()), "{v}");

    // A new name is found by its own keys, the old one no more.
    let (s, v) = app.patch_json(&admin, &format!("/api/v1/workers/{}", ids[1]), json!({"name": "李佳明"})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, v) = app.get_json(&admin, &q("ljm")).await;
    assert_eq!(names(&v), vec!["李佳明".to_string()], "{v}");
    let (_, v) = app.get_json(&admin, &q("zjm")).await;
    assert!(!names(&v).contains(&"李佳明".to_string()), "{v}");

    // The last digits of the ID number: for the county's administrator, not for a community head.
    let head = app.token("community").await;
    let (_, mine) = app.get_json(&head, "/api/v1/workers?per_page=1").await;
    let someone = mine["items"][0]["id"].as_str().unwrap().to_string();
    let (_, full) = app.get_json(&admin, &format!("/api/v1/workers/{someone}?full_id=true")).await;
    let number = full["id_number_full"].as_str().unwrap().to_string();
    let tail = &number[number.len() - 6..];
    let (_, v) = app.get_json(&admin, &q(tail)).await;
    assert!(v["items"].as_array().unwrap().iter().any(|w| w["id"] == someone.as_str()), "{v}");
    let (_, v) = app.get_json(&head, &q(tail)).await;
    assert_eq!(v["total"], 0, "a community head finds nobody by part of a number: {v}");

    // The neighbouring county finds none of them, by any key.
    let tongxiang = app.token("tongxiang").await;
    for typed in ["sxx", "张佳", "ljm", tail] {
        let (_, v) = app.get_json(&tongxiang, &q(typed)).await;
        assert!(
            v["items"].as_array().unwrap().iter().all(|w| w["community_code"].as_str().unwrap().starts_with("330483")),
            "{typed}: {v}"
        );
    }
}

both_engines!(by_fragment_pinyin_initials_and_id_tail);

/// A search ranks the whole name, 拼音 or initials typed first, then the names that begin with what
/// was typed, then the rest; keyset pages go on in that order.
async fn the_whole_name_or_its_pinyin_ranks_first(app: TestApp) {
    let admin = app.token("haining").await;
    // In communities ordered against the ranks: the default order alone would list them backwards.
    for (i, (name, community)) in
        [("姚明", "330481001003"), ("姚明鹏", "330481001002"), ("何瑶", "330481001001"), ("张燕梅", "330481001001")]
            .into_iter()
            .enumerate()
    {
        let mut body = new_worker(community, &fresh_id(60 + i as u16));
        body["name"] = json!(name);
        let (s, w) = app.post_json(&admin, "/api/v1/workers", body).await;
        assert_eq!(s, StatusCode::CREATED, "{w}");
    }
    let first = |v: &Value, n: usize| names(v).into_iter().take(n).collect::<Vec<_>>();
    let (_, v) = app.get_json(&admin, &q("yaoming")).await;
    assert_eq!(first(&v, 2), ["姚明", "姚明鹏"], "{v}");
    // Initials: every name whose initials are ym (the demo's 叶敏 too), then 姚明鹏, then 张燕梅.
    let (_, v) = app.get_json(&admin, &q("ym")).await;
    let all = names(&v);
    let at = |n: &str| all.iter().position(|x| x == n).unwrap();
    assert!(at("姚明") < at("姚明鹏") && at("姚明鹏") < at("张燕梅"), "{all:?}");
    let (_, v) = app.get_json(&admin, &q("姚明")).await;
    assert_eq!(first(&v, 2), ["姚明", "姚明鹏"], "{v}");
    let (_, v) = app.get_json(&admin, &q("yao")).await;
    let all = names(&v);
    let he = all.iter().position(|n| n == "何瑶").unwrap();
    assert!(all[..he].iter().all(|n| n.starts_with('姚')), "{all:?}");
    // One at a time with `after`: the same order.
    let mut walked = Vec::new();
    let mut after = String::new();
    loop {
        let (s, v) = app.get_json(&admin, &format!("/api/v1/workers?q=ym&per_page=1&after={after}")).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        walked.extend(names(&v));
        match v["next"].as_str() {
            Some(n) => after = n.to_string(),
            None => break,
        }
    }
    let (_, v) = app.get_json(&admin, &q("ym")).await;
    assert_eq!(walked, names(&v));
}
both_engines!(the_whole_name_or_its_pinyin_ranks_first);

/// What an input method types: full-width letters and digits, invisible characters, another dot.
async fn queries_as_input_methods_type_them(app: TestApp) {
    let admin = app.token("haining").await;
    let mut body = new_worker("330481001001", &fresh_id(70));
    body["name"] = json!("阿依古丽·买买提");
    let (s, w) = app.post_json(&admin, "/api/v1/workers", body).await;
    assert_eq!(s, StatusCode::CREATED, "{w}");
    let (_, full) = app.get_json(&admin, &format!("/api/v1/workers/{}?full_id=true", w["id"].as_str().unwrap())).await;
    let number = full["id_number_full"].as_str().unwrap().to_string();
    let wide_tail: String = number[14..].chars().map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap()).collect();
    for typed in ["阿依古丽.买买提", "ＡＹＩＧＵＬＩ", "ayi\u{200B}guli", "买买提\u{FEFF}", wide_tail.as_str()]
    {
        let (s, v) = app.get_json(&admin, &q(typed)).await;
        assert_eq!(s, StatusCode::OK, "{typed}: {v}");
        assert!(names(&v).contains(&"阿依古丽·买买提".to_string()), "{typed}: {v}");
    }
    let (s, v) = app.get_json(&admin, &q("\u{200B}")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
}
both_engines!(queries_as_input_methods_type_them);
