#!/bin/sh
# Data-parallel training across two "machines" (run by make test, after
# scripts/mpi_equivalence.sh). mpi_equivalence.sh runs every rank on one
# host, where Open MPI can use shared memory and local launch. This script
# runs the multi-machine path without a second machine:
#  - two network namespaces joined by a veth pair (10.77.0.1 and 10.77.0.2)
#    stand in for two hosts; nothing is created in the host's own namespace;
#  - mpirun runs in the first namespace and starts the second rank through
#    an rsh agent (as it would with ssh) that runs the command with
#    `ip netns exec` in the namespace that owns the address it is given;
#  - the ranks talk over TCP only (btl tcp,self; both the MPI traffic and
#    Open MPI's own out-of-band channel restricted to the veth interface);
#  - each rank records the network namespace it ran in, and the script
#    checks that rank 0 ran in the first and rank 1 in the second, so the
#    test cannot pass by running both ranks locally;
#  - the check itself is the bit-exact one of mpi_equivalence.sh: 2 ranks
#    at global batch 32 give byte-for-byte the weights of one process with
#    accumulationSteps 2 at batch 32, after 50 steps (MoE).
# Needs root (to create namespaces). Without root, or where `ip netns add`
# is not permitted, it prints "mpi_netns: SKIPPED: <reason>" and exits 0.
# Usage: scripts/mpi_netns.sh [path/to/DistributedCheck]
set -eu
cd "$(dirname "$0")/.."
CHECK=${1:-.build/debug/DistributedCheck}
[ -x "$CHECK" ] || { echo "mpi_netns: $CHECK is not built (swift build --build-tests)" >&2; exit 1; }
case $CHECK in /*) ;; *) CHECK=$(pwd)/$CHECK ;; esac
# Containers and CI run as root; Open MPI refuses that unless told.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

skip() { echo "mpi_netns: SKIPPED: $1" >&2; exit 0; }
[ "$(id -u)" = 0 ] || skip "not root (network namespaces need root)"
command -v ip >/dev/null 2>&1 || skip "the ip command (iproute2) is not installed"

# Open MPI 4 (ORTE) and 5 (PRRTE) name the launcher's options differently.
OMPI_VERSION=$(mpirun --version 2>/dev/null | sed -n 's/^mpirun (Open MPI) \([0-9][0-9.]*\).*/\1/p')
case $OMPI_VERSION in
  4.*) LAUNCH=--mca ;;
  5.*) LAUNCH=--prtemca ;;
  *) echo "mpi_netns: unsupported Open MPI version '$OMPI_VERSION' (mpirun --version)" >&2; exit 1 ;;
esac

NS0=yt8m-ns0-$$ NS1=yt8m-ns1-$$
IF=yt8m-veth
ADDR0=10.77.0.1 ADDR1=10.77.0.2
TMP=$(mktemp -d)
MADE="" LAUNCHER=""

cleanup() {
  status=$?
  trap - EXIT INT TERM HUP
  [ -z "$LAUNCHER" ] || kill "$LAUNCHER" 2>/dev/null || true
  for ns in $MADE; do
    # Anything still running in a namespace was started by this script.
    pids=$(ip netns pids "$ns" 2>/dev/null || true)
    [ -z "$pids" ] || kill -9 $pids 2>/dev/null || true
    ip -n "$ns" link del "$IF" 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || echo "mpi_netns: could not delete namespace $ns" >&2
  done
  rm -rf "$TMP"
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

ip netns add "$NS0" 2>"$TMP/netns.err" || skip "ip netns add is not permitted here: $(cat "$TMP/netns.err")"
MADE=$NS0
ip netns add "$NS1"
MADE="$NS0 $NS1"
# Both ends are created directly inside the namespaces, under the same name.
ip link add "$IF" netns "$NS0" type veth peer name "$IF" netns "$NS1"
ip -n "$NS0" addr add $ADDR0/24 dev "$IF"
ip -n "$NS1" addr add $ADDR1/24 dev "$IF"
for ns in $NS0 $NS1; do
  ip -n "$ns" link set lo up
  ip -n "$ns" link set "$IF" up
done

# The rsh agent: mpirun calls it as `agent HOST COMMAND...`, like ssh. It
# runs COMMAND with sh in the namespace that owns HOST, from a clean
# environment as a fresh login would, passing on PATH, HOME, LD_LIBRARY_PATH
# and the numeric settings (OPENBLAS_*, OMP_*, TENSOR_*) unchanged, so that
# both ranks compute exactly as the single process does. Each "machine"
# gets its own temporary directory, as it would its own /tmp.
mkdir "$TMP/$NS0" "$TMP/$NS1"
cat >"$TMP/agent.sh" <<EOF
#!/bin/sh
set -eu
host=\$1; shift
case \$host in
  $ADDR0) ns=$NS0 ;;
  $ADDR1) ns=$NS1 ;;
  *) echo "mpi_netns agent: unknown host \$host" >&2; exit 1 ;;
