//! The demo province: real prefectures, counties and streets from the statistical list, generated
//! communities, grids and about one worker per 300 households, deterministic for a seed.

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
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use shegong_domain::{IdNumber, RegionCode, Role};
use std::collections::HashSet;
use uuid::Uuid;

const PROVINCES: &str = include_str!("../data/regions/provinces.csv");
const CITIES: &str = include_str!("../data/regions/cities.csv");
const AREAS: &str = include_str!("../data/regions/areas.csv");
const STREETS: &str = include_str!("../data/regions/streets.csv");

/// The password of every demo login (printed by `serve --demo` and `demo`).
pub const DEMO_PASSWORD: &str = "shegong2026";

/// The statistical list's regions of one province, down to streets, as region rows.
pub fn statistical_regions(province: &str) -> Vec<RegionRow> {
    let mut rows = Vec::new();
    for (text, prov_col) in [(PROVINCES, 0usize), (CITIES, 2), (AREAS, 3), (STREETS, 3)] {
        for line in text.lines().skip(1) {
            let cols: Vec<&str> = line.split(',').map(|c| c.trim_matches('"')).collect();
            let in_province = if prov_col == 0 {
                cols[0] == province
            } else {
                cols.get(prov_col) == Some(&province)
            };
            if !in_province {
                continue;
            }
            if let Ok(code) = RegionCode::parse(cols[0]) {
                let urc = match code.township_kind() {
                    Some("街道") => Some("111".to_string()),
                    Some("镇") => Some("121".to_string()),
                    Some("乡") => Some("210".to_string()),
                    _ => None,
                };
                rows.push(RegionRow {
                    code,
                    name: cols[1].to_string(),
                    households: 0,
                    residents: 0,
                    urban_rural_class: urc,
                });
            }
        }
    }
    rows
}

pub fn province_name(code: &str) -> Option<String> {
    PROVINCES.lines().skip(1).find_map(|l| {
        let (c, n) = l.split_once(',')?;
        (c == code).then(|| n.trim_matches('"').to_string())
    })
}

const SURNAMES: &[&str] = &[
    "陈", "王", "张", "李", "徐", "吴", "周", "沈", "朱", "金", "方", "杨", "黄", "胡", "应", "郑", "林", "叶", "钱",
    "孙", "赵", "何", "蒋", "俞", "章", "潘", "许", "楼", "顾", "陆", "姚", "戴", "邵", "马", "高", "毛", "汪", "郭",
    "冯", "施", "卢", "江", "宋", "丁", "程", "褚", "费", "傅", "倪", "屠", "钟", "范", "虞", "袁", "严", "邱", "蔡",
    "余", "曹", "诸葛",
];
const MALE: &[&str] = &[
    "伟", "强", "军", "磊", "洋", "勇", "杰", "涛", "斌", "超", "明", "刚", "平", "辉", "鹏", "华", "飞", "鑫", "波",
    "宇", "浩", "凯", "健", "俊", "帆", "旭", "宁", "龙", "林", "阳", "建", "国", "峰", "志", "文", "东", "海", "亮",
    "晨", "博",
];
const FEMALE: &[&str] = &[
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "燕", "玲", "婷", "雪", "慧", "颖", "琳", "倩", "洁", "晶", "萍",
    "红", "梅", "莉", "兰", "琴", "云", "莹", "佳", "欣", "怡", "悦", "雯", "璐", "瑶", "蕾", "丹", "秀", "英", "楠",
    "晓", "露",
];
const PLACE: &[&str] = &[
    "东", "西", "南", "北", "新", "文", "和", "平", "康", "华", "兴", "阳", "光", "明", "春", "湖", "山", "桥", "园",
    "城", "河", "江", "锦", "翠", "金", "龙", "凤", "安", "乐", "福", "宁", "泰", "荣", "盛", "祥", "丰", "瑞", "胜",
    "利", "民", "梅", "兰", "竹", "柳", "桃", "枫", "松", "青", "景", "月", "星", "海", "丽", "嘉", "德", "仁", "义",
    "礼", "智", "信",
];
const SCHOOLS: &[&str] = &[
    "浙江大学",
    "浙江工业大学",
    "杭州师范大学",
    "浙江师范大学",
    "宁波大学",
    "温州大学",
    "嘉兴学院",
    "浙江工商大学",
    "浙江广播电视大学",
    "浙江财经大学",
    "中国计量大学",
    "浙江树人学院",
    "杭州职业技术学院",
    "浙江经济职业技术学院",
];
const MAJORS: &[&str] = &[
    "社会工作",
    "社会工作",
    "社会学",
    "行政管理",
    "汉语言文学",
    "会计学",
    "法学",
    "计算机科学与技术",
    "公共事业管理",
    "工商管理",
    "思想政治教育",
    "市场营销",
    "护理学",
];
const EXIT_REASONS: &[&str] = &[
    "个人辞职",
    "退休",
    "考核不合格（连续两年）",
    "调离社区工作岗位",
    "不履行服务协议，经教育仍不改正",
    "经培训或调整岗位仍不能胜任工作",
];

