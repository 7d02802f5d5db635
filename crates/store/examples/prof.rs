use chrono::NaiveDate;
use sea_orm::EntityTrait;
use shegong_domain::{IdNumber, RegionCode, Scope};
use shegong_store::entity::region;
use shegong_store::imports;
use std::time::Instant;
fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}
/// A roster of `n` new workers in the province's communities, as an .xlsx file.
fn roster(n: usize, communities: &[String]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet_with_constant_memory().unwrap();
    let heads = [
        "姓名",
        "身份证号",
        "所在社区代码",
        "岗位类别",
        "职务",
        "任职开始日期",
        "学历代码",
        "社工证等级",
        "手机号码",
    ];
    for (i, h) in heads.iter().enumerate() {
        ws.write_string(0, i as u16, *h).unwrap();
    }
    let surnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周"];
    let given = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳"];
    let edus = ["21", "31", "61", "11"];
    let certs = ["", "初级", "中级"];
    for i in 0..n {
        let r = i as u32 + 1;
        let c = &communities[i % communities.len()];
        let birth = d(1965 + (i % 35) as i32, 1 + (i % 12) as u32, 1 + (i % 28) as u32);
        let id = IdNumber::compose("110101", birth, (i / 420) as u16).to_string();
        let cells = [
            format!("{}{}{}", surnames[i % 10], given[i / 10 % 10], given[i / 100 % 10]),
            id,
            c.clone(),
            "其他工作人员".into(),
            "专职工作者".into(),
            // Service starts at 18 at the earliest (the archive refuses a start before 16).
            format!("{}-03-01", (2010 + i % 15).max(1965 + i % 35 + 18)),
            edus[i % 4].into(),
            certs[i % 3].into(),
            format!("139{:08}", i),
        ];
        for (k, v) in cells.iter().enumerate() {
            ws.write_string(r, k as u16, v).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    std::fs::copy("/tmp/pimp/base.db", "/tmp/pimp/shegong.db").unwrap();
    let _ = std::fs::remove_file("/tmp/pimp/shegong.db-wal");
    let db = shegong_store::Db::connect("sqlite:///tmp/pimp/shegong.db")
        .await
        .unwrap();
    let communities: Vec<String> = region::Entity::find()
        .all(&db.conn)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.level == "community")
        .map(|r| r.code)
        .collect();
    let n: usize = std::env::var("N").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let bytes = roster(n, &communities);
    let scope = Scope::Region(RegionCode::parse("33").unwrap());
    let today = d(2026, 11, 1);
    let t = Instant::now();
    let table = imports::read_table("roster.xlsx", &bytes).unwrap();
    println!("read {:?}", t.elapsed());
    let t = Instant::now();
    let c = imports::check(&db.conn, &scope, &table, today).await.unwrap();
    println!("check {:?} ({} valid)", t.elapsed(), c.valid.len());
    let t = Instant::now();
    let (_, _checked, done) = imports::commit_upload(
        &db,
        &shegong_store::Access::system(scope.region().clone()),
        "roster.xlsx",
        bytes.clone(),
        &table,
        today,
        &|a, b| {
            if a % 10000 == 0 || a == b {
                println!("  progress {a}/{b} at {:?}", t.elapsed());
            }
        },
    )
    .await
    .unwrap();
    println!("commit_upload {:?} created {}", t.elapsed(), done.unwrap().created);
}
