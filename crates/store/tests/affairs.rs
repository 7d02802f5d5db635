//! 事务办理 on both engines: a worker's steps on 民情事件 count in their archive by year, and feed the
//! assessment round a proposed routine score that the street adopts, or overrides only with a
//! recorded reason before grading.

use chrono::Datelike;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use shegong_domain::access::Role;
use shegong_domain::{RegionCode, Scope};
use shegong_store::access::{Access, Actor};
use shegong_store::demo::{self, DemoOptions};
use shegong_store::error::StoreError;
use shegong_store::events::{self, ActInput, NewEvent};
use shegong_store::rounds::{self, ScoreInput};
use shegong_store::testing::{person, step};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn affairs_count_in_the_archive_and_propose_the_routine_score() {
    for postgres in shegong_store::testing::engines() {
        let dir = tempfile::tempdir().unwrap();
        let (db, _) = shegong_store::testing::fresh(postgres, dir.path()).await.unwrap();
        let today = shegong_domain::time::in_china(chrono::Utc::now()).date();
        demo::load(&db, &DemoOptions::counties(7, &["330481"], today), &|_, _, _| {}).await.unwrap();
        let account = shegong_store::entity::user::Entity::find()
            .filter(shegong_store::entity::user::Column::Username.eq("worker"))
            .one(&db.conn)
            .await
            .unwrap()
            .unwrap();
        let worker_id = account.worker_id.unwrap();
        let province = person(Role::ProvinceAdmin, "33", "province");
        let w = shegong_store::workers::get(&db, &province.scope, worker_id).await.unwrap();
        let community = w.region_code.clone();
        let me = Access::new(
            Scope::Own { worker_id, region: RegionCode::parse(&community).unwrap() },
            Role::Worker,
            Actor { username: "worker".into(), role: "worker".into(), region_code: community.clone() },
        );
        let head = person(Role::CommunityHead, &community, "head");
        let year = today.year();
        let before = events::affairs::of_worker(&db, &province.scope, worker_id).await.unwrap();
        let was = before.iter().find(|(y, _)| *y == year).map(|(_, a)| *a).unwrap_or_default();

        // The worker reports on patrol, the head hands it to the community, the worker feeds back
        // the result, the head checks and closes it.
        let e = events::create(
            &db,
            &me,
            &NewEvent {
                region: community.clone(),
                category: "facilities".into(),
                source: "patrol".into(),
                description: "井盖松动".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        events::act(&db, &head, e.id, &step("accept", 1)).await.unwrap();
        events::act(&db, &head, e.id, &step("assign", 2)).await.unwrap();
        events::act(&db, &me, e.id, &ActInput { result: Some("已加固".into()), ..step("feedback", 3) }).await.unwrap();
        events::act(&db, &head, e.id, &step("verify", 4)).await.unwrap();
        events::act(&db, &head, e.id, &step("close", 5)).await.unwrap();
        let after = events::affairs::of_worker(&db, &me.scope, worker_id).await.unwrap();
        let now = after.iter().find(|(y, _)| *y == year).map(|(_, a)| *a).unwrap();
        assert_eq!(
            (now.reported - was.reported, now.handled - was.handled, now.closed - was.closed),
            (1, 1, 1),
            "{now:?} after {was:?}"
        );
        assert_eq!(now.closed_on_time - was.closed_on_time, 1);
        // Another region sees nothing of it.
        let other = person(Role::CountyAdmin, "330483", "tongxiang");
        assert!(matches!(events::affairs::of_worker(&db, &other.scope, worker_id).await, Err(StoreError::NotFound)));

        // The street's round of this year proposes the routine score from it.
        let street = &community[..9];
        let admin = person(Role::StreetAdmin, street, "street");
        let round = rounds::create(&db, &admin, street, year, today).await.unwrap();
        let v = rounds::get(&db, &admin.scope, round.id).await.unwrap();
        let mine = v.entries.iter().find(|x| x.entry.worker_id == worker_id).unwrap();
        let proposal = mine.proposal.clone().unwrap();
        let a = mine.affairs.unwrap();
        assert_eq!(
            (a.reported, a.handled, a.closed, a.closed_on_time),
            (now.reported, now.handled, now.closed, now.closed_on_time)
        );
        assert!(proposal.why.contains(&format!("上报{}件", now.reported)), "{}", proposal.why);
        // 海宁's rule weighs the service record too: the visits of the year count.
        assert!(proposal.why.contains(&format!("走访排查{}次", a.visits)), "{}", proposal.why);
        // Events count under an account; visits under the worker: whoever has either gets a proposal.
        let proposed = v.entries.iter().filter(|x| x.proposal.is_some()).count();
        assert!(proposed >= 1 && proposed <= v.entries.len(), "{proposed} of {}", v.entries.len());
        // Adopted where nobody entered a routine score.
        let filled = rounds::adopt_proposals(&db, &admin, round.id).await.unwrap();
        assert_eq!(filled as usize, proposed);
        // The street scores this worker's routine otherwise: grading waits for the reason.
        let items: Vec<ScoreInput> = v
            .entries
            .iter()
            .map(|x| ScoreInput {
                worker_id: x.entry.worker_id,
                organisation: Some(85),
                residents: Some(80),
                routine: Some(x.proposal.as_ref().map_or(70, |p| {
                    if x.entry.worker_id == worker_id { (p.score + 5).min(100) - 10 } else { p.score }
                })),
                note: None,
            })
            .collect();
        rounds::save_scores(&db, &admin, round.id, &items).await.unwrap();
        match rounds::compute(&db, &admin, round.id).await {
            Err(StoreError::Invalid(e)) => {
                assert_eq!(e[0].field, "routine_reason");
                assert!(e[0].message.contains(&w.name), "{}", e[0].message);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            rounds::explain_routine(&db, &admin, round.id, worker_id, "  ").await,
            Err(StoreError::Invalid(_))
        ));
        let worker_role = person(Role::Worker, &community, "worker");
        assert!(matches!(
            rounds::explain_routine(&db, &worker_role, round.id, worker_id, "自评").await,
            Err(StoreError::Forbidden(_))
        ));
        rounds::explain_routine(&db, &admin, round.id, worker_id, "入户走访多，未全部录入系统").await.unwrap();
        let graded = rounds::compute(&db, &admin, round.id).await.unwrap();
        assert_eq!(graded.status, "scored");
        let v = rounds::get(&db, &admin.scope, round.id).await.unwrap();
        let mine = v.entries.iter().find(|x| x.entry.worker_id == worker_id).unwrap();
        assert_eq!(mine.entry.routine_proposal, Some(proposal.score));
        assert_eq!(mine.entry.routine_reason.as_deref(), Some("入户走访多，未全部录入系统"));
        // Graded, the round shows the proposal the grade was made against, whatever is done since.
        assert_eq!(mine.proposal.as_ref().map(|p| p.score), Some(proposal.score));
        events::create(
            &db,
            &me,
            &NewEvent {
                region: community.clone(),
                category: "facilities".into(),
                source: "patrol".into(),
                description: "路灯不亮".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let v = rounds::get(&db, &admin.scope, round.id).await.unwrap();
        let mine = v.entries.iter().find(|x| x.entry.worker_id == worker_id).unwrap();
        assert_eq!(mine.proposal.as_ref().map(|p| p.score), Some(proposal.score));
    }
}
