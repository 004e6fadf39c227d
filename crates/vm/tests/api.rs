//! The embedding API: natives and their argument errors, host calls, errors and tracebacks,
//! globals, tostring, limits.
use crate::common;

use tape_vm::{Args, Error, Value, Vm};

fn add(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let a = vm.check_int(args, 0)?;
    let b = vm.check_int(args, 1)?;
    vm.push(Value::Int(a + b))?;
    Ok(1)
}

fn needs_table(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    vm.check_table(args, 0)?;
    Ok(0)
}

fn eval(vm: &mut Vm, src: &str) -> Result<Vec<Value>, Error> {
    let f = vm.load(src.as_bytes(), "=api")?;
    vm.call(f, &[])
}

fn eval_str(vm: &mut Vm, src: &str) -> String {
    match eval(vm, src) {
        Ok(v) => match v.first() {
            Some(Value::Str(s)) => String::from_utf8_lossy(vm.str_bytes(*s)).into_owned(),
            Some(v) => format!("{v:?}"),
            None => "<none>".into(),
        },
        Err(e) => format!("ERR {}", e.message()),
    }
}

#[test]
fn natives_and_argument_errors() {
    let (mut vm, _) = common::new_vm();
    let f = vm.new_native("add", add).unwrap();
    vm.set_global("add", f).unwrap();
    let t = vm.new_native("insert", needs_table).unwrap();
    let lib = vm.new_table().unwrap();
    vm.set_field(lib, "insert", t).unwrap();
    vm.set_global("lib", Value::Table(lib)).unwrap();
    let r = eval(&mut vm, "return add(2, 3)").unwrap();
    assert!(matches!(r[0], Value::Int(5)));
    assert_eq!(
        eval_str(&mut vm, "return select(2, pcall(add, 1))"),
        "bad argument #2 to 'add' (number expected, got no value)"
    );
    assert_eq!(
        eval_str(
            &mut vm,
            "return select(2, pcall(function() return add(1.5, 1) end))"
        ),
        "api:1: bad argument #1 to 'add' (number has no integer representation)"
    );
    assert_eq!(
        eval_str(
            &mut vm,
            "return select(2, pcall(function() lib.insert(nil, 1) end))"
        ),
        "api:1: bad argument #1 to 'insert' (table expected, got nil)"
    );
    assert_eq!(
        eval_str(
            &mut vm,
            "string.need = lib.insert return select(2, pcall(function() ('x'):need() end))"
        ),
        "api:1: calling 'need' on bad self (table expected, got string)"
    );
    assert_eq!(eval_str(&mut vm, "local o = setmetatable({}, {__index = {m = add}}) return select(2, pcall(function() return ('x'):m() end))"), "api:1: attempt to call a nil value (method 'm')");
    assert_eq!(eval_str(&mut vm, "local s = setmetatable({}, {__index = {m = lib.insert}}) return select(2, pcall(function() return s.m(5) end))"), "api:1: bad argument #1 to 'm' (table expected, got number)");
}

#[test]
fn method_call_on_bad_self() {
    let (mut vm, _) = common::new_vm();
    let f = vm.new_native("need", needs_table).unwrap();
    let proto = vm.new_table().unwrap();
    vm.set_field(proto, "need", f).unwrap();
    vm.set_global("P", Value::Table(proto)).unwrap();
    assert_eq!(
        eval_str(&mut vm, "local s = setmetatable({}, {}) P.need = P.need local x = 5 return select(2, pcall(function() return P.need(x) end))"),
        "api:1: bad argument #1 to 'need' (table expected, got number)"
    );
}

#[test]
fn host_errors_have_message_and_traceback() {
    let (mut vm, _) = common::new_vm();
    let e = eval(
        &mut vm,
        "local function inner() error('boom') end\nlocal function outer() inner() end\nouter()",
    )
    .unwrap_err();
    assert_eq!(e.message(), "api:1: boom");
    assert_eq!(
        e.traceback(),
        "stack traceback:\n\t[C]: in function 'error'\n\tapi:1: in upvalue 'inner'\n\tapi:2: in local 'outer'\n\tapi:3: in main chunk\n\t[C]: in ?"
    );
    let e = eval(&mut vm, "error({})").unwrap_err();
    assert_eq!(e.message(), "(error object is a table value)");
    assert!(matches!(e.value(), Value::Table(_)));
    let e = eval(&mut vm, "error(12)").unwrap_err();
    assert_eq!(e.message(), "12");
    // The VM stays usable after errors.
    assert_eq!(eval_str(&mut vm, "return 'ok'"), "ok");
}

