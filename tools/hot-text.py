#!/usr/bin/env python3
"""Regenerates crates/cli/hot-text.ld: the `tape` binary's code that every run executes,
placed together at the front of its text.

Why: the kernel maps a program's code 64 KB at a time around each page it first touches
(fault-around), so a short script that runs 300 KB of functions scattered over a 1.7 MB text
segment ends up with nearly all of it resident (`tape -e ''` had 2 MB of its own binary
resident against lua5.4's 250 KB). With the functions the benchmarks run packed together, a
small program maps about one third of it. Only resident memory changes: which code is linked
and what it does are the same.

How: runs `valgrind --tool=callgrind --demangle=no` on each program of ../shared/bench (small
sizes: every run goes through startup, the compiler and the interpreter), collects the
functions of the `tape` binary it executed, and writes a linker script that inserts an output
section `.text.hot_tape` before `.text` with those functions' input sections: the ones an
empty chunk runs (start-up, compiler, exit) first, then by how many programs ran them. Names are matched without their hashes
(`17h<hash>E`, v0 crate disambiguators): those depend on the build's path and profile. A name
shared by many instances (`RawVec::grow_one`, `FnOnce::call_once`) goes last.

Usage: python3 tools/hot-text.py [--bench-dir DIR]
It builds the binary it profiles itself, without the layout (`TAPE_NO_HOT_TEXT=1`, in
target/hot-text): valgrind reads symbols only in `.text`, so a laid-out binary would show it
nothing but the functions left there. A stale script is harmless: a name no longer in the
binary matches nothing.
"""
import argparse
import collections
import fnmatch
import os
import re
import subprocess
import sys
import tempfile

# Program and argument (a small size: startup, compilation and the hot paths, quickly).
PROGRAMS = [("fib", "5"), ("nbody", "10"), ("spectral", "10"), ("binarytrees", "4"),
            ("json", "1"), ("strings", "1"), ("sort", "1"), ("tables", "1"), ("oop", "1"),
            ("loop", "100"), ("coroutines", "1"), ("compiler", "1")]

# A pattern that matches more symbols than this is a generic shared by many instances.
MAX_MATCHES = 3


def executed_functions(path, binary_suffix):
    """Mangled names of the functions of the object ending in `binary_suffix` that the
    callgrind profile at `path` shows executed."""
    objects, names = {}, {}
    ob, out = None, set()
    named = re.compile(r"(c?ob|c?fn)=\((\d+)\)(?: (.*))?")
    for line in open(path, errors="replace"):
        m = named.match(line.strip())
        if not m:
            continue
        kind, ident, name = m.groups()
        table = objects if kind.endswith("ob") else names
        if name:
            table[ident] = name
        if kind == "ob":
            ob = objects.get(ident)
        elif kind == "fn" and ob and ob.endswith(binary_suffix):
            fn = names.get(ident)
            if fn:
                out.add(fn)
    return out


def pattern(name):
    """A linker-script section-name pattern for a mangled name, free of build-specific hashes."""
    p = re.sub(r"\.llvm\.\d+$", "", name)
    p = re.sub(r"'\d+$", "", p)
    p = re.sub(r"17h[0-9a-f]{16}E$", "17h", p)
    p = re.sub(r"Cs[0-9A-Za-z]+_", "Cs*_", p)
    # `$` is not a name character in a linker script: `?` matches any one character.
    return p.replace("$", "?") + "*"


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench-dir", default=os.path.join(root, "..", "shared", "bench"))
    ap.add_argument("--tape", help="profile this binary (built without the layout) instead")
    ap.add_argument("--out", default=os.path.join(root, "crates", "cli", "hot-text.ld"))
    args = ap.parse_args()

    if not args.tape:
        target = os.path.join(root, "target", "hot-text")
        subprocess.run(["cargo", "build", "--release", "--bin", "tape", "--target-dir", target],
                       cwd=root, env=dict(os.environ, TAPE_NO_HOT_TEXT="1"), check=True)
        args.tape = os.path.join(target, "release", "tape")

    counts = collections.Counter()
    startup = set()
    with tempfile.TemporaryDirectory() as tmp:
        # What every run executes (an empty chunk: start-up, the compiler, exit) goes first, so a
        # short script's code sits in as few 64 KB windows as possible.
        out = os.path.join(tmp, "empty.cg")
        subprocess.run(["valgrind", "--tool=callgrind", "--demangle=no",
                        "--callgrind-out-file=" + out, args.tape, "-e", ""],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        startup = executed_functions(out, os.path.basename(args.tape))
        print(f"empty chunk: {len(startup)} functions", file=sys.stderr)
        for prog, n in PROGRAMS:
            out = os.path.join(tmp, prog + ".cg")
            subprocess.run(["valgrind", "--tool=callgrind", "--demangle=no",
                            "--callgrind-out-file=" + out, args.tape,
                            os.path.join(args.bench_dir, prog + ".lua"), n],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
            fns = executed_functions(out, os.path.basename(args.tape))
            print(f"{prog}: {len(fns)} functions", file=sys.stderr)
            counts.update(fns)

    symbols = subprocess.run(["nm", args.tape], capture_output=True, text=True,
                             check=True).stdout.split("\n")
    symbols = [s.split()[-1] for s in symbols if len(s.split()) == 3]

    def matches(p):
        rx = re.compile(fnmatch.translate(p))
        return sum(1 for s in symbols if rx.match(s))

    first, shared, seen = [], [], set()
    order = sorted(counts.items(), key=lambda kv: (kv[0] not in startup, -kv[1], kv[0]))
    for name, _ in order:
        if not (name.startswith(("_ZN", "_R")) or name == "main"):
            continue
        p = pattern(name)
        if p in seen:
            continue
        seen.add(p)
        (shared if matches(p) > MAX_MATCHES else first).append(p)

    with open(args.out, "w") as o:
        o.write("/* Generated by tools/hot-text.py: the functions the benchmarks execute, packed\n"
                "   together at the front of the text (see that script). */\n")
        o.write("SECTIONS\n{\n  .text.hot_tape :\n  {\n")
        for p in first + shared:
            # (`.text.hot.`: where a profile-guided build puts the functions it saw run.)
            o.write(f"    *(.text.{p} .text.unlikely.{p} .text.hot.{p})\n")
        o.write("  }\n}\nINSERT BEFORE .text;\n")
    print(f"{len(first)} + {len(shared)} patterns -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
