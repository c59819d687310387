"""Reads the TensorBoard events `yt8m train` wrote (on by default) with TensorBoard's own
reader (EventAccumulator) and checks them against the run's metrics.csv.

Usage: python scripts/tensorboard_interop.py RUN_DIR   (run by scripts/tensorboard_interop.sh)
"""
import csv
import glob
import math
import sys

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.backend.event_processing.event_file_loader import EventFileLoader
from tensorboard.compat.proto import event_pb2

run = sys.argv[1]
events = EventAccumulator(run + "/tensorboard", size_guidance={"scalars": 0, "histograms": 0})
events.Reload()
tags = set(events.Tags()["scalars"])
expected = {"train/loss", "train/learning_rate", "train/gradient_norm", "train/examples_per_second",
            "train/data_wait_fraction", "validation/gap", "validation/map", "validation/hit1", "validation/perr"}
assert tags == expected, f"scalar tags {sorted(tags)}, expected {sorted(expected)}"
speeds = [e.value for e in events.Scalars("train/examples_per_second")]
speed_steps = [e.step for e in events.Scalars("train/examples_per_second")]
assert speed_steps == list(range(1, 41)) and all(v > 0 for v in speeds), f"examples/s at steps {speed_steps}: {speeds[:5]}…"
waits = [e.value for e in events.Scalars("train/data_wait_fraction")]
assert len(waits) == 40 and all(0 <= v <= 1 for v in waits), f"data wait fractions {waits[:5]}…"

# A weight and a gradient histogram of every parameter at every validation point.
histograms = set(events.Tags()["histograms"])
weights = {t for t in histograms if t.startswith("weights/")}
gradients = {t for t in histograms if t.startswith("gradients/")}
assert weights and {t.replace("weights/", "gradients/") for t in weights} == gradients, sorted(histograms)
for tag in sorted(histograms):
    seen = events.Histograms(tag)
    assert [h.step for h in seen] == [10, 20, 30, 40], f"{tag}: steps {[h.step for h in seen]}"
    for h in seen:
        assert sum(h.histogram_value.bucket) == h.histogram_value.num > 0, f"{tag} at {h.step}: buckets do not add up"

# The resumed run's file starts with the restart marker at step 31, its first: step 30 is the checkpoint's.
files = sorted(glob.glob(run + "/tensorboard/events.out.tfevents.*"))
assert len(files) == 2, files
marker = [e for e in EventFileLoader(files[1]).Load() if e.HasField("session_log")]
assert [(e.step, e.session_log.status) for e in marker] == [(31, event_pb2.SessionLog.START)], marker

columns = {"train/loss": "train_loss", "train/learning_rate": "learning_rate", "train/gradient_norm": "grad_norm",
           "validation/gap": "val_gap",
           "validation/map": "val_map", "validation/hit1": "val_hit1", "validation/perr": "val_perr"}
with open(run + "/metrics.csv") as f:
    rows = list(csv.DictReader(f))
for tag, column in columns.items():
    logged = {int(r["step"]): float(r[column]) for r in rows if r[column] != ""}
    seen = {e.step: e.value for e in events.Scalars(tag)}
    assert sorted(seen) == sorted(logged), f"{tag}: steps {sorted(seen)} != metrics.csv {sorted(logged)}"
    for step, value in logged.items():
        assert math.isclose(seen[step], value, rel_tol=1e-6, abs_tol=1e-9), f"{tag} at step {step}: {seen[step]} != {value}"
print(f"OK: TensorBoard read {len(tags)} scalar series over {len(rows)} steps, equal to metrics.csv, "
      f"{len(histograms)} histograms at every validation, and the restart marker of the resumed run")
