//! A large import commits in short write transactions, all rows or none: another clerk's save goes
//! through between two chunks (with one long transaction it would wait for the whole file); a
//! commit the process stopped in the middle keeps its people reserved (nobody else can register
//! them) and is finished at the next start, each person once. On SQLite, and on PostgreSQL when
//! `SHEGONG_TEST_PG_URL` is set.

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use shegong_domain::IdNumber;
use shegong_store::demo::{self, DemoOptions};
use shegong_store::entity::{appointment, id_registry, import, region, worker};
use shegong_store::imports::{self, Table};
use shegong_store::workers::{self, WorkerPatch};
use shegong_store::{Access, Db, StoreError};
use std::collections::HashSet;
use std::sync::Mutex;
use std::time::Duration;

/// Two and a half chunks of new archives.
const ROWS: usize = imports::NEW_PER_TXN * 5 / 2;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()
}

async fn demo_db(postgres: bool, dir: &std::path::Path) -> Db {
    let (db, _) = shegong_store::testing::fresh(postgres, dir).await.unwrap();
    let opts = DemoOptions::counties(7, &["330481", "330483"], today());
    demo::load(&db, &opts, &|_, _, _| {}).await.unwrap();
    db
}

/// A roster of `n` new people (born in 1980 in Beijing, a block the demo never uses) in county
/// 330481's communities, as CSV.
async fn roster(db: &Db, n: usize) -> (Vec<u8>, Vec<String>) {
    roster_as(db, n, "专职工作者", "2020-03-01").await
}

/// The same people with another title from another date.
async fn roster_as(db: &Db, n: usize, title: &str, start: &str) -> (Vec<u8>, Vec<String>) {
    let communities: Vec<String> = region::Entity::find()
        .filter(region::Column::Level.eq("community"))
        .filter(region::Column::Code.starts_with("330481"))
        .all(&db.conn)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.code)
        .collect();
    let mut csv = String::from("姓名,身份证号,所在社区代码,岗位类别,职务,任职开始日期,学历代码,社工证等级,手机号码\n");
    let mut ids = Vec::new();
    for i in 0..n {
        let birth = NaiveDate::from_ymd_opt(1980, 1 + (i % 12) as u32, 1 + (i / 12 % 28) as u32).unwrap();
        let id = IdNumber::compose("110101", birth, (i / 336) as u16).to_string();
        let name: String = std::iter::once('王')
            .chain(
                format!("{i}").chars().map(|d| "零一二三四五六七八九".chars().nth(d as usize - '0' as usize).unwrap()),
            )
            .collect();
        csv.push_str(&format!(
            "{name},{id},{},其他工作人员,{title},{start},21,,139{i:08}\n",
            communities[i % communities.len()]
        ));
        ids.push(id);
    }
    (csv.into_bytes(), ids)
}

fn table(bytes: &[u8]) -> Table {
    imports::read_table("roster.csv", bytes).unwrap()
}

async fn imported(db: &Db, ids: &[String]) -> usize {
    let mut n = 0;
    for chunk in ids.chunks(500) {
        n += worker::Entity::find()
            .filter(worker::Column::IdNumber.is_in(chunk.to_vec()))
            .count(&db.conn)
            .await
            .unwrap() as usize;
    }
    n
}

