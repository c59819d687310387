#!/bin/sh
# Trains every zoo model (small configuration) on the embedded synthetic
# dataset with the same short budget and prints a Markdown table of the
# validation GAP@20 each reaches, next to a model that ignores its input.
#   STEPS=200 BATCH=64 scripts/zoo_synthetic_table.sh > zoo-table.md
# DATA=DIR trains on the synthetic dataset in DIR (e.g. `yt8m synth --preset v2 --out DIR`)
# instead of the embedded one, at the small configuration.
# Frame-level models read frames as their recipe says (sampled or every frame in order).
set -eu
STEPS=${STEPS:-200}
BATCH=${BATCH:-64}
swift build -c release --product yt8m >&2
Y=.build/release/yt8m
echo "| model | level | parameters (small, 3862 classes) | validation GAP@20 | seconds |"
echo "|---|---|---|---|---|"
$Y zoo --size small | tail -n +2 | while read -r name level count unit rest; do
    start=$(date +%s)
    if [ -n "${DATA:-}" ]; then
        records=$level
        [ "$name" = frame-statistics ] && records=frame     # statistics of the frames, made by the reader
        set -- --size small --train "$DATA/$records/train*" --validation "$DATA/$records/validate*"
    else
        set --
    fi
    out=$($Y train "$@" --model "$name" --steps "$STEPS" --validate-every "$STEPS" \
          --batch-size "$BATCH" --out "runs/zoo-table/$name" --restart 2>/dev/null || true)
    gap=$(echo "$out" | awk '/^validation:/ {print $3}')
    base=$(echo "$out" | awk '/ignores its input/ {print $NF}')
    echo "| $name | $level | $count $unit | ${gap:-failed} | $(( $(date +%s) - start )) |"
    [ -n "$base" ] && echo "$base" > runs/zoo-table/baseline.txt
done
echo
echo "A model that ignores its input (label frequencies): GAP@20 $(cat runs/zoo-table/baseline.txt 2>/dev/null || echo n/a)."
echo "Budget: $STEPS steps of batch $BATCH, the small configuration's learning rate, the recipe's frame reading."
