#!/bin/sh
# Data-parallel equivalence under mpirun (run by .ci/run after make test):
#  - 2 ranks at global batch 32 give byte-for-byte the weights, and exactly
#    the validation metrics (scored on shares of the validation batches), of
#    one process with accumulationSteps 2 at batch 32, after 50 steps: for
#    logistic and MoE (no batch norm) and a frame-level LSTM with dropout
#    (masks keyed by each video's row of the global batch); MoE and LSTM
#    with mixup too (partners and λ drawn over the global batch, which the
#    ranks gather), and 3 ranks with mixup within 1e-6 of one process (SGD, see below);
#  - 2 ranks and 3 ranks (--oversubscribe; shares of 11, 11, 10 and another
#    float summation order) against the plain single process at the same
#    global batch after 20 steps of SGD with momentum: max relative weight
#    difference ≤ 1e-6 (1e-7 to 3e-7 measured) and validation GAP@20 equal to three decimals, for
#    those three and an MoE whose batch norm the ranks synchronise
#    (moe-gated). SGD because its update is linear in the gradient: Adam
#    divides each gradient by its own size, so a gradient that nearly cancels
#    over the batch, where the summation order's rounding is a sizeable share
#    of it, moves its weight by a rounding-dependent share of the learning
#    rate. The LSTM's plain process and the same process at --accumulate 2
#    (no MPI at all) differ by 1.5e-5 after one Adam step, in one weight of
#    1274; ranks under Adam are held bit-exact to --accumulate above;
#  - `yt8m train --model moe --steps 200` (the default recipe on the embedded
#    data; each rank reads only its own videos' data) under mpirun -np 2
#    reaches the validation GAP@20 of the same command without mpirun, to
#    three decimals; and `yt8m eval` and `yt8m predict` of its checkpoint
#    under mpirun -np 2 (each rank scoring its share of the batches) print
#    the same metrics and write the same submission bytes as one process;
#  - `yt8m distill` under mpirun -np 2 (teachers and students data-parallel,
#    rank 0 writing the soft labels) reports the one-process figures;
#  - a rank killed mid-training makes the others exit non-zero within 30 s.
# Usage: scripts/mpi_equivalence.sh [path/to/DistributedCheck [path/to/yt8m]]
set -eu
cd "$(dirname "$0")/.."
CHECK=${1:-.build/debug/DistributedCheck}
YT8M=${2:-$(dirname "$CHECK")/yt8m}
[ -x "$CHECK" ] || { echo "mpi_equivalence: $CHECK is not built (swift build --build-tests)" >&2; exit 1; }
[ -x "$YT8M" ] || { echo "mpi_equivalence: $YT8M is not built (swift build)" >&2; exit 1; }
# Containers and CI run as root; Open MPI refuses that unless told.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

for model in logistic moe lstm; do
  echo "== $model: 2 ranks vs --accumulate 2, 50 steps, batch 32 (bit-exact)"
  mpirun -np 2 "$CHECK" train --mode mpi --model $model --steps 50 --batch 32 --out "$TMP/$model-mpi2-50"
  "$CHECK" train --mode accumulate --accumulate 2 --model $model --steps 50 --batch 32 --out "$TMP/$model-acc2-50"
  "$CHECK" compare "$TMP/$model-mpi2-50" "$TMP/$model-acc2-50" --exact
done
for model in moe lstm; do
  echo "== $model with mixup (α 0.4, partners over the global batch): 2 ranks vs --accumulate 2, 50 steps (bit-exact)"
  mpirun -np 2 "$CHECK" train --mode mpi --model $model --steps 50 --batch 32 --mixup 0.4 --out "$TMP/$model-mixup-mpi2"
  "$CHECK" train --mode accumulate --accumulate 2 --model $model --steps 50 --batch 32 --mixup 0.4 --out "$TMP/$model-mixup-acc2"
  "$CHECK" compare "$TMP/$model-mixup-mpi2" "$TMP/$model-mixup-acc2" --exact
