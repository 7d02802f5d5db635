//! Serving (with the demo province on an empty database), the demo loader and the health check.
use crate::commands::progress::Progress;

use anyhow::Context;
use shegong_store::{Db, demo};

pub(crate) async fn load_demo(db: &Db, province: &str, seed: u64) -> anyhow::Result<()> {
    let p = Progress::new();
    let started = std::time::Instant::now();
    // Every county of the province, as of today in China.
    let opts = demo::DemoOptions {
        province: province.into(),
        seed,
        today: shegong_store::clock::today(),
        only_counties: vec![],
    };
    let s = demo::load(db, &opts, &|d, t, w| p.update(d, t, w)).await?;
    p.finish();
    println!(
        "已载入演示省份 {}：区划 {} 个（社区 {}，网格 {}），在岗社区工作者 {} 人，已退出 {} 人，民情事件 {} 件，用时 {:.1} 秒",
        demo::province_name(province).unwrap_or_default(),
        s.regions,
        s.communities,
        s.grids,
        s.workers_active,
        s.workers_exited,
        s.events,
        started.elapsed().as_secs_f64()
    );
    println!("演示账号（用户名 / 角色 / 密码）：");
    for (u, r, pw) in &s.logins {
        println!("  {} {} {pw}", pad(u, 10), pad(r, 26));
    }
    println!(
        "招聘报名人（在 /applicant/login 用身份证号码登录）：{} / {}",
        demo::DEMO_APPLICANT_ID,
        demo::DEMO_APPLICANT_PASSWORD
    );
    Ok(())
}

/// Copies the demo province into the other provinces until the nation has about `target` workers.
pub(crate) async fn load_national(db: &Db, province: &str, target: u64) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let source = demo::national::source_workers(db, province).await?;
    let plan = demo::national::plan(province, source, target);
    let copies: u32 = plan.iter().map(|(_, n)| n).sum();
    let reachable = source * (1 + u64::from(copies));
    if reachable < target {
        println!("每个省份最多复制 4 份：全国最多 {reachable} 人，达不到 {target} 人");
    }
    let made = demo::national::replicate(db, province, &plan, &|m| {
        eprint!(
            "\r复制到其他省份：{}/{copies} 份，社区工作者 {} 人，用时 {:.0} 秒",
            m.copies,
            m.workers + source,
            started.elapsed().as_secs_f64()
        );
    })
    .await?;
    eprintln!();
    println!(
        "已复制到 {} 个省份：{} 份，共 {} 行；全国社区工作者 {} 人，用时 {:.1} 秒",
        plan.len(),
        made.copies,
        made.rows,
        made.workers + source,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// A terminal column's width: Chinese characters take two cells.
fn cells(s: &str) -> usize {
    s.chars()
        .map(|c| match c {
            '\u{1100}'..='\u{115F}'
            | '\u{2E80}'..='\u{A4CF}'
            | '\u{AC00}'..='\u{D7A3}'
            | '\u{F900}'..='\u{FAFF}'
            | '\u{FE30}'..='\u{FE4F}'
            | '\u{FF00}'..='\u{FF60}'
            | '\u{FFE0}'..='\u{FFE6}' => 2,
            _ => 1,
        })
        .sum()
}

/// `s` padded with spaces to `width` terminal cells, so that columns line up in a terminal.
fn pad(s: &str, width: usize) -> String {
    format!("{s}{}", " ".repeat(width.saturating_sub(cells(s))))
}

pub(crate) async fn healthcheck(url: &str) -> anyhow::Result<()> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url.strip_prefix("http://").context("只支持 http:// 地址")?;
    let host = rest.split('/').next().unwrap_or(rest);
    let mut s = tokio::time::timeout(std::time::Duration::from_secs(5), tokio::net::TcpStream::connect(host))
        .await
        .context("连接超时")??;
    s.write_all(format!("GET /healthz HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes()).await?;
    let mut buf = Vec::new();
    tokio::time::timeout(std::time::Duration::from_secs(5), s.read_to_end(&mut buf)).await.context("读取超时")??;
    let text = String::from_utf8_lossy(&buf);
    anyhow::ensure!(text.starts_with("HTTP/1.1 200"), "服务异常：{}", text.lines().next().unwrap_or(""));
    println!("ok");
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn chinese_takes_two_cells() {
        assert_eq!(super::cells("街道管理员"), 10);
        assert_eq!(super::pad("街道（乡镇）管理员", 20), "街道（乡镇）管理员  ");
        assert_eq!(super::pad("street", 10), "street    ");
    }
}
