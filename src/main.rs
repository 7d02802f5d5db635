//! `shegong`: one binary for the server and the operator's commands. Everything lives in the
//! library crates; this crate parses the command line (`cli`), reads the configuration file
//! (`config`) and runs the command (`commands`).

mod cli;
mod commands;
mod config;

use clap::{CommandFactory, FromArgMatches};

/// mimalloc: glibc's allocator spent a quarter of the demo load in malloc and free.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    shegong_store::process::no_huge_pages();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,sea_orm=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let matches = cli::Cli::command().get_matches();
    let mut cli = cli::Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    config::apply_config_file(&mut cli, &matches)?;
    commands::run(cli).await
}
