#!/usr/bin/env python3
"""Scaling past one machine, by simulation: data-parallel step time and
weak-scaling efficiency of three zoo models at paper size (video-level MoE
`moe`, frame-level NetVLAD `netvlad`, LSTM `lstm`) for 8, 64 and 256 ranks
over 10, 25 and 100 Gb/s links. docs/scaling.md explains the model.

    python3 scripts/scaling_simulation.py            # tables (Markdown) from docs/scaling-measurements.json
    python3 scripts/scaling_simulation.py --measure  # time real steps with the release tool, rewrite the JSON, print

Inputs per model: the compute time of one training step on one machine at a
fixed per-rank batch (measured with `yt8m train`) and the gradient bytes
(float32, 4 x trainable parameters). Model per step and configuration:

- gradients are reduced in flat buckets of 25 MiB, filled in reverse
  parameter order (PyTorch DDP); bucket i becomes ready when the backward
  pass has produced its bytes, the backward pass (2/3 of the step's compute)
  producing gradient bytes at an even rate;
- each bucket is one ring allreduce, 2(N-1)/N * bytes / bandwidth +
  2(N-1) * alpha; the link carries one bucket at a time (serial), a bucket
  starting when it is ready and the previous one has finished;
- synchronised batch norm (SyncBatchNorm): each batch-norm layer
  allreduces its statistics 3 times in the forward pass and twice in the
  backward pass (count, sum, sum of squares), small messages that cost
  their latency, 2(N-1) * alpha each, and block the pass (never hidden);
- step with overlap = compute + batch norm + (end of the last allreduce -
  end of the backward pass); step without overlap = compute + batch norm +
  every bucket's allreduce;
- efficiency = compute / step (weak scaling: the per-rank batch is fixed);
- epoch = ceil(videos / (ranks x per-rank batch)) steps.

Standard library only.
"""
import argparse
import datetime
import glob
import json
import math
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MEASUREMENTS = os.path.join(REPO, "docs", "scaling-measurements.json")

RANKS = (8, 64, 256)
LINKS_GBPS = (10, 25, 100)
BUCKET_BYTES = 25 * 2**20          # PyTorch DDP's bucket_cap_mb = 25 (MiB)
ALPHA_US = 15.0                    # per ring hop: see docs/scaling.md ("Latency")
BACKWARD_SHARE = 2.0 / 3.0         # share of the step's compute that is the backward pass
EPOCH_VIDEOS = 6_100_000           # the 2018 release, about 6.1 M videos (the MoE uses the same count)
TARGET = 0.90
TARGET_RANKS, TARGET_GBPS = 64, 25
TARGET_MODELS = ("moe", "netvlad")
SYNC_BN_ALLREDUCES = 5             # per batch-norm layer and step: 3 in the forward pass, 2 in the backward

# What --measure times: per-rank batch and the two step counts whose wall
# times are differenced. Batches: the recipe's for the MoE (starter code,
# 1024) and NetVLAD (WILLOW, 80); at the LSTM's recipe batch (1024) a step takes
# several minutes on two cores, so it is measured at 32.
PLAN = {
    "moe": {"level": "video", "batch": 1024, "steps": (5, 45),
            "batch_why": "the recipe's batch (starter code MoE)"},
    "netvlad": {"level": "frame", "batch": 80, "steps": (1, 4),
                "batch_why": "the recipe's batch (WILLOW NetVLAD)"},
    "lstm": {"level": "frame", "batch": 32, "steps": (1, 3),
             "batch_why": "modest; at the recipe's 1024 one step would take several minutes on this machine"},
}
ORDER = ("moe", "netvlad", "lstm")

# The synthetic data measured on: the real feature sizes (1024 rgb + 128
# audio), the real vocabulary (3862 classes, so the output layers are paper
# size; the tool's embedded dataset has 500 classes) and 120-300 frames per
# video (the real videos are 120-500 s long, read up to 300 frames), so a
# frame-level batch is padded to about 300 frames as a real one is.
SYNTH = ["--videos", "1100", "--classes", "3862", "--min-frames", "120", "--max-frames", "300",
         "--validation-fraction", "0.03", "--shards", "2", "--seed", "1"]


# ---------------------------------------------------------------- simulation

