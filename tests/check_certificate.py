#!/usr/bin/env python3
"""An independent check of a `citypair pair --json` certificate, with numpy alone.

    citypair scores CALL.json --json > scores.json
    citypair pair CALL.json --json > pair.json
    python3 tests/check_certificate.py scores.json pair.json

It does not use the crate: it reads the score matrix from `scores --json` and the pairing and
its certificate from `pair --json`, and re-checks every condition of the certificate (README,
"Certificates"; CONTRACT.md, "Certificates") itself:

  the pairing keeps the rules the certificate states (capacities, forbidden pairs, min_score,
  locked pairs, quotas) and its scores are the matrix's; with locked pairs left out and their
  cities' capacities c and quota bounds reduced by one each, and y = y_max - y_min of the
  city's quota group (0 outside every group):
    u, v, w, y_max, y_min >= 0
    u_i + v_j + y_g(i) + y_h(j) >= s_ij         every allowed, unlocked, unpaired pair
    u_i + v_j + y_g(i) + y_h(j) + w_ij == s_ij  every paired, unlocked pair
    u_i == 0 (v_j == 0) for a city with unused capacity;
    y_max == 0 unless the group holds max' unlocked pairs, y_min == 0 unless it holds min'
    sum(c u) + sum(c v) + sum(w) + sum(max' y_max - min' y_min) == total of the unlocked pairs
  each condition within 1e-9 * max(1, max |s|), the totals within 1e-7 relative.

Prints `ok: ...` and exits 0 when every condition holds; prints one `FAIL ...` line per failed
condition and exits 1 otherwise (2 for unusable input).
"""
import json
import sys

import numpy as np

failures = []


def fail(condition, detail):
    failures.append(f"FAIL {condition}: {detail}")


