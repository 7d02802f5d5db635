//! The demo county's 减负清单 — the seeds' counts (忻州: 87 street duties, 23 committee duties, 39
//! assistance items, 11 proofs; 海宁: 36 micro powers), a few named, the rest marked （示例）, in force
//! since the start of last year — and a year of proofs issued from the list in every community, with
//! the demands refused as not on it.

use super::people::{FEMALE, MALE, SURNAMES};
use crate::Db;
use crate::bulk;
use crate::entity::region;
use crate::error::Result;
use chrono::{Datelike, Duration, NaiveDate, Utc};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Value};
use shegong_domain::work_items::{ListKind, proof_number};
use uuid::Uuid;

const NAMED: [(ListKind, &[&str]); 5] = [
    (
        ListKind::StreetDuty,
        &[
            "贯彻落实党的路线方针政策",
            "组织实施辖区社会治安综合治理",
            "统筹辖区公共服务设施布局",
            "指导社区居民委员会建设",
        ],
    ),
    (
        ListKind::CommitteeDuty,
        &[
            "宣传宪法、法律、法规和国家的政策",
            "办理本居住地区居民的公共事务和公益事业",
            "调解民间纠纷",
            "协助维护社会治安",
        ],
    ),
    (
        ListKind::Assistance,
        &[
            "协助开展人口普查等统计调查",
            "协助做好社会救助对象排查",
            "协助开展退役军人服务保障",
            "协助开展疫苗接种宣传动员",
        ],
    ),
    (
        ListKind::Proof,
        &[
            "居住情况证明",
            "亲属关系证明（无法通过户籍证件证明的）",
            "家庭经济困难证明（申请救助用）",
            "未再婚证明（抚恤用）",
        ],
    ),
    (ListKind::MicroPower, &["印章管理", "村（居）务公开", "公益创投项目审批", "集体资产处置"]),
];

const COUNTS: [(ListKind, usize); 5] = [
    (ListKind::StreetDuty, 87),
    (ListKind::CommitteeDuty, 23),
    (ListKind::Assistance, 39),
    (ListKind::Proof, 11),
    (ListKind::MicroPower, 36),
];

const ASKED: [&str; 5] = ["无犯罪记录证明", "房屋产权证明", "婚姻状况证明", "收入证明", "出生证明"];

const TASKS: [&str; 6] = [
    "协助开展燃气安全入户排查",
    "协助开展适龄青年兵役登记",
    "协助开展全国经济普查入户",
    "协助开展城乡居民医保参保动员",
    "协助开展文明城市创建测评",
    "协助开展农村危房排查",
];

const DEMANDS: [(&str, &str, &str); 6] = [
    ("县文明办", "ledger", "每月报送文明创建工作台账"),
    ("县应急管理局", "report", "每周报送安全隐患排查报表"),
    ("县卫生健康局", "meeting", "参加健康促进工作推进会"),
    ("县市场监管局", "pledge", "签订食品安全责任状"),
    ("县住建局", "task", "组织物业小区消防演练"),
    ("县人力社保局", "report", "报送辖区就业困难人员名单"),
];

type Rows = Vec<Vec<Value>>;

fn items(province: &str, county: &str, since: NaiveDate) -> (Rows, Vec<(Uuid, String)>) {
    let now = Utc::now();
    let (mut rows, mut proofs) = (Vec::new(), Vec::new());
    for (list, count) in COUNTS {
        let named = NAMED.iter().find(|(k, _)| *k == list).map_or(&[][..], |(_, v)| *v);
        for k in 0..count {
            let title = match named.get(k) {
                Some(t) => format!("{t}（示例）"),
                None => format!("{}第{}项（示例）", list.label().trim_end_matches("清单"), k + 1),
            };
            let id = Uuid::now_v7();
            if list == ListKind::Proof {
                proofs.push((id, title.clone()));
            }
            rows.push(vec![
                Value::from(province.to_string()),
                id.into(),
                county.to_string().into(),
                list.as_str().to_string().into(),
                Value::from(k as i32 + 1),
                title.into(),
                Some("《中华人民共和国城市居民委员会组织法》等（示例）".to_string()).into(),
                (list == ListKind::Assistance || list == ListKind::StreetDuty)
                    .then(|| "县级有关部门".to_string())
                    .into(),
                (list == ListKind::Assistance).then(|| "由提出部门按“费随事转”保障".to_string()).into(),
                (list == ListKind::Proof).then(|| "申请人身份证件及相关材料".to_string()).into(),
                (list == ListKind::MicroPower).then(|| "提出—审核—公示—实施—归档".to_string()).into(),
                Value::from(true),
                since.into(),
                Option::<NaiveDate>::None.into(),
                "system".to_string().into(),
                now.into(),
            ]);
        }
    }
    (rows, proofs)
}

