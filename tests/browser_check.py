#!/usr/bin/env python3
"""The report in a real browser (Debian's chromium, headless), for .ci/run.

    python3 tests/browser_check.py target/release/citypair [OUT_DIR]

1. `citypair report` writes the embedded call's report; chromium renders it to a PNG, which
   must not be blank (enough non-white pixels and colours, and the arcs' colours present);
   a blank page through the same check must fail it.
2. Through the DOM chromium built (`--dump-dom`): as many arcs as pairs of `pair --json`, each
   with that pair's two ids, one dot per city, the pair table with one row per pair, the
   histogram drawn.
3. Nothing fetched: chromium's own network log, over the page's load, holds no request that
   the page started (the browser's background requests aside); a page with an image on a
   server, through the same check, must fail it.
4. It prints to PDF (A4 landscape): a PDF of more than one page.

Standard library only (the PNG is decoded with zlib). Exit 0 when every check passes.
"""

import html.parser
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--hide-scrollbars",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--mute-audio",
]


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    sys.exit("browser check: chromium not found (.ci/run installs Debian's chromium)")


def run_browser(args, timeout=180):
    return subprocess.run(
        [chromium(), *CHROMIUM_FLAGS, *args],
        capture_output=True,
        timeout=timeout,
        check=True,
    )


