//! Work among residents on both engines: the household register (masked lists, the full record for
//! the community and above and the worker responsible, each view audited, history, the version
//! read, the import's dry run, all-or-nothing and a re-import that changes nothing), visits (a
//! worker's own, a finding reported as an event in the same step, the household's last visit),
//! who is behind in a week, care households overdue, and micro-wishes from posting to the
//! resident's confirmation with the public wall. A neighbouring county sees none of it.

use chrono::{Datelike, Duration};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use shegong_domain::access::Role;
use shegong_domain::visits::Period;
use shegong_domain::{RegionCode, Scope};
use shegong_store::access::{Access, Actor};
use shegong_store::demo::{self, DemoOptions};
use shegong_store::entity::{audit, household, visit};
use shegong_store::imports::Cell;
use shegong_store::residents::{self, HouseholdFilter, HouseholdInput, VisitInput, WishInput, WishStepInput};
use shegong_store::testing::{code, person};
use shegong_store::{Db, grids};
use uuid::Uuid;

fn worker_access(id: Uuid, community: &str) -> Access {
    Access::new(
        Scope::Own { worker_id: id, region: RegionCode::parse(community).unwrap() },
        Role::Worker,
        Actor { username: "w".into(), role: "worker".into(), region_code: community.into() },
    )
}

fn home(grid: &str, room: &str, tags: &[&str]) -> HouseholdInput {
    HouseholdInput {
        grid: grid.into(),
        building: "99".into(),
        unit: "2".into(),
        room: room.into(),
        head_name: "王秀英".into(),
        phone: Some("13912345678".into()),
        members: Some("2".into()),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        ..Default::default()
    }
}

fn t(s: &str) -> Cell {
    if s.is_empty() { Cell::Empty } else { Cell::Text(s.into()) }
}

fn file(lines: &[[&str; 11]]) -> Vec<(usize, Vec<Cell>)> {
    let mut rows = vec![(1, residents::HOUSEHOLD_HEADINGS.iter().map(|h| t(h)).collect())];
    for (i, l) in lines.iter().enumerate() {
        rows.push((i + 2, l.iter().map(|c| t(c)).collect()));
    }
    rows
}

