//! Collector tests: sustained allocation stays under a cap, cycles are freed, and running out
//! of memory is a catchable error that leaves the VM usable.
mod common;

use tape_vm::{Value, Vm};

fn vm_with_cap(cap: usize) -> (Vm, common::Capture) {
    let (mut vm, cap_out) = common::new_vm();
    vm.set_memory_cap(cap);
    (vm, cap_out)
}

fn run_in(vm: &mut Vm, src: &str) -> Result<Vec<Value>, String> {
    let f = vm
        .load(src.as_bytes(), "=gc")
        .map_err(|e| e.message().to_string())?;
    vm.call(f, &[]).map_err(|e| e.message().to_string())
}

#[test]
fn ten_gigabytes_of_garbage_under_a_cap() {
    let (mut vm, _) = vm_with_cap(32 << 20);
    // Each iteration allocates small tables and a fresh string (~660 accounted bytes).
    let r = run_in(
        &mut vm,
        "local keep = 0
         for i = 1, 18000000 do
           local t = {i, {}, i, i, i, i, i, i, i, i, i, i, i, i, i, i, i, i, i, i, i, i, i, i}
           local s = 'k' .. i
           keep = keep + #t
         end
         return keep",
    )
    .unwrap();
    assert!(matches!(r[0], Value::Int(432000000)));
    assert!(vm.memory_used() < 32 << 20);
    assert!(
        vm.total_allocated() > 10 << 30,
        "allocated {}",
        vm.total_allocated()
    );
}

#[test]
fn cycles_are_freed() {
    let (mut vm, _) = vm_with_cap(16 << 20);
    let r = run_in(
        &mut vm,
        "for i = 1, 200000 do
           local a, b = {}, {}
           a.other = b; b.other = a
           local self_ref = setmetatable({}, {})
           getmetatable(self_ref).__index = self_ref
           local f = function() return a end
           a.f = f
         end
         collectgarbage()
         return collectgarbage('count')",
    )
    .unwrap();
    let Value::Float(kb) = r[0] else {
        panic!("count is a float")
    };
    assert!(kb < 2048.0, "live KB after collect: {kb}");
}

#[test]
fn out_of_memory_is_catchable() {
    let (mut vm, _) = vm_with_cap(8 << 20);
    let r = run_in(
        &mut vm,
        "local t = {}
         local ok, err = pcall(function()
           for i = 1, 1e9 do t[i] = {i} end
         end)
         t = nil
         collectgarbage()
         return ok, err",
    )
    .unwrap();
    assert!(matches!(r[0], Value::Bool(false)));
    let Value::Str(s) = r[1] else {
        panic!("error is a string")
    };
    assert_eq!(vm.str_bytes(s), b"not enough memory");
    // The VM still works.
    let r = run_in(
        &mut vm,
        "local s = 0 for i = 1, 100 do s = s + i end return s",
    )
    .unwrap();
    assert!(matches!(r[0], Value::Int(5050)));
}

#[test]
fn long_string_building_hits_the_cap() {
    let (mut vm, _) = vm_with_cap(4 << 20);
    let r = run_in(&mut vm, "local s = 'x' while true do s = s .. s end");
    assert_eq!(r.unwrap_err(), "not enough memory");
}

#[test]
fn live_data_over_half_the_cap_with_garbage_churn() {
    // ~10 MB of live strings under a 16 MB cap, then churn: the collector must run before the
    // cap, not only at twice the live size (which is past the cap), so this never fails.
    let (mut vm, _) = vm_with_cap(16 << 20);
    let r = run_in(
        &mut vm,
        "local keep = {}
         for i = 1, 10 do keep[i] = string.rep(string.char(64 + i), 1000000) end
         local n = 0
         for i = 1, 200000 do
           local t = {i, i, i, i, i, i, i, i}
           local s = 'churn' .. i
           n = n + #t
         end
         local total = 0
         for i = 1, 10 do total = total + #keep[i] end
         return n, total",
    )
    .unwrap();
    assert!(matches!(r[0], Value::Int(1600000)));
    assert!(matches!(r[1], Value::Int(10000000)));
    assert!(vm.memory_used() <= 16 << 20);
}
