//! `citypair generate`: a seeded synthetic call as a call-and-cities JSON document.

use citypair::{io, synthetic, Result};

/// The document for `eu` EU and `partners` partner cities from `seed`: the same arguments
/// give the same bytes. An error naming the size, never an abort, when the cities do not fit
/// in memory.
pub(crate) fn command(eu: usize, partners: usize, seed: u64) -> Result<String> {
    let mut text = io::dataset_json(&synthetic::try_call(eu, partners, seed)?).to_string();
    text.push('\n');
    Ok(text)
}
