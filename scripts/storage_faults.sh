#!/bin/sh
# Storage faults, on a small tmpfs (needs root, as CI runs; skipped with a
# message where mounting is not allowed):
#  - disk full at a checkpoint: `yt8m train` exits 1 naming the file and
#    "No space left on device", leaves no temporary file, keeps the previous
#    checkpoint loadable, and the run resumes elsewhere to the same bytes as
#    an uninterrupted run;
#  - a read-only --out: refused before the first step, naming the reason.
# Usage: scripts/storage_faults.sh [path/to/yt8m]
set -eu
cd "$(dirname "$0")/.."
YT8M=$(realpath "${1:-.build/debug/yt8m}")
TMP=$(mktemp -d)
MNT="$TMP/small-disk"
mkdir -p "$MNT"
cleanup() { umount "$MNT" 2>/dev/null || true; rm -rf "$TMP"; }
trap cleanup EXIT
if ! mount -t tmpfs -o size=1800k tmpfs "$MNT" 2>/dev/null; then
  echo "storage_faults: SKIPPED: cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN)"
  exit 0
fi
fail() { echo "storage_faults: FAIL: $*" >&2; exit 1; }

"$YT8M" synth --out "$TMP/data" --videos 400 --classes 50 --video-level --shards 2 2>/dev/null
train() {   # train OUT
  "$YT8M" train --model logistic --train "$TMP/data/video/train*" --validation "$TMP/data/video/validate*" \
    --num-classes 50 --steps 20 --validate-every 5 --batch-size 32 --out "$1"
}
train "$TMP/straight" >/dev/null 2>&1

echo "== disk full at a checkpoint"
status=0
train "$MNT/run" >"$TMP/full.out" 2>"$TMP/full.err" || status=$?
[ "$status" -eq 1 ] || fail "a full disk ended with status $status, not 1"
grep -q "No space left on device" "$TMP/full.err" || fail "the error does not say the disk is full: $(tail -2 "$TMP/full.err")"
grep -q "$MNT/run/" "$TMP/full.err" || fail "the error does not name the file: $(tail -2 "$TMP/full.err")"
tail -1 "$TMP/full.err"
[ -z "$(find "$MNT/run" -name '.*.tmp-*')" ] || fail "temporary files left: $(find "$MNT/run" -name '.*.tmp-*')"
[ -f "$MNT/run/last.safetensors" ] || fail "the previous checkpoint is gone"
"$YT8M" eval --checkpoint "$MNT/run/last.safetensors" --data "$TMP/data/video/validate*" --num-classes 50 >/dev/null 2>"$TMP/eval.err" \
  || fail "the previous checkpoint does not load: $(tail -2 "$TMP/eval.err")"
cp -a "$MNT/run" "$TMP/moved"
train "$TMP/moved" >/dev/null 2>&1 || fail "the run did not resume on a disk with room"
for f in last.safetensors best.safetensors metrics.csv; do
  scripts/same_run_file.sh "$TMP/straight/$f" "$TMP/moved/$f" || fail "$f differs from the uninterrupted run's after the resume"
done
echo "the previous checkpoint loads; resumed elsewhere, the run ends byte-identical to an uninterrupted one"

echo "== a read-only --out"
rm -rf "$MNT/run"
mkdir -p "$MNT/readonly"
mount -o remount,ro "$MNT"
status=0
train "$MNT/readonly" >"$TMP/ro.out" 2>"$TMP/ro.err" || status=$?
[ "$status" -eq 1 ] || fail "a read-only directory ended with status $status, not 1"
grep -q "Read-only file system" "$TMP/ro.err" || fail "the error does not say why: $(tail -2 "$TMP/ro.err")"
if grep -q "^step " "$TMP/ro.err"; then fail "training started before the directory was found read-only"; fi
tail -1 "$TMP/ro.err"
echo "storage_faults: all hold"
