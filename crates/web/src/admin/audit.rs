//! The audit log page and its export.
use crate::page::Chrome;
use crate::page::PageResult;
use crate::page::chrome;
use crate::page::render;

use crate::auth::Caller;
use crate::clock::local_time;
use crate::clock::today;
use crate::error::AppError;
use crate::state::AppState;
use crate::xlsx::{XCell, table_xlsx};
use askama::Template;
use axum::extract::{Query, State};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use shegong_domain::Permission;
use shegong_store::audit::{self, AuditFilter};
use shegong_store::workers::{self, WorkerFilter};
use std::collections::HashMap;
use uuid::Uuid;

/// One entry of the log as people read it (the page and the export show the same).
pub(crate) struct AuditRow {
    at: String,
    user: String,
    role: String,
    action: String,
    region: String,
    target: String,
    detail: String,
}

impl AuditRow {
    fn of(
        r: shegong_store::entity::audit::Model,
        people: &HashMap<Uuid, String>,
        places: &HashMap<String, String>,
    ) -> Self {
        let target = r.target.unwrap_or_default();
        let target = target.parse::<Uuid>().ok().and_then(|id| people.get(&id).cloned()).unwrap_or(target);
        Self {
            at: local_time(r.at),
            role: audit::role_label(&r.role),
            action: action_label(&r.action).to_string(),
            user: r.username,
            // 名称（代码）: the name to read, the code to tell two 新兴社区 apart.
            region: match places.get(&r.region_code) {
                Some(n) => format!("{n}（{}）", r.region_code),
                None => r.region_code,
            },
            target,
            detail: detail_label(&r.action, r.detail.unwrap_or_default()),
        }
    }

    fn cells(self) -> Vec<XCell> {
        [self.at, self.user, self.role, self.action, self.region, self.target, self.detail]
            .into_iter()
            .map(XCell::T)
            .collect()
    }
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    c: Chrome,
    rows: Vec<AuditRow>,
    total: u64,
    page: u64,
    more: bool,
    q: AuditQuery,
    /// The query string of the filters (for the pager and the export).
    qs: String,
    actions: Vec<(String, String)>,
    error: String,
}

/// The audit log's filters as the page's form sends them.
#[derive(Deserialize, Serialize, Default, Clone)]
#[serde(default)]
pub(crate) struct AuditQuery {
    #[serde(skip_serializing_if = "String::is_empty")]
    user: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    action: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    from: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    to: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    region: String,
    /// A person by name or whole ID number: the entries about them.
    #[serde(skip_serializing_if = "String::is_empty")]
    person: String,
    #[serde(skip_serializing)]
    pub(crate) page: Option<String>,
}

impl AuditQuery {
    /// The store's filter, or the message naming what was not understood.
    pub(crate) async fn filter(&self, st: &AppState, caller: &Caller) -> Result<AuditFilter, String> {
        let date = |label: &str, v: &str| -> Result<Option<NaiveDate>, String> {
            match v.trim() {
                "" => Ok(None),
                // Only dates a log can hold: an extreme year is refused, never computed with.
                v => NaiveDate::parse_from_str(v, "%Y-%m-%d")
                    .ok()
                    .filter(|d| (2000..=2100).contains(&chrono::Datelike::year(d)))
                    .map(Some)
                    .ok_or_else(|| format!("{label}应为2000年至2100年之间的日期，如2026-11-01，“{v}”不是")),
            }
        };
        let mut f = AuditFilter {
            user: Some(self.user.trim().to_string()).filter(|u| !u.is_empty()),
            from: date("起始日期", &self.from)?,
            to: date("截止日期", &self.to)?,
            ..Default::default()
        };
        if let (Some(a), Some(b)) = (f.from, f.to)
            && a > b
        {
            return Err("起始日期不能晚于截止日期".into());
        }
        match self.action.trim() {
            "" => {}
            a if ACTIONS.iter().any(|(k, _)| *k == a) => f.action = Some(a.to_string()),
            a => return Err(format!("没有“{a}”这种操作")),
        }
        if !self.region.trim().is_empty() {
            let code = shegong_store::region_names::resolve(&st.db, &caller.scope, "region", &self.region)
                .await
                .map_err(|e| AppError::from(e).body().message)?;
            caller.scope.narrow(&code).ok_or("该区划不在您的管辖范围内")?;
            f.region = Some(code.to_string());
        }
        let person = self.person.trim();
        if !person.is_empty() {
            let wf = WorkerFilter {
                q: Some(person.to_string()),
                status: Some("all".into()),
                id_prefix_search: false,
                ..Default::default()
            };
            let (found, _) = workers::list(&st.db, &caller.scope, &wf, today(), 1, 500)
                .await
                .map_err(|e| AppError::from(e).body().message)?;
            // The full name or the whole number, as the box asks (the search also finds fragments).
            // A number is matched whole by the search already (`id_prefix_search: false`).
            let is_number = person.len() >= 4 && person.bytes().all(|b| b.is_ascii_digit() || b == b'X' || b == b'x');
            f.targets =
                Some(found.iter().filter(|w| is_number || w.name == person).map(|w| w.id.to_string()).collect());
        }
        Ok(f)
    }
}

