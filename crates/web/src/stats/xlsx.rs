//! The figures as an Excel workbook.
use crate::stats::api::band_labels;
use crate::stats::api::trend_days;
use crate::stats::query::StatsQuery;
use crate::stats::query::load;

use crate::auth::Ctx;
use crate::error::{ApiResult, AppError};
use crate::extract::Query;
use crate::xlsx::{xerr, xlsx_response};
use axum::response::Response;
use chrono::Datelike;
use rust_xlsxwriter::{Format, Workbook};
use shegong_domain::FieldError;
use shegong_domain::stats::{
    AGE_BANDS, CERTIFICATE_LABELS, Counts, EDUCATION_LABELS, GENDER_LABELS, POLITICAL_GROUPS, POST_LABELS,
    SERVICE_BANDS, density_hundredths, ratio_bp, sentences,
};
use shegong_store::stats;

fn structure_rows(c: &Counts) -> Vec<(&'static str, &'static str, i64)> {
    let mut v = Vec::new();
    let mut push = |dim: &'static str, labels: Vec<&'static str>, counts: &[i64]| {
        for (l, n) in labels.into_iter().zip(counts) {
            v.push((dim, l, *n));
        }
    };
    push("岗位类别", POST_LABELS.to_vec(), &c.post);
    push("学历", EDUCATION_LABELS.to_vec(), &c.education);
    push("社工证等级", CERTIFICATE_LABELS.to_vec(), &c.certificate);
    push("年龄", band_labels(&AGE_BANDS), &c.age);
    push("性别", GENDER_LABELS.to_vec(), &c.gender);
    push("政治面貌", POLITICAL_GROUPS.to_vec(), &c.political);
    push("工作年限", band_labels(&SERVICE_BANDS), &c.service);
    v
}

