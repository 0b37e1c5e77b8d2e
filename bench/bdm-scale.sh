#!/usr/bin/env bash
# Time, peak memory and output size of `entente run TABLE.csv -m bdm --json` on random CSV
# actor tables of growing size (docs/bdm.md, "Output size").
#
#   bench/bdm-scale.sh [ENTENTE_BINARY] [ACTORS...] [-- OPTION...]
#
# Defaults: build/entente, 100 320 1000 actors, once with bdm's default detail and once
# with `--option bdm.detail=none`. OPTIONs after `--` replace those two runs with one run
# per option (e.g. `-- bdm.detail=offers`). The tables are drawn with a fixed seed, so every
# run sees the same actors: capability 1–100, position 0–100, salience 0.1–1. Each run
# stores into a fresh run store, as a user's run would. Wall time, CPU time (user + system:
# steadier than wall time on a machine shared with other builds) and peak resident memory
# come from GNU time; "JSON" is the size of the document printed with --json.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
entente=$(realpath "${1:-$here/build/entente}")
[[ $# -gt 0 ]] && shift
sizes=()
while [[ $# -gt 0 && $1 != -- ]]; do sizes+=("$1"); shift; done
[[ $# -gt 0 ]] && shift
options=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(100 320 1000)
[[ ${#options[@]} -gt 0 ]] || options=("" bdm.detail=none)
[[ -x $entente ]] || { echo "error: $entente not built" >&2; exit 1; }
command -v /usr/bin/time >/dev/null || { echo "error: GNU time (/usr/bin/time) needed" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

printf '%7s  %-22s %9s %9s %10s %12s\n' actors option "wall s" "CPU s" "peak MiB" "JSON bytes"
for n in "${sizes[@]}"; do
  awk -v n="$n" 'BEGIN {
    srand(20261128); print "actor,capability,position,salience";
    for (i = 1; i <= n; ++i)
      printf "a%04d,%.2f,%.2f,%.2f\n", i, 1 + 99 * rand(), 100 * rand(), 0.1 + 0.9 * rand() }' \
    >"$work/actors-$n.csv"
  for opt in "${options[@]}"; do
    args=(run "$work/actors-$n.csv" -m bdm --json --db "$work/store.db")
    [[ -n $opt ]] && args+=(--option "$opt")
    rm -f "$work"/store.db*
    /usr/bin/time -f "%e %U %S %M" -o "$work/time.txt" "$entente" "${args[@]}" >"$work/out.json" || {
      echo "error: entente ${args[*]} failed" >&2
      exit 1
    }
    read -r secs user sys kib <"$work/time.txt"
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')
    printf '%7d  %-22s %9.2f %9.2f %10d %12d\n' "$n" "${opt:-(default)}" "$secs" "$cpu" \
      "$((kib / 1024))" "$(stat -c %s "$work/out.json")"
  done
done
