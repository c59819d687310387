"""Reads the TensorBoard events `yt8m train --tensorboard` wrote with TensorBoard's own
reader (EventAccumulator) and checks them against the run's metrics.csv.

Usage: python scripts/tensorboard_interop.py RUN_DIR   (run by scripts/tensorboard_interop.sh)
"""
import csv
import math
import sys

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

run = sys.argv[1]
events = EventAccumulator(run + "/tensorboard")
events.Reload()
tags = set(events.Tags()["scalars"])
expected = {"train/loss", "train/learning_rate", "validation/gap", "validation/map", "validation/hit1", "validation/perr"}
assert tags == expected, f"scalar tags {sorted(tags)}, expected {sorted(expected)}"

columns = {"train/loss": "train_loss", "train/learning_rate": "learning_rate", "validation/gap": "val_gap",
           "validation/map": "val_map", "validation/hit1": "val_hit1", "validation/perr": "val_perr"}
with open(run + "/metrics.csv") as f:
    rows = list(csv.DictReader(f))
for tag, column in columns.items():
    logged = {int(r["step"]): float(r[column]) for r in rows if r[column] != ""}
    seen = {e.step: e.value for e in events.Scalars(tag)}
    assert sorted(seen) == sorted(logged), f"{tag}: steps {sorted(seen)} != metrics.csv {sorted(logged)}"
    for step, value in logged.items():
        assert math.isclose(seen[step], value, rel_tol=1e-6, abs_tol=1e-9), f"{tag} at step {step}: {seen[step]} != {value}"
print(f"OK: TensorBoard read {len(tags)} scalar series over {len(rows)} steps, equal to metrics.csv")