#[test]
fn calls_from_the_host() {
    let (mut vm, _) = common::new_vm();
    eval(&mut vm, "function sum(...) local s = 0 for _, v in ipairs({...}) do s = s + v end return s, select('#', ...) end").unwrap();
    let f = vm.get_global("sum").unwrap();
    let r = vm
        .call(f, &[Value::Int(1), Value::Float(2.5), Value::Int(3)])
        .unwrap();
    assert!(matches!(r[..], [Value::Float(x), Value::Int(3)] if x == 6.5));
    let p = vm.get_global("print").unwrap();
    let r = vm.call(p, &[]).unwrap();
    assert!(r.is_empty());
}

#[test]
fn tostring_forms() {
    let (mut vm, _) = common::new_vm();
    let s = eval_str(&mut vm, "return tostring({})");
    assert!(
        s.starts_with("table: 0x") && s.len() == "table: 0x".len() + 12,
        "{s}"
    );
    let s = eval_str(&mut vm, "return tostring(print)");
    assert!(s.starts_with("function: 0x"), "{s}");
    assert_eq!(
        eval_str(
            &mut vm,
            "return (tostring(setmetatable({}, {__name = 'Point'})):gsub('0x%x+', 'ADDR'))"
        ),
        "Point: ADDR"
    );
    let v = vm.str_value("x").unwrap();
    let t = vm.tostring(Value::Float(1e100)).unwrap();
    let Value::Str(t) = t else { panic!() };
    assert_eq!(vm.str_bytes(t), b"1e+100");
    let _ = v;
}

#[test]
fn stack_limits() {
    let (mut vm, _) = common::new_vm();
    vm.set_stack_limit(10_000, 1_000);
    assert_eq!(
        eval_str(
            &mut vm,
            "local function f(n) return 1 + f(n) end return select(2, pcall(f, 1))"
        ),
        "api:1: stack overflow"
    );
    // Tail calls do not grow the stack.
    let r = eval(
        &mut vm,
        "local function t(n) if n == 0 then return 'done' end return t(n - 1) end return t(100000)",
    )
    .unwrap();
    assert!(matches!(r[0], Value::Str(_)));
    // Native re-entry is capped.
    assert_eq!(
        eval_str(&mut vm, "local t = setmetatable({}, {__tostring = function(s) return tostring(s) end}) return select(2, pcall(tostring, t))"),
        "C stack overflow"
    );
}

#[test]
fn value_is_send() {
    fn is_send<T: Send>() {}
    is_send::<Vm>();
    is_send::<Error>();
}

/// Calls of `add` that reached the native itself (the fast form below declines strings).
static SLOW_ADDS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn counted_add(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    SLOW_ADDS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    add(vm, args)
}

#[test]
fn fast_forms_answer_what_they_take_and_leave_the_rest_to_the_native() {
    let (mut vm, _) = common::new_vm();
    let f = vm.new_native("add", counted_add).unwrap();
    vm.set_fast_native(f, |_, a| match *a {
        [Value::Int(x), Value::Int(y)] => Some(Value::Int(x.wrapping_add(y))),
        _ => None,
    });
    vm.set_global("add", f).unwrap();
    let src = "local s = 0 for i = 1, 10 do s = add(s, i) end \
               return s .. ' ' .. select('#', add(1, 2)) .. ' ' .. add('3', 4)";
    assert_eq!(eval_str(&mut vm, src), "55 1 7");
    // Only the call with a string argument ran the native.
    assert_eq!(SLOW_ADDS.load(std::sync::atomic::Ordering::Relaxed), 1);
    assert_eq!(
        eval_str(&mut vm, "return add(1, {})"),
        "ERR api:1: bad argument #2 to 'add' (number expected, got table)"
    );
    assert_eq!(SLOW_ADDS.load(std::sync::atomic::Ordering::Relaxed), 2);
    // A value that is no native, or a stale handle, is left alone.
    vm.set_fast_native(Value::Int(1), |_, _| None);
}
