//! Payroll as an office runs it: one person computes, another reviews; the run page lists who did
//! each step, the subtotals per community and the adjustment lines; the bank's 代发工资 sheet has a
//! title, the card numbers from the archive, a 合计 row and the signature lines; a worker sees a
//! month only once it is locked.

use crate::both_engines;
use crate::helpers::TestApp;
use calamine::{DataType, Reader};
use reqwest::StatusCode;
use serde_json::json;

async fn a_month_from_computing_to_the_bank(app: TestApp) {
    let st = app.token("street").await;
    let st2 = app.token("street2").await;
    let worker = app.token("worker").await;
    let (_, me) = app.get_json(&st, "/api/v1/me").await;
    let street = me["region"].as_str().unwrap().to_string();
    let (_, wme) = app.get_json(&worker, "/api/v1/me").await;
    let w = wme["worker_id"].as_str().unwrap().to_string();
    // The worker's card, on their archive (shown there by its last four digits only).
    let (s, v) = app
        .patch_json(
            &st,
            &format!("/api/v1/workers/{w}"),
            json!({"bank_name": "中国农业银行海宁支行", "bank_account": "6228 4803 0123 4567 890"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = app.patch_json(&st, &format!("/api/v1/workers/{w}"), json!({"bank_account": "62284803x"})).await;
    assert_eq!((s, v["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("bank_account")), "{v}");
    let (_, detail) = app.get_json(&st, &format!("/api/v1/workers/{w}")).await;
    assert_eq!(detail["bank_account"], "尾号7890");
    let (s, run) = app.post_json(&st, "/api/v1/payroll/runs", json!({"region": street, "month": "2026-03"})).await;
    assert_eq!(s, StatusCode::CREATED, "{run}");
    let id = run["id"].as_str().unwrap().to_string();
    // Not yet locked: the worker does not see the month; nor does the bank sheet exist.
    let (_, slips) = app.get_json(&worker, &format!("/api/v1/workers/{w}/payslips")).await;
    assert!(!slips.to_string().contains("2026-03"), "an unlocked month is not shown to the worker");
    assert_eq!(app.get(&st, &format!("/payroll/{id}/bank.xlsx")).await.status(), StatusCode::CONFLICT);
    // The page tells the one who computed that another must review, and offers no button.
    let page = app.get(&st, &format!("/payroll/{id}")).await.text().await.unwrap();
    assert!(page.contains("须由另一人审核"));
    assert!(!page.contains("审核通过"));
    let page2 = app.get(&st2, &format!("/payroll/{id}")).await.text().await.unwrap();
    assert!(page2.contains("审核通过"));
    // People without a wage card are counted before the month goes to the bank.
    assert!(page2.contains("人未登记工资卡"), "the run does not warn of missing wage cards");
    let (s, _) = app.post_json(&st2, &format!("/api/v1/payroll/runs/{id}/review"), json!({})).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = app.post_json(&st, &format!("/api/v1/payroll/runs/{id}/lock"), json!({})).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = app
        .post_json(
            &st,
            &format!("/api/v1/payroll/runs/{id}/adjustments"),
            json!({"worker_id": w, "amount_yuan": "-50", "reason": "扣回多发通讯补贴"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let page = app.get(&st, &format!("/payroll/{id}")).await.text().await.unwrap();
    for text in ["经办", "street2", "按社区小计", "调整项（1笔）", "扣回多发通讯补贴", "银行代发工资表"]
    {
        assert!(page.contains(text), "{text}");
    }
    let (_, slips) = app.get_json(&worker, &format!("/api/v1/workers/{w}/payslips")).await;
    assert!(slips.to_string().contains("2026-03"), "a locked month is shown to the worker");
    // The bank's sheet.
    let r = app.get(&st, &format!("/payroll/{id}/bank.xlsx")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let cd = r.headers()["content-disposition"].to_str().unwrap().to_string();
    assert!(cd.contains("bank-"), "{cd}");
    let bytes = r.bytes().await.unwrap();
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let sheet = wb.worksheet_range("代发工资表").unwrap();
    let cell = |r: usize, c: usize| sheet.get((r, c)).map(|x| x.to_string()).unwrap_or_default();
    assert!(cell(0, 0).contains("2026年3月社区工作者工资代发表"), "{}", cell(0, 0));
    let heads: Vec<String> = (0..8).map(|c| cell(2, c)).collect();
    assert_eq!(heads, ["序号", "姓名", "身份证号", "开户银行", "银行卡号", "应发", "扣款", "实发"]);
    let people = run["workers"].as_u64().unwrap() as usize;
    let total_row = 3 + people;
    assert!(cell(total_row, 0).starts_with("合计"), "{}", cell(total_row, 0));
    let num = |r: usize, c: usize| sheet.get((r, c)).and_then(|x| x.as_f64()).unwrap();
    let net: f64 = (3..total_row).map(|r| num(r, 7)).sum();
    assert!((num(total_row, 7) - net).abs() < 0.005);
    assert!((num(total_row, 5) - num(total_row, 6) - num(total_row, 7)).abs() < 0.005);
    let mine = (3..total_row).find(|r| cell(*r, 4) == "6228480301234567890").expect("the worker's card on the sheet");
    assert!((num(mine, 6) - 50.0).abs() < 0.005, "the deduction");
    assert_eq!(cell(mine, 3), "中国农业银行海宁支行");
    let signature = cell(total_row + 2, 0);
    assert!(
        signature.contains("制表：街道管理员（street）") && signature.contains("审核：街道复核员（street2）"),
        "{signature}"
    );
    // Other counties: not found.
    let tx = app.token("tongxiang").await;
    assert_eq!(app.get(&tx, &format!("/payroll/{id}/bank.xlsx")).await.status(), StatusCode::NOT_FOUND);
    // A worker: refused.
    assert_eq!(app.get(&worker, &format!("/payroll/{id}/bank.xlsx")).await.status(), StatusCode::FORBIDDEN);
}
both_engines!(a_month_from_computing_to_the_bank);

async fn a_reviewed_month_is_sent_back_not_quietly_recomputed(app: TestApp) {
    use crate::helpers::{browser, browser_login, csrf_of, text_of};
    let st = app.token("street").await;
    let st2 = app.token("street2").await;
    let (_, me) = app.get_json(&st, "/api/v1/me").await;
    let street = me["region"].as_str().unwrap().to_string();
    let run = |month: &'static str| {
        let (app, st, street) = (&app, &st, street.clone());
        async move { app.post_json(st, "/api/v1/payroll/runs", json!({"region": street, "month": month})).await }
    };
    let (s, r) = run("2026-04").await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let id = r["id"].as_str().unwrap().to_string();
    let (s, _) = app.post_json(&st2, &format!("/api/v1/payroll/runs/{id}/review"), json!({})).await;
    assert_eq!(s, StatusCode::OK);
    // Recomputing now would undo the review without a word: refused, saying why.
    let (s, v) = run("2026-04").await;
    assert_eq!((s, v["code"].as_str()), (StatusCode::CONFLICT, Some("payroll_reviewed")), "{v}");
    assert!(v["message"].as_str().unwrap().contains("退回"));
    // The reviewer sends it back with a reason; then it may be recomputed.
    let b = browser();
    browser_login(&app, &b, "street2", shegong_store::demo::DEMO_PASSWORD, "/").await;
    let page = text_of(&b, app.url(&format!("/payroll/{id}"))).await;
    assert!(page.contains("退回重算"));
    let csrf = csrf_of(&page);
    let r = b
        .post(app.url(&format!("/payroll/{id}/return")))
        .form(&[("_csrf", csrf.as_str()), ("reason", "")])
        .send()
        .await
        .unwrap();
    let back = text_of(&b, app.url(r.headers()["location"].to_str().unwrap())).await;
    assert!(back.contains("请填写退回原因"));
    b.post(app.url(&format!("/payroll/{id}/return")))
        .form(&[("_csrf", csrf.as_str()), ("reason", "社区人数有误")])
        .send()
        .await
        .unwrap();
    let (_, v) = app.get_json(&st, &format!("/api/v1/payroll/runs/{id}")).await;
    assert_eq!(v["run"]["status"], "computed", "{}", v["run"]);
    assert!(v["run"]["reviewed_by"].is_null());
    let (s, _) = run("2026-04").await;
    assert_eq!(s, StatusCode::CREATED);
}
both_engines!(a_reviewed_month_is_sent_back_not_quietly_recomputed);

async fn a_reviewer_refuses_a_computed_month_with_a_reason(app: TestApp) {
    use crate::helpers::{browser, browser_login, csrf_of, flash_kind, text_of};
    let st = app.token("street").await;
    let (_, me) = app.get_json(&st, "/api/v1/me").await;
    let street = me["region"].as_str().unwrap().to_string();
    let (s, r) = app.post_json(&st, "/api/v1/payroll/runs", json!({"region": street, "month": "2026-05"})).await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let id = r["id"].as_str().unwrap().to_string();
    // The reviewer refuses it instead of approving it.
    let reviewer = browser();
    browser_login(&app, &reviewer, "street2", shegong_store::demo::DEMO_PASSWORD, "/").await;
    let page = text_of(&reviewer, app.url(&format!("/payroll/{id}"))).await;
    assert!(page.contains("审核通过") && page.contains("退回重算"), "the reviewer may do either");
    let r = reviewer
        .post(app.url(&format!("/payroll/{id}/return")))
        .form(&[("_csrf", csrf_of(&page).as_str()), ("reason", "三名网格员的岗位类别有误")])
        .send()
        .await
        .unwrap();
    assert_eq!(flash_kind(&r).as_deref(), Some("notice"));
    let (_, v) = app.get_json(&st, &format!("/api/v1/payroll/runs/{id}")).await;
    assert_eq!(v["run"]["status"], "computed", "{}", v["run"]);
    // Who computed it reads why on the month, and recomputes (sending back is not theirs).
    let clerk = browser();
    browser_login(&app, &clerk, "street", shegong_store::demo::DEMO_PASSWORD, "/").await;
    let page = text_of(&clerk, app.url(&format!("/payroll/{id}"))).await;
    assert!(page.contains("退回重算：三名网格员的岗位类别有误"), "the reason is on the month");
    assert!(!page.contains("name=\"reason\""), "no return form for who computed it");
    let r = clerk
        .post(app.url(&format!("/payroll/{id}/return")))
        .form(&[("_csrf", csrf_of(&page).as_str()), ("reason", "自己退回")])
        .send()
        .await
        .unwrap();
    assert_eq!(flash_kind(&r).as_deref(), Some("error"), "refused for who computed it");
    let (s, r) = app.post_json(&st, "/api/v1/payroll/runs", json!({"region": street, "month": "2026-05"})).await;
    assert_eq!(s, StatusCode::CREATED, "recomputed: {r}");
    let new_id = r["id"].as_str().unwrap().to_string();
    let page = text_of(&clerk, app.url(&format!("/payroll/{new_id}"))).await;
    assert!(!page.contains("退回重算："), "the recomputed month starts clean");
    // A locked month is not sent back.
    let st2 = app.token("street2").await;
    let (s, _) = app.post_json(&st2, &format!("/api/v1/payroll/runs/{new_id}/review"), json!({})).await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = app.post_json(&st, &format!("/api/v1/payroll/runs/{new_id}/lock"), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let page = text_of(&reviewer, app.url(&format!("/payroll/{new_id}"))).await;
    let r = reviewer
        .post(app.url(&format!("/payroll/{new_id}/return")))
        .form(&[("_csrf", csrf_of(&page).as_str()), ("reason", "晚了")])
        .send()
        .await
        .unwrap();
    assert_eq!(flash_kind(&r).as_deref(), Some("error"));
    let (_, v) = app.get_json(&st, &format!("/api/v1/payroll/runs/{new_id}")).await;
    assert_eq!(v["run"]["status"], "locked");
}
both_engines!(a_reviewer_refuses_a_computed_month_with_a_reason);

/// A month sent back and locked at the same moment ends as exactly one of them said.
async fn return_and_lock_at_once_agree(app: TestApp) {
    use crate::helpers::{browser, browser_login, csrf_of, flash_kind, text_of};
    let st = app.token("street").await;
    let st2 = app.token("street2").await;
    let (_, me) = app.get_json(&st, "/api/v1/me").await;
    let street = me["region"].as_str().unwrap().to_string();
    let reviewer = browser();
    browser_login(&app, &reviewer, "street2", shegong_store::demo::DEMO_PASSWORD, "/").await;
    for month in ["2026-06", "2026-07", "2026-08", "2026-09"] {
        let (s, r) = app.post_json(&st, "/api/v1/payroll/runs", json!({"region": street, "month": month})).await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        let id = r["id"].as_str().unwrap().to_string();
        let (s, _) = app.post_json(&st2, &format!("/api/v1/payroll/runs/{id}/review"), json!({})).await;
        assert_eq!(s, StatusCode::OK);
        let page = text_of(&reviewer, app.url(&format!("/payroll/{id}"))).await;
        let csrf = csrf_of(&page);
        let ret = reviewer
            .post(app.url(&format!("/payroll/{id}/return")))
            .form(&[("_csrf", csrf.as_str()), ("reason", "同时退回")])
            .send();
        let lock_path = format!("/api/v1/payroll/runs/{id}/lock");
        let lock = app.post_json(&st, &lock_path, json!({}));
        let (r, (ls, _)) = tokio::join!(ret, lock);
        let returned = flash_kind(&r.unwrap()).as_deref() == Some("notice");
        let (_, v) = app.get_json(&st, &format!("/api/v1/payroll/runs/{id}")).await;
        let status = v["run"]["status"].as_str().unwrap().to_string();
        match (returned, ls == StatusCode::OK) {
            (true, false) => assert_eq!(status, "computed", "{month}"),
            (false, true) => assert_eq!(status, "locked", "{month}"),
            other => panic!("{month}: both or neither went through: {other:?}, now {status}"),
        }
    }
}
both_engines!(return_and_lock_at_once_agree);
