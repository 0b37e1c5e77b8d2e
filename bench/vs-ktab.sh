#!/usr/bin/env bash
# Times KTAB's `smpc` and entente's smp on the same KTAB inputs and prints the ratios.
#
#   bench/vs-ktab.sh SMPC_PATH [ENTENTE_BINARY]
#
# SMPC_PATH is a KTAB `smpc` built by hand from a KTAB snapshot outside this repository (no
# KTAB code, and no recipe that builds it, is kept here). KTAB runs as
# `smpc --csv FILE --logmin --connstr "Driver=QSQLITE;Database=DIR/NAME"`: `--logmin` (scenario
# information and position histories only) is its lightest logging, and `--connstr` names the
# SQLite database it writes (smpc has no `--dbname`). smpc answers an argument it does not
# know by printing its usage and exiting 0 at once, which would pass for a very fast run: a
# KTAB run counts only if smpc printed no usage and wrote a non-empty database, else the
# script stops with an error. entente runs the same file
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

# Prints "SECONDS KILOBYTES" for one command run in $work; its output goes to $work/out.txt.
measure() {
  (cd "$work" && /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >"$work/out.txt" 2>&1) || {
    echo "error: $* failed:" >&2
    tail -n 20 "$work/out.txt" >&2
    return 1
  }
  cat "$work/time.txt"
}

# Times smpc on one file and checks that it really ran the model (see the header).
measure_ktab() {
  local file=$1 db="$work/ktab" times
  rm -f "$db"*
  times=$(measure "$smpc" --csv "$file" --logmin --connstr "Driver=QSQLITE;Database=$db") || return 1
  if grep -Eq '^Usage:|Unrecognized argument' "$work/out.txt"; then
    echo "error: smpc printed its usage instead of running $file (its arguments have changed?):" >&2
    cat "$work/out.txt" >&2
    return 1
  fi
  # Qt's SQLite driver opens Database= as given; KTAB's own front ends add ".db".
  local written=""
  for f in "$db" "$db.db"; do
    [[ -s $f ]] && written=$f
  done
  if [[ -z $written ]]; then
    echo "error: smpc wrote no database for $file (expected $db or $db.db):" >&2
    tail -n 20 "$work/out.txt" >&2
    return 1
  fi
  rm -f "$db"*
  echo "$times"
}

printf '%-24s %10s %10s %8s %12s %12s %8s\n' input "KTAB s" "entente s" ratio "KTAB MB" "entente MB" "mem"
for f in ${ENTENTE_KTAB_FILES:-SOE-Policy.csv SOE-Competitive.csv dummyData_6Dim.csv dummyData-a080.csv}; do
  [[ -r $data/$f ]] || { echo "error: $data/$f not found" >&2; exit 1; }
  # Assignments, not `read < <(...)`: a failure inside a process substitution would not stop
  # the script, and the row would be printed with empty figures.
  ktab=$(measure_ktab "$data/$f") || exit 1
  read -r kt km <<<"$ktab"
  ent=$(measure "$entente" run "$data/$f" --model smp --json --db "$work/entente.db") || exit 1
  read -r et em <<<"$ent"
  rm -f "$work"/entente.db*
  awk -v f="$f" -v kt="$kt" -v et="$et" -v km="$km" -v em="$em" 'BEGIN {
    r = (et > 0) ? kt / et : 0; m = (em > 0) ? km / em : 0;
    printf "%-24s %10.3f %10.3f %7.0fx %12.1f %12.1f %7.1fx\n", f, kt, et, r, km / 1024, em / 1024, m }'
done
