//! The `reallot` command: parse, run, map errors to the documented exit codes.

use std::process::ExitCode;

use clap::Parser;

// A million-row instance file means millions of small allocations; mimalloc makes them
// (and freeing them) several times cheaper than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
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
