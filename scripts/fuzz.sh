#!/bin/sh
# Fuzzes the readers of outside data (TFRecord framing, the protobuf and
# YouTube-8M example decoders, the dataset's zero-copy views, safetensors,
# Kaggle CSV) with libFuzzer for RUNS executions, starting from Fuzz/seeds.
# A crash, a leak of the time or memory limits, or an allocation over 1 GiB
# fails the run; the input that did it is saved under .build-fuzz/crashes/
# and replays with `.build/debug/RecordFuzzer FILE` in an ordinary build.
# Usage: scripts/fuzz.sh [RUNS]   (make test runs 20000; the README gives a long run)
set -eu
cd "$(dirname "$0")/.."
RUNS=${1:-20000}
swift build -c release --product RecordFuzzer --scratch-path .build-fuzz \
  -Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING 2>&1 | grep -E "error|warning: " || true
FUZZER=.build-fuzz/release/RecordFuzzer
[ -x "$FUZZER" ] || { echo "fuzz: $FUZZER did not build" >&2; exit 1; }
CORPUS=$(mktemp -d)
trap 'rm -rf "$CORPUS"' EXIT
cp Fuzz/seeds/* "$CORPUS/"
mkdir -p .build-fuzz/crashes
"$FUZZER" "$CORPUS" -runs="$RUNS" -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=10 \
  -artifact_prefix=.build-fuzz/crashes/ -print_final_stats=1 2>"$CORPUS/.log" || {
  tail -40 "$CORPUS/.log" >&2
  echo "fuzz: a reader failed; the input is in .build-fuzz/crashes/" >&2
  exit 1
}
grep -E "^Done|stat::number_of_executed_units|stat::peak_rss_mb" "$CORPUS/.log"