/// The entries' regions by name (those the caller may see).
async fn places(
    st: &AppState,
    caller: &Caller,
    rows: &[shegong_store::entity::audit::Model],
) -> Result<HashMap<String, String>, AppError> {
    let mut codes: Vec<String> = rows.iter().map(|r| r.region_code.clone()).collect();
    codes.sort();
    codes.dedup();
    Ok(shegong_store::regions::names_seen(&st.db, &caller.scope, codes).await?)
}

/// Who the entries' objects are: the workers among them, by name and masked ID number.
async fn people(
    st: &AppState,
    caller: &Caller,
    rows: &[shegong_store::entity::audit::Model],
) -> Result<HashMap<Uuid, String>, AppError> {
    let ids: Vec<Uuid> = rows.iter().filter_map(|r| r.target.as_deref()?.parse().ok()).collect();
    let mut found = workers::labels_of(&st.db, &caller.scope, ids.clone()).await?;
    // Months of pay and assessment rounds by what people call them, not by their numbers.
    let rest: Vec<Uuid> = ids.into_iter().filter(|id| !found.contains_key(id)).collect();
    found.extend(shegong_store::payroll::labels_of(&st.db, &caller.scope, rest.clone()).await?);
    found.extend(shegong_store::rounds::labels_of(&st.db, &caller.scope, rest).await?);
    Ok(found)
}

pub(crate) async fn audit_page(State(st): State<AppState>, caller: Caller, Query(q): Query<AuditQuery>) -> PageResult {
    caller.access.require(Permission::ReadAuditLog)?;
    let page = match q.page.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        None => 1,
        Some(p) => p
            .parse::<u64>()
            .ok()
            .filter(|p| (1..=crate::extract::MAX_PAGE).contains(p))
            .ok_or_else(|| AppError::from(shegong_domain::FieldError::new("paging_invalid", "page", "页码无效")))?,
    };
    let (rows, total, error) = match q.filter(&st, &caller).await {
        Ok(f) => {
            let (rows, total) = audit::list(&st.db, &caller.access, &f, page - 1, 50).await?;
            (rows, total, String::new())
        }
        Err(e) => (vec![], 0, e),
    };
    let people = people(&st, &caller, &rows).await?;
    let places = places(&st, &caller, &rows).await?;
    render(AuditPage {
        c: chrome(&st, &caller, "audit").await?,
        rows: rows.into_iter().map(|r| AuditRow::of(r, &people, &places)).collect(),
        total,
        more: page * 50 < total,
        page,
        qs: serde_urlencoded::to_string(&q).unwrap_or_default(),
        actions: ACTIONS.iter().map(|(k, l)| (k.to_string(), l.to_string())).collect(),
        q,
        error,
    })
}

/// Every action the log records, with its name.
pub(crate) const ACTIONS: &[(&str, &str)] = &[
    ("auth.login", "登录"),
    ("auth.token", "生成API令牌"),
    ("worker.create", "新增人员"),
    ("worker.rehire", "重新聘用"),
    ("worker.transfer_in", "档案转入"),
    ("worker.transfer_out", "档案转出"),
    ("worker.update", "修改档案"),
    ("worker.appointment", "任职变动"),
    ("worker.exit", "办理退出"),
    ("worker.export", "导出名单"),
    ("worker.view_id_number", "查看完整身份证号码"),
    ("worker.search_id_number", "按身份证号码查询"),
    ("worker.import", "批量导入"),
    ("worker.education", "新增学历"),
    ("worker.certificate", "新增证书"),
    ("worker.agreement", "签订服务协议"),
    ("worker.assessment", "登记考核等次"),
    ("worker.assessment.amend", "更正考核等次"),
    ("worker.correction.request", "申请更正档案"),
    ("worker.correction.resolve", "处理更正申请"),
    ("worker.correction.reject", "不予更正"),
    ("payroll.bank_export", "导出银行代发工资表"),
    ("payroll.returned", "退回月度薪酬"),
    ("worker.attachment", "上传档案材料"),
    ("worker.attachment.remove", "删除档案材料"),
    ("assessment.round.create", "创建年度考核"),
    ("assessment.round.scores", "录入考核评分"),
    ("assessment.round.score", "评定考核等次"),
    ("assessment.round.grade", "调整拟定等次"),
    ("assessment.round.publish", "发布考核等次"),
    ("assessment.round.reopen", "退回考核评分"),
    ("payroll.compute", "计算月度薪酬"),
    ("payroll.reviewed", "审核月度薪酬"),
    ("payroll.locked", "锁定月度薪酬"),
    ("payroll.adjust", "薪酬调整项"),
    ("payroll.export", "导出工资表"),
    ("policy.upload", "上传政策文件"),
    ("policy.apply", "指定适用政策"),
    ("policy.reference_wage", "录入参照工资"),
    ("training.create", "新建培训"),
    ("training.enrol", "记录参训"),
    ("training.result", "记录培训结果"),
    ("training.remove", "移出培训名单"),
    ("reserve.add", "加入后备名单"),
    ("reserve.remove", "移出后备名单"),
    ("user.create", "新增用户"),
    ("user.disable", "停用用户"),
    ("user.enable", "启用用户"),
    ("user.password_change", "修改密码"),
    ("user.password_reset", "重置用户密码"),
    ("user.password_set", "设置用户密码（命令行）"),
    ("demo.load", "载入演示数据"),
    ("grid.assign", "指派网格职责"),
    ("grid.end", "解除网格职责"),
    ("household.add", "登记住户"),
    ("household.edit", "修改住户"),
    ("household.view", "查看住户完整信息"),
    ("household.import", "导入住户名册"),
    ("wish.post", "登记微心愿"),
    ("wish.step", "办理微心愿"),
    ("deliberation.place", "设立议事场所"),
    ("deliberation.meeting", "登记议事活动"),
    ("deliberation.topic", "登记议题"),
    ("deliberation.item", "跟进事项办结"),
    ("window.roster", "排定窗口值班"),
    ("talk.record", "记录谈心谈话"),
    ("work_item.add", "增加清单事项"),
    ("work_item.end", "移出清单事项"),
    ("work_item.import", "以文件更新清单"),
    ("proof.issue", "出具证明"),
    ("proof.refuse", "拒绝出具清单外证明"),
    ("admission.apply", "申请准入"),
    ("admission.approve", "准予准入"),
    ("admission.refuse", "不予准入"),
    ("demand.record", "登记未经准入的要求"),
    ("seal.use", "登记用印"),
    ("disclosure.publish", "发布居务公开"),
    ("disclosure.answer", "答复居民提问"),
    ("inspection.draw", "“双随机”抽取社区"),
    ("inspection.record", "登记抽查结果"),
    ("inspection.close", "问题整改销号"),
];

