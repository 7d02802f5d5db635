//! County departments (职能部门) on both engines: kept by the county, handed escalated events inside
//! their remit, seeing those and nothing else, handling them, and sending back what is not theirs.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use shegong_domain::access::Role;
use shegong_domain::{RegionCode, Scope};
use shegong_store::access::{Access, Actor};
use shegong_store::demo::{self, DemoOptions};
use shegong_store::departments::{self, DepartmentInput};
use shegong_store::entity::region;
use shegong_store::error::StoreError;
use shegong_store::events::{self, ActInput, EventFilter, NewEvent};
use shegong_store::testing::{code, person, step};
use uuid::Uuid;

/// A clerk of department `id` in county `county`.
fn clerk(id: Uuid, county: &str) -> Access {
    let region = RegionCode::parse(county).unwrap();
    Access::new(
        Scope::Department { department_id: id, region },
        Role::Department,
        Actor { username: "clerk".into(), role: "department".into(), region_code: county.into() },
    )
}

fn input(name: &str, remit: &[&str]) -> DepartmentInput {
    DepartmentInput {
        name: Some(name.into()),
        remit: Some(remit.iter().map(|k| k.to_string()).collect()),
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_department_handles_what_it_is_handed_and_sees_nothing_else() {
    for postgres in shegong_store::testing::engines() {
        let dir = tempfile::tempdir().unwrap();
        let (db, _) = shegong_store::testing::fresh(postgres, dir.path()).await.unwrap();
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        demo::load(&db, &DemoOptions::counties(7, &["330481"], today), &|_, _, _| {}).await.unwrap();
        let home: String = region::Entity::find()
            .filter(region::Column::Level.eq("community"))
            .filter(region::Column::Code.starts_with("330481001"))
            .order_by_asc(region::Column::Code)
            .one(&db.conn)
            .await
            .unwrap()
            .unwrap()
            .code;
        let county = person(Role::CountyAdmin, "330481", "county");
        let street = person(Role::StreetAdmin, &home[..9], "street");
        let head = person(Role::CommunityHead, &home, "head");

        // Kept by the county: checked, one name once, not by a street.
        let bad = input("", &["nonesuch"]);
        match departments::add(&db, &county, "330481", &bad).await.unwrap_err() {
            StoreError::Invalid(v) => assert_eq!(v[0].field, "name"),
            e => panic!("{e:?}"),
        }
        let unknown = input("海宁市水利局", &["nonesuch"]);
        assert_eq!(
            code(&departments::add(&db, &county, "330481", &unknown).await.unwrap_err()),
            "department_remit_unknown"
        );
        let water = input("海宁市水利局", &["facilities.water"]);
        assert_eq!(code(&departments::add(&db, &street, "330481", &water).await.unwrap_err()), "forbidden");
        let elsewhere = person(Role::CountyAdmin, "330483", "tongxiang");
        assert_eq!(code(&departments::add(&db, &elsewhere, "330481", &water).await.unwrap_err()), "not_found");
        // A county that is not one, or not there, is named as the field at fault.
        let province = person(Role::ProvinceAdmin, "33", "province");
        for bad in ["abc", "3304", "330481001"] {
            match departments::add(&db, &province, bad, &water).await.unwrap_err() {
                StoreError::Invalid(v) => assert_eq!((v[0].code, v[0].field), ("county_invalid", "county"), "{bad}"),
                e => panic!("{bad}: {e:?}"),
            }
        }
        assert_eq!(code(&departments::add(&db, &province, "339999", &water).await.unwrap_err()), "county_unknown");
        let d = departments::add(&db, &county, "330481", &water).await.unwrap();
        assert_eq!(code(&departments::add(&db, &county, "330481", &water).await.unwrap_err()), "department_name_taken");
        // The same name typed another way is the same department.
        let spaced = input("海宁市 水利局", &["facilities.water"]);
        assert_eq!(
            code(&departments::add(&db, &county, "330481", &spaced).await.unwrap_err()),
            "department_name_taken"
        );
        // A change names what it changes: an empty name is refused, not ignored.
        let blank = DepartmentInput { name: Some(" ".into()), ..Default::default() };
        assert_eq!(
            code(&departments::update(&db, &county, d.id, &blank).await.unwrap_err()),
            "department_name_required"
        );
        let none = DepartmentInput { remit: Some(vec![]), ..Default::default() };
        assert_eq!(
            code(&departments::update(&db, &county, d.id, &none).await.unwrap_err()),
            "department_remit_required"
        );
        // The street sees its county's departments (to hand them events), not another county's.
        let seen = departments::of_county(&db, &street, "330481").await.unwrap();
        assert!(seen.iter().any(|x| x.id == d.id));
        assert_eq!(code(&departments::of_county(&db, &street, "330483").await.unwrap_err()), "not_found");

        // An event sent up to the street.
        let report = |category: &str| NewEvent {
            region: home.clone(),
            category: category.into(),
            source: "window".into(),
            description: "小区供水管道破裂，多户停水".into(),
            reporter_name: Some("李四".into()),
            reporter_phone: Some("13912345678".into()),
            ..Default::default()
        };
        let up = async |category: &str| {
            let e = events::create(&db, &head, &report(category)).await.unwrap();
            events::act(&db, &head, e.id, &step("accept", 1)).await.unwrap();
            events::act(&db, &head, e.id, &step("escalate", 2)).await.unwrap()
        };
        let e = up("facilities.water").await;
        let me = clerk(d.id, "330481");
        assert_eq!(code(&events::get(&db, &me.scope, e.id).await.err().unwrap()), "not_found");

        // Handed only to a department of the county whose remit holds it, and only by the street.
        let to = |id: Uuid| ActInput { department: Some(id), ..step("assign", 3) };
        assert_eq!(code(&events::act(&db, &head, e.id, &to(d.id)).await.unwrap_err()), "forbidden");
        let fire = departments::of_county(&db, &street, "330481")
            .await
            .unwrap()
            .into_iter()
            .find(|x| x.name.ends_with("应急管理局"))
            .unwrap();
        assert_eq!(code(&events::act(&db, &street, e.id, &to(fire.id)).await.unwrap_err()), "event_department");
        assert_eq!(code(&events::act(&db, &street, e.id, &to(Uuid::now_v7())).await.unwrap_err()), "event_department");
        let both = ActInput { handler: Some(home.clone()), ..to(d.id) };
        assert_eq!(code(&events::act(&db, &street, e.id, &both).await.unwrap_err()), "event_handler");
        let choices = departments::for_event(&db, &street, &e).await.unwrap();
        // Ours and the demo's housing bureau (all of 设施维护), not the emergency bureau.
        assert!(choices.iter().any(|x| x.id == d.id) && choices.iter().all(|x| x.id != fire.id), "{choices:?}");
        assert_eq!(choices.len(), 2);
        let e = events::act(&db, &street, e.id, &to(d.id)).await.unwrap();
        assert_eq!((e.state.as_str(), e.handler_kind.as_deref()), ("assigned", Some("department")));
        assert!(e.handle_due.is_some());

        // The department sees it, in its list and its 待办, and nothing else of the county.
        let other = up("facilities.water").await;
        let (mine, total) = events::list(&db, &me.scope, &EventFilter::default(), 1, 50).await.unwrap();
        assert_eq!((total, mine[0].id), (1, e.id));
        assert_eq!(code(&events::get(&db, &me.scope, other.id).await.err().unwrap()), "not_found");
        // A place asked for inside the county narrows the department's list; its own events only.
        let there = EventFilter { region: Some(home.clone()), ..Default::default() };
        assert_eq!(events::list(&db, &me.scope, &there, 1, 50).await.unwrap().1, 1);
        let elsewhere = EventFilter { region: Some("330481002".into()), ..Default::default() };
        assert_eq!(events::list(&db, &me.scope, &elsewhere, 1, 50).await.unwrap().1, 0);
        // Of the county it knows the name, nothing below.
        let county_code = RegionCode::parse("330481").unwrap();
        assert!(shegong_store::regions::get(&db, &me.scope, &county_code).await.is_ok());
        assert!(shegong_store::regions::children(&db, &me.scope, &county_code).await.is_err());
        assert!(shegong_store::regions::totals(&db, &me.scope, &county_code).await.is_err());
        let here = RegionCode::parse(&home).unwrap();
        assert!(shegong_store::regions::get(&db, &me.scope, &here).await.is_err());
        assert!(shegong_store::regions::search_communities(&db, &me.scope, "", 10).await.unwrap().is_empty());
        let todo = events::todo(&db, &me, 50).await.unwrap();
        assert_eq!(todo.iter().map(|x| x.id).collect::<Vec<_>>(), [e.id]);
        let names = events::names(&db, std::slice::from_ref(&e)).await.unwrap();
        assert_eq!(names.get(&d.id.to_string()).map(String::as_str), Some("海宁市水利局"));
        // No archive, no report, no region's figures.
        let workers = shegong_store::workers::list(&db, &me.scope, &Default::default(), today, 1, 50)
            .await
            .map(|(rows, _)| rows.len())
            .unwrap_or(0);
        assert_eq!(workers, 0);
        assert_eq!(code(&events::create(&db, &me, &report("facilities.water")).await.unwrap_err()), "forbidden");
        assert_eq!(code(&departments::of_county(&db, &me, "330481").await.unwrap_err()), "forbidden");

        // The community no longer handles it; the department does.
        let fb = ActInput { result: Some("已抢修，恢复供水".into()), ..step("feedback", 4) };
        assert_eq!(code(&events::act(&db, &head, e.id, &fb).await.unwrap_err()), "forbidden");
        assert_eq!(code(&events::act(&db, &me, e.id, &step("close", 4)).await.unwrap_err()), "forbidden");
        let load = departments::workload(&db, &county, "330481").await.unwrap();
        assert_eq!(load.get(&d.id), Some(&(1, 0)));
        let e = events::act(&db, &me, e.id, &fb).await.unwrap();
        assert_eq!(e.state, "fed_back");
        // Back with the community: it checks and closes; a rework goes back to the department.
        let rw = ActInput { reason: Some("仍有两户未通水".into()), ..step("rework", 5) };
        let e = events::act(&db, &head, e.id, &rw).await.unwrap();
        assert_eq!((e.state.as_str(), e.handler_kind.as_deref()), ("assigned", Some("department")));
        assert_eq!(events::todo(&db, &me, 50).await.unwrap().len(), 1);

        // What is not its own it sends back to the street, with the reason, and then it sees it no more.
        let back = ActInput { reason: Some("属供水公司产权，不属本局职责".into()), ..step("return", 6) };
        let e = events::act(&db, &me, e.id, &back).await.unwrap();
        assert_eq!((e.state.as_str(), e.handler_code.as_deref()), ("escalated", None));
        assert_eq!(code(&events::get(&db, &me.scope, e.id).await.err().unwrap()), "not_found");
        let t = events::get(&db, &street.scope, e.id).await.unwrap();
        assert_eq!(t.steps.last().map(|s| s.actor.as_str()), Some("clerk"));

        // Out of service: no longer handed anything.
        let off = DepartmentInput { disabled: Some(true), ..Default::default() };
        let d = departments::update(&db, &county, d.id, &off).await.unwrap();
        assert!(d.disabled && d.remit == "facilities.water", "what was not given stays");
        assert_eq!(
            code(
                &events::act(&db, &street, e.id, &ActInput { department: Some(d.id), ..step("assign", 7) })
                    .await
                    .unwrap_err()
            ),
            "event_department"
        );
        assert!(departments::for_event(&db, &street, &e).await.unwrap().iter().all(|x| x.id != d.id));
    }
}