async fn count(db: &Db) -> u64 {
    household::Entity::find().count(&db.conn).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn households_visits_and_wishes_stay_in_their_region() {
    for postgres in shegong_store::testing::engines() {
        let dir = tempfile::tempdir().unwrap();
        let (db, _) = shegong_store::testing::fresh(postgres, dir.path()).await.unwrap();
        let today = shegong_domain::time::in_china(chrono::Utc::now()).date();
        demo::load(&db, &DemoOptions::counties(7, &["330481", "330483"], today), &|_, _, _| {}).await.unwrap();
        let province = person(Role::ProvinceAdmin, "33", "province");
        // A community of 海宁 with grids and workers, and one of 桐乡 next door.
        let mut found = None;
        for c in shegong_store::regions::communities_under(&db.conn, "330481").await.unwrap() {
            let code = RegionCode::parse(&c.code).unwrap();
            let gs = grids::of_community(&db, &province.scope, &code, today).await.unwrap();
            let people = grids::candidates(&db, &province.scope, &c.code).await.unwrap();
            if gs.len() >= 2 && people.len() >= 2 {
                found = Some((c.code.clone(), gs, people));
                break;
            }
        }
        let (community, gs, people) = found.expect("a 海宁 community with grids and staff");
        let (grid, grid2) = (gs[0].code.clone(), gs[1].code.clone());
        let neighbour = shegong_store::regions::communities_under(&db.conn, "330483").await.unwrap()[0].code.clone();
        let head = person(Role::CommunityHead, &community, "head");
        let other_head = person(Role::CommunityHead, &neighbour, "tongxiang");
        let auditor = person(Role::Auditor, "330481", "auditor");
        let (w1, w2) = (people[0].worker_id, people[1].worker_id);
        let me = worker_access(w1, &community);
        let colleague = worker_access(w2, &community);

        // Registering: every bad field named, nothing written; a neighbour cannot touch the grid.
        let before = count(&db).await;
        let bad = HouseholdInput {
            head_name: " ".into(),
            members: Some("0".into()),
            tags: vec!["贫困".into()],
            ..home(&grid, "501", &[])
        };
        let e = residents::add(&db, &head, &bad, today).await.unwrap_err();
        let shegong_store::StoreError::Invalid(v) = &e else { panic!("{e:?}") };
        let fields: Vec<&str> = v.iter().map(|f| f.field).collect();
        assert_eq!(fields, vec!["head_name", "members", "tags"]);
        assert_eq!(
            code(&residents::add(&db, &other_head, &home(&grid, "501", &[]), today).await.unwrap_err()),
            "household_grid"
        );
        assert_eq!(code(&residents::add(&db, &me, &home(&grid, "501", &[]), today).await.unwrap_err()), "forbidden");
        assert_eq!(count(&db).await, before);
        let input = HouseholdInput { worker_id: Some(w1), ..home(&grid, "501", &["独居老人", "低保"]) };
        let h = residents::add(&db, &head, &input, today).await.unwrap();
        assert_eq!((h.tags.as_str(), h.version), ("独居老人、低保", 1));
        assert_eq!(code(&residents::add(&db, &head, &input, today).await.unwrap_err()), "household_exists");
        let h2 = residents::add(&db, &head, &home(&grid2, "102", &[]), today).await.unwrap();

        // Lists are masked for everyone; a worker lists only the households they are responsible for.
        let f = HouseholdFilter { region: Some(community.clone()), ..Default::default() };
        let (rows, total) = residents::list(&db, &head, &f, 1, 500, today).await.unwrap();
        assert!(total >= 2 && rows.iter().any(|r| r.id == h.id) && rows.iter().any(|r| r.id == h2.id));
        assert!(
            rows.iter().all(|r| r.head_name.contains('*') && r.phone.as_deref().is_none_or(|p| p.contains("****")))
        );
        let ours = rows.iter().find(|r| r.id == h.id).unwrap();
        assert_eq!((ours.head_name.as_str(), ours.phone.as_deref()), ("王**", Some("139****5678")));
        assert_eq!(ours.address, "99幢2单元501室");
        let everyone = HouseholdFilter::default();
        let (mine, _) = residents::list(&db, &me, &everyone, 1, 500, today).await.unwrap();
        assert!(mine.iter().any(|r| r.id == h.id) && mine.iter().all(|r| r.id != h2.id));
        let (theirs, _) = residents::list(&db, &colleague, &everyone, 1, 500, today).await.unwrap();
        assert!(theirs.iter().all(|r| r.id != h.id));
        let tagged = HouseholdFilter { tag: Some("低保".into()), ..f.clone() };
        let (rows, _) = residents::list(&db, &head, &tagged, 1, 500, today).await.unwrap();
        assert!(rows.iter().any(|r| r.id == h.id) && rows.iter().all(|r| r.tags.iter().any(|t| t == "低保")));
        assert_eq!(code(&residents::list(&db, &other_head, &f, 1, 50, today).await.unwrap_err()), "not_found");

        // The full record: the community and above, the worker responsible; audited each time.
        let views = || audit::Entity::find().filter(audit::Column::Action.eq("household.view")).count(&db.conn);
        let seen = views().await.unwrap();
        assert_eq!(residents::get(&db, &head, h.id, today).await.unwrap().household.head_name, "王秀英");
        assert_eq!(
            residents::get(&db, &me, h.id, today).await.unwrap().household.phone.as_deref(),
            Some("13912345678")
        );
        assert_eq!(views().await.unwrap(), seen + 2);
        for who in [&colleague, &other_head] {
            assert_eq!(code(&residents::get(&db, who, h.id, today).await.unwrap_err()), "not_found");
        }
        let dept = Access::new(
            Scope::Department { department_id: Uuid::now_v7(), region: RegionCode::parse("330481").unwrap() },
            Role::Department,
            Actor { username: "d".into(), role: "department".into(), region_code: "330481".into() },
        );
        assert_eq!(code(&residents::get(&db, &dept, h.id, today).await.unwrap_err()), "forbidden");

        // Editing on the version read; each changed field in the history.
        let edit = HouseholdInput { phone: Some("13800001111".into()), version: Some(1), ..input.clone() };
        let h = residents::update(&db, &head, h.id, &edit, today).await.unwrap();
        assert_eq!(h.version, 2);
        assert_eq!(code(&residents::update(&db, &head, h.id, &edit, today).await.unwrap_err()), "household_changed");
        let view = residents::get(&db, &head, h.id, today).await.unwrap();
        assert_eq!(view.history[0].field, "联系电话");
        assert_eq!(view.care_every_days, Some(7), "独居老人 asks a visit every 7 days");

        // Visits: a worker records their own, not a colleague's; the household's last visit moves.
        let week = Period::week(today.iso_week());
        let mine_before = residents::visits(&db, &me, &Default::default(), 1, 20).await.unwrap().1;
        let was = residents::compliance(&db, &head, None, week, today).await.unwrap();
        let was = was.rows.iter().find(|x| x.worker_id == w1).unwrap().compliance.done;
        let v = VisitInput {
            kind: "走访".into(),
            household_id: Some(h.id),
            finding: Some("身体尚可".into()),
            ..Default::default()
        };
        residents::record(&db, &me, &v, today).await.unwrap();
        let as_other = VisitInput { worker_id: Some(w2), ..v.clone() };
        assert_eq!(code(&residents::record(&db, &me, &as_other, today).await.unwrap_err()), "forbidden");
        assert_eq!(code(&residents::record(&db, &auditor, &v, today).await.unwrap_err()), "forbidden");
        let future = VisitInput { on_date: Some((today + Duration::days(1)).to_string()), ..v.clone() };
        assert_eq!(code(&residents::record(&db, &me, &future, today).await.unwrap_err()), "visit_date");
        let nowhere = VisitInput { kind: "排查".into(), ..Default::default() };
        assert_eq!(code(&residents::record(&db, &me, &nowhere, today).await.unwrap_err()), "visit_where");
        // The head records a check for a worker, its finding reported as an event in the same step.
        let check = VisitInput {
            worker_id: Some(w1),
            kind: "check".into(),
            grid: Some(grid.clone()),
            place: Some("3幢楼道".into()),
            finding: Some("楼道堆放杂物，存在消防隐患".into()),
            report: Some(residents::VisitReport { category: "dispute.neighbour".into(), urgency: None }),
            ..Default::default()
        };
        let c = residents::record(&db, &head, &check, today).await.unwrap();
        assert!(c.event_id.is_some(), "the finding became an event");
        let on_home = visit::Entity::find().filter(visit::Column::HouseholdId.eq(h.id)).count(&db.conn).await.unwrap();
        assert_eq!(on_home, 1);
        let h = household::Entity::find_by_id(("33".to_string(), h.id)).one(&db.conn).await.unwrap().unwrap();
        assert_eq!(h.last_visit_on, Some(today));
        let (mine, total) = residents::visits(&db, &me, &Default::default(), 1, 20).await.unwrap();
        assert_eq!(total, mine_before + 2);
        assert!(mine.iter().any(|r| r.place.contains("王**")), "{mine:?}");
        let (theirs, _) = residents::visits(&db, &colleague, &Default::default(), 1, 500).await.unwrap();
        assert!(theirs.iter().all(|v| v.worker_id == w2));

        let record = residents::service_record(&db, &me.scope, w1).await.unwrap();
        let this_year = record.iter().find(|y| y.year == today.year()).unwrap();
        assert!(this_year.visits >= 1 && this_year.checks >= 1 && this_year.days_among_residents >= 1, "{this_year:?}");
        assert_eq!(code(&residents::service_record(&db, &other_head.scope, w1).await.unwrap_err()), "not_found");

        // Who is behind this week: the community's policy asks two visits and two checks a week.
        let r = residents::compliance(&db, &head, None, week, today).await.unwrap();
        let row = r.rows.iter().find(|x| x.worker_id == w1).unwrap();
        assert_eq!((row.compliance.done.visits, row.compliance.done.checks), (was.visits + 1, was.checks + 1));
        let need = row.compliance.required;
        assert_eq!((need.visits, need.checks), (2, 2));
        let d = row.compliance.done;
        let short = need.visits.saturating_sub(d.visits)
            + need.checks.saturating_sub(d.checks)
            + need.patrols.saturating_sub(d.patrols);
        assert_eq!(row.compliance.behind, short);
        assert!(
            r.rows.len() >= 2 && r.behind_workers as usize == r.rows.iter().filter(|x| x.compliance.behind > 0).count()
        );
        let mine = residents::compliance(&db, &me, None, week, today).await.unwrap();
        assert_eq!(mine.rows.len(), 1);
        let county = RegionCode::parse("330481").unwrap();
        let street = RegionCode::parse(&community[..9]).unwrap();
        let whole = residents::compliance(&db, &province, Some(&county), week, today).await.unwrap();
        let part = residents::compliance(&db, &province, Some(&street), week, today).await.unwrap();
        assert!(whole.rows.iter().any(|x| x.worker_id == w1) && part.rows.iter().any(|x| x.worker_id == w1));
        assert_eq!(
            code(&residents::compliance(&db, &other_head, Some(&street), week, today).await.unwrap_err()),
            "not_found"
        );

        // Care households: 独居老人 every 7 days after the last visit.
        let alerts = |d| residents::care_alerts(&db, &head, None, d);
        assert!(alerts(today + Duration::days(6)).await.unwrap().iter().all(|a| a.household_id != h.id));
        let late = alerts(today + Duration::days(8)).await.unwrap();
        assert!(late.iter().any(|a| a.household_id == h.id && a.head_name == "王**"));
        assert!(residents::care_alerts(&db, &colleague, None, today + Duration::days(8)).await.unwrap().is_empty());

        // Micro-wishes: posted, claimed, fulfilled, confirmed; the public wall shows no one's name.
        let region = shegong_store::events::public::community(&db, &community).await.unwrap();
        let posted = residents::wall(&db, &region).await.unwrap().1;
        let wi = WishInput {
            title: "想要一台收音机".into(),
            for_name: "李桂兰".into(),
            household_id: Some(h2.id),
            ..Default::default()
        };
        let w = residents::post(&db, &me, &wi, today).await.unwrap();
        assert_eq!(w.community_code, community);
        let bad = WishInput {
            title: String::new(),
            for_name: String::new(),
            due_on: Some("2020-01-01".into()),
            ..wi.clone()
        };
        let e = residents::post(&db, &me, &bad, today).await.unwrap_err();
        let shegong_store::StoreError::Invalid(v) = &e else { panic!("{e:?}") };
        assert_eq!(v.iter().map(|f| f.field).collect::<Vec<_>>(), vec!["title", "for_name", "due_on"]);
        assert_eq!(
            code(
                &residents::post(
                    &db,
                    &other_head,
                    &WishInput { community: Some(community.clone()), ..wi.clone() },
                    today
                )
                .await
                .unwrap_err()
            ),
            "wish_community"
        );
        let fulfil = WishStepInput { note: Some("已送到".into()), ..Default::default() };
        assert_eq!(code(&residents::fulfil(&db, &me, w.id, &fulfil).await.unwrap_err()), "wish_state");
        let claim = WishStepInput {
            claimant_kind: Some("party_member".into()),
            claimant_name: Some("赵党员".into()),
            version: Some(1),
            ..Default::default()
        };
        assert_eq!(code(&residents::claim(&db, &other_head, w.id, &claim).await.unwrap_err()), "not_found");
        residents::claim(&db, &head, w.id, &claim).await.unwrap();
        assert_eq!(code(&residents::claim(&db, &me, w.id, &claim).await.unwrap_err()), "wish_changed");
        let (wall, _) = residents::wall(&db, &region).await.unwrap();
        let item = wall.iter().find(|x| x.title == "想要一台收音机").unwrap();
        assert_eq!((item.for_name.as_str(), item.claimed_by.as_deref()), ("李**", Some("党员")));
        assert!(!serde_json::to_string(&wall).unwrap().contains("赵党员"));
        assert_eq!(code(&residents::fulfil(&db, &me, w.id, &WishStepInput::default()).await.unwrap_err()), "wish_note");
        residents::fulfil(&db, &me, w.id, &fulfil).await.unwrap();
        residents::confirm(&db, &me, w.id, &WishStepInput::default()).await.unwrap();
        assert_eq!(
            code(&residents::confirm(&db, &me, w.id, &WishStepInput::default()).await.unwrap_err()),
            "wish_state"
        );
        let (wall, figures) = residents::wall(&db, &region).await.unwrap();
        assert!(wall.iter().all(|x| x.title != "想要一台收音机"), "a closed wish leaves the wall");
        assert_eq!((figures.posted, figures.closed), (posted.posted + 1, posted.closed + 1));
        let fig = residents::wish_figures(&db, &head, None).await.unwrap();
        assert_eq!((fig.posted, fig.claimed, fig.closed), (figures.posted, figures.claimed, figures.closed));
        assert!(fig.sentence().starts_with(&format!("发布微心愿{}条", fig.posted)));
        let next_door = residents::wish_figures(&db, &other_head, None).await.unwrap();
        assert_eq!(residents::wish_figures(&db, &province, Some(&neighbour)).await.unwrap(), next_door);

        // The import: a bad row refuses the file; the dry run writes nothing; a re-import changes nothing.
        let gname = &gs[0].name;
        let lines = [
            [grid.as_str(), gname.as_str(), "99", "2", "501", "王秀英", "13800001111", "2", "独居老人、低保", "", ""],
            [grid.as_str(), gname.as_str(), "98", "1", "101", "陈建国", "13700002222", "3", "", "", ""],
            [grid2.as_str(), "", "97", "", "302", "周敏", "", "4人", "空巢老人", "", ""],
            [neighbour.as_str(), "", "1", "", "1", "某某", "", "", "", "", ""],
        ];
        let n = count(&db).await;
        let out = residents::import(&db, &head, &file(&lines), false, today).await.unwrap();
        assert_eq!(out.errors.len(), 1, "{:?}", out.errors);
        assert!(out.errors[0].starts_with("第5行"), "{:?}", out.errors);
        assert_eq!(count(&db).await, n);
        let out = residents::import(&db, &head, &file(&lines[..3]), true, today).await.unwrap();
        assert_eq!((out.added, out.changed, out.unchanged, out.committed), (2, 1, 0, false), "{out:?}");
        assert_eq!(count(&db).await, n);
        let out = residents::import(&db, &head, &file(&lines[..3]), false, today).await.unwrap();
        assert!(out.committed && out.added == 2 && out.changed == 1, "{out:?}");
        assert_eq!(count(&db).await, n + 2);
        let again = residents::import(&db, &head, &file(&lines[..3]), false, today).await.unwrap();
        assert_eq!((again.added, again.changed, again.unchanged), (0, 0, 3));
        assert_eq!(
            code(&residents::import(&db, &me, &file(&lines[..3]), false, today).await.unwrap_err()),
            "forbidden"
        );
    }
}
