//! Seeded generators of synthetic calls and cost matrices, for benchmarks, tests and
//! `citypair bench`.
//!
//! Everything here is reproducible: the same arguments give the same data (for a given version
//! of citypair). Generated calls look like real ones: EU cities spread over member states in
//! proportion to their number of cities above 50,000 inhabitants, populations drawn from a
//! Pareto (Zipf-like) law with a floor of 50,000 so that about half are below 100,000, skewed
//! challenge profiles (a few pressing themes per city) and sparse expertise.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::error::{Buffer, Error, Result};
use crate::model::{Call, City, Country, Dataset, Date, Profile, Theme};

/// EU member states (2017) with rough weights: their number of cities above 50,000 inhabitants
/// (Eurostat city statistics, rounded; see `../shared/research/IUC-domain.md` section 4.1).
const EU_WEIGHTS: [(&str, u32); 28] = [
    ("DE", 127),
    ("ES", 115),
    ("FR", 85),
    ("IT", 80),
    ("GB", 90),
    ("PL", 65),
    ("NL", 40),
    ("RO", 37),
    ("PT", 20),
    ("HU", 19),
    ("CZ", 18),
    ("BG", 18),
    ("SE", 13),
    ("BE", 12),
    ("GR", 10),
    ("FI", 9),
    ("SK", 8),
    ("AT", 6),
    ("LT", 6),
    ("HR", 6),
    ("IE", 5),
    ("DK", 4),
    ("LV", 4),
    ("EE", 3),
    ("SI", 2),
    ("CY", 2),
    ("LU", 1),
    ("MT", 1),
];

/// The ten partner countries of the 2017 call with rough weights (large cities per country).
const PARTNER_WEIGHTS: [(&str, u32); 10] = [
    ("US", 30),
    ("IN", 30),
    ("BR", 20),
    ("JP", 15),
    ("MX", 12),
    ("CO", 8),
    ("AR", 6),
    ("CA", 6),
    ("PE", 5),
    ("CL", 4),
];

fn country(code: &str) -> Country {
    // The tables above hold valid two-letter codes only.
    code.parse()
        .unwrap_or_else(|_| unreachable!("bad table code {code}"))
}

