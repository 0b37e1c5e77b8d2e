#!/usr/bin/env bash
# Times KTAB's `smpc` and entente's smp on the same KTAB inputs and prints the ratios.
#
#   bench/vs-ktab.sh SMPC_PATH [ENTENTE_BINARY]
#
# SMPC_PATH is a KTAB `smpc` built by hand from a KTAB snapshot outside this repository (no
# KTAB code, and no recipe that builds it, is kept here). KTAB runs with `--logmin` (scenario
# information and position histories only), its lightest logging. entente runs the same file
# as a user would (`entente run FILE --model smp --json`, which also stores the run). Wall
# time and peak resident memory come from GNU time. The answers themselves are compared with
# KTAB's reference logs by the test suite (tests/models/smp_test.cpp, docs/smp.md).
set -euo pipefail

if [[ $# -lt 1 ]]; then
  echo "usage: $0 SMPC_PATH [ENTENTE_BINARY]" >&2
  exit 2
fi
smpc=$(realpath "$1")
here=$(cd "$(dirname "$0")/.." && pwd)
entente=$(realpath "${2:-$here/build/entente}")
data=$(realpath "${ENTENTE_KTAB_DATA:-$here/../shared/data/ktab}")
[[ -x $smpc ]] || { echo "error: $smpc is not an executable" >&2; exit 1; }
[[ -x $entente ]] || { echo "error: $entente not built (make build)" >&2; exit 1; }
command -v /usr/bin/time >/dev/null || { echo "error: GNU time (/usr/bin/time) needed" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Prints "SECONDS KILOBYTES" for one command run in $work.
measure() {
  (cd "$work" && /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >/dev/null 2>&1) || {
    echo "error: $* failed" >&2
    return 1
  }
  cat "$work/time.txt"
}

printf '%-24s %10s %10s %8s %12s %12s %8s\n' input "KTAB s" "entente s" ratio "KTAB MB" "entente MB" "mem"
for f in ${ENTENTE_KTAB_FILES:-SOE-Policy.csv SOE-Competitive.csv dummyData_6Dim.csv dummyData-a080.csv}; do
  read -r kt km < <(measure "$smpc" --csv "$data/$f" --logmin --dbname "$work/ktab.db")
  rm -f "$work"/ktab.db*
  read -r et em < <(measure "$entente" run "$data/$f" --model smp --json --db "$work/entente.db")
  rm -f "$work"/entente.db*
  awk -v f="$f" -v kt="$kt" -v et="$et" -v km="$km" -v em="$em" 'BEGIN {
    r = (et > 0) ? kt / et : 0; m = (em > 0) ? km / em : 0;
    printf "%-24s %10.3f %10.3f %7.0fx %12.1f %12.1f %7.1fx\n", f, kt, et, r, km / 1024, em / 1024, m }'
done
