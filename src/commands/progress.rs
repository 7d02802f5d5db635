//! A progress bar on a terminal, plain lines elsewhere.

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Mutex;

/// A progress bar on a terminal, plain log lines otherwise.
pub(crate) struct Progress {
    bar: Option<ProgressBar>,
    last: Mutex<(String, u64)>,
}

impl Progress {
    pub(crate) fn new() -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let b = ProgressBar::new(0);
            b.set_style(
                ProgressStyle::with_template("{msg:8} [{bar:40}] {pos}/{len} ({elapsed})").expect("valid template"),
            );
            b
        });
        Self { bar, last: Mutex::new((String::new(), 0)) }
    }

    pub(crate) fn update(&self, done: u64, total: u64, what: &str) {
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

    pub(crate) fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}
