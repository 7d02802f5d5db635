//! `shegong`: one binary for the server and the operator's commands. Everything lives in the
//! library crates; this file only parses the command line and calls them.

use anyhow::Context;
use clap::parser::ValueSource;
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use shegong_store::{Db, demo, regions, users};
use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::sync::Mutex;

#[derive(Parser)]
#[command(name = "shegong", version, about = "社区工作者队伍管理信息系统")]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct Global {
    /// 配置文件（TOML）；默认读取数据目录中的 shegong.toml（如存在）
    #[arg(long, global = true, env = "SHEGONG_CONFIG")]
    config: Option<PathBuf>,
    /// 数据目录（内嵌 SQLite 数据库所在目录）
    #[arg(long, global = true, env = "SHEGONG_DATA_DIR", default_value = "./data")]
    data_dir: PathBuf,
    /// 数据库连接串，如 postgres://user:pass@host/db；默认使用数据目录中的 SQLite
    #[arg(long, global = true, env = "SHEGONG_DATABASE_URL")]
    database_url: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// 迁移数据库后启动服务
    Serve {
        /// 监听地址
        #[arg(long, env = "SHEGONG_BIND", default_value = "127.0.0.1:8080")]
        bind: String,
        /// 数据库为空时先载入演示省份，并打印各角色演示账号
        #[arg(long)]
        demo: bool,
        /// 演示省份代码
        #[arg(long, default_value = "33")]
        province: String,
        /// 演示数据随机种子
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// 为 Cookie 加上 Secure 标记（经 HTTPS 访问时开启）
        #[arg(long, env = "SHEGONG_SECURE_COOKIES")]
        secure_cookies: bool,
        /// API 令牌自创建起的有效天数
        #[arg(long, env = "SHEGONG_TOKEN_DAYS", default_value_t = 90, value_parser = clap::value_parser!(u32).range(1..=3650))]
        token_days: u32,
        /// 上传的花名册文件及其错误清单的保留天数
        #[arg(long, env = "SHEGONG_UPLOAD_RETENTION_DAYS", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=3650))]
        upload_retention_days: u32,
    },
    /// 执行数据库迁移
    Migrate,
    /// 向空数据库载入演示省份
    Demo {
        #[arg(long, default_value = "33")]
        province: String,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
    /// 在线备份内嵌 SQLite 数据库
    Backup {
        #[arg(long)]
        out: PathBuf,
    },
    /// 检查服务是否正常（请求 /healthz）
    Healthcheck {
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        url: String,
    },
    /// 用户管理
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// 行政区划
    Regions {
        #[command(subcommand)]
        command: RegionsCommand,
    },
    /// 导入社区工作者花名册（.xlsx 或 CSV：UTF-8 / GB18030）：先检查全部行，无误才一次性全部导入
    Import {
        file: PathBuf,
        /// 导入范围（区划代码）：社区须在此范围内
        #[arg(long)]
        region: String,
        /// 只检查，不导入
        #[arg(long)]
        dry_run: bool,
    },
    /// 政策配置（员额、薪酬、培训、考核、退出、后备力量）
    Policy {
        #[command(subcommand)]
        command: PolicyCommand,
    },
}

