//! One payroll month as an office runs it: the pay sheet, who computed, reviewed and locked it (by
//! different people when the policy says so), the subtotals per community, the adjustment lines, and
//! the bank's 代发工资 sheet once locked.
use crate::auth::Ctx;
use crate::page::PageResult;
use crate::sections::{
    FormSpec, Kpi, Msg, Section, SectionsPage, headers, input, link, money, n, not_for_workers, row, t,
};
use axum::extract::{Path, Query};
use shegong_domain::pay::{Component, yuan};
use shegong_domain::status::{RunStatus, Status};
use shegong_domain::{FieldError, Permission};
use shegong_store::payroll::{self, fen_of};
use shegong_store::{policies, regions};
use uuid::Uuid;

/// Sending a month back to be recomputed, with the reason: a reviewed one loses its review, a
/// computed one is refused at review.
fn return_form(id: Uuid, reviewed: bool) -> FormSpec {
    FormSpec {
        action: format!("/payroll/{id}/return"),
        fields: vec![input("退回原因", "reason", "text", "", 20)],
        button: "退回重算".into(),
        plain: true,
        confirm: if reviewed {
            "退回后审核作废，需重新计算和审核。确定退回？"
        } else {
            "退回后由制表人改正并重新计算，再送审核。确定退回？"
        }
        .into(),
        ..Default::default()
    }
}

