//! An archive's scans: a photo and PDF/JPEG/PNG papers, checked by their bytes and size, opened as
//! what they are, kept in the archive's region, removed by those who edit it.

use crate::both_engines;
use crate::helpers::{TestApp, browser, browser_login, csrf_of, text_of};
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use shegong_store::demo::DEMO_PASSWORD;

/// A JPEG's head (SOI, APP0, a 2×2 SOF0, EOI): what the upload reads, with no picture data.
const JPEG: &[u8] = &[
    0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xFF, 0xC0, 0, 17, 8, 0, 2, 0,
    2, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1, 0xFF, 0xD9,
];

/// A PNG's head stating `w`×`h` pixels, 16-bit RGBA, with no picture data after it.
fn png_head(w: u32, h: u32) -> Vec<u8> {
    let mut b = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];
    b.extend(b"IHDR");
    b.extend(w.to_be_bytes());
    b.extend(h.to_be_bytes());
    b.extend([16, 6, 0, 0, 0, 0, 0, 0, 0]);
    b
}

async fn scans_are_kept_with_the_archive(app: TestApp) {
    let worker = app.token("worker").await;
    let (_, me) = app.get_json(&worker, "/api/v1/me").await;
    let w = me["worker_id"].as_str().unwrap().to_string();
    let b = browser();
    browser_login(&app, &b, "haining", DEMO_PASSWORD, "/").await;
    let page = text_of(&b, app.url(&format!("/workers/{w}?tab=files"))).await;
    assert!(page.contains("上传照片或材料"));
    let csrf = csrf_of(&page);
    let upload = |kind: &str, name: &str, bytes: Vec<u8>| {
        Form::new()
            .text("_csrf", csrf.clone())
            .text("kind", kind.to_string())
            .part("file", Part::bytes(bytes).file_name(name.to_string()))
    };
    let send = |form: Form| b.post(app.url(&format!("/workers/{w}/attachments"))).multipart(form).send();
    // A diploma scan (PDF) and a photo (JPEG).
    let r = send(upload("diploma", "../毕业证书.pdf", b"%PDF-1.4 test".to_vec())).await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(!r.headers()["location"].to_str().unwrap().contains("error"));
    send(upload("photo", "照片.jpg", JPEG.to_vec())).await.unwrap();
    let page = text_of(&b, app.url(&format!("/workers/{w}?tab=files"))).await;
    assert!(page.contains("毕业证书.pdf") && page.contains("学历证书扫描件") && page.contains("照片"));
    assert!(!page.contains("../"), "no path in a kept name");
    // Refused by content, whatever the name says: an HTML page called .pdf, a GIF, a PDF as photo.
    for (kind, name, bytes, says) in [
        ("certificate", "证书.pdf", b"<html><script>alert(1)</script>".to_vec(), "只能上传"),
        ("other", "a.png", b"GIF89a....".to_vec(), "只能上传"),
        ("photo", "照片.pdf", b"%PDF-1.4".to_vec(), "照片应为"),
        // 69 bytes claiming a million pixels square: refused before anything decodes it.
        ("photo", "炸弹.png", png_head(1_000_000, 1_000_000), "尺寸过大"),
        ("photo", "大图.png", png_head(20_000, 20_000), "尺寸过大"),
        ("photo", "坏图.jpg", vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10], "损坏"),
    ] {
        let r = send(upload(kind, name, bytes)).await.unwrap();
        let back = text_of(&b, app.url(r.headers()["location"].to_str().unwrap())).await;
        assert!(back.contains(says), "{name}: {says}");
    }
    // Too large: 10 MB and one byte.
    let big = [b"%PDF-".as_slice(), &vec![0u8; 10 * 1024 * 1024]].concat();
    let r = send(upload("other", "big.pdf", big)).await.unwrap();
    assert!(r.status() == StatusCode::PAYLOAD_TOO_LARGE || r.status() == StatusCode::SEE_OTHER);
    // Opened as what it is, never as a page.
    let hn = app.token("haining").await;
    let id =
        page.split(&format!("/workers/{w}/attachments/")).nth(1).and_then(|s| s.split('"').next()).unwrap().to_string();
    let r = app.get(&hn, &format!("/workers/{w}/attachments/{id}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let ct = r.headers()["content-type"].to_str().unwrap().to_string();
    assert!(ct == "image/jpeg" || ct == "application/pdf", "{ct}");
    assert!(r.headers()["content-security-policy"].to_str().unwrap().contains("sandbox"));
    let photo = app.get(&hn, &format!("/workers/{w}/photo")).await;
    assert_eq!(photo.headers()["content-type"], "image/jpeg");
    // The 登记表 shows the photo.
    let form = app.get(&hn, &format!("/workers/{w}/registration-form")).await.text().await.unwrap();
    assert!(form.contains(&format!("/workers/{w}/photo")));
    // The worker opens their own, cannot upload; another county sees nothing.
    assert_eq!(app.get(&worker, &format!("/workers/{w}/photo")).await.status(), StatusCode::OK);
    let tx = app.token("tongxiang").await;
    assert_eq!(app.get(&tx, &format!("/workers/{w}/photo")).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get(&tx, &format!("/workers/{w}/attachments/{id}")).await.status(), StatusCode::NOT_FOUND);
    // Removed.
    let r = b
        .post(app.url(&format!("/workers/{w}/attachments/{id}/remove")))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get(&hn, &format!("/workers/{w}/attachments/{id}")).await.status(), StatusCode::NOT_FOUND);
    // A photo whose head is right but whose data is missing leaves the PDF's photo box empty, not
    // broken: a JPEG, then a PNG (decoded only when the file is written).
    if shegong_web::pdf::font(None).is_ok() {
        for bad in [JPEG.to_vec(), png_head(2, 2)] {
            let _ = send(upload("photo", "照片", bad)).await.unwrap();
            let pdf = app.get(&hn, &format!("/workers/{w}/registration-form.pdf")).await;
            assert_eq!(pdf.status(), StatusCode::OK);
            assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF-"));
        }
    }
}
both_engines!(scans_are_kept_with_the_archive);