/// 统计分析导出 Excel（part=summary|structure|children|trend，缺省为全部）
#[utoipa::path(get, path = "/stats.xlsx", tag = "统计分析", params(StatsQuery),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn api_stats_xlsx(Ctx { st, caller }: Ctx, Query(q): Query<StatsQuery>) -> ApiResult<Response> {
    let a = q.ask(&caller, false)?;
    let part = q.part.as_deref().unwrap_or("all");
    if !matches!(part, "all" | "summary" | "structure" | "children" | "trend") {
        return Err(AppError::Invalid(vec![FieldError::new(
            "part_unknown",
            "part",
            "导出内容应为 summary、structure、children 或 trend",
        )]));
    }
    let (now, base) = load(&st, &caller, &a).await?;
    let trend = if matches!(part, "all" | "trend") {
        let from = a.base.map_or(a.date.year() - 10, |b| b.year());
        stats::trend(&st.db, &caller.scope, &a.region, &trend_days(from, a.date), a.urban).await?
    } else {
        Vec::new()
    };
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let pctf = Format::new().set_num_format("0.00");
    let c = &now.counts;
    let bc = base.as_ref().map(|b| &b.counts);
    if matches!(part, "all" | "summary") {
        let ws = wb.add_worksheet().set_name("概况").map_err(xerr)?;
        ws.write_string_with_format(0, 0, format!("{}（{}）", now.name, now.code), &bold).map_err(xerr)?;
        ws.write_string(1, 0, format!("统计日期：{}", now.date)).map_err(xerr)?;
        let heads = ["指标", "统计日期", "对比日期", "增减", "增幅（%）"];
        for (i, h) in heads.iter().enumerate() {
            ws.write_string_with_format(3, i as u16, *h, &bold).map_err(xerr)?;
        }
        ws.set_column_width(0, 28).map_err(xerr)?;
        let lines: [(&str, i64, Option<i64>); 6] = [
            ("社区工作者", c.workers, bc.map(|b| b.workers)),
            ("其中专职", c.full_time, bc.map(|b| b.full_time)),
            ("社区“两委”成员", c.two_committees, bc.map(|b| b.two_committees)),
            ("大专以上学历", c.college_or_above(), bc.map(Counts::college_or_above)),
            ("研究生学历", c.education[0], bc.map(|b| b.education[0])),
            ("持证（助理社会工作师及以上）", c.certified(), bc.map(Counts::certified)),
        ];
        for (i, (label, n, b)) in lines.iter().enumerate() {
            let r = 4 + i as u32;
            ws.write_string(r, 0, *label).map_err(xerr)?;
            ws.write_number(r, 1, *n as f64).map_err(xerr)?;
            if let Some(b) = b {
                ws.write_number(r, 2, *b as f64).map_err(xerr)?;
                ws.write_number(r, 3, (n - b) as f64).map_err(xerr)?;
                if let Some(bp) = ratio_bp(n - b, *b) {
                    ws.write_number_with_format(r, 4, bp as f64 / 100.0, &pctf).map_err(xerr)?;
                }
            }
        }
        let r = 4 + lines.len() as u32 + 1;
        for (i, s) in
            sentences(&now.name, now.date, c, base.as_ref().map(|b| (b.date, &b.counts)), a.urban).iter().enumerate()
        {
            ws.write_string(r + i as u32, 0, s).map_err(xerr)?;
        }
    }
    if matches!(part, "all" | "structure") {
        let ws = wb.add_worksheet().set_name("队伍结构").map_err(xerr)?;
        for (i, h) in ["分类", "项目", "人数", "占比（%）"].iter().enumerate() {
            ws.write_string_with_format(0, i as u16, *h, &bold).map_err(xerr)?;
        }
        ws.set_column_width(1, 18).map_err(xerr)?;
        for (i, (dim, label, n)) in structure_rows(c).iter().enumerate() {
            let r = i as u32 + 1;
            ws.write_string(r, 0, *dim).map_err(xerr)?;
            ws.write_string(r, 1, *label).map_err(xerr)?;
            ws.write_number(r, 2, *n as f64).map_err(xerr)?;
            if let Some(bp) = ratio_bp(*n, c.workers) {
                ws.write_number_with_format(r, 3, bp as f64 / 100.0, &pctf).map_err(xerr)?;
            }
        }
    }
    if matches!(part, "all" | "children") {
        let ws = wb.add_worksheet().set_name("下级区划").map_err(xerr)?;
        let heads = [
            "代码",
            "名称",
            "社区工作者",
            "专职",
            "大专以上",
            "持证",
            "两委成员",
            "常住人口",
            "户数",
            "每万人",
            "每300户",
        ];
        for (i, h) in heads.iter().enumerate() {
            ws.write_string_with_format(0, i as u16, *h, &bold).map_err(xerr)?;
        }
        ws.set_column_width(0, 14).map_err(xerr)?;
        ws.set_column_width(1, 16).map_err(xerr)?;
        for (i, k) in now.children.iter().enumerate() {
            let r = i as u32 + 1;
            ws.write_string(r, 0, &k.code).map_err(xerr)?;
            ws.write_string(r, 1, &k.name).map_err(xerr)?;
            let kc = &k.counts;
            for (j, v) in [
                kc.workers,
                kc.full_time,
                kc.college_or_above(),
                kc.certified(),
                kc.two_committees,
                k.residents,
                k.households,
            ]
            .iter()
            .enumerate()
            {
                ws.write_number(r, 2 + j as u16, *v as f64).map_err(xerr)?;
            }
            for (j, d) in
                [density_hundredths(kc.workers, k.residents, 10_000), density_hundredths(kc.workers, k.households, 300)]
                    .iter()
                    .enumerate()
            {
                if let Some(h) = d {
                    ws.write_number_with_format(r, 9 + j as u16, *h as f64 / 100.0, &pctf).map_err(xerr)?;
                }
            }
        }
    }
    if matches!(part, "all" | "trend") {
        let ws = wb.add_worksheet().set_name("历年变化").map_err(xerr)?;
        for (i, h) in ["日期", "社区工作者", "专职"].iter().enumerate() {
            ws.write_string_with_format(0, i as u16, *h, &bold).map_err(xerr)?;
        }
        ws.set_column_width(0, 12).map_err(xerr)?;
        for (i, (d, n, ft)) in trend.iter().enumerate() {
            let r = i as u32 + 1;
            ws.write_string(r, 0, d.to_string()).map_err(xerr)?;
            ws.write_number(r, 1, *n as f64).map_err(xerr)?;
            ws.write_number(r, 2, *ft as f64).map_err(xerr)?;
        }
    }
    let name = format!("统计分析-{}-{}.xlsx", now.name, now.date.format("%Y%m%d"));
    xlsx_response(wb, "stats.xlsx", &name).await
}
