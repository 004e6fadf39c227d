#!/usr/bin/env bash
# Checks that every expected output under tests/lua/ and tests/next/ is what PUC Lua 5.4 prints
# for its script, so Tape's tests assert lua5.4's behaviour rather than Tape's own.
# With --bless, (re)writes the .out files of the scripts named instead (paths relative to tests/,
# e.g. lua/core-arith.lua), or of every script when none is named.
#   tests/oracle.sh [--bless [DIR/NAME.lua ...]]
set -u
here=$(cd "$(dirname "$0")" && pwd)
command -v lua5.4 >/dev/null || { echo "oracle.sh: lua5.4 is not installed"; exit 2; }
bless=0
if [ "${1:-}" = "--bless" ]; then bless=1; shift; fi
cd "$here" || exit 2
if [ $# -gt 0 ]; then
  scripts=("$@")
else
  scripts=()
  for d in lua next; do
    [ -d "$d" ] && for f in "$d"/*.lua; do [ -e "$f" ] && scripts+=("$f"); done
  done
fi
pass=0 fail=0
for s in "${scripts[@]}"; do
  s=${s#tests/}
  case "$s" in */*) ;; *) s="lua/$s" ;; esac
  dir=$(dirname "$s") name=$(basename "$s")
  out="$dir/${name%.lua}.out"
  tmp=$(mktemp)
  "$here/expect.sh" lua5.4 "$here/$dir" "$name" > "$tmp"
  if [ $bless -eq 1 ]; then
    mv "$tmp" "$out"
    pass=$((pass + 1))
    continue
  fi
  if [ -f "$out" ] && cmp -s "$tmp" "$out"; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "MISMATCH with lua5.4: tests/$s"
    diff "$tmp" "$out" | head -20
  fi
  rm -f "$tmp"
done
echo "oracle: $pass passed, $fail failed"
[ $fail -eq 0 ]
