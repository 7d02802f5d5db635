//! The audit log page and its export.
use crate::page::Chrome;
use crate::page::PageResult;
use crate::page::chrome;
use crate::page::render;

use crate::auth::Caller;
use crate::clock::local_time;
use crate::state::AppState;
use crate::xlsx::{XCell, table_xlsx};
use askama::Template;
use axum::extract::{Query, State};
use shegong_domain::Permission;
use shegong_store::audit;

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
    fn of(r: shegong_store::entity::audit::Model) -> Self {
        Self {
            at: local_time(r.at),
            role: audit::role_label(&r.role),
            action: action_label(&r.action).to_string(),
            user: r.username,
            region: r.region_code,
            target: r.target.unwrap_or_default(),
            detail: r.detail.unwrap_or_default(),
        }
    }

    fn cells(self) -> Vec<XCell> {
        [
            self.at,
            self.user,
            self.role,
            self.action,
            self.region,
            self.target,
            self.detail,
        ]
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
}

pub(crate) async fn audit_page(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<crate::extract::PageQuery>,
) -> PageResult {
    caller.access.require(Permission::ReadAuditLog)?;
    let (page, _) = q.paging(50, 50)?;
    let (rows, total) = audit::list(&st.db, &caller.access, page - 1, 50).await?;
    render(AuditPage {
        c: chrome(&st, &caller, "audit").await?,
        rows: rows.into_iter().map(AuditRow::of).collect(),
        total,
        more: page * 50 < total,
        page,
    })
}

fn action_label(a: &str) -> &str {
    match a {
        "auth.login" => "登录",
        "auth.token" => "生成API令牌",
        "worker.create" => "新增人员",
        "worker.rehire" => "重新聘用",
        "worker.transfer_in" => "档案转入",
        "worker.transfer_out" => "档案转出",
        "worker.update" => "修改档案",
        "worker.appointment" => "任职变动",
        "worker.exit" => "办理退出",
        "worker.export" => "导出名单",
        "worker.view_id_number" => "查看完整身份证号码",
        "worker.import" => "批量导入",
        "worker.education" => "新增学历",
        "worker.certificate" => "新增证书",
        "worker.agreement" => "签订服务协议",
        "worker.assessment" => "登记考核等次",
        "worker.assessment.amend" => "更正考核等次",
        "worker.correction.request" => "申请更正档案",
        "worker.correction.resolve" => "处理更正申请",
        "assessment.round.create" => "创建年度考核",
        "assessment.round.scores" => "录入考核评分",
        "assessment.round.score" => "评定考核等次",
        "assessment.round.grade" => "调整拟定等次",
        "assessment.round.publish" => "发布考核等次",
        "payroll.compute" => "计算月度薪酬",
        "payroll.reviewed" => "审核月度薪酬",
        "payroll.locked" => "锁定月度薪酬",
        "payroll.adjust" => "薪酬调整项",
        "payroll.export" => "导出工资表",
        "policy.upload" => "上传政策文件",
        "policy.apply" => "指定适用政策",
        "policy.reference_wage" => "录入参照工资",
        "training.create" => "新建培训",
        "training.enrol" => "记录参训",
        "training.result" => "记录培训结果",
        "reserve.add" => "加入后备名单",
        "reserve.remove" => "移出后备名单",
        "user.create" => "新增用户",
        "user.disable" => "停用用户",
        "user.enable" => "启用用户",
        "user.password_change" => "修改密码",
        "user.password_reset" => "重置用户密码",
        "user.password_set" => "设置用户密码（命令行）",
        "demo.load" => "载入演示数据",
        other => other,
    }
}

/// The whole audit log in scope, newest first, read 1,000 rows at a time.
pub(crate) async fn audit_xlsx(State(st): State<AppState>, caller: Caller) -> PageResult {
    caller.access.require(Permission::ReadAuditLog)?;
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
            let rows = audit::older_than(db, access, after, 1000).await?;
            if let Some(last) = rows.last() {
                *cursor.lock().unwrap_or_else(|p| p.into_inner()) = Some((last.at, last.id));
            }
            Ok(rows.into_iter().map(|r| AuditRow::of(r).cells()).collect())
        },
        "audit.xlsx",
        "审计日志.xlsx",
    )
    .await?)
}
