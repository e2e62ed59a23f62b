//! The `citypair` command-line tool; see the README or `citypair --help`.
//!
//! A thin layer over the library's public API (module tree `cli`, private to the binary), built
//! with the `cli` feature (on by default).

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
