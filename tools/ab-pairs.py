#!/usr/bin/env python3
"""Compare two interpreters on benchmark programs with paired runs.

On a shared machine the speed drifts by tens of percent within minutes, so medians of
separate runs cannot settle a few percent. This runs A and B back to back, alternating which
goes first, and reports for each program the median of the per-pair ratios B/A (what drift
cancels out of), its quartiles, and how many pairs B won. Outputs must match.

    tools/ab-pairs.py OLD_TAPE target/release/tape                 # all programs, 12 pairs
    tools/ab-pairs.py A B --pairs 24 --only loop:4000000,fib:30     # short runs pair better

A program may carry an argument after a colon (the programs read their size from arg[1]).
--bench-dir defaults to ../shared/bench beside the repository. Standard library only.
"""
import argparse
import os
import resource
import statistics
import subprocess
import sys


def cpu_run(vm, prog, args):
    """Runs `vm prog args`; returns (user + sys CPU seconds, stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run([vm, prog] + args, stdout=subprocess.PIPE, check=True).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("a", help="reference interpreter")
    ap.add_argument("b", help="interpreter compared with it")
    ap.add_argument("--pairs", type=int, default=12)
    ap.add_argument("--only", help="comma-separated programs, each optionally NAME:ARG")
    ap.add_argument("--bench-dir", default=os.path.join(here, "..", "..", "shared", "bench"))
    opts = ap.parse_args()

    if not os.path.isdir(opts.bench_dir):
        sys.exit(f"no benchmark folder {opts.bench_dir} (give --bench-dir)")
    if opts.only:
        specs = opts.only.split(",")
    else:
        specs = sorted(f[:-4] for f in os.listdir(opts.bench_dir) if f.endswith(".lua"))
    print(f"{'program':14s} {'A med s':>8s} {'B med s':>8s} {'pair B/A':>9s} "
          f"{'q1':>6s} {'q3':>6s} {'B faster':>9s}")
    failed = False
    for spec in specs:
        name, _, arg = spec.partition(":")
        prog = os.path.join(opts.bench_dir, name + ".lua")
        args = [arg] if arg else []
        ta, tb, ratios = [], [], []
        for i in range(opts.pairs):
            order = [(opts.a, ta), (opts.b, tb)]
            if i % 2:
                order.reverse()
            outs = []
            try:
                for vm, times in order:
                    t, out = cpu_run(vm, prog, args)
                    times.append(t)
                    outs.append(out)
            except (OSError, subprocess.CalledProcessError) as e:
                print(f"{spec}: {e}", file=sys.stderr)
                failed = True
                break
            if outs[0] != outs[1]:
                print(f"{spec}: outputs differ", file=sys.stderr)
                failed = True
                break
            ratios.append(tb[-1] / ta[-1] if ta[-1] > 0 else float("inf"))
        if not ratios:
            continue
        ratios.sort()
        n = len(ratios)
        won = sum(1 for r in ratios if r < 1)
        print(f"{spec:14s} {statistics.median(ta):8.3f} {statistics.median(tb):8.3f} "
              f"{statistics.median(ratios):9.3f} {ratios[n // 4]:6.3f} "
              f"{ratios[(3 * n) // 4]:6.3f} {won:5d}/{n}", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
