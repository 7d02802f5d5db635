//! The operator's commands, run as a user would run them.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn shegong(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_shegong"))
        .args(args)
        .env_remove("SHEGONG_DATABASE_URL")
        .env_remove("SHEGONG_DATA_DIR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    if let Some(s) = stdin {
        child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

/// `shegong user add` with the password on standard input.
fn add_user(data_dir: &str, username: &str, role: &str, region: &str, password: &str) -> Output {
    let args = ["user", "add", "--username", username, "--role", role, "--region", region, "--password-stdin"];
    shegong(&[&args[..], &["--data-dir", data_dir]].concat(), Some(password))
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

#[test]
fn migrate_import_users_backup() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    // Global options before or after the subcommand.
    let o = shegong(&["--data-dir", d, "migrate"], None);
    assert!(o.status.success(), "{}", text(&o));
    let o = shegong(&["migrate", "--data-dir", d], None);
    assert!(o.status.success(), "{}", text(&o));

    // Regions: a bad file is refused whole, naming the line; a good one loads.
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "code,name,parent_code,level,households,residents,urban_rural_class\n33,浙江省,,province,,,\n3304x,嘉兴市,33,city,,,\n").unwrap();
    let o = shegong(&["regions", "import", bad.to_str().unwrap(), "--data-dir", d], None);
    assert!(!o.status.success());
    assert!(text(&o).contains("第3行"), "{}", text(&o));
    let orphan = dir.path().join("orphan.csv");
    std::fs::write(&orphan, "code,name\n330481001,硖石街道\n").unwrap();
    let o = shegong(&["regions", "import", orphan.to_str().unwrap(), "--data-dir", d], None);
    assert!(!o.status.success());
    assert!(text(&o).contains("上级区划"), "{}", text(&o));
    let good = dir.path().join("good.csv");
    std::fs::write(
        &good,
        "\u{feff}code,name,parent_code,level,households,residents,urban_rural_class\n33,浙江省,,province,,,\n3304,嘉兴市,33,city,,,\n330481,海宁市,3304,county,,,\n330481001,硖石街道,330481,street,,,111\n330481001001,示范社区,330481001,community,3000,8000,111\n",
    )
    .unwrap();
    let o = shegong(&["regions", "import", good.to_str().unwrap(), "--data-dir", d], None);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("已导入区划 5 条"), "{}", text(&o));

    // Users: the password from standard input; the role must match the region's level.
    let o = add_user(d, "haining", "county_admin", "330481", "a-long-password\n");
    assert!(o.status.success(), "{}", text(&o));
    let o = add_user(d, "haining2", "county_admin", "3304", "a-long-password\n");
    assert!(!o.status.success());
    assert!(text(&o).contains("应绑定"), "{}", text(&o));
    let o = add_user(d, "haining", "county_admin", "330481", "a-long-password\n");
    assert!(!o.status.success());
    assert!(text(&o).contains("用户名已被使用"), "{}", text(&o));
    // The password rule holds on the command line too.
    let o = add_user(d, "weak", "county_admin", "330481", "12345678\n");
    assert!(!o.status.success());
    assert!(text(&o).contains("密码至少需要10个字符"), "{}", text(&o));

    // Setting a password: the rule applies, the user must exist, and the new password is the one
    // that works (checked against the stored hash).
    let o = shegong(
        &["user", "set-password", "--username", "haining", "--password-stdin", "--data-dir", d],
        Some("password123\n"),
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("常被猜中"), "{}", text(&o));
    let o = shegong(
        &["user", "set-password", "--username", "nobody", "--password-stdin", "--data-dir", d],
        Some("a-new-long-password\n"),
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("不存在"), "{}", text(&o));
    let o = shegong(
        &["user", "set-password", "--username", "haining", "--password-stdin", "--must-change", "--data-dir", d],
        Some("a-new-long-password\n"),
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("下次登录时须修改"), "{}", text(&o));
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let db = shegong_store::Db::connect(&shegong_store::db::sqlite_url(dir.path())).await.unwrap();
        let u = shegong_store::users::authenticate(&db, "haining", "a-new-long-password").await.unwrap();
        assert!(u.is_some_and(|u| u.must_change_password));
        let old = shegong_store::users::authenticate(&db, "haining", "a-long-password").await.unwrap();
        assert!(old.is_none());
    });

    // Online backup.
    let out = dir.path().join("copy.db");
    let o = shegong(&["backup", "--out", out.to_str().unwrap(), "--data-dir", d], None);
    assert!(o.status.success(), "{}", text(&o));
    assert!(std::fs::metadata(&out).unwrap().len() > 0);
    let o = shegong(&["backup", "--out", out.to_str().unwrap(), "--data-dir", d], None);
    assert!(!o.status.success(), "an existing file is not overwritten");

    // A configuration file names the data directory; the command line still wins.
    let conf = dir.path().join("conf.toml");
    let other = dir.path().join("other");
    std::fs::write(&conf, format!("data_dir = {:?}\n", other.to_str().unwrap())).unwrap();
    let o = shegong(&["--config", conf.to_str().unwrap(), "migrate"], None);
    assert!(o.status.success(), "{}", text(&o));
    assert!(other.join("shegong.db").exists(), "data_dir from the file");
    let third = dir.path().join("third");
    let o = shegong(&["migrate", "--config", conf.to_str().unwrap(), "--data-dir", third.to_str().unwrap()], None);
    assert!(o.status.success(), "{}", text(&o));
    assert!(third.join("shegong.db").exists(), "the flag wins over the file");
    std::fs::write(&conf, "data_dri = \"x\"\n").unwrap();
    let o = shegong(&["--config", conf.to_str().unwrap(), "migrate"], None);
    assert!(!o.status.success());
    assert!(text(&o).contains("配置文件"), "{}", text(&o));

    // Healthcheck against nothing fails.
    let o = shegong(&["healthcheck", "--url", "http://127.0.0.1:9"], None);
    assert!(!o.status.success());
}