/// The columns of `work_items`, in the order the demo's rows give them.
pub(super) const ITEM_COLUMNS: [&str; 16] = [
    "province_code",
    "id",
    "region_code",
    "list",
    "seq",
    "title",
    "basis",
    "department",
    "funding",
    "documents",
    "procedure",
    "example",
    "from_on",
    "to_on",
    "created_by",
    "created_at",
];

/// Loads the lists of `county` and a year of its communities' proofs.
pub(super) async fn load(db: &Db, county: &str, today: NaiveDate, seed: u64) -> Result<usize> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x009e_00f5);
    let province = &county[..2];
    let since = NaiveDate::from_ymd_opt(today.year() - 1, 1, 1).unwrap_or(today);
    let (lists, listed) = items(province, county, since);
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
    let (mut proofs, mut refusals) = (Vec::new(), Vec::new());
    for (code, name) in &communities {
        let mut day = today - Duration::days(365);
        let mut seq_of_year: std::collections::HashMap<i32, u32> = std::collections::HashMap::new();
        while day <= today {
            day += Duration::days(rng.random_range(3..12));
            if day > today {
                break;
            }
            let (item, title) = listed.choose(&mut rng).cloned().unwrap_or_default();
            let seq = seq_of_year.entry(day.year()).or_insert(0);
            *seq += 1;
            let given = (if rng.random_bool(0.5) { FEMALE } else { MALE }).choose(&mut rng).copied().unwrap_or("明");
            let applicant = format!("{}{given}", SURNAMES.choose(&mut rng).copied().unwrap_or("王"));
            proofs.push(vec![
                Value::from(province.to_string()),
                Uuid::now_v7().into(),
                code.clone().into(),
                proof_number(name, day.year(), *seq).into(),
                Value::from(day.year()),
                Value::from(*seq as i32),
                item.into(),
                title.into(),
                applicant.into(),
                Some("办理相关业务".to_string()).into(),
                day.into(),
                "社区书记".to_string().into(),
                now.into(),
            ]);
            if rng.random_bool(0.12) {
                refusals.push(vec![
                    Value::from(province.to_string()),
                    Uuid::now_v7().into(),
                    code.clone().into(),
                    ASKED.choose(&mut rng).copied().unwrap_or("收入证明").to_string().into(),
                    day.into(),
                    "community".to_string().into(),
                    now.into(),
                ]);
            }
        }
    }
    // A year of applications for 准入 by the county's departments (most admitted: they join the
    // 协助 list), and the demands communities received that were never admitted.
    let departments: Vec<(Uuid, String)> = crate::entity::department::Entity::find()
        .select_only()
        .column(crate::entity::department::Column::Id)
        .column(crate::entity::department::Column::Name)
        .filter(crate::entity::department::Column::ProvinceCode.eq(province))
        .filter(crate::entity::department::Column::CountyCode.eq(county))
        .into_tuple()
        .all(&db.conn)
        .await?;
    let (mut admissions, mut admitted, mut demands) = (Vec::new(), Vec::new(), Vec::new());
    for (k, (dept, dept_name)) in departments.iter().enumerate() {
        for j in 0..2 {
            let task = TASKS[(k * 2 + j) % TASKS.len()];
            let applied = today - Duration::days(rng.random_range(20..330));
            let from = applied + Duration::days(14);
            let state = match rng.random_range(0..10) {
                0..=5 => "approved",
                6..=7 => "refused",
                _ => "pending",
            };
            let item = (state == "approved").then(Uuid::now_v7);
            if let Some(id) = item {
                admitted.push((id, task.to_string(), dept_name.clone(), from));
            }
            admissions.push(vec![
                Value::from(province.to_string()),
                Uuid::now_v7().into(),
                county.to_string().into(),
                (*dept).into(),
                dept_name.clone().into(),
                task.to_string().into(),
                Some("《中华人民共和国城市居民委员会组织法》第三条".to_string()).into(),
                "全部".to_string().into(),
                from.into(),
                Some(from + Duration::days(180)).into(),
                Some("部门派驻联络员1名".to_string()).into(),
                Some("按社区户数拨付工作经费".to_string()).into(),
                state.to_string().into(),
                (state == "refused").then(|| "属部门法定职责，不得要求社区承担".to_string()).into(),
                item.into(),
                "zhujian".to_string().into(),
                shegong_domain::time::from_china(applied.and_hms_opt(9, 0, 0).unwrap_or_default()).into(),
                (state != "pending").then(|| "haining".to_string()).into(),
                (state != "pending")
                    .then(|| {
                        shegong_domain::time::from_china(
                            (applied + Duration::days(5)).and_hms_opt(10, 0, 0).unwrap_or_default(),
                        )
                    })
                    .into(),
            ]);
        }
    }
    for (code, _) in &communities {
        for _ in 0..rng.random_range(0..5) {
            let (who, kind, what) = DEMANDS.choose(&mut rng).copied().unwrap_or(DEMANDS[0]);
            demands.push(vec![
                Value::from(province.to_string()),
                Uuid::now_v7().into(),
                code.clone().into(),
                who.to_string().into(),
                what.to_string().into(),
                kind.to_string().into(),
                (today - Duration::days(rng.random_range(0..365))).into(),
                "community".to_string().into(),
                now.into(),
            ]);
        }
    }
    let mut lists = lists;
    let mut seq = COUNTS.iter().find(|(k, _)| *k == ListKind::Assistance).map_or(0, |(_, n)| *n) as i32;
    for (id, task, dept, from) in admitted {
        seq += 1;
        lists.push(vec![
            Value::from(province.to_string()),
            id.into(),
            county.to_string().into(),
            ListKind::Assistance.as_str().to_string().into(),
            Value::from(seq),
            task.into(),
            Some("《中华人民共和国城市居民委员会组织法》第三条".to_string()).into(),
            Some(dept).into(),
            Some("按社区户数拨付工作经费".to_string()).into(),
            Option::<String>::None.into(),
            Option::<String>::None.into(),
            Value::from(false),
            from.into(),
            Some(from + Duration::days(180)).into(),
            "haining".to_string().into(),
            now.into(),
        ]);
    }
    let n = proofs.len();
    let txn = db.begin_write().await?;
    bulk::insert(&*txn, "work_items", &ITEM_COLUMNS, lists).await?;
    let proof_columns = [
        "province_code",
        "id",
        "community_code",
        "number",
        "year",
        "seq",
        "item_id",
        "item_title",
        "applicant",
        "purpose",
        "issued_on",
        "issued_by",
        "created_at",
    ];
    bulk::insert(&*txn, "proofs", &proof_columns, proofs).await?;
    let refusal_columns = ["province_code", "id", "community_code", "asked", "on_date", "refused_by", "created_at"];
    bulk::insert(&*txn, "proof_refusals", &refusal_columns, refusals).await?;
    let admission_columns = [
        "province_code",
        "id",
        "county_code",
        "department_id",
        "department_name",
        "title",
        "basis",
        "communities",
        "from_on",
        "to_on",
        "staff",
        "funding",
        "state",
        "reason",
        "item_id",
        "applied_by",
        "applied_at",
        "decided_by",
        "decided_at",
    ];
    bulk::insert(&*txn, "admissions", &admission_columns, admissions).await?;
    let demand_columns = [
        "province_code",
        "id",
        "community_code",
        "department_name",
        "what",
        "kind",
        "asked_on",
        "recorded_by",
        "recorded_at",
    ];
    bulk::insert(&*txn, "demands", &demand_columns, demands).await?;
    txn.commit().await?;
    Ok(n)
}
