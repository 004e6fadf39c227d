//! The typed embedding API: rooted handles, conversions, chunks, Rust functions and error
//! kinds, each with exact values and messages.

use std::collections::{BTreeMap, HashMap};
use tape::{Bytes, ErrorKind, Function, LuaString, LuaValue, Table, Tape, Variadic};

#[test]
fn a_rooted_table_survives_collection_with_garbage_churn() {
    let mut lua = Tape::new();
    let t: Table = lua
        .chunk("return {name = 'kept', 10, 20, 30}")
        .eval()
        .unwrap();
    // Nothing in Lua refers to the table any more; make lots of garbage and collect.
    lua.chunk(
        "for i = 1, 20000 do local x = {i, tostring(i)} end collectgarbage() \
         for i = 1, 20000 do local y = {i} end collectgarbage()",
    )
    .exec()
    .unwrap();
    lua.collect_garbage();
    assert_eq!(t.get::<String>(&mut lua, "name").unwrap(), "kept");
    assert_eq!(
        t.sequence_values::<i64>(&mut lua)
            .collect::<Result<Vec<_>, _>>()
            .unwrap(),
        [10, 20, 30]
    );
}

#[test]
fn dropped_handles_release_their_objects() {
    let mut lua = Tape::new();
    lua.collect_garbage();
    let before = lua.vm().memory_used();
    for _ in 0..100 {
        let t: Table = lua
            .chunk("local t = {} for i = 1, 1000 do t[i] = i end return t")
            .eval()
            .unwrap();
        drop(t);
    }
    lua.collect_garbage();
    lua.collect_garbage();
    let after = lua.vm().memory_used();
    assert!(after < before + 64 * 1024, "{before} -> {after}");
}

#[test]
fn a_handle_used_with_another_tape_is_an_error() {
    let mut a = Tape::new();
    let mut b = Tape::new();
    let t = a.create_table().unwrap();
    t.set(&mut a, "x", 1).unwrap();
    let e = t.get::<i64>(&mut b, "x").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Handle);
    assert_eq!(
        e.message(),
        "a handle of one Tape was used with another Tape"
    );
    let e = b.set_global("t", &t).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Handle);
    let f: Function = a.chunk("return function() return 1 end").eval().unwrap();
    assert_eq!(
        f.call::<i64>(&mut b, ()).unwrap_err().kind(),
        ErrorKind::Handle
    );
    assert_eq!(f.call::<i64>(&mut a, ()).unwrap(), 1);
    // Nothing went wrong in either VM.
    assert_eq!(t.get::<i64>(&mut a, "x").unwrap(), 1);
}

#[test]
fn clearing_the_pins_makes_handles_fail_instead_of_reading_other_objects() {
    let mut lua = Tape::new();
    let t = lua.create_table().unwrap();
    lua.vm().unpin_all();
    let e = t.get::<i64>(&mut lua, 1).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Handle);
    assert_eq!(
        e.message(),
        "a handle's root was cleared (Vm::unpin_all was called)"
    );
    // The host's own pins made afterwards are not disturbed by handles dropped or made later.
    let pinned = lua.create_sequence_from([7]).unwrap();
    let raw = lua.exec(b"return {8}", "=p", &[]).unwrap()[0];
    lua.vm().pin(raw);
    drop(t);
    drop(pinned);
    for _ in 0..10 {
        let _ = lua.create_table().unwrap();
    }
    lua.collect_garbage();
    let g = lua.vm().globals();
    lua.vm()
        .raw_set(tape::Value::Table(g), tape::Value::Int(1), raw)
        .unwrap();
    assert_eq!(lua.chunk("_G[1][1]").eval::<i64>().unwrap(), 8);
}

