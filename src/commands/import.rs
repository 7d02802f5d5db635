//! `shegong import`: a roster file checked and committed from the command line.
use crate::cli::Global;
use crate::commands::progress::Progress;
use crate::commands::setup::describe;
use crate::commands::setup::open;

use anyhow::Context;

pub(crate) async fn import_command(
    g: &Global,
    file: &std::path::Path,
    region: &str,
    dry_run: bool,
) -> anyhow::Result<()> {
    use shegong_store::imports;
    let code = shegong_domain::RegionCode::parse(region).map_err(|e| anyhow::anyhow!(e.message))?;
    let scope = shegong_domain::Scope::Region(code);
    let bytes = std::fs::read(file).with_context(|| format!("无法读取 {}", file.display()))?;
    let name = file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let db = open(g).await?;
    let p = Progress::new();
    let started = std::time::Instant::now();
    p.update(0, 3, "读取");
    let table = imports::read_table(&name, &bytes).map_err(describe)?;
    let today = shegong_store::clock::today();
    // The operator at the command line acts with a province admin's powers inside `--region`.
    let access = shegong_store::Access::new(
        scope.clone(),
        shegong_domain::Role::ProvinceAdmin,
        shegong_store::audit::Actor {
            username: "cli".into(),
            role: "system".into(),
            region_code: scope.region().to_string(),
        },
    );
    let total = table.rows.len() as u64;
    p.update(0, total, "检查");
    let (checked, done) = if dry_run {
        (imports::check(&db.conn, &scope, &table, today).await.map_err(describe)?, None)
    } else {
        // The file is kept like an upload on the site, so that a commit stopped in the middle is
        // finished at the next start of `serve` (or by committing it on the import page).
        // Between chunks it pauses so that a server running on the same database keeps saving.
        let (_, checked, done) = imports::commit_upload_paced(
            &db,
            &access,
            &name,
            bytes,
            &table,
            today,
            &|d, t| p.update(d as u64, t as u64, "导入"),
            imports::OUTSIDE_THE_SERVER,
        )
        .await
        .map_err(describe)?;
        (checked, done)
    };
    p.finish();
    for e in checked.errors.iter().take(100) {
        eprintln!("第{}行 {}：{}", e.row, e.field, e.message);
    }
    if checked.errors.len() > 100 {
        eprintln!("……另有 {} 处错误", checked.errors.len() - 100);
    }
    let secs = started.elapsed().as_secs_f64();
    match (checked.errors.is_empty(), done) {
        (false, _) => anyhow::bail!("{} 行中有 {} 处错误，未导入，未作任何修改", checked.rows, checked.errors.len()),
        (true, None) => {
            println!(
                "检查通过：{} 行（其中 {} 人已有档案，导入时更新），用时 {secs:.1} 秒；去掉 --dry-run 即可导入",
                checked.rows, checked.existing
            );
            Ok(())
        }
        (true, Some(c)) => {
            for e in c.skipped.iter().take(100) {
                eprintln!("第{}行 {}：{}", e.row, e.field, e.message);
            }
            println!(
                "已导入 {} 行：新建 {}，更新 {}，未变 {}，未导入 {}（导入期间档案有变动），用时 {secs:.1} 秒",
                checked.rows,
                c.created,
                c.updated,
                c.unchanged,
                c.skipped.len()
            );
            Ok(())
        }
    }
}