done
echo "== moe with mixup: 3 ranks vs one process, 20 steps of SGD (≤ 1e-6)"
"$CHECK" train --mode plain --model moe --steps 20 --batch 32 --mixup 0.4 --optimizer sgd --out "$TMP/moe-mixup-plain"
mpirun -np 3 --oversubscribe "$CHECK" train --mode mpi --model moe --steps 20 --batch 32 --mixup 0.4 --optimizer sgd --out "$TMP/moe-mixup-mpi3"
"$CHECK" compare "$TMP/moe-mixup-mpi3" "$TMP/moe-mixup-plain" --tolerance 1e-6
echo "== moe: the same with 1 KiB buckets (several allreduces started during the backward pass, in order)"
mpirun -np 2 "$CHECK" train --mode mpi --model moe --steps 50 --batch 32 --bucket-bytes 1024 --out "$TMP/moe-mpi2-50-small"
"$CHECK" compare "$TMP/moe-mpi2-50-small" "$TMP/moe-acc2-50" --exact

for model in logistic moe moe-gated lstm; do
  "$CHECK" train --mode plain --model $model --steps 20 --batch 32 --optimizer sgd --out "$TMP/$model-plain-20"
  for n in 2 3; do
    echo "== $model: $n ranks vs one process, 20 steps of SGD, batch 32 (≤ 1e-6)"
    # 512-byte buckets: several allreduces, queued with the synchronised batch norm's sums during the backward pass.
    mpirun -np $n --oversubscribe "$CHECK" train --mode mpi --model $model --steps 20 --batch 32 --bucket-bytes 512 --optimizer sgd --out "$TMP/$model-mpi$n-20"
    "$CHECK" compare "$TMP/$model-mpi$n-20" "$TMP/$model-plain-20" --tolerance 1e-6
  done
done

echo "== yt8m train --model moe --steps 200: mpirun -np 2 vs one process (validation GAP@20 to three decimals)"
gap() { sed -n 's/^validation: GAP@20 \([0-9.]*\).*/\1/p' "$1" | tail -1; }
"$YT8M" train --model moe --steps 200 --out "$TMP/moe-1" --no-tensorboard >"$TMP/moe-1.log" 2>&1 \
  || { cat "$TMP/moe-1.log" >&2; exit 1; }
mpirun -np 2 "$YT8M" train --model moe --steps 200 --out "$TMP/moe-2" --no-tensorboard >"$TMP/moe-2.log" 2>&1 \
  || { cat "$TMP/moe-2.log" >&2; exit 1; }
one=$(gap "$TMP/moe-1.log"); two=$(gap "$TMP/moe-2.log")
echo "validation GAP@20: one process $one, 2 ranks $two"
[ -n "$one" ] && [ -n "$two" ] && awk -v a="$one" -v b="$two" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d < 0.0005) }' \
  || { echo "mpi_equivalence: the GAP@20 differs in the third decimal" >&2; tail -5 "$TMP/moe-2.log" >&2; exit 1; }
[ -f "$TMP/moe-2/best.safetensors" ] && [ -f "$TMP/moe-2/metrics.csv" ] || { echo "mpi_equivalence: rank 0 wrote no checkpoint" >&2; exit 1; }