async fn writers_go_through_between_chunks(postgres: bool) {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(postgres, dir.path()).await;
    let (bytes, ids) = roster(&db, ROWS).await;
    let clerk = Access::admin("330483", "clerk-330483");
    let other = worker::Entity::find()
        .filter(worker::Column::RegionCode.starts_with("330483"))
        .filter(worker::Column::Status.eq("active"))
        .one(&db.conn)
        .await
        .unwrap()
        .unwrap();
    let saved: Mutex<Vec<Result<String, String>>> = Mutex::new(Vec::new());
    let handle = tokio::runtime::Handle::current();
    // Between two chunks, another county saves a worker, synchronously: with the write lock held
    // for the whole file this save could not finish before the import, and the test would time out.
    let progress = |done: usize, total: usize| {
        if done < total && saved.lock().unwrap().len() < 2 {
            let patch = WorkerPatch { phone: Some(format!("1370000{:04}", done % 10_000)), ..Default::default() };
            let r = tokio::task::block_in_place(|| {
                handle.block_on(tokio::time::timeout(
                    Duration::from_secs(60),
                    workers::update(&db, &clerk, other.id, &patch),
                ))
            });
            saved.lock().unwrap().push(match r {
                Ok(Ok(w)) => Ok(w.phone.unwrap_or_default()),
                Ok(Err(e)) => Err(format!("{e:?}")),
                Err(_) => Err("the save waited for the whole import".into()),
            });
        }
    };
    let admin = Access::admin("330481", "admin-330481");
    let (_, checked, done) =
        imports::commit_upload(&db, &admin, "roster.csv", bytes.clone(), &table(&bytes), today(), &progress)
            .await
            .unwrap();
    assert!(checked.errors.is_empty(), "{:?}", &checked.errors[..checked.errors.len().min(5)]);
    assert_eq!(done.unwrap().created, ROWS);
    let saved = saved.into_inner().unwrap();
    assert_eq!(saved.len(), 2, "the import called back between chunks: {saved:?}");
    for s in &saved {
        assert!(s.as_ref().is_ok_and(|p| p.starts_with("1370000")), "{saved:?}");
    }
    assert_eq!(imported(&db, &ids).await, ROWS);
    // The save that came last is what the worker holds.
    let now = worker::Entity::find()
        .filter(worker::Column::ProvinceCode.eq("33"))
        .filter(worker::Column::Id.eq(other.id))
        .one(&db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(now.phone.as_deref(), saved[1].as_deref().ok());
}

async fn a_stopped_commit_is_finished(postgres: bool) {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(postgres, dir.path()).await;
    let (bytes, ids) = roster(&db, ROWS).await;
    let admin = Access::admin("330481", "admin-330481");
    let workers_before = worker::Entity::find().count(&db.conn).await.unwrap() as usize;
    // The process "stops" after the first chunk: the task running the commit dies there.
    let stopped = {
        let (db, admin, bytes) = (db.clone(), admin.clone(), bytes.clone());
        tokio::spawn(async move {
            let t = table(&bytes);
            let stop = |_: usize, _: usize| panic!("the process stops here");
            imports::commit_upload(&db, &admin, "roster.csv", bytes.clone(), &t, today(), &stop).await
        })
        .await
    };
    assert!(stopped.is_err_and(|e| e.is_panic()));
    let half = imported(&db, &ids).await;
    assert!(half > 0 && half < ROWS, "written before the stop: {half}");
    let kept = import::Entity::find().filter(import::Column::Status.eq("committing")).all(&db.conn).await.unwrap();
    assert_eq!(kept.len(), 1);

    // Meanwhile nobody may register a person the import has reserved …
    let last = &ids[ROWS - 1];
    let (row, person) = {
        let t = table(&bytes);
        let checked = imports::check(&db.conn, &admin.scope, &t, today()).await.unwrap();
        checked.valid.into_iter().find(|(_, w)| w.id_number.as_str() == last).unwrap()
    };
    assert!(row > 1);
    match workers::create(&db, &admin, person).await {
        Err(StoreError::Conflict(e)) => assert_eq!(e.code, "id_number_being_imported"),
        other => panic!("registering a reserved person: {other:?}"),
    }
    // … nor import them in another file.
    let one = format!(
        "{}\n{}",
        String::from_utf8_lossy(&bytes).lines().next().unwrap(),
        String::from_utf8_lossy(&bytes).lines().last().unwrap()
    );
    let (_, checked, done) = imports::commit_upload(
        &db,
        &admin,
        "one.csv",
        one.clone().into_bytes(),
        &table(one.as_bytes()),
        today(),
        &|_, _| {},
    )
    .await
    .unwrap();
    assert!(done.is_none());
    assert_eq!(checked.errors.len(), 1);
    assert!(checked.errors[0].message.contains("正在由另一批导入建档"), "{:?}", checked.errors);

    // At the next start the commit is finished: every person once, every reservation an archive.
    assert_eq!(imports::resume_unfinished(&db, today()).await.unwrap(), 1);
    assert_eq!(imported(&db, &ids).await, ROWS);
    let total = worker::Entity::find().count(&db.conn).await.unwrap() as usize;
    assert_eq!(total, workers_before + ROWS);
    let workers: HashSet<_> = worker::Entity::find()
        .filter(worker::Column::ProvinceCode.eq("33"))
        .all(&db.conn)
        .await
        .unwrap()
        .into_iter()
        .map(|w| w.id)
        .collect();
    let dangling = id_registry::Entity::find()
        .all(&db.conn)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| !workers.contains(&r.worker_id))
        .count();
    assert_eq!(dangling, 0);
    let m =
        import::Entity::find_by_id((kept[0].province_code.clone(), kept[0].id)).one(&db.conn).await.unwrap().unwrap();
    assert_eq!(m.status, "committed");
    assert_eq!(imports::resume_unfinished(&db, today()).await.unwrap(), 0);
    // Committing it once more is refused; the same file uploaded again creates nobody.
    assert!(matches!(imports::commit_kept(&db, &admin, m.id, today()).await, Err(StoreError::Conflict(_))));
    let (_, _, done) =
        imports::commit_upload(&db, &admin, "again.csv", bytes.clone(), &table(&bytes), today(), &|_, _| {})
            .await
            .unwrap();
    let done = done.unwrap();
    assert_eq!((done.created, done.unchanged), (0, ROWS));
}