#[test]
fn numbers_convert_with_range_checks() {
    let mut lua = Tape::new();
    assert_eq!(lua.chunk("2^31").eval::<i64>().unwrap(), 2147483648);
    assert_eq!(lua.chunk("'0x10'").eval::<u8>().unwrap(), 16);
    let e = lua.chunk("2^31").eval::<i32>().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conversion);
    assert_eq!(e.message(), "integer 2147483648 out of range for i32");
    let e = lua.chunk("-1").eval::<usize>().unwrap_err();
    assert_eq!(e.message(), "integer -1 out of range for usize");
    let e = lua.chunk("1.5").eval::<i64>().unwrap_err();
    assert_eq!(e.message(), "number has no integer representation");
    let e = lua.chunk("'x'").eval::<i64>().unwrap_err();
    assert_eq!(e.message(), "expected integer, got string");
    let e = lua.chunk("{}").eval::<f64>().unwrap_err();
    assert_eq!(e.message(), "expected number, got table");
    assert_eq!(lua.chunk("7 // 2").eval::<f64>().unwrap(), 3.0);
    assert_eq!(
        lua.chunk("1e308 * 10").eval::<f64>().unwrap(),
        f64::INFINITY
    );
    let e = lua.pack(u64::MAX).unwrap_err();
    assert_eq!(
        e.message(),
        "integer 18446744073709551615 out of range for a Lua integer"
    );
}

#[test]
fn strings_bytes_options_and_booleans() {
    let mut lua = Tape::new();
    assert_eq!(lua.chunk("'a' .. 1").eval::<String>().unwrap(), "a1");
    assert_eq!(lua.chunk("12").eval::<String>().unwrap(), "12");
    assert_eq!(
        lua.chunk("'\\xff\\0'").eval::<Bytes>().unwrap(),
        Bytes(vec![0xff, 0])
    );
    let e = lua.chunk("'\\xff'").eval::<String>().unwrap_err();
    assert_eq!(e.message(), "string is not valid UTF-8");
    let s: LuaString = lua.chunk("'\\xff'").eval().unwrap();
    assert_eq!(s.to_bytes(&mut lua).unwrap(), [0xff]);
    assert_eq!(lua.chunk("nil").eval::<Option<i64>>().unwrap(), None);
    assert_eq!(lua.chunk("5").eval::<Option<i64>>().unwrap(), Some(5));
    assert_eq!(
        lua.chunk("nil, false, 0")
            .eval::<(bool, bool, bool)>()
            .unwrap(),
        (false, false, true)
    );
    lua.set_global("s", Bytes(vec![1, 2])).unwrap();
    assert_eq!(
        lua.chunk("#s, s:byte(2)").eval::<(i64, i64)>().unwrap(),
        (2, 2)
    );
}

#[test]
fn sequences_maps_tuples_and_variadics() {
    let mut lua = Tape::new();
    assert_eq!(
        lua.chunk("{1, 2, 3}").eval::<Vec<i64>>().unwrap(),
        [1, 2, 3]
    );
    let m: HashMap<String, i64> = lua.chunk("{a = 1, b = 2}").eval().unwrap();
    assert_eq!(m.len(), 2);
    assert_eq!(m["a"], 1);
    assert_eq!(m["b"], 2);
    let b: BTreeMap<i64, String> = lua.chunk("{[3] = 'c', [1] = 'a'}").eval().unwrap();
    assert_eq!(
        b.into_iter().collect::<Vec<_>>(),
        [(1, "a".to_string()), (3, "c".to_string())]
    );
    let e = lua.chunk("{1, 'x'}").eval::<Vec<i64>>().unwrap_err();
    assert_eq!(e.message(), "expected integer, got string");
    lua.set_global("v", vec!["x", "y"]).unwrap();
    let mut map = BTreeMap::new();
    map.insert("k", 5);
    lua.set_global("m", map).unwrap();
    assert_eq!(
        lua.chunk("v[1] .. v[2] .. #v .. m.k")
            .eval::<String>()
            .unwrap(),
        "xy25"
    );
    let (a, rest): (String, Variadic<i64>) = lua.chunk("'a', 1, 2, 3").eval().unwrap();
    assert_eq!(a, "a");
    assert_eq!(rest.0, [1, 2, 3]);
    let all: Variadic<LuaValue> = lua.chunk("1, 2.5, 'z', nil").eval().unwrap();
    assert_eq!(all.len(), 4);
    assert_eq!(all[0], LuaValue::Integer(1));
    assert_eq!(all[1], LuaValue::Number(2.5));
    assert_eq!(all[2].type_name(), "string");
    assert_eq!(all[3], LuaValue::Nil);
    // Missing values are nil; extra ones are ignored.
    assert_eq!(
        lua.chunk("1").eval::<(i64, Option<i64>)>().unwrap(),
        (1, None)
    );
    assert_eq!(lua.chunk("1, 2, 3").eval::<i64>().unwrap(), 1);
}

