//! Accounts: changing one's password, an admin's reset with a forced change, the password rule,
//! token expiry and disabled users' tokens, login throttling under concurrency and known devices,
//! login CSRF, `next`, and messages in the address.
use crate::helpers::text_of;

use crate::both_engines;
use crate::helpers::{TestApp, browser_login};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use shegong_store::demo::DEMO_PASSWORD;

async fn token_for(app: &TestApp, user: &str, password: &str) -> (StatusCode, Value) {
    let r = Client::new()
        .post(app.url("/api/v1/auth/token"))
        .json(&json!({"username": user, "password": password}))
        .send()
        .await
        .unwrap();
    (r.status(), r.json().await.unwrap_or(Value::Null))
}

use crate::helpers::browser;

async fn change_and_reset_passwords(app: TestApp) {
    let t = app.token("worker").await;
    // The rule, with the field named.
    for (bad, code) in
        [("short", "password_too_short"), ("aaaaaaaaaaaa", "password_weak"), ("password2026", "password_weak")]
    {
        let (s, v) = app
            .post_json(&t, "/api/v1/me/password", json!({"current_password": DEMO_PASSWORD, "new_password": bad}))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {v}");
        assert_eq!((v["code"].as_str(), v["field"].as_str()), (Some(code), Some("new_password")), "{v}");
    }
    let long = "长".repeat(1 << 16);
    let (s, v) = app
        .post_json(&t, "/api/v1/me/password", json!({"current_password": DEMO_PASSWORD, "new_password": long}))
        .await;
    assert_eq!((s, v["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("password_too_long")));
    let (s, v) = app
        .post_json(
            &t,
            "/api/v1/me/password",
            json!({"current_password": "wrong-one-here", "new_password": "马兰花开二月二龙抬头"}),
        )
        .await;
    assert_eq!((s, v["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("current_password")));
    // The change: the old password stops working at once, the new one works.
    let (s, _) = app
        .post_json(
            &t,
            "/api/v1/me/password",
            json!({"current_password": DEMO_PASSWORD, "new_password": "马兰花开二月二龙抬头"}),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(token_for(&app, "worker", DEMO_PASSWORD).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(token_for(&app, "worker", "马兰花开二月二龙抬头").await.0, StatusCode::CREATED);

    // An admin's reset: the user's tokens die, the new password must be changed before anything else.
    let admin = app.token("haining").await;
    let street = app.token("street").await;
    let (_, users) = app.get_json(&admin, "/api/v1/users").await;
    let id = users["items"].as_array().unwrap().iter().find(|u| u["username"] == "street").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    // Not by a county outside, not by the user's peers, not with a weak password.
    let tongxiang = app.token("tongxiang").await;
    let (s, _) = app
        .post_json(&tongxiang, &format!("/api/v1/users/{id}/password"), json!({"new_password": "临时密码请尽快修改掉"}))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, v) =
        app.post_json(&admin, &format!("/api/v1/users/{id}/password"), json!({"new_password": "12345678"})).await;
    assert_eq!((s, v["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("new_password")));
    let (s, v) = app
        .post_json(&admin, &format!("/api/v1/users/{id}/password"), json!({"new_password": "临时密码请尽快修改掉"}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(app.get(&street, "/api/v1/me").await.status(), StatusCode::UNAUTHORIZED, "old tokens are revoked");
    let (s, v) = token_for(&app, "street", "临时密码请尽快修改掉").await;
    assert_eq!(s, StatusCode::CREATED);
    let fresh = v["token"].as_str().unwrap().to_string();
    let (s, v) = app.get_json(&fresh, "/api/v1/workers").await;
    assert_eq!((s, v["code"].as_str()), (StatusCode::FORBIDDEN, Some("password_change_required")));
    let (s, v) = app.get_json(&fresh, "/api/v1/me").await;
    assert_eq!((s, v["must_change_password"].as_bool()), (StatusCode::OK, Some(true)));
    let (s, _) = app
        .post_json(
            &fresh,
            "/api/v1/me/password",
            json!({"current_password": "临时密码请尽快修改掉", "new_password": "街道干部自己的新密码"}),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    // The token made with the temporary password dies with it; a new one works.
    assert_eq!(app.get(&fresh, "/api/v1/workers").await.status(), StatusCode::UNAUTHORIZED);
    let (s, v) = token_for(&app, "street", "街道干部自己的新密码").await;
    assert_eq!(s, StatusCode::CREATED);
    let mine = v["token"].as_str().unwrap().to_string();
    assert_eq!(app.get(&mine, "/api/v1/workers").await.status(), StatusCode::OK);
    // The audit log names both.
    let (_, log) = app.get_json(&admin, "/api/v1/audit?per_page=50").await;
    let actions: Vec<&str> = log["items"].as_array().unwrap().iter().filter_map(|r| r["action"].as_str()).collect();
    assert!(actions.contains(&"user.password_reset") && actions.contains(&"user.password_change"), "{actions:?}");

    // In the browser, a forced change sends every page to the password form.
    let (s, _) = app
        .post_json(&admin, &format!("/api/v1/users/{id}/password"), json!({"new_password": "又一个临时密码请修改"}))
        .await;
    assert_eq!(s, StatusCode::OK);
    let b = browser();
    let r = browser_login(&app, &b, "street", "又一个临时密码请修改", "/workers").await;
    assert_eq!(r.headers()["location"], "/account/password");
    let r = b.get(app.url("/workers")).send().await.unwrap();
    assert_eq!(r.headers()["location"], "/account/password");
    let page = text_of(&b, app.url("/account/password")).await;
    assert!(page.contains("管理员已为您重置了密码"));
    // Set, the new password leads home, which says so.
    let r = b
        .post(app.url("/account/password"))
        .form(&[
            ("_csrf", crate::helpers::csrf_of(&page).as_str()),
            ("current_password", "又一个临时密码请修改"),
            ("new_password", "Jiedao-Xin-2026!"),
            ("confirm_password", "Jiedao-Xin-2026!"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/");
    let home = text_of(&b, app.url("/")).await;
    assert!(home.contains("密码已修改，可以正常使用系统了"), "the home page shows the message");
}
both_engines!(change_and_reset_passwords);

async fn tokens_expire_and_die_with_their_user(app: TestApp) {
    use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
    use shegong_store::entity::api_token;
    let t = app.token("community").await;
    assert_eq!(app.get(&t, "/api/v1/me").await.status(), StatusCode::OK);
    // 91 days old: past the default 90.
    let hash = shegong_store::users::hash_token(&t);
    let rows = api_token::Entity::find().all(&app.db.conn).await.unwrap();
    let row = rows.into_iter().find(|r| r.token_hash == hash).unwrap();
    let mut am = row.into_active_model();
    am.created_at = Set(chrono::Utc::now() - chrono::Duration::days(91));
    am.update(&app.db.writer).await.unwrap();
    assert_eq!(app.get(&t, "/api/v1/me").await.status(), StatusCode::UNAUTHORIZED);

    // Disabling a user kills their tokens; enabling them again does not revive them.
    let t = app.token("community").await;
    let admin = app.token("haining").await;
    let (_, users) = app.get_json(&admin, "/api/v1/users").await;
    let id = users["items"].as_array().unwrap().iter().find(|u| u["username"] == "community").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let b = browser();
    browser_login(&app, &b, "haining", DEMO_PASSWORD, "/").await;
    let page = text_of(&b, app.url("/users")).await;
    let csrf = crate::helpers::csrf_of(&page);
    for _ in 0..2 {
        let r = b.post(app.url(&format!("/users/{id}/toggle"))).form(&[("_csrf", csrf.as_str())]).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    assert_eq!(app.get(&t, "/api/v1/me").await.status(), StatusCode::UNAUTHORIZED);
    assert!(!app.token("community").await.is_empty(), "the user logs in again");
}
both_engines!(tokens_expire_and_die_with_their_user);

async fn throttling_holds_under_concurrency_and_spares_known_devices(app: TestApp) {
    // 40 simultaneous wrong passwords: at most five are checked, the rest answer 429.
    let mut tasks = Vec::new();
    for _ in 0..40 {
        let url = app.url("/api/v1/auth/token");
        tasks.push(tokio::spawn(async move {
            Client::new()
                .post(url)
                .json(&json!({"username": "tongxiang", "password": "not-the-password"}))
                .send()
                .await
                .unwrap()
                .status()
        }));
    }
    let mut checked = 0;
    for t in tasks {
        match t.await.unwrap() {
            StatusCode::UNAUTHORIZED => checked += 1,
            StatusCode::TOO_MANY_REQUESTS => {}
            other => panic!("answered {other}"),
        }
    }
    assert!(checked <= 5, "{checked} wrong passwords were checked");
    assert_eq!(token_for(&app, "tongxiang", DEMO_PASSWORD).await.0, StatusCode::TOO_MANY_REQUESTS);

    // The clerk's own browser has logged in before: a stranger's failures do not lock it out.
    let clerk = browser();
    let r = browser_login(&app, &clerk, "city", DEMO_PASSWORD, "/").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(
        r.headers().get_all("set-cookie").iter().any(|c| c.to_str().unwrap().starts_with("sg_device=")),
        "a known-device cookie is issued"
    );
    let stranger = browser();
    for _ in 0..6 {
        browser_login(&app, &stranger, "city", "guess-guess-guess", "/").await;
    }
    let r = browser_login(&app, &stranger, "city", DEMO_PASSWORD, "/").await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "an unknown device waits");
    let r = browser_login(&app, &clerk, "city", DEMO_PASSWORD, "/").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "the known device logs in");
}
both_engines!(throttling_holds_under_concurrency_and_spares_known_devices);

async fn login_form_csrf_next_and_banners(app: TestApp) {
    let b = browser();
    // A login post without the form's token is refused, and no session starts.
    let r = b
        .post(app.url("/login"))
        .form(&[("username", "haining"), ("password", DEMO_PASSWORD), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.headers().get_all("set-cookie").iter().all(|c| !c.to_str().unwrap().starts_with("sg_session=")));
    // `next` leaves the site by no route, and a newline in it is no server error.
    for next in ["/\t/example.org", "//example.org", "/\\example.org", "https://example.org/", "/x\r\nSet-Cookie: a=b"]
    {
        let b = browser();
        let r = browser_login(&app, &b, "haining", DEMO_PASSWORD, next).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(r.headers()["location"], "/", "{next:?}");
    }
    let r = browser_login(&app, &b, "haining", DEMO_PASSWORD, "/workers?page=2").await;
    assert_eq!(r.headers()["location"], "/workers?page=2");
    // Text in the address shows no banner; the server's own messages do.
    let fake = "系统升级请拨打400";
    for path in ["/reserves", "/staffing", "/users", "/payroll"] {
        let url = format!("{path}?error={fake}&notice={fake}");
        let html = text_of(&b, app.url(&url)).await;
        assert!(!html.contains(fake), "{path} shows text from its address");
    }
}
both_engines!(login_form_csrf_next_and_banners);

/// A form's outcome reaches the next page in a cookie, not in the address: the page shows it once,
/// a reload shows nothing, and the address stays clean.
async fn flash_messages_show_once(app: TestApp) {
    let b = browser();
    browser_login(&app, &b, "haining", DEMO_PASSWORD, "/").await;
    let page = text_of(&b, app.url("/account/password")).await;
    let r = b
        .post(app.url("/account/password"))
        .form(&[
            ("_csrf", crate::helpers::csrf_of(&page).as_str()),
            ("current_password", DEMO_PASSWORD),
            ("new_password", "Xin-Mima-2026!"),
            ("confirm_password", "Xin-Mima-2026!"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/account", "no message in the address");
    assert_eq!(crate::helpers::flash_kind(&r).as_deref(), Some("notice"));
    let shown = text_of(&b, app.url("/account")).await;
    assert!(shown.contains("密码已修改"), "the next page shows the notice");
    let again = text_of(&b, app.url("/account")).await;
    assert!(!again.contains("密码已修改"), "a reload does not");
    // A message cookie made up by hand shows nothing.
    let forged = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let token = app.token("tongxiang").await;
    let html = forged
        .get(app.url("/account"))
        .header("authorization", format!("Bearer {token}"))
        .header("cookie", "shegong_flash=notice=%E7%B3%BB%E7%BB%9F%E5%8D%87%E7%BA%A7&t=1&sig=00")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!html.contains("系统升级"));
    // Nor can a message cookie add other parameters to the address (an Excel file for a page).
    let r = forged
        .get(app.url("/reserves"))
        .header("authorization", format!("Bearer {token}"))
        .header("cookie", "shegong_flash=format=xlsx&page=abc")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
}
both_engines!(flash_messages_show_once);