#[derive(Subcommand)]
enum PolicyCommand {
    /// 列出已有政策及版本
    List,
    /// 显示政策文件全文
    Show {
        name: String,
        #[arg(long)]
        version: Option<i32>,
    },
    /// 检查政策文件（不需要数据库）；有误时指明行号和原因
    Check { file: PathBuf },
    /// 自某日起对某区划适用政策（下级区划继承）
    Apply {
        name: String,
        #[arg(long)]
        region: String,
        /// 生效日期 YYYY-MM-DD
        #[arg(long)]
        from: String,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// 新增用户（密码从标准输入读取）
    Add {
        #[arg(long)]
        username: String,
        /// province_admin city_admin county_admin street_admin community_head worker auditor
        #[arg(long)]
        role: String,
        /// 所辖区划代码（worker 角色可省略）
        #[arg(long, default_value = "")]
        region: String,
        /// worker 角色：本人身份证号码
        #[arg(long, default_value = "")]
        id_number: String,
        #[arg(long, default_value = "")]
        display_name: String,
        /// 从标准输入读取密码
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// 设置用户密码（新密码从标准输入读取）；该用户的网页登录全部退出
    SetPassword {
        #[arg(long)]
        username: String,
        /// 从标准输入读取密码
        #[arg(long, required = true)]
        password_stdin: bool,
        /// 要求该用户下次登录时修改密码
        #[arg(long)]
        must_change: bool,
    },
}

#[derive(Subcommand)]
enum RegionsCommand {
    /// 导入区划 CSV（code,name,parent_code,level,households,residents,urban_rural_class）
    Import { file: PathBuf },
}

/// A progress bar on a terminal, plain log lines otherwise.
struct Progress {
    bar: Option<ProgressBar>,
    last: Mutex<(String, u64)>,
}

impl Progress {
    fn new() -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let b = ProgressBar::new(0);
            b.set_style(
                ProgressStyle::with_template("{msg:8} [{bar:40}] {pos}/{len} ({elapsed})").expect("valid template"),
            );
            b
        });
        Self {
            bar,
            last: Mutex::new((String::new(), 0)),
        }
    }

    fn update(&self, done: u64, total: u64, what: &str) {
        if let Some(b) = &self.bar {
            b.set_message(what.to_string());
            b.set_length(total);
            b.set_position(done);
            return;
        }
        let mut last = self.last.lock().expect("not poisoned");
        let pct = done * 100 / total.max(1);
        if last.0 != what || pct >= last.1 + 10 || done == total {
            eprintln!("{what}: {done}/{total} ({pct}%)");
            *last = (what.to_string(), pct);
        }
    }

    fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

async fn open(g: &Global) -> anyhow::Result<Db> {
    let url = match &g.database_url {
        Some(u) => u.clone(),
        None => {
            std::fs::create_dir_all(&g.data_dir)
                .with_context(|| format!("无法创建数据目录 {}", g.data_dir.display()))?;
            shegong_store::db::sqlite_url(&g.data_dir)
        }
    };
    let db = Db::connect(&url).await?;
    db.migrate().await?;
    Ok(db)
}

async fn load_demo(db: &Db, province: &str, seed: u64) -> anyhow::Result<()> {
    let p = Progress::new();
    let started = std::time::Instant::now();
    let opts = demo::DemoOptions {
        province: province.into(),
        seed,
        today: chrono::Utc::now().date_naive(),
        only_counties: vec![],
    };
    let s = demo::load(db, &opts, &|d, t, w| p.update(d, t, w)).await?;
    p.finish();
    println!(
        "已载入演示省份 {}：区划 {} 个（社区 {}，网格 {}），在岗社区工作者 {} 人，已退出 {} 人，用时 {:.1} 秒",
        demo::province_name(province).unwrap_or_default(),
        s.regions,
        s.communities,
        s.grids,
        s.workers_active,
        s.workers_exited,
        started.elapsed().as_secs_f64()
    );
    println!("演示账号（用户名 / 角色 / 密码）：");
    for (u, r, pw) in &s.logins {
        println!("  {u:<10} {r:<16} {pw}");
    }
    Ok(())
}