pub(crate) async fn run_page(Ctx { st, caller }: Ctx, Path(id): Path<Uuid>, Query(m): Query<Msg>) -> PageResult {
    not_for_workers(&caller)?;
    let (run, tot) = payroll::get(&st.db, &caller.scope, id).await?;
    let page = m.page.unwrap_or(1);
    if !(1..=crate::extract::MAX_PAGE).contains(&page) {
        return Err(FieldError::new(
            "paging_invalid",
            "page",
            format!("应为1至{}之间的整数", crate::extract::MAX_PAGE),
        )
        .into());
    }
    let (slips, total) = payroll::slips(&st.db, &caller.scope, id, page, 100).await?;
    let names = regions::community_names_in(&st.db, &caller.scope, caller.scope.region().as_str()).await?;
    let mut p = SectionsPage::new(&st, &caller, "payroll", &format!("{} 月度薪酬", run.month), &m).await?;
    let labels = policies::labels(&st.db).await?;
    p.subtitle = format!(
        "{}，{}，{}",
        regions::names_seen(&st.db, &caller.scope, vec![run.region_code.clone()])
            .await?
            .remove(&run.region_code)
            .map_or(run.region_code.clone(), |n| format!("{n}（{}）", run.region_code)),
        payroll::status_label(&run.status),
        policies::label_of(&labels, &run.policy_name, run.policy_version)
    );
    p.crumbs = vec![("/payroll".into(), "月度薪酬".into())];
    p.links = vec![(format!("/api/v1/payroll/runs/{id}/payslips.xlsx"), "导出工资表（Excel）".into())];
    let status = RunStatus::parse(&run.status);
    let payroll_staff = caller.role.may(Permission::RunPayroll);
    if status == Some(RunStatus::Locked) && payroll_staff {
        p.links.push((format!("/payroll/{id}/bank.xlsx"), "银行代发工资表（Excel）".into()));
    }
    // The bank pays only people with a card on record: said before the month is locked and sent.
    let no_card = payroll::without_card(&st.db, &caller.scope, id).await?;
    p.kpis = Kpi::list(vec![
        (
            "人数".into(),
            run.workers.to_string(),
            match (run.skipped, no_card) {
                (0, 0) => "全部计算，均已登记工资卡".into(),
                (0, c) => format!("全部计算；{c} 人未登记工资卡"),
                (s, 0) => format!("{s} 人未能计算"),
                (s, c) => format!("{s} 人未能计算；{c} 人未登记工资卡"),
            },
        ),
        (
            "应发合计（元）".into(),
            money(tot.total),
            format!("调整项 {} 元，实发合计 {} 元", money(tot.adjustments), money(tot.total + tot.adjustments)),
        ),
        (
            "级别薪酬（元）".into(),
            money(tot.of(Component::Base)),
            format!("岗位薪酬及津贴 {} 元", money(tot.of(Component::PostPay) + tot.of(Component::Allowance))),
        ),
        (
            "低于保障线".into(),
            format!("{} 人", tot.floor_shortfall_workers),
            format!(
                "学历、资格津贴 {} 元；绩效 {} 元",
                money(tot.of(Component::Education) + tot.of(Component::Certificate)),
                money(tot.of(Component::Performance))
            ),
        ),
    ]);
    let (_, policy) = policies::get(&st.db.conn, &run.policy_name, Some(run.policy_version)).await?;
    let me = &caller.user.username;
    // The step the policy keeps for another person, when this caller did the one before it.
    let someone_else = |did: Option<&String>| policy.pay.separate_duties && did == Some(me);
    let mut actions = Section::default();
    if payroll_staff {
        match status {
            Some(RunStatus::Computed) if someone_else(Some(&run.created_by)) => {
                actions.text = "本月薪酬由您计算，按政策须由另一人审核（制表与审核分开）。".into();
            }
            Some(RunStatus::Reviewed) if someone_else(run.reviewed_by.as_ref()) => {
                actions.text = "本月薪酬由您审核，按政策须由另一人锁定；发现问题可退回重算。".into();
                actions.forms.push(return_form(id, true));
            }
            Some(RunStatus::Computed) => {
                actions.forms.push(FormSpec {
                    action: format!("/payroll/{id}/review"),
                    button: "审核通过".into(),
                    ..Default::default()
                });
                // Who computed it recomputes instead.
                if run.created_by != *me {
                    actions.forms.push(return_form(id, false));
                }
            }
            Some(RunStatus::Reviewed) => {
                actions.forms.push(return_form(id, true));
                actions.forms.push(FormSpec {
                    action: format!("/payroll/{id}/lock"),
                    button: "锁定（锁定后不可更改）".into(),
                    confirm: format!(
                        "将锁定{}的薪酬：{}人，应发合计{}元。{}锁定后不能重算，只能添加调整项。确定锁定？",
                        run.month,
                        run.workers,
                        money(run.total_fen),
                        if no_card > 0 {
                            format!("其中{no_card}人未登记工资卡号，银行无法代发，请先在档案中补录。")
                        } else {
                            String::new()
                        }
                    ),
                    ..Default::default()
                });
            }
            _ => actions.forms.push(FormSpec {
                action: format!("/payroll/{id}/adjust"),
                fields: vec![
                    input("人员（姓名或身份证号码）", "worker", "person", "", 22),
                    input("调整金额（元，可为负）", "amount_yuan", "text", "", 10),
                    input("原因", "reason", "text", "", 24),
                ],
                button: "添加调整项".into(),
                plain: true,
                confirm: String::new(),
                get: false,
            }),
        }
        if no_card > 0 && status != Some(RunStatus::Locked) {
            actions.text = format!(
                "{}有{no_card}人未登记工资卡号，银行代发工资表中将标出；请在其档案“基本信息”中补录开户银行和卡号。",
                if actions.text.is_empty() { String::new() } else { format!("{} ", actions.text) }
            );
        }
        actions.title = "操作".into();
        if actions.text.is_empty() {
            actions.text = "流程：计算 → 审核 → 锁定。锁定的月份不再变化；更正以调整项记录。".into();
        }
        p.sections.push(actions);
    }
    // Sent back and not recomputed since: the reason stays on the month.
    let returned = match status {
        Some(RunStatus::Computed) => payroll::last_return(&st.db, &run).await?,
        _ => None,
    };
    let signed = shegong_store::users::signed_names(
        &st.db,
        [
            Some(run.created_by.clone()),
            run.reviewed_by.clone(),
            run.locked_by.clone(),
            returned.as_ref().map(|r| r.0.clone()),
        ]
        .into_iter()
        .flatten()
        .collect(),
    )
    .await?;
    p.sections.push(Section {
        title: "经办".into(),
        headers: headers(&["环节", "经办人", "时间"]),
        rows: [
            ("计算（制表）".to_string(), Some(run.created_by.clone()), Some(run.created_at)),
            ("审核".into(), run.reviewed_by.clone(), run.reviewed_at),
            ("锁定".into(), run.locked_by.clone(), run.locked_at),
        ]
        .into_iter()
        .chain(returned.clone().map(|(who, at, why)| (format!("退回重算：{why}"), Some(who), Some(at))))
        .map(|(step, who, at)| {
            row(vec![
                t(step),
                t(who.map_or_else(|| "—".into(), |u| signed.get(&u).cloned().unwrap_or(u))),
                t(at.map(crate::clock::local_time).unwrap_or_default()),
            ])
        })
        .collect(),
        ..Default::default()
    });
    let (subtotals, lines) = tokio::try_join!(
        payroll::subtotals(&st.db, &caller.scope, id),
        payroll::adjustment_lines(&st.db, &caller.scope, id)
    )?;
    if subtotals.len() > 1 {
        p.sections.push(Section {
            title: format!("按社区小计（{}个社区）", subtotals.len()),
            headers: headers(&["社区", "#人数", "#应发（元）"]),
            rows: subtotals
                .iter()
                .map(|x| {
                    row(vec![
                        t(names.get(&x.community_code).cloned().unwrap_or(x.community_code.clone())),
                        n(x.workers),
                        n(money(x.total_fen)),
                    ])
                })
                .collect(),
            ..Default::default()
        });
    }
    if !lines.is_empty() {
        p.sections.push(Section {
            title: format!("调整项（{}笔）", lines.len()),
            headers: headers(&["姓名", "#金额（元）", "原因", "经办人", "时间"]),
            rows: lines
                .iter()
                .map(|a| {
                    row(vec![
                        link(&a.name, format!("/workers/{}?tab=pay", a.line.worker_id)),
                        n(money(a.line.amount_fen)),
                        t(&a.line.reason),
                        t(&a.line.created_by),
                        t(crate::clock::local_time(a.line.created_at)),
                    ])
                })
                .collect(),
            ..Default::default()
        });
    }
    let mut s = Section {
        title: format!("工资条（共 {total} 人）"),
        headers: {
            let components = Component::ALL.map(|c| format!("#{}", c.label()));
            let mut h = vec!["姓名", "社区", "岗位", "#等级"];
            h.extend(components.iter().map(String::as_str));
            h.extend(["#应发", "#低于保障线（月）"]);
            headers(&h)
        },
        ..Default::default()
    };
    for (x, name) in slips {
        let mut cells = vec![
            link(&name, format!("/workers/{}?tab=pay", x.worker_id)),
            t(names.get(&x.region_code).cloned().unwrap_or(x.region_code.clone())),
            t(shegong_domain::worker::post_category_label(&x.post_category)),
            n(x.level),
        ];
        cells.extend(Component::ALL.map(|c| n(money(fen_of(&x, c)))));
        cells.push(n(money(x.total_fen)));
        cells.push(n(if x.floor_shortfall_fen > 0 { yuan(x.floor_shortfall_fen) } else { String::new() }));
        let mut r = row(cells);
        r.flag = x.floor_shortfall_fen > 0;
        s.rows.push(r);
    }
    let pages = total.div_ceil(100).max(1);
    s.pager = vec![
        (if page > 1 { format!("/payroll/{id}?page={}", page - 1) } else { String::new() }, "上一页".into()),
        (String::new(), format!("第 {page} / {pages} 页")),
        (if page < pages { format!("/payroll/{id}?page={}", page + 1) } else { String::new() }, "下一页".into()),
    ];
    p.sections.push(s);
    p.finish(&m).await
}
