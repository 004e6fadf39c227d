//! The `gc` group: allocating and dropping many objects, and full collections of a live heap.

use crate::load_kernel;
use criterion::{BenchmarkId, Criterion, Throughput};
use std::hint::black_box;
use tape::{Function, Table, Tape};

/// `alloc_drop`: `lua/alloc.lua` makes `n` tables and closures that die at once (the collector
/// runs when the allocation debt calls for it). `full_collect`: `collectgarbage()` with a heap
/// of `n` live objects from `lua/heap.lua` (about 2.25 heap objects each: a table, its `tags`
/// table, and a closure for every fourth), so each collection marks and sweeps all of them.
fn gc(c: &mut Criterion) {
    let mut group = c.benchmark_group("gc");
    let mut lua = Tape::new();
    let alloc = load_kernel(&mut lua, "alloc.lua");
    let n = 10_000;
    group.throughput(Throughput::Elements(n as u64));
    group.bench_with_input(BenchmarkId::new("alloc_drop", n), &n, |b, &n| {
        b.iter(|| {
            alloc
                .call::<i64>(&mut lua, black_box(n))
                .expect("alloc runs")
        })
    });
    for n in [1_000i64, 10_000, 100_000] {
        let mut lua = Tape::new();
        let build = load_kernel(&mut lua, "heap.lua");
        let live: Table = build.call(&mut lua, n).expect("heap builds");
        let collect: Function = lua.get_global("collectgarbage").expect("collectgarbage");
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("full_collect", n), &n, |b, _| {
            b.iter(|| collect.call::<()>(&mut lua, ()).expect("collects"))
        });
        assert_eq!(live.raw_len(&mut lua).expect("live table"), n);
    }
    group.finish();
}

criterion::criterion_group!(benches, gc);