def png_pixels(path):
    """(width, height, rows of RGB tuples) of an 8-bit, non-interlaced RGB or RGBA PNG."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path}: not a PNG")
    pos, idat, header = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in (2, 6) or interlace:
        raise ValueError(f"{path}: PNG layout {depth}-bit colour type {colour} not handled")
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, prev = [], bytearray(stride)
    for y in range(height):
        line = raw[y * (stride + 1) : (y + 1) * (stride + 1)]
        kind, cur = line[0], bytearray(line[1:])
        for i in range(stride):
            a = cur[i - channels] if i >= channels else 0
            b = prev[i]
            c = prev[i - channels] if i >= channels else 0
            if kind == 1:
                cur[i] = (cur[i] + a) & 255
            elif kind == 2:
                cur[i] = (cur[i] + b) & 255
            elif kind == 3:
                cur[i] = (cur[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                cur[i] = (cur[i] + pred) & 255
        rows.append([tuple(cur[x * channels : x * channels + 3]) for x in range(width)])
        prev = cur
    return width, height, rows


def blank_reasons(path):
    """Why the PNG looks blank (an empty list when it does not)."""
    width, height, rows = png_pixels(path)
    pixels = [p for row in rows[::2] for p in row[::2]]
    non_white = sum(1 for p in pixels if min(p) < 235) / len(pixels)
    colours = len(set(pixels))
    # The arcs' scale runs from amber to indigo: saturated pixels, red or blue well above green.
    arcs = sum(1 for (r, g, b) in pixels if max(r, b) - g > 60)
    reasons = []
    if non_white < 0.05:
        reasons.append(f"only {non_white:.1%} of the pixels are not white")
    if colours < 64:
        reasons.append(f"only {colours} colours")
    if arcs < 500:
        reasons.append(f"only {arcs} pixels in the arcs' colours")
    return reasons


class Dom(html.parser.HTMLParser):
    """The elements of the DOM chromium dumped that the checks count."""

    def __init__(self):
        super().__init__()
        self.arcs, self.dots, self.pair_rows, self.histograms = [], [], 0, 0
        self.in_pairs = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "data-eu" in a or "data-partner" in a:
            self.arcs.append((tag, a.get("class"), a.get("data-eu"), a.get("data-partner")))
        if "data-city" in a:
            self.dots.append(a["data-city"])
        if tag == "table" and a.get("id") == "pairs":
            self.in_pairs = True
        if tag == "tr" and self.in_pairs:
            self.pair_rows += 1
        if tag == "svg" and "hist" in (a.get("class") or "").split():
            self.histograms += 1

    def handle_endtag(self, tag):
        if tag == "table":
            self.in_pairs = False


def page_requests(netlog_path):
    """The http(s) requests of a NetLog that a page started (not the browser itself)."""
    log = json.load(open(netlog_path))
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    found = []
    for e in log["events"]:
        p = e.get("params", {})
        if e["type"] == start and p.get("url", "").startswith(("http:", "https:")):
            if p.get("initiator") != "not an origin":
                found.append(p["url"])
    return found


def requests_of(page, work):
    net = os.path.join(work, "net.json")
    run_browser([f"--log-net-log={net}", "--dump-dom", f"file://{page}"])
    return page_requests(net)


def main():
    binary = os.path.abspath(sys.argv[1])
    out_dir = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else "target")
    os.makedirs(out_dir, exist_ok=True)
    work = tempfile.mkdtemp(prefix="citypair-browser-")
    failures = []

    report = os.path.join(out_dir, "ci-report.html")
    subprocess.run([binary, "report", "-o", report], check=True, capture_output=True)
    pairs = json.loads(subprocess.run([binary, "pair", "--json"], check=True, capture_output=True).stdout)["pairs"]

    # 1. Rendered, not blank; a blank page fails the same check.
    png = os.path.join(out_dir, "ci-report.png")
    run_browser([f"--screenshot={png}", "--window-size=1400,2400", f"file://{report}"])
    reasons = blank_reasons(png)
    if reasons:
        failures.append(f"the screenshot looks blank: {'; '.join(reasons)}")
    blank_page = os.path.join(work, "blank.html")
    open(blank_page, "w").write("<!DOCTYPE html><html><body><p>nothing</p></body></html>")
    blank_png = os.path.join(work, "blank.png")
    run_browser([f"--screenshot={blank_png}", "--window-size=1400,2400", f"file://{blank_page}"])
    if not blank_reasons(blank_png):
        failures.append("the blank-page control passed the not-blank check")

    # 2. Through the DOM.
    dom_text = run_browser(["--dump-dom", f"file://{report}"]).stdout.decode()
    dom = Dom()
    dom.feed(dom_text)
    want = sorted((p["eu"], p["partner"]) for p in pairs)
    got = sorted((eu, partner) for (_, _, eu, partner) in dom.arcs)
    if any(tag != "path" or cls != "arc" for (tag, cls, _, _) in dom.arcs):
        failures.append("an element other than an arc carries data-eu or data-partner")
    if got != want:
        failures.append(f"{len(got)} arcs in the DOM for {len(want)} pairs, or other ids")
    # The embedded dataset is fixtures/iuc-2017.json: one dot per city with coordinates.
    fixture = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "iuc-2017.json")
    cities = json.load(open(fixture))["cities"]
    placed = sorted(c["id"] for c in cities if c.get("lat") is not None and c.get("lon") is not None)
    if sorted(dom.dots) != placed:
        failures.append(f"{len(dom.dots)} city dots for {len(placed)} cities with coordinates, or other ids")
    if dom.pair_rows != len(pairs) + 1:
        failures.append(f"the pair table has {dom.pair_rows - 1} rows for {len(pairs)} pairs")
    if dom.histograms != 1:
        failures.append(f"{dom.histograms} histograms")

    # 3. Nothing fetched; a page that fetches fails the same check.
    fetched = requests_of(report, work)
    if fetched:
        failures.append(f"the report made requests: {fetched}")
    fetching = os.path.join(work, "fetching.html")
    open(fetching, "w").write('<!DOCTYPE html><html><body><img src="http://127.0.0.1:9/x.png"></body></html>')
    if not requests_of(fetching, work):
        failures.append("the fetching-page control passed the no-request check")

    # 4. Prints to PDF.
    pdf = os.path.join(out_dir, "ci-report.pdf")
    run_browser(["--no-pdf-header-footer", f"--print-to-pdf={pdf}", f"file://{report}"])
    body = open(pdf, "rb").read()
    pages = body.count(b"/Type /Page") - body.count(b"/Type /Pages")
    if not body.startswith(b"%PDF") or pages < 2:
        failures.append(f"the PDF has {pages} pages")

    shutil.rmtree(work, ignore_errors=True)
    if failures:
        for f in failures:
            print(f"browser check FAILED: {f}")
        sys.exit(1)
    print(
        f"browser check: {len(got)} arcs for {len(want)} pairs, {len(dom.dots)} dots, "
        f"{dom.pair_rows - 1} table rows, screenshot not blank, no request, PDF of {pages} pages"
    )


if __name__ == "__main__":
    main()
