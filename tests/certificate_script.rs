//! The certificates of `pair --json`, checked by an independent script
//! (`tests/check_certificate.py`, numpy only, reading `scores --json`): on the embedded call and
//! on generated calls with capacities, forbidden pairs, `min_score`, locks, quotas, a what-if,
//! and in candidate mode; and the script must reject tampered outputs.
//!
//! The script needs `python3` with numpy (`.ci/run` installs it). Without them this test fails,
//! unless `CITYPAIR_SKIP_PYTHON=1` says to skip it.

use std::process::Command;

mod common;
use common::TempFile;

use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_citypair");
const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/check_certificate.py");

/// Runs the binary; expects exit 0 and returns stdout.
fn run(args: &[&str]) -> String {
    let out = Command::new(BIN).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Whether the script can run here; panics (fails the test) when it cannot, unless
/// `CITYPAIR_SKIP_PYTHON=1`.
fn python_ready() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import numpy"])
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        return true;
    }
    if std::env::var("CITYPAIR_SKIP_PYTHON").as_deref() == Ok("1") {
        eprintln!("python3 with numpy not found: skipped (CITYPAIR_SKIP_PYTHON=1)");
        return false;
    }
    panic!(
        "the certificate checker needs python3 with numpy: install it (python3 -m pip install \
         numpy), or set CITYPAIR_SKIP_PYTHON=1 to skip this test"
    );
}

/// Runs the script on a scores document and a pair document: its exit code and output.
fn script(scores: &str, pair: &Value) -> (i32, String) {
    let s = TempFile::new("scores.json", scores);
    let p = TempFile::new("pair.json", &pair.to_string());
    let out = Command::new("python3")
        .args([SCRIPT, s.path(), p.path()])
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

/// `scores --json` and `pair --json` (with `extra` arguments) on a call (`None`: embedded),
/// checked by the script; returns both documents.
fn checked(call: Option<&str>, extra: &[&str]) -> (String, Value) {
    let file = call.map(|c| TempFile::new("call.json", c));
    let input: Vec<&str> = file.iter().map(TempFile::path).collect();
    let scores = run(&[&["scores"], input.as_slice(), &["--json"]].concat());
    let pair: Value =
        serde_json::from_str(&run(
            &[&["pair"], input.as_slice(), extra, &["--json"]].concat()
        ))
        .unwrap();
    assert_eq!(pair["certified_optimal"], true, "{extra:?}");
    assert!(pair["certificate"].is_object());
    let (code, text) = script(&scores, &pair);
    assert_eq!(code, 0, "{extra:?}: {text}");
    assert!(text.starts_with("ok:"), "{text}");
    (scores, pair)
}

/// A generated call with rules chosen from its scores: capacities, forbidden pairs (some rows'
/// best partners), a minimum score, two locks (one below the minimum), and, with `quotas`, a
/// maximum on the partner side's largest country and a minimum on the EU side's (all its cities
/// but one), both binding on the calls below.
fn ruled_call(eu: usize, partners: usize, seed: u64, quotas: bool) -> String {
    let text = run(&[
        "generate",
        "--eu",
        &eu.to_string(),
        "--partners",
        &partners.to_string(),
        "--seed",
        &seed.to_string(),
    ]);
    let f = TempFile::new("generated.json", &text);
    let scores: Value = serde_json::from_str(&run(&["scores", f.path(), "--json"])).unwrap();
    let ids = |k: &str| -> Vec<String> {
        scores[k]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap().to_owned())
            .collect()
    };
    let (e, p) = (ids("eu"), ids("partners"));
    let s: Vec<Vec<f64>> = scores["scores"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r.as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap())
                .collect()
        })
        .collect();
    let best = |i: usize| {
        (0..p.len())
            .max_by(|&a, &b| s[i][a].total_cmp(&s[i][b]))
            .unwrap()
    };
    let worst = |i: usize| {
        (0..p.len())
            .min_by(|&a, &b| s[i][a].total_cmp(&s[i][b]))
            .unwrap()
    };
    let mut all: Vec<f64> = s.iter().flatten().copied().collect();
    all.sort_by(f64::total_cmp);
    let min_score = all[all.len() * 3 / 10];
    let forbidden: Vec<[&str; 2]> = (0..5)
        .map(|i| [e[i].as_str(), p[best(i)].as_str()])
        .collect();
    // Rows 10 and 11 are not among the forbidden ones; their locks use distinct columns.
    let (a, b) = (worst(10), best(11));
    assert_ne!(a, b);
    let locked = vec![
        [e[10].as_str(), p[a].as_str()],
        [p[b].as_str(), e[11].as_str()],
    ];
    let mut call: Value = serde_json::from_str(&text).unwrap();
    for (k, city) in call["cities"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .enumerate()
    {
        if k % 5 == 0 {
            city["capacity"] = json!(2);
        } else if k % 7 == 0 {
            city["capacity"] = json!(3);
        }
    }
    let rules = call["call"].as_object_mut().unwrap();
    rules.insert("min_score".into(), json!(min_score));
    rules.insert("forbidden".into(), json!(forbidden));
    rules.insert("locked".into(), json!(locked));
    if quotas {
        let country = |id: &str| call_country(&text, id).unwrap_or_else(|| panic!("no city {id}"));
        let most = |list: &[String]| {
            let mut counts: Vec<(usize, String)> = Vec::new();
            for id in list {
                let c = country(id);
                match counts.iter_mut().find(|x| x.1 == c) {
                    Some(x) => x.0 += 1,
                    None => counts.push((1, c)),
                }
            }
            counts.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
            counts[0].clone()
        };
        // The minimum pairs all but one of the EU country's cities: it binds.
        let ((_, top_p), (n_e, top_e)) = (most(&p), most(&e));
        rules.insert(
            "quotas".into(),
            json!([
                {"countries": [top_p], "max": 3},
                {"countries": [top_e], "min": n_e - 1},
            ]),
        );
    }
    call.to_string()
}