#[test]
fn chunks_exec_eval_and_into_function() {
    let mut lua = Tape::new();
    lua.chunk("x = 20").set_name("=setup").exec().unwrap();
    assert_eq!(lua.chunk("x + 1").eval::<i64>().unwrap(), 21);
    // Statements when the source is not an expression.
    assert_eq!(
        lua.chunk("local y = x * 2 return y").eval::<i64>().unwrap(),
        40
    );
    let f = lua
        .chunk("local a, b = ... return a * b")
        .into_function()
        .unwrap();
    assert_eq!(f.call::<i64>(&mut lua, (6, 7)).unwrap(), 42);
    assert_eq!(
        lua.chunk("return ...")
            .call::<(i64, String)>((1, "b"))
            .unwrap(),
        (1, "b".to_string())
    );
    let e = lua.chunk("x = = 1").set_name("=bad").exec().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Syntax);
    assert_eq!(e.message(), "bad:1: unexpected symbol near '='");
    let e = lua
        .chunk("local t = nil\nreturn t.x")
        .set_name("=run")
        .eval::<()>()
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Runtime);
    assert_eq!(
        e.message(),
        "run:2: attempt to index a nil value (local 't')"
    );
    assert!(e.traceback().unwrap_or("").starts_with("stack traceback:"));
    // A chunk with its own environment.
    let env = lua.create_table_from([("x", 1)]).unwrap();
    lua.chunk("y = x + 1").set_environment(&env).exec().unwrap();
    assert_eq!(env.get::<i64>(&mut lua, "y").unwrap(), 2);
    assert_eq!(lua.get_global::<Option<i64>>("y").unwrap(), None);
    let mut other = Tape::new();
    let e = other
        .chunk("return 1")
        .set_environment(&env)
        .exec()
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Handle);
    // The default name is the source, as for `load`.
    let e = lua.chunk("error('x')").exec().unwrap_err();
    assert_eq!(e.message(), "[string \"error('x')\"]:1: x");
}

#[test]
fn table_api_with_and_without_metamethods() {
    let mut lua = Tape::new();
    let g = lua.globals().unwrap();
    g.set(&mut lua, "answer", 42).unwrap();
    assert_eq!(lua.chunk("answer").eval::<i64>().unwrap(), 42);
    assert_eq!(lua.get_global::<i64>("answer").unwrap(), 42);
    let t: Table = lua
        .chunk("setmetatable({1, 2}, {__index = function(_, k) return k .. '!' end, __len = function() return 10 end})")
        .eval()
        .unwrap();
    assert_eq!(t.get::<String>(&mut lua, "hi").unwrap(), "hi!");
    assert_eq!(t.raw_get::<Option<String>>(&mut lua, "hi").unwrap(), None);
    assert_eq!(t.len(&mut lua).unwrap(), 10);
    assert_eq!(t.raw_len(&mut lua).unwrap(), 2);
    t.raw_set(&mut lua, 3, "three").unwrap();
    assert_eq!(t.raw_get::<String>(&mut lua, 3).unwrap(), "three");
    let e = t.raw_set(&mut lua, LuaValue::Nil, 1).unwrap_err();
    assert_eq!(e.message(), "table index is nil");
    let mut pairs: Vec<(i64, LuaValue)> = t
        .pairs::<i64, LuaValue>(&mut lua)
        .collect::<Result<_, _>>()
        .unwrap();
    pairs.sort_by_key(|p| p.0);
    assert_eq!(pairs.len(), 3);
    assert_eq!(pairs[0], (1, LuaValue::Integer(1)));
    assert_eq!(pairs[2].0, 3);
    let mt = t.metatable(&mut lua).unwrap().unwrap();
    assert!(mt.get::<Function>(&mut lua, "__index").is_ok());
    t.set_metatable(&mut lua, None).unwrap();
    assert_eq!(t.get::<Option<String>>(&mut lua, "hi").unwrap(), None);
    let s = lua.create_sequence_from([5, 6, 7]).unwrap();
    assert_eq!(
        s.sequence_values::<i64>(&mut lua)
            .collect::<Result<Vec<_>, _>>()
            .unwrap(),
        [5, 6, 7]
    );
    let m = lua.create_table_from([("a", 1)]).unwrap();
    assert_eq!(m.get::<i64>(&mut lua, "a").unwrap(), 1);
    // A pair that does not convert ends the iteration with an error.
    let mixed: Table = lua.chunk("{x = 1}").eval().unwrap();
    let items: Vec<_> = mixed.pairs::<i64, i64>(&mut lua).collect();
    assert_eq!(items.len(), 1);
    assert_eq!(
        items[0].as_ref().unwrap_err().message(),
        "expected integer, got string"
    );
}

