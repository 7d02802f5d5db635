//! 民情事件 on both engines: the closed loop from report to rating, who may take which step, refused
//! steps that change nothing, deadlines from the policy and the calendar, and two people acting on
//! the same event at the same moment.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use shegong_domain::access::Role;
use shegong_store::access::Access;
use shegong_store::demo::{self, DemoOptions};
use shegong_store::entity::region;
use shegong_store::error::StoreError;
use shegong_store::events::{self, ActInput, EventFilter, NewEvent};
use shegong_store::testing::{code, person, step};

/// The events a community sees, those the other community sees, the street's disputes, and the
/// community's open and overdue ones.
async fn counts(db: &shegong_store::Db, head: &Access, other: &Access, street: &Access) -> Vec<u64> {
    let n = |f: EventFilter, a: &Access| {
        let db = db.clone();
        let scope = a.scope.clone();
        async move { events::list(&db, &scope, &f, 1, 50).await.unwrap().1 }
    };
    vec![
        n(EventFilter::default(), head).await,
        n(EventFilter::default(), other).await,
        n(EventFilter { category: Some("dispute".into()), ..Default::default() }, street).await,
        n(EventFilter { state: Some("open".into()), ..Default::default() }, head).await,
        n(EventFilter { overdue: Some("true".into()), ..Default::default() }, head).await,
    ]
}

