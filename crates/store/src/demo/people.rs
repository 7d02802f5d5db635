//! Names, schools, majors and reasons to draw demo people from, and the random helpers.

use chrono::NaiveDate;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use uuid::Uuid;

pub(super) const SURNAMES: &[&str] = &[
    "陈", "王", "张", "李", "徐", "吴", "周", "沈", "朱", "金", "方", "杨", "黄", "胡", "应", "郑", "林", "叶", "钱",
    "孙", "赵", "何", "蒋", "俞", "章", "潘", "许", "楼", "顾", "陆", "姚", "戴", "邵", "马", "高", "毛", "汪", "郭",
    "冯", "施", "卢", "江", "宋", "丁", "程", "褚", "费", "傅", "倪", "屠", "钟", "范", "虞", "袁", "严", "邱", "蔡",
    "余", "曹", "诸葛",
];
pub(super) const MALE: &[&str] = &[
    "伟", "强", "军", "磊", "洋", "勇", "杰", "涛", "斌", "超", "明", "刚", "平", "辉", "鹏", "华", "飞", "鑫", "波",
    "宇", "浩", "凯", "健", "俊", "帆", "旭", "宁", "龙", "林", "阳", "建", "国", "峰", "志", "文", "东", "海", "亮",
    "晨", "博",
];
pub(super) const FEMALE: &[&str] = &[
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "燕", "玲", "婷", "雪", "慧", "颖", "琳", "倩", "洁", "晶", "萍",
    "红", "梅", "莉", "兰", "琴", "云", "莹", "佳", "欣", "怡", "悦", "雯", "璐", "瑶", "蕾", "丹", "秀", "英", "楠",
    "晓", "露",
];
pub(super) const PLACE: &[&str] = &[
    "东", "西", "南", "北", "新", "文", "和", "平", "康", "华", "兴", "阳", "光", "明", "春", "湖", "山", "桥", "园",
    "城", "河", "江", "锦", "翠", "金", "龙", "凤", "安", "乐", "福", "宁", "泰", "荣", "盛", "祥", "丰", "瑞", "胜",
    "利", "民", "梅", "兰", "竹", "柳", "桃", "枫", "松", "青", "景", "月", "星", "海", "丽", "嘉", "德", "仁", "义",
    "礼", "智", "信",
];
pub(super) const SCHOOLS: &[&str] = &[
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
pub(super) const MAJORS: &[&str] = &[
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
pub(super) const EXIT_REASONS: &[&str] = &[
    "个人辞职",
    "退休",
    "考核不合格（连续两年）",
    "调离社区工作岗位",
    "不履行服务协议，经教育仍不改正",
    "经培训或调整岗位仍不能胜任工作",
];

pub(super) fn v7(rng: &mut ChaCha8Rng, at: NaiveDate) -> Uuid {
    let ms = at.and_hms_opt(9, 0, 0).expect("valid").and_utc().timestamp_millis().max(0) as u64;
    let mut bytes = [0u8; 10];
    rng.fill(&mut bytes);
    uuid::Builder::from_unix_timestamp_millis(ms, &bytes).into_uuid()
}

pub(super) fn date_between(rng: &mut ChaCha8Rng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let days = (to - from).num_days().max(1);
    from + chrono::Duration::days(rng.random_range(0..days))
}

pub(super) fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// 两委 terms: (label, start, end).
pub(super) fn terms() -> [(&'static str, NaiveDate, NaiveDate); 3] {
    [
        ("2016—2021届", ymd(2016, 3, 1), ymd(2021, 2, 28)),
        ("2021—2026届", ymd(2021, 3, 1), ymd(2026, 2, 28)),
        ("2026—2031届", ymd(2026, 3, 1), ymd(2031, 2, 28)),
    ]
}
