#!/usr/bin/env python3
"""NumPy memory-copy bandwidth (np.copyto of a 64 MiB float32 array), for the README.

Usage:  $PEER_PYTHON Benchmarks/peers/bandwidth.py [--mib 64] [--reps 20]

np.copyto is single-threaded, so this is the 1-thread figure; the "2 threads"
row uses two Python threads each copying half the array (np.copyto releases
the GIL for large copies, so they do run in parallel). Prints one JSON line
per thread count: median copy time, bytes copied per second ("copy_gb_s") and
read + write traffic ("traffic_gb_s", 2x, STREAM convention), GB = 10^9 bytes.
"""

import argparse
import json
import statistics
import threading
import time

import numpy as np


def timed(fn, reps):
    fn()  # warm-up, faults pages in
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--mib", type=int, default=64)
    p.add_argument("--reps", type=int, default=20)
    args = p.parse_args()

    n = args.mib * (1 << 20) // 4
    src = np.random.default_rng(0).standard_normal(n, dtype=np.float32)
    dst = np.empty_like(src)
    nbytes = src.nbytes

    def one():
        np.copyto(dst, src)

    def two():
        half = n // 2
        t = threading.Thread(target=np.copyto, args=(dst[:half], src[:half]))
        t.start()
        np.copyto(dst[half:], src[half:])
        t.join()

    for threads, fn in ((1, one), (2, two)):
        sec = timed(fn, args.reps)
        assert np.array_equal(dst, src)
        print(json.dumps({"tool": "np.copyto", "mib": args.mib, "threads": threads,
                          "reps": args.reps, "median_ms": round(sec * 1e3, 3),
                          "copy_gb_s": round(nbytes / sec / 1e9, 2),
                          "traffic_gb_s": round(2 * nbytes / sec / 1e9, 2)}))


if __name__ == "__main__":
    main()
