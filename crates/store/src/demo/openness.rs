//! The demo county's openness: the 43 irregular proofs 六盘水 cleared (taken off the list at the
//! start of last year, marked （示例）), a year of seal uses and of 党务、居务、财务 published in every
//! community (most on time, some late, a few periods missing, one correction), residents' questions
//! (most answered and shown), and two 双随机 rounds drawn with the product's own draw (so the pages
//! show them reproduced), the older inspected and mostly put right, the newer half inspected.

use crate::Db;
use crate::bulk;
use crate::entity::region;
use crate::error::Result;
use chrono::{Datelike, Duration, NaiveDate, Utc};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Value};
use shegong_domain::openness::{OpennessPolicy, Period, assign, draw, periods_since};
use shegong_domain::work_items::ListKind;
use uuid::Uuid;

const PURPOSES: [(&str, &str); 6] = [
    ("出具居住证明", "居住证明"),
    ("社区活动经费报销", "活动经费报销单"),
    ("低保申请审核意见", "低保申请表"),
    ("社区工作者考勤汇总报送", "考勤汇总表"),
    ("与物业签订共建协议", "共建协议"),
    ("上报居民议事结果", "议事会议纪要"),
];
const INSPECTORS: [&str; 8] = ["陈建国", "李晓梅", "王志强", "张丽华", "刘海涛", "杨秀英", "周国平", "吴婷"];
const FINDINGS: [(&str, &str); 6] = [
    ("挂牌规范", "社区办公场所外仍挂有已清理的机构牌子2块"),
    ("制度上墙", "上墙制度超出规定范围，未及时撤除"),
    ("三务公开", "财务公开未列明支出明细"),
    ("协商民主", "议事会议记录不完整，缺少表决结果"),
    ("两约修订", "居民公约未按期修订"),
    ("印章管理", "用印登记缺少审批人签字"),
];

const DISCLOSURE_COLUMNS: [&str; 11] = [
    "province_code",
    "id",
    "community_code",
    "category",
    "period",
    "title",
    "body",
    "corrects_id",
    "published_on",
    "published_by",
    "created_at",
];
const QUESTION_COLUMNS: [&str; 10] = [
    "province_code",
    "id",
    "community_code",
    "disclosure_id",
    "question",
    "asked_at",
    "answer",
    "answered_by",
    "answered_at",
    "shown",
];

fn body(category: &str, period: &str, name: &str, rng: &mut ChaCha8Rng) -> (String, String) {
    match category {
        "party" => (
            format!("{name}{period}党务公开"),
            format!(
                "一、党员发展：本期确定入党积极分子{}名。\n二、党费收缴：应缴{}人，实缴{}人。\n三、主题党日：开展“组织生活进小区”活动{}次。",
                rng.random_range(0..3),
                60 + rng.random_range(0..40),
                58 + rng.random_range(0..2),
                rng.random_range(1..4)
            ),
        ),
        "finance" => (
            format!("{name}{period}财务收支公开"),
            format!(
                "本期收入：上级拨付社区工作经费{}元、为民服务专项经费{}元。\n本期支出：办公费{}元、活动费{}元、环境整治费{}元。\n结余{}元。明细可到社区查阅。",
                20000 + rng.random_range(0..5000),
                10000 + rng.random_range(0..3000),
                1500 + rng.random_range(0..800),
                3000 + rng.random_range(0..2000),
                2000 + rng.random_range(0..4000),
                rng.random_range(1000..9000)
            ),
        ),
        _ => (
            format!("{name}{period}居务公开"),
            format!(
                "一、居民议事：召开议事会{}次，议定事项{}项。\n二、民生服务：办理低保、救助等事项{}件，出具证明{}份。\n三、微心愿：认领并实现{}个。",
                rng.random_range(1..4),
                rng.random_range(1..6),
                rng.random_range(3..15),
                rng.random_range(5..20),
                rng.random_range(1..8)
            ),
        ),
    }
}

