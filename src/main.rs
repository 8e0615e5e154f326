//! The `reallot` command: parse, run, map errors to the documented exit codes.

use std::process::ExitCode;

use clap::Parser;

// A million-row instance file means millions of small allocations; mimalloc makes them
// (and freeing them) several times cheaper than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // mimalloc asks the kernel for transparent huge pages; where the kernel compacts memory
    // to make them on a page fault (`defrag = madvise`, the usual default), a run stalls in
    // the kernel at random: on M's 60-month term the kernel's time varied from 0.05 to
    // 0.43 s a run, with 2 MB zeroed per fault. Without them each run spends the same
    // small time there (README, "Performance"). A kernel without the setting is no error.
    let _ = rustix::thread::disable_transparent_huge_pages(true);
    // Step timings and other diagnostics: `RUST_LOG=reallot=debug`.
    env_logger::Builder::from_env(env_logger::Env::default()).init();
    let args = reallot::cli::Args::parse();
    match reallot::cli::run(args) {
        Ok(code) => ExitCode::from(code as u8),
        Err(e) => {
            // A closed pipe (e.g. `reallot check | head`) is not a failure.
            if let reallot::error::Error::Io { source, .. } = &e {
                if source.kind() == std::io::ErrorKind::BrokenPipe {
                    return ExitCode::SUCCESS;
                }
            }
            eprintln!("reallot: {e}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
