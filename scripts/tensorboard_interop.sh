#!/bin/sh
# TensorBoard reads what `yt8m train --tensorboard` writes (run by make test):
# installs the tensorboard and pillow packages in a virtual environment of
# its own (.venv-tensorboard), trains a few steps, checks every scalar
# against metrics.csv with TensorBoard's own event reader, and opens the
# run's training-curves.png with Pillow.
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
"$YT8M" train --model logistic --steps 30 --validate-every 10 --batch-size 32 --tensorboard --out "$TMP/run" >/dev/null 2>"$TMP/train.log" \
  || { cat "$TMP/train.log" >&2; exit 1; }
"$VENV/bin/python" scripts/tensorboard_interop.py "$TMP/run"
"$VENV/bin/python" scripts/curve_png_check.py "$TMP/run"
