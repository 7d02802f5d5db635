//! How fast hostile uploads are refused, and the peak memory while reading them:
//!   cargo bench -p shegong-store --bench uploads
//! Each file of `testing::hostile::files()` is read 5 times; the slowest refusal is printed.

/// The allocator the binary ships with (see `src/main.rs`), so that the figures are its figures.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use shegong_store::imports::read_table;
use std::time::{Duration, Instant};

fn peak_mb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}

fn main() {
    shegong_store::process::no_huge_pages();
    let files = shegong_store::testing::hostile::files();
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let mut worst = Duration::ZERO;
    for (name, bytes) in &files {
        let mut slowest = Duration::ZERO;
        let mut reason = String::new();
        for _ in 0..5 {
            let t = Instant::now();
            let r = read_table(name, bytes);
            slowest = slowest.max(t.elapsed());
            reason = match r {
                Err(e) => format!("{e:?}").chars().take(60).collect(),
                Ok(_) => "ACCEPTED".into(),
            };
        }
        worst = worst.max(slowest);
        println!(
            "{name:<15} {:>9} bytes  refused in at most {:>7.1} ms  ({reason}…)",
            bytes.len(),
            slowest.as_secs_f64() * 1000.0
        );
        assert!(reason != "ACCEPTED", "{name} was accepted");
    }
    println!(
        "slowest refusal {:.1} ms (target < 1 s); peak resident memory while reading {} MB (target < 300 MB)",
        worst.as_secs_f64() * 1000.0,
        peak_mb()
    );
}
