use reqwest::{Client, Response, StatusCode};
use serde_json::Value;
use shegong_store::Db;
use shegong_store::demo::{self, DemoOptions};

pub struct TestApp {
    pub base: String,
    pub db: Db,
    _dir: tempfile::TempDir,
}

/// Runs one async test body on SQLite and, when configured, on PostgreSQL.
#[macro_export]
macro_rules! both_engines {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::helpers::TestApp::spawn(false).await).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if shegong_store::testing::pg_url().is_none() {
                    eprintln!("SHEGONG_TEST_PG_URL not set: PostgreSQL run skipped");
                    return;
                }
                super::$name($crate::helpers::TestApp::spawn(true).await).await;
                $crate::helpers::no_new_fan_out();
            }
        }
    };
}

/// Fails when any statement the suite sent on PostgreSQL read or changed a table distributed by
/// province without naming the province: on Citus it would go to every shard. The suite sends none.
pub fn no_new_fan_out() {
    let seen = shegong_store::testing::fan_outs();
    assert!(
        seen.is_empty(),
        "statements that name no province for a table distributed by province (they would go to every shard on Citus):\n{}",
        seen.keys().map(String::as_str).collect::<Vec<_>>().join("\n")
    );
}

impl TestApp {
    /// A fresh database with the demo restricted to 海宁市 and 桐乡市, and the app on port 0.
    pub async fn spawn(postgres: bool) -> Self {
        // RUST_LOG=… shows the server's log under a test.
        if std::env::var_os("RUST_LOG").is_some() {
            let _ = tracing_subscriber::fmt().with_test_writer().try_init();
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let (db, _url) = shegong_store::testing::fresh(postgres, dir.path()).await.expect("database");
        let opts =
            DemoOptions::counties(7, &["330481", "330483"], chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap());
        demo::load(&db, &opts, &|_, _, _| {}).await.expect("demo");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().unwrap();
        shegong_web::spawn(db.clone(), listener).await;
        Self { base: format!("http://{addr}"), db, _dir: dir }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A two-day course of 海宁市 named `name` (8 credits), created by its administrator; its id.
    pub async fn new_course(&self, name: &str) -> String {
        let t = self.token("haining").await;
        let body = serde_json::json!({"name": name, "kind": "duty", "region": "330481", "organiser": "海宁市民政局",
                                      "start_date": "2026-10-12", "end_date": "2026-10-13", "hours": 16, "credits": 8});
        let (s, course) = self.post_json(&t, "/api/v1/trainings", body).await;
        assert_eq!(s, reqwest::StatusCode::CREATED, "{course}");
        course["id"].as_str().unwrap().to_string()
    }

    /// A bearer token for a demo user.
    pub async fn token(&self, user: &str) -> String {
        let r = Client::new()
            .post(self.url("/api/v1/auth/token"))
            .json(&serde_json::json!({"username": user, "password": demo::DEMO_PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED, "login of {user}");
        r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_string()
    }

    pub async fn get(&self, token: &str, path: &str) -> Response {
        Client::new().get(self.url(path)).bearer_auth(token).send().await.unwrap()
    }

    pub async fn get_json(&self, token: &str, path: &str) -> (StatusCode, Value) {
        let r = self.get(token, path).await;
        let s = r.status();
        let body = r.json().await.unwrap_or(Value::Null);
        crate::schema::check("GET", path, s.as_u16(), &body);
        (s, body)
    }

    /// Sends JSON with a method and returns the status and the JSON answer (null when none).
    pub async fn send_json(
        &self,
        method: reqwest::Method,
        token: &str,
        path: &str,
        body: Value,
    ) -> (StatusCode, Value) {
        let r =
            Client::new().request(method.clone(), self.url(path)).bearer_auth(token).json(&body).send().await.unwrap();
        let s = r.status();
        let answer = r.json().await.unwrap_or(Value::Null);
        if !answer.is_null() {
            crate::schema::check(method.as_str(), path, s.as_u16(), &answer);
        }
        (s, answer)
    }

    pub async fn post_json(&self, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
        self.send_json(reqwest::Method::POST, token, path, body).await
    }

    pub async fn put_json(&self, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
        self.send_json(reqwest::Method::PUT, token, path, body).await
    }

    pub async fn patch_json(&self, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
        self.send_json(reqwest::Method::PATCH, token, path, body).await
    }

    /// Every worker the token sees (paging through the list).
    pub async fn all_workers(&self, token: &str, query: &str) -> Vec<Value> {
        let mut out = Vec::new();
        for page in 1.. {
            let (s, v) = self.get_json(token, &format!("/api/v1/workers?per_page=200&page={page}&{query}")).await;
            assert_eq!(s, StatusCode::OK, "{v}");
            let items = v["items"].as_array().unwrap().clone();
            let done = items.len() < 200;
            out.extend(items);
            if done {
                break;
            }
        }
        out
    }

    /// Row counts of the archive tables, to prove a rejected write changed nothing.
    pub async fn counts(&self) -> Vec<u64> {
        use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
        use shegong_store::entity::*;
        // Every province's rows, each table asked with the provinces named (as Citus wants).
        let provinces = shegong_store::regions::provinces(&self.db.conn).await.unwrap();
        let c = &self.db.conn;
        // One table's rows in every province.
        macro_rules! rows {
            ($e:ident) => {
                $e::Entity::find().filter($e::Column::ProvinceCode.is_in(provinces.clone())).count(c).await.unwrap()
            };
        }
        vec![
            rows!(worker),
            rows!(appointment),
            rows!(education),
            rows!(certificate),
            id_registry::Entity::find().count(c).await.unwrap(),
            rows!(worker_change),
        ]
    }
}

/// The value of the first hidden `_csrf` field of a page.
pub fn csrf_of(html: &str) -> String {
    html.split("name=\"_csrf\" value=\"").nth(1).and_then(|s| s.split('"').next()).unwrap_or_default().to_string()
}

/// A browser-like client: it keeps cookies and does not follow redirects (tests read where they go).
pub fn browser() -> Client {
    Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// The text of the page at `url` (a GET with the client's cookies).
pub async fn text_of(client: &Client, url: String) -> String {
    client.get(url).send().await.unwrap().text().await.unwrap()
}

/// Logs a browser-like client (cookie store on, redirects off) in through the login form: the form
/// first, for its CSRF token, then the post. Returns the answer to the post.
pub async fn browser_login(app: &TestApp, client: &Client, username: &str, password: &str, next: &str) -> Response {
    let page = text_of(client, app.url("/login")).await;
    let csrf = csrf_of(&page);
    assert!(!csrf.is_empty(), "the login form has a CSRF token");
    client
        .post(app.url("/login"))
        .form(&[("_csrf", csrf.as_str()), ("username", username), ("password", password), ("next", next)])
        .send()
        .await
        .unwrap()
}

/// A valid new-worker body in a community of 海宁市.
pub fn new_worker(community: &str, id_number: &str) -> Value {
    serde_json::json!({
        "name": "测试员",
        "id_number": id_number,
        "community_code": community,
        "post_category": "staff",
        "title": "专职工作者",
        "start_date": "2025-03-01",
        "education_code": "21",
        "phone": "13800000000",
    })
}

/// A fresh valid ID number that no demo worker has.
pub fn fresh_id(seq: u16) -> String {
    shegong_domain::IdNumber::compose("330481", chrono::NaiveDate::from_ymd_opt(1995, 2, 3).unwrap(), 900 + seq)
        .to_string()
}

/// The kind of message (`notice` or `error`) a form's answer sends to the page it redirects to, if
/// any (flash messages ride in a cookie).
pub fn flash_kind(r: &Response) -> Option<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.strip_prefix("shegong_flash="))
        .filter_map(|v| v.split(['=', ';']).next())
        .find(|k| !k.is_empty())
        .map(str::to_string)
}
