//! The `citypair` command-line tool (in progress).
fn main() {}