/// Loads the openness of `county`'s communities.
pub(super) async fn load(db: &Db, county: &str, today: NaiveDate, seed: u64) -> Result<usize> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x0be2_0a55);
    let province = county[..2].to_string();
    let p = || Value::from(province.clone());
    let communities: Vec<(String, String)> = region::Entity::find()
        .select_only()
        .column(region::Column::Code)
        .column(region::Column::Name)
        .filter(region::Column::Code.starts_with(county))
        .filter(region::Column::Level.eq("community"))
        .order_by_asc(region::Column::Code)
        .into_tuple()
        .all(&db.conn)
        .await?;
    let now = Utc::now();
    let since = NaiveDate::from_ymd_opt(today.year() - 1, 1, 1).unwrap_or(today);
    // The 43 irregular proofs cleared (六盘水).
    let cleared: Vec<Vec<Value>> = (1..=43)
        .map(|k| {
            vec![
                p(),
                Uuid::now_v7().into(),
                county.to_string().into(),
                ListKind::Proof.as_str().to_string().into(),
                Value::from(100 + k),
                format!("（示例）已清理的不规范证明事项{k}").into(),
                Option::<String>::None.into(),
                Option::<String>::None.into(),
                Option::<String>::None.into(),
                Option::<String>::None.into(),
                Option::<String>::None.into(),
                Value::from(true),
                (since - Duration::days(365)).into(),
                Some(since).into(),
                "haining".to_string().into(),
                now.into(),
            ]
        })
        .collect();
    let (mut seals, mut items, mut questions) = (Vec::new(), Vec::new(), Vec::new());
    let policy = OpennessPolicy::default();
    let year_ago = today - Duration::days(365);
    for (code, name) in &communities {
        let mut day = year_ago;
        loop {
            day += Duration::days(rng.random_range(3..10));
            if day > today {
                break;
            }
            let (purpose, document) = PURPOSES.choose(&mut rng).copied().unwrap_or(PURPOSES[0]);
            seals.push(vec![
                p(),
                Uuid::now_v7().into(),
                code.clone().into(),
                day.into(),
                purpose.to_string().into(),
                document.to_string().into(),
                "社区书记".to_string().into(),
                "社区工作者".to_string().into(),
                now.into(),
            ]);
        }
        let mut last = None;
        for rule in &policy.disclosure {
            for period in periods_since(rule.cadence, year_ago, today) {
                let roll = rng.random_range(0..100);
                if roll < 4 {
                    continue; // missing
                }
                let deadline = period.deadline(rule.deadline_days);
                let on = if roll < 12 {
                    deadline + Duration::days(rng.random_range(1..15))
                } else {
                    period.last_day() + Duration::days(rng.random_range(1..=i64::from(rule.deadline_days)))
                };
                if on > today {
                    continue;
                }
                let id = Uuid::now_v7();
                let (title, text) = body(rule.category.as_str(), &Period::label(period), name, &mut rng);
                items.push(vec![
                    p(),
                    id.into(),
                    code.clone().into(),
                    rule.category.as_str().to_string().into(),
                    period.key().into(),
                    title.into(),
                    text.into(),
                    Option::<Uuid>::None.into(),
                    on.into(),
                    "社区书记".to_string().into(),
                    now.into(),
                ]);
                last = Some((id, on, rule.category.as_str()));
            }
        }
        if let Some((old, on, category)) = last.filter(|_| rng.random_bool(0.2)) {
            items.push(vec![
                p(),
                Uuid::now_v7().into(),
                code.clone().into(),
                category.to_string().into(),
                "event".to_string().into(),
                "更正：上期公开数字有误".to_string().into(),
                "上期公开的活动费支出应为3260元，特此更正。".to_string().into(),
                Some(old).into(),
                (on + Duration::days(2)).min(today).into(),
                "社区书记".to_string().into(),
                now.into(),
            ]);
        }
        for k in 0..rng.random_range(0..4) {
            let asked = now - Duration::days(rng.random_range(1..200));
            let answered = k % 3 != 2;
            questions.push(vec![
                p(),
                Uuid::now_v7().into(),
                code.clone().into(),
                Option::<Uuid>::None.into(),
                "小区公共收益是怎么使用的？能否公开明细？".to_string().into(),
                asked.into(),
                answered
                    .then(|| "公共收益已纳入财务公开，明细可在工作日到社区查阅，下期起在公开栏列出。".to_string())
                    .into(),
                answered.then(|| "社区书记".to_string()).into(),
                answered.then(|| asked + Duration::days(2)).into(),
                Value::from(answered),
            ]);
        }
    }
    let codes: Vec<String> = communities.iter().map(|(c, _)| c.clone()).collect();
    let pool: Vec<String> = INSPECTORS.iter().map(|s| s.to_string()).collect();
    let checklist = policy.checklist.join("\n");
    let (mut rounds, mut targets, mut findings) = (Vec::new(), Vec::new(), Vec::new());
    for (k, ago) in [(0usize, 240i64), (1, 30)] {
        let drawn_on = today - Duration::days(ago);
        let seed = format!("{}{:02}{:02}", drawn_on.year(), drawn_on.month(), drawn_on.day());
        let want = codes.len().min(8);
        let drawn = draw(&codes, want, &seed);
        let crews = assign(&pool, &drawn, 2, &seed);
        let round = Uuid::now_v7();
        rounds.push(vec![
            p(),
            round.into(),
            county.to_string().into(),
            format!("{}年“双随机”抽查（第{}轮）", drawn_on.year(), k + 1).into(),
            drawn_on.into(),
            seed.into(),
            Value::from(want as i32),
            codes.join("\n").into(),
            pool.join("\n").into(),
            Value::from(2),
            checklist.clone().into(),
            "海宁市民政局".to_string().into(),
            now.into(),
        ]);
        for (j, (c, crew)) in drawn.iter().zip(&crews).enumerate() {
            let target = Uuid::now_v7();
            let inspected = (k == 0 || j % 2 == 0).then(|| drawn_on + Duration::days(7 + j as i64));
            targets.push(vec![
                p(),
                target.into(),
                round.into(),
                c.clone().into(),
                Value::from(j as i32 + 1),
                crew.join("、").into(),
                inspected.into(),
                inspected.map(|_| "对照检查清单逐项检查，查阅台账、实地查看".to_string()).into(),
                inspected.map(|_| "海宁市民政局".to_string()).into(),
            ]);
            let Some(on) = inspected else { continue };
            for _ in 0..rng.random_range(0..3) {
                let (item, what) = FINDINGS.choose(&mut rng).copied().unwrap_or(FINDINGS[0]);
                let due = on + Duration::days(30);
                let closed = (k == 0 && rng.random_bool(0.85)).then(|| due - Duration::days(rng.random_range(1..20)));
                findings.push(vec![
                    p(),
                    Uuid::now_v7().into(),
                    round.into(),
                    target.into(),
                    c.clone().into(),
                    item.to_string().into(),
                    what.to_string().into(),
                    due.into(),
                    closed.into(),
                    closed.map(|_| "已整改到位，现场复核通过".to_string()).into(),
                    "海宁市民政局".to_string().into(),
                    closed.map(|_| "海宁市民政局".to_string()).into(),
                ]);
            }
        }
    }
    let n = items.len();
    let txn = db.begin_write().await?;
    bulk::insert(&*txn, "work_items", &super::work_items::ITEM_COLUMNS, cleared).await?;
    let seal_columns = [
        "province_code",
        "id",
        "community_code",
        "used_on",
        "purpose",
        "document",
        "approver",
        "recorded_by",
        "created_at",
    ];
    bulk::insert(&*txn, "seal_uses", &seal_columns, seals).await?;
    bulk::insert(&*txn, "disclosures", &DISCLOSURE_COLUMNS, items).await?;
    bulk::insert(&*txn, "disclosure_questions", &QUESTION_COLUMNS, questions).await?;
    let round_columns = [
        "province_code",
        "id",
        "region_code",
        "title",
        "drawn_on",
        "seed",
        "wanted",
        "candidates",
        "inspectors",
        "per_target",
        "checklist",
        "drawn_by",
        "created_at",
    ];
    bulk::insert(&*txn, "inspection_rounds", &round_columns, rounds).await?;
    let target_columns = [
        "province_code",
        "id",
        "round_id",
        "community_code",
        "ord",
        "inspectors",
        "inspected_on",
        "note",
        "recorded_by",
    ];
    bulk::insert(&*txn, "inspection_targets", &target_columns, targets).await?;
    let finding_columns = [
        "province_code",
        "id",
        "round_id",
        "target_id",
        "community_code",
        "item",
        "finding",
        "due_on",
        "closed_on",
        "closing",
        "recorded_by",
        "closed_by",
    ];
    bulk::insert(&*txn, "inspection_findings", &finding_columns, findings).await?;
    txn.commit().await?;
    Ok(n)
}

