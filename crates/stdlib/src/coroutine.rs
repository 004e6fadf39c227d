//! The coroutine library (manual §6.2): `create`, `resume`, `yield`, `wrap`, `status`,
//! `running`, `isyieldable`, `close`. `resume`, `yield` and `wrap`'s functions are the VM's
//! stackless builtins; the rest use the public thread API.

use tape_vm::{Args, Error, Value, Vm};

/// Registers the `coroutine` table.
pub fn open_coroutine(vm: &mut Vm) -> Result<(), Error> {
    let t = vm.new_table()?;
    let fns: &[(&'static str, tape_vm::NativeFn)] = &[
        ("coroutine.create", create),
        ("coroutine.wrap", wrap),
        ("coroutine.status", status),
        ("coroutine.running", running),
        ("coroutine.close", close),
    ];
    for (name, f) in fns {
        let v = vm.new_native(name, *f)?;
        vm.set_field(t, &name["coroutine.".len()..], v)?;
    }
    // `isyieldable` keeps the main thread as its upvalue to answer for other threads.
    let (main, _) = vm.running_thread();
    let iy =
        vm.new_native_with_upvalues("coroutine.isyieldable", isyieldable, &[Value::Thread(main)])?;
    vm.set_field(t, "isyieldable", iy)?;
    let r = vm.new_resume()?;
    vm.set_field(t, "resume", r)?;
    let y = vm.new_yield()?;
    vm.set_field(t, "yield", y)?;
    let g = vm.globals();
    vm.set_field(g, "coroutine", Value::Table(t))?;
    Ok(())
}

fn check_fn(vm: &mut Vm, args: Args) -> Result<Value, Error> {
    let f = vm.arg(args, 0);
    if !f.is_function() {
        return Err(vm.type_error(args, 0, "function"));
    }
    Ok(f)
}

fn check_co(vm: &mut Vm, args: Args) -> Result<tape_vm::ThreadRef, Error> {
    match vm.arg(args, 0) {
        Value::Thread(t) => Ok(t),
        _ => Err(vm.type_error(args, 0, "thread")),
    }
}

fn create(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let f = check_fn(vm, args)?;
    let t = vm.new_thread(f)?;
    vm.push(Value::Thread(t))?;
    Ok(1)
}

fn wrap(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let f = check_fn(vm, args)?;
    let t = vm.new_thread(f)?;
    vm.push(Value::Thread(t))?;
    let w = vm.new_wrap(t)?;
    vm.push(w)?;
    Ok(1)
}

fn status(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let t = check_co(vm, args)?;
    let s = vm.thread_status(t);
    let v = vm.str_value(s)?;
    vm.push(v)?;
    Ok(1)
}

fn running(vm: &mut Vm, _args: Args) -> Result<usize, Error> {
    let (t, main) = vm.running_thread();
    vm.push(Value::Thread(t))?;
    vm.push(Value::Bool(main))?;
    Ok(2)
}

fn isyieldable(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let (cur, _) = vm.running_thread();
    let y = match vm.arg(args, 0) {
        Value::Nil if args.is_empty() => vm.is_yieldable(),
        Value::Thread(t) if t == cur => vm.is_yieldable(),
        // Another thread is suspended, normal or dead: yieldable unless it is the main one.
        Value::Thread(t) => !matches!(vm.native_upvalue(0), Value::Thread(m) if m == t),
        _ => return Err(vm.type_error(args, 0, "thread")),
    };
    vm.push(Value::Bool(y))?;
    Ok(1)
}

fn close(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let t = check_co(vm, args)?;
    match vm.close_thread(t)? {
        None => {
            vm.push(Value::Bool(true))?;
            Ok(1)
        }
        Some(e) => {
            vm.push(Value::Bool(false))?;
            vm.push(e)?;
            Ok(2)
        }
    }
}
