#!/bin/sh
# Trains every zoo model (small configuration) on the embedded synthetic
# dataset with the same short budget and prints a Markdown table of the
# validation GAP@20 each reaches, next to a model that ignores its input.
#   STEPS=200 BATCH=64 scripts/zoo_synthetic_table.sh > zoo-table.md
# DATA=DIR trains on the synthetic dataset in DIR (e.g. `yt8m synth --preset v2 --out DIR`)
# instead of the embedded one, at the small configuration.
# Frame-level models read frames as their recipe says (sampled or every frame in order).
# A last row trains resnet-like without its recipe's mixup, and after the table
# scripts/zoo_findings.py checks the papers' findings and gives the Spearman
# correlation with their GAPs (the script's exit status is this one's).
set -eu
STEPS=${STEPS:-200}
BATCH=${BATCH:-64}
swift build -c release --product yt8m >&2
Y=.build/release/yt8m
echo "| model | level | parameters (small, 3862 classes) | validation GAP@20 | seconds |"
echo "|---|---|---|---|---|"
# One row: name, level, parameter count, unit, then the model and any extra train flags.
row() {
    label=$1 level=$2 count=$3 unit=$4 name=$5
    shift 5
    start=$(date +%s)
    dir=runs/zoo-table/$(printf %s "$label" | tr -c 'A-Za-z0-9.-' '-')
    if [ -n "${DATA:-}" ]; then
        records=$level
        [ "$name" = frame-statistics ] && records=frame     # statistics of the frames, made by the reader
        set -- --size small --train "$DATA/$records/train*" --validation "$DATA/$records/validate*" "$@"
    fi
    out=$($Y train "$@" --model "$name" --steps "$STEPS" --validate-every "$STEPS" \
          --batch-size "$BATCH" --out "$dir" --restart < /dev/null 2>/dev/null || true)
    gap=$(echo "$out" | awk '/^validation:/ {print $3}')
    base=$(echo "$out" | awk '/ignores its input/ {print $NF}')
    echo "| $label | $level | $count $unit | ${gap:-failed} | $(( $(date +%s) - start )) |"
    [ -n "$base" ] && echo "$base" > runs/zoo-table/baseline.txt
    return 0
}
mkdir -p runs/zoo-table
$Y zoo --size small | tail -n +2 > runs/zoo-table/models.txt
while read -r name level count unit rest; do
    row "$name" "$level" "$count" "$unit" "$name"
done < runs/zoo-table/models.txt | tee runs/zoo-table/table.md
grep '^resnet-like ' runs/zoo-table/models.txt | while read -r name level count unit rest; do
    row "resnet-like --mixup 0" "$level" "$count" "$unit" resnet-like --mixup 0
done | tee -a runs/zoo-table/table.md
echo
echo "A model that ignores its input (label frequencies): GAP@20 $(cat runs/zoo-table/baseline.txt 2>/dev/null || echo n/a)."
echo "Budget: $STEPS steps of batch $BATCH, the small configuration's learning rate, the recipe's frame reading."
echo
$Y zoo --json > runs/zoo-table/zoo.json
echo '```text'
status=0
scripts/zoo_findings.py --table runs/zoo-table/table.md --zoo-json runs/zoo-table/zoo.json --runs runs/zoo-table || status=$?
echo '```'
exit $status
