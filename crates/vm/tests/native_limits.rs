//! Long natives look at the interrupt flag themselves: with the flag already set, a native
//! called straight from the host (no Lua instruction runs first, so the interpreter never
//! gets to check) still fails with `interrupted` once its input is large enough to be worth
//! a check, and small inputs are not affected.
use crate::common;

use std::sync::atomic::Ordering;
use tape_vm::{Value, Vm};

fn global_fn(vm: &mut Vm, path: &str) -> Value {
    let (lib, name) = path.split_once('.').unwrap_or(("", path));
    if lib.is_empty() {
        return vm.get_global(name).unwrap();
    }
    let Value::Table(t) = vm.get_global(lib).unwrap() else {
        panic!("no library {lib}");
    };
    let k = vm.str_value(name).unwrap();
    vm.raw_get(Value::Table(t), k)
}

/// Calls `path(args)` with the interrupt flag set; returns the error message or "ok".
fn call_interrupted(path: &str, args: impl Fn(&mut Vm) -> Vec<Value>) -> String {
    let (mut vm, _) = common::new_vm();
    let f = global_fn(&mut vm, path);
    let args = args(&mut vm);
    let flag = vm.interrupt_flag();
    flag.store(true, Ordering::Relaxed);
    let r = vm.call(f, &args);
    flag.store(false, Ordering::Relaxed);
    match r {
        Ok(_) => "ok".to_string(),
        Err(e) => e.message().to_string(),
    }
}

fn big(vm: &mut Vm) -> Value {
    vm.str_value(vec![b'a'; 4 << 20]).unwrap()
}

#[test]
fn string_functions_poll() {
    for f in ["string.upper", "string.lower", "string.reverse"] {
        assert_eq!(
            call_interrupted(f, |vm| vec![big(vm)]),
            "interrupted",
            "{f}"
        );
        assert_eq!(
            call_interrupted(f, |vm| vec![vm.str_value("small").unwrap()]),
            "ok",
            "{f}"
        );
    }
    // `sub` itself does not poll; hashing its 4 MB result for the interner does.
    let sub = |vm: &mut Vm| vec![big(vm), Value::Int(2)];
    assert_eq!(call_interrupted("string.sub", sub), "interrupted");
    let rep = |n: i64| move |vm: &mut Vm| vec![vm.str_value("ab").unwrap(), Value::Int(n)];
    assert_eq!(call_interrupted("string.rep", rep(4 << 20)), "interrupted");
    assert_eq!(call_interrupted("string.rep", rep(10)), "ok");
}

#[test]
fn table_functions_poll() {
    let pieces = |n: usize| {
        move |vm: &mut Vm| {
            let t = vm.new_table().unwrap();
            for i in 1..=n {
                let s = vm.str_value("xy").unwrap();
                vm.raw_set(Value::Table(t), Value::Int(i as i64), s)
                    .unwrap();
            }
            vec![Value::Table(t)]
        }
    };
    assert_eq!(
        call_interrupted("table.concat", pieces(200_000)),
        "interrupted"
    );
    assert_eq!(call_interrupted("table.concat", pieces(100)), "ok");
    let numbers = |n: i64| {
        move |vm: &mut Vm| {
            let t = vm.new_table().unwrap();
            for i in 1..=n {
                let v = Value::Int((i * 7919) % 1_000_003);
                vm.raw_set(Value::Table(t), Value::Int(i), v).unwrap();
            }
            vec![Value::Table(t)]
        }
    };
    assert_eq!(
        call_interrupted("table.sort", numbers(200_000)),
        "interrupted"
    );
    assert_eq!(call_interrupted("table.sort", numbers(100)), "ok");
}