async fn two_communities(db: &shegong_store::Db) -> (String, String) {
    let cs: Vec<region::Model> = region::Entity::find()
        .filter(region::Column::Level.eq("community"))
        .filter(region::Column::Code.starts_with("330481001"))
        .order_by_asc(region::Column::Code)
        .all(&db.conn)
        .await
        .unwrap();
    (cs[0].code.clone(), cs[1].code.clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_goes_round_the_loop_and_refused_steps_change_nothing() {
    for postgres in shegong_store::testing::engines() {
        let dir = tempfile::tempdir().unwrap();
        let (db, _) = shegong_store::testing::fresh(postgres, dir.path()).await.unwrap();
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        demo::load(&db, &DemoOptions::counties(7, &["330481"], today), &|_, _, _| {}).await.unwrap();
        let (home, other) = two_communities(&db).await;
        let street = &home[..9];
        let head = person(Role::CommunityHead, &home, "head");
        let other_head = person(Role::CommunityHead, &other, "other_head");
        let worker = person(Role::Worker, &home, "worker");
        let street_admin = person(Role::StreetAdmin, street, "street");

        let before = counts(&db, &head, &other_head, &street_admin).await;
        // Refused whole, naming every field, and nothing stored.
        let bad = NewEvent { region: "3304".into(), source: "public".into(), ..Default::default() };
        match events::create(&db, &head, &bad).await.unwrap_err() {
            StoreError::Invalid(v) => {
                let fields: Vec<&str> = v.iter().map(|f| f.field).collect();
                assert_eq!(fields, ["region", "source", "category", "description"], "{v:?}");
            }
            e => panic!("{e:?}"),
        }
        let input = NewEvent {
            region: home.clone(),
            category: "dispute.neighbour".into(),
            source: "window".into(),
            description: "楼上装修噪声扰民，多次协商未果".into(),
            reporter_name: Some("张三".into()),
            reporter_phone: Some("13912341234".into()),
            ..Default::default()
        };
        let unknown = NewEvent { category: "nonesuch".into(), ..input.clone() };
        assert_eq!(code(&events::create(&db, &head, &unknown).await.unwrap_err()), "event_category");
        let elsewhere = NewEvent { region: other.clone(), ..input.clone() };
        assert_eq!(code(&events::create(&db, &head, &elsewhere).await.unwrap_err()), "not_found");

        let e = events::create(&db, &head, &input).await.unwrap();
        assert_eq!((e.state.as_str(), e.version), ("reported", 1));
        assert!(e.number.starts_with('E') && e.number.ends_with("-0001"), "{}", e.number);
        assert!(e.number.contains(&home[..6]));
        // 矛盾纠纷: 15 natural days for the whole.
        assert_eq!(e.total_due - e.reported_at, chrono::Duration::days(15));
        let second =
            events::create(&db, &worker, &NewEvent { source: "patrol".into(), ..input.clone() }).await.unwrap();
        assert!(second.number.ends_with("-0002"), "{}", second.number);

        // Who may take the first step.
        assert_eq!(code(&events::act(&db, &worker, e.id, &step("accept", 1)).await.unwrap_err()), "forbidden");
        assert_eq!(code(&events::act(&db, &other_head, e.id, &step("accept", 1)).await.unwrap_err()), "not_found");
        let e = events::act(&db, &head, e.id, &step("accept", 1)).await.unwrap();
        assert_eq!((e.state.as_str(), e.version), ("accepted", 2));
        // Stale, then not allowed: both 409, and nothing changes.
        assert_eq!(code(&events::act(&db, &head, e.id, &step("escalate", 1)).await.unwrap_err()), "event_version");
        assert_eq!(code(&events::act(&db, &head, e.id, &step("verify", 2)).await.unwrap_err()), "event_transition");
        let t = events::get(&db, &head.scope, e.id).await.unwrap();
        assert_eq!((t.event.version, t.steps.len()), (2, 2));

        // Up to the street, handed down to another community, handled there.
        let e = events::act(&db, &head, e.id, &step("escalate", 2)).await.unwrap();
        assert_eq!(code(&events::act(&db, &head, e.id, &step("assign", 3)).await.unwrap_err()), "forbidden");
        // Handed down inside the street it was sent up to, even by the province.
        let province = person(Role::ProvinceAdmin, "33", "province");
        let far = ActInput { handler: Some("330483001001".into()), ..step("assign", 3) };
        assert_eq!(code(&events::act(&db, &province, e.id, &far).await.unwrap_err()), "event_handler");
        let hand = ActInput { handler: Some(other.clone()), ..step("assign", 3) };
        let e = events::act(&db, &street_admin, e.id, &hand).await.unwrap();
        assert_eq!((e.state.as_str(), e.handler_code.as_deref()), ("assigned", Some(other.as_str())));
        assert!(e.handle_due.is_some());
        // The handling community sees it now; its head asks for more time, the street grants it.
        events::get(&db, &other_head.scope, e.id).await.unwrap();
        let ask = ActInput { days: Some(5), reason: Some("需协调物业".into()), ..step("extend_request", 4) };
        let e = events::act(&db, &other_head, e.id, &ask).await.unwrap();
        let due = e.total_due;
        let e = events::act(&db, &street_admin, e.id, &step("extend_grant", 5)).await.unwrap();
        assert_eq!(e.total_due - due, chrono::Duration::days(5));
        let empty = ActInput { result: Some("  ".into()), ..step("feedback", 6) };
        assert_eq!(code(&events::act(&db, &other_head, e.id, &empty).await.unwrap_err()), "event_text_required");
        let fb = ActInput { result: Some("已调解，双方签订协议".into()), ..step("feedback", 6) };
        let e = events::act(&db, &other_head, e.id, &fb).await.unwrap();
        let rw = ActInput { reason: Some("协议未附签字".into()), ..step("rework", 7) };
        let e = events::act(&db, &head, e.id, &rw).await.unwrap();
        assert_eq!((e.state.as_str(), e.reworks), ("assigned", 1));
        let e = events::act(&db, &other_head, e.id, &ActInput { result: Some("已补签".into()), ..step("feedback", 8) })
            .await
            .unwrap();
        let e = events::act(&db, &head, e.id, &step("verify", 9)).await.unwrap();
        assert_eq!(code(&events::act(&db, &other_head, e.id, &step("close", 10)).await.unwrap_err()), "forbidden");
        let e = events::act(&db, &head, e.id, &step("close", 10)).await.unwrap();
        assert!(e.closed_at.is_some());
        let e =
            events::act(&db, &head, e.id, &ActInput { rating: Some("fair".into()), ..step("rate", 11) }).await.unwrap();
        assert_eq!((e.state.as_str(), e.rating.as_deref()), ("rated", Some("fair")));
        let t = events::get(&db, &street_admin.scope, e.id).await.unwrap();
        let actions: Vec<&str> = t.steps.iter().map(|s| s.action.as_str()).collect();
        assert_eq!(
            actions,
            [
                "report",
                "accept",
                "escalate",
                "assign",
                "extend_request",
                "extend_grant",
                "feedback",
                "rework",
                "feedback",
                "verify",
                "close",
                "rate"
            ]
        );
        assert_eq!(t.steps.iter().map(|s| s.seq).collect::<Vec<_>>(), (1..=12).collect::<Vec<_>>());
        assert_eq!(t.steps[7].note.as_deref(), Some("协议未附签字"));

        // A duplicate refused with a link to its original.
        let dup =
            ActInput { reason: Some("重复件".into()), duplicate_of: Some(e.number.clone()), ..step("reject", 1) };
        let s = events::act(&db, &head, second.id, &dup).await.unwrap();
        assert_eq!((s.state.as_str(), s.duplicate_of), ("rejected", Some(e.id)));

        // The list: scope, state, category (with its sub-categories), overdue; counted beside the
        // demo's own year of events.
        let after = counts(&db, &head, &other_head, &street_admin).await;
        let added: Vec<u64> = after.iter().zip(&before).map(|(a, b)| a - b).collect();
        assert_eq!(added, [2, 1, 2, 0, 0], "mine, the one handed to the other, disputes, open, overdue");
        let bad = EventFilter { state: Some("nonesuch".into()), ..Default::default() };
        assert!(events::list(&db, &head.scope, &bad, 1, 50).await.is_err());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn people_acting_at_once_one_succeeds_the_others_get_409() {
    for postgres in shegong_store::testing::engines() {
        let dir = tempfile::tempdir().unwrap();
        let (db, _) = shegong_store::testing::fresh(postgres, dir.path()).await.unwrap();
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        demo::load(&db, &DemoOptions::counties(7, &["330481"], today), &|_, _, _| {}).await.unwrap();
        let (home, _) = two_communities(&db).await;
        let head = person(Role::CommunityHead, &home, "head");
        let street = person(Role::StreetAdmin, &home[..9], "street");
        for round in 0..10 {
            let input = NewEvent {
                region: home.clone(),
                category: "other".into(),
                source: "window".into(),
                description: format!("第{round}件"),
                ..Default::default()
            };
            let e = events::create(&db, &head, &input).await.unwrap();
            // The community accepts while the street supervises, both on version 1.
            let (accept, supervise) = (step("accept", 1), ActInput { level: Some(1), ..step("supervise", 1) });
            let (a, b) =
                tokio::join!(events::act(&db, &head, e.id, &accept), events::act(&db, &street, e.id, &supervise));
            let ok = [&a, &b].iter().filter(|r| r.is_ok()).count();
            assert_eq!(ok, 1, "round {round}: {a:?} {b:?}");
            let loser = match (a, b) {
                (Err(e), _) | (_, Err(e)) => e,
                _ => unreachable!("one failed"),
            };
            assert_eq!(code(&loser), "event_version", "{loser:?}");
            let t = events::get(&db, &head.scope, e.id).await.unwrap();
            assert_eq!((t.event.version, t.steps.len()), (2, 2), "nothing half-written");
        }

        // Twenty at once on one version: exactly one step is taken, the timeline has no gap.
        let input = NewEvent {
            region: home.clone(),
            category: "other".into(),
            source: "window".into(),
            description: "二十人同时办理".into(),
            ..Default::default()
        };
        let e = events::create(&db, &head, &input).await.unwrap();
        let tries = (0..20).map(|i| {
            let (db, who) = (db.clone(), if i % 2 == 0 { head.clone() } else { street.clone() });
            let step = if i % 2 == 0 { step("accept", 1) } else { ActInput { level: Some(1), ..step("supervise", 1) } };
            tokio::spawn(async move { events::act(&db, &who, e.id, &step).await })
        });
        let results: Vec<_> = futures_util::future::join_all(tries).await.into_iter().map(|r| r.unwrap()).collect();
        assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1, "{results:?}");
        for r in results.iter().filter_map(|r| r.as_ref().err()) {
            assert_eq!(code(r), "event_version", "{r:?}");
        }
        let t = events::get(&db, &head.scope, e.id).await.unwrap();
        assert_eq!(t.steps.iter().map(|s| s.seq).collect::<Vec<_>>(), [1, 2]);

        // Twenty reports at once: twenty numbers, none twice, none skipped.
        let reports = (0..20).map(|i| {
            let (db, head) = (db.clone(), head.clone());
            let input = NewEvent { description: format!("同时上报第{i}件"), ..input.clone() };
            tokio::spawn(async move { events::create(&db, &head, &input).await })
        });
        let mut numbers: Vec<String> =
            futures_util::future::join_all(reports).await.into_iter().map(|r| r.unwrap().unwrap().number).collect();
        numbers.sort();
        let seqs: Vec<u32> = numbers.iter().map(|n| n.rsplit('-').next().unwrap().parse().unwrap()).collect();
        let first = seqs[0];
        assert_eq!(seqs, (first..first + 20).collect::<Vec<_>>(), "{numbers:?}");
    }
}

/// Reports sent at once are written in groups: every one is stored once, the county's numbers of the
/// day run from one without a gap or a repeat, and the figures count each report once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_at_once_are_all_numbered_and_counted() {
    for postgres in shegong_store::testing::engines() {
        let dir = tempfile::tempdir().unwrap();
        let (db, _) = shegong_store::testing::fresh(postgres, dir.path()).await.unwrap();
        let today = shegong_domain::time::in_china(chrono::Utc::now()).date();
        demo::load(&db, &DemoOptions::counties(7, &["330483"], today), &|_, _, _| {}).await.unwrap();
        let communities: Vec<String> = region::Entity::find()
            .filter(region::Column::Level.eq("community"))
            .filter(region::Column::Code.starts_with("330483"))
            .order_by_asc(region::Column::Code)
            .all(&db.conn)
            .await
            .unwrap()
            .into_iter()
            .take(3)
            .map(|r| r.code)
            .collect();
        let county = shegong_domain::RegionCode::parse("330483").unwrap();
        let province = person(Role::ProvinceAdmin, "33", "province");
        let before = events::stats(&db, &province, &county, today, today).await.unwrap().total.reported;
        let tasks: Vec<_> = (0..300)
            .map(|i| {
                let db = db.clone();
                let region = communities[i % communities.len()].clone();
                tokio::spawn(async move {
                    let head = person(Role::CommunityHead, &region, "head");
                    let report = NewEvent {
                        region,
                        category: "facilities".into(),
                        source: "window".into(),
                        description: format!("同时上报第{i}件"),
                        ..Default::default()
                    };
                    events::create(&db, &head, &report).await
                })
            })
            .collect();
        let mut numbers = Vec::new();
        for t in tasks {
            numbers.push(t.await.unwrap().unwrap().number);
        }
        numbers.sort();
        numbers.dedup();
        assert_eq!(numbers.len(), 300, "every report has its own number");
        let prefix = &numbers[0][..numbers[0].len() - 4];
        assert!(numbers.iter().all(|n| n.starts_with(prefix)));
        let stored = shegong_store::entity::event::Entity::find()
            .filter(shegong_store::entity::event::Column::Number.starts_with(prefix))
            .all(&db.conn)
            .await
            .unwrap();
        let mut seq: Vec<u64> = stored.iter().map(|e| e.number[prefix.len()..].parse().unwrap()).collect();
        seq.sort();
        assert_eq!(seq, (1..=seq.len() as u64).collect::<Vec<_>>(), "the day's numbers run from one without a gap");
        let after = events::stats(&db, &province, &county, today, today).await.unwrap().total.reported;
        assert_eq!(after - before, 300);
    }
}
