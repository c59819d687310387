#!/usr/bin/env python3
"""Checks the papers' qualitative findings on a zoo table made by
scripts/zoo_synthetic_table.sh, and gives the table's Spearman rank
correlation with the GAPs the papers report (`yt8m zoo --json`).

    scripts/zoo_findings.py --table zoo-table.md --zoo-json zoo.json --runs runs/zoo-table

The findings (docs/synthetic-data.md says where each comes from):
  1. audio-only < video-only < both, for the same ResNet-like head;
  2. the 4-neuron bottleneck is the lowest model;
  3. frame-level pooling (netvlad, dbof, soft-dbof) above the video-level MoE;
  4. ResNet-like with mixup at least its score without (the table's
     `resnet-like --mixup 0` row);
  5. VLAD-BOW's learned power below 1 (read from its checkpoint in --runs).

Prints one line per finding and exits 1 when any fails (2 when an input is
missing or malformed). Standard library only.
"""
import argparse
import json
import math
import os
import re
import struct
import sys


def read_table(path):
    """Model name -> validation GAP@20 from the Markdown table's rows."""
    gaps = {}
    with open(path) as f:
        for line in f:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) >= 4 and re.fullmatch(r"[0-9.]+", cells[3]):
                gaps[cells[0]] = float(cells[3])
    return gaps


def reported_gaps(path):
    """Model name -> the first GAP in its reportedGAP text."""
    with open(path) as f:
        models = json.load(f)
    out = {}
    for m in models:
        found = re.search(r"0\.[0-9]+", m.get("reportedGAP", ""))
        if found:
            out[m["name"]] = float(found.group())
    return out


def ranks(values):
    """1-based ranks, ties sharing their average rank."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    r = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            r[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return r


def spearman(xs, ys):
    """Pearson correlation of the ranks (handles ties)."""
    rx, ry = ranks(xs), ranks(ys)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    sxy = sum((a - mx) * (b - my) for a, b in zip(rx, ry))
    sxx = sum((a - mx) ** 2 for a in rx)
    syy = sum((b - my) ** 2 for b in ry)
    return sxy / math.sqrt(sxx * syy)


def safetensors_scalars(path, fragment):
    """Values of the float32 weights whose names contain `fragment` (safetensors:
    an 8-byte little-endian header length, a JSON header, then the data)."""
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, t in header.items():
        # The optimizer's moments of a weight carry its name too.
        if name == "__metadata__" or name.startswith("optimizer.") or fragment not in name.lower():
            continue
        if t["dtype"] != "F32":
            continue
        lo, hi = t["data_offsets"]
        out[name] = list(struct.unpack("<%df" % ((hi - lo) // 4), data[lo:hi]))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--table", required=True, help="Markdown table from zoo_synthetic_table.sh")
    ap.add_argument("--zoo-json", required=True, help="output of `yt8m zoo --json`")
    ap.add_argument("--runs", help="the table's run directory (runs/zoo-table), for VLAD-BOW's power")
    args = ap.parse_args()
    try:
        gap = read_table(args.table)
        reported = reported_gaps(args.zoo_json)
    except (OSError, ValueError) as e:
        print(f"zoo_findings: {e}", file=sys.stderr)
        return 2
    failed = 0

    def finding(name, ok, detail):
        nonlocal failed
        failed += 0 if ok else 1
        print(f"{'holds' if ok else 'FAILS'}  {name}: {detail}")

    def need(*models):
        missing = [m for m in models if m not in gap]
        if missing:
            print(f"zoo_findings: the table has no row for {', '.join(missing)}", file=sys.stderr)
            sys.exit(2)
        return [gap[m] for m in models]

    a, v, b = need("resnet-like-audio-only", "resnet-like-video-only", "resnet-like")
    finding("audio-only < video-only < both", a < v < b, f"{a:.4f} < {v:.4f} < {b:.4f}")
    lowest = min(gap, key=gap.get)
    finding("the bottleneck is lowest", lowest == "bottleneck",
            f"lowest is {lowest} ({gap[lowest]:.4f}); bottleneck {need('bottleneck')[0]:.4f}")
    pools = need("netvlad", "dbof", "soft-dbof")
    (moe,) = need("moe")
    finding("frame-level pooling above the video-level MoE", min(pools) > moe,
            f"netvlad {pools[0]:.4f}, dbof {pools[1]:.4f}, soft-dbof {pools[2]:.4f} vs moe {moe:.4f}")
    with_mixup, without = need("resnet-like", "resnet-like --mixup 0")
    finding("ResNet-like with mixup at least without", with_mixup >= without,
            f"{with_mixup:.4f} with, {without:.4f} without")
    checkpoint = os.path.join(args.runs or "runs/zoo-table", "vlad-bow", "last.safetensors")
    try:
        powers = safetensors_scalars(checkpoint, "power")
        if not powers:
            raise ValueError("no float32 tensor named like 'power'")
        values = [x for vs in powers.values() for x in vs]
        finding("VLAD-BOW's learned power below 1", all(p < 1 for p in values),
                ", ".join(f"{n} {', '.join(f'{x:.3f}' for x in vs)}" for n, vs in sorted(powers.items())))
    except (OSError, ValueError, KeyError, struct.error) as e:
        finding("VLAD-BOW's learned power below 1", False, f"cannot read it from {checkpoint}: {e}")

    common = sorted(m for m in reported if m in gap)
    rho = spearman([gap[m] for m in common], [reported[m] for m in common])
    weak = {"resnet-like-audio-only", "bottleneck", "qrnn"}
    rest = [m for m in common if m not in weak]
    rho_rest = spearman([gap[m] for m in rest], [reported[m] for m in rest])
    print(f"Spearman with the papers' GAPs: {rho:.2f} over {len(common)} models; "
          f"{rho_rest:.2f} without audio-only, bottleneck and qrnn")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
