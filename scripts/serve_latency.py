#!/usr/bin/env python3
"""How long `moot serve` takes from a save to the new page being served, end to end:
the file is written, the watcher sees it (debounce included), the site is rebuilt, and a
GET of the edited page returns the new text.

    cargo build --release
    python3 ../shared/bench/gen_corpus.py --pages 10000 --out /tmp/corpus-10000
    python3 scripts/serve_latency.py /tmp/corpus-10000 [target/release/moot]

The corpus is copied to a temp folder first. Prints each kind of edit's latencies: 20 body
saves 300 ms apart, then 10 start-time edits, each with p50 and p95. Only loopback traffic.
"""
import http.client
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def get(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        return r.status, r.read().decode("utf-8", "replace")
    except OSError:
        return 0, ""
    finally:
        conn.close()


def wait_for(port, path, text, limit=30.0):
    """Seconds until GET path holds text (polled every 2 ms)."""
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        status, body = get(port, path)
        if status == 200 and text in body:
            return time.perf_counter() - start
        time.sleep(0.002)
    raise SystemExit(f"{path} never showed {text!r}")


def pct(values, p):
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return values[k]


def report(name, secs):
    ms = [s * 1000 for s in secs]
    print(f"{name:<22} n={len(ms):<3} p50 {statistics.median(ms):7.1f} ms   p95 {pct(ms, 95):7.1f} ms   max {max(ms):7.1f} ms")


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    corpus = sys.argv[1]
    binary = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else "target/release/moot")
    work = tempfile.mkdtemp(prefix="moot-latency-")
    site = os.path.join(work, "site")
    shutil.copytree(corpus, site, ignore=shutil.ignore_patterns("public", ".public.*"))
    port = free_port()
    env = dict(os.environ, SOURCE_DATE_EPOCH="1795608000")
    server = subprocess.Popen(
        [binary, "serve", "--port", str(port), "--root", site],
        stdout=subprocess.DEVNULL,
        stderr=None if os.environ.get("MOOT_TIMINGS") else subprocess.DEVNULL,
        env=env,
    )
    try:
        started = time.perf_counter()
        while get(port, "/")[0] != 200:
            if server.poll() is not None:
                raise SystemExit("moot serve stopped")
            time.sleep(0.05)
        print(f"first build served after {time.perf_counter() - started:.2f} s")
        meetings = sorted(
            os.path.join(d, f)
            for d, _, fs in os.walk(os.path.join(site, "content", "meetings"))
            for f in fs
            if f.endswith(".md") and f != "index.md"
        )
        random.seed(7)
        path = random.choice(meetings)
        rel = os.path.relpath(path, os.path.join(site, "content"))[:-3]
        url = f"/{rel}/"
        original = open(path, encoding="utf-8").read()
        body = []
        for i in range(20):
            marker = f"latency-marker-{i}-{random.randrange(1 << 30)}"
            with open(path, "w", encoding="utf-8") as f:
                f.write(original + f"\n{marker}\n")
            body.append(wait_for(port, url, marker))
            time.sleep(max(0.0, 0.3 - body[-1]))
        report("body save -> served", body)
        starts = []
        line = re.search(r'^start: "(\d{4})-(\d\d)-(\d\d)( \d\d:\d\d)?"', original, re.M)
        for i in range(10):
            day = 10 + i
            new_start = f'start: "{line.group(1)}-{line.group(2)}-{day:02d}{line.group(4) or ""}"'
            with open(path, "w", encoding="utf-8") as f:
                f.write(original.replace(line.group(0), new_start, 1))
            iso = f"{line.group(1)}-{line.group(2)}-{day:02d}"
            starts.append(wait_for(port, url, iso))
            time.sleep(0.5)
        report("start edit -> served", starts)
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
