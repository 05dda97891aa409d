#!/usr/bin/env bash
# Real-Slurm check (run by .ci/run, as root): install Debian's slurm-wlm and munge, start a
# single-node cluster on localhost (munged, slurmctld, slurmd; private config, ports and
# state under a temp dir), submit tools/slurm/tiny-suite.json as a 2-task job array with
# `clbench slurm --submit --wait`, and check that the merged results equal a single-process
# run (identical accuracy matrices). The daemons are stopped on exit, pass or fail.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CLI="node $ROOT/packages/cli/dist/main.js"
SUITE="$ROOT/tools/slurm/tiny-suite.json"
WORK=$(mktemp -d /tmp/clbench-slurm-XXXXXX)
HOST=$(hostname -s)
export SLURM_CONF="$WORK/slurm.conf" DEBIAN_FRONTEND=noninteractive
PIDS=()

cleanup() {
  local rc=$?
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$rc" -ne 0 ]; then
    echo "slurm: FAILED (rc $rc); logs:" >&2
    tail -n 20 "$WORK"/*.log "$WORK"/sharded/slurm/*.log 2>/dev/null >&2 || true
  fi
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  # Another apt may hold the lists lock for a while: retry the update.
  for _ in $(seq 1 30); do apt-get update -qq && break; sleep 5; done
  apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 slurm-wlm munge >/dev/null
fi

mkdir -p "$WORK/munge" "$WORK/state" "$WORK/spool"
chmod 700 "$WORK/munge"
mungekey --create --keyfile "$WORK/munge/munge.key"
munged --foreground --force --key-file "$WORK/munge/munge.key" --socket "$WORK/munge/socket" \
  --pid-file "$WORK/munge/munged.pid" --log-file "$WORK/munged.log" --seed-file "$WORK/munge/seed" >>"$WORK/munged.log" 2>&1 &
PIDS+=($!)

cat > "$SLURM_CONF" <<CONF
ClusterName=clbench-ci
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=16817
SlurmdPort=16818
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=$WORK/munge/socket
CredType=cred/munge
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/slurmctld.log
SlurmdLogFile=$WORK/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/builtin
MailProg=/bin/true
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=ci Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONF

for _ in $(seq 1 50); do [ -S "$WORK/munge/socket" ] && break; sleep 0.1; done
slurmctld -D -f "$SLURM_CONF" >>"$WORK/slurmctld.log" 2>&1 & PIDS+=($!)
slurmd -D -f "$SLURM_CONF" -N "$HOST" >>"$WORK/slurmd.log" 2>&1 & PIDS+=($!)
for _ in $(seq 1 60); do
  [ "$(sinfo -h -N -o %T 2>/dev/null)" = idle ] && break; sleep 0.5
done
sinfo -h -N -o '%N %T %c' | sed 's/^/slurm: node /'

cd "$ROOT"
$CLI slurm "$SUITE" --array 2 --out "$WORK/sharded" --backend wasm --partition ci --submit --wait
for k in 0 1; do grep -q "(shard $k/2)" "$WORK"/sharded/slurm/*_"$k".log || { echo "slurm: array task $k did not run its shard" >&2; exit 1; }; done
$CLI run "$SUITE" --out "$WORK/single" --workers 1 --backend wasm --quiet
node "$ROOT/tools/slurm/compare-results.mjs" "$WORK/sharded" "$WORK/single"
