//! The main pages in a real browser: Debian's chromium driven by playwright-core
//! (`tests/browser/shots.mjs`), then each role's working day on a fresh database
//! (`tests/browser/days.mjs`), then grid events from the report form to the public page
//! (`tests/browser/events.mjs`); screenshots kept in `target/screenshots/`.
//! Skipped where chromium or the node packages are absent, unless `SHEGONG_REQUIRE_BROWSER=1`.

use crate::helpers::TestApp;
use std::path::Path;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn main_pages_in_headless_chromium() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let script_dir = root.join("tests/browser");
    let required = std::env::var("SHEGONG_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
    let have = Path::new("/usr/bin/chromium").exists() && script_dir.join("node_modules/playwright-core").exists();
    if !have {
        assert!(!required, "SHEGONG_REQUIRE_BROWSER=1 but chromium or tests/browser/node_modules is missing");
        eprintln!("chromium or playwright-core not installed: browser test skipped");
        return;
    }
    for script in ["shots.mjs", "days.mjs", "events.mjs", "grids.mjs"] {
        // A fresh demo database for each: the days change it.
        let app = TestApp::spawn(false).await;
        let out = root.join("target/screenshots");
        let base = app.base.clone();
        let script = script_dir.join(script);
        let output = tokio::task::spawn_blocking(move || {
            std::process::Command::new("node").arg(script).arg(base).arg(out).output()
        })
        .await
        .unwrap()
        .expect("node runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        println!("{stdout}{}", String::from_utf8_lossy(&output.stderr));
        assert!(output.status.success(), "browser checks failed:\n{stdout}");
    }
}
