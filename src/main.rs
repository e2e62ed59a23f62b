//! The `citypair` command-line tool; see the README or `citypair --help`.

fn main() -> std::process::ExitCode {
    citypair::cli::main()
}
