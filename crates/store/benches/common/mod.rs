//! What the store's benchmarks share: a roster of new workers as offices send it.
#![allow(dead_code)] // each benchmark uses a part of it

/// The allocator the binary ships with (see `src/main.rs`), so that the figures are its figures.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use chrono::NaiveDate;
use shegong_domain::IdNumber;

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// A roster of `n` new workers in the province's communities, as an .xlsx file.
pub fn roster(n: usize, communities: &[String]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet_with_constant_memory().unwrap();
    let heads =
        ["姓名", "身份证号", "所在社区代码", "岗位类别", "职务", "任职开始日期", "学历代码", "社工证等级", "手机号码"];
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
