#!/usr/bin/env bash
# The paper-scale permuted-MNIST suite on one lent GPU, in one command (issue 26, part 4).
#   tools/gpu/paper-suite.sh [--limit SECONDS] [--out DIR] [--suite FILE] [--widths "256 2000"]
#                            [--workers "1 2 4 8 16"] [--pack DIR]
# From the repository root (or with --pack: a folder made by tools/gpu/pack.sh, for a machine
# without Node; see tools/gpu/setup.sh). Within --limit seconds (default 540, the whole script):
#   1. prints the machine and the webgpu adapter;
#   2. times a naive training step at each width (`clbench bench --backend webgpu --hidden W`, batch 256);
#   3. measures aggregate training steps/s with 1, 2, 4, 8, 16 processes on device 0 at the widest width
#      (`clbench bench --backend webgpu --workers …`);
#   4. runs the suite (default benchmarks/reproductions/clnp-permuted-mnist.json: CLNP, EWC, SI, naive,
#      single-task × seeds at 2×2000) with `clbench run --backend webgpu --devices 0 --workers N`, N the
#      fewest processes within 10 % of the best aggregate of step 3, until the limit: then SIGTERM stops
#      the runs in flight at a step boundary; their per-task checkpoints stay in DIR.
# Everything goes under DIR (default results/clnp-permuted-mnist): run records and checkpoints (clbench
# run --out DIR), bench-step-W.json, bench-shared.json and paper-suite.log. Called again with the same
# DIR it skips steps 2–3 (their JSON is there) and resumes the suite where it stopped: finished runs
# are skipped, runs in flight continue after their last finished task.
# Exit status: 0 when the suite is complete, 3 when the limit stopped it (call again to go on), else the failure's.
set -euo pipefail
cd "$(dirname "$0")/../.."
limit=540 out=results/clnp-permuted-mnist suite=benchmarks/reproductions/clnp-permuted-mnist.json
widths="256 2000" workers="1 2 4 8 16" pack=.gpu
while [ $# -gt 0 ]; do
  case "$1" in
    --limit) limit=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --suite) suite=$2; shift 2 ;;
    --widths) widths=$2; shift 2 ;;
    --workers) workers=$2; shift 2 ;;
    --pack) pack=$2; shift 2 ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "paper-suite.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ $limit =~ ^[0-9]+$ ]] || { echo "paper-suite.sh: --limit: expected seconds, got $limit" >&2; exit 2; }
start=$SECONDS
mkdir -p "$out"
out=$(realpath "$out") suite=$(realpath "$suite")
dir=$(realpath -m "$pack")
. tools/gpu/setup.sh
log=$out/paper-suite.log
say() { echo "$*" | tee -a "$log"; }
clbench() { node packages/cli/dist/main.js "$@"; }
left() { echo $((limit - (SECONDS - start))); }

say "== paper-suite.sh $(date -u +%FT%TZ), limit ${limit} s, suite $suite → $out"
say "node $(node --version); CLBENCH_DAWN_BACKEND=${CLBENCH_DAWN_BACKEND:-(vulkan)}"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=index,name,driver_version,memory.total --format=csv,noheader | tee -a "$log" || true

widest=$(printf '%s\n' $widths | sort -n | tail -1)
for w in $widths; do
  f=$out/bench-step-$w.json
  if [ -f "$f" ]; then say "== step at 784-$w-$w: measured before ($f)"; continue; fi
  say "== a naive step at 784-$w-$w, batch 256"
  clbench bench --backend webgpu --hidden "$w" --methods naive --json "$f.tmp" 2>>"$log" | tee -a "$log"
  mv "$f.tmp" "$f"
done
shared=$out/bench-shared.json
if [ ! -f "$shared" ]; then
  say "== processes sharing device 0: $workers (784-$widest-$widest)"
  clbench bench --backend webgpu --hidden "$widest" --methods naive --workers "${workers// /,}" --json "$shared.tmp" 2>>"$log" | tee -a "$log"
  mv "$shared.tmp" "$shared"
fi
# The fewest processes whose aggregate is within 10 % of the best (more only add memory and start-up).
n=$(node -e '
  const rows = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).shared.filter((r) => r.failed === 0);
  const best = Math.max(...rows.map((r) => r.trainStepsPerSecond));
  console.log(rows.find((r) => r.trainStepsPerSecond >= 0.9 * best)?.workers ?? 1);' "$shared")
say "== the suite on device 0 with $n process(es) (from $shared), $(left) s left"

budget=$(( $(left) - 30 ))        # 30 s to stop at a step boundary and write what is done
if [ "$budget" -lt 10 ]; then say "no time left for the suite: call again with the same --out"; exit 3; fi
code=0
timeout --signal=TERM --kill-after=25 "$budget" node packages/cli/dist/main.js run "$suite" --out "$out" --backend webgpu --devices 0 --workers "$n" 2>&1 | tee -a "$log" || code=${PIPESTATUS[0]}
if [ "$code" -eq 124 ] || [ "$code" -eq 143 ]; then
  say "== stopped at the limit after $((SECONDS - start)) s: call again with the same --out to resume"
  exit 3
fi
say "== suite finished (exit $code) after $((SECONDS - start)) s"
exit "$code"