/// The worker holding an ID number, by ID number.
async fn holder(db: &Db, id: &str) -> worker::Model {
    worker::Entity::find().filter(worker::Column::IdNumber.eq(id)).one(&db.conn).await.unwrap().unwrap()
}

/// Runs `f` synchronously from inside an import's progress callback.
fn meanwhile<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::task::block_in_place(|| tokio::runtime::Handle::current().block_on(f))
}

async fn a_clerks_change_during_an_import_stands(postgres: bool) {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(postgres, dir.path()).await;
    let haining = Access::admin("330481", "admin-330481");
    let tongxiang = Access::admin("330483", "admin-330483");
    let (first, ids) = roster(&db, ROWS).await;
    let (_, _, done) =
        imports::commit_upload(&db, &haining, "a.csv", first.clone(), &table(&first), today(), &|_, _| {})
            .await
            .unwrap();
    assert_eq!(done.unwrap().created, ROWS);
    // The same people again with a new post: every row updates a known person.
    let (second, _) = roster_as(&db, ROWS, "网格员", "2026-06-01").await;
    let tongxiang_community = region::Entity::find()
        .filter(region::Column::Level.eq("community"))
        .filter(region::Column::Code.starts_with("330483"))
        .one(&db.conn)
        .await
        .unwrap()
        .unwrap()
        .code;
    let exited = holder(&db, &ids[ROWS - 1]).await;
    let moved = holder(&db, &ids[ROWS - 2]).await;
    let phoned = holder(&db, &ids[ROWS - 3]).await;
    let upload = std::sync::Mutex::new(None::<uuid::Uuid>);
    let twice = std::sync::Mutex::new(None);
    let called = std::sync::atomic::AtomicBool::new(false);
    let progress = |_: usize, _: usize| {
        if called.swap(true, std::sync::atomic::Ordering::SeqCst) {
            return;
        }
        // After the first chunk: 海宁 records one person's exit, and another's; 桐乡 then registers
        // the second (a transfer of the archive).
        meanwhile(async {
            let on = NaiveDate::from_ymd_opt(2026, 5, 1).unwrap();
            workers::exit(&db, &haining, exited.id, on, "个人辞职").await.unwrap();
            workers::exit(&db, &haining, moved.id, on, "个人辞职").await.unwrap();
            // A phone corrected meanwhile: no field the check looks at, but a change all the same.
            let patch = WorkerPatch { phone: Some("13700001111".into()), ..Default::default() };
            workers::update(&db, &haining, phoned.id, &patch).await.unwrap();
            let t = imports::check(
                &db.conn,
                &tongxiang.scope,
                &table(&one_row(&second, ROWS - 2, &tongxiang_community)),
                today(),
            )
            .await
            .unwrap();
            let (_, person) = t.valid.into_iter().next().unwrap();
            workers::create(&db, &tongxiang, person).await.unwrap();
            // Committing the same upload again while it runs: refused.
            let id = imports::recent(&db, &haining.scope, 1).await.unwrap()[0].id;
            *upload.lock().unwrap() = Some(id);
            *twice.lock().unwrap() = Some(imports::commit_kept(&db, &haining, id, today()).await.map(|_| ()));
        });
    };
    let (m, checked, done) =
        imports::commit_upload(&db, &haining, "b.csv", second.clone(), &table(&second), today(), &progress)
            .await
            .unwrap();
    assert!(checked.errors.is_empty());
    assert_eq!(Some(m.id), *upload.lock().unwrap());
    match twice.into_inner().unwrap() {
        Some(Err(StoreError::Conflict(e))) => assert_eq!(e.code, "import_running"),
        other => panic!("a second commit of a running upload: {other:?}"),
    }
    let done = done.unwrap();
    // The three rows are reported, the others written.
    let rows: Vec<usize> = done.skipped.iter().map(|e| e.row).collect();
    assert_eq!(rows, vec![ROWS - 1, ROWS, ROWS + 1], "{:?}", done.skipped);
    assert!(done.skipped.iter().all(|e| e.message.starts_with("未导入")));
    assert_eq!(done.updated + done.unchanged, ROWS - 3);
    assert_eq!(m.status, "committed");
    assert_eq!(m.error_count, 3);
    let w = holder(&db, &ids[ROWS - 3]).await;
    assert_eq!((w.phone.as_deref(), w.title.as_str()), (Some("13700001111"), "专职工作者"));
    // The exit stands: no post was reopened for the person who left.
    let w = holder(&db, &ids[ROWS - 1]).await;
    assert_eq!(w.status, "exited");
    let open = appointment::Entity::find()
        .filter(appointment::Column::WorkerId.eq(w.id))
        .filter(appointment::Column::EndDate.is_null())
        .count(&db.conn)
        .await
        .unwrap();
    assert_eq!(open, 0);
    // 桐乡's worker stays in 桐乡.
    let w = holder(&db, &ids[ROWS - 2]).await;
    assert_eq!((w.status.as_str(), &w.region_code[..6]), ("active", "330483"));
    // Everyone else has the new post.
    assert_eq!(holder(&db, &ids[0]).await.title, "网格员");
}

