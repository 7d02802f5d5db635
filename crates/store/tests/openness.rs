//! Openness on both engines: fifty clerks recording seal uses and publishing at once (none refused
//! because another writes, every one kept); the draw stored with its seed and candidates equals the
//! domain's draw (so the same seed reproduces it on either engine); the public page's years; the timeliness of a community's periods; the figures' 合计 equal
//! to the sum of their lines at the province and the county.

use chrono::{Datelike, Duration};
use shegong_domain::RegionCode;
use shegong_domain::access::Role;
use shegong_domain::openness::Timeliness;
use shegong_store::demo::{self, DemoOptions};
use shegong_store::openness::{self, DisclosureInput, DrawInput, SealInput};
use shegong_store::testing::{code, person};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openness_holds_under_load_and_adds_up() {
    for postgres in shegong_store::testing::engines() {
        let dir = tempfile::tempdir().unwrap();
        let (db, _) = shegong_store::testing::fresh(postgres, dir.path()).await.unwrap();
        let today = shegong_domain::time::in_china(chrono::Utc::now()).date();
        demo::load(&db, &DemoOptions::counties(7, &["330481", "330483"], today), &|_, _, _| {}).await.unwrap();
        let cs = shegong_store::regions::communities_under(&db.conn, "330481").await.unwrap();
        let community = cs[0].clone();
        let head = person(Role::CommunityHead, &community.code, "head");
        let county = person(Role::CountyAdmin, "330481", "haining");
        let neighbour = person(Role::CountyAdmin, "330483", "tongxiang");

        // Fifty writers at once: every seal use and every item kept.
        let before = openness::seals(&db, &head, None, today, today, 1).await.unwrap().total;
        let tries = (0..50).map(|i| {
            let (db, head) = (db.clone(), head.clone());
            tokio::spawn(async move {
                if i % 2 == 0 {
                    let s = SealInput {
                        purpose: format!("用途{i}"),
                        document: format!("文件{i}"),
                        approver: "书记".into(),
                        ..Default::default()
                    };
                    openness::record_seal(&db, &head, &s, today).await.map(|_| ())
                } else {
                    let d = DisclosureInput {
                        category: "affairs".into(),
                        period: "event".into(),
                        title: format!("事项{i}"),
                        body: "内容".into(),
                        ..Default::default()
                    };
                    openness::publish(&db, &head, &d, today).await.map(|_| ())
                }
            })
        });
        let results: Vec<_> = futures_util::future::join_all(tries).await.into_iter().map(|r| r.unwrap()).collect();
        assert!(results.iter().all(|r| r.is_ok()), "{results:?}");
        assert_eq!(openness::seals(&db, &head, None, today, today, 1).await.unwrap().total, before + 25);
        let mine = openness::disclosures(&db, &head, None, today, today, 1000).await.unwrap();
        assert_eq!(mine.iter().filter(|d| d.title.starts_with("事项")).count(), 25);

        // A period published late, one on time; the state read from the first publication.
        let t = openness::timeliness(&db, &county, None, today - Duration::days(365), today, 10).await.unwrap();
        assert!(t.alerts.iter().all(|a| a.state != Timeliness::OnTime && a.community_code.starts_with("330481")));
        assert!(t.on_time > t.late + t.missing, "most of the demo is on time: {t:?}");
        assert_eq!(t.alerts.len(), 10, "the alerts are capped");
        assert_eq!(t.alerts_total, t.late + t.missing);
        let by: (u64, u64, u64, u64) =
            t.by_child.iter().fold((0, 0, 0, 0), |a, c| (a.0 + c.2, a.1 + c.3, a.2 + c.4, a.3 + c.5));
        assert_eq!(by, (t.on_time + t.late + t.missing, t.on_time, t.late, t.missing), "the streets add up");
        assert_eq!(
            code(
                &openness::timeliness(
                    &db,
                    &neighbour,
                    Some(&RegionCode::parse(&community.code).unwrap()),
                    today,
                    today,
                    10
                )
                .await
                .unwrap_err()
            ),
            "not_found"
        );

        // The draw as stored is the domain's draw of the stored candidates with the stored seed.
        let i = DrawInput {
            count: 5,
            seed: Some(shegong_store::openness::Seed::Text("公平".into())),
            inspectors: vec!["甲".into(), "乙".into(), "丙".into()],
            ..Default::default()
        };
        let v = openness::draw(&db, &county, &i, today).await.unwrap();
        let codes: Vec<String> = cs.iter().map(|c| c.code.clone()).collect();
        let expected = shegong_domain::openness::draw(&codes, 5, "公平");
        assert_eq!(v.targets.iter().map(|t| t.community_code.clone()).collect::<Vec<_>>(), expected);
        assert!(v.reproduced);
        assert_eq!(v.candidates, codes.len());
        assert_eq!(code(&openness::draw(&db, &head, &i, today).await.unwrap_err()), "forbidden");
        // Seeds and names that look alike but differ by an invisible character are refused.
        let hidden =
            DrawInput { seed: Some(shegong_store::openness::Seed::Text("公\u{200b}平".into())), ..i.clone() };
        assert_eq!(code(&openness::draw(&db, &county, &hidden, today).await.unwrap_err()), "text_hidden_characters");
        let twins = DrawInput { inspectors: vec!["张三".into(), "张三\u{200b}".into()], ..i.clone() };
        assert_eq!(code(&openness::draw(&db, &county, &twins, today).await.unwrap_err()), "inspection_inspectors");
        // The drawn community does not see the draw until it is inspected.
        let drawn = person(Role::CommunityHead, &v.targets[0].community_code, "drawn");
        assert_eq!(code(&openness::round(&db, &drawn, v.id).await.unwrap_err()), "not_found");
        let rec = shegong_store::openness::RecordInput::default();
        openness::record_inspection(&db, &county, v.targets[0].id, &rec, today).await.unwrap();
        assert_eq!(openness::round(&db, &drawn, v.id).await.unwrap().targets.len(), 1);

        // The public page: every year since the first item; a correction made next year still marks.
        let p = openness::public_page(&db, &community, None, today).await.unwrap();
        assert_eq!(p.years[0], today.year());
        assert!(p.items.iter().all(|i| i.published_on.year() == today.year()) && !p.items.is_empty());
        let first = *p.years.last().unwrap();
        assert_eq!(p.years, (first..=today.year()).rev().collect::<Vec<_>>());
        let asked = openness::public_page(&db, &community, Some(first), today).await.unwrap();
        assert!(asked.items.iter().all(|i| i.published_on.year() == first));
        let far = openness::public_page(&db, &community, Some(1990), today).await.unwrap();
        assert_eq!(far.year, today.year(), "a year with nothing falls back to this year");

        // The figures add up at the county and at the province.
        for (who, region) in [(&county, "330481"), (&person(Role::ProvinceAdmin, "33", "p"), "33")] {
            let f = openness::figures(&db, who, Some(&RegionCode::parse(region).unwrap()), today.year(), today)
                .await
                .unwrap();
            for k in 0..f.columns.len() {
                let sum: u64 = f.lines.iter().map(|l| l.values[k]).sum();
                assert_eq!(sum, f.total.values[k], "{region} column {}", f.columns[k]);
            }
            assert!(f.total.values[6] > 0, "seal uses counted at {region}");
        }
    }
}
