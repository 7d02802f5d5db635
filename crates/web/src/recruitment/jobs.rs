//! The public recruitment pages, for a phone and without an account: `/jobs`, the rounds announced
//! (open and recent), and `/jobs/{id}`, one announcement — its posts, who may apply, the rules and
//! the grounds that bar an application.

use super::views::{JobRoundDetail, JobRoundView, detail, round_view};
use crate::error::AppError;
use crate::page::PageResult;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse};
use shegong_store::recruitment::public;
use uuid::Uuid;

#[derive(Template)]
#[template(path = "recruitment/jobs.html")]
struct JobsPage {
    /// Each round with where its applications stand (报名中, 未开始, 已截止, 已结束).
    rounds: Vec<(JobRoundView, &'static str)>,
}

#[derive(Template)]
#[template(path = "recruitment/job.html")]
struct JobPage {
    d: JobRoundDetail,
    stage: &'static str,
    rules: Vec<String>,
    barring: Vec<String>,
    /// 公示: its period and those shown (name, gender, education, post, total).
    publicity: Option<(String, Vec<Shown>)>,
}

/// One person in the publicity: name, gender, education, post, total, hired.
type Shown = (String, String, String, String, String, bool);

fn html(r: Result<String, askama::Error>) -> PageResult {
    Ok(Html(r.map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?).into_response())
}

/// Where a round's applications stand today.
fn stage(v: &JobRoundView) -> &'static str {
    let today = crate::clock::today();
    match () {
        _ if v.status != "published" => "已结束",
        _ if today < v.apply_from => "未开始",
        _ if today > v.apply_to => "已截止",
        _ => "报名中",
    }
}

/// `GET /jobs`.
pub(crate) async fn list(State(st): State<AppState>) -> PageResult {
    let all = public::announced(&st.db).await.map_err(AppError::from)?;
    let names = shegong_store::regions::names(&st.db.conn, all.iter().map(|r| r.county_code.clone()).collect())
        .await
        .map_err(AppError::from)?;
    let mut out = Vec::new();
    for r in &all {
        let full = public::announcement(&st.db, r.id).await.map_err(AppError::from)?;
        let v = round_view(r, &full.posts, &names);
        let s = stage(&v);
        out.push((v, s));
    }
    // Open first, then those to come, then the rest; newest first within each.
    let rank = |s: &str| ["报名中", "未开始", "已截止", "已结束"].iter().position(|x| *x == s).unwrap_or(4);
    out.sort_by_key(|(_, s)| rank(s));
    html(JobsPage { rounds: out }.render())
}

/// `GET /jobs/{id}`: a draft or an unknown id is not found.
pub(crate) async fn job(State(st): State<AppState>, Path(id): Path<Uuid>) -> PageResult {
    let r = public::announcement(&st.db, id).await.map_err(AppError::from)?;
    let (d, policy) = detail(&st, &r.round, &r.posts).await?;
    let mut rules = vec![format!("年龄按资格审查基准日（{}）计算", d.round.reference_date)];
    for x in &policy.relaxed {
        rules.push(format!("{}可放宽至{}周岁", x.group.label(), x.max_age));
    }
    for b in &policy.bonus {
        let who = shegong_domain::worker::CertificateLevel::ALL
            .into_iter()
            .find(|l| l.as_str() == b.when)
            .map(|l| format!("持{}证书", l.label()))
            .unwrap_or_else(|| {
                shegong_domain::recruitment::Group::ALL
                    .into_iter()
                    .find(|g| g.as_str() == b.when)
                    .map_or(b.when.clone(), |g| g.label().to_string())
            });
        rules.push(format!(
            "{who}，笔试加{}分",
            shegong_domain::recruitment::points_text(shegong_domain::recruitment::hundredths(b.points))
        ));
    }
    if !policy.bonus.is_empty() {
        let mode = match policy.bonus_mode {
            shegong_domain::recruitment::BonusMode::Sum => "可累加",
            shegong_domain::recruitment::BonusMode::Largest => "只计最高一项",
        };
        rules.push(format!(
            "加分{mode}，最多加{}分",
            shegong_domain::recruitment::points_text(shegong_domain::recruitment::hundredths(policy.bonus_cap))
        ));
    }
    rules.push(format!("笔试合格者按招聘人数1:{}的比例进入面试，末位同分的一并进入", policy.interview_ratio));
    rules.push(format!(
        "总成绩=笔试成绩×{}%+面试成绩×{}%",
        policy.written_weight_pct,
        100 - policy.written_weight_pct.min(100)
    ));
    let stage = stage(&d.round);
    let today = crate::clock::today();
    let shown = shegong_store::recruitment::publicity::publicity(&st.db, id, today).await.map_err(AppError::from)?;
    let publicity = r.round.publicity_from.filter(|_| !shown.is_empty()).map(|from| {
        let end = shegong_domain::hiring::publicity_end(from, policy.publicity_days);
        let posts: std::collections::HashMap<Uuid, String> =
            d.post_list.iter().map(|p| (p.id, format!("{} · {}", p.community_name, p.title))).collect();
        let period = format!("公示期 {from} 至 {end}{}", if today > end { "（已期满）" } else { "" });
        let rows = shown
            .into_iter()
            .map(|x| {
                let total = x.total.map(|t| format!("{:.2}", t as f64 / 10_000.0)).unwrap_or_default();
                (x.name, x.gender, x.education, posts.get(&x.post_id).cloned().unwrap_or_default(), total, x.hired)
            })
            .collect();
        (period, rows)
    });
    html(JobPage { d, stage, rules, barring: policy.barring_grounds.clone(), publicity }.render())
}