def bucket_sizes(total_bytes, cap=BUCKET_BYTES):
    """Flat buckets of `cap` bytes in reduction order; the last holds the remainder."""
    full, rest = divmod(total_bytes, cap)
    return [cap] * full + ([rest] if rest else [])


def allreduce_seconds(nbytes, ranks, bytes_per_second, alpha):
    """Ring allreduce: reduce-scatter then allgather, 2(N-1) steps of nbytes/N each."""
    if ranks <= 1:
        return 0.0
    return 2 * (ranks - 1) / ranks * nbytes / bytes_per_second + 2 * (ranks - 1) * alpha


def simulate(compute, grad_bytes, ranks, gbps, alpha, bn_layers=0, cap=BUCKET_BYTES, backward_share=BACKWARD_SHARE):
    """One step of `ranks` data-parallel ranks; times in seconds."""
    bandwidth = gbps * 1e9 / 8                      # bytes per second, decimal Gb/s
    # Synchronised batch norm: a few kilobytes per allreduce, so latency only.
    batch_norm = bn_layers * SYNC_BN_ALLREDUCES * allreduce_seconds(0, ranks, bandwidth, alpha)
    sizes = bucket_sizes(grad_bytes, cap)
    backward = backward_share * compute
    link_free, produced, total_comm = 0.0, 0, 0.0
    for size in sizes:
        produced += size
        ready = backward * produced / grad_bytes    # even production through the backward pass
        cost = allreduce_seconds(size, ranks, bandwidth, alpha)
        link_free = max(ready, link_free) + cost    # one bucket on the link at a time
        total_comm += cost
    exposed = max(0.0, link_free - backward)        # what the backward pass did not hide
    step = compute + batch_norm + exposed
    step_serial = compute + batch_norm + total_comm
    return {"buckets": len(sizes), "allreduce": total_comm, "exposed": exposed, "batch_norm": batch_norm,
            "step": step, "step_serial": step_serial,
            "efficiency": compute / step, "efficiency_serial": compute / step_serial}


def epoch_seconds(step, ranks, batch, videos=EPOCH_VIDEOS):
    return math.ceil(videos / (ranks * batch)) * step


def slowest_compute_meeting(grad_bytes, ranks, gbps, alpha, overlap, bn_layers=0, target=TARGET):
    """The shortest compute time per step that still reaches `target` efficiency."""
    s = simulate(1.0, grad_bytes, ranks, gbps, alpha, bn_layers)
    serial = s["allreduce"] + s["batch_norm"]
    if not overlap:
        return target / (1 - target) * serial
    lo, hi = 0.0, target / (1 - target) * serial    # at hi even the serial step reaches the target
    for _ in range(100):
        mid = (lo + hi) / 2
        if simulate(mid, grad_bytes, ranks, gbps, alpha, bn_layers)["efficiency"] >= target:
            hi = mid
        else:
            lo = mid
    return hi


# ------------------------------------------------------------------ printing

def fmt_time(s):
    if s < 1:
        return f"{s * 1000:.0f} ms" if s >= 0.01 else f"{s * 1000:.1f} ms"
    if s < 120:
        return f"{s:.2f} s" if s < 10 else f"{s:.1f} s"
    if s < 7200:
        return f"{s / 60:.0f} min"
    if s < 3 * 86400:
        return f"{s / 3600:.1f} h"
    return f"{s / 86400:.1f} d"


def pct(x):
    return f"{100 * x:.1f} %"


