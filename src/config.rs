//! The configuration file (TOML): values it gives where the command line and the environment gave none.
use crate::cli::Cli;
use crate::cli::Command;

use anyhow::Context;
use clap::parser::ValueSource;
use std::path::PathBuf;

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
    figures_stale_secs: Option<u64>,
    pdf_font: Option<PathBuf>,
}

fn from_default(m: &clap::ArgMatches, id: &str) -> bool {
    matches!(m.value_source(id), None | Some(ValueSource::DefaultValue))
}

pub(crate) fn apply_config_file(cli: &mut Cli, matches: &clap::ArgMatches) -> anyhow::Result<()> {
    let explicit = cli.global.config.clone();
    let path = explicit.clone().unwrap_or_else(|| cli.global.data_dir.join("shegong.toml"));
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
        figures_stale_secs,
        pdf_font,
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
            anyhow::ensure!((1..=3650).contains(&v), "配置文件 {} 有误：token_days 应为1至3650", path.display());
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
        if let Some(v) = file.figures_stale_secs
            && unset("figures_stale_secs")
        {
            anyhow::ensure!(v <= 60, "配置文件 {} 有误：figures_stale_secs 应为0至60", path.display());
            *figures_stale_secs = v;
        }
        if let Some(v) = file.pdf_font
            && unset("pdf_font")
        {
            *pdf_font = Some(v);
        }
    }
    Ok(())
}
