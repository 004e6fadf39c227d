//! The `compile` group: parsing and compiling Lua source to bytecode, with no execution.

use crate::lua_source;
use criterion::{Criterion, Throughput};
use std::hint::black_box;
use tape::Tape;

/// `lua/sample.lua` (about 400 lines of classes, JSON, a heap, string helpers) through
/// `Tape::compile`, and a one-line chunk through `chunk().eval()` (compile, load and run: what
/// a host pays for each small script it evaluates).
fn compile(c: &mut Criterion) {
    let src = lua_source("sample.lua");
    let mut group = c.benchmark_group("compile");
    group.throughput(Throughput::Bytes(src.len() as u64));
    group.bench_function("sample_lua", |b| {
        b.iter(|| Tape::compile(black_box(&src), "@sample.lua").expect("sample.lua compiles"))
    });
    group.throughput(Throughput::Elements(1));
    let mut lua = Tape::new();
    group.bench_function("eval_one_line", |b| {
        b.iter(|| {
            let v: i64 = lua
                .chunk(black_box("local a, b = 6, 7 return a * b"))
                .eval()
                .expect("chunk runs");
            v
        })
    });
    group.finish();
}

criterion::criterion_group!(benches, compile);