esac
cmd=\$*
echo "\$host -> \$ns: \$cmd" >>"$TMP/agent.log"
set -- PATH="\$PATH" HOME="\${HOME:-/}" TMPDIR="$TMP/\$ns"
[ -z "\${LD_LIBRARY_PATH+set}" ] || set -- "\$@" LD_LIBRARY_PATH="\$LD_LIBRARY_PATH"
for v in \$(env | sed -nE 's/^((OPENBLAS|OMP|TENSOR)_[A-Za-z0-9_]*)=.*/\\1/p'); do
  eval "set -- \\"\\\$@\\" \$v=\\"\\\$\$v\\""
done
exec ip netns exec "\$ns" env -i "\$@" sh -c "\$cmd"
EOF
chmod +x "$TMP/agent.sh"

# Each rank writes "rank network-namespace" before it starts training.
cat >"$TMP/rank.sh" <<EOF
#!/bin/sh
echo "\${OMPI_COMM_WORLD_RANK:-?} \$(readlink /proc/self/ns/net)" >>"$TMP/ranks.log"
exec "\$@"
EOF
chmod +x "$TMP/rank.sh"

echo "== Open MPI $OMPI_VERSION; namespaces $NS0 ($ADDR0) and $NS1 ($ADDR1) over $IF"
echo "== moe: 2 ranks in 2 namespaces over TCP vs --accumulate 2, 50 steps, batch 32 (bit-exact)"
start=$(date +%s)
# In the background, so that a signal to this script is handled at once
# (sh runs traps only after a foreground command ends; `wait` is interrupted).
TMPDIR=$TMP/$NS0 timeout -k 10 300 ip netns exec "$NS0" mpirun -np 2 --host $ADDR0,$ADDR1 \
  $LAUNCH plm_rsh_agent "$TMP/agent.sh" \
  $LAUNCH oob_tcp_if_include "$IF" \
  --mca btl tcp,self --mca btl_tcp_if_include "$IF" \
  "$TMP/rank.sh" "$CHECK" train --mode mpi --model moe --steps 50 --batch 32 --out "$TMP/moe-netns2-50" &
LAUNCHER=$!
status=0
wait $LAUNCHER || status=$?
LAUNCHER=""
if [ $status -ne 0 ]; then
  echo "mpi_netns: mpirun across the namespaces failed (status $status; 124 is the 300 s time-out)" >&2
  [ ! -f "$TMP/agent.log" ] || { echo "agent log:" >&2; cat "$TMP/agent.log" >&2; }
  exit 1
fi
echo "mpirun across the namespaces took $(( $(date +%s) - start )) s"

# The ranks really ran in different namespaces: rank 0 in NS0, rank 1 in NS1.
want0=$(ip netns exec "$NS0" readlink /proc/self/ns/net)
want1=$(ip netns exec "$NS1" readlink /proc/self/ns/net)
echo "agent calls:"; sed 's/: .*//; s/^/  /' "$TMP/agent.log" 2>/dev/null || true
echo "ranks:"; sed 's/^/  /' "$TMP/ranks.log"
[ "$want0" != "$want1" ] || { echo "mpi_netns: the two namespaces are the same ($want0)" >&2; exit 1; }
[ "$(grep -c . "$TMP/ranks.log")" = 2 ] && grep -Fqx "0 $want0" "$TMP/ranks.log" && grep -Fqx "1 $want1" "$TMP/ranks.log" ||
  { echo "mpi_netns: expected rank 0 in $want0 ($NS0) and rank 1 in $want1 ($NS1)" >&2; exit 1; }
grep -q "^$ADDR1 -> $NS1: " "$TMP/agent.log" 2>/dev/null ||
  { echo "mpi_netns: mpirun never used the rsh agent to reach $ADDR1" >&2; exit 1; }

"$CHECK" train --mode accumulate --accumulate 2 --model moe --steps 50 --batch 32 --out "$TMP/moe-acc2-50"
"$CHECK" compare "$TMP/moe-netns2-50" "$TMP/moe-acc2-50" --exact
echo "mpi_netns: 2 ranks in 2 namespaces over TCP match one process bit for bit"
