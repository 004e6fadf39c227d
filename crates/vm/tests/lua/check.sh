#!/bin/bash
# Diffs Tape's output against the expected files: ./check.sh [runner]
R=${1:-/work/tgt/vm/debug/examples/run}
for f in *.lua; do
  timeout 20 $R - < "$f" > /tmp/tape_out.txt 2>&1
  if ! diff <(sed 's/0x[0-9a-f]\{8,\}/ADDR/g' "${f%.lua}.expected") <(sed 's/0x[0-9a-f]\{8,\}/ADDR/g' /tmp/tape_out.txt) > /tmp/tape_diff.txt; then
    echo "== $f"; head -${LINES:-40} /tmp/tape_diff.txt
  fi
done