/// Settings for the generator.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    pub province: String,
    pub seed: u64,
    /// The day the demo is "today" (appointments never start after it).
    pub today: NaiveDate,
    /// Only these counties get communities and workers (empty: every county). Tests use a few.
    pub only_counties: Vec<String>,
}

#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct DemoSummary {
    pub regions: usize,
    pub communities: usize,
    pub grids: usize,
    pub workers_active: usize,
    pub workers_exited: usize,
    pub logins: Vec<(String, String, String)>,
}

struct Community {
    code: String,
    name: String,
    street_name: String,
    county: String,
    households: i64,
}

fn v7(rng: &mut ChaCha8Rng, at: NaiveDate) -> Uuid {
    let ms = at
        .and_hms_opt(9, 0, 0)
        .expect("valid")
        .and_utc()
        .timestamp_millis()
        .max(0) as u64;
    let mut bytes = [0u8; 10];
    rng.fill(&mut bytes);
    uuid::Builder::from_unix_timestamp_millis(ms, &bytes).into_uuid()
}

fn date_between(rng: &mut ChaCha8Rng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let days = (to - from).num_days().max(1);
    from + chrono::Duration::days(rng.random_range(0..days))
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// 两委 terms: (label, start, end).
fn terms() -> [(&'static str, NaiveDate, NaiveDate); 3] {
    [
        ("2016—2021届", ymd(2016, 3, 1), ymd(2021, 2, 28)),
        ("2021—2026届", ymd(2021, 3, 1), ymd(2026, 2, 28)),
        ("2026—2031届", ymd(2026, 3, 1), ymd(2031, 2, 28)),
    ]
}

#[derive(Default)]
struct Batch {
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
type DemoAppointment = (
    String,
    NaiveDate,
    Option<NaiveDate>,
    &'static str,
    &'static str,
    bool,
    bool,
);

struct Post {
    category: &'static str,
    title: &'static str,
    two_committees: bool,
    party_building: bool,
}

fn posts_for(n: usize) -> Vec<Post> {
    let p = |category, title, two_committees, party_building| Post {
        category,
        title,
        two_committees,
        party_building,
    };
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
pub async fn load(db: &Db, opts: &DemoOptions, progress: &(dyn Fn(u64, u64, &str) + Sync)) -> Result<DemoSummary> {
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    let mut summary = DemoSummary::default();
    let mut rows = statistical_regions(&opts.province);
    if rows.is_empty() {
        return Err(anyhow::anyhow!("区划数据中没有省级代码 {}", opts.province).into());
    }
    let counties: HashSet<String> = rows
        .iter()
        .filter(|r| r.code.as_str().len() == 6)
        .map(|r| r.code.to_string())
        .collect();

    // Communities under streets (街道) and towns (镇), and grids under communities.
    let mut communities: Vec<Community> = Vec::new();
    let streets: Vec<(RegionCode, String)> = rows
        .iter()
        .filter(|r| matches!(r.code.township_kind(), Some("街道" | "镇")))
        .filter(|r| {
            opts.only_counties.is_empty()
                || opts
                    .only_counties
                    .iter()
                    .any(|c| r.code.as_str().starts_with(c.as_str()))
        })
        .map(|r| (r.code.clone(), r.name.clone()))
        .collect();
    let mut grid_rows = Vec::new();
    for (street, street_name) in &streets {
        let n = if street.township_kind() == Some("街道") {
            rng.random_range(5..=7)
        } else {
            rng.random_range(1..=2)
        };
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
            let grids = (households + 399) / 400;
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
                urban_rural_class: Some(
                    if street.township_kind() == Some("街道") {
                        "111"
                    } else {
                        "121"
                    }
                    .into(),
                ),
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
    let txn = db.begin_write().await?;
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
    for chunk in training_rows.chunks(500) {
        training::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
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
            let given: String = (0..rng.random_range(1..=2))
                .map(|_| *pool.choose(&mut rng).expect("non-empty"))
                .collect();
            let name = format!("{surname}{given}");
            let earliest = ymd(2010, 1, 1).max(ymd(birth.year() + 20, birth.month(), 1));
            let latest = if active {
                today - chrono::Duration::days(30)
            } else {
                ymd(2024, 6, 30)
            };
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
                    appts.push((
                        other.code.clone(),
                        start,
                        Some(moved),
                        "staff",
                        "专职工作者",
                        false,
                        false,
                    ));
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
                batch
                    .educations
                    .push(edu_row(&mut rng, &province, id, "31", grad_year - 2));
            }
            batch.educations.push(edu_row(&mut rng, &province, id, edu, grad_year));
            if let Some(level) = cert {
                let year = rng.random_range(2012..=today.year() - 1);
                let label = shegong_domain::worker::CertificateLevel::parse(level)
                    .expect("known")
                    .label();
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
                        number: Set(Some(format!(
                            "XY{}{:06}",
                            &c.code[..6],
                            rng.random_range(0..1_000_000u32)
                        ))),
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
            flush(&txn, std::mem::take(&mut batch)).await?;
            progress(ci as u64 + 1, total, "社区工作者");
        }
    }
    txn.commit().await?;
    crate::stats::rebuild_province(db, &opts.province).await?;
    career_and_pay(db, opts, &mut rng, &communities, last_year, progress).await?;

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
        ("street", Role::StreetAdmin, hc_street, "街道管理员"),
        ("community", Role::CommunityHead, hc_community, "社区书记"),
        ("worker", Role::Worker, String::new(), "社区工作者"),
        ("auditor", Role::Auditor, prov.to_string(), "审计员"),
    ];
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
            },
        )
        .await?;
        summary
            .logins
            .push((u.username, role.label().to_string(), DEMO_PASSWORD.to_string()));
    }
    crate::audit::record(
        &db.writer,
        &actor,
        "demo.load",
        prov,
        None,
        Some(format!("seed {}", opts.seed)),
    )
    .await?;
    Ok(summary)
}

