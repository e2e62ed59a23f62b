//! `citypair generate`: a seeded synthetic call as a call-and-cities JSON document.

use std::io::Write;

use citypair::{io, synthetic};

/// Writes the document for `eu` EU and `partners` partner cities from `seed` to `out`, one
/// city at a time (a call of any size needs no more memory than one city): the same
/// arguments give the same bytes.
pub(crate) fn write(
    eu: usize,
    partners: usize,
    seed: u64,
    mut out: impl Write,
) -> std::io::Result<()> {
    let (call, cities) = synthetic::stream(eu, partners, seed);
    io::write_dataset_json(&call, cities, &mut out)?;
    out.write_all(b"\n")?;
    out.flush()
}