echo "== yt8m eval and predict of that checkpoint: mpirun -np 2 vs one process (the same metrics, the same submission bytes)"
"$YT8M" eval --checkpoint "$TMP/moe-1/best.safetensors" >"$TMP/eval-1.txt" 2>/dev/null
mpirun -np 2 "$YT8M" eval --checkpoint "$TMP/moe-1/best.safetensors" >"$TMP/eval-2.txt" 2>/dev/null
diff "$TMP/eval-1.txt" "$TMP/eval-2.txt" || { echo "mpi_equivalence: yt8m eval differs under mpirun" >&2; exit 1; }
"$YT8M" predict --checkpoint "$TMP/moe-1/best.safetensors" --out "$TMP/predict-1.csv" 2>/dev/null
mpirun -np 2 "$YT8M" predict --checkpoint "$TMP/moe-1/best.safetensors" --out "$TMP/predict-2.csv" 2>/dev/null
cmp "$TMP/predict-1.csv" "$TMP/predict-2.csv" || { echo "mpi_equivalence: yt8m predict differs under mpirun" >&2; exit 1; }
echo "eval: $(grep GAP "$TMP/eval-2.txt"); predict: $(($(wc -l <"$TMP/predict-2.csv") - 1)) videos, identical files"

echo "== yt8m distill (2 folds, 20 steps each): mpirun -np 2 vs one process (the same teachers' and students' GAP)"
figures() { grep -E "^(soft labels|the 2 fold teachers|student )" "$1"; }
"$YT8M" distill --teacher logistic --student logistic --folds 2 --teacher-steps 20 --student-steps 20 --out "$TMP/distill-1" >"$TMP/distill-1.txt" 2>/dev/null
mpirun -np 2 "$YT8M" distill --teacher logistic --student logistic --folds 2 --teacher-steps 20 --student-steps 20 --out "$TMP/distill-2" >"$TMP/distill-2.txt" 2>/dev/null
figures "$TMP/distill-1.txt" >"$TMP/distill-1.figures"; figures "$TMP/distill-2.txt" >"$TMP/distill-2.figures"
[ "$(wc -l <"$TMP/distill-1.figures")" -eq 3 ] && diff "$TMP/distill-1.figures" "$TMP/distill-2.figures" \
  || { echo "mpi_equivalence: yt8m distill differs under mpirun" >&2; cat "$TMP/distill-2.txt" >&2; exit 1; }
tail -1 "$TMP/distill-2.figures"

echo "== a rank killed mid-training: the other exits non-zero within 30 s, the last checkpoint intact"
mpirun -np 2 "$CHECK" train --mode mpi --model moe --steps 100000000 --batch 32 \
  --dir "$TMP/killed" --pid-prefix "$TMP/pid" --out "$TMP/never" >"$TMP/killed.log" 2>&1 &
LAUNCHER=$!
waited=0
while [ ! -f "$TMP/killed/last.safetensors" ] || [ ! -f "$TMP/pid.1" ]; do
  sleep 0.2; waited=$((waited + 1))
  [ $waited -lt 300 ] || { echo "mpi_equivalence: no checkpoint after 60 s" >&2; cat "$TMP/killed.log" >&2; kill $LAUNCHER; exit 1; }
done
sleep 1
start=$(date +%s)
kill -9 "$(cat "$TMP/pid.1")"
status=0
wait $LAUNCHER || status=$?
elapsed=$(( $(date +%s) - start ))
echo "mpirun exited with status $status after ${elapsed} s"
[ $status -ne 0 ] || { echo "mpi_equivalence: the run survived a dead rank" >&2; exit 1; }
[ $elapsed -le 30 ] || { echo "mpi_equivalence: the ranks took ${elapsed} s to stop" >&2; exit 1; }
# Rank 0 must be gone too (a zombie, state Z, left to a PID 1 that does not reap, is gone).
rank0=$(cat "$TMP/pid.0"); waited=0
while [ -r /proc/$rank0/stat ] && [ "$(awk '{print $3}' /proc/$rank0/stat 2>/dev/null)" != Z ]; do
  sleep 0.2; waited=$((waited + 1))
  [ $waited -lt 50 ] || { echo "mpi_equivalence: rank 0 still runs" >&2; cat /proc/$rank0/stat >&2; kill -9 $rank0; exit 1; }
done
echo "last checkpoint intact at step $("$CHECK" checkpoint-step "$TMP/killed/last.safetensors")"
echo "mpi_equivalence: all equivalences hold"
