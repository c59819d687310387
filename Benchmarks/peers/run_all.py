#!/usr/bin/env python3
"""Run every peer workload once (or --repeat times) and print their JSON lines.

Usage:  $PEER_PYTHON Benchmarks/peers/run_all.py [B0 ... B8] [--threads 2]
            [--repeat 1] [--b8-file PATH] [--quiet-wait 120]

This is a convenience for recording peer figures (README.md); the Swift runner
calls torch_peer.py / tf_peer.py directly. Each workload runs in its own
process (peak memory is per process). Why the extra bookkeeping: the peers use
OpenMP (libgomp) thread pools whose barriers degrade badly, 5-10x on a
2-core machine, when another process holds a core, so every line carries
"foreign_cpu_pct": the CPU time used by everything else on the machine
during the run, as a percentage of the run's wall time x cores (0 = quiet).
Before each run the script waits (up to --quiet-wait seconds) for a second
with under 10% foreign CPU. With --repeat K the fastest of K runs is kept.
If B8 is requested and --b8-file does not exist, make_b8_file.py writes it.
"""

import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ALL = ["B0", "B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8"]


def cpu_busy_jiffies():
    """(busy, total) jiffies summed over all CPUs, from /proc/stat."""
    with open("/proc/stat") as f:
        vals = [int(v) for v in f.readline().split()[1:]]
    idle = vals[3] + vals[4]  # idle + iowait
    return sum(vals) - idle, sum(vals)


def busy_fraction(seconds):
    b0, t0 = cpu_busy_jiffies()
    time.sleep(seconds)
    b1, t1 = cpu_busy_jiffies()
    return (b1 - b0) / max(1, t1 - t0)


def wait_for_quiet(limit_s):
    deadline = time.time() + limit_s
    while time.time() < deadline:
        if busy_fraction(1.0) < 0.10:
            return True
    return False


def run_one(cmd):
    ncpu = os.cpu_count() or 1
    hz = os.sysconf("SC_CLK_TCK")
    b0, _ = cpu_busy_jiffies()
    ru0 = os.times()
    w0 = time.time()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.time() - w0
    b1, _ = cpu_busy_jiffies()
    ru1 = os.times()
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"failed: {' '.join(cmd)}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    own = (ru1.children_user - ru0.children_user) + (ru1.children_system - ru0.children_system)
    total = (b1 - b0) / hz
    result["foreign_cpu_pct"] = round(max(0.0, total - own) / (wall * ncpu) * 100, 1)
    return result


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("workloads", nargs="*", default=ALL)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--b8-file", default="/tmp/yt8m_b8_1000.tfrecord")
    p.add_argument("--quiet-wait", type=float, default=120.0)
    args = p.parse_args()

    py = sys.executable
    for w in args.workloads:
        if w == "B8":
            if not os.path.exists(args.b8_file):
                subprocess.run([py, os.path.join(HERE, "make_b8_file.py"), "--out", args.b8_file,
                                "--records", "1000", "--seed", "0"], check=True,
                               stdout=subprocess.DEVNULL)
            cmd = [py, os.path.join(HERE, "tf_peer.py"), "B8", "--file", args.b8_file,
                   "--threads", str(args.threads)]
        else:
            cmd = [py, os.path.join(HERE, "torch_peer.py"), w, "--threads", str(args.threads)]
        best = None
        for _ in range(max(1, args.repeat)):
            wait_for_quiet(args.quiet_wait)
            r = run_one(cmd)
            if best is None or r["peer_ms"] < best["peer_ms"]:
                best = r
        print(json.dumps(best), flush=True)


if __name__ == "__main__":
    main()
