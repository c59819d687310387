#!/bin/sh
# TensorBoard reads what `yt8m train` writes (run by make test):
# installs the tensorboard and pillow packages in a virtual environment of
# its own (.venv-tensorboard), trains a few steps, checks every scalar
# against metrics.csv with TensorBoard's own event reader, and opens the
# run's training-curves.png with Pillow. Event files are on by default.
# Usage: scripts/tensorboard_interop.sh [path/to/yt8m]
set -eu
cd "$(dirname "$0")/.."
YT8M=${1:-.build/debug/yt8m}
VENV=.venv-tensorboard
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import tensorboard, PIL" 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check tensorboard pillow
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# 30 steps, then a resume to 40: the second event file starts with the restart marker.
for steps in 30 40; do
  sleep 1                                        # event files are named by the second they start in
  "$YT8M" train --model logistic --steps $steps --validate-every 10 --batch-size 32 --out "$TMP/run" >/dev/null 2>"$TMP/train.log" \
    || { cat "$TMP/train.log" >&2; exit 1; }
done
"$VENV/bin/python" scripts/tensorboard_interop.py "$TMP/run"
"$VENV/bin/python" scripts/curve_png_check.py "$TMP/run"