async fn healthcheck(url: &str) -> anyhow::Result<()> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url.strip_prefix("http://").context("只支持 http:// 地址")?;
    let host = rest.split('/').next().unwrap_or(rest);
    let mut s = tokio::time::timeout(std::time::Duration::from_secs(5), tokio::net::TcpStream::connect(host))
        .await
        .context("连接超时")??;
    s.write_all(format!("GET /healthz HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes())
        .await?;
    let mut buf = Vec::new();
    tokio::time::timeout(std::time::Duration::from_secs(5), s.read_to_end(&mut buf))
        .await
        .context("读取超时")??;
    let text = String::from_utf8_lossy(&buf);
    anyhow::ensure!(
        text.starts_with("HTTP/1.1 200"),
        "服务异常：{}",
        text.lines().next().unwrap_or("")
    );
    println!("ok");
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,sea_orm=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let matches = Cli::command().get_matches();
    let mut cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    apply_config_file(&mut cli, &matches)?;
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
        } => {
            let db = open(g).await?;
            if with_demo {
                if demo::is_empty(&db).await? {
                    load_demo(&db, &province, seed).await?;
                } else {
                    println!(
                        "数据库已有数据，未重新载入演示数据（演示账号密码：{}）",
                        demo::DEMO_PASSWORD
                    );
                }
            }
            let settings = shegong_web::Settings {
                secure_cookies,
                token_days,
                upload_retention_days,
            };
            shegong_web::serve(db, &bind, settings).await
        }
        Command::Migrate => {
            open(g).await?;
            println!("数据库迁移完成");
            Ok(())
        }
        Command::Demo { province, seed } => {
            let db = open(g).await?;
            anyhow::ensure!(demo::is_empty(&db).await?, "数据库已有数据；演示数据只能载入空数据库");
            load_demo(&db, &province, seed).await
        }
        Command::Backup { out } => {
            let db = open(g).await?;
            db.backup_sqlite(&out).await?;
            println!("已备份到 {}", out.display());
            Ok(())
        }
        Command::Healthcheck { url } => healthcheck(&url).await,
        Command::User {
            command:
                UserCommand::Add {
                    username,
                    role,
                    region,
                    id_number,
                    display_name,
                    password_stdin: _,
                },
        } => {
            let password = read_password()?;
            let db = open(g).await?;
            let new = users::NewUser {
                username,
                display_name,
                role,
                region,
                password,
                id_number,
            };
            let u = users::create(&db, None, &shegong_store::audit::Actor::system(), new)
                .await
                .map_err(describe)?;
            println!("已创建用户 {}（{}，{}）", u.username, u.role, u.region_code);
            Ok(())
        }
        Command::User {
            command:
                UserCommand::SetPassword {
                    username,
                    password_stdin: _,
                    must_change,
                },
        } => {
            let password = read_password()?;
            let db = open(g).await?;
            let u = users::set_password(&db, &username, &password, must_change)
                .await
                .map_err(describe)?;
            println!(
                "已设置用户 {} 的密码{}",
                u.username,
                if must_change { "，下次登录时须修改" } else { "" }
            );
            Ok(())
        }
        Command::Policy { command } => policy_command(g, command).await,
        Command::Import { file, region, dry_run } => import_command(g, &file, &region, dry_run).await,
        Command::Regions {
            command: RegionsCommand::Import { file },
        } => {
            let text = std::fs::read_to_string(&file).with_context(|| format!("无法读取 {}", file.display()))?;
            let rows = regions::parse_csv(&text).map_err(describe)?;
            let db = open(g).await?;
            let p = Progress::new();
            let total = rows.len() as u64;
            let n = regions::import(&db, rows, &|d| p.update(d as u64, total, "区划"))
                .await
                .map_err(describe)?;
            p.finish();
            println!("已导入区划 {n} 条");
            Ok(())
        }
    }
}

/// A password from standard input (one line; the line end is not part of it).
fn read_password() -> anyhow::Result<String> {
    let mut password = String::new();
    std::io::stdin()
        .take(4096)
        .read_to_string(&mut password)
        .context("无法从标准输入读取密码")?;
    Ok(password.trim_end_matches(['\r', '\n']).to_string())
}

