//! The `execute` group: small compiled kernels called from Rust, each run well under 100 ms.

use crate::load_kernel;
use criterion::{BenchmarkId, Criterion};
use std::hint::black_box;
use tape::Tape;

/// Each kernel (`lua/NAME.lua` returns a function of `n`) and the `n` it runs with.
const KERNELS: [(&str, i64); 3] = [("fib", 20), ("tables", 10_000), ("strings", 2_000)];

fn execute(c: &mut Criterion) {
    let mut lua = Tape::new();
    let mut group = c.benchmark_group("execute");
    for (name, n) in KERNELS {
        let kernel = load_kernel(&mut lua, &format!("{name}.lua"));
        group.bench_with_input(BenchmarkId::new(name, n), &n, |b, &n| {
            b.iter(|| {
                kernel
                    .call::<i64>(&mut lua, black_box(n))
                    .expect("kernel runs")
            })
        });
    }
    group.finish();
}

criterion::criterion_group!(benches, execute);
