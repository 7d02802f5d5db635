//! How the process takes memory from the system, set once at start by the binary and by the
//! benchmarks (so that their figures are the binary's).

/// Turns transparent huge pages off for this process (Linux; elsewhere nothing). mimalloc gives
/// memory it has not used for a second back to the system and takes it again as it is needed;
/// with huge pages allowed the kernel zeroes two megabytes at each fault, and that was a quarter of
/// the demo load's time in the kernel: 5.0 s of system time against 2.8 s without, the load about
/// 2 s shorter (three runs each on a 2-core machine, `MIMALLOC_ALLOW_THP=0` for the same effect).
pub fn no_huge_pages() {
    // A kernel without the switch refuses it, which leaves things as they were.
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
}