async fn worker_in(db: &Db, community: &str) -> Result<Option<String>> {
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
    Ok(worker::Entity::find()
        .filter(worker::Column::RegionCode.eq(community))
        .filter(worker::Column::Status.eq("active"))
        .filter(worker::Column::Title.eq("网格员"))
        .order_by_asc(worker::Column::Id)
        .one(&db.conn)
        .await?
        .map(|w| w.id_number))
}

fn edu_row(rng: &mut ChaCha8Rng, province: &str, worker: Uuid, code: &str, year: i32) -> education::ActiveModel {
    let school = if code.starts_with(['1', '2', '3']) {
        Some(SCHOOLS.choose(rng).expect("non-empty").to_string())
    } else {
        None
    };
    let major = school
        .as_ref()
        .map(|_| MAJORS.choose(rng).expect("non-empty").to_string());
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

async fn flush(txn: &sea_orm::DatabaseTransaction, b: Batch) -> Result<()> {
    async fn many<A>(txn: &sea_orm::DatabaseTransaction, rows: Vec<A>, chunk: usize) -> Result<()>
    where
        A: ActiveModelTrait + Send + Clone,
    {
        for c in rows.chunks(chunk) {
            <A::Entity as EntityTrait>::insert_many(c.to_vec())
                .exec_without_returning(txn)
                .await?;
        }
        Ok(())
    }
    many(txn, b.workers, 1000).await?;
    many(txn, b.registry, 3000).await?;
    many(txn, b.appointments, 2000).await?;
    many(txn, b.educations, 2500).await?;
    many(txn, b.certificates, 2500).await?;
    many(txn, b.agreements, 2500).await?;
    many(txn, b.assessments, 3000).await?;
    many(txn, b.training_records, 3000).await?;
    Ok(())
}

/// Whether the database already holds a demo (or any) data.
pub async fn is_empty(db: &Db) -> Result<bool> {
    use sea_orm::PaginatorTrait;
    Ok(crate::entity::region::Entity::find().count(&db.conn).await? == 0 && users::count(db).await? == 0)
}

/// The demo's policy, reference wages, last year's assessment rounds, reserve candidates and a
/// year of locked payroll.
async fn career_and_pay(
    db: &Db,
    opts: &DemoOptions,
    rng: &mut ChaCha8Rng,
    communities: &[Community],
    last_year: Vec<(String, Uuid, &'static str)>,
    progress: &(dyn Fn(u64, u64, &str) + Sync),
) -> Result<()> {
    use crate::entity::{assessment_entry, assessment_round, payroll_run, policy_assignment, reference_wage, reserve};
    use sea_orm::sea_query::ExprTrait;
    use sea_orm::{ColumnTrait, QueryFilter, QuerySelect};
    use shegong_domain::career::{Grade, excellent_cap, propose_grades, weighted_score_tenths};
    let today = opts.today;
    let province = opts.province.clone();
    let last = today.year() - 1;
    let policy_name = "haining-2020";
    let (_, policy) = crate::policies::get(&db.conn, policy_name, None).await?;
    let txn = db.begin_write().await?;
    policy_assignment::ActiveModel {
        province_code: Set(province.clone()),
        id: Set(v7(rng, ymd(2019, 12, 1))),
        region_code: Set(province.clone()),
        policy_name: Set(policy_name.into()),
        policy_version: Set(1),
        effective_from: Set(ymd(2020, 1, 1)),
        assigned_by: Set("demo".into()),
        assigned_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    // Demo figures for last year's average wage of all employed (not official statistics).
    let mut wage: i64 = 8_000_000;
    for year in 2019..=last {
        reference_wage::Entity::insert(reference_wage::ActiveModel {
            province_code: Set(province.clone()),
            id: Set(v7(rng, ymd(year + 1, 3, 1))),
            region_code: Set(province.clone()),
            key: Set("average_wage".into()),
            year: Set(year),
            annual_fen: Set(wage),
            set_by: Set("demo".into()),
            set_at: Set(Utc::now()),
        })
        .exec_without_returning(&txn)
        .await?;
        wage = wage * 1055 / 1000 / 100 * 100;
    }
    // Last year's rounds, one per street: scores that give each grade, the 优秀 cap applied.
    let mut by_street: std::collections::BTreeMap<String, Vec<(String, Uuid, &'static str)>> = Default::default();
    for row in last_year {
        by_street.entry(row.0[..9].to_string()).or_default().push(row);
    }
    let held_back = communities
        .iter()
        .find(|c| c.code.starts_with("330481"))
        .map(|c| c.code[..9].to_string());
    let a = &policy.assessment;
    let mut entries = Vec::new();
    let mut grades = Vec::new();
    for (street, rows) in &by_street {
        let published = held_back.as_deref() != Some(street.as_str());
        let round_id = v7(rng, ymd(last + 1, 1, 10));
        assessment_round::Entity::insert(assessment_round::ActiveModel {
            province_code: Set(province.clone()),
            id: Set(round_id),
            region_code: Set(street.clone()),
            year: Set(last),
            status: Set(if published { "published" } else { "scored" }.into()),
            policy_name: Set(policy_name.into()),
            policy_version: Set(1),
            created_by: Set("demo".into()),
            created_at: Set(Utc::now()),
            published_by: Set(published.then(|| "demo".to_string())),
            published_at: Set(published.then(Utc::now)),
        })
        .exec_without_returning(&txn)
        .await?;
        let mut scores = Vec::new();
        let mut parts = Vec::new();
        for (_, _, g) in rows {
            let t: i32 = match *g {
                "excellent" => rng.random_range(90..=97),
                "competent" => rng.random_range(72..=89),
                "basically_competent" => rng.random_range(60..=69),
                _ => rng.random_range(45..=59),
            };
            let d: i32 = rng.random_range(-2..=2);
            // 60/30/10 weights: +d on the organisation's score, -2d on the residents' keeps the sum.
            let (o, r, x) = ((t + d).clamp(0, 100), (t - 2 * d).clamp(0, 100), t);
            let tenths = weighted_score_tenths(&[
                (o as u32, a.organisation_weight),
                (r as u32, a.residents_weight),
                (x as u32, a.routine_weight),
            ]);
            scores.push(tenths);
            parts.push((o, r, x));
        }
        let cap = a.excellent_cap_pct.map(|c| excellent_cap(rows.len() as u32, c));
        let proposed = propose_grades(&scores, |s| policy.grade_for_score(s), cap);
        for (((community, worker, _), (o, r, x)), (s, g)) in rows.iter().zip(parts).zip(scores.iter().zip(proposed)) {
            entries.push(assessment_entry::ActiveModel {
                province_code: Set(province.clone()),
                id: Set(v7(rng, ymd(last + 1, 1, 10))),
                round_id: Set(round_id),
                worker_id: Set(*worker),
                region_code: Set(community.clone()),
                organisation_score: Set(Some(o)),
                residents_score: Set(Some(r)),
                routine_score: Set(Some(x)),
                combined_tenths: Set(Some(*s as i32)),
                grade: Set(Some(g.as_str().into())),
                note: Set(None),
            });
            if published {
                grades.push(assessment::ActiveModel {
                    province_code: Set(province.clone()),
                    id: Set(v7(rng, ymd(last + 1, 1, 20))),
                    worker_id: Set(*worker),
                    region_code: Set(community.clone()),
                    year: Set(last),
                    grade: Set(g.as_str().into()),
                    recorded_by: Set("demo".into()),
                    recorded_at: Set(Utc::now()),
                });
            }
        }
    }
    for chunk in entries.chunks(2000) {
        assessment_entry::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    for chunk in grades.chunks(2000) {
        assessment::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    let _ = Grade::ALL;
    // Reserve candidates: three per 两委 seat in most communities, fewer in some.
    let seats: std::collections::HashMap<String, i64> = worker::Entity::find()
        .select_only()
        .column(worker::Column::RegionCode)
        .column_as(sea_orm::sea_query::Expr::col(worker::Column::Id).count(), "n")
        .filter(worker::Column::Status.eq("active"))
        .filter(worker::Column::TwoCommittees.eq(true))
        .group_by(worker::Column::RegionCode)
        .into_tuple::<(String, i64)>()
        .all(&txn)
        .await?
        .into_iter()
        .collect();
    let mut reserves = Vec::new();
    for c in communities {
        let s = seats.get(&c.code).copied().unwrap_or(0);
        let n = if rng.random_bool(0.85) {
            s * 3
        } else {
            rng.random_range(0..=s * 2)
        };
        for _ in 0..n {
            let female = rng.random_bool(0.6);
            let surname = SURNAMES.choose(rng).expect("non-empty");
            let pool = if female { FEMALE } else { MALE };
            let given: String = (0..rng.random_range(1..=2))
                .map(|_| *pool.choose(rng).expect("non-empty"))
                .collect();
            reserves.push(reserve::ActiveModel {
                province_code: Set(province.clone()),
                id: Set(v7(rng, ymd(last, 6, 1))),
                region_code: Set(c.code.clone()),
                name: Set(format!("{surname}{given}")),
                gender: Set(if female { "2" } else { "1" }.into()),
                birth_date: Set(ymd(
                    rng.random_range(1985..=2000),
                    rng.random_range(1..=12),
                    rng.random_range(1..=28),
                )),
                education: Set(Some(
                    ["21", "21", "31", "14"].choose(rng).expect("non-empty").to_string(),
                )),
                political_status: Set(["01", "01", "02", "03", "13"]
                    .choose(rng)
                    .expect("non-empty")
                    .to_string()),
                current_post: Set(Some(
                    ["网格员", "专职工作者", "居民小组长", "志愿者骨干"]
                        .choose(rng)
                        .expect("non-empty")
                        .to_string(),
                )),
                note: Set(None),
                added_by: Set("demo".into()),
                added_on: Set(ymd(last, 6, 1)),
                removed_on: Set(None),
            });
        }
    }
    for chunk in reserves.chunks(2000) {
        reserve::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    txn.commit().await?;
    // A year of locked payroll: last year's twelve months, one run per county. Levels change on
    // 1 January, so December's computation serves every month, less those not yet in service
    // (the demo's policy has no performance pool, whose split would depend on the month's members).
    let mut counties: Vec<String> = communities.iter().map(|c| c.county.clone()).collect();
    counties.dedup();
    let total = counties.len() as u64;
    for (i, county) in counties.iter().enumerate() {
        let txn = db.begin_write().await?;
        let (december, _) = crate::payroll::compute_month(&txn, county, ymd(last, 12, 1), None).await?;
        for m in 1..=12 {
            let month = ymd(last, m, 1);
            let month_end =
                month.checked_add_months(chrono::Months::new(1)).expect("valid") - chrono::Duration::days(1);
            let computed: Vec<_> = december
                .iter()
                .filter(|c| c.service_start <= month_end)
                .cloned()
                .collect();
            let at = Utc::now();
            let run = payroll_run::ActiveModel {
                province_code: Set(province.clone()),
                id: Set(v7(rng, month)),
                region_code: Set(county.clone()),
                month: Set(month.format("%Y-%m").to_string()),
                status: Set("locked".into()),
                policy_name: Set(policy_name.into()),
                policy_version: Set(1),
                workers: Set(computed.len() as i32),
                total_fen: Set(computed.iter().map(|c| c.slip.total).sum()),
                skipped: Set(0),
                created_by: Set("demo".into()),
                created_at: Set(at),
                reviewed_by: Set(Some("demo".into())),
                reviewed_at: Set(Some(at)),
                locked_by: Set(Some("demo".into())),
                locked_at: Set(Some(at)),
            }
            .insert(&txn)
            .await?;
            crate::payroll::store_slips(&txn, &run, &computed).await?;
        }
        txn.commit().await?;
        progress(i as u64 + 1, total, "薪酬");
    }
    Ok(())
}
