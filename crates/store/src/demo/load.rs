//! Loading the demo province: regions, users, communities with their workers' archives, in batches.

use super::Community;

use super::career::career_and_pay;
use super::people::{EXIT_REASONS, FEMALE, MAJORS, MALE, PLACE, SCHOOLS, SURNAMES, date_between, terms, v7, ymd};
use super::regions::statistical_regions;
use super::{DEMO_PASSWORD, DemoOptions, DemoSummary};

use crate::Db;
use crate::audit::Actor;
use crate::entity::{
    agreement, appointment, assessment, certificate, education, id_registry, training, training_record, worker,
};
use crate::error::Result;
use crate::regions::{self, RegionRow};
use crate::users::{self, NewUser};
use chrono::{Datelike, NaiveDate, Utc};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sea_orm::{ConnectionTrait, EntityTrait, Set};
use shegong_domain::{IdNumber, RegionCode, Role};
use std::collections::HashSet;
use uuid::Uuid;

#[derive(Default)]
pub(super) struct Batch {
    workers: Vec<worker::ActiveModel>,
    registry: Vec<id_registry::ActiveModel>,
    appointments: Vec<appointment::ActiveModel>,
    educations: Vec<education::ActiveModel>,
    certificates: Vec<certificate::ActiveModel>,
    agreements: Vec<agreement::ActiveModel>,
    assessments: Vec<assessment::ActiveModel>,
    training_records: Vec<training_record::ActiveModel>,
}

/// (community, start, end, post category, title, 两委, party-building post)
pub(super) type DemoAppointment = (String, NaiveDate, Option<NaiveDate>, &'static str, &'static str, bool, bool);

pub(super) struct Post {
    category: &'static str,
    title: &'static str,
    two_committees: bool,
    party_building: bool,
}

pub(super) fn posts_for(n: usize) -> Vec<Post> {
    let p = |category, title, two_committees, party_building| Post { category, title, two_committees, party_building };
    let mut v = vec![
        p("head", "书记", true, false),
        p("head", "主任", true, false),
        p("deputy", "副书记", true, false),
        p("deputy", "副主任", true, false),
        p("deputy", "委员", true, false),
        p("staff", "党建专职", false, true),
        p("staff", "党建专职", false, true),
    ];
    let mut i = 0;
    while v.len() < n {
        v.push(if i % 2 == 0 {
            p("staff", "专职工作者", false, false)
        } else {
            p("staff", "网格员", false, false)
        });
        i += 1;
    }
    v.truncate(n.max(4));
    v
}

/// Loads the demo province into an empty database. `progress(done, total, what)` reports steps.
/// On SQLite the foreign keys are not checked while it writes (the data is made whole, and a test
/// checks every key after a load: `crates/store/tests/demo.rs`); see [`Db::bulk_load`].
pub async fn load(db: &Db, opts: &DemoOptions, progress: &(dyn Fn(u64, u64, &str) + Sync)) -> Result<DemoSummary> {
    db.bulk_load(true).await?;
    let done = tokio::sync::Notify::new();
    let (loaded, ()) = tokio::join!(
        async {
            let loaded = Box::pin(load_all(db, opts, progress)).await;
            done.notify_one();
            loaded
        },
        db.checkpoints_until(&done)
    );
    db.bulk_load(false).await?;
    loaded
}

