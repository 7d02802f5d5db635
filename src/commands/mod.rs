//! The commands: each opens the database, calls the library crates and prints the outcome in zh-CN.
use crate::cli::CalendarCommand;
use crate::cli::Cli;
use crate::cli::Command;
use crate::cli::Open311KeyCommand;
use crate::cli::RegionsCommand;
use crate::cli::UserCommand;
use crate::commands::import::import_command;
use crate::commands::policy::policy_command;
use crate::commands::progress::Progress;
use crate::commands::serve::healthcheck;
use crate::commands::serve::load_demo;
use crate::commands::setup::describe;
use crate::commands::setup::open;
use crate::commands::setup::read_password;

mod import;
mod policy;
mod progress;
mod serve;
mod setup;

use anyhow::Context;
use shegong_store::{calendar, demo, regions, users};

/// Runs the command the line asked for.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let g = &cli.global;
    match cli.command {
        Command::Serve {
            bind,
            demo: with_demo,
            province,
            seed,
            secure_cookies,
            token_days,
            upload_retention_days,
            figures_stale_secs,
            pdf_font,
        } => {
            let db = open(g).await?;
            if with_demo {
                if demo::is_empty(&db).await? {
                    load_demo(&db, &province, seed).await?;
                } else {
                    println!("数据库已有数据，未重新载入演示数据（演示账号密码：{}）", demo::DEMO_PASSWORD);
                }
            }
            let settings = shegong_web::Settings {
                secure_cookies,
                token_days,
                upload_retention_days,
                figures_stale_secs,
                pdf_font,
            };
            shegong_web::serve(db, &bind, settings).await
        }
        Command::Migrate => {
            open(g).await?;
            println!("数据库迁移完成");
            Ok(())
        }
        Command::Demo { province, seed, national } => {
            let db = open(g).await?;
            anyhow::ensure!(demo::is_empty(&db).await?, "数据库已有数据；演示数据只能载入空数据库");
            load_demo(&db, &province, seed).await?;
            match national {
                Some(target) => serve::load_national(&db, &province, target).await,
                None => Ok(()),
            }
        }
        Command::Backup { out } => {
            let db = open(g).await?;
            db.backup_sqlite(&out).await?;
            println!("已备份到 {}", out.display());
            Ok(())
        }
        Command::Healthcheck { url } => healthcheck(&url).await,
        Command::User {
            command: UserCommand::Add { username, role, region, id_number, department, display_name, password_stdin: _ },
        } => {
            let password = read_password()?;
            let db = open(g).await?;
            let new = users::NewUser { username, display_name, role, region, password, id_number, department };
            let u = users::create(&db, None, &shegong_store::audit::Actor::system(), new).await.map_err(describe)?;
            println!("已创建用户 {}（{}，{}）", u.username, u.role, u.region_code);
            Ok(())
        }
        Command::User { command: UserCommand::SetPassword { username, password_stdin: _, must_change } } => {
            let password = read_password()?;
            let db = open(g).await?;
            let u = users::set_password(&db, &username, &password, must_change).await.map_err(describe)?;
            println!("已设置用户 {} 的密码{}", u.username, if must_change { "，下次登录时须修改" } else { "" });
            Ok(())
        }
        Command::Policy { command } => policy_command(g, command).await,
        Command::Import { file, region, dry_run } => import_command(g, &file, &region, dry_run).await,
        Command::Calendar { command: CalendarCommand::List } => {
            let db = open(g).await?;
            println!("年份  放假  调休上班  来源");
            for y in calendar::years(&db).await.map_err(describe)? {
                let source =
                    if y.shipped { "随系统提供（国务院办公厅通知）" } else { "管理员添加" };
                println!("{}  {:>4}  {:>8}  {source}", y.year, y.holidays, y.workdays);
            }
            Ok(())
        }
        Command::Calendar { command: CalendarCommand::Add { year, file } } => {
            let text = std::fs::read_to_string(&file).with_context(|| format!("无法读取 {}", file.display()))?;
            let db = open(g).await?;
            let days = calendar::add_year(&db, year, &text, "cli").await.map_err(describe)?;
            let off = days.iter().filter(|d| d.kind == shegong_domain::calendar::DayKind::Holiday).count();
            println!("已添加{year}年放假安排：放假 {off} 天，调休上班 {} 天", days.len() - off);
            Ok(())
        }
        Command::Open311Key { command: Open311KeyCommand::Add { name, region } } => {
            let db = open(g).await?;
            let (k, key) =
                shegong_store::events::open311::add_key(&db, None, &name, &region).await.map_err(describe)?;
            println!("已为“{}”签发 Open311 密钥（区划 {}），只显示这一次：", k.name, k.region_code);
            println!("{key}");
            Ok(())
        }
        Command::Regions { command: RegionsCommand::Import { file } } => {
            let text = std::fs::read_to_string(&file).with_context(|| format!("无法读取 {}", file.display()))?;
            let rows = regions::parse_csv(&text).map_err(describe)?;
            let db = open(g).await?;
            let p = Progress::new();
            let total = rows.len() as u64;
            let n = regions::import(&db, rows, &|d| p.update(d as u64, total, "区划")).await.map_err(describe)?;
            p.finish();
            println!("已导入区划 {n} 条");
            Ok(())
        }
    }
}
