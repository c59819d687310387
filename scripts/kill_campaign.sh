#!/bin/sh
# Fault injection: `yt8m train` is killed (SIGKILL, by strace) at every
# rename that commits a run file, and at sampled writes and fsyncs (a file
# half-written), then run again on the same directory. Every such run must
# resume and end with last.safetensors, best.safetensors and metrics.csv
# byte-identical to an uninterrupted run's (metrics.csv but for its
# wall-clock columns: scripts/same_run_file.sh), and leave no temporary file.
# Usage: scripts/kill_campaign.sh [path/to/yt8m]
# Environment: KILL_STEPS (training steps, default 20; validation every 5)
# and KILL_EVERY_CALL=1 (kill at every write and fsync, not six of each):
#   KILL_STEPS=40 KILL_EVERY_CALL=1 scripts/kill_campaign.sh   # over 100 kills
set -eu
cd "$(dirname "$0")/.."
YT8M=${1:-.build/debug/yt8m}
[ -x "$YT8M" ] || { echo "kill_campaign: $YT8M is not built" >&2; exit 1; }
command -v strace >/dev/null || { echo "kill_campaign: strace is not installed (apt-get install strace)" >&2; exit 1; }
STEPS=${KILL_STEPS:-20}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

"$YT8M" synth --out "$TMP/data" --videos 400 --classes 50 --video-level --shards 2 2>/dev/null
train() {
  "$YT8M" train --model logistic --train "$TMP/data/video/train*" --validation "$TMP/data/video/validate*" \
    --num-classes 50 --steps $STEPS --validate-every 5 --batch-size 32 --mixup 0.2 --out "$1" >>"$TMP/log" 2>&1
}
train "$TMP/straight"

# How many of each call an uninterrupted run makes.
strace -f -qq -o "$TMP/trace" -e trace=rename,renameat,renameat2,write,fsync \
  "$YT8M" train --model logistic --train "$TMP/data/video/train*" --validation "$TMP/data/video/validate*" \
  --num-classes 50 --steps $STEPS --validate-every 5 --batch-size 32 --mixup 0.2 --out "$TMP/counted" >>"$TMP/log" 2>&1
# strace's `when=N` counts each thread's calls, so the range to cover is the
# busiest thread's count.
count() { awk -v call="$1(" 'index($2, call) == 1 { n[$1]++ } END { m = 0; for (t in n) if (n[t] > m) m = n[t]; print m }' "$TMP/trace"; }
renames=$(( $(count rename) + $(count renameat) + $(count renameat2) ))
writes=$(count write)
fsyncs=$(count fsync)
echo "kill_campaign: an uninterrupted run makes $renames renames, $writes writes, $fsyncs fsyncs"
[ "$renames" -ge 10 ] || { echo "kill_campaign: expected at least 10 renames, saw $renames" >&2; exit 1; }

cases=0 failures=0 unreached=0
attempt() {   # attempt NAME SYSCALLS N: kill at the N-th call of SYSCALLS (per thread), then resume
  dir="$TMP/$1-$3"
  set +e
  strace -f -qq -o /dev/null -e trace="$2" -e inject="$2":signal=KILL:when="$3" \
    "$YT8M" train --model logistic --train "$TMP/data/video/train*" --validation "$TMP/data/video/validate*" \
    --num-classes 50 --steps $STEPS --validate-every 5 --batch-size 32 --mixup 0.2 --out "$dir" >>"$TMP/log" 2>&1
  status=$?
  set -e
  if [ "$status" -eq 0 ]; then
    # This run made fewer such calls than the counted one (progress lines
    # depend on timing): nothing was injected, so it must simply be right.
    unreached=$((unreached + 1))
    for f in last.safetensors best.safetensors metrics.csv; do
      scripts/same_run_file.sh "$TMP/straight/$f" "$dir/$f" || { echo "FAIL $1 #$3: $f differs (run not killed)"; failures=$((failures + 1)); }
    done
    return
  fi
  cases=$((cases + 1))
  if ! train "$dir"; then
    echo "FAIL $1 #$3: the run did not resume (see below)"; tail -5 "$TMP/log"; failures=$((failures + 1)); return
  fi
  for f in last.safetensors best.safetensors metrics.csv; do
    if ! scripts/same_run_file.sh "$TMP/straight/$f" "$dir/$f"; then
      echo "FAIL $1 #$3: $f differs from the uninterrupted run's"; failures=$((failures + 1))
    fi
  done
  leftovers=$(find "$dir" -name '.*.tmp-*' | wc -l)
  if [ "$leftovers" -ne 0 ]; then echo "FAIL $1 #$3: $leftovers temporary files left"; failures=$((failures + 1)); fi
}

n=1; while [ $n -le "$renames" ]; do attempt rename rename,renameat,renameat2 $n; n=$((n + 1)); done
points=6; [ "${KILL_EVERY_CALL:-0}" = 1 ] && points=1000000
step=$(( writes / points + 1 )); n=1; while [ $n -le "$writes" ]; do attempt write write $n; n=$((n + step)); done
step=$(( fsyncs / points + 1 )); n=1; while [ $n -le "$fsyncs" ]; do attempt fsync fsync $n; n=$((n + step)); done

echo "kill_campaign: $cases runs killed and resumed ($unreached kill points not reached); $failures failures (lost rows, differing bytes, leftovers or failed resumes)"
[ "$failures" -eq 0 ]