#[test]
fn rust_functions_with_typed_arguments_and_state() {
    let mut lua = Tape::new();
    let greet = lua
        .create_function(|_, (name, n): (String, i64)| {
            Ok(format!("{name}{}", "!".repeat(n as usize)))
        })
        .unwrap();
    lua.set_global("greet", &greet).unwrap();
    assert_eq!(
        lua.chunk("greet('hi', 3)").eval::<String>().unwrap(),
        "hi!!!"
    );
    let mut calls = 0;
    let counter = lua
        .create_function(move |_, ()| {
            calls += 1;
            Ok(calls)
        })
        .unwrap();
    lua.set_global("counter", counter).unwrap();
    assert_eq!(
        lua.chunk("counter(), counter(), counter()")
            .eval::<(i64, i64, i64)>()
            .unwrap(),
        (1, 2, 3)
    );
    // Multiple results and variadic arguments.
    let sum = lua
        .create_function(|_, xs: Variadic<f64>| Ok((xs.iter().sum::<f64>(), xs.len())))
        .unwrap();
    lua.set_global("sum", sum).unwrap();
    assert_eq!(
        lua.chunk("sum(1, 2, 3.5)").eval::<(f64, i64)>().unwrap(),
        (6.5, 3)
    );
    // Called from Rust directly.
    assert_eq!(greet.call::<String>(&mut lua, ("a", 1)).unwrap(), "a!");
    // The callback can use the API itself: build tables, call back into Lua.
    let apply = lua
        .create_function(|lua, (f, x): (Function, i64)| {
            let r: i64 = f.call(lua, x)?;
            let t = lua.create_table()?;
            t.set(lua, "result", r)?;
            Ok(t)
        })
        .unwrap();
    lua.set_global("apply", apply).unwrap();
    assert_eq!(
        lua.chunk("apply(function(x) return x * 10 end, 4).result")
            .eval::<i64>()
            .unwrap(),
        40
    );
}

#[test]
fn argument_errors_read_like_puc() {
    let mut lua = Tape::new();
    let f = lua
        .create_function(|_, (a, _b): (i64, String)| Ok(a))
        .unwrap();
    lua.set_global("f", f).unwrap();
    let run = |lua: &mut Tape, src: &str| lua.chunk(src).set_name("=t").exec().unwrap_err();
    assert_eq!(
        run(&mut lua, "f('x', 'y')").message(),
        "t:1: bad argument #1 to 'f' (number expected, got string)"
    );
    assert_eq!(
        run(&mut lua, "f(1, {})").message(),
        "t:1: bad argument #2 to 'f' (string expected, got table)"
    );
    assert_eq!(
        run(&mut lua, "f(1)").message(),
        "t:1: bad argument #2 to 'f' (string expected, got no value)"
    );
    assert_eq!(
        run(&mut lua, "f(1.5, 'a')").message(),
        "t:1: bad argument #1 to 'f' (number has no integer representation)"
    );
    let g = lua
        .create_function(|_, (_a, rest): (i64, Variadic<u8>)| Ok(rest.len()))
        .unwrap();
    lua.set_global("g", g).unwrap();
    assert_eq!(
        run(&mut lua, "g(1, 2, 300)").message(),
        "t:1: bad argument #3 to 'g' (integer 300 out of range for u8)"
    );
}

