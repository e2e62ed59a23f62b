//! `citypair generate`: a seeded synthetic call as a call-and-cities JSON document.

use citypair::{io, synthetic};

/// The document for `eu` EU and `partners` partner cities from `seed`: the same arguments
/// give the same bytes.
pub(crate) fn command(eu: usize, partners: usize, seed: u64) -> String {
    let mut text = io::dataset_json(&synthetic::call(eu, partners, seed)).to_string();
    text.push('\n');
    text
}
