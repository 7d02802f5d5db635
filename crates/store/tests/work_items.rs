//! 减负清单 and 出具证明 on both engines: the demo county's lists (the seeds' counts) inherited by its
//! communities and not by the next county; an item added and taken off from a day; a list replaced
//! from a file (dry run first, all or nothing); proofs issued only from the list, numbered in the
//! community's year, anything else refused "该事项不在出具证明事项清单内" and counted; the applicant
//! masked outside the community; every write refused outside the caller's region or permission.

use chrono::Duration;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use shegong_domain::RegionCode;
use shegong_domain::access::Role;
use shegong_domain::work_items::{ListKind, PROOF_NOT_LISTED};
use shegong_store::demo::{self, DemoOptions};
use shegong_store::error::StoreError;
use shegong_store::imports::Cell;
use shegong_store::testing::{code, person};
use shegong_store::work_items::{self, ItemInput, ProofInput};

fn fields(e: StoreError) -> Vec<&'static str> {
    match e {
        StoreError::Invalid(v) => v.iter().map(|f| f.field).collect(),
        other => panic!("{other:?}"),
    }
}

fn count(v: &work_items::ListView, k: ListKind) -> u64 {
    v.counts.iter().find(|(l, _)| l == k.label()).map_or(0, |(_, n)| *n)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_and_proofs_stay_in_their_region() {
    for postgres in shegong_store::testing::engines() {
        let dir = tempfile::tempdir().unwrap();
        let (db, _) = shegong_store::testing::fresh(postgres, dir.path()).await.unwrap();
        let today = shegong_domain::time::in_china(chrono::Utc::now()).date();
        demo::load(&db, &DemoOptions::counties(7, &["330481", "330483"], today), &|_, _, _| {}).await.unwrap();
        let county = person(Role::CountyAdmin, "330481", "haining");
        let neighbour = person(Role::CountyAdmin, "330483", "tongxiang");
        let community = shegong_store::regions::communities_under(&db.conn, "330481").await.unwrap()[0].code.clone();
        let head = person(Role::CommunityHead, &community, "head");
        let street = person(Role::StreetAdmin, &community[..9], "street");
        let here = RegionCode::parse(&community).unwrap();

        // The seeds' counts, inherited by a community; none in the next county.
        let v = work_items::lists(&db, &county, None, None, today).await.unwrap();
        let seeds = [
            (ListKind::StreetDuty, 87),
            (ListKind::CommitteeDuty, 23),
            (ListKind::Assistance, 39),
            (ListKind::Proof, 11),
            (ListKind::MicroPower, 36),
        ];
        for (k, n) in seeds {
            // The demo's admitted tasks join the 协助 list beside the seeds' 39.
            if k == ListKind::Assistance {
                assert!(count(&v, k) >= n, "{k:?}");
            } else {
                assert_eq!(count(&v, k), n, "{k:?}");
            }
        }
        assert!(v.sentence.starts_with("明确规定街道职责清单87项，社区居民委员会履行职责清单23项"), "{}", v.sentence);
        let mine = work_items::lists(&db, &head, None, Some(ListKind::Proof), today).await.unwrap();
        assert_eq!(mine.items.len(), 11);
        assert!(mine.items.iter().all(|i| i.item.region_code == "330481" && i.region_name == "海宁市"));
        let next = work_items::lists(&db, &neighbour, None, None, today).await.unwrap();
        assert_eq!(next.items.len(), 0);
        assert_eq!(code(&work_items::lists(&db, &neighbour, Some(&here), None, today).await.unwrap_err()), "not_found");

        // Added by the county from a day; refused by a street, by the next county, with bad input.
        let item = ItemInput {
            list: "proof".into(),
            title: "居住情况证明（新增）".into(),
            documents: Some("身份证".into()),
            ..Default::default()
        };
        let added = work_items::add(&db, &county, &item, today).await.unwrap();
        // Numbered after every item the list ever had (the demo's 43 cleared proofs included).
        assert_eq!(added.region_code, "330481");
        assert!(added.seq > 11 + 43, "{}", added.seq);
        assert_eq!(code(&work_items::add(&db, &street, &item, today).await.unwrap_err()), "forbidden");
        let theirs = ItemInput { region: Some("330481".into()), ..item.clone() };
        assert_eq!(code(&work_items::add(&db, &neighbour, &theirs, today).await.unwrap_err()), "not_found");
        let bad =
            ItemInput { list: "chores".into(), title: "\u{7}".into(), from: Some("昨天".into()), ..item.clone() };
        assert_eq!(fields(work_items::add(&db, &county, &bad, today).await.unwrap_err()), ["list", "title", "from"]);
        // Taken off from tomorrow: in force today, gone tomorrow.
        assert_eq!(
            fields(work_items::end(&db, &county, added.id, &today.to_string(), today).await.unwrap_err()),
            ["to"]
        );
        let tomorrow = today + Duration::days(1);
        // A day still to come may be moved; one come and gone may not.
        work_items::end(&db, &county, added.id, "2031-01-01", today).await.unwrap();
        work_items::end(&db, &county, added.id, &tomorrow.to_string(), today).await.unwrap();
        let e = work_items::end(&db, &county, added.id, &tomorrow.to_string(), tomorrow).await.unwrap_err();
        assert_eq!(code(&e), "work_item_ended");
        let now = work_items::lists(&db, &head, None, Some(ListKind::Proof), today).await.unwrap();
        let then = work_items::lists(&db, &head, None, Some(ListKind::Proof), tomorrow).await.unwrap();
        assert_eq!((now.items.len(), then.items.len()), (12, 11));

        // A micro-power list replaced from a file: checked first, all or nothing.
        let t = |s: &str| if s.is_empty() { Cell::Empty } else { Cell::Text(s.into()) };
        let file = |lines: &[[&str; 3]]| {
            let mut rows = vec![(1, vec![t("序号"), t("事项名称"), t("办理流程")])];
            rows.extend(lines.iter().enumerate().map(|(i, l)| (i + 2, l.iter().map(|c| t(c)).collect())));
            rows
        };
        let good = file(&[["1", "印章管理", "申请—审批—登记—用印"], ["2", "村（居）务公开", "收集—审核—公开—归档"]]);
        let bad = file(&[["1", "印章管理", ""], ["2", "", "无名称"]]);
        let e = work_items::import(&db, &county, None, "micro_power", None, &bad, false, today).await.unwrap_err();
        assert!(matches!(&e, StoreError::Invalid(v) if v[0].message.starts_with("第3行")), "{e:?}");
        let dry = work_items::import(&db, &county, None, "micro_power", None, &good, true, today).await.unwrap();
        assert_eq!((dry.added, dry.ended, dry.committed), (2, 36, false));
        let still = work_items::lists(&db, &county, None, Some(ListKind::MicroPower), today).await.unwrap();
        assert_eq!(still.items.len(), 36, "a dry run writes nothing");
        let done = work_items::import(&db, &county, None, "micro_power", None, &good, false, today).await.unwrap();
        assert!(done.committed);
        let after = work_items::lists(&db, &head, None, Some(ListKind::MicroPower), today).await.unwrap();
        assert_eq!(
            after.items.iter().map(|i| i.item.title.as_str()).collect::<Vec<_>>(),
            ["印章管理", "村（居）务公开"]
        );
        let before =
            work_items::lists(&db, &head, None, Some(ListKind::MicroPower), today - Duration::days(1)).await.unwrap();
        assert_eq!(before.items.len(), 36, "yesterday's version is kept");
        // The same day again: the file's items end that day (kept, never in force), the new ones start.
        let again = file(&[["1", "印章管理", "申请—审批—登记—用印"]]);
        let o = work_items::import(&db, &county, None, "micro_power", None, &again, false, today).await.unwrap();
        assert_eq!((o.added, o.ended), (1, 2));
        let kept = work_items::lists(&db, &head, None, Some(ListKind::MicroPower), today).await.unwrap();
        assert_eq!(kept.items.len(), 1);
        let rows = shegong_store::entity::work_item::Entity::find()
            .filter(shegong_store::entity::work_item::Column::ProvinceCode.eq("33"))
            .filter(shegong_store::entity::work_item::Column::List.eq("micro_power"))
            .all(&db.conn)
            .await
            .unwrap();
        assert_eq!(rows.len(), 36 + 2 + 1, "every version kept");
        let far = ItemInput { from: Some("0001-01-01".into()), ..item.clone() };
        assert_eq!(fields(work_items::add(&db, &county, &far, today).await.unwrap_err()), ["from"]);

        // Proofs: from the list only, numbered in the year; anything else refused and counted.
        let year_start = chrono::NaiveDate::from_ymd_opt(chrono::Datelike::year(&today), 1, 1).unwrap();
        let was = work_items::proofs(&db, &head, None, year_start, today, 10).await.unwrap();
        let listed = now.items[0].item.id;
        let ask = ProofInput {
            item_id: Some(listed),
            applicant: "陆文华".into(),
            purpose: Some("申请救助".into()),
            ..Default::default()
        };
        let p1 = work_items::issue(&db, &head, &ask, today).await.unwrap();
        let p2 = work_items::issue(&db, &head, &ask, today).await.unwrap();
        assert_eq!(p2.seq, p1.seq + 1);
        assert!(p1.number.contains(&format!("证〔{}〕", chrono::Datelike::year(&today))), "{}", p1.number);
        let off = ProofInput {
            asked: Some("无犯罪记录证明".into()), applicant: "陆文华".into(), ..Default::default()
        };
        let e = work_items::issue(&db, &head, &off, today).await.unwrap_err();
        match &e {
            StoreError::Invalid(v) => {
                assert_eq!((v[0].code, v[0].message.as_str()), ("proof_not_listed", PROOF_NOT_LISTED))
            }
            other => panic!("{other:?}"),
        }
        let e = work_items::issue(&db, &head, &ProofInput { applicant: "陆文华".into(), ..Default::default() }, today)
            .await
            .unwrap_err();
        assert_eq!(fields(e), ["item_id"]);
        let e = work_items::issue(&db, &head, &ProofInput { item_id: Some(listed), ..Default::default() }, today)
            .await
            .unwrap_err();
        assert_eq!(fields(e), ["applicant"]);
        let r = work_items::proofs(&db, &head, None, year_start, today, 10).await.unwrap();
        assert_eq!((r.issued, r.refused), (was.issued + 2, was.refused + 1));
        assert_eq!(r.rows[0].applicant, "陆文华", "in full inside the community");
        let above = work_items::proofs(&db, &county, Some(&here), today, today, 10).await.unwrap();
        let shown = above.rows.iter().find(|x| x.id == p2.id).map(|x| x.applicant.clone()).unwrap_or_default();
        assert!(
            shown.starts_with('陆') && shown.contains('*') && !shown.contains("文华"),
            "masked outside the community: {shown}"
        );
        assert_eq!(
            code(&work_items::proofs(&db, &neighbour, Some(&here), today, today, 10).await.unwrap_err()),
            "not_found"
        );
        let theirs = ProofInput { community: Some(community.clone()), ..ask.clone() };
        assert!(work_items::issue(&db, &neighbour, &theirs, today).await.is_err());
        assert_eq!(work_items::get_proof(&db, &head, p1.id).await.unwrap().number, p1.number);
        assert_eq!(code(&work_items::get_proof(&db, &neighbour, p1.id).await.unwrap_err()), "not_found");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admissions_and_demands() {
    use shegong_store::access::{Access, Actor};
    use shegong_store::work_items::{AdmissionInput, DecisionInput, DemandInput};
    for postgres in shegong_store::testing::engines() {
        let dir = tempfile::tempdir().unwrap();
        let (db, _) = shegong_store::testing::fresh(postgres, dir.path()).await.unwrap();
        let today = shegong_domain::time::in_china(chrono::Utc::now()).date();
        demo::load(&db, &DemoOptions::counties(7, &["330481", "330483"], today), &|_, _, _| {}).await.unwrap();
        let county = person(Role::CountyAdmin, "330481", "haining");
        let neighbour = person(Role::CountyAdmin, "330483", "tongxiang");
        let dept = shegong_store::entity::department::Entity::find()
            .filter(shegong_store::entity::department::Column::ProvinceCode.eq("33"))
            .filter(shegong_store::entity::department::Column::CountyCode.eq("330481"))
            .one(&db.conn)
            .await
            .unwrap()
            .expect("a 海宁 department");
        let clerk = Access::new(
            shegong_domain::Scope::Department { department_id: dept.id, region: RegionCode::parse("330481").unwrap() },
            Role::Department,
            Actor { username: "zhujian".into(), role: "department".into(), region_code: "330481".into() },
        );
        let community = shegong_store::regions::communities_under(&db.conn, "330481").await.unwrap()[0].code.clone();
        let head = person(Role::CommunityHead, &community, "head");

        // A department applies; only a department may; bad input names its fields.
        let ask = AdmissionInput {
            title: "协助开展适龄青年兵役登记".into(),
            from: today.to_string(),
            funding: Some("县人武部按人数拨付".into()),
            communities: vec![community.clone()],
            ..Default::default()
        };
        let a = work_items::apply(&db, &clerk, &ask).await.unwrap();
        assert_eq!((a.state.as_str(), a.department_name.as_str()), ("pending", dept.name.as_str()));
        assert_eq!(code(&work_items::apply(&db, &county, &ask).await.unwrap_err()), "forbidden");
        let bad = AdmissionInput {
            title: String::new(),
            from: "x".into(),
            communities: vec!["330483001001".into()],
            ..ask.clone()
        };
        assert_eq!(fields(work_items::apply(&db, &clerk, &bad).await.unwrap_err()), ["title", "from", "communities"]);
        // The department sees its own; the next county none of it.
        assert!(work_items::admissions(&db, &clerk, None).await.unwrap().iter().all(|x| x.department_id == dept.id));
        assert!(work_items::admissions(&db, &neighbour, None).await.unwrap().iter().all(|x| x.county_code == "330483"));
        assert_eq!(
            code(&work_items::decide(&db, &neighbour, a.id, true, &DecisionInput::default()).await.unwrap_err()),
            "not_found"
        );
        assert_eq!(
            code(&work_items::decide(&db, &clerk, a.id, true, &DecisionInput::default()).await.unwrap_err()),
            "forbidden"
        );
        // A refusal needs its reason; an approval puts the task on the 协助 list from its first day.
        assert_eq!(
            fields(work_items::decide(&db, &county, a.id, false, &DecisionInput::default()).await.unwrap_err()),
            ["reason"]
        );
        let before = work_items::lists(&db, &head, None, Some(ListKind::Assistance), today).await.unwrap().items.len();
        let ok = work_items::decide(&db, &county, a.id, true, &DecisionInput::default()).await.unwrap();
        assert_eq!(ok.state, "approved");
        let after = work_items::lists(&db, &head, None, Some(ListKind::Assistance), today).await.unwrap();
        assert_eq!(after.items.len(), before + 1);
        assert!(
            after
                .items
                .iter()
                .any(|i| Some(i.item.id) == ok.item_id && i.item.funding.as_deref() == Some("县人武部按人数拨付"))
        );
        assert_eq!(
            code(
                &work_items::decide(&db, &county, a.id, false, &DecisionInput { reason: Some("重复".into()) })
                    .await
                    .unwrap_err()
            ),
            "admission_decided"
        );

        // A community records a demand never admitted; the county counts them per department.
        let line_of = |f: &work_items::DemandFigures| {
            f.by_department.iter().find(|(n, _, _)| n == "县文明办").map_or(([0; 5], 0), |(_, c, t)| (*c, *t))
        };
        let was = line_of(&work_items::demand_figures(&db, &county, None, today, today).await.unwrap());
        let d = DemandInput {
            department: "县文明办".into(),
            what: "每月报送创建台账".into(),
            kind: "ledger".into(),
            ..Default::default()
        };
        work_items::record_demand(&db, &head, &d, today).await.unwrap();
        work_items::record_demand(&db, &head, &DemandInput { kind: "责任状".into(), ..d.clone() }, today)
            .await
            .unwrap();
        let e = work_items::record_demand(
            &db,
            &head,
            &DemandInput { kind: "chore".into(), what: String::new(), ..d.clone() },
            today,
        )
        .await
        .unwrap_err();
        assert_eq!(fields(e), ["what", "kind"]);
        assert_eq!(code(&work_items::record_demand(&db, &clerk, &d, today).await.unwrap_err()), "forbidden");
        let f = work_items::demand_figures(&db, &county, None, today, today).await.unwrap();
        let now = line_of(&f);
        assert_eq!((now.0[2] - was.0[2], now.0[4] - was.0[4], now.1 - was.1), (1, 1, 2));
        assert!(f.admissions.iter().find(|(s, _)| s == "已准入").is_some_and(|x| x.1 >= 1));
        let theirs = work_items::demand_figures(&db, &neighbour, None, today, today).await.unwrap();
        assert_eq!(theirs.total, 0, "the next county's communities recorded nothing");
        assert_eq!(code(&work_items::demand_figures(&db, &clerk, None, today, today).await.unwrap_err()), "forbidden");
    }
}
