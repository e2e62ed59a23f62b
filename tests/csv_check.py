#!/usr/bin/env python3
"""`citypair pair --csv`, parsed by Python's csv module, gives the same pairs and scores as
`citypair pair --json` (and `scores --csv` the same matrix as `scores --json`), bit for bit.

    python3 tests/csv_check.py target/release/citypair [INPUT.json]
"""
import csv
import io
import json
import subprocess
import sys


def run(binary, *args):
    out = subprocess.run([binary, *args], capture_output=True, text=True, check=True)
    return out.stdout


def main():
    binary = sys.argv[1]
    extra = sys.argv[2:]
    doc = json.loads(run(binary, "pair", *extra, "--json"))
    rows = list(csv.reader(io.StringIO(run(binary, "pair", *extra, "--csv"), newline="")))
    assert rows[0] == ["eu", "eu_name", "eu_country", "partner", "partner_name",
                       "partner_country", "score", "themes"], rows[0]
    assert len(rows) - 1 == len(doc["pairs"]), (len(rows) - 1, len(doc["pairs"]))
    for row, p in zip(rows[1:], doc["pairs"]):
        assert (row[0], row[3]) == (p["eu"], p["partner"]), (row, p)
        assert float(row[6]) == p["score"], (row[6], p["score"])
        assert [t for t in row[7].split(";") if t] == [t["theme"] for t in p["shared"]]
    scores = json.loads(run(binary, "scores", *extra, "--json"))
    table = list(csv.reader(io.StringIO(run(binary, "scores", *extra, "--csv"), newline="")))
    assert table[0] == ["eu"] + scores["partners"]
    for k, row in enumerate(table[1:]):
        assert row[0] == scores["eu"][k]
        assert [float(x) for x in row[1:]] == scores["scores"][k]
    print(f"ok: {len(doc['pairs'])} pairs and a {len(scores['eu'])} x {len(scores['partners'])} "
          "score matrix read back from CSV equal the JSON, bit for bit")


if __name__ == "__main__":
    main()
