//! Grids and who covers them, on both engines: the coverage figures add up exactly from communities
//! to the county, assigning and releasing keeps the history (and the worker's archive history), the
//! roster file round-trips and refuses a bad file whole, an exit releases the worker's grids, and
//! nobody staffs a grid outside their region or role.

use shegong_domain::RegionCode;
use shegong_domain::access::Role;
use shegong_domain::grids::{Coverage, Duty};
use shegong_store::demo::{self, DemoOptions};
use shegong_store::error::StoreError;
use shegong_store::grids::{self, DutyInput};
use shegong_store::imports::Cell;
use shegong_store::testing::person;

fn field(e: StoreError) -> &'static str {
    match e {
        StoreError::Invalid(v) => v[0].field,
        StoreError::Forbidden(_) => "forbidden",
        StoreError::NotFound => "not_found",
        StoreError::Conflict(e) => e.code,
        e => panic!("{e:?}"),
    }
}

fn leader(name: &str, phone: &str, households: &str) -> DutyInput {
    DutyInput {
        duty: "link_leader".into(),
        name: Some(name.into()),
        phone: Some(phone.into()),
        households: Some(households.into()),
        ..Default::default()
    }
}

fn text(s: &str) -> Cell {
    if s.is_empty() { Cell::Empty } else { Cell::Text(s.into()) }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grids_are_staffed_in_scope_with_history_and_figures_that_add_up() {
    for postgres in shegong_store::testing::engines() {
        let dir = tempfile::tempdir().unwrap();
        let (db, _) = shegong_store::testing::fresh(postgres, dir.path()).await.unwrap();
        let today = shegong_domain::time::in_china(chrono::Utc::now()).date();
        demo::load(&db, &DemoOptions::counties(7, &["330481", "330483"], today), &|_, _, _| {}).await.unwrap();
        let province = person(Role::ProvinceAdmin, "33", "province");
        let county = RegionCode::parse("330481").unwrap();

        // The county's figures are exactly its streets', and a street's its communities'.
        let c = grids::coverage(&db, &province.scope, &county, today).await.unwrap();
        assert!(c.total.coverage.grids > 100 && c.total.coverage.link_leaders > 1000, "{:?}", c.total);
        assert!(c.total.coverage.without_worker > 0, "the demo leaves some grids without a 网格员");
        assert!(c.total.coverage.over_ceiling > 0, "and some above the norm's ceiling");
        assert_eq!(c.ceilings, vec![500], "浙江's demo policy: grids of up to 500 households");
        let mut sum = Coverage::default();
        for s in &c.children {
            sum.add(&s.coverage);
        }
        assert_eq!(sum, c.total.coverage);
        let street = c.children.iter().max_by_key(|s| s.coverage.grids).unwrap();
        let s = grids::coverage(&db, &province.scope, &RegionCode::parse(&street.region_code).unwrap(), today)
            .await
            .unwrap();
        assert_eq!(s.total.coverage, street.coverage);
        let mut sum = Coverage::default();
        for x in &s.children {
            sum.add(&x.coverage);
        }
        assert_eq!(sum, s.total.coverage);
        // The other county has 网格员 but no 联户长 recorded.
        let other = grids::coverage(&db, &province.scope, &RegionCode::parse("330483").unwrap(), today).await.unwrap();
        assert!(other.total.coverage.grid_workers > 0 && other.total.coverage.link_leaders == 0);

        // A community head staffs their own grids.
        // A community with staff outside the 两委 as well.
        let mut community = String::new();
        for x in &s.children {
            let people = grids::candidates(&db, &province.scope, &x.region_code).await.unwrap();
            if people.iter().any(|p| !p.two_committees) && x.coverage.grids > 1 {
                community = x.region_code.clone();
                break;
            }
        }
        let head = person(Role::CommunityHead, &community, "head");
        let code = RegionCode::parse(&community).unwrap();
        let list = grids::of_community(&db, &head.scope, &code, today).await.unwrap();
        let grid = list[0].code.clone();
        let people = grids::candidates(&db, &head.scope, &community).await.unwrap();
        let someone = people.iter().find(|p| !list[0].held(Duty::GridWorker).any(|d| d.worker_id == Some(p.worker_id)));
        let someone = someone.unwrap().clone();
        let i = DutyInput { duty: "网格员".into(), worker_id: Some(someone.worker_id), ..Default::default() };
        let d = grids::add(&db, &head, &grid, &i, today).await.unwrap();
        assert_eq!((d.duty.as_str(), d.name.as_str()), ("grid_worker", someone.name.as_str()));
        assert_eq!(field(grids::add(&db, &head, &grid, &i, today).await.unwrap_err()), "worker_id", "held already");
        let history = shegong_store::workers::history(&db, &head.scope, someone.worker_id, false).await.unwrap();
        assert!(history.iter().any(|h| h.section == "网格" && h.after.as_deref().is_some_and(|a| a.contains("网格"))));
        let mine = grids::of_worker(&db, &head.scope, someone.worker_id).await.unwrap();
        assert!(mine.iter().any(|(d, _)| d.grid_code == grid));

        // Wrong input names its field and changes nothing.
        let before = grids::get(&db, &head.scope, &grid, today).await.unwrap().history.len();
        let not_committee = people.iter().find(|p| !p.two_committees).unwrap();
        let bad = [
            (DutyInput { duty: "组长".into(), ..Default::default() }, "duty"),
            (DutyInput { duty: "grid_worker".into(), ..Default::default() }, "worker_id"),
            (
                DutyInput { duty: "committee".into(), worker_id: Some(not_committee.worker_id), ..Default::default() },
                "worker_id",
            ),
            (leader("王秀英", "123", "10"), "phone"),
            (leader("王秀英", "13912345678", "0"), "households"),
            (leader("", "13912345678", "10"), "name"),
            (DutyInput { duty: "party_group".into(), name: Some("党".into()), ..Default::default() }, "name"),
        ];
        for (input, f) in bad {
            assert_eq!(field(grids::add(&db, &head, &grid, &input, today).await.unwrap_err()), f, "{input:?}");
        }
        // A worker of another community cannot be this grid's 网格员.
        let elsewhere = &s.children.iter().find(|x| x.region_code != community).unwrap().region_code;
        let theirs = grids::candidates(&db, &province.scope, elsewhere).await.unwrap();
        let i2 = DutyInput { duty: "grid_worker".into(), worker_id: Some(theirs[0].worker_id), ..Default::default() };
        assert_eq!(field(grids::add(&db, &head, &grid, &i2, today).await.unwrap_err()), "worker_id");
        assert_eq!(grids::get(&db, &head.scope, &grid, today).await.unwrap().history.len(), before);

        // Outside the region or the role: not found, or refused.
        let other_head = person(Role::CommunityHead, elsewhere, "other");
        assert_eq!(
            field(
                grids::add(&db, &other_head, &grid, &leader("王秀英", "13912345678", "10"), today).await.unwrap_err()
            ),
            "not_found"
        );
        assert_eq!(field(grids::end(&db, &other_head, d.id, today).await.unwrap_err()), "not_found");
        assert_eq!(field(grids::get(&db, &other_head.scope, &grid, today).await.unwrap_err()), "not_found");
        for role in [Role::Worker, Role::Auditor] {
            let who = person(role, &community, "x");
            assert_eq!(
                field(grids::add(&db, &who, &grid, &leader("王秀英", "13912345678", "10"), today).await.unwrap_err()),
                "forbidden"
            );
            assert_eq!(field(grids::end(&db, &who, d.id, today).await.unwrap_err()), "forbidden");
        }

        // A 联户长 and a party group; a second party group replaces the first.
        let l = grids::add(&db, &head, &grid, &leader("王秀英", "139 1234 5678", "18"), today).await.unwrap();
        assert_eq!((l.phone.as_deref(), l.households), (Some("13912345678"), Some(18)));
        let pg = |n: &str| DutyInput { duty: "party_group".into(), name: Some(n.into()), ..Default::default() };
        grids::add(&db, &head, &grid, &pg("第一党小组"), today).await.unwrap();
        grids::add(&db, &head, &grid, &pg("第一网格党小组"), today).await.unwrap();
        let g = grids::get(&db, &head.scope, &grid, today).await.unwrap();
        let groups: Vec<&str> = g.grid.held(Duty::PartyGroup).map(|d| d.name.as_str()).collect();
        assert_eq!(groups, ["第一网格党小组"]);
        assert!(g.history.iter().any(|d| d.name == "第一党小组" && d.end_on == Some(today)));

        // The households a grid's 联户长 link cannot exceed the grid's; the history masks phones.
        let g = grids::get(&db, &head.scope, &grid, today).await.unwrap();
        let linked: i64 = g.grid.held(Duty::LinkLeader).filter_map(|d| d.households).map(i64::from).sum();
        let room = (g.grid.households - linked + 1).to_string();
        let too_many = leader("赵大姐", "13912340000", &room);
        if g.grid.households - linked < 200 {
            assert_eq!(field(grids::add(&db, &head, &grid, &too_many, today).await.unwrap_err()), "households");
        }
        assert!(g.history.iter().filter_map(|d| d.phone.as_deref()).all(|p| p.contains("****")), "{:?}", g.history);
        assert!(g.grid.held(Duty::LinkLeader).any(|d| d.phone.as_deref() == Some("13912345678")));
        // One grid's own figures.
        let one = grids::coverage(&db, &head.scope, &RegionCode::parse(&grid).unwrap(), today).await.unwrap();
        assert_eq!(one.total.coverage.grids, 1);
        assert_eq!(one.total.coverage.link_leaders, g.grid.held(Duty::LinkLeader).count() as i64);

        // Releasing keeps the row, dated, with who released it.
        let ended = grids::end(&db, &head, d.id, today).await.unwrap();
        assert_eq!((ended.end_on, ended.ended_by.as_deref()), (Some(today), Some("head")));
        assert_eq!(field(grids::end(&db, &head, d.id, today).await.unwrap_err()), "grid_duty_ended", "ended once");
        let g = grids::get(&db, &head.scope, &grid, today).await.unwrap();
        assert!(!g.grid.held(Duty::GridWorker).any(|x| x.id == d.id));
        assert!(g.history.iter().any(|x| x.id == d.id));

        // The roster round-trips: exported lines imported again change nothing.
        let lines = grids::roster(&db, &head.scope, &code).await.unwrap();
        assert!(lines.iter().any(|l| l.duty == "联户长" && l.name == "王秀英"));
        let mut rows = vec![(1, grids::IMPORT_HEADINGS.iter().map(|h| text(h)).collect::<Vec<_>>())];
        for (n, l) in lines.iter().enumerate() {
            rows.push((
                n + 2,
                vec![
                    text(&l.grid_code),
                    text(&l.grid_name),
                    text(&l.duty),
                    text(&l.name),
                    text(&l.birth_date.map(|d| d.to_string()).unwrap_or_default()),
                    text(l.phone.as_deref().unwrap_or("")),
                    l.households.map_or(Cell::Empty, |h| Cell::Number(f64::from(h))),
                ],
            ));
        }
        let o = grids::import(&db, &head, &rows, false, today).await.unwrap();
        assert!(o.errors.is_empty(), "{:?}", o.errors);
        assert_eq!((o.added, o.ended, o.unchanged), (0, 0, lines.len()), "{o:?}");
        // Taking out one 联户长 and adding another: checked first, then written.
        let at = rows.iter().position(|(_, c)| c[3] == text("王秀英")).unwrap();
        rows[at].1[3] = text("李桂兰");
        rows[at].1[5] = text("13800001111");
        let o = grids::import(&db, &head, &rows, true, today).await.unwrap();
        assert_eq!((o.added, o.ended, o.committed), (1, 1, false));
        let g = grids::get(&db, &head.scope, &grid, today).await.unwrap();
        assert!(g.grid.held(Duty::LinkLeader).any(|d| d.name == "王秀英"), "a dry run writes nothing");
        let o = grids::import(&db, &head, &rows, false, today).await.unwrap();
        assert_eq!((o.added, o.ended, o.committed), (1, 1, true));
        let g = grids::get(&db, &head.scope, &grid, today).await.unwrap();
        assert!(g.grid.held(Duty::LinkLeader).any(|d| d.name == "李桂兰"));
        assert!(!g.grid.held(Duty::LinkLeader).any(|d| d.name == "王秀英"));
        // A file with one bad row is refused whole, every bad row named.
        let mut bad = rows.clone();
        bad[at].1[3] = text("赵某某");
        bad.push((
            999,
            vec![
                text("330481999999999"),
                text(""),
                text("联户长"),
                text("钱某"),
                text(""),
                text("13800002222"),
                text("5"),
            ],
        ));
        bad.push((1000, vec![text(&grid), text(""), text("网格员"), text("不存在的人"), text(""), text(""), text("")]));
        bad.push((1001, vec![text(&grid), text(""), text("联户长"), text("孙某"), text(""), text("12"), text("5")]));
        let o = grids::import(&db, &head, &bad, false, today).await.unwrap();
        assert!(!o.committed && o.errors.len() == 3, "{:?}", o.errors);
        assert!(
            o.errors[0].starts_with("第999行")
                && o.errors[1].starts_with("第1000行")
                && o.errors[2].starts_with("第1001行")
        );
        let g = grids::get(&db, &head.scope, &grid, today).await.unwrap();
        assert!(g.grid.held(Duty::LinkLeader).any(|d| d.name == "李桂兰"), "nothing of a refused file is written");
        // A file too long to check inside the write lock is refused before any row is read.
        let mut long = vec![rows[0].clone()];
        long.extend((0..=grids::MAX_LINES).map(|n| (n + 2, vec![text(&grid), text(""), text("联户长"), text("某某")])));
        assert_eq!(field(grids::import(&db, &head, &long, true, today).await.unwrap_err()), "file");
        // Another community's head cannot import this community's grids.
        let o = grids::import(&db, &other_head, &rows, false, today).await.unwrap();
        assert!(!o.committed && o.errors.iter().all(|e| e.contains("不在您的管辖范围内")));

        // A worker who moves to another community leaves this one's grids.
        let mover = g.grid.held(Duty::Committee).next().and_then(|d| d.worker_id);
        if let Some(mover) = mover {
            let to = elsewhere.clone();
            let street = person(Role::StreetAdmin, &community[..9], "street");
            let a = shegong_domain::worker::AppointmentFields {
                community: RegionCode::parse(&to).unwrap(),
                post_category: "staff".into(),
                title: "专职工作者".into(),
                two_committees: false,
                full_time: true,
                party_building: false,
                start_date: today,
                end_date: None,
            };
            shegong_store::workers::add_appointment(&db, &street, mover, a, true).await.unwrap();
            assert!(grids::of_worker(&db, &province.scope, mover).await.unwrap().is_empty());
        }

        // A worker's own account follows them to their new community: they still see their archive.
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let account = || async {
            shegong_store::entity::user::Entity::find()
                .filter(shegong_store::entity::user::Column::Username.eq("worker"))
                .one(&db.conn)
                .await
                .unwrap()
                .unwrap()
        };
        let me = account().await;
        let mine = me.worker_id.unwrap();
        let home = me.region_code.clone();
        let to = s.children.iter().find(|x| x.region_code != home).unwrap().region_code.clone();
        let county_admin = person(Role::CountyAdmin, "330481", "county");
        let a = shegong_domain::worker::AppointmentFields {
            community: RegionCode::parse(&to).unwrap(),
            post_category: "staff".into(),
            title: "网格员".into(),
            two_committees: false,
            full_time: true,
            party_building: false,
            start_date: today,
            end_date: None,
        };
        shegong_store::workers::add_appointment(&db, &county_admin, mine, a, true).await.unwrap();
        let moved = account().await;
        assert_eq!(moved.region_code, to);
        let own = shegong_store::users::scope_of(&moved).unwrap();
        assert_eq!(shegong_store::workers::get(&db, &own, mine).await.unwrap().region_code, to);

        // A worker who leaves no longer covers any grid.
        let gw = g.grid.held(Duty::GridWorker).next().unwrap().worker_id.unwrap();
        let admin = person(Role::CountyAdmin, "330481", "county");
        shegong_store::workers::exit(&db, &admin, gw, today, "个人辞职").await.unwrap();
        assert!(grids::of_worker(&db, &province.scope, gw).await.unwrap().is_empty());
        let history = shegong_store::workers::history(&db, &province.scope, gw, false).await.unwrap();
        assert!(history.iter().any(|h| h.section == "网格" && h.after.is_none()));
        let after = grids::coverage(&db, &province.scope, &county, today).await.unwrap();
        assert!(after.total.coverage.grid_workers < c.total.coverage.grid_workers);
    }
}
