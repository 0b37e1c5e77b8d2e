#!/usr/bin/env bash
# MPI scaling of the sweep on one machine: wall time of `entente-mpi sweep` on 1 and 2
# ranks (or the counts given), same scenario, seed and samples, and the speed-up.
#
#   bench/mpi-scaling.sh [SCENARIO] [SAMPLES] [MODEL...]
#
# Defaults: the embedded korea-2003 with every model, 16384 samples (64 blocks). A run
# must be long against mpirun's own start (about 0.4 s here): bdm alone, at 13,000
# samples/s, would mostly measure that.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
mpi_bin="$here/build/entente-mpi"
[[ -x $mpi_bin ]] || { echo "error: $mpi_bin not built (OpenMPI missing?)" >&2; exit 1; }
scenario=${1:-}
samples=${2:-16384}
shift $(( $# > 2 ? 2 : $# ))
models=("$@")
model_flags=()
for m in "${models[@]}"; do model_flags+=(-m "$m"); done
root=()
[[ $(id -u) -eq 0 ]] && root=(--allow-run-as-root)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

time_ranks() {
  local n=$1 start end
  start=$(date +%s.%N)
  mpirun -n "$n" --oversubscribe "${root[@]}" "$mpi_bin" sweep ${scenario:+"$scenario"} \
    --samples "$samples" "${model_flags[@]}" --json --db "$work/runs-$n.db" >"$work/out-$n.json"
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { print b - a }'
}

t1=$(time_ranks 1)
t2=$(time_ranks 2)
# The two runs must agree to the bit (run ids and rank counts aside).
if ! diff <(grep -v -e '"run_id"' -e '"mpi_ranks"' "$work/out-1.json") \
          <(grep -v -e '"run_id"' -e '"mpi_ranks"' "$work/out-2.json") >/dev/null; then
  echo "error: 1-rank and 2-rank results differ" >&2
  exit 1
fi
awk -v s="$samples" -v m="${models[*]:-all}" -v t1="$t1" -v t2="$t2" 'BEGIN {
  printf "samples %s, models %s\n1 rank  %.2f s\n2 ranks %.2f s\nspeed-up %.2fx\n", s, m, t1, t2, t1 / t2 }'
