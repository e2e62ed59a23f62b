//! Shared test helpers: brute-force oracles and generators.
#![allow(dead_code, unreachable_pub)]

/// Best total over all assignments of the smaller side of a `rows x cols` matrix, by brute
/// force; `None` when no complete assignment avoids the forbidden entries. `allowed(i, j)` tells
/// whether an entry may be used, `val(i, j)` its value; `better(a, b)` whether `a` beats `b`.
pub fn brute_force<T: Copy + std::ops::Add<Output = T>>(
    rows: usize,
    cols: usize,
    zero: T,
    allowed: &dyn Fn(usize, usize) -> bool,
    val: &dyn Fn(usize, usize) -> T,
    better: &dyn Fn(T, T) -> bool,
) -> Option<T> {
    #[allow(clippy::too_many_arguments)] // a recursive helper threading its whole state
    fn rec<T: Copy + std::ops::Add<Output = T>>(
        i: usize,
        n: usize,
        m: usize,
        used: &mut Vec<bool>,
        acc: T,
        allowed: &dyn Fn(usize, usize) -> bool,
        val: &dyn Fn(usize, usize) -> T,
        better: &dyn Fn(T, T) -> bool,
        best: &mut Option<T>,
    ) {
        if i == n {
            if best.is_none_or(|b| better(acc, b)) {
                *best = Some(acc);
            }
            return;
        }
        for j in 0..m {
            if !used[j] && allowed(i, j) {
                used[j] = true;
                rec(
                    i + 1,
                    n,
                    m,
                    used,
                    acc + val(i, j),
                    allowed,
                    val,
                    better,
                    best,
                );
                used[j] = false;
            }
        }
    }
    let mut best = None;
    if rows <= cols {
        rec(
            0,
            rows,
            cols,
            &mut vec![false; cols],
            zero,
            allowed,
            val,
            better,
            &mut best,
        );
    } else {
        let a = |i: usize, j: usize| allowed(j, i);
        let v = |i: usize, j: usize| val(j, i);
        rec(
            0,
            cols,
            rows,
            &mut vec![false; rows],
            zero,
            &a,
            &v,
            better,
            &mut best,
        );
    }
    best
}

/// Tiny deterministic generator (`SplitMix64`) for test data without pulling in a crate.
pub struct SplitMix(pub u64);

