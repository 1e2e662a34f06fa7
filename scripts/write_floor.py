#!/usr/bin/env python3
"""The least time any program could take to write a built site into a new folder here.

Reads every file of a built site (SRC) into memory, then writes the same folders and files
into DEST, a new folder, with WORKERS processes (default 2, one per core), and prints the wall
time of the writing alone. No rendering, no reading: only the mkdir, open, write and close
calls a fresh build must make. scripts/bench.sh prints it beside the fresh builds.

    scripts/write_floor.py SRC DEST [WORKERS] [-v]    (-v: also the workers' CPU time)
"""
import os
import sys
import time
import multiprocessing


def main():
    src, dest = sys.argv[1], sys.argv[2]
    args = [a for a in sys.argv[3:] if a != "-v"]
    workers = int(args[0]) if args else 2
    if os.path.exists(dest):
        sys.exit(f"{dest} exists; give a new folder")
    files = []
    for root, _, names in os.walk(src):
        rel = os.path.relpath(root, src)
        for name in sorted(names):
            with open(os.path.join(root, name), "rb") as f:
                files.append((rel, name, f.read()))

    def write(k):
        made = set()
        for i, (rel, name, data) in enumerate(files):
            if i % workers != k:
                continue
            folder = os.path.join(dest, rel)
            if folder not in made:
                os.makedirs(folder, exist_ok=True)
                made.add(folder)
            fd = os.open(os.path.join(folder, name), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.close(fd)

    os.sync()
    start = time.monotonic()
    fork = multiprocessing.get_context("fork")  # the workers share `files` without copying
    procs = [fork.Process(target=write, args=(k,)) for k in range(workers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
        if p.exitcode != 0:
            sys.exit(f"a worker failed with exit code {p.exitcode}")
    wall = time.monotonic() - start
    t = os.times()
    if "-v" in sys.argv:
        print(f"wall {wall:.2f} s; the workers' CPU: {t.children_user:.2f} s user, {t.children_system:.2f} s system")
    else:
        print(f"{wall:.2f}")


if __name__ == "__main__":
    main()