fn pick<'a>(rng: &mut StdRng, table: &'a [(&'a str, u32)]) -> &'a str {
    let total: u32 = table.iter().map(|&(_, w)| w).sum();
    let mut x = rng.gen_range(0..total);
    for &(code, w) in table {
        if x < w {
            return code;
        }
        x -= w;
    }
    table[table.len() - 1].0
}

/// A skewed profile: each theme `u³` for uniform `u`, so a few themes dominate.
fn skewed(rng: &mut StdRng, density: f64) -> Profile {
    let mut values = [0.0; Theme::COUNT];
    for v in &mut values {
        if rng.gen_bool(density) {
            let u: f64 = rng.gen();
            // Three decimals, as hand-made profiles are.
            *v = (u * u * u * 1000.0).round() / 1000.0;
        }
    }
    Profile::new(values).unwrap_or_default()
}

fn city(rng: &mut StdRng, id: String, code: &str, floor: f64) -> City {
    // Pareto with shape 1.1 above the floor: half the cities below about 1.9 x floor.
    let u: f64 = rng.gen_range(1e-9..1.0);
    let population = (floor * u.powf(-1.0 / 1.1)).min(4e7) as u64;
    let lat = rng.gen_range(-60.0..70.0);
    let lon = rng.gen_range(-180.0..180.0);
    let challenges = skewed(rng, 0.8);
    let expertise = skewed(rng, 0.3);
    City::builder(id.clone(), id, country(code), population)
        .coordinates(lat, lon)
        .challenges(challenges)
        .expertise(expertise)
        .build()
        .unwrap_or_else(|e| unreachable!("generated cities are valid: {e}"))
}

/// A synthetic call of the 2017 kind with `eu` EU cities and `partners` partner cities, all
/// eligible. Ids are `eu-000000`... and `p-000000`...; the same arguments give the same call.
///
/// ```
/// use citypair::{synthetic, Pairing, Objective};
/// let call = synthetic::call(50, 30, 7);
/// assert_eq!(call.cities().len(), 80);
/// let s = Pairing::new(&call)?.solve(Objective::Sum)?;
/// assert_eq!(s.pairs.len(), 30);
/// # Ok::<(), citypair::Error>(())
/// ```
///
/// # Panics
/// When the cities cannot be allocated; [`try_call`] returns an error instead.
pub fn call(eu: usize, partners: usize, seed: u64) -> Dataset {
    try_call(eu, partners, seed).unwrap_or_else(|e| panic!("{e}"))
}

/// [`call`], with an [`Error::OutOfMemory`] instead of a panic (or an abort) when the cities
/// cannot be allocated (`citypair generate` uses it).
///
/// ```
/// let e = citypair::synthetic::try_call(1 << 60, 1 << 60, 1).unwrap_err();
/// assert!(e.to_string().contains("not enough memory"), "{e}");
/// # Ok::<(), citypair::Error>(())
/// ```
///
/// # Errors
/// [`Error::OutOfMemory`] ([`Buffer::Cities`]) when `eu + partners` cities do not fit in
/// memory.
pub fn try_call(eu: usize, partners: usize, seed: u64) -> Result<Dataset> {
    let too_many = || Error::OutOfMemory {
        what: Buffer::Cities,
        rows: eu,
        cols: partners,
        bytes: (eu as u128 + partners as u128) * size_of::<City>() as u128,
    };
    let mut cities = Vec::new();
    cities
        .try_reserve_exact(eu.checked_add(partners).ok_or_else(too_many)?)
        .map_err(|_| too_many())?;
    let (call, all) = stream(eu, partners, seed);
    cities.extend(all);
    // Ids are numbered, so they are unique.
    Ok(Dataset::new(call, cities).unwrap_or_else(|e| unreachable!("{e}")))
}

/// The call of [`call`] and its cities one at a time, in the same order, without holding
/// them: for writing calls of any size ([`crate::io::write_dataset_json`], `citypair
/// generate`).
///
/// ```
/// let (call, cities) = citypair::synthetic::stream(50, 30, 7);
/// let whole = citypair::synthetic::call(50, 30, 7);
/// assert_eq!(&call, whole.call());
/// assert!(cities.eq(whole.cities().iter().cloned()));
/// ```
pub fn stream(eu: usize, partners: usize, seed: u64) -> (Call, impl Iterator<Item = City>) {
    let mut rng = StdRng::seed_from_u64(seed);
    let call = Call::builder(
        format!("synthetic {eu} x {partners} (seed {seed})"),
        Date::known(2017, 9, 21),
    )
    .partner_countries(PARTNER_WEIGHTS.iter().map(|&(c, _)| country(c)))
    .build()
    .unwrap_or_else(|e| unreachable!("the generated call is valid: {e}"));
    let cities = (0..eu)
        .map(|k| (format!("eu-{k:06}"), &EU_WEIGHTS[..], 50_000.0))
        .chain((0..partners).map(|k| (format!("p-{k:06}"), &PARTNER_WEIGHTS[..], 80_000.0)))
        .map(move |(id, table, floor)| {
            let code = pick(&mut rng, table);
            city(&mut rng, id, code, floor)
        });
    (call, cities)
}

/// Families of generated cost matrices, as in `../shared/tools/vs_peers.py`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    /// Uniform floats in `[0, 1)`.
    Uniform,
    /// `1 -` cosine similarity of skewed 15-theme profiles (each entry `u³`).
    Profile,
    /// Integers `0..=100`: many ties.
    Int100,
    /// Euclidean distances between uniform points of the unit square.
    Geo,
}

impl Family {
    /// Every family.
    pub const ALL: [Family; 4] = [
        Family::Uniform,
        Family::Profile,
        Family::Int100,
        Family::Geo,
    ];

    /// The family's name: `uniform`, `profile`, `int100` or `geo`.
    pub const fn name(self) -> &'static str {
        match self {
            Family::Uniform => "uniform",
            Family::Profile => "profile",
            Family::Int100 => "int100",
            Family::Geo => "geo",
        }
    }
}

