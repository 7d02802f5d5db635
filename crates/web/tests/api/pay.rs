//! Policies, staffing, payroll, assessment rounds and the reserve pool, over HTTP.

use crate::both_engines;
use crate::helpers::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn street_of_haining(app: &TestApp) -> String {
    let t = app.token("street").await;
    let (_, me) = app.get_json(&t, "/api/v1/me").await;
    me["region"].as_str().unwrap().to_string()
}

async fn policies_apply_inherit_and_drive_staffing(app: TestApp) {
    let prov = app.token("province").await;
    let hn = app.token("haining").await;
    let tx = app.token("tongxiang").await;
    let (s, v) = app.get_json(&hn, "/api/v1/policies").await;
    assert_eq!(s, StatusCode::OK);
    let names: Vec<&str> = v["items"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    for n in ["jilin-2020", "haining-2020", "liupanshui-2021", "xinzhou-2020", "xiamen-xiangan-2013"] {
        assert!(names.contains(&n), "{n} missing from {names:?}");
    }
    // A malformed file is refused with the line and the reason; nothing is stored.
    let (_, good) = app.get_json(&prov, "/api/v1/policies/xiamen-xiangan-2013").await;
    let body = good["body"].as_str().unwrap().to_string();
    let bad = body.replace("residents_weight = 30", "residents_weight = 45");
    let (s, e) = app.post_json(&prov, "/api/v1/policies/check", json!({"body": bad})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let line = bad.lines().position(|l| l.trim() == "[assessment]").unwrap() + 1;
    assert!(e["message"].as_str().unwrap().contains(&format!("第{line}行")), "{e}");
    assert!(e["message"].as_str().unwrap().contains("权重之和应为100"), "{e}");
    let (s, _) = app.post_json(&prov, "/api/v1/policies", json!({"body": bad})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    // Only the province writes policy files; a new text is a new version.
    let (s, _) = app.post_json(&hn, "/api/v1/policies", json!({"body": body.clone()})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let changed = body.replace("post_pay = 1100", "post_pay = 1150");
    let (s, v) = app.post_json(&prov, "/api/v1/policies", json!({"body": changed})).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["version"], 2);
    // The demo province runs under 海宁's policy; a county overrides it from a date.
    let (_, p) = app.get_json(&hn, "/api/v1/regions/330481/policy").await;
    assert_eq!(p["in_force"]["name"], "haining-2020", "{p}");
    assert_eq!(p["in_force"]["assigned_at_region"], "33");
    let (s, v) =
        app.post_json(&hn, "/api/v1/regions/330481/policy", json!({"name": "jilin-2020", "from": "2026-01-01"})).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, _) =
        app.post_json(&tx, "/api/v1/regions/330481/policy", json!({"name": "jilin-2020", "from": "2026-01-01"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, p) = app.get_json(&hn, "/api/v1/regions/330481001001/policy").await;
    assert_eq!(p["in_force"]["name"], "jilin-2020");
    assert_eq!(p["history"].as_array().unwrap().len(), 2);
    let (_, p) = app.get_json(&hn, "/api/v1/regions/330481001001/policy?date=2025-06-30").await;
    assert_eq!(p["in_force"]["name"], "haining-2020");
    let (_, p) = app.get_json(&prov, "/api/v1/regions/330483/policy").await;
    assert_eq!(p["in_force"]["name"], "haining-2020");
    // Staffing: 吉林's tiered norm in 海宁 now, 海宁's one per 300 households in 桐乡.
    let (s, st) = app.get_json(&hn, "/api/v1/regions/330481/staffing").await;
    assert_eq!(s, StatusCode::OK, "{st}");
    let children = st["children"].as_array().unwrap();
    assert!(!children.is_empty());
    for k in ["min", "max", "actual", "grids_needed", "grids", "party_building_posts", "communities"] {
        let sum: i64 = children.iter().map(|c| c[k].as_i64().unwrap()).sum();
        assert_eq!(st[k].as_i64().unwrap(), sum, "county {k} is the sum of its streets'");
    }
    let street = children[0]["region_code"].as_str().unwrap();
    let (_, sst) = app.get_json(&hn, &format!("/api/v1/regions/{street}/staffing")).await;
    let community = sst["children"][0]["region_code"].as_str().unwrap().to_string();
    let (_, c) = app.get_json(&hn, &format!("/api/v1/regions/{community}/staffing")).await;
    let h = c["households"].as_i64().unwrap();
    let (min, max) = if h <= 3000 { (10, 15) } else { (10 + (h - 3000) / 500, 15 + (h - 3000) / 300) };
    assert_eq!((c["min"].as_i64().unwrap(), c["max"].as_i64().unwrap()), (min, max), "{c}");
    assert_eq!(c["grids_needed"].as_i64().unwrap(), (h + 499) / 500);
    assert_eq!(c["party_building_min"], 2);
    let (_, t) = app.get_json(&prov, "/api/v1/regions/330483/staffing").await;
    let (_, tc) = app
        .get_json(&prov, &format!("/api/v1/regions/{}/staffing", t["children"][0]["region_code"].as_str().unwrap()))
        .await;
    let c0 = &tc["children"][0];
    let h = c0["households"].as_i64().unwrap();
    assert_eq!(c0["min"].as_i64().unwrap(), (h + 299) / 300);
    // Scope: 桐乡 sees nothing of 海宁's staffing.
    let (s, _) = app.get_json(&tx, "/api/v1/regions/330481/staffing").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}
both_engines!(policies_apply_inherit_and_drive_staffing);

async fn payroll_runs_lock_and_adjust(app: TestApp) {
    let hn = app.token("haining").await;
    let st = app.token("street").await;
    let tx = app.token("tongxiang").await;
    let street = street_of_haining(&app).await;
    // The demo has last year's twelve months locked, one run per county.
    let (_, runs) = app.get_json(&hn, "/api/v1/payroll/runs").await;
    let locked: Vec<&Value> = runs["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["month"].as_str().unwrap().starts_with("2025-") && r["status"] == "locked")
        .collect();
    assert_eq!(locked.len(), 12, "{runs}");
    let (s, v) = app.post_json(&hn, "/api/v1/payroll/runs", json!({"region": "330481", "month": "2025-03"})).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(v["code"], "payroll_locked");
    let (s, v) = app.post_json(&st, "/api/v1/payroll/runs", json!({"region": street, "month": "2025-03"})).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(v["code"], "payroll_overlap");
    let (s, _) = app.post_json(&st, "/api/v1/payroll/runs", json!({"region": street, "month": "2026-13"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    // 厦门翔安's table for this street from February: the worked check holds for every 正职.
    let (s, v) = app
        .post_json(
            &st,
            &format!("/api/v1/regions/{street}/policy"),
            json!({"name": "xiamen-xiangan-2013", "from": "2026-02-01"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, run) = app.post_json(&st, "/api/v1/payroll/runs", json!({"region": street, "month": "2026-02"})).await;
    assert_eq!(s, StatusCode::CREATED, "{run}");
    assert_eq!(run["status"], "computed");
    let t = &run["totals"];
    let parts: i64 = ["base", "post_pay", "allowance", "education", "certificate", "performance"]
        .iter()
        .map(|k| t[k].as_i64().unwrap())
        .sum();
    assert_eq!(parts, t["total"].as_i64().unwrap());
    assert_eq!(run["total_fen"], t["total"]);
    let id = run["id"].as_str().unwrap().to_string();
    let (_, page) = app.get_json(&st, &format!("/api/v1/payroll/runs/{id}?per_page=500")).await;
    let slips = page["payslips"].as_array().unwrap();
    assert_eq!(slips.len() as i64, run["workers"].as_i64().unwrap());
    let table = [1200, 1230, 1260, 1300, 1340, 1380, 1430, 1480, 1540, 1600, 1670, 1740];
    let mut heads = 0;
    for p in slips.iter().filter(|p| p["post_category"] == "head") {
        heads += 1;
        let level = p["level"].as_i64().unwrap() as usize;
        assert_eq!(p["base_fen"].as_i64().unwrap(), table[level - 1] * 100);
        assert_eq!(p["post_pay_fen"], 110_000);
        assert_eq!(p["allowance_fen"], 80_000);
        if level == 5 {
            assert_eq!(p["total_fen"], 324_000);
        }
    }
    assert!(heads > 0);
    // A worker's payslip: components in fen summing to the total.
    let w = slips[0]["worker_id"].as_str().unwrap().to_string();
    let (s, slip) = app.get_json(&st, &format!("/api/v1/workers/{w}/payslips?month=2026-02")).await;
    assert_eq!(s, StatusCode::OK, "{slip}");
    let sum: i64 = slip["components"].as_array().unwrap().iter().map(|c| c["fen"].as_i64().unwrap()).sum();
    assert_eq!(sum, slip["total"].as_i64().unwrap());
    // Review → lock; then it never changes, and a correction is an adjustment line.
    let (s, _) = app.post_json(&st, &format!("/api/v1/payroll/runs/{id}/lock"), json!({})).await;
    assert_eq!(s, StatusCode::CONFLICT, "lock needs a review first");
    // Who computed does not review (the policy separates the duties): a second person does, and
    // the reviewer does not lock.
    let (s, v) = app.post_json(&st, &format!("/api/v1/payroll/runs/{id}/review"), json!({})).await;
    assert_eq!((s, v["code"].as_str()), (StatusCode::CONFLICT, Some("payroll_same_person")), "{v}");
    let st2 = app.token("street2").await;
    let (s, v) = app.post_json(&st2, &format!("/api/v1/payroll/runs/{id}/review"), json!({})).await;
    assert_eq!((s, v["reviewed_by"].as_str()), (StatusCode::OK, Some("street2")), "{v}");
    let (s, v) = app.post_json(&st2, &format!("/api/v1/payroll/runs/{id}/lock"), json!({})).await;
    assert_eq!((s, v["code"].as_str()), (StatusCode::CONFLICT, Some("payroll_same_person")), "{v}");
    let (s, v) = app.post_json(&st, &format!("/api/v1/payroll/runs/{id}/lock"), json!({})).await;
    assert_eq!(
        (s, v["created_by"].as_str(), v["reviewed_by"].as_str()),
        (StatusCode::OK, Some("street"), Some("street2")),
        "{v}"
    );
    let (s, _) = app.post_json(&st, "/api/v1/payroll/runs", json!({"region": street, "month": "2026-02"})).await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (_, after) = app.get_json(&st, &format!("/api/v1/payroll/runs/{id}?per_page=500")).await;
    assert_eq!(after["payslips"], page["payslips"], "a locked run never changes");
    let (s, _) = app
        .post_json(
            &st,
            &format!("/api/v1/payroll/runs/{id}/adjustments"),
            json!({"worker_id": w, "amount_yuan": "1.234", "reason": "补发"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, v) = app
        .post_json(
            &st,
            &format!("/api/v1/payroll/runs/{id}/adjustments"),
            json!({"worker_id": w, "amount_yuan": "120.50", "reason": "补发交通补贴"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (_, slip2) = app.get_json(&st, &format!("/api/v1/workers/{w}/payslips?month=2026-02")).await;
    assert_eq!(slip2["total"], slip["total"]);
    assert_eq!(slip2["paid"].as_i64().unwrap(), slip["total"].as_i64().unwrap() + 12_050);
    // The pay sheet, read back.
    let r = app.get(&st, &format!("/api/v1/payroll/runs/{id}/payslips.xlsx")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap();
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let range = calamine::Reader::worksheet_range(&mut wb, "工资表").unwrap();
    assert_eq!(range.height() as i64, run["workers"].as_i64().unwrap() + 1);
    assert_eq!(range.get((0, 11)).unwrap().to_string(), "应发合计");
    // Scope: 桐乡 sees neither the run nor the payslip.
    let (s, _) = app.get_json(&tx, &format!("/api/v1/payroll/runs/{id}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app.get_json(&tx, &format!("/api/v1/workers/{w}/payslips")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // The budget: a 10 % higher reference wage costs more in every county, nothing stored changes.
    let (s, b) = app.get_json(&hn, "/api/v1/regions/330481/budget?year=2026&reference_wage_change_pct=10").await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert!(b["total"]["difference"].as_i64().unwrap() > 0, "{b}");
    let (_, runs2) = app.get_json(&hn, "/api/v1/payroll/runs").await;
    assert_eq!(runs2["items"].as_array().unwrap().len(), runs["items"].as_array().unwrap().len() + 1);
}
both_engines!(payroll_runs_lock_and_adjust);

async fn a_street_runs_the_assessment_round(app: TestApp) {
    let st = app.token("street").await;
    let head = app.token("community").await;
    let street = street_of_haining(&app).await;
    // Last year's round of this street is scored, not yet published.
    let (_, rounds) = app.get_json(&st, "/api/v1/assessment-rounds").await;
    let last = rounds["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["region_code"] == street.as_str() && r["year"] == 2025)
        .cloned()
        .unwrap();
    assert_eq!(last["status"], "scored");
    let last_id = last["id"].as_str().unwrap().to_string();
    let (_, lr) = app.get_json(&st, &format!("/api/v1/assessment-rounds/{last_id}")).await;
    let entries = lr["entries"].as_array().unwrap().clone();
    let cap = lr["excellent_cap"].as_i64().unwrap();
    assert!(entries.iter().filter(|e| e["grade"] == "excellent").count() as i64 <= cap);
    let target = entries.iter().find(|e| e["grade"] != "excellent").unwrap()["worker_id"].as_str().unwrap().to_string();
    // Make the excellent count reach the cap, then one more is refused.
    let excellent = entries.iter().filter(|e| e["grade"] == "excellent").count() as i64;
    let missing = usize::try_from(cap - excellent).unwrap_or(0);
    for e in entries.iter().filter(|e| e["grade"] != "excellent" && e["worker_id"] != target.as_str()).take(missing) {
        let (s, v) = app
            .post_json(
                &st,
                &format!("/api/v1/assessment-rounds/{last_id}/grades"),
                json!({"worker_id": e["worker_id"], "grade": "excellent", "reason": "街道评议推荐"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }
    let (s, v) = app
        .post_json(
            &st,
            &format!("/api/v1/assessment-rounds/{last_id}/grades"),
            json!({"worker_id": target, "grade": "excellent", "reason": "街道评议推荐"}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["code"], "excellent_cap");
    // An adjustment without a reason is refused, naming the field, and changes nothing.
    let (s, v) = app
        .post_json(
            &st,
            &format!("/api/v1/assessment-rounds/{last_id}/grades"),
            json!({"worker_id": target, "grade": "incompetent", "reason": "  "}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["field"], "reason");
    let (s, _) = app
        .post_json(
            &st,
            &format!("/api/v1/assessment-rounds/{last_id}/grades"),
            json!({"worker_id": target, "grade": "incompetent", "reason": "全年旷工40天"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let page = app.get(&st, &format!("/assessments/{last_id}")).await.text().await.unwrap();
    assert!(page.contains("不合格（已调整：全年旷工40天）"), "the adjustment is marked with its reason");
    let (_, log) = app.get_json(&st, "/api/v1/audit?action=assessment.round.grade&per_page=1").await;
    assert!(log["items"][0].to_string().contains("全年旷工40天"), "{log}");
    let (s, p) = app.post_json(&st, &format!("/api/v1/assessment-rounds/{last_id}/publish"), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    let (s, _) = app
        .post_json(
            &st,
            &format!("/api/v1/assessment-rounds/{last_id}/grades"),
            json!({"worker_id": target, "grade": "competent", "reason": "复核"}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "a published round is final");
    // This year's round: open, score, grade, publish.
    let (s, r) = app.post_json(&st, "/api/v1/assessment-rounds", json!({"region": street, "year": 2026})).await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let id = r["id"].as_str().unwrap().to_string();
    let (s, _) = app.post_json(&st, "/api/v1/assessment-rounds", json!({"region": street, "year": 2026})).await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (s, v) = app.post_json(&st, &format!("/api/v1/assessment-rounds/{id}/score"), json!({})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["code"], "scores_missing");
    let (_, round) = app.get_json(&st, &format!("/api/v1/assessment-rounds/{id}")).await;
    let entries = round["entries"].as_array().unwrap().clone();
    assert!(entries.len() > 5);
    let mut items: Vec<Value> = entries
        .iter()
        .map(|e| {
            let bad = e["worker_id"] == target.as_str();
            let s = if bad { 50 } else { 95 };
            json!({"worker_id": e["worker_id"], "organisation": s, "residents": s, "routine": s})
        })
        .collect();
    items[0]["residents"] = json!(101);
    let (s, _) = app.put_json(&st, &format!("/api/v1/assessment-rounds/{id}/scores"), json!({"items": items})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, unchanged) = app.get_json(&st, &format!("/api/v1/assessment-rounds/{id}")).await;
    assert!(unchanged["entries"].as_array().unwrap().iter().all(|e| e["organisation_score"].is_null()));
    items[0]["residents"] = json!(if items[0]["worker_id"] == target.as_str() { 50 } else { 95 });
    let (s, v) = app.put_json(&st, &format!("/api/v1/assessment-rounds/{id}/scores"), json!({"items": items})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    // Routine scores other than 事务办理's proposals wait for their reasons before grading.
    let (s, v) = app.post_json(&st, &format!("/api/v1/assessment-rounds/{id}/score"), json!({})).await;
    assert_eq!((s, v["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("routine_reason_missing")), "{v}");
    let (_, round) = app.get_json(&st, &format!("/api/v1/assessment-rounds/{id}")).await;
    let reason = format!("/api/v1/assessment-rounds/{id}/routine/reason");
    let (s, v) = app.post_json(&st, &reason, json!({"worker_id": target, "reason": ""})).await;
    assert_eq!((s, v["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("reason")), "{v}");
    for e in round["entries"].as_array().unwrap() {
        assert!(e["proposal"].is_null() || e["proposal"]["why"].as_str().unwrap().starts_with("基础"), "{e}");
        if !e["proposal"].is_null() && e["routine_score"] != e["proposal"]["score"] {
            let (s, v) =
                app.post_json(&st, &reason, json!({"worker_id": e["worker_id"], "reason": "平时表现另行考核"})).await;
            assert_eq!(s, StatusCode::NO_CONTENT, "{v}");
        }
    }
    let (s, v) = app.post_json(&st, &format!("/api/v1/assessment-rounds/{id}/score"), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, scored) = app.get_json(&st, &format!("/api/v1/assessment-rounds/{id}")).await;
    let cap = scored["excellent_cap"].as_i64().unwrap();
    let ex = scored["entries"].as_array().unwrap().iter().filter(|e| e["grade"] == "excellent").count() as i64;
    assert_eq!(ex, cap, "everyone scored 95: exactly the cap are 优秀");
    // The community head sees only their community's entries.
    let (s, hv) = app.get_json(&head, &format!("/api/v1/assessment-rounds/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(hv["entries"].as_array().unwrap().len() < entries.len());
    // Publishing the second 不合格 in a row raises the exit flag.
    let (s, p) = app.post_json(&st, &format!("/api/v1/assessment-rounds/{id}/publish"), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert!(p["exit_flags"].as_array().unwrap().iter().any(|f| f["worker_id"] == target.as_str()), "{p}");
    let (_, w) = app.get_json(&st, &format!("/api/v1/workers/{target}")).await;
    assert_eq!(w["exit_flag"], true);
    // An amendment, recorded; the flag follows the amended grade.
    let path = format!("/api/v1/workers/{target}/assessments/2026/amend");
    let (s, _) = app.post_json(&st, &path, json!({"grade": "incompetent", "reason": "复核"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, a) = app.post_json(&st, &path, json!({"grade": "basically_competent", "reason": "复核后更正"})).await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let (_, w) = app.get_json(&st, &format!("/api/v1/workers/{target}")).await;
    assert_eq!(w["exit_flag"], false);
    let (_, h) = app.get_json(&st, &format!("/api/v1/workers/{target}/history")).await;
    assert!(h.to_string().contains("复核后更正"), "{h}");
}
both_engines!(a_street_runs_the_assessment_round);

async fn reserves_against_the_ratio(app: TestApp) {
    let hn = app.token("haining").await;
    let tx = app.token("tongxiang").await;
    let (_, cov) = app.get_json(&hn, "/api/v1/reserves/coverage").await;
    let items = cov["items"].as_array().unwrap();
    assert!(items.iter().all(|c| c["wanted"].as_i64().unwrap() == c["seats"].as_i64().unwrap() * 3));
    let c = &items[0];
    let code = c["community_code"].as_str().unwrap().to_string();
    let before = c["candidates"].as_i64().unwrap();
    let good = json!({"community_code": code, "name": "王晓燕", "gender": "女", "birth_date": "1992-05-01", "education": "21", "political_status": "01"});
    let mut bad = good.clone();
    bad["birth_date"] = json!("1992-13-01");
    let (s, _) = app.post_json(&hn, "/api/v1/reserves", bad).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _) = app.post_json(&tx, "/api/v1/reserves", good.clone()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "outside 桐乡's scope");
    let (s, r) = app.post_json(&hn, "/api/v1/reserves", good).await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let (_, cov) = app.get_json(&hn, &format!("/api/v1/reserves/coverage?region={code}")).await;
    assert_eq!(cov["items"][0]["candidates"].as_i64().unwrap(), before + 1);
    // Communities short of the ratio are alerts, linked to the community.
    let (_, all) = app.get_json(&hn, "/api/v1/reserves/coverage").await;
    let short: Vec<String> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["candidates"].as_i64() < c["wanted"].as_i64())
        .map(|c| c["community_code"].as_str().unwrap().to_string())
        .collect();
    let (_, alerts) = app.get_json(&hn, "/api/v1/alerts").await;
    let flagged: Vec<&str> = alerts["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["kind"] == "reserve_ratio")
        .map(|a| a["region_code"].as_str().unwrap())
        .collect();
    assert!(!short.is_empty());
    for c in &short {
        assert!(flagged.contains(&c.as_str()), "{c} is short but not alerted");
    }
    // The policy's credit quota (海宁: 4 a year) says by how much each worker is behind.
    let (_, od) = app.get_json(&hn, "/api/v1/training/overdue").await;
    let items = od["items"].as_array().unwrap();
    assert!(items.iter().all(|o| o["credits_required"] == 4));
    assert!(items.iter().any(|o| o["credits_behind"].as_i64().unwrap() > 0 && o["overdue_since"].is_null()));
    for o in items {
        let behind = o["credits_behind"].as_i64().unwrap();
        assert_eq!(behind, (4 - o["credits_this_year"].as_i64().unwrap()).max(0));
        assert!(behind > 0 || !o["overdue_since"].is_null());
    }
    let (_, list) = app.get_json(&tx, "/api/v1/reserves").await;
    assert!(list["items"].as_array().unwrap().iter().all(|r| r["region_code"].as_str().unwrap().starts_with("330483")));
}
both_engines!(reserves_against_the_ratio);

/// The what-if reads figures as people type them, and says which one it cannot read instead of
/// leaving it out: a budget that silently ignores “五” looks as if the change cost nothing.
async fn the_budget_reads_typed_figures_or_names_the_one_it_cannot(app: TestApp) {
    let t = app.token("haining").await;
    let page = |q: &'static str| {
        let (app, t) = (&app, &t);
        async move {
            let r = app.get(t, &format!("/budget?region=330481&year=2026&{q}")).await;
            (r.status(), r.text().await.unwrap())
        }
    };
    let (s, plain) = page("").await;
    assert_eq!(s, StatusCode::OK);
    let (s, pct) = page("reference_wage_change_pct=5%25&certificate_intermediate_yuan=1%2C000").await;
    assert_eq!(s, StatusCode::OK, "5% and 1,000 are read");
    assert_ne!(plain, pct, "the what-if changes the figures");
    assert!(!pct.contains("不是数字"));
    let (s, bad) = page("reference_wage_change_pct=%E4%BA%94&step_pct=2").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.contains("参照工资变动（%）“五”不是数字"), "names the field and the value");
}
both_engines!(the_budget_reads_typed_figures_or_names_the_one_it_cannot);
