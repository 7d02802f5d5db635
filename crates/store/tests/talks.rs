//! The secretary's talks (谈心谈话), 海宁's days among residents for 走访社工, the service record's
//! share of the routine score and the dashboard of the work among residents, on both engines:
//! bad input refused with the field named, a talk twice refused, coverage summed exactly up the
//! tree, a worker seeing only their own, a neighbouring county nothing.

use chrono::Datelike;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use shegong_domain::access::Role;
use shegong_domain::talks::Quarter;
use shegong_domain::visits::{Period, days_required};
use shegong_domain::{RegionCode, Scope};
use shegong_store::access::{Access, Actor};
use shegong_store::demo::{self, DemoOptions};
use shegong_store::entity::{service_role, talk, visit};
use shegong_store::residents::{self, RoleInput, TalkInput};
use shegong_store::testing::{code, person};
use std::collections::BTreeSet;
use uuid::Uuid;

fn worker_access(id: Uuid, community: &str) -> Access {
    Access::new(
        Scope::Own { worker_id: id, region: RegionCode::parse(community).unwrap() },
        Role::Worker,
        Actor { username: "w".into(), role: "worker".into(), region_code: community.into() },
    )
}

fn talk(worker: Uuid, date: chrono::NaiveDate, raised: i64, solved: i64) -> TalkInput {
    TalkInput {
        worker_id: Some(worker),
        date: date.to_string(),
        problems_raised: raised,
        problems_solved: solved,
        note: Some("谈工作压力和培训需求".into()),
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn talks_days_among_residents_and_the_dashboard() {
    for postgres in shegong_store::testing::engines() {
        let dir = tempfile::tempdir().unwrap();
        let (db, _) = shegong_store::testing::fresh(postgres, dir.path()).await.unwrap();
        let today = shegong_domain::time::in_china(chrono::Utc::now()).date();
        demo::load(&db, &DemoOptions::counties(7, &["330481", "330483"], today), &|_, _, _| {}).await.unwrap();
        let province = person(Role::ProvinceAdmin, "33", "province");
        let mut found = None;
        for c in shegong_store::regions::communities_under(&db.conn, "330481").await.unwrap() {
            let all = shegong_store::grids::candidates(&db, &province.scope, &c.code).await.unwrap();
            let secretary = all.iter().find(|p| shegong_domain::talks::is_secretary(&p.title)).map(|p| p.worker_id);
            let people: Vec<_> = all.into_iter().filter(|p| !shegong_domain::talks::is_secretary(&p.title)).collect();
            if people.len() >= 3
                && let Some(s) = secretary
            {
                found = Some((c.code.clone(), people, s));
                break;
            }
        }
        let (community, people, secretary) = found.expect("a 海宁 community with staff and its secretary");
        let (w, other) = (people[0].worker_id, people[1].worker_id);
        let head = person(Role::CommunityHead, &community, "head");
        let street = &community[..9];
        let street_admin = person(Role::StreetAdmin, street, "street");
        let county = person(Role::CountyAdmin, "330481", "county");
        let neighbour = person(Role::CountyAdmin, "330483", "tongxiang");
        let quarter = Quarter::of(today);
        let before = residents::talks(&db, &head, None, quarter).await.unwrap();

        // Recorded by the secretary; the same worker the same day twice is refused.
        let t = residents::record_talk(&db, &head, &talk(w, today, 3, 2), today).await.unwrap();
        assert_eq!((t.raised, t.solved, t.community_code.as_str()), (3, 2, community.as_str()));
        let twice = residents::record_talk(&db, &head, &talk(w, today, 1, 1), today).await.unwrap_err();
        assert_eq!(code(&twice), "talk_duplicate");
        // Bad input names its field and writes nothing.
        let field = |e: shegong_store::error::StoreError| match e {
            shegong_store::error::StoreError::Invalid(v) => v.iter().map(|f| f.field).collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        };
        let e = residents::record_talk(&db, &head, &talk(other, today, 1, 2), today).await.unwrap_err();
        assert_eq!(field(e), ["problems_solved"]);
        let e = residents::record_talk(&db, &head, &talk(other, today + chrono::Duration::days(1), 0, 0), today)
            .await
            .unwrap_err();
        assert_eq!(field(e), ["date"]);
        let e =
            residents::record_talk(&db, &head, &TalkInput { date: "昨天".into(), ..talk(other, today, 0, 0) }, today)
                .await
                .unwrap_err();
        assert_eq!(field(e), ["date"]);
        let e = residents::record_talk(&db, &head, &talk(Uuid::now_v7(), today, 0, 0), today).await.unwrap_err();
        assert_eq!(field(e), ["worker_id"]);
        // The secretary holds the talks: not one to be talked with, nor counted in the coverage.
        let e = residents::record_talk(&db, &head, &talk(secretary, today, 0, 0), today).await.unwrap_err();
        assert_eq!(field(e), ["worker_id"]);
        assert!(before.people.iter().all(|p| p.worker_id != secretary));
        let e = residents::record_talk(
            &db,
            &head,
            &TalkInput { note: Some("\u{7}".into()), ..talk(other, today, 0, 0) },
            today,
        )
        .await
        .unwrap_err();
        assert_eq!(field(e), ["note"]);
        // A worker records none; a neighbouring county reaches no community here.
        let me = worker_access(w, &community);
        assert_eq!(
            code(&residents::record_talk(&db, &me, &talk(other, today, 0, 0), today).await.unwrap_err()),
            "forbidden"
        );
        let theirs = TalkInput { community: Some(community.clone()), ..talk(other, today, 0, 0) };
        assert!(residents::record_talk(&db, &neighbour, &theirs, today).await.is_err());
        assert!(residents::talks(&db, &neighbour, Some(&RegionCode::parse(street).unwrap()), quarter).await.is_err());
        let stored: Vec<Uuid> = talk::Entity::find()
            .select_only()
            .column(talk::Column::WorkerId)
            .filter(talk::Column::ProvinceCode.eq("33"))
            .filter(talk::Column::HeldOn.eq(today))
            .filter(talk::Column::CommunityCode.eq(&community))
            .into_tuple()
            .all(&db.conn)
            .await
            .unwrap();
        assert_eq!(stored.iter().filter(|x| **x == other).count(), 0, "nothing refused was written");

        // The quarter: the talk is listed, the worker talked with; a worker sees only their own.
        let r = residents::talks(&db, &head, None, quarter).await.unwrap();
        assert_eq!(r.total.talks, before.total.talks + 1);
        assert_eq!(r.total.raised, before.total.raised + 3);
        assert!(r.talks.iter().any(|x| x.id == t.id && x.worker_id == w));
        assert!(!r.not_yet.contains(&people[0].name) || people.iter().filter(|p| p.name == people[0].name).count() > 1);
        assert!(r.people.iter().any(|p| p.worker_id == w && p.talked));
        let mine = residents::talks(&db, &me, None, quarter).await.unwrap();
        assert!(mine.talks.iter().all(|x| x.worker_id == w) && mine.talks.iter().any(|x| x.id == t.id));
        assert_eq!(mine.total.workers, 1);
        // Exact up the tree: the street's line for the community is the community's total, and the
        // county's lines sum to its total.
        let s = residents::talks(&db, &street_admin, None, quarter).await.unwrap();
        let line = s.lines.iter().find(|l| l.region_code == community).expect("the community's line");
        assert_eq!(line.figures, r.total);
        let c = residents::talks(&db, &county, None, quarter).await.unwrap();
        let mut sum = shegong_domain::talks::TalkFigures::default();
        c.lines.iter().for_each(|l| sum.add(&l.figures));
        assert_eq!(sum, c.total);
        assert_eq!(c.lines.iter().find(|l| l.region_code == street).unwrap().figures, s.total);
        assert!(c.talks.is_empty(), "a county sees figures, not each talk");

        // 海宁: 走访社工 spend 200 days a year among residents, required in proportion to the days gone.
        residents::set_role(&db, &head, w, &RoleInput { role: "走访社工".into() }, today).await.unwrap();
        let year = Period::year(today.year()).unwrap();
        let report = residents::compliance(&db, &head, None, year, today).await.unwrap();
        let row = report.rows.iter().find(|x| x.worker_id == w).expect("the worker's line");
        assert!(row.visiting);
        // The days they held the role this year, read from its spells.
        let spells: Vec<(String, chrono::NaiveDate, Option<chrono::NaiveDate>)> = service_role::Entity::find()
            .select_only()
            .column(service_role::Column::Role)
            .column(service_role::Column::FromOn)
            .column(service_role::Column::ToOn)
            .filter(service_role::Column::ProvinceCode.eq("33"))
            .filter(service_role::Column::WorkerId.eq(w))
            .into_tuple()
            .all(&db.conn)
            .await
            .unwrap();
        let held: i64 = spells
            .iter()
            .filter(|(role, _, _)| role == "走访社工")
            .map(|(_, start, end)| {
                let last = end.map_or(today, |e| (e - chrono::Duration::days(1)).min(today));
                ((last - (*start).max(year.from)).num_days() + 1).max(0)
            })
            .sum();
        assert!(held >= 1);
        assert_eq!(row.compliance.required.days, days_required(200, held as u32, today.year()));
        let days: BTreeSet<chrono::NaiveDate> = visit::Entity::find()
            .select_only()
            .column(visit::Column::OnDate)
            .filter(visit::Column::ProvinceCode.eq("33"))
            .filter(visit::Column::WorkerId.eq(w))
            .filter(visit::Column::OnDate.between(year.from, today))
            .filter(visit::Column::Kind.is_in(["visit", "check"]))
            .into_tuple()
            .all(&db.conn)
            .await
            .unwrap()
            .into_iter()
            .collect();
        assert_eq!(row.compliance.done.days, days.len() as u32);
        let short = row.compliance.required.days.saturating_sub(row.compliance.done.days);
        assert!(row.compliance.behind >= short);
        let plain = report.rows.iter().find(|x| x.worker_id == other).unwrap();
        if !plain.visiting {
            assert_eq!(plain.compliance.required.days, 0);
        }

        // The service record counts the window's days and the talks held with the worker; the
        // routine proposal reads the same counts.
        let record = residents::service_record(&db, &head.scope, w).await.unwrap();
        let this = record.iter().find(|y| y.year == today.year()).expect("this year's record");
        assert!(this.talks_received >= 1);
        let mut affairs = std::collections::HashMap::new();
        residents::add_service_counts(&db, "33", &mut affairs, &[w], today.year()).await.unwrap();
        let a = affairs.get(&w).copied().unwrap_or_default();
        assert_eq!(a.visits, i64::from(this.visits + this.checks));
        assert_eq!(a.duty_days, i64::from(this.duty_days));
        assert_eq!(a.meetings, i64::from(this.meetings_hosted));
        assert_eq!(a.wishes, i64::from(this.wishes_fulfilled));

        // The dashboard: a county's children sum to its total, and a street's line is the street's own.
        let d = residents::dashboard(&db, &county, None, today.year(), today).await.unwrap();
        assert_eq!(d.weeks.len() as i64, residents::WEEKS);
        assert_eq!(d.children.iter().map(|c| c.workers).sum::<u32>(), d.total.workers);
        assert_eq!(d.children.iter().map(|c| c.wishes.posted).sum::<u64>(), d.total.wishes.posted);
        assert_eq!(d.children.iter().map(|c| c.deliberation.meetings).sum::<u64>(), d.total.deliberation.meetings);
        assert!(d.total.workers > 0 && d.total.wishes.posted > 0 && d.total.deliberation.meetings > 0);
        let ds = residents::dashboard(&db, &street_admin, None, today.year(), today).await.unwrap();
        let line = d.children.iter().find(|c| c.region_code == street).unwrap();
        assert_eq!(
            (line.workers, line.wishes.posted, line.talks),
            (ds.total.workers, ds.total.wishes.posted, ds.total.talks)
        );
        assert_eq!(ds.sentences.len(), 3);
        assert!(ds.sentences[0].contains("已认领办结微心愿"), "{:?}", ds.sentences);
        assert!(
            residents::dashboard(&db, &neighbour, Some(&RegionCode::parse(street).unwrap()), today.year(), today)
                .await
                .is_err()
        );
    }
}