def main(scores_path, pair_path):
    with open(scores_path) as f:
        scores = json.load(f)
    with open(pair_path) as f:
        doc = json.load(f)
    eu, partners = scores["eu"], scores["partners"]
    S = np.array(scores["scores"], dtype=np.float64).reshape(len(eu), len(partners))
    row = {x: i for i, x in enumerate(eu)}
    col = {x: j for j, x in enumerate(partners)}
    cert = doc.get("certificate")
    if cert is None:
        fail("certificate present", "pair --json has no \"certificate\"")
        return
    R, C = S.shape

    # Every eligible city has its dual, and nothing else does.
    if set(cert["eu"]) != set(eu):
        fail("one u per eligible EU city", f"{len(cert['eu'])} u for {len(eu)} EU cities")
        return
    if set(cert["partner"]) != set(partners):
        fail("one v per eligible partner city", f"{len(cert['partner'])} v for {len(partners)}")
        return
    u = np.array([cert["eu"][x] for x in eu], dtype=np.float64)
    v = np.array([cert["partner"][x] for x in partners], dtype=np.float64)
    caps = cert.get("capacities", {})
    cap_r = np.array([caps.get("eu", {}).get(x, 1) for x in eu], dtype=np.int64)
    cap_c = np.array([caps.get("partner", {}).get(x, 1) for x in partners], dtype=np.int64)
    min_score = cert.get("min_score")

    def index_pair(p, what):
        a, b = p
        if a in row and b in col:
            return row[a], col[b]
        if b in row and a in col:
            return row[b], col[a]
        raise SystemExit(f"unknown city in {what} pair {p}")

    forbidden = np.zeros((R, C), dtype=bool)
    for p in cert.get("forbidden", []):
        forbidden[index_pair(p, "forbidden")] = True
    locked = np.zeros((R, C), dtype=bool)
    for p in cert.get("locked", []):
        locked[index_pair(p, "locked")] = True

    # The pairing, from the solution's own list.
    paired = np.zeros((R, C), dtype=bool)
    total = 0.0
    for p in doc["pairs"]:
        i, j = row.get(p["eu"]), col.get(p["partner"])
        if i is None or j is None:
            fail("pairs of eligible cities", f"{p['eu']} - {p['partner']}")
            continue
        if paired[i, j]:
            fail("each pair listed once", f"{p['eu']} - {p['partner']}")
        paired[i, j] = True
        if p["score"] != S[i, j]:
            fail("pair scores are the matrix's", f"{p['eu']} - {p['partner']}: {p['score']} vs {S[i, j]}")
        total += S[i, j]
    if abs(doc["total_score"] - total) > 1e-7 * max(1.0, abs(total)):
        fail("total_score is the sum of the pairs", f"{doc['total_score']} vs {total}")
    for i, j in zip(*np.nonzero(locked & ~paired)):
        fail("every locked pair is paired", f"{eu[i]} - {partners[j]}")

    # w: exactly the paired, unlocked pairs.
    w = np.zeros((R, C))
    listed = np.zeros((R, C), dtype=bool)
    for p in cert["pairs"]:
        i, j = row[p["eu"]], col[p["partner"]]
        listed[i, j] = True
        w[i, j] = p["w"]
    free_pairs = paired & ~locked
    for i, j in zip(*np.nonzero(listed != free_pairs)):
        fail("the certificate lists the paired, unlocked pairs", f"{eu[i]} - {partners[j]}")

    allowed = ~forbidden
    if min_score is not None:
        allowed &= S >= min_score
    for i, j in zip(*np.nonzero(free_pairs & ~allowed)):
        fail("paired pairs are allowed", f"{eu[i]} - {partners[j]} (score {S[i, j]})")

    # Places: capacities less locked pairs.
    places_r = cap_r - locked.sum(axis=1)
    places_c = cap_c - locked.sum(axis=0)
    used_r = free_pairs.sum(axis=1)
    used_c = free_pairs.sum(axis=0)
    for k in np.nonzero(used_r > places_r)[0]:
        fail("capacities", f"EU city {eu[k]}: {used_r[k] + cap_r[k] - places_r[k]} pairs, capacity {cap_r[k]}")
    for k in np.nonzero(used_c > places_c)[0]:
        fail("capacities", f"partner city {partners[k]}: {used_c[k] + cap_c[k] - places_c[k]} pairs, capacity {cap_c[k]}")

    # Quotas: bounds, and each member's y.
    y_r, y_c = np.zeros(R), np.zeros(C)
    quota_dual = 0.0
    tol = 1e-9 * max(1.0, float(np.abs(S).max()) if S.size else 1.0)
    for q in cert.get("quotas", []):
        side_eu = q["side"] == "eu"
        members = np.array([(row if side_eu else col)[x] for x in q["members"]], dtype=np.int64)
        mask = np.zeros(R if side_eu else C, dtype=bool)
        mask[members] = True
        axis = 1 if side_eu else 0
        locks = int(locked.sum(axis=axis)[mask].sum())
        count = int(free_pairs.sum(axis=axis)[mask].sum())
        lo = max(0, q["min"] - locks)
        hi = None if q["max"] is None else q["max"] - locks
        if count + locks < q["min"] or (q["max"] is not None and count + locks > q["max"]):
            fail("quota bounds", f"quota #{q['number']}: {count + locks} pairs")
        y_max, y_min = q["y_max"], q["y_min"]
        if y_max < -tol or y_min < -tol:
            fail("u, v, w, y >= 0", f"quota #{q['number']}: y_max {y_max}, y_min {y_min}")
        if y_max > tol and (hi is None or count != hi):
            fail("quota slackness", f"quota #{q['number']}: y_max {y_max} with {count} of {hi}")
        if y_min > tol and count != lo:
            fail("quota slackness", f"quota #{q['number']}: y_min {y_min} with {count}, min {lo}")
        (y_r if side_eu else y_c)[mask] += y_max - y_min
        quota_dual += (0.0 if hi is None else hi * y_max) - lo * y_min

    # Signs.
    for name, arr, ids in (("u", u, eu), ("v", v, partners)):
        for k in np.nonzero(arr < -tol)[0]:
            fail("u, v, w, y >= 0", f"{name} of {ids[k]} is {arr[k]}")
    for i, j in zip(*np.nonzero(listed & (w < -tol))):
        fail("u, v, w, y >= 0", f"w of {eu[i]} - {partners[j]} is {w[i, j]}")

    # Cover and tightness.
    cover = (u + y_r)[:, None] + (v + y_c)[None, :]
    uncovered = allowed & ~locked & ~paired & (cover - S < -tol)
    for i, j in list(zip(*np.nonzero(uncovered)))[:10]:
        fail("u_i + v_j >= s_ij", f"{eu[i]} - {partners[j]}: {cover[i, j]} < {S[i, j]}")
    loose = free_pairs & (np.abs(cover + w - S) > tol)
    for i, j in list(zip(*np.nonzero(loose)))[:10]:
        fail("u_i + v_j + w_ij == s_ij", f"{eu[i]} - {partners[j]}: {cover[i, j] + w[i, j]} vs {S[i, j]}")

    # Unused capacity.
    for k in np.nonzero((used_r < places_r) & (u > tol))[0]:
        fail("u_i == 0 with unused capacity", f"{eu[k]}: u {u[k]}, {used_r[k]} of {places_r[k]} places")
    for k in np.nonzero((used_c < places_c) & (v > tol))[0]:
        fail("v_j == 0 with unused capacity", f"{partners[k]}: v {v[k]}, {used_c[k]} of {places_c[k]} places")

    # Totals.
    dual = float((places_r * u).sum() + (places_c * v).sum() + w[listed].sum() + quota_dual)
    primal = float(S[free_pairs].sum())
    if abs(dual - primal) > 1e-7 * max(1.0, abs(primal)):
        fail("dual objective == total", f"{dual} vs {primal}")

    if not failures:
        print(
            f"ok: {R} x {C} scores, {int(paired.sum())} pairs ({int(locked.sum())} locked), "
            f"{len(cert.get('quotas', []))} quotas; dual objective {dual} = total {primal}; "
            f"certified_optimal {doc.get('certified_optimal')}"
        )


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
    for line in failures:
        print(line)
    sys.exit(1 if failures else 0)