#[test]
fn rust_errors_become_lua_errors_and_lua_errors_keep_their_value() {
    let mut lua = Tape::new();
    let fail = lua
        .create_function(|_, x: i64| -> Result<(), tape::Error> {
            Err(tape::Error::runtime(format!("bad input {x}")))
        })
        .unwrap();
    lua.set_global("fail", fail).unwrap();
    assert_eq!(
        lua.chunk("select(2, pcall(fail, 7))")
            .set_name("=p")
            .eval::<String>()
            .unwrap(),
        "bad input 7"
    );
    let e = lua.chunk("\nfail(8)").set_name("=p").exec().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Runtime);
    assert_eq!(e.message(), "p:2: bad input 8");
    // A Lua error value passes through a Rust function unchanged.
    let pass = lua
        .create_function(|lua, f: Function| f.call::<()>(lua, ()))
        .unwrap();
    lua.set_global("pass", pass).unwrap();
    let code: i64 = lua
        .chunk("local ok, e = pcall(pass, function() error({code = 7}) end) return e.code")
        .eval()
        .unwrap();
    assert_eq!(code, 7);
    let e = lua
        .chunk("pass(function() error({code = 9}) end)")
        .exec()
        .unwrap_err();
    assert_eq!(e.message(), "(error object is a table value)");
    let Some(LuaValue::Table(t)) = e.value() else {
        panic!("the error value is not a table: {:?}", e.value());
    };
    assert_eq!(t.get::<i64>(&mut lua, "code").unwrap(), 9);
    // A recursive call of a stateful function through Lua is an error, not a deadlock.
    let rec = lua
        .create_function(|lua, f: Function| f.call::<()>(lua, ()))
        .unwrap();
    lua.set_global("rec", rec).unwrap();
    let e = lua
        .chunk("rec(function() rec(print) end)")
        .set_name("=r")
        .exec()
        .unwrap_err();
    assert_eq!(
        e.message(),
        "r:1: a Rust function was called again while it was running"
    );
    // A re-entrant one may recurse through Lua.
    let depth = lua
        .create_reentrant_function(|lua, (f, n): (Function, i64)| {
            if n == 0 {
                return Ok(0);
            }
            Ok(1 + f.call::<i64>(lua, (f.clone(), n - 1))?)
        })
        .unwrap();
    assert_eq!(depth.call::<i64>(&mut lua, (depth.clone(), 5)).unwrap(), 5);
}

#[test]
fn error_kinds_for_limits() {
    let mut lua = Tape::builder().sandboxed().fuel(10_000).build().unwrap();
    let e = lua
        .chunk("while true do end")
        .set_name("=f")
        .exec()
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Fuel);
    assert_eq!(e.message(), "f:1: fuel exhausted");

    let mut lua = Tape::builder().memory_limit(1 << 20).build().unwrap();
    let e = lua
        .chunk("local t = {} for i = 1, 1e7 do t[i] = i end")
        .exec()
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Memory);
    assert_eq!(e.message(), "not enough memory");
    // From a host call outside any Lua code too, with a message.
    let e = lua.create_string(vec![b'x'; 2 << 20]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Memory);
    assert_eq!(e.message(), "not enough memory");

    let mut lua = Tape::new();
    lua.vm()
        .interrupt_handle()
        .store(true, std::sync::atomic::Ordering::Relaxed);
    let e = lua.chunk("local x = 1").set_name("=i").exec().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Interrupted);
    assert_eq!(e.message(), "i:1: interrupted");

    let mut lua = Tape::new();
    lua.vm().set_deadline(Some(std::time::Instant::now()));
    let e = lua
        .chunk("while true do end")
        .set_name("=d")
        .exec()
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Deadline);
    assert_eq!(e.message(), "d:1: time limit exceeded");
}

#[test]
fn tape_and_handles_are_send() {
    fn send<T: Send>() {}
    send::<Tape>();
    send::<Table>();
    send::<Function>();
    send::<LuaValue>();
    send::<tape::Error>();
    assert_eq!(std::mem::size_of::<tape::Error>(), 8);
}

#[path = "../examples/async_host.rs"]
mod async_example;
#[path = "../examples/embed.rs"]
mod embed_example;
#[path = "../examples/host.rs"]
mod host_example;
#[path = "../examples/interrupt.rs"]
mod interrupt_example;
#[path = "../examples/pause.rs"]
mod pause_example;
#[path = "../examples/untrusted.rs"]
mod untrusted_example;
#[path = "../examples/userdata.rs"]
mod userdata_example;

