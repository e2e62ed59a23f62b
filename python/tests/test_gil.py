"""Every solve releases the GIL: another Python thread keeps running while it works, and two
threads solving at once get what each would get alone."""

import threading
import time

import numpy as np
from numpy.testing import assert_array_equal

from citypair import linear_sum_assignment, linear_sum_assignment_batch, solve


def ticks_during(work):
    """How many times a pure-Python loop in another thread ran while ``work()`` ran, and how
    long ``work()`` took."""
    stop = threading.Event()
    count = [0]

    def spin():
        while not stop.is_set():
            count[0] += 1

    t = threading.Thread(target=spin)
    t.start()
    time.sleep(0.01)
    start_count = count[0]
    t0 = time.perf_counter()
    work()
    elapsed = time.perf_counter() - t0
    during = count[0] - start_count
    stop.set()
    t.join()
    return during, elapsed


def test_the_gil_is_released_while_solving():
    c = np.random.default_rng(0).random((1500, 1500))
    rate_probe, probe_elapsed = ticks_during(lambda: time.sleep(0.05))
    rate = rate_probe / probe_elapsed  # ticks per second when the GIL is free
    for work in (
        lambda: linear_sum_assignment(c),
        lambda: solve(c),
        lambda: linear_sum_assignment_batch([c, c.T], threads=1),
    ):
        during, elapsed = ticks_during(work)
        # Holding the GIL for the whole solve would leave the other thread a few switch
        # intervals (5 ms each) at most; released, it runs nearly the whole time.
        assert elapsed > 0.02, "the solve is too quick to tell"
        assert during > 0.2 * rate * elapsed, (during, rate, elapsed)


def test_two_threads_solving_at_once_get_the_sequential_results():
    rng = np.random.default_rng(1)
    mats = [rng.random((300, 300)) for _ in range(6)]
    expected = [linear_sum_assignment(m) for m in mats]
    results = [None] * len(mats)

    def run(k):
        results[k] = linear_sum_assignment(mats[k])

    threads = [threading.Thread(target=run, args=(k,)) for k in range(len(mats))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for got, want in zip(results, expected):
        assert_array_equal(got[0], want[0])
        assert_array_equal(got[1], want[1])


def test_instruction_set_is_named_and_forcing_is_checked():
    import os
    import subprocess
    import sys

    import citypair

    assert citypair.instruction_set() in ("portable", "avx2", "avx512")
    code = "import citypair; print(citypair.instruction_set())"
    env = dict(os.environ, CITYPAIR_ISA="portable")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == "portable", out.stderr
    env["CITYPAIR_ISA"] = "neon"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.returncode != 0 and "CITYPAIR_ISA" in out.stderr
