//! The figures of 民情事件 on both engines: a county's counts are exactly the sum of its streets'
//! (and a street's of its communities'), they agree with the event list, a closure is counted with
//! its time and whether it was on time, and the figures stay inside the caller's region and role.

use chrono::Duration;
use shegong_domain::RegionCode;
use shegong_domain::access::Role;
use shegong_domain::event_stats::Tally;
use shegong_store::demo::{self, DemoOptions};
use shegong_store::error::StoreError;
use shegong_store::events::{self, ActInput, EventFilter, NewEvent};
use shegong_store::testing::{person, step};

fn field(e: StoreError) -> &'static str {
    match e {
        StoreError::Invalid(v) => v[0].field,
        StoreError::Forbidden(_) => "forbidden",
        StoreError::NotFound => "not_found",
        e => panic!("{e:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn figures_add_up_agree_with_the_list_and_stay_in_scope() {
    for postgres in shegong_store::testing::engines() {
        let dir = tempfile::tempdir().unwrap();
        let (db, _) = shegong_store::testing::fresh(postgres, dir.path()).await.unwrap();
        let today = shegong_domain::time::in_china(chrono::Utc::now()).date();
        demo::load(&db, &DemoOptions::counties(7, &["330481"], today), &|_, _, _| {}).await.unwrap();
        let county = RegionCode::parse("330481").unwrap();
        let province = person(Role::ProvinceAdmin, "33", "province");
        let (from, to) = (today - Duration::days(365), today);

        let c = events::stats(&db, &province, &county, from, to).await.unwrap();
        assert!(c.total.reported > 5_000, "the demo's year: {:?}", c.total);
        assert!(c.total.closed > 0 && c.total.rated > 0 && c.total.timed == c.total.closed);
        assert!(c.overdue_now > 0, "the demo has overdue events");
        // The streets add up to the county, exactly.
        let streets: Tally = c.children.values().map(|(t, _)| *t).sum();
        assert_eq!(streets, c.total);
        assert_eq!(c.children.values().map(|(_, o)| o).sum::<i64>(), c.overdue_now);
        assert_eq!(c.by_source.values().sum::<i64>(), c.total.reported);
        assert_eq!(c.by_category.values().sum::<i64>(), c.total.reported);
        assert_eq!(c.by_state.values().sum::<i64>(), c.total.reported);
        // And each street's communities add up to the street, read on its own.
        let (street, (street_total, street_overdue)) = c.children.iter().max_by_key(|(_, (t, _))| t.reported).unwrap();
        let s = events::stats(&db, &province, &RegionCode::parse(street).unwrap(), from, to).await.unwrap();
        assert_eq!((s.total, s.overdue_now), (*street_total, *street_overdue));
        assert_eq!(s.children.values().map(|(t, _)| *t).sum::<Tally>(), s.total);
        // The same count as the event list for the period.
        let f = EventFilter {
            region: Some(street.clone()),
            from: Some(from.to_string()),
            to: Some(to.to_string()),
            ..Default::default()
        };
        let (_, listed) = events::list(&db, &province.scope, &f, 1, 1).await.unwrap();
        assert_eq!(listed as i64, s.total.reported);

        // A report closed at once: counted as closed on time, with its time, and to whoever did it.
        let (home, before) = s.children.iter().next().map(|(k, v)| (k.clone(), v.0)).unwrap();
        let head = person(Role::CommunityHead, &home, "head");
        let e = events::create(
            &db,
            &head,
            &NewEvent {
                region: home.clone(),
                category: "facilities".into(),
                source: "window".into(),
                description: "路灯不亮".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        for (i, a) in ["accept", "assign"].into_iter().enumerate() {
            events::act(&db, &head, e.id, &step(a, i as i32 + 1)).await.unwrap();
        }
        let fb = ActInput { result: Some("已更换灯泡".into()), ..step("feedback", 3) };
        events::act(&db, &head, e.id, &fb).await.unwrap();
        events::act(&db, &head, e.id, &step("verify", 4)).await.unwrap();
        let closed = events::act(&db, &head, e.id, &step("close", 5)).await.unwrap();
        assert_eq!((closed.on_time, closed.close_minutes), (Some(true), Some(0)));
        let home_code = RegionCode::parse(&home).unwrap();
        let h = events::stats(&db, &head, &home_code, from, to).await.unwrap();
        assert_eq!(h.total.reported - before.reported, 1);
        assert_eq!((h.total.closed - before.closed, h.total.on_time - before.on_time), (1, 1));
        let me = h.people.iter().find(|p| p.username == "head").expect("the head's own steps");
        assert_eq!((me.reported, me.fed_back, me.closed, me.closed_on_time), (1, 1, 1, 1));
        // Counted on its day only.
        let yesterday =
            events::stats(&db, &head, &home_code, today - Duration::days(1), today - Duration::days(1)).await.unwrap();
        assert!(yesterday.people.iter().all(|p| p.username != "head"));

        // A resident's report, closed by the community and rated by the resident on the public page.
        let c_model = events::public::community(&db, &home).await.unwrap();
        let report = events::public::PublicReport {
            category: "other".into(),
            description: "建议增设快递柜".into(),
            phone: Some("13800001234".into()),
            ..Default::default()
        };
        let r = events::public::report(&db, &c_model, &report).await.unwrap();
        for (i, a) in ["accept", "assign"].into_iter().enumerate() {
            events::act(&db, &head, r.id, &step(a, i as i32 + 1)).await.unwrap();
        }
        events::act(&db, &head, r.id, &ActInput { result: Some("已联系物业".into()), ..step("feedback", 3) })
            .await
            .unwrap();
        events::act(&db, &head, r.id, &step("verify", 4)).await.unwrap();
        events::act(&db, &head, r.id, &step("close", 5)).await.unwrap();
        let rated = events::public::rate(&db, &home, &r.number, "satisfied", "1234").await.unwrap();
        assert_eq!(rated.state, "rated");

        // The province's and the city's figures, kept as tallies per county and day, agree with the
        // county's own, counted from its events: after the demo's load and after the steps above.
        let city = events::stats(&db, &province, &RegionCode::parse("3304").unwrap(), from, to).await.unwrap();
        let c = events::stats(&db, &province, &county, from, to).await.unwrap();
        assert_eq!(city.children.get("330481").map(|x| x.0), Some(c.total));
        assert_eq!(
            (city.by_source.clone(), city.by_category.clone(), city.by_state.clone()),
            (c.by_source.clone(), c.by_category.clone(), c.by_state.clone())
        );
        let whole = events::stats(&db, &province, &RegionCode::parse("33").unwrap(), from, to).await.unwrap();
        assert_eq!((whole.total, whole.overdue_now), (city.total, city.overdue_now));
        assert_eq!(whole.children.values().map(|(t, _)| *t).sum::<Tally>(), whole.total);
        // Rebuilt from the events, the tallies are what the steps left.
        let txn = db.begin_write().await.unwrap();
        events::rebuild_tallies(&*txn, "33").await.unwrap();
        txn.commit().await.unwrap();
        let again = events::stats(&db, &province, &RegionCode::parse("33").unwrap(), from, to).await.unwrap();
        assert_eq!(again.total, whole.total);

        // Inside the caller's region and role only; a period that reads wrong is refused by name.
        let worker = person(Role::Worker, &home, "worker");
        assert_eq!(field(events::stats(&db, &worker, &home_code, from, to).await.unwrap_err()), "forbidden");
        let other = RegionCode::parse("330483").unwrap();
        assert_eq!(field(events::stats(&db, &head, &other, from, to).await.unwrap_err()), "not_found");
        assert_eq!(field(events::stats(&db, &head, &home_code, to, from).await.unwrap_err()), "to");
        let old = chrono::NaiveDate::from_ymd_opt(1999, 1, 1).unwrap();
        assert_eq!(field(events::stats(&db, &head, &home_code, old, to).await.unwrap_err()), "from");
    }
}
