//! A recruitment round from the applications to the hire, on both engines: applicants' own
//! accounts, one application per round checked on submission, 资格审查, tickets, scores all or
//! nothing, the pass line and the interview list, the ranking, 体检 and 考察 moving the next up,
//! the publicity with an objection, and the hire arriving in the archive in one transaction.

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use shegong_domain::access::Role;
use shegong_store::demo::{self, DemoOptions};
use shegong_store::entity::{agreement, application, appointment, region};
use shegong_store::error::StoreError;
use shegong_store::recruitment::applicants::{self, RegisterInput};
use shegong_store::recruitment::applications::{self, ApplicationInput};
use shegong_store::recruitment::exams::{self, Exam, ScoreRow};
use shegong_store::recruitment::objections::{self, ObjectionInput, ResolutionInput};
use shegong_store::recruitment::review::{self, ApplicationFilter, ReviewInput};
use shegong_store::recruitment::rounds::{self, JobPostInput, JobRoundInput};
use shegong_store::recruitment::steps::{self, Check, CheckInput, HireInput};
use shegong_store::testing::{code, person};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// A valid ID number born on 1995-01-01 (odd sequence: male).
fn id_number(n: u32) -> String {
    let first = format!("33048119950101{:03}", 100 + n);
    let c = shegong_domain::id_number::check_char(first.as_bytes());
    format!("{first}{c}")
}

