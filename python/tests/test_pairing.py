"""The pairing API against the command line's JSON: the same documents, the same errors."""

import json
import os
import pathlib
import subprocess

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import citypair

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = os.environ.get("CITYPAIR_BIN", str(ROOT / "target" / "release" / "citypair"))


def cli(*args):
    """The document the command line prints (the binary must exist: CI builds it first)."""
    assert os.path.exists(BIN), f"{BIN} not found: build it with cargo build --release"
    out = subprocess.run([BIN, *args], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def without_timings(doc):
    doc = dict(doc)
    doc.pop("timings_ms", None)
    return doc


@pytest.mark.parametrize("objective", ["sum", "maxmin", "stable"])
def test_pair_is_the_cli_document(objective):
    ours = citypair.pair(objective=objective).to_dict()
    theirs = cli("pair", "--objective", objective, "--json")
    assert list(ours) == list(theirs)  # same keys, same order
    assert without_timings(ours) == without_timings(theirs)


def test_attributes():
    r = citypair.pair()
    assert r.call == "IUC 2017" and r.objective == "sum" and r.mode == "dense"
    assert len(r) == len(r.pairs) == 128
    assert r.certified_optimal is True
    first = r.pairs[0]
    assert isinstance(first, citypair.Pair)
    assert r.partner_of(first.eu) == first.partner
    assert r.total_score == pytest.approx(sum(p.score for p in r.pairs), rel=1e-12)
    assert r.certificate is not None and r.fairness["gini"] >= 0
    assert "PairResult(" in repr(r)


def test_world_50k_by_name_is_the_cli_document_and_its_dict_pairs_the_same():
    assert citypair.EMBEDDED == ("iuc-2017", "world-50k")
    ours = citypair.pair("world-50k")
    theirs = cli("pair", "--dataset", "world-50k", "--json")
    assert without_timings(ours.to_dict()) == without_timings(theirs)
    assert ours.call == "IUC 2017" and ours.certified_optimal is True
    listing = {d["name"]: d for d in cli("datasets", "--json")["datasets"]}
    world = citypair.embedded("world-50k")
    assert world["call"]["name"] == "IUC 2017"
    assert len(world["cities"]) == listing["world-50k"]["cities"]
    # Every eligible EU city is paired: the EU side is the smaller one.
    assert len(ours) == listing["world-50k"]["eligible_eu"]
    # The dict is a call-and-cities document that pairs the same (the same cities, in JSON).
    assert without_timings(citypair.pair(world).to_dict()) == without_timings(ours.to_dict())
    with pytest.raises(citypair.InputError, match="world-50k"):
        citypair.embedded("world-51k")


def test_every_dataset_form_gives_the_same_pairing(tmp_path):
    expected = without_timings(citypair.pair().to_dict())
    d = citypair.embedded("iuc-2017")
    path = tmp_path / "call.json"
    path.write_text(json.dumps(d))
    for form in (d, json.dumps(d), "  \n" + json.dumps(d), str(path), path):
        assert without_timings(citypair.pair(form).to_dict()) == expected


def test_candidate_mode_is_the_cli_document():
    ours = citypair.pair(candidates=8).to_dict()
    theirs = cli("pair", "--candidates", "8", "--json")
    assert ours["mode"] == "candidates"
    assert without_timings(ours) == without_timings(theirs)


def test_scores_are_the_cli_matrix():
    eu, partners, m = citypair.scores()
    theirs = cli("scores", "--json")
    assert eu == theirs["eu"] and partners == theirs["partners"]
    assert m.dtype == np.float64 and m.shape == (len(eu), len(partners))
    assert np.array_equal(m, np.array(theirs["scores"]))


def test_explain_is_the_cli_document():
    r = citypair.pair()
    p = r.pairs[3]
    ours = citypair.explain(None, p.eu, p.partner)
    assert ours == cli("scores", "--explain", p.eu, p.partner, "--json")
    assert ours["score"] == p.score


def test_errors():
    with pytest.raises(citypair.InputError, match='"nowhere"'):
        citypair.explain(None, "nowhere", "curitiba")
    assert issubclass(citypair.InputError, ValueError)
    with pytest.raises(citypair.InputError, match="<string>"):
        citypair.pair('{"call": {}}')
    with pytest.raises(citypair.InputError):
        citypair.pair('{"call": ')
    with pytest.raises(ValueError, match='"sum", "maxmin" or "stable"'):
        citypair.pair(objective="best")
    with pytest.raises(FileNotFoundError):
        citypair.pair("/no/such/call.json")
    with pytest.raises(TypeError, match="dataset must be"):
        citypair.pair(42)
    with pytest.raises(ValueError, match="iuc-2017"):
        citypair.embedded("iuc-2099")


def test_bad_city_is_named():
    d = citypair.embedded()
    d["cities"][5]["population"] = -3
    with pytest.raises(citypair.InputError) as e:
        citypair.pair(d)
    assert d["cities"][5]["id"] in str(e.value) or "population" in str(e.value)


def test_generate_is_the_cli_bytes(tmp_path):
    text = citypair.generate(30, 20, seed=5)
    out = subprocess.run(
        [BIN, "generate", "--eu", "30", "--partners", "20", "--seed", "5"],
        capture_output=True,
        text=True,
    )
    assert text == out.stdout
    with pytest.raises(ValueError):
        citypair.generate(-1, 3)


@settings(max_examples=12, deadline=None)
@given(
    eu=st.integers(1, 40),
    partners=st.integers(1, 40),
    seed=st.integers(0, 2**32),
    objective=st.sampled_from(["sum", "maxmin", "stable"]),
)
def test_property_generated_calls_pair_as_the_cli(tmp_path_factory, eu, partners, seed, objective):
    text = citypair.generate(eu, partners, seed)
    path = tmp_path_factory.mktemp("gen") / "call.json"
    path.write_text(text)
    ours = citypair.pair(text, objective=objective).to_dict()
    theirs = cli("pair", str(path), "--objective", objective, "--json")
    assert without_timings(ours) == without_timings(theirs)


@pytest.mark.parametrize(
    "text",
    ['{"call": {}}', '{"call": ', "{}", '{"call": {"name": "x"}, "cities": [1]}'],
)
def test_input_errors_carry_the_cli_message(tmp_path, text):
    path = tmp_path / "bad.json"
    path.write_text(text)
    out = subprocess.run([BIN, "pair", str(path)], capture_output=True, text=True)
    assert out.returncode == 1
    with pytest.raises(citypair.InputError) as e:
        citypair.pair(path)
    assert "error: " + str(e.value) == out.stderr.strip()
