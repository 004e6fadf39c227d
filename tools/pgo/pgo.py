#!/usr/bin/env python3
"""Rebuilds tools/pgo/tape.profdata, the execution profile release builds are optimised with.

    tools/pgo/pgo.py            # about a minute: an instrumented build, the training runs, a merge
    tools/pgo/pgo.py --check    # was the profile recorded from the sources as they are?

Why: the interpreter loop is one large function, and without a profile LLVM guesses which of
its paths are hot when it allocates registers and lays out blocks; every change to one opcode
reshuffled the spills of the others (docs/performance.md). With the profile the hot paths get
the registers and fall through. `.cargo/config.toml` passes `-C profile-use` with the file this
writes; a function changed since the profile was made is compiled as if there were none (LLVM
drops records whose control-flow hash differs), so run this again after changing the
interpreter, the tables or the calls, and commit the new file.

The training set is Tape's own: the test corpus (tests/lua, every program once) and the
workloads in this directory (arithmetic, calls, tables, strings, objects, coroutines, the
collector, a parser), each once as it is and once under `--fuel` and `--memory-limit` so the
sandbox's loop is profiled too. None of ../shared/bench is run: the benchmarks measure the
result and must not also be its training.

Needs `llvm-profdata` from the toolchain (`rustup component add llvm-tools`).
"""
import glob, hashlib, os, pathlib, shutil, subprocess, sys, tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "tools" / "pgo" / "tape.profdata"
# The rustc LLVM version the profile was written for and the hash of the sources it was
# recorded from (`--check`; tools/rustc-pgo reads the first).
STAMP = ROOT / "tools" / "pgo" / "tape.profdata.stamp"
CORPUS_WEIGHT, WORK_WEIGHT = 1, int(os.environ.get("PGO_WORK_WEIGHT", "4"))
WORKLOADS = [("arith", "6000000"), ("calls", "8"), ("coros", "300000"), ("gc", "17"),
             ("objects", "500000"), ("parse", "4000"), ("strings", "150000"), ("tables", "600000")]


def profdata_tool():
    sysroot = subprocess.run(["rustc", "--print", "sysroot"], capture_output=True, text=True,
                             check=True).stdout.strip()
    found = glob.glob(os.path.join(sysroot, "lib", "rustlib", "*", "bin", "llvm-profdata"))
    if not found:
        sys.exit("pgo.py: no llvm-profdata in the toolchain; run `rustup component add llvm-tools`")
    return found[0]


def base_rustflags():
    """The configuration's x86-64 flags without its `profile-use` (RUSTFLAGS replaces them all)."""
    import platform, tomllib  # (tomllib: Python 3.11+; `--check` runs without it)
    if platform.machine() not in ("x86_64", "AMD64"):
        return []  # the configuration's flags are all for x86-64
    cfg = tomllib.loads((ROOT / ".cargo" / "config.toml").read_text())
    flags = []
    for table in cfg.get("target", {}).values():
        flags += table.get("rustflags", [])
    return [f for f in flags if "profile-use" not in f]


def main():
    tool = profdata_tool()
    raw = pathlib.Path(tempfile.mkdtemp(prefix="tape-pgo-"))
    target = ROOT / "target" / "pgo-generate"
    env = dict(os.environ)
    # `%m` names one file per binary, which each run adds its counts to; the directory is
    # chosen per run below (LLVM_PROFILE_FILE overrides the built-in path).
    env["RUSTFLAGS"] = " ".join(base_rustflags() + [f"-Cprofile-generate={raw}"])
    # The profiler's runtime does not link statically the way tools/link-gcc links `tape`.
    env["TAPE_DYNAMIC"] = "1"
    subprocess.run(["cargo", "build", "--release", "-p", "tape-cli", "--target-dir", str(target)],
                   cwd=ROOT, env=env, check=True)
    tape = target / "release" / "tape"
    runs = []
    corpus = ROOT / "tests" / "lua"
    for f in sorted(corpus.glob("*.lua")):
        runs.append(("corpus", [str(tape), f.name], corpus))
    here = ROOT / "tools" / "pgo"
    for name, n in WORKLOADS:
        runs.append(("work", [str(tape), f"{name}.lua", n], here))
        runs.append(("work", [str(tape), "--fuel", "100000000000", "--memory-limit", "4G",
                              f"{name}.lua", n], here))
    for part, argv, cwd in runs:
        run_env = dict(os.environ)
        run_env["LLVM_PROFILE_FILE"] = str(raw / part / "%m.profraw")
        # Failures are part of the corpus (error tests); only the profile matters here. A run
        # that hangs is stopped and its counts so far are lost, nothing else.
        try:
            subprocess.run(argv, cwd=cwd, env=run_env, stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
        except subprocess.TimeoutExpired:
            print(f"pgo.py: {' '.join(argv[1:])} timed out", file=sys.stderr)
    # The corpus is there for coverage (code it never runs would be compiled as cold); the
    # workloads, programs of the usual shape, set what is hot.
    inputs = []
    for part, weight in (("corpus", CORPUS_WEIGHT), ("work", WORK_WEIGHT)):
        for p in sorted((raw / part).glob("*.profraw")):
            inputs.append(f"--weighted-input={weight},{p}")
    if not inputs:
        sys.exit("pgo.py: the training runs wrote no profiles")
    # `--sparse` leaves out what the training never ran: such code is then compiled as without
    # a profile, instead of as cold (for size), which a program the training missed would pay.
    subprocess.run([tool, "merge", "--sparse", "-o", str(OUT)] + inputs, check=True)
    shutil.rmtree(raw)
    STAMP.write_text(f"llvm {llvm_major()}\nsources {sources_hash()}\n")
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size} bytes) from {len(runs)} runs")


def llvm_major():
    out = subprocess.run(["rustc", "-vV"], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        if line.startswith("LLVM version:"):
            return line.split(":")[1].strip().split(".")[0]
    sys.exit("pgo.py: rustc -vV names no LLVM version")


def sources_hash():
    """A hash of what the compiled code comes from: the crates' sources and build files."""
    files = subprocess.run(["git", "ls-files", "crates", "Cargo.toml", "Cargo.lock", ".cargo"],
                           cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    h = hashlib.sha256()
    for f in sorted(files):
        # Not the code: tests, docs, the link order (hot-text.ld).
        if "/tests/" in f or f.endswith((".md", ".ld")):
            continue
        path = ROOT / f
        if path.is_file():
            h.update(f.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def check():
    """Says whether the profile was recorded from the sources as they are (exit status 0)."""
    stamp = STAMP.read_text().split() if STAMP.exists() else []
    recorded = stamp[3] if len(stamp) >= 4 else None
    if recorded == sources_hash():
        print("tools/pgo/tape.profdata: recorded from the current sources")
        return 0
    print("tools/pgo/tape.profdata: recorded from older sources (functions changed since then are "
          "built without it); run tools/pgo/pgo.py")
    return 1


if __name__ == "__main__":
    if sys.argv[1:] == ["--check"]:
        sys.exit(check())
    main()