/// `years` years of 党务、居务、财务 for one community (each period published, two items as they
/// happen each month, a question answered and shown each month), for the benchmark of its public page.
pub async fn disclosure_years(db: &Db, community: &str, name: &str, years: i32, today: NaiveDate) -> Result<usize> {
    let mut rng = ChaCha8Rng::seed_from_u64(u64::from(today.ordinal()));
    let province = community[..2].to_string();
    let since = today - Duration::days(i64::from(years) * 365);
    let (mut items, mut questions) = (Vec::new(), Vec::new());
    let now = Utc::now();
    let mut push = |category: &str, period: String, label: &str, on: NaiveDate, rng: &mut ChaCha8Rng| {
        let (title, text) = body(category, label, name, rng);
        items.push(vec![
            Value::from(province.clone()),
            Uuid::now_v7().into(),
            community.to_string().into(),
            category.to_string().into(),
            period.into(),
            title.into(),
            text.into(),
            Option::<Uuid>::None.into(),
            on.into(),
            "社区书记".to_string().into(),
            now.into(),
        ]);
    };
    for rule in &OpennessPolicy::default().disclosure {
        for period in periods_since(rule.cadence, since, today) {
            let on = period.last_day() + Duration::days(rng.random_range(1..=i64::from(rule.deadline_days)));
            push(rule.category.as_str(), period.key(), &period.label(), on.min(today), &mut rng);
            if rule.cadence == shegong_domain::openness::Cadence::Monthly && rule.category.as_str() == "affairs" {
                for k in 0..2 {
                    let day = period.first_day() + Duration::days(5 + 10 * k);
                    push("affairs", "event".into(), &period.label(), day.min(today), &mut rng);
                }
                let asked =
                    shegong_domain::time::from_china(period.first_day().and_hms_opt(10, 0, 0).unwrap_or_default());
                questions.push(vec![
                    Value::from(province.clone()),
                    Uuid::now_v7().into(),
                    community.to_string().into(),
                    Option::<Uuid>::None.into(),
                    format!("{}的公共收益怎么使用？", period.label()).into(),
                    asked.into(),
                    Some("已列入财务公开，明细可到社区查阅。".to_string()).into(),
                    Some("社区书记".to_string()).into(),
                    Some(asked + Duration::days(2)).into(),
                    Value::from(true),
                ]);
            }
        }
    }
    let n = items.len();
    let txn = db.begin_write().await?;
    bulk::insert(&*txn, "disclosures", &DISCLOSURE_COLUMNS, items).await?;
    bulk::insert(&*txn, "disclosure_questions", &QUESTION_COLUMNS, questions).await?;
    txn.commit().await?;
    Ok(n)
}
