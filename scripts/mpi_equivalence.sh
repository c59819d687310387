#!/bin/sh
# Data-parallel equivalence under mpirun (run by .ci/run after make test):
#  - 2 ranks at global batch 32 give byte-for-byte the weights of one process
#    with accumulationSteps 2 at batch 32, after 50 steps (logistic and MoE,
#    no batch norm);
#  - 2 ranks and 3 ranks (--oversubscribe; shares of 11, 11, 10 and another
#    float summation order) against the plain single process at the same
#    global batch after 20 steps: max relative weight difference ≤ 1e-5;
#  - a rank killed mid-training makes the others exit non-zero within 30 s.
# Usage: scripts/mpi_equivalence.sh [path/to/DistributedCheck]
set -eu
cd "$(dirname "$0")/.."
CHECK=${1:-.build/debug/DistributedCheck}
[ -x "$CHECK" ] || { echo "mpi_equivalence: $CHECK is not built (swift build --build-tests)" >&2; exit 1; }
# Containers and CI run as root; Open MPI refuses that unless told.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

for model in logistic moe; do
  echo "== $model: 2 ranks vs --accumulate 2, 50 steps, batch 32 (bit-exact)"
  mpirun -np 2 "$CHECK" train --mode mpi --model $model --steps 50 --batch 32 --out "$TMP/$model-mpi2-50"
  "$CHECK" train --mode accumulate --accumulate 2 --model $model --steps 50 --batch 32 --out "$TMP/$model-acc2-50"
  "$CHECK" compare "$TMP/$model-mpi2-50" "$TMP/$model-acc2-50" --exact

  "$CHECK" train --mode plain --model $model --steps 20 --batch 32 --out "$TMP/$model-plain-20"
  for n in 2 3; do
    echo "== $model: $n ranks vs one process, 20 steps, batch 32 (≤ 1e-5)"
    mpirun -np $n --oversubscribe "$CHECK" train --mode mpi --model $model --steps 20 --batch 32 --out "$TMP/$model-mpi$n-20"
    "$CHECK" compare "$TMP/$model-mpi$n-20" "$TMP/$model-plain-20" --tolerance 1e-5
  done
done

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
