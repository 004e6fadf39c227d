#!/usr/bin/env bash
# Runs the official Lua 5.4 test suite (the `testes/` folder of PUC Lua's repository, e.g. tag
# v5.4.4, fetched by you into a folder outside this repository) under Tape in portable mode.
#   tests/official.sh TESTES_DIR [FILE...]      FILE: e.g. strings or strings.lua; default: all 29
# Each file runs as `tape -e "_port=true; _soft=true; _nomsg=true" FILE.lua` from TESTES_DIR
# (all.lua with `-e "_U=true"` instead) under a timeout; one line per file, then
# `N passed, N failed`. TAPE (default: target/release/tape) and TIMEOUT (seconds, default 120)
# may be set in the environment.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 1 ] || { echo "usage: tests/official.sh TESTES_DIR [FILE...]" >&2; exit 2; }
dir=$(cd "$1" && pwd) || exit 2
shift
tape=${TAPE:-$here/target/release/tape}
case "$tape" in /*) ;; *) tape="$PWD/$tape" ;; esac
[ -x "$tape" ] || { echo "official.sh: $tape not built (cargo build --release)" >&2; exit 2; }
limit=${TIMEOUT:-120}
if [ $# -gt 0 ]; then
  files=("$@")
else
  files=(api attrib big bitwise calls closure code constructs coroutine cstack db errors events
         files gc gengc goto literals locals main math nextvar pm sort strings tpack utf8
         vararg verybig all)
fi
pass=0 fail=0
for f in "${files[@]}"; do
  f=${f%.lua}
  if [ "$f" = all ]; then pre="_U=true"; else pre="_port=true; _soft=true; _nomsg=true"; fi
  log=$(mktemp)
  start=$(date +%s.%N)
  (cd "$dir" && timeout -k 5 "$limit" "$tape" -e "$pre" "$f.lua" </dev/null >"$log" 2>&1)
  rc=$?
  secs=$(echo "$(date +%s.%N) - $start" | bc)
  if [ $rc -eq 0 ] && { [ "$f" != all ] || grep -q 'final OK !!!' "$log"; }; then
    status=PASS; pass=$((pass + 1)); why=""
  else
    fail=$((fail + 1))
    if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then status=TIMEOUT; else status=FAIL; fi
    why=$(grep -m1 -E 'error|tape:|assert|fail' "$log" || tail -n1 "$log")
  fi
  printf '%-8s %-11s %7.2fs  %s\n' "$status" "$f" "$secs" "${why:0:160}"
  rm -f "$log"
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
