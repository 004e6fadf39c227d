#!/usr/bin/env bash
# Runs one Lua script the way the test suite compares it, printing the "expected output" form:
# stdout as-is, then, if the interpreter failed, a last line `!! exit N: <first stderr line>`
# with the interpreter's own name (`lua5.4: `, `tape: `) stripped.
#   tests/expect.sh INTERPRETER DIR SCRIPT
set -u
interp=$1 dir=$2 script=$3
cd "$dir" || exit 2
err=$(mktemp)
$interp "$script" 2>"$err"
code=$?
if [ "$code" -ne 0 ]; then
  printf '!! exit %d: %s\n' "$code" "$(head -n 1 "$err" | sed -E 's/^[^ :]+: //')"
fi
rm -f "$err"
