//! The 社区工作者登记表: one printable page per worker with the archive's records and signature lines;
//! the whole ID number only for those who may see it (and the view logged); nobody outside the region.

use crate::both_engines;
use crate::helpers::TestApp;
use reqwest::StatusCode;

async fn the_registration_form_prints_the_archive(app: TestApp) {
    let hn = app.token("haining").await;
    let head = app.token("community").await;
    let (_, me) = app.get_json(&head, "/api/v1/me").await;
    let community = me["region"].as_str().unwrap().to_string();
    let (_, list) = app.get_json(&hn, &format!("/api/v1/workers?region={community}&per_page=1")).await;
    let w = &list["items"][0];
    let id = w["id"].as_str().unwrap();
    let (_, full) = app.get_json(&hn, &format!("/api/v1/workers/{id}?full_id=true")).await;
    let id_number = full["id_number_full"].as_str().unwrap().to_string();
    let page = app.get(&hn, &format!("/workers/{id}/registration-form")).await.text().await.unwrap();
    for text in [
        "社区工作者登记表",
        w["name"].as_str().unwrap(),
        "简历",
        "学历",
        "年度考核",
        "奖惩",
        "本人签字",
        "街道（乡镇）审核意见",
        "照片",
        id_number.as_str(),
    ] {
        assert!(page.contains(text), "{text}");
    }
    assert!(page.contains("@page { size: A4"), "an A4 print layout");
    let (_, log) = app.get_json(&hn, "/api/v1/audit?per_page=5").await;
    assert!(log["items"].to_string().contains("registration-form"), "the whole ID number's view is logged");
    // A community head prints it with the ID number masked.
    let page = app.get(&head, &format!("/workers/{id}/registration-form")).await.text().await.unwrap();
    assert!(!page.contains(&id_number));
    assert!(page.contains(&shegong_domain::id_number::mask(&id_number)));
    // Another county: not found.
    let tx = app.token("tongxiang").await;
    assert_eq!(app.get(&tx, &format!("/workers/{id}/registration-form")).await.status(), StatusCode::NOT_FOUND);
}
both_engines!(the_registration_form_prints_the_archive);

async fn the_registration_form_downloads_as_a_pdf_with_its_font_embedded(app: TestApp) {
    let hn = app.token("haining").await;
    let (_, list) = app.get_json(&hn, "/api/v1/workers?per_page=1").await;
    let id = list["items"][0]["id"].as_str().unwrap().to_string();
    let name = list["items"][0]["name"].as_str().unwrap().to_string();
    let res = app.get(&hn, &format!("/workers/{id}/registration-form.pdf")).await;
    if shegong_web::pdf::font(None).is_err() {
        // No CJK font on this machine: a clear refusal, never a PDF of empty boxes.
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(res.text().await.unwrap().contains("fonts-noto-cjk"));
        return;
    }
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    let disposition = res.headers()["content-disposition"].to_str().unwrap().to_string();
    let encoded: String = serde_urlencoded::to_string([("f", format!("社区工作者登记表-{name}.pdf"))]).unwrap();
    assert!(disposition.contains(&encoded[2..]), "{disposition}");
    let pdf = res.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let has = |needle: &[u8]| pdf.windows(needle.len()).any(|w| w == needle);
    assert!(has(b"/FontFile"), "the font is embedded");
    assert!(has(b"/ToUnicode"), "the text can be searched and copied");
    assert!(pdf.len() < 400_000, "the font is subset, not the whole file: {} bytes", pdf.len());
    let (_, log) = app.get_json(&hn, "/api/v1/audit?per_page=5").await;
    assert!(log["items"].to_string().contains("registration-form-pdf"), "the PDF's whole ID number is logged");
    // Another county: not found; not logged in: sent to the login page.
    let tx = app.token("tongxiang").await;
    assert_eq!(app.get(&tx, &format!("/workers/{id}/registration-form.pdf")).await.status(), StatusCode::NOT_FOUND);
}
both_engines!(the_registration_form_downloads_as_a_pdf_with_its_font_embedded);
