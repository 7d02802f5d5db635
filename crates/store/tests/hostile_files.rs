//! Files made to bring a server down are refused with a zh-CN reason, without allocating what they
//! announce: a 2 KB workbook whose used range reaches XFD1048576, a megabyte shared string referenced
//! from a thousand rows, a shared-string table announcing a trillion entries, a zip entry inflating
//! past the cap, a CSV of 200,000 rows and a cell past the length limit. Peak memory while reading
//! all of them stays under 300 MB. (How fast they are refused: `cargo bench --bench uploads`.)

use shegong_store::StoreError;
use shegong_store::imports::read_table;
use shegong_store::testing::hostile;

fn refused(name: &str, bytes: &[u8]) -> String {
    match read_table(name, bytes) {
        Err(StoreError::Invalid(e)) => e[0].message.clone(),
        Err(other) => panic!("{name}: refused with {other:?}, not a reason for the user"),
        Ok(t) => panic!("{name}: read {} rows instead of being refused", t.rows.len()),
    }
}

/// Peak resident memory of this process since the last reset, in MB (Linux).
fn peak_mb() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse::<u64>().ok().map(|kb| kb / 1024)
}

#[test]
fn hostile_files_are_refused_in_bounded_memory() {
    let files = hostile::files();
    // Reset the peak so that only the reading counts (ignored where the kernel does not allow it).
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let expected = [
        ("sst-quoted.xlsx", "文件内容过多", 4096),
        ("sst-case.xlsx", "文件内容过多", 4096),
        ("sst-comment.xlsx", "文件内容过多", 8192),
        ("sst-prefix.xlsx", "文件内容过多", 4096),
        ("styles.xlsx", "文件内容过多", 2 << 20),
        ("far.xlsx", "100000行", 4096),
        ("strings.xlsx", "2000个字", 64 << 10),
        ("announced.xlsx", "文件内容过多", 4096),
        ("bomb.xlsx", "文件内容过多", 2 << 20),
        ("rows.csv", "100000行", usize::MAX),
        ("long.csv", "第2行第1列", usize::MAX),
    ];
    for ((name, bytes), (want_name, says, max_size)) in files.iter().zip(expected) {
        assert_eq!(*name, want_name);
        assert!(bytes.len() < max_size, "{name} is {} bytes", bytes.len());
        let msg = refused(name, bytes);
        assert!(msg.contains(says), "{name}: {msg}");
    }
    if let Some(mb) = peak_mb() {
        eprintln!("peak resident memory while reading: {mb} MB");
        assert!(mb < 300, "peak resident memory {mb} MB");
    }
}
