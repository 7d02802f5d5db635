//! Recruitment rounds on both engines: a county's plan, its posts capped by each community's norm,
//! approval by another administrator, the public announcement, and who may do and see what.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use shegong_domain::access::Role;
use shegong_store::demo::{self, DemoOptions};
use shegong_store::entity::region;
use shegong_store::error::StoreError;
use shegong_store::recruitment::rounds::{self, JobPostInput, JobRoundInput};
use shegong_store::testing::{code, person};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_round_is_planned_within_the_norm_approved_and_announced() {
    for postgres in shegong_store::testing::engines() {
        let dir = tempfile::tempdir().unwrap();
        let (db, _) = shegong_store::testing::fresh(postgres, dir.path()).await.unwrap();
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        demo::load(&db, &DemoOptions::counties(7, &["330481"], today), &|_, _, _| {}).await.unwrap();
        let county = person(Role::CountyAdmin, "330481", "haining");
        let reviewer = person(Role::CountyAdmin, "330481", "reviewer");
        let street = person(Role::StreetAdmin, "330481001", "street");
        let other = person(Role::CountyAdmin, "330483", "tongxiang");
        // The demo's own round is announced already.
        let shown = shegong_store::recruitment::public::announced(&db).await.unwrap().len();

        // Refused whole, every field named.
        let bad =
            JobRoundInput { apply_from: "2026-12-10".into(), apply_to: "2026-12-01".into(), ..Default::default() };
        match rounds::create(&db, &county, &bad, today).await.unwrap_err() {
            StoreError::Invalid(v) => {
                let fields: Vec<&str> = v.iter().map(|f| f.field).collect();
                assert_eq!(fields, ["title", "reference_date", "apply_to"], "{v:?}");
            }
            e => panic!("{e:?}"),
        }
        let input = JobRoundInput {
            title: "2026年海宁市社区专职工作者统一招聘".into(),
            reference_date: "2026-12-31".into(),
            apply_from: "2026-12-01".into(),
            apply_to: "2026-12-15".into(),
            notes: Some("笔试、面试、体检、考察、公示后聘用。".into()),
            ..Default::default()
        };
        assert_eq!(code(&rounds::create(&db, &street, &input, today).await.unwrap_err()), "forbidden");
        let r = rounds::create(&db, &county, &input, today).await.unwrap();
        assert_eq!(r.status, "draft");
        assert_eq!(code(&rounds::get(&db, &other, r.id).await.err().unwrap()), "not_found");
        rounds::get(&db, &street, r.id).await.unwrap();

        // A community with room under its norm, and one beyond the county.
        let communities: Vec<String> = region::Entity::find()
            .filter(region::Column::Level.eq("community"))
            .filter(region::Column::Code.starts_with("330481"))
            .order_by_asc(region::Column::Code)
            .all(&db.conn)
            .await
            .unwrap()
            .into_iter()
            .map(|c| c.code)
            .collect();
        let mut with_room = None;
        for c in &communities {
            if let Some(n) = rounds::room(&db, c, today).await.unwrap().filter(|n| *n >= 2) {
                with_room = Some((c.clone(), n));
                break;
            }
        }
        let (home, room) = with_room.expect("a community below its norm's maximum");
        let post = |community: &str, places: i64| JobPostInput {
            community: community.into(),
            title: "社区专职工作者".into(),
            places: Some(places),
            min_education: Some("本科".into()),
            majors: Some("社会工作、社会学".into()),
            ..Default::default()
        };
        assert_eq!(
            code(&rounds::add_post(&db, &county, r.id, &post("330483001001", 1)).await.unwrap_err()),
            "post_community"
        );
        // 总量控制: no more than the room the norm leaves.
        assert_eq!(
            code(&rounds::add_post(&db, &county, r.id, &post(&home, room + 1)).await.unwrap_err()),
            "post_over_norm"
        );
        let p = rounds::add_post(&db, &county, r.id, &post(&home, room - 1)).await.unwrap();
        assert_eq!((p.places as i64, p.majors.as_str()), (room - 1, "社会工作、社会学"));
        assert_eq!(rounds::room(&db, &home, today).await.unwrap(), Some(1), "planned places count against the room");
        assert_eq!(code(&rounds::add_post(&db, &county, r.id, &post(&home, 2)).await.unwrap_err()), "post_over_norm");
        let bad_post =
            JobPostInput { max_age: Some(rounds::NumberOrText::Text("99".into())), places: Some(0), ..post(&home, 1) };
        match rounds::add_post(&db, &county, r.id, &bad_post).await.unwrap_err() {
            StoreError::Invalid(v) => {
                let fields: Vec<&str> = v.iter().map(|f| f.field).collect();
                assert_eq!(fields, ["places", "max_age"], "{v:?}");
            }
            e => panic!("{e:?}"),
        }

        // What the approver saw is what is approved: a plan changed since is refused.
        let stale = rounds::Seen { posts: 2, places: room };
        assert_eq!(code(&rounds::approve(&db, &reviewer, r.id, Some(stale)).await.unwrap_err()), "recruitment_changed");
        // Whoever added a post is an author too.
        let other_round = rounds::create(&db, &county, &input, today).await.unwrap();
        let mut spare = None;
        for c in &communities {
            if c != &home && rounds::room(&db, c, today).await.unwrap().is_some_and(|n| n >= 1) {
                spare = Some(c.clone());
                break;
            }
        }
        let spare = spare.expect("another community with room");
        rounds::add_post(&db, &reviewer, other_round.id, &post(&spare, 1)).await.unwrap();
        assert_eq!(
            code(&rounds::approve(&db, &reviewer, other_round.id, None).await.unwrap_err()),
            "recruitment_same_person"
        );
        // Withdrawn, its places are free again.
        let held = rounds::room(&db, &spare, today).await.unwrap();
        rounds::close(&db, &county, other_round.id).await.unwrap();
        assert_eq!(rounds::room(&db, &spare, today).await.unwrap(), held.map(|n| n + 1));
        assert_eq!(code(&rounds::close(&db, &county, other_round.id).await.unwrap_err()), "recruitment_state");
        // Approved by another administrator, then published; nothing public before.
        assert_eq!(code(&rounds::approve(&db, &county, r.id, None).await.unwrap_err()), "recruitment_same_person");
        assert_eq!(code(&rounds::publish(&db, &reviewer, r.id).await.unwrap_err()), "recruitment_state");
        assert_eq!(
            code(&shegong_store::recruitment::public::announcement(&db, r.id).await.err().unwrap()),
            "not_found"
        );
        assert_eq!(shegong_store::recruitment::public::announced(&db).await.unwrap().len(), shown);
        let a = rounds::approve(&db, &reviewer, r.id, Some(rounds::Seen { posts: 1, places: room - 1 })).await.unwrap();
        assert_eq!((a.status.as_str(), a.approved_by.as_deref()), ("approved", Some("reviewer")));
        assert_eq!(
            code(&rounds::add_post(&db, &county, r.id, &post(&home, 1)).await.unwrap_err()),
            "recruitment_state"
        );
        rounds::publish(&db, &county, r.id).await.unwrap();
        let public = shegong_store::recruitment::public::announcement(&db, r.id).await.unwrap();
        assert_eq!((public.round.status.as_str(), public.posts.len()), ("published", 1));
        assert_eq!(shegong_store::recruitment::public::announced(&db).await.unwrap().len(), shown + 1);
        assert_eq!(code(&rounds::publish(&db, &county, r.id).await.unwrap_err()), "recruitment_state");
    }
}