async fn import_command(g: &Global, file: &std::path::Path, region: &str, dry_run: bool) -> anyhow::Result<()> {
    use shegong_store::imports;
    let code = shegong_domain::RegionCode::parse(region).map_err(|e| anyhow::anyhow!(e.message))?;
    let scope = shegong_domain::Scope::Region(code);
    let bytes = std::fs::read(file).with_context(|| format!("无法读取 {}", file.display()))?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let db = open(g).await?;
    let p = Progress::new();
    let started = std::time::Instant::now();
    p.update(0, 3, "读取");
    let table = imports::read_table(&name, &bytes).map_err(describe)?;
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
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
        (
            imports::check(&db.conn, &scope, &table, today)
                .await
                .map_err(describe)?,
            None,
        )
    } else {
        imports::commit(&db, &access, &table, today, &|d, t| {
            p.update(d as u64, t as u64, "导入")
        })
        .await
        .map_err(describe)?
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
        (false, _) => anyhow::bail!(
            "{} 行中有 {} 处错误，未导入，未作任何修改",
            checked.rows,
            checked.errors.len()
        ),
        (true, None) => {
            println!(
                "检查通过：{} 行（其中 {} 人已有档案，导入时更新），用时 {secs:.1} 秒；去掉 --dry-run 即可导入",
                checked.rows, checked.existing
            );
            Ok(())
        }
        (true, Some(c)) => {
            println!(
                "已导入 {} 行：新建 {}，更新 {}，未变 {}，用时 {secs:.1} 秒",
                checked.rows, c.created, c.updated, c.unchanged
            );
            Ok(())
        }
    }
}

async fn policy_command(g: &Global, command: PolicyCommand) -> anyhow::Result<()> {
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
            let a = policies::apply(&db, &access, code.as_str(), &name, from)
                .await
                .map_err(describe)?;
            println!(
                "区划 {} 自 {} 起适用政策 {} v{}",
                a.region_code, a.effective_from, a.policy_name, a.policy_version
            );
            Ok(())
        }
    }
}

/// Settings a configuration file may hold. Layers: built-in defaults < file < `SHEGONG_*`
/// environment < command line.
#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    bind: Option<String>,
    secure_cookies: Option<bool>,
    token_days: Option<u32>,
    upload_retention_days: Option<u32>,
}

fn from_default(m: &clap::ArgMatches, id: &str) -> bool {
    matches!(m.value_source(id), None | Some(ValueSource::DefaultValue))
}

fn apply_config_file(cli: &mut Cli, matches: &clap::ArgMatches) -> anyhow::Result<()> {
    let explicit = cli.global.config.clone();
    let path = explicit
        .clone()
        .unwrap_or_else(|| cli.global.data_dir.join("shegong.toml"));
    if explicit.is_none() && !path.exists() {
        return Ok(());
    }
    let text = std::fs::read_to_string(&path).with_context(|| format!("无法读取配置文件 {}", path.display()))?;
    let file: FileConfig =
        toml::from_str(&text).map_err(|e| anyhow::anyhow!("配置文件 {} 有误：{e}", path.display()))?;
    if let Some(d) = file.data_dir
        && from_default(matches, "data_dir")
    {
        cli.global.data_dir = d;
    }
    if let Some(u) = file.database_url
        && from_default(matches, "database_url")
    {
        cli.global.database_url = Some(u);
    }
    let serve = matches.subcommand_matches("serve");
    let unset = |id: &str| serve.is_some_and(|m| from_default(m, id));
    if let Command::Serve {
        bind,
        secure_cookies,
        token_days,
        upload_retention_days,
        ..
    } = &mut cli.command
    {
        if let Some(b) = file.bind
            && unset("bind")
        {
            *bind = b;
        }
        if let Some(v) = file.secure_cookies
            && unset("secure_cookies")
        {
            *secure_cookies = v;
        }
        if let Some(v) = file.token_days
            && unset("token_days")
        {
            anyhow::ensure!(
                (1..=3650).contains(&v),
                "配置文件 {} 有误：token_days 应为1至3650",
                path.display()
            );
            *token_days = v;
        }
        if let Some(v) = file.upload_retention_days
            && unset("upload_retention_days")
        {
            anyhow::ensure!(
                (1..=3650).contains(&v),
                "配置文件 {} 有误：upload_retention_days 应为1至3650",
                path.display()
            );
            *upload_retention_days = v;
        }
    }
    Ok(())
}

/// A storage error as the operator should read it.
fn describe(e: shegong_store::StoreError) -> anyhow::Error {
    use shegong_store::StoreError as E;
    match e {
        E::Invalid(errs) => anyhow::anyhow!(errs.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("\n")),
        E::Conflict(e) => anyhow::anyhow!(e.message),
        other => anyhow::anyhow!(other),
    }
}