async fn load_all(db: &Db, opts: &DemoOptions, progress: &(dyn Fn(u64, u64, &str) + Sync)) -> Result<DemoSummary> {
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    let mut summary = DemoSummary::default();
    let mut lap = Lap::default();
    let mut rows = statistical_regions(&opts.province);
    if rows.is_empty() {
        return Err(anyhow::anyhow!("区划数据中没有省级代码 {}", opts.province).into());
    }
    let counties: HashSet<String> =
        rows.iter().filter(|r| r.code.as_str().len() == 6).map(|r| r.code.to_string()).collect();

    // Communities under streets (街道) and towns (镇), and grids under communities.
    let mut communities: Vec<Community> = Vec::new();
    let streets: Vec<(RegionCode, String)> = rows
        .iter()
        .filter(|r| matches!(r.code.township_kind(), Some("街道" | "镇")))
        .filter(|r| {
            opts.only_counties.is_empty() || opts.only_counties.iter().any(|c| r.code.as_str().starts_with(c.as_str()))
        })
        .map(|r| (r.code.clone(), r.name.clone()))
        .collect();
    let mut grid_rows = Vec::new();
    for (street, street_name) in &streets {
        let n =
            if street.township_kind() == Some("街道") { rng.random_range(5..=7) } else { rng.random_range(1..=2) };
        let mut used = HashSet::new();
        for i in 1..=n {
            let name = loop {
                let a = PLACE.choose(&mut rng).expect("non-empty");
                let b = PLACE.choose(&mut rng).expect("non-empty");
                let nm = format!("{a}{b}社区");
                if a != b && used.insert(nm.clone()) {
                    break nm;
                }
            };
            let households: i64 = rng.random_range(1000..=5000);
            let residents = households * rng.random_range(230..=300) / 100;
            let code = format!("{}{:03}", street, i);
            // Grids of about 400 households; in one community of seven, fewer and larger ones
            // (above the 500 of the grid norm), as the coverage figures should show.
            let grids = if i % 7 == 3 { (households + 649) / 650 } else { (households + 399) / 400 };
            for g in 1..=grids {
                let hh = households / grids + if g <= households % grids { 1 } else { 0 };
                grid_rows.push(RegionRow {
                    code: RegionCode::parse(&format!("{code}{g:03}")).expect("valid"),
                    name: format!("第{g}网格"),
                    households: hh,
                    residents: hh * residents / households,
                    urban_rural_class: None,
                });
            }
            rows.push(RegionRow {
                code: RegionCode::parse(&code).expect("valid"),
                name: name.clone(),
                households,
                residents,
                urban_rural_class: Some(if street.township_kind() == Some("街道") { "111" } else { "121" }.into()),
            });
            communities.push(Community {
                code,
                name,
                street_name: street_name.clone(),
                county: street.as_str()[..6].to_string(),
                households,
            });
        }
    }
    summary.communities = communities.len();
    summary.grids = grid_rows.len();
    rows.extend(grid_rows);
    // Households and residents roll up the tree.
    let mut sums: std::collections::HashMap<String, (i64, i64)> = std::collections::HashMap::new();
    for r in rows.iter().filter(|r| r.code.as_str().len() == 12) {
        let mut c = r.code.parent();
        while let Some(p) = c {
            let e = sums.entry(p.to_string()).or_default();
            e.0 += r.households;
            e.1 += r.residents;
            c = p.parent();
        }
    }
    for r in rows.iter_mut().filter(|r| r.code.as_str().len() < 12) {
        if let Some((h, p)) = sums.get(r.code.as_str()) {
            r.households = *h;
            r.residents = *p;
        }
    }
    summary.regions = rows.len();
    let total_regions = rows.len() as u64;
    regions::import(db, rows, &|n| progress(n as u64, total_regions, "区划")).await?;
    lap.done("regions");

    // Workers.
    let by_county: std::collections::HashMap<&str, Vec<usize>> = {
        let mut m: std::collections::HashMap<&str, Vec<usize>> = std::collections::HashMap::new();
        for (i, c) in communities.iter().enumerate() {
            m.entry(c.county.as_str()).or_default().push(i);
        }
        m
    };
    let mut ids = HashSet::new();
    let mut last_year: Vec<(String, Uuid, &'static str)> = Vec::new();
    let mut batch = Batch::default();
    let today = opts.today;
    let created = Utc::now();
    let (drops, builds) = super::indexes::deferred(db, &WORKER_TABLES).await?;
    let mut loader = crate::bulk::Loader::begin(db).await?;
    loader.run(drops.into_iter()).await?;
    // Each county's yearly 履职培训 (two days in October) since 2023.
    let mut county_trainings: std::collections::HashMap<String, Vec<(Uuid, NaiveDate, i32)>> = Default::default();
    let mut training_rows = Vec::new();
    let mut county_list: Vec<String> = by_county.keys().map(|k| k.to_string()).collect();
    county_list.sort();
    for county in &county_list {
        for year in 2023..=today.year() {
            let start = ymd(year, 10, rng.random_range(8..=25));
            let end = start + chrono::Duration::days(1);
            if end >= today {
                continue;
            }
            let id = v7(&mut rng, start);
            county_trainings.entry(county.clone()).or_default().push((id, end, 8));
            training_rows.push(training::ActiveModel {
                province_code: Set(county[..2].to_string()),
                id: Set(id),
                region_code: Set(county.clone()),
                name: Set(format!("{year}年度社区工作者履职培训")),
                kind: Set("duty".into()),
                organiser: Set("县（市、区）民政局".into()),
                start_date: Set(start),
                end_date: Set(end),
                hours: Set(16),
                credits: Set(8),
                created_by: Set("demo".into()),
                created_at: Set(created),
            });
        }
    }
    loader.run(crate::bulk::model_statements(db.backend(), training_rows, 500)).await?;
    // The records are written by a task of their own while the next batch is made (the two took
    // turns before, each waiting for the other).
    // `None` ends the work: a maker that stopped before it (a panic) leaves nothing committed.
    let (batches, mut to_write) = tokio::sync::mpsc::channel::<Option<Batch>>(1);
    let backend = db.backend();
    let writer = tokio::spawn(async move {
        let mut first = true;
        loop {
            let Some(b) = to_write.recv().await.ok_or_else(|| anyhow::anyhow!("演示数据未生成完"))? else {
                break;
            };
            flush(&mut loader, backend, b).await?;
            if let crate::bulk::Loader::Other(Some(txn)) = &loader
                && std::mem::take(&mut first)
                && backend == sea_orm::DbBackend::Postgres
            {
                // Without statistics PostgreSQL checked each record's foreign key through an index
                // that leads with the province only (one of the list's), reading every worker
                // inserted so far: 13 minutes instead of half of one. Measured, the key wins.
                txn.execute_unprepared("ANALYZE workers").await?;
            }
        }
        loader.run(builds.into_iter()).await?;
        loader.commit().await?;
        Ok::<(), crate::error::StoreError>(())
    });
    let total = communities.len() as u64;
    let mut first_worker_of_first: Option<String> = None;
    for (ci, c) in communities.iter().enumerate() {
        // About the norm of one per 300 households: some communities have vacancies, a few more.
        let norm = ((c.households + 299) / 300) as usize;
        let roll: f64 = rng.random();
        let n = if roll < 0.18 {
            norm.saturating_sub(rng.random_range(1..=2)).max(3)
        } else if roll < 0.23 {
            norm + 1
        } else {
            norm
        };
        let posts = posts_for(n);
        let exited = (0..n).filter(|_| rng.random_bool(0.07)).count();
        for (k, post) in posts.iter().map(Some).chain((0..exited).map(|_| None)).enumerate() {
            let active = post.is_some();
            let post = post.unwrap_or(&Post {
                category: "staff",
                title: "专职工作者",
                two_committees: false,
                party_building: false,
            });
            let female = rng.random_bool(0.62);
            let birth = date_between(&mut rng, ymd(1966, 1, 1), ymd(2002, 12, 31));
            let id_number = loop {
                let seq: u16 = rng.random_range(0..500) * 2 + if female { 0 } else { 1 };
                let id = IdNumber::compose(&c.county, birth, seq);
                if ids.insert(id.to_string()) {
                    break id;
                }
            };
            let surname = SURNAMES.choose(&mut rng).expect("non-empty");
            let pool = if female { FEMALE } else { MALE };
            let given: String =
                (0..rng.random_range(1..=2)).map(|_| *pool.choose(&mut rng).expect("non-empty")).collect();
            let name = format!("{surname}{given}");
            let earliest = ymd(2010, 1, 1).max(ymd(birth.year() + 20, birth.month(), 1));
            let latest = if active { today - chrono::Duration::days(30) } else { ymd(2024, 6, 30) };
            let start = date_between(
                &mut rng,
                earliest.min(latest - chrono::Duration::days(400)),
                latest - chrono::Duration::days(365),
            );
            let id = v7(&mut rng, start);
            let full_time = post.two_committees && post.category == "head" || rng.random_bool(0.85);
            let edu_roll: f64 = rng.random();
            let edu = if edu_roll < 0.007 {
                "14"
            } else if edu_roll < 0.37 {
                "21"
            } else if edu_roll < 0.80 {
                "31"
            } else if edu_roll < 0.95 {
                "61"
            } else {
                "41"
            };
            let cert_roll: f64 = rng.random();
            let cert = if cert_roll < 0.02 {
                Some("senior")
            } else if cert_roll < 0.18 {
                Some("intermediate")
            } else if cert_roll < 0.43 {
                Some("junior")
            } else {
                None
            };
            let political = if post.two_committees || post.party_building || rng.random_bool(0.35) {
                "01"
            } else if rng.random_bool(0.2) {
                "03"
            } else {
                "13"
            };
            let ethnicity = if rng.random_bool(0.985) {
                "01"
            } else {
                ["19", "22", "03", "15"].choose(&mut rng).expect("non-empty")
            };
            let province = c.code[..2].to_string();
            // Some moved here from another community of the same county.
            let mut appts: Vec<DemoAppointment> = Vec::new();
            let peers = &by_county[c.county.as_str()];
            let exit_on =
                (!active).then(|| date_between(&mut rng, start + chrono::Duration::days(200), ymd(2025, 12, 31)));
            if active && peers.len() > 1 && rng.random_bool(0.15) && (today - start).num_days() > 1500 {
                let other = &communities[*peers.choose(&mut rng).expect("non-empty")];
                if other.code != c.code {
                    let moved = date_between(
                        &mut rng,
                        start + chrono::Duration::days(365),
                        today - chrono::Duration::days(100),
                    );
                    appts.push((other.code.clone(), start, Some(moved), "staff", "专职工作者", false, false));
                    appts.push((
                        c.code.clone(),
                        moved,
                        None,
                        post.category,
                        post.title,
                        post.two_committees,
                        post.party_building,
                    ));
                }
            }
            if appts.is_empty() {
                appts.push((
                    c.code.clone(),
                    start,
                    exit_on,
                    post.category,
                    post.title,
                    post.two_committees,
                    post.party_building,
                ));
            }
            let exit_reason = exit_on.map(|_| EXIT_REASONS.choose(&mut rng).expect("non-empty").to_string());
            if active && ci == 0 && k == posts.len() - 1 {
                first_worker_of_first = Some(id_number.to_string());
            }
            batch.workers.push(worker::ActiveModel {
                province_code: Set(province.clone()),
                id: Set(id),
                region_code: Set(c.code.clone()),
                name: Set(name),
                id_number: Set(id_number.to_string()),
                gender: Set(if female { "2" } else { "1" }.into()),
                birth_date: Set(birth),
                ethnicity: Set(ethnicity.into()),
                political_status: Set(political.into()),
                phone: Set(Some(format!(
                    "1{}{:09}",
                    ["3", "5", "8", "9"].choose(&mut rng).expect("non-empty"),
                    rng.random_range(0..1_000_000_000u32)
                ))),
                address: Set(Some(format!(
                    "{}{}{}幢{}室",
                    c.street_name,
                    c.name,
                    rng.random_range(1..40),
                    rng.random_range(1..7) * 100 + rng.random_range(1..4)
                ))),
                status: Set(if active { "active" } else { "exited" }.into()),
                post_category: Set(post.category.into()),
                title: Set(post.title.into()),
                two_committees: Set(post.two_committees),
                full_time: Set(full_time),
                party_building: Set(post.party_building),
                highest_education: Set(Some(edu.into())),
                certificate_level: Set(cert.map(Into::into)),
                service_start: Set(Some(start)),
                exited_on: Set(exit_on),
                exit_reason: Set(exit_reason),
                created_at: Set(created),
                updated_at: Set(created),
                bank_name: Set(None),
                bank_account: Set(None),
            });
            batch.registry.push(id_registry::ActiveModel {
                id_number: Set(id_number.to_string()),
                province_code: Set(province.clone()),
                worker_id: Set(id),
            });
            for (code, s, e, cat, title, tc, pb) in &appts {
                let reason = match (e, &exit_on) {
                    (Some(_), Some(_)) if appts.len() == 1 => Some("退出".to_string()),
                    (Some(_), _) => Some("调动".to_string()),
                    _ => None,
                };
                batch.appointments.push(appointment::ActiveModel {
                    province_code: Set(province.clone()),
                    id: Set(v7(&mut rng, *s)),
                    worker_id: Set(id),
                    region_code: Set(code.clone()),
                    post_category: Set((*cat).into()),
                    title: Set((*title).into()),
                    two_committees: Set(*tc),
                    full_time: Set(full_time),
                    party_building: Set(*pb),
                    start_date: Set(*s),
                    end_date: Set(*e),
                    end_reason: Set(reason),
                });
            }
            // Education: the highest, and for some an earlier one (学历提升).
            let grad_year = (birth.year()
                + match edu {
                    "14" => 25,
                    "21" => 22,
                    "31" => 21,
                    _ => 18,
                })
            .min(today.year() - 1);
            if edu == "21" && rng.random_bool(0.3) {
                batch.educations.push(edu_row(&mut rng, &province, id, "31", grad_year - 2));
            }
            batch.educations.push(edu_row(&mut rng, &province, id, edu, grad_year));
            if let Some(level) = cert {
                let year = rng.random_range(2012..=today.year() - 1);
                let label = shegong_domain::worker::CertificateLevel::parse(level).expect("known").label();
                batch.certificates.push(certificate::ActiveModel {
                    province_code: Set(province.clone()),
                    id: Set(v7(&mut rng, ymd(year, 6, 15))),
                    worker_id: Set(id),
                    kind: Set("social_work".into()),
                    level: Set(Some(level.into())),
                    name: Set(label.into()),
                    number: Set(Some(format!("{}{:08}", year, rng.random_range(0..100_000_000u32)))),
                    issued_on: Set(Some(ymd(year, 6, 15))),
                });
            }
            let end = exit_on.unwrap_or(today);
            for (term, ts, te) in terms() {
                if ts <= end && te >= start && ts <= today {
                    let s = ts.max(start);
                    batch.agreements.push(agreement::ActiveModel {
                        province_code: Set(province.clone()),
                        id: Set(v7(&mut rng, s)),
                        worker_id: Set(id),
                        region_code: Set(c.code.clone()),
                        number: Set(Some(format!("XY{}{:06}", &c.code[..6], rng.random_range(0..1_000_000u32)))),
                        term: Set(term.into()),
                        start_date: Set(s),
                        end_date: Set(te),
                        signed_on: Set(Some(s)),
                    });
                }
            }
            // Attendance at the county's yearly training: heads nearly always, others about 60%.
            if active {
                let p = if post.category == "head" { 0.92 } else { 0.6 };
                for (tid, end, credits) in county_trainings.get(&c.county).into_iter().flatten() {
                    if *end > start && rng.random_bool(p) {
                        let failed = rng.random_bool(0.03);
                        batch.training_records.push(training_record::ActiveModel {
                            province_code: Set(province.clone()),
                            id: Set(v7(&mut rng, *end)),
                            training_id: Set(*tid),
                            worker_id: Set(id),
                            region_code: Set(c.code.clone()),
                            completed_on: Set(*end),
                            credits: Set(if failed { 0 } else { *credits }),
                            attendance: Set("attended".into()),
                            result: Set(Some(if failed { "failed" } else { "passed" }.into())),
                        });
                    }
                }
            }
            // Yearly grades since 2021; a few workers trip the exit rule (不合格 two years running).
            if active {
                let last = today.year() - 1;
                let trips = ci % 150 == 7 && k + 1 == posts.len();
                for year in start.year().max(2021) + 1..=last {
                    let roll: f64 = rng.random();
                    let grade = if trips && year >= last - 1 {
                        "incompetent"
                    } else if roll < 0.15 {
                        "excellent"
                    } else if roll < 0.94 {
                        "competent"
                    } else if roll < 0.99 {
                        "basically_competent"
                    } else {
                        "incompetent"
                    };
                    if year == last {
                        // Last year's grades come out of the streets' assessment rounds below.
                        last_year.push((c.code.clone(), id, grade));
                        continue;
                    }
                    batch.assessments.push(assessment::ActiveModel {
                        province_code: Set(province.clone()),
                        id: Set(v7(&mut rng, ymd(year + 1, 1, 15))),
                        worker_id: Set(id),
                        region_code: Set(c.code.clone()),
                        year: Set(year),
                        grade: Set(grade.into()),
                        recorded_by: Set("demo".into()),
                        recorded_at: Set(created),
                    });
                }
            }
            if active {
                summary.workers_active += 1;
            } else {
                summary.workers_exited += 1;
            }
        }
        if batch.workers.len() >= 2000 || ci + 1 == communities.len() {
            // A closed writer has failed: its error is returned below.
            if batches.send(Some(std::mem::take(&mut batch))).await.is_err() {
                break;
            }
            progress(ci as u64 + 1, total, "社区工作者");
        }
    }
    // Closed only if the writer failed, whose error is then returned.
    let _ = batches.send(None).await;
    writer.await.map_err(|e| anyhow::anyhow!("写入演示数据的任务失败：{e}"))??;
    crate::stats::rebuild_province(db, &opts.province).await?;
    lap.done("workers");
    career_and_pay(db, opts, &mut rng, &communities, last_year, progress).await?;
    lap.done("career and pay");

    // One login per role.
    let first = &communities[0];
    let county = &first.code[..6];
    let city = &first.code[..4];
    let prov = &first.code[..2];
    let other_county = counties
        .iter()
        .filter(|c| c.starts_with(city) && *c != county)
        .min()
        .cloned()
        .unwrap_or_else(|| county.to_string());
    let haining = if opts.province == "33" {
        ("haining", "330481".to_string(), "tongxiang", "330483".to_string())
    } else {
        ("county", county.to_string(), "county2", other_county)
    };
    let (hc, hcc) = (haining.1.clone(), haining.3.clone());
    let hc_first = communities.iter().find(|c| c.code.starts_with(&hc)).unwrap_or(first);
    let hc_street = hc_first.code[..9].to_string();
    let hc_community = hc_first.code.clone();
    let worker_id_number = worker_in(db, &hc_community).await?.or(first_worker_of_first);
    let logins: Vec<(&str, Role, String, &str)> = vec![
        ("province", Role::ProvinceAdmin, prov.to_string(), "省民政厅管理员"),
        ("city", Role::CityAdmin, hc[..4].to_string(), "市民政局管理员"),
        (haining.0, Role::CountyAdmin, hc.clone(), "县级民政局管理员"),
        (haining.2, Role::CountyAdmin, hcc.clone(), "县级民政局管理员"),
        // A second person in the county and the street: payroll is computed by one and reviewed
        // by another (the policy's 制表/审核 separation).
        ("reviewer", Role::CountyAdmin, hc.clone(), "县级民政局复核员"),
        ("street", Role::StreetAdmin, hc_street.clone(), "街道管理员"),
        ("street2", Role::StreetAdmin, hc_street, "街道复核员"),
        ("community", Role::CommunityHead, hc_community, "社区书记"),
        ("worker", Role::Worker, String::new(), "社区工作者"),
        ("auditor", Role::Auditor, prov.to_string(), "审计员"),
    ];
    let departments = super::departments::load(db, &hc).await?;
    let mut logins = logins;
    // A clerk of the county's housing bureau, who handles what the streets hand it.
    logins.push(("zhujian", Role::Department, hc.clone(), "住建局办事员"));
    let actor = Actor::system();
    for (username, role, region, display) in logins {
        let u = users::create_unchecked(
            db,
            None,
            &actor,
            NewUser {
                username: username.into(),
                display_name: display.into(),
                role: role.as_str().into(),
                region,
                password: DEMO_PASSWORD.into(),
                id_number: if role == Role::Worker {
                    worker_id_number.clone().unwrap_or_default()
                } else {
                    String::new()
                },
                department: if role == Role::Department {
                    departments.first().map(|d| d.id.to_string()).unwrap_or_default()
                } else {
                    String::new()
                },
            },
        )
        .await?;
        summary.logins.push((u.username, role.label().to_string(), DEMO_PASSWORD.to_string()));
    }
    lap.done("logins");
    // Each part on the heap: their futures together outgrow a test thread's stack in a debug build.
    summary.grid_duties = Box::pin(super::grids::load(db, prov, &hc, opts.today, opts.seed)).await?;
    lap.done("grids");
    summary.events = Box::pin(super::events::load(db, &hc, opts.today, opts.seed, &departments)).await?;
    lap.done("events");
    Box::pin(super::recruitment::load(db, &hc, opts.today, haining.0)).await?;
    lap.done("recruitment");
    (summary.households, summary.visits, summary.wishes) =
        Box::pin(super::residents::load(db, &hc, opts.today, opts.seed)).await?;
    lap.done("residents");
    Box::pin(super::work_items::load(db, &hc, opts.today, opts.seed)).await?;
    lap.done("work items");
    Box::pin(super::openness::load(db, &hc, opts.today, opts.seed)).await?;
    lap.done("openness");
    crate::audit::entry(&actor, "demo.load", prov).detail(format!("seed {}", opts.seed)).save(&db.writer).await?;
    // Every worker's keys written anew (those hired above have theirs), the index by worker dropped
    // before and built after them; the keys made and sorted before the write lock is taken.
    let keys = crate::search::province_keys(db, &opts.province, &crate::search::ALL).await?;
    let keys = crate::search::statements(db.backend(), keys);
    let (drops, builds) = super::indexes::deferred(db, &[crate::search::TABLE]).await?;
    let clear = crate::search::clear_statements(db.backend(), &opts.province, &crate::search::ALL);
    let mut loader = crate::bulk::Loader::begin(db).await?;
    loader.run(drops.into_iter().chain(clear).chain(keys).chain(builds)).await?;
    loader.commit().await?;
    lap.done("search keys");
    // The planner's statistics for the tables just filled.
    db.analyze().await?;
    lap.done("analyze");
    Ok(summary)
}

pub(super) async fn worker_in(db: &Db, community: &str) -> Result<Option<String>> {
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
    Ok(worker::Entity::find()
        .filter(worker::Column::ProvinceCode.eq(community.get(..2).unwrap_or_default()))
        .filter(worker::Column::RegionCode.eq(community))
        .filter(worker::Column::Status.eq("active"))
        .filter(worker::Column::Title.eq("网格员"))
        .order_by_asc(worker::Column::Id)
        .one(&db.conn)
        .await?
        .map(|w| w.id_number))
}

pub(super) fn edu_row(
    rng: &mut ChaCha8Rng,
    province: &str,
    worker: Uuid,
    code: &str,
    year: i32,
) -> education::ActiveModel {
    let school = if code.starts_with(['1', '2', '3']) {
        Some(SCHOOLS.choose(rng).expect("non-empty").to_string())
    } else {
        None
    };
    let major = school.as_ref().map(|_| MAJORS.choose(rng).expect("non-empty").to_string());
    education::ActiveModel {
        province_code: Set(province.into()),
        id: Set(v7(rng, ymd(year.max(1980), 7, 1))),
        worker_id: Set(worker),
        education_code: Set(code.into()),
        school: Set(school),
        major: Set(major),
        graduated_on: Set(Some(ymd(year, 7, 1))),
        full_time_study: Set(true),
    }
}

/// The tables [`flush`] writes, whose secondary indexes are built once their rows are in.
const WORKER_TABLES: [&str; 8] = [
    "workers",
    "id_registry",
    "appointments",
    "educations",
    "certificates",
    "agreements",
    "assessments",
    "training_records",
];

pub(super) async fn flush(loader: &mut crate::bulk::Loader, backend: sea_orm::DbBackend, b: Batch) -> Result<()> {
    use crate::bulk::model_statements;
    // One run for the batch: each table's statements made while the one before is written.
    let statements = model_statements(backend, b.workers, 1000)
        .chain(model_statements(backend, b.registry, 3000))
        .chain(model_statements(backend, b.appointments, 2000))
        .chain(model_statements(backend, b.educations, 2500))
        .chain(model_statements(backend, b.certificates, 2500))
        .chain(model_statements(backend, b.agreements, 2500))
        .chain(model_statements(backend, b.assessments, 3000))
        .chain(model_statements(backend, b.training_records, 3000));
    loader.run(statements).await
}

/// How long each part of the load took, logged (`RUST_LOG=shegong_store=debug`).
struct Lap(std::time::Instant);

impl Default for Lap {
    fn default() -> Self {
        Self(std::time::Instant::now())
    }
}

impl Lap {
    fn done(&mut self, part: &str) {
        tracing::debug!(part, secs = self.0.elapsed().as_secs_f64(), "demo load");
        self.0 = std::time::Instant::now();
    }
}