#[test]
fn the_examples_run() {
    host_example::main().unwrap();
    interrupt_example::main().unwrap();
    userdata_example::main().unwrap();
    pause_example::main().unwrap();
    async_example::main().unwrap();
}

#[test]
fn the_embed_example_calls_and_reads_back() {
    let (hello, mean_max, config) = embed_example::run().unwrap();
    assert_eq!(hello, "hello world, hello world");
    assert_eq!(mean_max, (4.0, 7.5));
    let config: Vec<_> = config
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        config,
        [("height", "24"), ("title", "tape"), ("width", "80")]
    );
    embed_example::main().unwrap();
}

#[test]
fn every_limit_stops_its_script() {
    let out = untrusted_example::run().unwrap();
    let got: Vec<(ErrorKind, &str)> = out.iter().map(|(k, m)| (*k, m.as_str())).collect();
    assert_eq!(
        got,
        [
            (ErrorKind::Fuel, "untrusted:1: fuel exhausted"),
            (ErrorKind::Memory, "not enough memory"),
            (ErrorKind::Memory, "not enough memory"),
            (ErrorKind::Runtime, "untrusted:1: stack overflow"),
            (ErrorKind::Runtime, "untrusted:1: C stack overflow"),
            (ErrorKind::Runtime, "untrusted:1: too many coroutines"),
            (ErrorKind::Fuel, "untrusted:1: fuel exhausted"),
            (ErrorKind::Deadline, "untrusted:1: time limit exceeded"),
            (ErrorKind::Interrupted, "untrusted:1: interrupted"),
            (
                ErrorKind::Runtime,
                "untrusted:1: attempt to index a nil value (global 'io')"
            ),
            (ErrorKind::Runtime, "afterwards: 1 + 1 = 2"),
        ]
    );
    // The example as a program prints the same list.
    untrusted_example::main().unwrap();
}

#[test]
fn the_async_example_interleaves_and_slices() {
    let out = async_example::run().unwrap();
    let results: Vec<_> = out.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(
        results,
        ["<user><cart>", "8999997", "false, script:1: no such key"]
    );
    // Two fetches and the start; the long loop many slices; one failed fetch.
    assert_eq!((out[0].1, out[2].1), (3, 2));
    assert!(out[1].1 > 20, "{out:?}");
}

#[test]
fn sliced_runs_give_the_results_of_whole_runs() {
    let sliced = pause_example::run_all().unwrap();
    let names: Vec<_> = sliced.iter().map(|s| (s.0, s.1)).collect();
    assert_eq!(names, [("primes", 2262), ("fib", 6765), ("words", 400)]);
    assert!(sliced.iter().all(|s| s.2 > 1), "{sliced:?}");
    // A paused call blocks other calls until it is resumed or cancelled.
    let mut lua = Tape::builder()
        .fuel(100)
        .pause_on_fuel(true)
        .build()
        .unwrap();
    let e = lua.chunk("while true do end").exec().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Paused);
    assert!(lua.is_paused());
    let e = lua.chunk("return 1").eval::<i64>().unwrap_err();
    assert_eq!(
        e.message(),
        "cannot run Lua code while a call is paused (resume or cancel it first)"
    );
    let e = lua.cancel();
    assert_eq!(e.kind(), ErrorKind::Fuel);
    assert_eq!(
        e.message(),
        "[string \"while true do end\"]:1: fuel exhausted"
    );
    lua.add_fuel(1_000);
    assert_eq!(lua.chunk("return 1").eval::<i64>().unwrap(), 1);
}

#[derive(Debug, PartialEq)]
struct Denied(String);

impl std::fmt::Display for Denied {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "denied: {}", self.0)
    }
}

impl std::error::Error for Denied {}