/// The country of a city of a call document.
fn call_country(text: &str, id: &str) -> Option<String> {
    let call: Value = serde_json::from_str(text).ok()?;
    call["cities"]
        .as_array()?
        .iter()
        .find(|c| c["id"] == id)
        .map(|c| c["country"].as_str().unwrap_or_default().to_owned())
}

#[test]
fn the_script_verifies_every_kind_of_sum_result() {
    if !python_ready() {
        return;
    }
    // The embedded call.
    checked(None, &[]);
    // Generated calls with capacities, forbidden pairs, min_score and locks; with quotas too.
    for (eu, partners, seed) in [(60, 40, 3), (35, 50, 8)] {
        let call = ruled_call(eu, partners, seed, false);
        let (_, pair) = checked(Some(&call), &[]);
        let cert = &pair["certificate"];
        assert_eq!(cert["locked"].as_array().unwrap().len(), 2);
        assert_eq!(cert["forbidden"].as_array().unwrap().len(), 5);
        assert!(cert["min_score"].is_f64());
        let quoted = ruled_call(eu, partners, seed, true);
        let (_, pair) = checked(Some(&quoted), &[]);
        let quotas = pair["certificate"]["quotas"].as_array().unwrap();
        assert_eq!(quotas.len(), 2);
        // The maximum binds: its dual is positive. On the first call (more EU cities than
        // partner cities) the minimum binds too (the lexicographic network's case).
        assert!(quotas[0]["y_max"].as_f64().unwrap() > 0.0, "{quotas:?}");
        if eu > partners {
            assert!(quotas[1]["y_min"].as_f64().unwrap() > 0.0, "{quotas:?}");
        }
        // A what-if on the ruled call: the withdrawn city has capacity 0 in the certificate.
        let locked: Vec<&Value> = pair["certificate"]["locked"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|l| l.as_array().unwrap())
            .collect();
        let who = pair["certificate"]["pairs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| &x["partner"])
            .find(|x| !locked.contains(x))
            .and_then(Value::as_str)
            .unwrap()
            .to_owned();
        let (_, changed) = checked(Some(&quoted), &["--without", &who]);
        assert_eq!(changed["certificate"]["capacities"]["partner"][&who], 0);
    }
    // Candidate mode, on a wide and a tall call, and a square one.
    for (eu, partners, seed, k) in [(150, 90, 1, "2"), (80, 120, 2, "1"), (60, 60, 3, "4")] {
        let call = run(&[
            "generate",
            "--eu",
            &eu.to_string(),
            "--partners",
            &partners.to_string(),
            "--seed",
            &seed.to_string(),
        ]);
        checked(Some(&call), &["--candidates", k]);
        checked(Some(&call), &[]);
    }
}

#[test]
fn the_script_rejects_tampered_outputs() {
    if !python_ready() {
        return;
    }
    let call = ruled_call(60, 40, 3, true);
    let (scores, pair) = checked(Some(&call), &[]);
    let rejects = |doc: &Value, needle: &str| {
        let (code, text) = script(&scores, doc);
        assert_eq!(code, 1, "tampered output accepted: {text}");
        assert!(
            text.contains("FAIL") && text.contains(needle),
            "{needle}: {text}"
        );
    };
    // Bump one u of a paired EU city: not tight, and the totals differ.
    let mut bumped = pair.clone();
    let eu = pair["certificate"]["pairs"][0]["eu"].as_str().unwrap();
    let u = bumped["certificate"]["eu"][eu].as_f64().unwrap();
    bumped["certificate"]["eu"][eu] = json!(u + 0.01);
    rejects(&bumped, "u_i + v_j + w_ij == s_ij");
    // Lower one v to 0: some pair is no longer covered.
    let mut lowered = pair.clone();
    let (who, _) = pair["certificate"]["partner"]
        .as_object()
        .unwrap()
        .iter()
        .max_by(|a, b| a.1.as_f64().unwrap().total_cmp(&b.1.as_f64().unwrap()))
        .unwrap();
    lowered["certificate"]["partner"][who] = json!(0.0);
    rejects(&lowered, "FAIL");
    // Swap the partners of two pairs (scores and certificate no longer agree with them).
    let mut swapped = pair.clone();
    let pairs = swapped["pairs"].as_array_mut().unwrap();
    let (a, b) = (pairs[0]["partner"].clone(), pairs[1]["partner"].clone());
    pairs[0]["partner"] = b;
    pairs[1]["partner"] = a;
    rejects(&swapped, "FAIL");
    // Drop a pair (and its score from the total): the certificate lists it, and it is missing.
    let mut dropped = pair.clone();
    let last = pair["certificate"]["pairs"]
        .as_array()
        .unwrap()
        .last()
        .unwrap();
    let list = dropped["pairs"].as_array_mut().unwrap();
    let at = list
        .iter()
        .position(|x| x["eu"] == last["eu"] && x["partner"] == last["partner"])
        .unwrap();
    let gone = list.remove(at);
    let total = dropped["total_score"].as_f64().unwrap() - gone["score"].as_f64().unwrap();
    dropped["total_score"] = json!(total);
    rejects(&dropped, "the certificate lists the paired, unlocked pairs");
    // Drop the certificate: nothing to check.
    let mut bare = pair.clone();
    bare.as_object_mut().unwrap().remove("certificate");
    rejects(&bare, "certificate present");
}