impl SplitMix {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

// ---------------------------------------------------------------------------------------------
// Call-and-cities datasets (tests/pairing.rs, tests/properties.rs).

/// The fifteen theme keys of the contract, in the crate's canonical order.
pub const THEME_KEYS: [&str; 15] = [
    "air_quality",
    "circular_economy",
    "climate_adaptation",
    "digital_transition",
    "energy_transition",
    "housing",
    "migrant_inclusion",
    "public_procurement",
    "jobs_and_skills",
    "land_use_and_nature",
    "urban_mobility",
    "urban_poverty",
    "cultural_heritage",
    "public_space_security",
    "water_and_sanitation",
];

/// EU member states (on every date from 2004-05-01 on) used by the generators.
pub const EU_COUNTRIES: [&str; 8] = ["PL", "DE", "FR", "IT", "ES", "NL", "SE", "PT"];

/// Partner countries used by the generators.
pub const PARTNER_COUNTRIES: [&str; 6] = ["BR", "AR", "US", "JP", "IN", "MX"];

/// One city as a JSON value; `expertise` is left out when empty.
#[cfg(feature = "serde")]
pub fn city_value(
    id: &str,
    country: &str,
    population: u64,
    challenges: &[(&str, f64)],
    expertise: &[(&str, f64)],
) -> serde_json::Value {
    let profile = |pairs: &[(&str, f64)]| {
        serde_json::Value::Object(
            pairs
                .iter()
                .map(|&(k, v)| (k.to_owned(), serde_json::json!(v)))
                .collect(),
        )
    };
    let mut city = serde_json::json!({
        "id": id,
        "name": format!("City {id}"),
        "country": country,
        "population": population,
        "challenges": profile(challenges),
    });
    if !expertise.is_empty() {
        city["expertise"] = profile(expertise);
    }
    city
}

/// A call-and-cities document as JSON text. `min_population: None` leaves the field out (the
/// default, 50000, applies).
#[cfg(feature = "serde")]
pub fn call_text(
    date: &str,
    min_population: Option<u64>,
    partner_countries: &[&str],
    cities: &[serde_json::Value],
) -> String {
    let mut call = serde_json::json!({
        "name": "Test call",
        "date": date,
        "partner_countries": partner_countries,
    });
    if let Some(m) = min_population {
        call["min_population"] = serde_json::json!(m);
    }
    serde_json::to_string_pretty(&serde_json::json!({"call": call, "cities": cities})).unwrap()
}

/// Fisher-Yates shuffle driven by [`SplitMix`].
pub fn shuffle<T>(rng: &mut SplitMix, v: &mut [T]) {
    for i in (1..v.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        v.swap(i, j);
    }
}

/// A random sparse profile: each theme present with probability `density`; values are either
/// coarse (tenths, so that ties happen) or arbitrary in [0, 1].
pub fn random_profile(rng: &mut SplitMix, density: f64) -> Vec<(&'static str, f64)> {
    let coarse = rng.below(2) == 0;
    THEME_KEYS
        .iter()
        .filter_map(|&k| {
            if rng.unit() >= density {
                return None;
            }
            let v = if coarse {
                rng.below(11) as f64 / 10.0
            } else {
                rng.unit()
            };
            Some((k, v))
        })
        .collect()
}

/// `n_eu` EU cities then `n_partner` partner cities with random profiles, expertise,
/// populations (all at least 50000, with repeats) and random unique ids (so that input order and
/// id order differ).
#[cfg(feature = "serde")]
pub fn random_cities(rng: &mut SplitMix, n_eu: usize, n_partner: usize) -> Vec<serde_json::Value> {
    let populations = [50_000, 120_000, 534_813, 1_000_000];
    (0..n_eu + n_partner)
        .map(|k| {
            let country = if k < n_eu {
                EU_COUNTRIES[rng.below(EU_COUNTRIES.len() as u64) as usize]
            } else {
                PARTNER_COUNTRIES[rng.below(PARTNER_COUNTRIES.len() as u64) as usize]
            };
            let id = format!("{:03x}-{k}", rng.below(4096));
            let population = if rng.below(2) == 0 {
                populations[rng.below(populations.len() as u64) as usize]
            } else {
                50_000 + rng.below(20_000_000)
            };
            let challenges = random_profile(rng, 0.5);
            let expertise = if rng.below(3) == 0 {
                Vec::new()
            } else {
                random_profile(rng, 0.25)
            };
            city_value(&id, country, population, &challenges, &expertise)
        })
        .collect()
}

/// A random call with `n_eu` EU and `n_partner` partner cities (dated 2017-09-21, every
/// generated city eligible).
#[cfg(feature = "serde")]
pub fn random_call(seed: u64, n_eu: usize, n_partner: usize) -> String {
    let mut rng = SplitMix(seed);
    let cities = random_cities(&mut rng, n_eu, n_partner);
    call_text("2017-09-21", None, &PARTNER_COUNTRIES, &cities)
}

/// The same call with its cities and partner countries in a shuffled order.
#[cfg(feature = "serde")]
pub fn shuffled_call(text: &str, seed: u64) -> String {
    let mut rng = SplitMix(seed);
    let mut doc: serde_json::Value = serde_json::from_str(text).unwrap();
    if let Some(cities) = doc["cities"].as_array_mut() {
        shuffle(&mut rng, cities);
    }
    if let Some(countries) = doc["call"]["partner_countries"].as_array_mut() {
        shuffle(&mut rng, countries);
    }
    serde_json::to_string(&doc).unwrap()
}

/// The JSON form of `value` with its `timings_ms` field removed (the only field allowed to
/// change between runs).
#[cfg(feature = "serde")]
pub fn without_timings<T: serde::Serialize>(value: &T) -> serde_json::Value {
    let mut v = serde_json::to_value(value).unwrap();
    if let Some(map) = v.as_object_mut() {
        map.remove("timings_ms");
    }
    v
}

/// Every assignment of the smaller side of a `rows x cols` matrix, as `(row, col)` pairs in
/// increasing row order. `min(rows, cols)! * ...` of them: keep the matrix small (<= 7).
pub fn all_assignments(rows: usize, cols: usize) -> Vec<Vec<(usize, usize)>> {
    fn rec(
        i: usize,
        n: usize,
        m: usize,
        used: &mut [bool],
        cur: &mut Vec<(usize, usize)>,
        out: &mut Vec<Vec<(usize, usize)>>,
    ) {
        if i == n {
            out.push(cur.clone());
            return;
        }
        for j in 0..m {
            if !used[j] {
                used[j] = true;
                cur.push((i, j));
                rec(i + 1, n, m, used, cur, out);
                cur.pop();
                used[j] = false;
            }
        }
    }
    let mut out = Vec::new();
    let (n, m) = (rows.min(cols), rows.max(cols));
    rec(0, n, m, &mut vec![false; m], &mut Vec::new(), &mut out);
    if rows > cols {
        for a in &mut out {
            for p in a.iter_mut() {
                *p = (p.1, p.0);
            }
            a.sort_unstable();
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Programme rules (tests/rules.rs, tests/whatif.rs).

/// Every pairing of a small call that keeps its rules (locks, forbidden pairs, minimum score,
/// capacities, quotas), with its total score (added in pair order). Unpaired cities are
/// allowed.
pub fn feasible_pairings(p: &citypair::Pairing<'_>) -> Vec<(Vec<(usize, usize)>, f64)> {
    use citypair::eligibility::Side;
    let rules = p.rules();
    let m = p.matrix().unwrap();
    let (r, c) = (m.rows(), m.cols());
    let cand: Vec<(usize, usize)> = (0..r)
        .flat_map(|i| (0..c).map(move |j| (i, j)))
        .filter(|&(i, j)| rules.is_locked(i, j) || rules.allows(i, j, m.get(i, j)))
        .collect();
    assert!(cand.len() <= 20, "too many candidate pairs for brute force");
    let mut out = Vec::new();
    for mask in 0u32..(1 << cand.len()) {
        let set: Vec<(usize, usize)> = (0..cand.len())
            .filter(|&k| mask >> k & 1 == 1)
            .map(|k| cand[k])
            .collect();
        if rules.locked.iter().any(|l| !set.contains(l)) {
            continue;
        }
        let over = (0..r).any(|i| set.iter().filter(|p| p.0 == i).count() > rules.row_cap[i])
            || (0..c).any(|j| set.iter().filter(|p| p.1 == j).count() > rules.col_cap[j]);
        if over {
            continue;
        }
        let quotas_ok = rules.quotas.iter().all(|q| {
            let n = set
                .iter()
                .filter(|&&(i, j)| q.members.contains(if q.side == Side::Eu { &i } else { &j }))
                .count();
            n >= q.min && q.max.is_none_or(|mx| n <= mx)
        });
        if quotas_ok {
            let total = set.iter().map(|&(i, j)| m.get(i, j)).sum();
            out.push((set, total));
        }
    }
    out
}

/// Random rules for a call, from a seed, over its eligible cities.
pub fn with_rules(ds: &citypair::model::Dataset, seed: u64) -> Option<citypair::model::Dataset> {
    let base = citypair::Pairing::new(ds).ok()?;
    let eu: Vec<String> = base.eu_cities().map(|c| c.id().to_owned()).collect();
    let pa: Vec<String> = base.partner_cities().map(|c| c.id().to_owned()).collect();
    let mut rng = SplitMix(seed);
    let (call, cities) = ds.clone().into_parts();
    let cities: Vec<citypair::City> = cities
        .into_iter()
        .map(|city| {
            if rng.unit() < 0.3 {
                city.into_builder().capacity(2).build().unwrap()
            } else {
                city
            }
        })
        .collect();
    let mut rules = citypair::model::Rules::default();
    if rng.unit() < 0.4 {
        let m = base.matrix().unwrap();
        let k = rng.below(m.as_slice().len() as u64) as usize;
        rules.min_score = Some(m.as_slice()[k]);
    }
    for e in &eu {
        for p in &pa {
            if rng.unit() < 0.15 {
                rules.forbidden.push((e.clone(), p.clone()));
            }
        }
    }
    for _ in 0..rng.below(3) {
        let e = &eu[rng.below(eu.len() as u64) as usize];
        let p = &pa[rng.below(pa.len() as u64) as usize];
        let pair = (e.clone(), p.clone());
        if !rules.forbidden.contains(&pair) && !rules.locked.contains(&pair) {
            rules.locked.push(pair);
        }
    }
    for codes in [["DE", "PL", "IT", "ES"], ["BR", "JP", "IN", "US"]] {
        if rng.unit() < 0.5 {
            let a = codes[rng.below(4) as usize];
            let b = codes[rng.below(4) as usize];
            let min = rng.below(3) as usize;
            let max = if rng.unit() < 0.5 {
                Some(min + rng.below(3) as usize)
            } else {
                None
            };
            let countries: Vec<citypair::model::Country> =
                [a, b].iter().map(|c| c.parse().unwrap()).collect();
            let quota = citypair::model::Quota::of_countries(countries).at_least(min);
            rules.quotas.push(match max {
                Some(max) => quota.at_most(max),
                None => quota,
            });
        }
    }
    let call = call.into_builder().rules(rules).build().unwrap();
    Some(citypair::Dataset::new(call, cities).unwrap())
}

/// A file in the temporary directory, removed when dropped; `tag` keeps the test binaries'
/// files apart.
pub struct TempFile(std::path::PathBuf);

impl TempFile {
    /// Writes `contents` to a new file whose name ends in `name`.
    pub fn new(name: &str, contents: &str) -> TempFile {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let exe = std::env::current_exe().unwrap();
        let tag = exe.file_stem().and_then(|s| s.to_str()).unwrap_or("test");
        let path =
            std::env::temp_dir().join(format!("citypair-{tag}-{}-{n}-{name}", std::process::id()));
        std::fs::write(&path, contents).unwrap();
        TempFile(path)
    }

    /// The file's path.
    pub fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Runs the `citypair` binary with `args` (and `RAYON_NUM_THREADS` unset): `(exit code,
/// stdout, stderr)`. Only test crates that require the `cli` feature call it (the binary is
/// built only with it; `option_env!` keeps the others compiling without it).
pub fn run_cli(args: &[&str]) -> (i32, String, String) {
    let Some(exe) = option_env!("CARGO_BIN_EXE_citypair") else {
        panic!("the citypair binary is not built: the test requires the cli feature");
    };
    let out = std::process::Command::new(exe)
        .args(args)
        .env_remove("RAYON_NUM_THREADS")
        .output()
        .expect("the binary runs");
    (
        out.status.code().expect("exited, not killed by a signal"),
        String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    )
}
