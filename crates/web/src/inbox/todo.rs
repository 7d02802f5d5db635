//! The counts of the 待办 card on the home page, each with the list it links to.
use crate::auth::Caller;
use crate::error::PageError;
use crate::state::AppState;
use shegong_domain::Permission;
use shegong_domain::status::{RoundStatus, RunStatus, Status};
use shegong_store::career::Alert;
use shegong_store::{payroll, rounds, workers};

/// One line of the inbox: what waits, how many, where the list is.
pub(crate) struct Todo {
    pub(crate) label: &'static str,
    pub(crate) count: usize,
    pub(crate) href: String,
}

/// The alert kinds the inbox lists, with their names.
pub(crate) const ALERT_KINDS: [(&str, &str); 5] = [
    ("exit_flag", "符合退出情形"),
    ("agreement_expiring", "服务协议即将到期"),
    ("certificate_goal", "持证社工不足的社区"),
    ("reserve_ratio", "后备人选不足的社区"),
    ("training_overdue", "培训未达要求"),
];

pub(crate) fn alert_kind_label(kind: &str) -> &'static str {
    ALERT_KINDS.iter().find(|(k, _)| *k == kind).map_or("提醒", |(_, l)| l)
}

/// What waits for the caller, given the alerts and training overdue count already read for the
/// page. Only what the caller's role acts on or sees is listed; zero counts are kept (a clear inbox
/// is news too).
pub(crate) async fn todo(
    st: &AppState,
    caller: &Caller,
    alerts: &[Alert],
    training_overdue: usize,
) -> Result<Vec<Todo>, PageError> {
    let may = |p| caller.access.role.may(p);
    let (corrections, rounds, runs) = tokio::try_join!(
        async {
            Ok::<_, PageError>(if may(Permission::ResolveCorrection) {
                Some(workers::pending_corrections(&st.db, &caller.scope).await?)
            } else {
                None
            })
        },
        async {
            Ok::<_, PageError>(if may(Permission::ManageAssessment) {
                Some(rounds::list(&st.db, &caller.scope).await?)
            } else {
                None
            })
        },
        async {
            Ok::<_, PageError>(if may(Permission::RunPayroll) {
                Some(payroll::list(&st.db, &caller.scope).await?)
            } else {
                None
            })
        },
    )?;
    let mut out = Vec::new();
    if let Some(n) = corrections {
        out.push(Todo { label: "待处理的更正申请", count: n as usize, href: "/corrections".into() });
    }
    // Training is counted apart (the list is the overdue page).
    for (kind, label) in ALERT_KINDS.iter().filter(|(k, _)| *k != "training_overdue") {
        out.push(Todo {
            label,
            count: alerts.iter().filter(|a| a.kind == *kind).count(),
            href: format!("/alerts?kind={kind}"),
        });
    }
    out.push(Todo { label: "培训未达要求", count: training_overdue, href: "/training/overdue".into() });
    if let Some(rounds) = rounds {
        out.push(Todo {
            label: "待发布的考核",
            count: rounds.iter().filter(|r| r.status == RoundStatus::Scored.as_str()).count(),
            href: "/assessments".into(),
        });
    }
    if let Some(runs) = runs {
        for (status, label) in [(RunStatus::Computed, "待审核的薪酬月"), (RunStatus::Reviewed, "待锁定的薪酬月")]
        {
            // Not the months this user did the step before (another person's, as duties are separate).
            let me = &caller.user.username;
            out.push(Todo {
                label,
                count: runs
                    .iter()
                    .filter(|r| r.status == status.as_str())
                    .filter(|r| match status {
                        RunStatus::Computed => &r.created_by != me,
                        _ => r.reviewed_by.as_ref() != Some(me),
                    })
                    .count(),
                href: "/payroll".into(),
            });
        }
    }
    // Plans waiting for a second administrator's approval: those this user did not draw up.
    if may(Permission::ManageRecruitment) {
        let rounds = shegong_store::recruitment::rounds::list(&st.db, &caller.access).await?;
        let me = &caller.user.username;
        let mut waiting = 0;
        for r in rounds.iter().filter(|r| r.status == "draft" && &r.created_by != me) {
            // Ready (it has posts) and not partly theirs (no post added by them).
            let full = shegong_store::recruitment::rounds::get(&st.db, &caller.access, r.id).await?;
            if !full.posts.is_empty() && full.posts.iter().all(|p| &p.added_by != me) {
                waiting += 1;
            }
        }
        out.push(Todo { label: "待审批的招聘计划", count: waiting, href: "/recruitment".into() });
        // Applications waiting for 资格审查, in the rounds taking them; the first such round is linked.
        let (mut pending, mut first) = (0, None);
        for r in rounds.iter().filter(|r| r.status == "published") {
            let f =
                shegong_store::recruitment::review::ApplicationFilter { status: Some("submitted".into()), post: None };
            let n = shegong_store::recruitment::review::list(&st.db, &caller.access, r.id, &f, 1, 1).await?.2;
            if n > 0 {
                pending += n as usize;
                first.get_or_insert(r.id);
            }
        }
        let href = first.map_or("/recruitment".into(), |id| format!("/recruitment/{id}/applications?kind=submitted"));
        out.push(Todo { label: "待资格审查的报名", count: pending, href });
    }
    // 三务公开: periods of the last quarter gone past their deadline unpublished (a county and below),
    // and residents' questions waiting for the community's answer.
    let here = caller.scope.region();
    if (may(Permission::Inspect) || may(Permission::PublishDisclosure)) && here.as_str().len() >= 6 {
        let on = crate::clock::today();
        let since = on - chrono::Duration::days(92);
        let r = shegong_store::openness::timeliness(&st.db, &caller.access, None, since, on, 1).await?;
        out.push(Todo { label: "三务公开逾期未公开", count: r.missing as usize, href: "/disclosure".into() });
    }
    if may(Permission::PublishDisclosure) {
        let qs = shegong_store::openness::questions(&st.db, &caller.access, None, 1000).await?;
        let waiting = qs.iter().filter(|q| q.answer.is_none()).count();
        out.push(Todo { label: "待答复的居民提问", count: waiting, href: "/disclosure".into() });
    }
    Ok(out)
}