/// A `rows x cols` row-major cost matrix of `family`, reproducible from `seed`.
///
/// ```
/// use citypair::synthetic::{matrix, Family};
/// let m = matrix(Family::Int100, 3, 4, 1);
/// assert_eq!(m.len(), 12);
/// assert!(m.iter().all(|&x| x.fract() == 0.0 && (0.0..=100.0).contains(&x)));
/// assert_eq!(m, matrix(Family::Int100, 3, 4, 1));
/// ```
///
/// # Panics
/// When the matrix cannot be allocated; [`try_matrix`] returns an error instead.
pub fn matrix(family: Family, rows: usize, cols: usize, seed: u64) -> Vec<f64> {
    try_matrix(family, rows, cols, seed).unwrap_or_else(|e| panic!("{e}"))
}

/// [`matrix`], with an [`Error::OutOfMemory`] instead of a panic (or an abort) when the
/// `rows x cols` entries cannot be allocated (`citypair bench` uses it).
///
/// # Errors
/// [`Error::OutOfMemory`] ([`Buffer::CostMatrix`]).
pub fn try_matrix(family: Family, rows: usize, cols: usize, seed: u64) -> Result<Vec<f64>> {
    let mut out = rows
        .checked_mul(cols)
        .and_then(crate::memory::with_capacity)
        .ok_or_else(|| Error::out_of_memory(Buffer::CostMatrix, rows, cols, size_of::<f64>()))?;
    let mut rng = StdRng::seed_from_u64(seed);
    match family {
        Family::Uniform => out.extend((0..rows * cols).map(|_| rng.gen::<f64>())),
        Family::Int100 => {
            out.extend((0..rows * cols).map(|_| f64::from(rng.gen_range(0u32..=100))));
        }
        Family::Geo => {
            let mut pts = |k: usize| -> Vec<(f64, f64)> {
                (0..k)
                    .map(|_| (rng.gen::<f64>(), rng.gen::<f64>()))
                    .collect()
            };
            let (a, b) = (pts(rows), pts(cols));
            out.extend(
                a.iter()
                    .flat_map(|p| b.iter().map(move |q| (p.0 - q.0).hypot(p.1 - q.1))),
            );
        }
        Family::Profile => {
            let mut profiles = |k: usize| -> Vec<[f64; Theme::COUNT]> {
                (0..k)
                    .map(|_| {
                        let mut v = [0.0; Theme::COUNT];
                        for x in &mut v {
                            let u: f64 = rng.gen();
                            *x = u * u * u;
                        }
                        let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt();
                        if norm > 0.0 {
                            for x in &mut v {
                                *x /= norm;
                            }
                        }
                        v
                    })
                    .collect()
            };
            let (a, b) = (profiles(rows), profiles(cols));
            out.extend(a.iter().flat_map(|p| {
                b.iter()
                    .map(move |q| 1.0 - p.iter().zip(q).map(|(x, y)| x * y).sum::<f64>())
            }));
        }
    }
    Ok(out)
}

/// A random city for unit tests: challenge and expertise profiles of density 0.6 and 0.3, with
/// values on the grid `{0, ¼, ½, ¾, 1}` and populations from four values when `coarse` (many
/// ties), uniform otherwise.
#[cfg(test)]
pub(crate) fn test_city(rng: &mut StdRng, i: usize, coarse: bool) -> City {
    let mut profile = |density: f64| {
        let mut v = [0.0; Theme::COUNT];
        for x in &mut v {
            if rng.gen_bool(density) {
                *x = if coarse {
                    f64::from(rng.gen_range(0u8..=4)) / 4.0
                } else {
                    rng.gen_range(0.0..=1.0)
                };
            }
        }
        Profile::new(v).unwrap()
    };
    let (challenges, expertise) = (profile(0.6), profile(0.3));
    let population = if coarse {
        [0, 1, 50_000, 1_000_000][rng.gen_range(0..4)]
    } else {
        rng.gen_range(0..30_000_000)
    };
    City::builder(
        format!("c{i:04}"),
        format!("c{i}"),
        "PL".parse().unwrap(),
        population,
    )
    .challenges(challenges)
    .expertise(expertise)
    .build()
    .unwrap()
}