def render(data, alpha):
    a = alpha * 1e6
    models = {m["model"]: m for m in data["models"]}
    names = [n for n in ORDER if n in models] + [n for n in models if n not in ORDER]
    out = []
    w = out.append
    w(f"Measured {data.get('date', '?')} on {data.get('cpu', '?')} ({data.get('threads', '?')} threads); "
      f"alpha = {a:g} us per hop, buckets of {BUCKET_BYTES // 2**20} MiB, backward = "
      f"{BACKWARD_SHARE:.3g} of compute, epoch = {EPOCH_VIDEOS / 1e6:.1f} M videos, weak scaling.")
    w("")
    w("| model | per-rank batch | compute / step | trainable parameters | gradient | buckets | batch-norm layers |")
    w("|---|---:|---:|---:|---:|---:|---:|")
    for n in names:
        m = models[n]
        w(f"| {n} ({m['size']}) | {m['per_rank_batch']} | {m['seconds_per_step']:.3f} s | "
          f"{m['trainable_parameters']:,} | {m['gradient_bytes'] / 1e6:,.1f} MB | "
          f"{len(bucket_sizes(m['gradient_bytes']))} | {m.get('batch_norm_layers', 0)} |")
    for n in names:
        m = models[n]
        c, g, b, bn = m["seconds_per_step"], m["gradient_bytes"], m["per_rank_batch"], m.get("batch_norm_layers", 0)
        w("")
        w(f"### {n}: {c:.3f} s compute per step at {b} per rank, {g / 1e6:,.1f} MB of gradient")
        w("")
        w("| ranks | link | allreduce / step | sync. batch norm | step, overlap | step, no overlap | efficiency, overlap "
          "| efficiency, no overlap | epoch, overlap | epoch, no overlap |")
        w("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in RANKS:
            for gbps in LINKS_GBPS:
                s = simulate(c, g, r, gbps, alpha, bn)
                w(f"| {r} | {gbps} Gb/s | {fmt_time(s['allreduce'])} | "
                  f"{fmt_time(s['batch_norm']) if bn else '—'} | {fmt_time(s['step'])} | "
                  f"{fmt_time(s['step_serial'])} | {pct(s['efficiency'])} | {pct(s['efficiency_serial'])} | "
                  f"{fmt_time(epoch_seconds(s['step'], r, b))} | {fmt_time(epoch_seconds(s['step_serial'], r, b))} |")
    w("")
    w(f"### Target: at least {100 * TARGET:.0f} % efficiency at {TARGET_RANKS} ranks on {TARGET_GBPS} Gb/s "
      f"(for {' and '.join(TARGET_MODELS)})")
    w("")
    w("| model | efficiency, overlap | efficiency, no overlap | met with overlap | met without | "
      "least compute / step that still meets it: overlap, no overlap |")
    w("|---|---:|---:|---|---|---|")
    verdicts = []
    for n in names:
        m = models[n]
        c, g, bn = m["seconds_per_step"], m["gradient_bytes"], m.get("batch_norm_layers", 0)
        s = simulate(c, g, TARGET_RANKS, TARGET_GBPS, alpha, bn)
        ok, ok_serial = s["efficiency"] >= TARGET, s["efficiency_serial"] >= TARGET
        lo_o = slowest_compute_meeting(g, TARGET_RANKS, TARGET_GBPS, alpha, True, bn)
        lo_s = slowest_compute_meeting(g, TARGET_RANKS, TARGET_GBPS, alpha, False, bn)
        target = n in TARGET_MODELS
        w(f"| {n}{'' if target else ' (not in the target)'} | {pct(s['efficiency'])} | {pct(s['efficiency_serial'])} | "
          f"{'yes' if ok else 'NO'} | {'yes' if ok_serial else 'NO'} | {fmt_time(lo_o)}, {fmt_time(lo_s)} |")
        line = (f"{n}: {'MEETS' if ok else 'MISSES'} the {100 * TARGET:.0f} % target with overlap ({pct(s['efficiency'])}), "
                f"{'meets' if ok_serial else 'misses'} it without ({pct(s['efficiency_serial'])}); "
                f"it would still meet it with overlap down to {fmt_time(lo_o)} of compute per step "
                f"(the measured {fmt_time(c)} is {c / lo_o:.1f}x that), without overlap down to {fmt_time(lo_s)} "
                f"({c / lo_s:.2f}x).")
        if 0.9 < c / lo_s < 1.1:
            line += (f" Without overlap the margin is {100 * abs(c / lo_s - 1):.1f} %, inside the noise of the "
                     f"measurement: {'met' if ok_serial else 'missed'} only just.")
        verdicts.append(line if target else line + " (The LSTM is not part of the target.)")
    w("")
    for v in verdicts:
        w(f"- {v}")
    return "\n".join(out)


# ----------------------------------------------------------------- measuring

def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def run_timed(cmd, cwd):
    """Runs cmd; returns (wall seconds, peak RSS in KB, output). Fails on a non-zero exit."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = proc.stdout.read().decode(errors="replace")
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"scaling_simulation: {' '.join(cmd)} failed ({proc.returncode}):\n{output}")
    return wall, usage.ru_maxrss, output


def seconds_per_step(walls, n1, n2):
    """Per-step time from the least wall time at each step count (interference only adds time)."""
    return round((min(walls[n2]) - min(walls[n1])) / (n2 - n1), 4)


def checkpoint_parameters(path):
    """Trainable tensors of a training checkpoint: those Adam keeps a first moment for."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
    prefix = "optimizer.exp_avg."
    tensors = {k[len(prefix):]: math.prod(v["shape"]) for k, v in header.items()
               if k.startswith(prefix) and isinstance(v, dict)}
    largest = max(tensors, key=tensors.get)
    batch_norms = sum(1 for k in header if k.startswith("model.") and k.endswith(".running_mean"))
    return sum(tensors.values()), len(tensors), largest, tensors[largest], batch_norms


def measure(args):
    models = args.models or list(ORDER)
    work = tempfile.mkdtemp(prefix="yt8m-scaling-", dir=args.workdir)
    try:
        tool = os.path.join(work, "yt8m")
        # A copy: a rebuild of .build/release/yt8m during the runs must not change the binary timed.
        shutil.copy2(args.tool, tool)
        version = subprocess.run([tool, "--version"], capture_output=True, text=True).stdout.strip()
        zoo = json.loads(subprocess.run([tool, "zoo", "--size", "paper", "--json"], check=True,
                                        capture_output=True, text=True).stdout)
        zoo = {e["name"]: e for e in zoo}
        data = os.path.join(work, "data")
        print(f"scaling_simulation: writing the synthetic data to {data}", file=sys.stderr)
        run_timed([tool, "synth", "--out", data] + SYNTH, work)
        threads = args.threads or os.cpu_count()
        results = []
        for name in models:
            plan = PLAN[name]
            level = plan["level"]
            train = sorted(glob.glob(os.path.join(data, level, "train*.tfrecord")))
            validate = sorted(glob.glob(os.path.join(data, level, "validate*.tfrecord")))
            n1, n2 = args.steps or plan["steps"]
            batch = args.batch.get(name, plan["batch"])
            out = os.path.join(work, f"run-{name}")
            walls, peak, loads = {n1: [], n2: []}, 0, []
            for _ in range(args.repeat):
                for steps in (n1, n2):
                    cmd = [tool, "train", "--model", name, "--size", "paper", "--batch-size", str(batch),
                           "--steps", str(steps), "--validate-every", str(n2 + 1000), "--out", out, "--restart",
                           "--no-tensorboard", "--threads", str(threads), "--train", *train, "--validation", *validate]
                    loads.append(round(os.getloadavg()[0], 2))
                    print(f"scaling_simulation: {name}: {steps} steps at batch {batch} ...", file=sys.stderr)
                    wall, rss, output = run_timed(cmd, work)
                    print(f"scaling_simulation: {name}: {steps} steps: {wall:.1f} s wall, peak {rss / 2**20:.1f} GiB",
                          file=sys.stderr)
                    walls[steps].append(round(wall, 3))
                    peak = max(peak, rss)
                    first = output.splitlines()[0] if output else ""
                    if "(paper," not in first:
                        sys.exit(f"scaling_simulation: unexpected first line from yt8m train: {first!r}")
            trainable, count, largest, largest_n, batch_norms = checkpoint_parameters(os.path.join(out, "last.safetensors"))
            shutil.rmtree(out, ignore_errors=True)      # paper NetVLAD's checkpoints are 7.7 GB
            params = zoo[name]["parameters"]
            if trainable != params:
                print(f"scaling_simulation: warning: {name}: zoo counts {params:,} parameters, the checkpoint "
                      f"{trainable:,} trainable ones; using the checkpoint's", file=sys.stderr)
            per_step = seconds_per_step(walls, n1, n2)
            results.append({
                "model": name, "size": "paper", "per_rank_batch": batch, "per_rank_batch_why": plan["batch_why"]
                if batch == plan["batch"] else "set with --batch",
                "seconds_per_step": round(per_step, 4),
                "trainable_parameters": trainable, "gradient_bytes": 4 * trainable,
                "zoo_parameters": params, "parameter_tensors": count,
                "largest_parameter": {"name": largest, "elements": largest_n, "bytes": 4 * largest_n},
                "batch_norm_layers": batch_norms,
                "how_measured": (f"wall time of `yt8m train --model {name} --size paper --batch-size {batch} "
                                 f"--threads {threads} --no-tensorboard` for {n2} steps minus that for {n1} steps, "
                                 f"divided by {n2 - n1}, each wall time the least of {args.repeat} runs (other "
                                 f"work on the machine only adds time); validation pushed past the end (both runs validate "
                                 f"once at the end and write the same checkpoints, which cancel with start-up "
                                 f"and data set-up); synthetic {level}-level TFRecords written by `yt8m synth "
                                 f"{' '.join(SYNTH)}`"),
                "wall_seconds": {str(k): v for k, v in walls.items()},
                "seconds_per_step_each_repeat": [round((b - a) / (n2 - n1), 4) for a, b in zip(walls[n1], walls[n2])],
                "load_average_before_runs": loads,
                "peak_rss_gib": round(peak / 2**20, 2),
            })
    finally:
        shutil.rmtree(work, ignore_errors=True)
    previous = {}
    if os.path.exists(args.json):
        with open(args.json) as f:
            previous = {m["model"]: m for m in json.load(f).get("models", [])}
    for r in results:
        previous[r["model"]] = r
    merged = [previous[n] for n in ORDER if n in previous] + [m for n, m in previous.items() if n not in ORDER]
    doc = {
        "note": args.note,
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%MZ"),
        "cpu": cpu_model(), "cores": os.cpu_count(), "threads": threads,
        "tool": f"yt8m {version}" + (f" (checkout at commit {commit}; the binary may hold uncommitted changes)"
                                      if (commit := git_commit()) else ""),
        "data": "synthetic TFRecords from `yt8m synth " + " ".join(SYNTH) + "`: real feature sizes, "
                "3862 classes, 120-300 frames a video",
        "models": merged,
    }
    with open(args.json, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    print(f"scaling_simulation: wrote {args.json}", file=sys.stderr)
    return doc


def git_commit():
    try:
        return subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--measure", action="store_true", help="time real steps with the release tool and rewrite the JSON")
    p.add_argument("--json", default=MEASUREMENTS, help="measurements file (default: docs/scaling-measurements.json)")
    p.add_argument("--alpha-us", type=float, default=ALPHA_US, help=f"latency per ring hop in us (default {ALPHA_US:g})")
    p.add_argument("--tool", default=os.path.join(REPO, ".build", "release", "yt8m"),
                   help="yt8m binary to time (copied first; default .build/release/yt8m)")
    p.add_argument("--models", nargs="+", choices=ORDER, help="models to measure (default: all three)")
    p.add_argument("--batch", action="append", default=[], metavar="MODEL=N", help="per-rank batch for a model")
    p.add_argument("--steps", nargs=2, type=int, metavar=("N1", "N2"), help="step counts to difference")
    p.add_argument("--repeat", type=int, default=2, help="runs per step count; the least wall time counts (default 2)")
    p.add_argument("--threads", type=int, help="--threads for yt8m train (default: all cores)")
    p.add_argument("--workdir", default=None, help="scratch directory parent (default: the system's temp)")
    p.add_argument("--note", default="Timed on a shared machine while Swift builds ran at "
                   "times on the same two cores, so the step times may be inflated; re-measure on an idle "
                   "machine with `python3 scripts/scaling_simulation.py --measure`.",
                   help="the JSON's note field")
    args = p.parse_args()
    batches = {}
    for item in args.batch:
        name, _, n = item.partition("=")
        if name not in PLAN or not n.isdigit():
            p.error(f"--batch {item}: want MODEL=N with MODEL one of {', '.join(ORDER)}")
        batches[name] = int(n)
    args.batch = batches
    if args.repeat < 1:
        p.error("--repeat: want at least 1")
    if args.steps and not 0 < args.steps[0] < args.steps[1]:
        p.error("--steps N1 N2: want 0 < N1 < N2")
    if args.measure:
        data = measure(args)
    else:
        try:
            with open(args.json) as f:
                data = json.load(f)
        except FileNotFoundError:
            p.error(f"{args.json} not found: run with --measure first")
    print(render(data, args.alpha_us * 1e-6))


if __name__ == "__main__":
    main()