#[test]
fn rust_errors_pass_through_lua_and_come_back_downcastable() {
    let mut lua = Tape::new();
    let guard = lua
        .create_function(|_, who: String| -> Result<(), tape::Error> {
            Err(tape::Error::external(Denied(who)))
        })
        .unwrap();
    lua.set_global("guard", guard).unwrap();
    // Lua sees an error object whose tostring is the message.
    assert_eq!(
        lua.chunk("local ok, e = pcall(guard, 'bob') return tostring(e)")
            .eval::<String>()
            .unwrap(),
        "denied: bob"
    );
    // Uncaught, or rethrown by Lua, it comes back as the original Rust error.
    for src in ["guard('eve')", "local ok, e = pcall(guard, 'eve') error(e)"] {
        let e = lua.chunk(src).exec().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Runtime);
        assert_eq!(e.message(), "denied: eve");
        assert_eq!(e.downcast_ref::<Denied>(), Some(&Denied("eve".to_string())));
        assert!(std::error::Error::source(&e).is_some());
    }
    let plain = lua.chunk("error('x')").exec().unwrap_err();
    assert_eq!(plain.downcast_ref::<Denied>(), None);
}

#[test]
fn memory_errors_inside_rust_functions_keep_kind_and_message() {
    let mut lua = Tape::builder().memory_limit(2 << 20).build().unwrap();
    let big = lua
        .create_function(|_, n: usize| Ok("x".repeat(n)))
        .unwrap();
    lua.set_global("big", big).unwrap();
    assert_eq!(lua.chunk("#big(10)").eval::<i64>().unwrap(), 10);
    let e = lua.chunk("big(4 << 20)").exec().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Memory);
    assert_eq!(e.message(), "not enough memory");
    // Caught by a guest pcall, it is the usual message; the VM stays usable.
    assert_eq!(
        lua.chunk("select(2, pcall(big, 4 << 20))")
            .eval::<String>()
            .unwrap(),
        "not enough memory"
    );
    assert_eq!(lua.chunk("#big(3)").eval::<i64>().unwrap(), 3);
}

#[test]
fn a_tape_moves_to_another_thread_with_its_handles() {
    let mut lua = Tape::new();
    let t = lua.create_sequence_from([1, 2, 3]).unwrap();
    let sum = std::thread::spawn(move || {
        let f: Function = lua
            .chunk("local s = 0 for _, v in ipairs(...) do s = s + v end return s")
            .into_function()
            .unwrap();
        f.call::<i64>(&mut lua, &t).unwrap()
    })
    .join()
    .unwrap();
    assert_eq!(sum, 6);
}

#[test]
fn coroutines_resumed_from_the_host() {
    let mut lua = Tape::new();
    let f: Function = lua
        .chunk("return function(a) local b = coroutine.yield(a + 1) return b * 2, 'done' end")
        .eval()
        .unwrap();
    let co = lua.create_thread(&f).unwrap();
    assert_eq!(co.status(&mut lua).unwrap(), tape::ThreadStatus::Suspended);
    assert_eq!(co.resume::<i64>(&mut lua, 1).unwrap(), 2);
    assert_eq!(
        co.resume::<(i64, String)>(&mut lua, 10).unwrap(),
        (20, "done".to_string())
    );
    assert_eq!(co.status(&mut lua).unwrap(), tape::ThreadStatus::Dead);
    let e = co.resume::<()>(&mut lua, ()).unwrap_err();
    assert_eq!(e.message(), "cannot resume dead coroutine");
    let bad: Function = lua
        .chunk("return function() error('inside') end")
        .set_name("=co")
        .eval()
        .unwrap();
    let co = lua.create_thread(&bad).unwrap();
    let e = co.resume::<()>(&mut lua, ()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Runtime);
    assert_eq!(e.message(), "co:1: inside");
    // A coroutine made by Lua converts too.
    let t: tape::Thread = lua
        .chunk("coroutine.create(function() coroutine.yield(1) end)")
        .eval()
        .unwrap();
    assert_eq!(t.resume::<i64>(&mut lua, ()).unwrap(), 1);
}

#[test]
fn binary_chunks_run_and_damaged_ones_are_verify_errors() {
    let mut lua = Tape::new();
    let dumped: Bytes = lua
        .chunk("string.dump(function(a) return a * 3 end)")
        .eval()
        .unwrap();
    let f = lua.chunk(&dumped.0).into_function().unwrap();
    assert_eq!(f.call::<i64>(&mut lua, 5).unwrap(), 15);
    let cut = &dumped.0[..dumped.0.len() / 2];
    let e = lua.chunk(cut).set_name("=bin").exec().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Verify);
    assert_eq!(e.message(), "bin: bad binary format (truncated chunk)");
}
