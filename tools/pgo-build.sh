#!/bin/sh
# Builds a profile-guided `tape` binary into target/pgo/release/tape (opt-in; the default
# build, and every crate an embedder depends on, stay as they are).
#
# 1. builds an instrumented `tape` (-Cprofile-generate);
# 2. runs it on the training set: every script of tests/lua (the conformance corpus, which
#    reaches the whole standard library) and the benchmarks of ../shared/bench at small sizes;
# 3. merges the profile with the toolchain's llvm-profdata (rustup component llvm-tools);
# 4. builds `tape` again with -Cprofile-use.
#
# Usage: tools/pgo-build.sh [BENCH_DIR]     (default ../shared/bench beside the repository)
# Measured gains are in docs/performance.md ("Profile-guided build").
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
bench=${1:-"$root/../shared/bench"}
work="$root/target/pgo-work"
sysroot=$(rustc --print sysroot)
profdata=$(find "$sysroot" -name llvm-profdata -type f | head -n 1)
if [ -z "$profdata" ]; then
    rustup component add llvm-tools-preview
    profdata=$(find "$sysroot" -name llvm-profdata -type f | head -n 1)
fi
# RUSTFLAGS replaces the flags of .cargo/config.toml: repeat them.
base="-C target-cpu=core2 -C target-feature=-ssse3,-cmpxchg16b"
base="$base -C llvm-args=-align-all-nofallthru-blocks=4 -C llvm-args=-align-all-functions=6"
if [ "$(uname -m)" != x86_64 ]; then base=""; fi

rm -rf "$work" && mkdir -p "$work/raw"
RUSTFLAGS="$base -Cprofile-generate=$work/raw" \
    cargo build --release --bin tape --target-dir "$work/gen" --manifest-path "$root/Cargo.toml"
tape="$work/gen/release/tape"
(cd "$root/tests/lua" && for f in *.lua; do
    timeout 60 "$tape" "$f" < /dev/null > /dev/null 2>&1 || true
done)
for p in fib:27 nbody:50000 spectral:200 binarytrees:12 json:2 strings:50000 sort:50000 \
         tables:50000 oop:100000 loop:2000000 coroutines:50000 compiler:300; do
    "$tape" "$bench/${p%%:*}.lua" "${p##*:}" > /dev/null
done
"$profdata" merge -o "$work/tape.profdata" "$work"/raw/*.profraw
RUSTFLAGS="$base -Cprofile-use=$work/tape.profdata" \
    cargo build --release --bin tape --target-dir "$root/target/pgo" --manifest-path "$root/Cargo.toml"
echo "built $root/target/pgo/release/tape"
