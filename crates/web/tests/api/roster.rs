//! A course's roster: a person added by name, marked absent (no credits) or passed, taken off;
//! other counties and workers kept out.

use crate::both_engines;
use crate::helpers::{TestApp, browser, browser_login, csrf_of, text_of};
use reqwest::StatusCode;
use shegong_store::demo::DEMO_PASSWORD;

async fn a_course_roster_is_kept_person_by_person(app: TestApp) {
    let hn = app.token("haining").await;
    let id = app.new_course("网格员业务培训").await;
    let (_, list) = app.get_json(&hn, "/api/v1/workers?region=330481&per_page=1").await;
    let w = &list["items"][0];
    let (wid, name) = (w["id"].as_str().unwrap(), w["name"].as_str().unwrap());
    let (_, full) = app.get_json(&hn, &format!("/api/v1/workers/{wid}?full_id=true")).await;
    let id_number = full["id_number_full"].as_str().unwrap();
    let b = browser();
    browser_login(&app, &b, "haining", DEMO_PASSWORD, "/").await;
    let page = text_of(&b, app.url(&format!("/trainings/{id}"))).await;
    assert!(page.contains("网格员业务培训") && page.contains("参训名单"));
    let csrf = csrf_of(&page);
    // Added by ID number, absent: on the roster with no credits.
    let r = b
        .post(app.url(&format!("/trainings/{id}/people")))
        .form(&[("_csrf", csrf.as_str()), ("who", id_number), ("outcome", "absent")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = text_of(&b, app.url(&format!("/trainings/{id}"))).await;
    assert!(page.contains(name) && page.contains("缺勤"), "on the roster as absent");
    // Marked passed: the credits count.
    b.post(app.url(&format!("/trainings/{id}/people/{wid}")))
        .form(&[("_csrf", csrf.as_str()), ("outcome", "passed")])
        .send()
        .await
        .unwrap();
    let page = text_of(&b, app.url(&format!("/trainings/{id}"))).await;
    assert!(page.contains(r#"<td class="num">8</td>"#), "8 credits once passed");
    assert!(!page.contains("缺勤</td>"), "no longer absent");
    // Nobody by that name: said, nothing added.
    let r = b
        .post(app.url(&format!("/trainings/{id}/people")))
        .form(&[("_csrf", csrf.as_str()), ("who", "查无此人"), ("outcome", "passed")])
        .send()
        .await
        .unwrap();
    let back = text_of(&b, app.url(r.headers()["location"].to_str().unwrap())).await;
    assert!(back.contains("没有在岗人员“查无此人”"));
    // A fragment of the name, or its 拼音, finds people in the list but never picks one here.
    let fragment: String = name.chars().skip(1).collect();
    let r = b
        .post(app.url(&format!("/trainings/{id}/people")))
        .form(&[("_csrf", csrf.as_str()), ("who", fragment.as_str()), ("outcome", "passed")])
        .send()
        .await
        .unwrap();
    let back = text_of(&b, app.url(r.headers()["location"].to_str().unwrap())).await;
    assert!(back.contains("请填写完整姓名或身份证号码"), "a fragment picked someone");
    // Taken off the roster.
    b.post(app.url(&format!("/trainings/{id}/people/{wid}/remove")))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    let page = text_of(&b, app.url(&format!("/trainings/{id}"))).await;
    assert!(!page.contains(&format!(">{name}<")), "off the roster");
    // Other counties and workers: kept out.
    let tx = app.token("tongxiang").await;
    assert_eq!(app.get(&tx, &format!("/trainings/{id}")).await.status(), StatusCode::NOT_FOUND);
    let worker = app.token("worker").await;
    assert_eq!(app.get(&worker, &format!("/trainings/{id}")).await.status(), StatusCode::FORBIDDEN);
}
both_engines!(a_course_roster_is_kept_person_by_person);
