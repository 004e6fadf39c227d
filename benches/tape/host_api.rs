//! The `host_api` group: crossing the embedding API — calls both ways with typed arguments,
//! globals and table fields read and written from Rust.

use crate::load_kernel;
use criterion::{Criterion, Throughput};
use std::hint::black_box;
use tape::{Function, Table, Tape};

fn host_api(c: &mut Criterion) {
    let mut lua = Tape::new();
    let mut group = c.benchmark_group("host_api");

    // Rust calls Lua: three typed arguments in, one number out.
    let mix: Function = lua
        .chunk("return function(a, b, s) return a * b + #s end")
        .eval()
        .expect("mix compiles");
    group.bench_function("call_lua_typed", |b| {
        b.iter(|| {
            mix.call::<f64>(
                &mut lua,
                (black_box(3i64), black_box(2.5f64), black_box("name")),
            )
            .expect("mix runs")
        })
    });

    // Lua calls Rust in a loop: `radd(s, i)` 1,000 times per iteration.
    let radd = lua
        .create_function(|_, (a, b): (i64, i64)| Ok(a.wrapping_add(b)))
        .expect("radd");
    lua.set_global("radd", radd).expect("set radd");
    let calls = load_kernel(&mut lua, "host_calls.lua");
    let n = 1_000i64;
    group.throughput(Throughput::Elements(n as u64));
    group.bench_function("call_rust_from_lua_x1000", |b| {
        b.iter(|| {
            calls
                .call::<i64>(&mut lua, black_box(n))
                .expect("loop runs")
        })
    });
    group.throughput(Throughput::Elements(1));

    group.bench_function("global_set_get", |b| {
        let mut i = 0i64;
        b.iter(|| {
            i += 1;
            lua.set_global("counter", black_box(i)).expect("set global");
            lua.get_global::<i64>("counter").expect("get global")
        })
    });

    let t: Table = lua.create_table().expect("table");
    group.bench_function("table_field_set_get", |b| {
        let mut i = 0i64;
        b.iter(|| {
            i += 1;
            t.set(&mut lua, "field", black_box(i)).expect("set field");
            t.get::<i64>(&mut lua, "field").expect("get field")
        })
    });
    group.bench_function("table_index_raw_set_get", |b| {
        let mut x = 0.0f64;
        b.iter(|| {
            x += 0.5;
            t.raw_set(&mut lua, black_box(7), x).expect("raw_set");
            t.raw_get::<f64>(&mut lua, 7).expect("raw_get")
        })
    });
    group.finish();
}

criterion::criterion_group!(benches, host_api);
