//! `shegong policy`: checking, installing and listing policy files.
use crate::cli::Global;
use crate::cli::PolicyCommand;
use crate::commands::setup::describe;
use crate::commands::setup::open;

use anyhow::Context;

pub(crate) async fn policy_command(g: &Global, command: PolicyCommand) -> anyhow::Result<()> {
    use shegong_store::policies;
    match command {
        PolicyCommand::Check { file } => {
            let text = std::fs::read_to_string(&file).with_context(|| format!("无法读取 {}", file.display()))?;
            let p =
                shegong_domain::policy::Policy::parse(&text).map_err(|e| anyhow::anyhow!("{}：{e}", file.display()))?;
            println!(
                "{}：政策“{}”（{}）格式正确，岗位类别 {} 个，{}{}，依据：{}",
                file.display(),
                p.name,
                p.title,
                p.posts.len(),
                p.pay.levels,
                p.pay.unit,
                p.source
            );
            Ok(())
        }
        PolicyCommand::List => {
            let db = open(g).await?;
            for p in policies::list(&db).await.map_err(describe)? {
                println!("{}\tv{}\t{}\t{}", p.name, p.version, p.title, p.source);
            }
            Ok(())
        }
        PolicyCommand::Show { name, version } => {
            let db = open(g).await?;
            let (m, _) = policies::get(&db.conn, &name, version).await.map_err(|e| match e {
                shegong_store::StoreError::NotFound => anyhow::anyhow!("没有名为“{name}”的政策"),
                e => describe(e),
            })?;
            print!("{}", m.body);
            Ok(())
        }
        PolicyCommand::Apply { name, region, from } => {
            let from = shegong_domain::worker::parse_date("from", "生效日期", &from)
                .map_err(|e| anyhow::anyhow!(e.message))?;
            let code = shegong_domain::RegionCode::parse(&region).map_err(|e| anyhow::anyhow!(e.message))?;
            let db = open(g).await?;
            let access = shegong_store::Access::system(
                shegong_domain::RegionCode::parse(code.province()).map_err(|e| anyhow::anyhow!(e.message))?,
            );
            let a = policies::apply(&db, &access, code.as_str(), &name, from).await.map_err(describe)?;
            println!(
                "区划 {} 自 {} 起适用政策 {} v{}",
                a.region_code, a.effective_from, a.policy_name, a.policy_version
            );
            Ok(())
        }
    }
}