#[test]
fn policy_list_show_check_apply() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let shipped = concat!(env!("CARGO_MANIFEST_DIR"), "/crates/domain/policies/xiamen-xiangan-2013.toml");
    let o = shegong(&["policy", "check", shipped], None);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("xiamen-xiangan-2013"), "{}", text(&o));
    // A malformed file: the line and the reason.
    let body = std::fs::read_to_string(shipped).unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, body.replace("levels = 12", "levels = 0")).unwrap();
    let o = shegong(&["policy", "check", bad.to_str().unwrap()], None);
    assert!(!o.status.success());
    let line = body.lines().position(|l| l.trim() == "[pay]").unwrap() + 1;
    assert!(text(&o).contains(&format!("第{line}行")), "{}", text(&o));
    assert!(text(&o).contains("pay.levels"), "{}", text(&o));
    // The shipped policies are in a new database; apply one to a region from a date.
    let o = shegong(&["--data-dir", d, "policy", "list"], None);
    assert!(o.status.success(), "{}", text(&o));
    for n in ["jilin-2020", "haining-2020", "liupanshui-2021", "xinzhou-2020", "xiamen-xiangan-2013"] {
        assert!(text(&o).contains(n), "{n}: {}", text(&o));
    }
    let o = shegong(&["--data-dir", d, "policy", "show", "haining-2020"], None);
    assert!(text(&o).contains("《以“三社联动”推进社会治理创新高质量发展》"), "{}", text(&o));
    let o = shegong(&["--data-dir", d, "policy", "show", "nope"], None);
    assert!(!o.status.success());
    let o = shegong(
        &["--data-dir", d, "policy", "apply", "haining-2020", "--region", "330481", "--from", "2024-01-01"],
        None,
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("haining-2020 v1"), "{}", text(&o));
    let o = shegong(
        &["--data-dir", d, "policy", "apply", "haining-2020", "--region", "330481", "--from", "2024-01-01"],
        None,
    );
    assert!(!o.status.success(), "the same region and date twice is refused");
}

#[test]
fn open311_key_add_prints_a_key_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let regions = dir.path().join("regions.csv");
    std::fs::write(
        &regions,
        "code,name,parent_code,level,households,residents,urban_rural_class\n33,浙江省,,province,,,\n3304,嘉兴市,33,city,,,\n330481,海宁市,3304,county,,,\n",
    )
    .unwrap();
    let o = shegong(&["regions", "import", regions.to_str().unwrap(), "--data-dir", d], None);
    assert!(o.status.success(), "{}", text(&o));
    let o = shegong(&["open311-key", "add", "--name", "12345热线", "--region", "330481", "--data-dir", d], None);
    assert!(o.status.success(), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("12345热线"), "{out}");
    let key = out.lines().last().unwrap().trim();
    assert!(key.len() == 64 && key.bytes().all(|b| b.is_ascii_hexdigit()), "{out}");
    // A region that does not exist, or no name: refused in Chinese, nothing issued.
    let o = shegong(&["open311-key", "add", "--name", "x", "--region", "339999", "--data-dir", d], None);
    assert!(!o.status.success());
    let o = shegong(&["open311-key", "add", "--name", " ", "--region", "330481", "--data-dir", d], None);
    assert!(!o.status.success() && text(&o).contains("客户端名称"), "{}", text(&o));
}
