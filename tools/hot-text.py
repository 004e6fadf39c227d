#!/usr/bin/env python3
"""Regenerates crates/cli/hot-text.ld: the `tape` binary's code that every run executes,
placed together.

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

The `tape` binary is linked statically on x86-64 Linux (tools/link-gcc), so the C library's
functions are in its text too: an executed one is placed by its archive member
(`*libc.a:memmove-avx-unaligned-erms.o`). valgrind reports a CPU without AVX-512, so where an
IFUNC chose a variant under valgrind (`__strlen_avx2`) the variant this machine chooses
(`__strlen_evex`, read from the binary's relocated IFUNC slots) is placed beside it. The start-up
objects (`_start`, `_init`, `_fini`) come first, and the section goes after `.text`, next to the
sections the linker puts there that every run executes (`.iplt`, `__libc_freeres_fn`).

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
import time

# Program and argument: sizes small enough for valgrind, large enough that the collector runs
# (its minor collections, weak tables' checks) as it does at the default sizes.
PROGRAMS = [("fib", "20"), ("nbody", "1000"), ("spectral", "50"), ("binarytrees", "10"),
            ("json", "2"), ("strings", "2000"), ("sort", "2000"), ("tables", "2000"),
            ("oop", "20000"), ("loop", "10000"), ("coroutines", "5000"), ("compiler", "5")]

# Programs whose peak memory is mostly code (their heaps stay under 200 KB): what they run goes
# before what only the others run, so a short script maps the front of the section only.
SMALL = {"fib", "nbody", "spectral", "oop", "loop", "coroutines"}

# The C run-time's start-up objects (`_start`, `frame_dummy`): first, wherever they are linked.
CRT = ["*crt1.o", "*rcrt1.o", "*Scrt1.o", "*crti.o", "*crtbeginS.o", "*crtbeginT.o",
       "*crtendS.o", "*crtn.o"]

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


def archive_members(cc="cc"):
    """For a statically linked binary (tools/link-gcc): the C libraries' functions, as a map
    from a symbol name to the archive members (`libc.a:memmove-avx-unaligned-erms.o`) that
    define one by that name. A linker script names an archive member's sections as
    `*archive:member(...)`; glibc compiles a function or a few to an object file."""
    archives = []
    for lib in ("libc.a", "libm.a", "libgcc_eh.a", "libgcc.a"):
        path = subprocess.run([cc, "-print-file-name=" + lib], capture_output=True,
                              text=True).stdout.strip()
        if not os.path.isfile(path):
            continue
        with open(path, "rb") as f:
            head = f.read(8)
        if head == b"!<arch>\n":
            archives.append(path)
        else:
            # libm.a is a linker script: GROUP ( .../libm-2.36.a .../libmvec.a )
            text = open(path, errors="replace").read()
            archives += [a for a in re.findall(r"(/\S+\.a)\b", text) if os.path.isfile(a)]
    members = collections.defaultdict(set)
    for path in archives:
        out = subprocess.run(["nm", "-A", "--defined-only", path], capture_output=True,
                             text=True).stdout
        base = os.path.basename(path)
        for line in out.splitlines():
            # /path/libc.a:memcpy.o:0000000000000000 T memcpy
            f = line.split()
            if len(f) != 3 or f[1] not in "TtWi":
                continue
            parts = f[0].rsplit(":", 2)
            if len(parts) == 3:
                members[f[2]].add(f"{base}:{parts[1]}")
    return members


# ISA names in glibc's object files for the variants of one function (`strlen-avx2.o`,
# `strlen-evex.o`, `e_exp-fma.o`), which an IFUNC chooses between by the CPU at start.
ISA = re.compile(r"-(sse2|ssse3|sse4|sse4_1|sse4_2|avx|avx2|evex|evex512|avx512|fma|fma4|rtm)(?=[-_.])")


def family(member):
    """The variants of one C library function share this: `libc.a:memmove-unaligned-erms`."""
    return ISA.sub("", member)


def native_variants(binary, members):
    """The archive members of the functions the binary's IFUNCs choose on this machine. valgrind
    reports a CPU of its own (no AVX-512), so the profiles name, say, `__strlen_avx2` where a
    native run calls `__strlen_evex`; a static binary resolves every IFUNC at start, so the
    chosen functions are read from its relocated slots while it waits on its input."""
    relocs = []
    for line in subprocess.run(["readelf", "-rW", binary], capture_output=True,
                               text=True).stdout.splitlines():
        f = line.split()
        if len(f) >= 4 and f[2] == "R_X86_64_IRELATIVE":
            relocs.append(int(f[0], 16))
    if not relocs:
        return set()
    by_addr = collections.defaultdict(list)
    for line in subprocess.run(["nm", binary], capture_output=True, text=True).stdout.splitlines():
        f = line.split()
        if len(f) == 3 and f[1] in "tT":
            by_addr[int(f[0], 16)].append(f[2])
    proc = subprocess.Popen([binary, "-e", "io.read()"], stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL)
    found = set()
    try:
        time.sleep(0.5)
        real = os.path.realpath(binary)
        base = None
        for line in open(f"/proc/{proc.pid}/maps"):
            f = line.split()
            if len(f) >= 6 and os.path.realpath(f[5]) == real and int(f[2], 16) == 0:
                base = int(f[0].split("-")[0], 16)
                break
        if base is not None:
            with open(f"/proc/{proc.pid}/mem", "rb") as mem:
                for off in relocs:
                    mem.seek(base + off)
                    target = int.from_bytes(mem.read(8), "little") - base
                    for name in by_addr.get(target, ()):
                        found.update(members.get(name, ()))
    except OSError:
        pass
    finally:
        proc.communicate(b"")
    return found


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
    small_counts = collections.Counter()
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
            if prog in SMALL:
                small_counts.update(fns)

    symbols = subprocess.run(["nm", args.tape], capture_output=True, text=True,
                             check=True).stdout.split("\n")
    symbols = [s.split()[-1] for s in symbols if len(s.split()) == 3]
    symbol_set = set(symbols)

    def matches(p):
        rx = re.compile(fnmatch.translate(p))
        return sum(1 for s in symbols if rx.match(s))

    members = archive_members()
    natives = collections.defaultdict(set)
    for m in native_variants(args.tape, members):
        natives[family(m)].add(m)
    first, shared, seen = [], [], set()
    order = sorted(counts.items(), key=lambda kv: (kv[0] not in startup, -small_counts[kv[0]],
                                                   -kv[1], kv[0]))
    for name, _ in order:
        if not (name.startswith(("_ZN", "_R")) or name == "main"):
            if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", name) is None:
                continue  # `0x...`: code without a symbol
            # A C library function (the binary is linked statically): its object file's code.
            found = members.get(name, ())
            if name in symbol_set and f"={name}" not in seen:
                # An unmangled name may be a Rust crate's (compiler-builtins' `trunc`, where
                # libm has one too): its section, which matches nothing in the C library.
                seen.add(f"={name}")
                first.append(f"={name}")
            if 0 < len(found) <= MAX_MATCHES:
                for m in sorted(found):
                    # The variant valgrind ran, then the one this machine runs natively.
                    for v in [m] + sorted(natives.get(family(m), ())):
                        if v not in seen:
                            seen.add(v)
                            first.append(v)
            continue
        p = pattern(name)
        if p in seen:
            continue
        seen.add(p)
        (shared if matches(p) > MAX_MATCHES else first).append(p)

    with open(args.out, "w") as o:
        o.write("/* Generated by tools/hot-text.py: the functions the benchmarks execute, packed\n"
                "   together (see that script). */\n")
        o.write("SECTIONS\n{\n  .text.hot_tape :\n  {\n")
        # `_init` and `_fini` (each a prologue in crti.o and an epilogue in crtn.o, joined in
        # link order) run once at start and exit; in `.init`/`.fini` they would sit at the
        # other end of the text.
        o.write("    KEEP(*(.init))\n    KEEP(*(.fini))\n")
        for p in CRT:
            o.write(f"    {p}(.text .text.*)\n")
        for p in first + shared:
            if p.startswith("="):
                o.write(f"    *(.text.{p[1:]})\n")
            elif ":" in p:
                # An archive member of the C library (`*libc.a:memcpy.o`): all its code.
                o.write(f"    *{p}(.text .text.*)\n")
            else:
                # (`.text.hot.`: where a profile-guided build puts the functions it saw run.)
                o.write(f"    *(.text.{p} .text.unlikely.{p} .text.hot.{p})\n")
        # After `.text`: the sections the linker puts after it, which every run executes
        # (`.init`, `.fini`, and in a static binary the IFUNC stubs `.iplt` and
        # `__libc_freeres_fn`), are then next to the hot code, not 1 MB away.
        o.write("  }\n}\nINSERT AFTER .text;\n")
    print(f"{len(first)} + {len(shared)} patterns -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