/// Row `i` of a roster as a file of its own, in `community`.
fn one_row(csv: &[u8], i: usize, community: &str) -> Vec<u8> {
    let text = String::from_utf8_lossy(csv);
    let mut lines = text.lines();
    let head = lines.next().unwrap();
    let mut cells: Vec<String> = lines.nth(i).unwrap().split(',').map(str::to_string).collect();
    cells[2] = community.to_string();
    format!("{head}\n{}\n", cells.join(",")).into_bytes()
}

async fn a_stopped_update_is_finished_without_undoing_later_edits(postgres: bool) {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(postgres, dir.path()).await;
    let admin = Access::admin("330481", "admin-330481");
    let (first, ids) = roster(&db, ROWS).await;
    imports::commit_upload(&db, &admin, "a.csv", first.clone(), &table(&first), today(), &|_, _| {}).await.unwrap();
    let (second, _) = roster_as(&db, ROWS, "网格员", "2026-06-01").await;
    // The process stops after the first chunk of updates.
    let stopped = {
        let (db, admin, second) = (db.clone(), admin.clone(), second.clone());
        tokio::spawn(async move {
            let stop = |_: usize, _: usize| panic!("the process stops here");
            imports::commit_upload(&db, &admin, "b.csv", second.clone(), &table(&second), today(), &stop).await
        })
        .await
    };
    assert!(stopped.is_err_and(|e| e.is_panic()));
    // A clerk corrects the name of someone the import has already updated.
    let first_person = holder(&db, &ids[0]).await;
    assert_eq!(first_person.title, "网格员");
    let patch = WorkerPatch { name: Some("王更正".into()), ..Default::default() };
    workers::update(&db, &admin, first_person.id, &patch).await.unwrap();
    // Nobody commits it by hand while it is `committing`: the start of the server finishes it.
    let stuck = imports::recent(&db, &admin.scope, 1).await.unwrap().remove(0);
    match imports::commit_kept(&db, &admin, stuck.id, today()).await {
        Err(StoreError::Conflict(e)) => assert_eq!(e.code, "import_running"),
        other => panic!("committing a `committing` upload by hand: {:?}", other.map(|_| ())),
    }
    assert_eq!(imports::resume_unfinished(&db, today()).await.unwrap(), 1);
    // The correction stands; every row is accounted for once.
    assert_eq!(holder(&db, &ids[0]).await.name, "王更正");
    assert_eq!(holder(&db, &ids[ROWS - 1]).await.title, "网格员");
    let m = imports::recent(&db, &admin.scope, 1).await.unwrap().remove(0);
    assert_eq!(m.status, "committed");
    assert_eq!((m.created, m.updated, m.error_count), (Some(0), Some(ROWS as i32), 0));
    // An upload whose check a stopped process cut off is checked again at the start, not committed.
    let (third, _) = roster_as(&db, ROWS, "副主任", "2026-07-01").await;
    let checked = imports::check(&db.conn, &admin.scope, &table(&third), today()).await.unwrap();
    let cut = imports::record(&db, &admin, "c.csv", third.clone(), &checked).await.unwrap();
    import::Entity::update_many()
        .col_expr(import::Column::Status, sea_orm::sea_query::Expr::value("checking"))
        .filter(import::Column::Id.eq(cut.id))
        .exec(&db.conn)
        .await
        .unwrap();
    assert_eq!(imports::resume_unfinished(&db, today()).await.unwrap(), 0);
    let again = imports::get(&db, &admin.scope, cut.id).await.unwrap();
    assert_eq!((again.status.as_str(), again.error_count), ("checked", 0));
    assert_eq!(holder(&db, &ids[ROWS - 1]).await.title, "网格员");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_clerks_change_during_an_import_stands() {
    a_clerks_change_during_an_import_stands(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_clerks_change_during_an_import_stands() {
    if shegong_store::testing::pg_url().is_some() {
        a_clerks_change_during_an_import_stands(true).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_stopped_update_is_finished_without_undoing_later_edits() {
    a_stopped_update_is_finished_without_undoing_later_edits(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_stopped_update_is_finished_without_undoing_later_edits() {
    if shegong_store::testing::pg_url().is_some() {
        a_stopped_update_is_finished_without_undoing_later_edits(true).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_writers_go_through_between_chunks() {
    writers_go_through_between_chunks(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_writers_go_through_between_chunks() {
    if shegong_store::testing::pg_url().is_some() {
        writers_go_through_between_chunks(true).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_stopped_commit_is_finished() {
    a_stopped_commit_is_finished(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_stopped_commit_is_finished() {
    if shegong_store::testing::pg_url().is_some() {
        a_stopped_commit_is_finished(true).await;
    }
}
