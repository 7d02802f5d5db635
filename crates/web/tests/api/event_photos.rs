//! An event's photos over HTTP: kept without where they were taken, once per picture, opened only by
//! those who see the event; what is not a JPEG or PNG refused by name.

use crate::both_engines;
use crate::helpers::TestApp;
use reqwest::multipart::{Form, Part};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

/// A small JPEG whose EXIF names where it was taken.
pub(crate) fn jpeg() -> Vec<u8> {
    let mut v = vec![0xFF, 0xD8];
    let exif = b"Exif\0\0GPS 30.5101N 120.6803E";
    v.extend_from_slice(&[0xFF, 0xE1]);
    v.extend_from_slice(&((exif.len() + 2) as u16).to_be_bytes());
    v.extend_from_slice(exif);
    v.extend_from_slice(&[0xFF, 0xC0, 0x00, 0x0B, 8, 0x00, 0x03, 0x00, 0x04, 1, 1, 0x11, 0]);
    v.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x08, 1, 1, 0, 0, 0x3F, 0, 0x12, 0x34, 0x56, 0xFF, 0xD9]);
    v
}

async fn upload(app: &TestApp, token: &str, id: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
    let form = Form::new().part("file", Part::bytes(bytes).file_name("现场.jpg"));
    let r = Client::new()
        .post(app.url(&format!("/api/v1/events/{id}/photos")))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let s = r.status();
    (s, r.json().await.unwrap_or(Value::Null))
}

async fn photos_are_kept_without_their_place(app: TestApp) {
    let community = app.token("community").await;
    let auditor = app.token("auditor").await;
    let tongxiang = app.token("tongxiang").await;
    let (_, me) = app.get_json(&community, "/api/v1/me").await;
    let body =
        json!({"region": me["region"], "category": "safety.fire", "source": "window", "description": "楼道堆物"});
    let (s, e) = app.post_json(&community, "/api/v1/events", body).await;
    assert_eq!(s, StatusCode::CREATED, "{e}");
    let id = e["id"].as_str().unwrap().to_string();

    let (s, p) = upload(&app, &community, &id, jpeg()).await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let sha = p["sha256"].as_str().unwrap().to_string();
    // The same picture again is the same photo.
    let (s, again) = upload(&app, &community, &id, jpeg()).await;
    assert_eq!((s, again["sha256"].as_str()), (StatusCode::CREATED, Some(sha.as_str())));
    let (_, list) = app.get_json(&community, &format!("/api/v1/events/{id}/photos")).await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1), "{list}");
    // Named as the person is called, not by the login name.
    let who = list["items"][0]["created_by_name"].as_str().unwrap_or_default();
    assert!(!who.is_empty() && who != "community", "{list}");
    // What is kept no longer says where it was taken.
    let r = app.get(&community, &format!("/events/{id}/photos/{sha}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "image/jpeg");
    let kept = r.bytes().await.unwrap();
    assert!(kept.starts_with(&[0xFF, 0xD8]) && !kept.windows(3).any(|w| w == b"GPS"));

    // Not a picture, refused by name; a reader adds nothing; outside the region nothing is found.
    let (s, v) = upload(&app, &community, &id, b"%PDF-1.4 not a photo".to_vec()).await;
    assert_eq!((s, v["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("file")), "{v}");
    let (s, v) = upload(&app, &community, &id, jpeg()[..12].to_vec()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, _) = upload(&app, &auditor, &id, jpeg()).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = upload(&app, &tongxiang, &id, jpeg()).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&tongxiang, &format!("/events/{id}/photos/{sha}")).await.status(), StatusCode::NOT_FOUND);
}
both_engines!(photos_are_kept_without_their_place);