/// Details written as codes, in words: where a full ID number was seen, a user's role, a grade.
fn detail_label(action: &str, detail: String) -> String {
    if action == "worker.view_id_number" {
        let place = match detail.as_str() {
            "page" => "档案页",
            "history" => "履历页",
            "edit" => "修改页",
            "api" => "接口",
            "registration-form" => "登记表",
            "registration-form-pdf" => "登记表PDF",
            "list" => "名单",
            "export" => "导出",
            other => other,
        };
        return format!("在{place}查看");
    }
    if action.starts_with("user.")
        && let Some(role) = shegong_domain::Role::parse(&detail)
    {
        return role.label().to_string();
    }
    if action == "demo.load"
        && let Some(seed) = detail.strip_prefix("seed ")
    {
        return format!("随机种子 {seed}");
    }
    // Longest first: "competent" is inside "incompetent" and "basically_competent".
    let mut grades = shegong_domain::career::Grade::ALL.to_vec();
    grades.sort_by_key(|g| std::cmp::Reverse(g.as_str().len()));
    grades.iter().fold(detail, |d, g| d.replace(g.as_str(), g.label()))
}

fn action_label(a: &str) -> &str {
    ACTIONS.iter().find(|(k, _)| *k == a).map_or(a, |(_, l)| l)
}

/// The whole audit log in scope, newest first, read 1,000 rows at a time.
pub(crate) async fn audit_xlsx(State(st): State<AppState>, caller: Caller, Query(q): Query<AuditQuery>) -> PageResult {
    caller.access.require(Permission::ReadAuditLog)?;
    let filter = q
        .filter(&st, &caller)
        .await
        .map_err(|m| AppError::Invalid(vec![shegong_domain::FieldError::new("audit_filter", "filter", m)]))?;
    let filter = &filter;
    let (caller, st) = (&caller, &st);
    let headers = [
        ("时间", 18.0),
        ("用户", 12.0),
        ("角色", 20.0),
        ("操作", 16.0),
        ("区划", 14.0),
        ("对象", 38.0),
        ("说明", 40.0),
    ];
    let (db, access) = (&st.db, &caller.access);
    // Read by keyset (the last entry's time and id), never by OFFSET.
    let cursor = std::sync::Mutex::new(None);
    let cursor = &cursor;
    Ok(table_xlsx(
        "审计日志",
        &headers,
        |_| async move {
            let after = *cursor.lock().unwrap_or_else(|p| p.into_inner());
            let rows = audit::older_than(db, access, filter, after, 1000).await?;
            if let Some(last) = rows.last() {
                *cursor.lock().unwrap_or_else(|p| p.into_inner()) = Some((last.at, last.id));
            }
            let people = people(st, caller, &rows).await?;
            let places = places(st, caller, &rows).await?;
            Ok(rows.into_iter().map(|r| AuditRow::of(r, &people, &places).cells()).collect())
        },
        "audit.xlsx",
        "审计日志.xlsx",
    )
    .await?)
}