fn fields(e: &StoreError) -> Vec<&'static str> {
    match e {
        StoreError::Invalid(v) => v.iter().map(|f| f.field).collect(),
        StoreError::Conflict(f) => vec![f.field],
        e => panic!("{e:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_round_runs_from_application_to_hire() {
    for postgres in shegong_store::testing::engines() {
        let dir = tempfile::tempdir().unwrap();
        let (db, _) = shegong_store::testing::fresh(postgres, dir.path()).await.unwrap();
        let opened = d(2026, 4, 1);
        demo::load(&db, &DemoOptions::counties(7, &["330481"], opened), &|_, _, _| {}).await.unwrap();
        let county = person(Role::CountyAdmin, "330481", "haining");
        let reviewer = person(Role::CountyAdmin, "330481", "reviewer");
        let street = person(Role::StreetAdmin, "330481001", "street");
        let other = person(Role::CountyAdmin, "330483", "tongxiang");
        let round = JobRoundInput {
            title: "2026年海宁市社区专职工作者统一招聘".into(),
            reference_date: "2026-04-30".into(),
            apply_from: "2026-04-01".into(),
            apply_to: "2026-04-15".into(),
            ..Default::default()
        };
        let r = rounds::create(&db, &county, &round, opened).await.unwrap();
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
        let mut home = None;
        for c in &communities {
            if rounds::room(&db, c, opened).await.unwrap().is_some_and(|n| n >= 2) {
                home = Some(c.clone());
                break;
            }
        }
        let home = home.expect("a community with room for two");
        let post = JobPostInput {
            community: home.clone(),
            title: "社区专职工作者".into(),
            places: Some(2),
            majors: Some("社会工作、社会学".into()),
            ..Default::default()
        };
        let p = rounds::add_post(&db, &county, r.id, &post).await.unwrap();
        rounds::approve(&db, &reviewer, r.id, None).await.unwrap();
        rounds::publish(&db, &county, r.id).await.unwrap();

        // Accounts of their own, once per province.
        let register = |n: u32| RegisterInput {
            round: r.id.to_string(),
            name: format!("应聘{}", ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛"][n as usize]),
            id_number: id_number(n),
            phone: format!("1390000{:04}", n),
            password: "zhaopin-2026!".into(),
        };
        let bad = RegisterInput { round: "x".into(), id_number: "123".into(), password: "1".into(), ..register(0) };
        assert_eq!(
            fields(&applicants::register(&db, &bad, opened).await.unwrap_err()),
            ["round", "id_number", "password"]
        );
        let mut people = Vec::new();
        for n in 0..8 {
            people.push(applicants::register(&db, &register(n), opened).await.unwrap());
        }
        assert_eq!(code(&applicants::register(&db, &register(0), opened).await.unwrap_err()), "applicant_exists");
        let signed = applicants::authenticate(&db, &id_number(3), "zhaopin-2026!").await.unwrap().unwrap();
        assert_eq!(signed.id, people[3].id);
        assert!(applicants::authenticate(&db, &id_number(3), "wrong-password").await.unwrap().is_none());

        let policy = shegong_store::recruitment::policy_for(&db, "330481", d(2026, 4, 30)).await.unwrap();
        let apply = |major: &str, declared: Vec<String>| ApplicationInput {
            post: p.id.to_string(),
            education: "本科".into(),
            school: "浙江工业大学".into(),
            major: major.into(),
            graduated_on: Some("2017-07-01".into()),
            certificate: Some("intermediate".into()),
            work_history: "2017—2026 某公司 行政专员".into(),
            declarations: declared,
            ..Default::default()
        };
        let all = policy.barring_grounds.clone();
        let on = d(2026, 4, 10);
        // The declarations are every one of the policy's grounds; the post's majors are checked.
        let e =
            applications::submit(&db, &people[0], r.id, &apply("社会工作", all[1..].to_vec()), on).await.unwrap_err();
        assert_eq!(fields(&e), ["declarations"]);
        let e = applications::submit(&db, &people[0], r.id, &apply("汉语言文学", all.clone()), on).await.unwrap_err();
        assert_eq!(code(&e), "not_eligible");
        assert!(format!("{e:?}").contains("专业汉语言文学"), "{e:?}");
        // Not before the applications open, not after they close.
        let e = applications::submit(&db, &people[0], r.id, &apply("社会工作", all.clone()), d(2026, 4, 16)).await;
        assert_eq!(code(&e.unwrap_err()), "applications_closed");
        let first = applications::submit(&db, &people[0], r.id, &apply("社会工作", all.clone()), on).await.unwrap();
        // Changed while waiting: the same application.
        let again = applications::submit(&db, &people[0], r.id, &apply("社会学", all.clone()), on).await.unwrap();
        assert_eq!((first.id, again.major.as_str()), (again.id, "社会学"));
        let mut ids = vec![first.id];
        for who in &people[1..] {
            ids.push(applications::submit(&db, who, r.id, &apply("社会工作", all.clone()), on).await.unwrap().id);
        }
        // An applicant sees their own, nobody else's.
        assert_eq!(applications::mine(&db, &people[1]).await.unwrap().len(), 1);
        assert_eq!(code(&applications::own(&db, &people[1], ids[0]).await.unwrap_err()), "not_found");
        let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();
        assert_eq!(
            code(&applications::add_file(&db, &people[1], ids[0], "diploma", "a.pdf", pdf.clone()).await.unwrap_err()),
            "not_found"
        );
        let before_scan = applications::own(&db, &people[0], ids[0]).await.unwrap().updated_at;
        applications::add_file(&db, &people[0], ids[0], "diploma", "毕业证.pdf", pdf.clone()).await.unwrap();
        // A new scan is a change: a review of what was seen before it is refused.
        assert_ne!(applications::own(&db, &people[0], ids[0]).await.unwrap().updated_at, before_scan);
        let e = applications::add_file(&db, &people[0], ids[0], "diploma", "x.exe", b"MZ\x90\x00".to_vec()).await;
        assert_eq!(fields(&e.unwrap_err()), ["file"]);
        assert_eq!(applications::files_of(&db, &first).await.unwrap().len(), 1);

        // 资格审查: the county's, with a reason for a refusal; nobody outside sees the round.
        let no = ReviewInput { qualified: Some(false), reason: None, seen: None };
        assert_eq!(code(&review::review(&db, &street, r.id, ids[7], &no).await.unwrap_err()), "forbidden");
        assert_eq!(code(&review::review(&db, &other, r.id, ids[7], &no).await.unwrap_err()), "not_found");
        assert_eq!(fields(&review::review(&db, &county, r.id, ids[7], &no).await.unwrap_err()), ["reason"]);
        let no = ReviewInput {
            qualified: Some(false), reason: Some("学历证书与所填学历不符".into()), seen: None
        };
        // A decision on what the reviewer saw: the applicant changed it since, so it is looked at again.
        let seen = review::get(&db, &county, r.id, ids[7]).await.unwrap().1.updated_at;
        applications::submit(&db, &people[7], r.id, &apply("社会学", all.clone()), on).await.unwrap();
        let stale = ReviewInput { seen: Some(seen), ..no.clone() };
        assert_eq!(code(&review::review(&db, &county, r.id, ids[7], &stale).await.unwrap_err()), "application_changed");
        review::review(&db, &county, r.id, ids[7], &no).await.unwrap();
        assert_eq!(code(&review::review(&db, &county, r.id, ids[7], &no).await.unwrap_err()), "application_state");
        let waiting = ApplicationFilter { status: Some("submitted".into()), post: None };
        assert_eq!(review::list(&db, &county, r.id, &waiting, 1, 50).await.unwrap().2, 7);
        // The applicants' data is for those running recruitment, not every reader of the county.
        assert_eq!(code(&review::list(&db, &street, r.id, &waiting, 1, 50).await.unwrap_err()), "forbidden");
        assert_eq!(code(&exams::standings(&db, &street, r.id).await.unwrap_err()), "forbidden");
        assert_eq!(
            code(&exams::issue_tickets(&db, &county, r.id, d(2026, 4, 16)).await.unwrap_err()),
            "review_pending"
        );
        for id in &ids[..7] {
            review::review(&db, &county, r.id, *id, &ReviewInput { qualified: Some(true), reason: None, seen: None })
                .await
                .unwrap();
        }
        let seen = applications::own(&db, &people[7], ids[7]).await.unwrap();
        assert_eq!((seen.status.as_str(), seen.review_reason.as_deref()), ("refused", Some("学历证书与所填学历不符")));

        // Tickets after the applications close.
        assert_eq!(
            code(&exams::issue_tickets(&db, &county, r.id, d(2026, 4, 15)).await.unwrap_err()),
            "applications_open"
        );
        assert_eq!(exams::issue_tickets(&db, &county, r.id, d(2026, 4, 16)).await.unwrap(), 7);
        assert_eq!(
            code(&exams::issue_tickets(&db, &county, r.id, d(2026, 4, 17)).await.unwrap_err()),
            "tickets_issued"
        );
        let mut tickets: Vec<(uuid::Uuid, String)> = Vec::new();
        for id in &ids[..7] {
            let a = review::get(&db, &county, r.id, *id).await.unwrap().1;
            tickets.push((a.id, a.ticket.clone().unwrap()));
        }
        assert!(tickets[0].1.starts_with("33048126"), "{tickets:?}");

        // Written scores: all rows or none; then the pass line; 7 sat, 2 places × 3 = 6 called.
        let rows = |scores: &[&str]| -> Vec<ScoreRow> {
            tickets.iter().zip(scores).map(|((_, t), s)| ScoreRow { ticket: t.clone(), score: s.to_string() }).collect()
        };
        let mut wrong = rows(&["90", "85", "80", "75", "70", "65", "60"]);
        wrong.push(ScoreRow { ticket: "999".into(), score: "50".into() });
        wrong[1].score = "101".into();
        match exams::record_scores(&db, &county, r.id, Exam::Written, &wrong).await.unwrap_err() {
            StoreError::Invalid(v) => assert_eq!(v.len(), 2, "{v:?}"),
            e => panic!("{e:?}"),
        }
        assert!(review::get(&db, &county, r.id, ids[0]).await.unwrap().1.written.is_none(), "nothing written");
        let interview_early = exams::record_scores(&db, &county, r.id, Exam::Interview, &rows(&["80"])).await;
        assert_eq!(code(&interview_early.unwrap_err()), "scores_closed");
        // Everyone holds a 中级 certificate: +5 each (海宁), so 60 + 5 = 65 is the last one called.
        exams::record_scores(&db, &county, r.id, Exam::Written, &rows(&["90", "85", "80", "75", "70", "65"]))
            .await
            .unwrap();
        // No line over a score not entered: the last ticket has none yet.
        let e = exams::set_pass_line(&db, &county, r.id, "60").await.unwrap_err();
        assert_eq!(code(&e), "scores_missing");
        assert!(format!("{e:?}").contains(&tickets[6].1), "{e:?}");
        let absent = vec![ScoreRow { ticket: tickets[6].1.clone(), score: "缺考".into() }];
        exams::record_scores(&db, &county, r.id, Exam::Written, &absent).await.unwrap();
        exams::set_pass_line(&db, &county, r.id, "60").await.unwrap();
        // 缺考 is recorded, not counted as sitting the exam.
        let (_, f) = shegong_store::recruitment::figures::of_round(&db, &county, r.id).await.unwrap();
        assert_eq!((f.ticketed, f.sat), (7, 6));
        let (_, s) = exams::standings(&db, &county, r.id).await.unwrap();
        let invited: Vec<&str> = s[0].rows.iter().filter(|x| x.invited).map(|x| x.name.as_str()).collect();
        assert_eq!(invited.len(), 6, "{invited:?}");
        assert!(!s[0].rows.iter().any(|x| x.invited && x.written.is_none()));
        let after = exams::record_scores(&db, &county, r.id, Exam::Written, &rows(&["99"])).await;
        assert_eq!(code(&after.unwrap_err()), "scores_closed");
        // Interview scores, for those called only.
        let outside = vec![ScoreRow { ticket: tickets[6].1.clone(), score: "90".into() }];
        assert_eq!(
            code(&exams::record_scores(&db, &county, r.id, Exam::Interview, &outside).await.unwrap_err()),
            "not_invited"
        );
        exams::record_scores(&db, &county, r.id, Exam::Interview, &rows(&["80", "90", "95", "60", "60", "60"]))
            .await
            .unwrap();
        let (_, s) = exams::standings(&db, &county, r.id).await.unwrap();
        let ranked: Vec<(u32, uuid::Uuid)> = s[0].rows.iter().filter_map(|x| Some((x.rank?, x.id))).collect();
        // 海宁 weighs 60/40: 乙 90×0.6+90×0.4 = 90; 甲 95/80 and 丙 85/95 both 89 — the higher written
        // score first: 甲, then 丙.
        assert_eq!(ranked[0], (1, ids[1]));
        assert_eq!(ranked[1], (2, ids[0]));
        assert_eq!(ranked[2], (3, ids[2]));
        let selected: Vec<uuid::Uuid> = s[0].rows.iter().filter(|x| x.selected).map(|x| x.id).collect();
        assert_eq!(selected, [ids[1], ids[0]]);

        // 体检 fails for 乙: 丙 moves up; a check on someone not selected is refused.
        let check = |c: Check, passed: bool, reason: Option<&str>| CheckInput {
            check: Some(c),
            passed: Some(passed),
            reason: reason.map(String::from),
        };
        assert_eq!(
            fields(
                &steps::record_check(&db, &county, r.id, ids[1], &check(Check::Medical, false, None))
                    .await
                    .unwrap_err()
            ),
            ["reason"]
        );
        steps::record_check(&db, &county, r.id, ids[1], &check(Check::Medical, false, Some("体检不合格")))
            .await
            .unwrap();
        // Once the checks have begun, the interview scores stand.
        let late = exams::record_scores(&db, &county, r.id, Exam::Interview, &rows(&["99"])).await;
        assert_eq!(code(&late.unwrap_err()), "scores_closed");
        let e = steps::record_check(&db, &county, r.id, ids[3], &check(Check::Medical, true, None)).await;
        assert_eq!(code(&e.unwrap_err()), "not_selected");
        for id in [ids[2], ids[0]] {
            steps::record_check(&db, &county, r.id, id, &check(Check::Medical, true, None)).await.unwrap();
        }
        let e = steps::start_publicity(&db, &county, r.id, "2026-05-10", d(2026, 5, 10)).await;
        assert_eq!(code(&e.unwrap_err()), "checks_pending");
        for id in [ids[2], ids[0]] {
            steps::record_check(&db, &county, r.id, id, &check(Check::Vetting, true, None)).await.unwrap();
        }
        let hire = HireInput { start_date: Some("2026-05-20".into()) };
        assert_eq!(
            code(&steps::hire(&db, &county, r.id, ids[2], &hire, d(2026, 5, 20)).await.unwrap_err()),
            "no_publicity"
        );
        steps::start_publicity(&db, &county, r.id, "2026-05-10", d(2026, 5, 10)).await.unwrap();
        // The publicity is public; an objection is recorded and found not true.
        let shown = shegong_store::recruitment::publicity::publicity(&db, r.id, d(2026, 5, 11)).await.unwrap();
        assert_eq!(shown.len(), 2);
        let o = ObjectionInput {
            application: ids[0].to_string(),
            received_on: "2026-05-12".into(),
            content: "反映其曾被开除公职".into(),
        };
        let o = objections::add_objection(&db, &county, r.id, &o, d(2026, 5, 12)).await.unwrap();
        assert_eq!(
            code(&steps::hire(&db, &county, r.id, ids[0], &hire, d(2026, 5, 20)).await.unwrap_err()),
            "objection_open"
        );
        let not_true = ResolutionInput { upheld: Some(false), resolution: "经核查，反映不属实".into() };
        objections::resolve_objection(&db, &county, r.id, o.id, &not_true).await.unwrap();
        assert_eq!(
            code(&steps::hire(&db, &county, r.id, ids[2], &HireInput::default(), d(2026, 5, 16)).await.unwrap_err()),
            "publicity_running"
        );
        assert_eq!(
            code(&steps::hire(&db, &county, r.id, ids[3], &hire, d(2026, 5, 20)).await.unwrap_err()),
            "not_selected"
        );

        // Service starts after the publicity, not before it.
        let early = HireInput { start_date: Some("2026-05-15".into()) };
        let e = steps::hire(&db, &county, r.id, ids[2], &early, d(2026, 5, 20)).await.unwrap_err();
        assert_eq!(fields(&e), ["start_date"]);
        // The hire: the archive, the appointment and the agreement, once; the room does not change.
        let room_before = rounds::room(&db, &home, d(2026, 5, 21)).await.unwrap();
        let hired = steps::hire(&db, &county, r.id, ids[2], &hire, d(2026, 5, 20)).await.unwrap();
        let wid = hired.worker_id.unwrap();
        assert_eq!(hired.status, "hired");
        assert_eq!(
            code(&steps::hire(&db, &county, r.id, ids[2], &hire, d(2026, 5, 20)).await.unwrap_err()),
            "already_hired"
        );
        let a = appointment::Entity::find()
            .filter(appointment::Column::ProvinceCode.eq("33"))
            .filter(appointment::Column::WorkerId.eq(wid))
            .one(&db.conn)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((a.region_code.as_str(), a.start_date), (home.as_str(), d(2026, 5, 20)));
        let g = agreement::Entity::find()
            .filter(agreement::Column::ProvinceCode.eq("33"))
            .filter(agreement::Column::WorkerId.eq(wid))
            .one(&db.conn)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((g.term.as_str(), g.end_date), ("2026—2031届", d(2031, 2, 28)));
        let archive = shegong_store::workers::archive(&db, &county.scope, wid, d(2026, 5, 21)).await.unwrap();
        assert_eq!(archive.worker.name, "应聘丙");
        assert_eq!(rounds::room(&db, &home, d(2026, 5, 21)).await.unwrap(), room_before);
        steps::hire(&db, &county, r.id, ids[0], &hire, d(2026, 5, 20)).await.unwrap();
        let hired_rows = application::Entity::find()
            .filter(application::Column::ProvinceCode.eq("33"))
            .filter(application::Column::RoundId.eq(r.id))
            .filter(application::Column::Status.eq("hired"))
            .all(&db.conn)
            .await
            .unwrap();
        assert_eq!(hired_rows.len(), 2);
        let seen = applications::own(&db, &people[2], ids[2]).await.unwrap();
        assert_eq!(seen.status, "hired");
    }
}
