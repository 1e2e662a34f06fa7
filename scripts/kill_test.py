#!/usr/bin/env python3
"""Kills `moot build` in the middle of a rebuild of a big site, several times, and checks that
every file of the output folder is byte-equal to the old build's or the new build's (none
half written, none missing). `cargo test` does this on an 800-page site
(tests/output_folder.rs); this script does it on any corpus, e.g. the 10k one:

    python3 ../shared/bench/gen_corpus.py --pages 10000 --out /tmp/corpus-10000
    python3 scripts/kill_test.py /tmp/corpus-10000 target/release/moot

Every page's body gets a marker line (old, then new), so that a rebuild replaces every page.
"""
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time


def files(root):
    out = {}
    for d, dirs, names in os.walk(root):
        if ".moot-tmp" in dirs:
            dirs.remove(".moot-tmp")
        for f in names:
            if f != ".moot-manifest":
                p = os.path.join(d, f)
                out[os.path.relpath(p, root)] = hashlib.md5(open(p, "rb").read()).hexdigest()
    return out


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    corpus, binary = sys.argv[1], os.path.abspath(sys.argv[2])
    work = tempfile.mkdtemp(prefix="moot-kill-")
    site = os.path.join(work, "site")
    shutil.copytree(corpus, site, ignore=shutil.ignore_patterns("public", ".public.*"))
    env = dict(os.environ, SOURCE_DATE_EPOCH="1795608000")

    def bodies(word):
        for d, _, names in os.walk(os.path.join(site, "content")):
            for f in names:
                if f.endswith(".md"):
                    p = os.path.join(d, f)
                    text = re.sub(r"\nkillmarker-\w+\n$", "", open(p, encoding="utf-8").read())
                    open(p, "w", encoding="utf-8").write(text + f"\nkillmarker-{word}\n")

    def build(out):
        r = subprocess.run([binary, "build", "--output", out], cwd=site, env=env, capture_output=True)
        if r.returncode != 0:
            raise SystemExit(r.stderr.decode()[-2000:])

    try:
        bodies("old")
        build(os.path.join(work, "old"))
        bodies("new")
        build(os.path.join(work, "new"))
        old, new = files(os.path.join(work, "old")), files(os.path.join(work, "new"))
        out = os.path.join(work, "out")
        started = time.perf_counter()
        build(os.path.join(work, "new"))
        rebuild = time.perf_counter() - started
        for fraction in (0.3, 0.5, 0.7, 0.9, 1.1):
            shutil.rmtree(out, ignore_errors=True)
            bodies("old")
            build(out)
            bodies("new")
            p = subprocess.Popen([binary, "build", "--output", out], cwd=site, env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(fraction * rebuild * 2)
            p.kill()
            p.wait()
            now = files(out)
            kept = replaced = 0
            for path, digest in old.items():
                if now.get(path) == digest and new.get(path) != digest:
                    kept += 1
                elif now.get(path) == new.get(path):
                    replaced += new.get(path) != digest
                else:
                    raise SystemExit(f"{path}: neither the old nor the new file")
            extra = [p for p in now if p not in old and p not in new]
            if extra:
                raise SystemExit(f"files of neither build: {extra[:5]}")
            print(f"killed after {fraction * rebuild * 2:.2f} s: {kept} files old, {replaced} replaced, none half written")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
