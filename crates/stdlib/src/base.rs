//! The basic library (manual §6.1): `print`, `type`, `tostring`, `tonumber`, `ipairs`, `pairs`,
//! `next`, `select`, `rawget`, `rawset`, `rawequal`, `rawlen`, `assert`, `error`, `pcall`,
//! `xpcall`, `setmetatable`, `getmetatable`, `collectgarbage`, `load`, `_G`, `_VERSION`.
//! Written against `tape_vm`'s public API only.

use tape_vm::{Args, Error, IteratorRole, Tm, Value, Vm};

/// Registers the basic library in the globals table.
pub fn open_base(vm: &mut Vm) -> Result<(), Error> {
    let g = vm.globals();
    let fns: &[(&'static str, tape_vm::NativeFn)] = &[
        ("print", print),
        ("type", type_),
        ("tostring", tostring),
        ("tonumber", tonumber),
        ("select", select),
        ("rawget", rawget),
        ("rawset", rawset),
        ("rawequal", rawequal),
        ("rawlen", rawlen),
        ("assert", assert),
        ("error", error),
        ("setmetatable", setmetatable),
        ("getmetatable", getmetatable),
        ("collectgarbage", collectgarbage),
        ("warn", warn),
        ("load", load),
    ];
    for (name, f) in fns {
        let v = vm.new_native(name, *f)?;
        vm.set_field(g, name, v)?;
        // Fast forms (`Vm::set_fast_native`): the same result, for the calls they take.
        let fast: Option<tape_vm::FastFn> = match *name {
            "type" => Some(|cx, a| cx.type_name(*a.first()?)),
            "tonumber" => Some(fast_tonumber),
            "getmetatable" => Some(|cx, a| match *a.first()? {
                Value::Table(t) => Some(cx.table_metatable(t)?.map_or(Value::Nil, Value::Table)),
                _ => None,
            }),
            "rawget" => Some(|cx, a| match *a {
                [Value::Table(t), k, ..] => Some(cx.raw_get(t, k)),
                _ => None,
            }),
            "rawlen" => Some(|cx, a| match *a.first()? {
                Value::Table(t) => Some(Value::Int(cx.raw_len(t))),
                Value::Str(s) => Some(Value::Int(cx.str_bytes(s).len() as i64)),
                _ => None,
            }),
            // `select('#', ...)`, and `select(i, ...)` when it returns just the last argument.
            "select" => Some(|cx, a| match *a.first()? {
                Value::Str(s) if cx.str_bytes(s).first() == Some(&b'#') => {
                    Some(Value::Int(a.len() as i64 - 1))
                }
                Value::Int(i) if a.len() >= 2 && (i == -1 || i == a.len() as i64 - 1) => {
                    a.last().copied()
                }
                _ => None,
            }),
            "setmetatable" => Some(|cx, a| match *a {
                [Value::Table(t), Value::Table(mt)] if cx.set_metatable(t, mt) => {
                    Some(Value::Table(t))
                }
                _ => None,
            }),
            // (With a message too, `assert` returns two values.)
            "assert" => Some(|_, a| match *a {
                [v] if v.truthy() => Some(v),
                _ => None,
            }),
            _ => None,
        };
        if let Some(fast) = fast {
            vm.set_fast_native(v, fast);
        }
    }
    // Like PUC's light C functions, `ipairs` returns the same iterator every time and
    // `pairs` the original `next` (whatever the global holds now).
    let nx = vm.new_native("next", next)?;
    vm.set_field(g, "next", nx)?;
    let pf = vm.new_native_with_upvalues("pairs", pairs, &[nx])?;
    vm.set_field(g, "pairs", pf)?;
    // `pairs(t)` and `ipairs(v)` starting a generic `for`, without a frame: (next, t, nil)
    // for a table that has no `__pairs`, (iterator, v, 0).
    vm.set_fast_native_results(
        pf,
        |cx, a| match *a.first()? {
            Value::Table(t) if cx.plain_pairs(t) => {
                cx.set_more(Value::Table(t), Value::Nil);
                Some(cx.upvalue0())
            }
            _ => None,
        },
        3,
    );
    vm.set_iterator_native(nx, IteratorRole::Next);
    let it = vm.new_native("", ipairs_iter)?;
    vm.set_iterator_native(it, IteratorRole::Ipairs);
    let ip = vm.new_native_with_upvalues("ipairs", ipairs, &[it])?;
    vm.set_field(g, "ipairs", ip)?;
    vm.set_fast_native_results(
        ip,
        |cx, a| {
            let v = *a.first()?;
            cx.set_more(v, Value::Int(0));
            Some(cx.upvalue0())
        },
        3,
    );
    let p = vm.new_pcall()?;
    vm.set_field(g, "pcall", p)?;
    let x = vm.new_xpcall()?;
    vm.set_field(g, "xpcall", x)?;
    vm.set_field(g, "_G", Value::Table(g))?;
    let ver = vm.str_value("Lua 5.4")?;
    vm.set_field(g, "_VERSION", ver)?;
    Ok(())
}

fn print(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let mut line: Vec<u8> = Vec::new();
    for i in 0..args.len() {
        if i > 0 {
            line.push(b'\t');
        }
        let v = vm.arg(args, i);
        match v {
            Value::Str(s) => line.extend_from_slice(vm.str_bytes(s)),
            Value::Int(_) | Value::Float(_) | Value::Nil | Value::Bool(_) => {
                line.extend_from_slice(&vm.basic_tostring(v))
            }
            _ => {
                let s = vm.tostring(v)?;
                if let Value::Str(s) = s {
                    line.extend_from_slice(vm.str_bytes(s));
                }
            }
        }
    }
    line.push(b'\n');
    let out = vm.output();
    let _ = out.write_all(&line);
    // PUC's `lua_writeline` flushes standard output after each `print`.
    let _ = out.flush();
    Ok(0)
}

fn type_(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let v = vm.check_any(args, 0)?;
    let s = vm.type_name_value(v)?;
    vm.push(s)?;
    Ok(1)
}

fn tostring(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let v = vm.check_any(args, 0)?;
    let s = vm.tostring(v)?;
    vm.push(s)?;
    Ok(1)
}

fn tonumber(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    if vm.arg(args, 1).is_nil() {
        let v = vm.check_any(args, 0)?;
        let r = match v {
            Value::Int(_) | Value::Float(_) => v,
            Value::Str(_) => vm.to_number(v).unwrap_or(Value::Nil),
            _ => Value::Nil,
        };
        vm.push(r)?;
        return Ok(1);
    }
    let base = vm.check_int(args, 1)?;
    let s = match vm.arg(args, 0) {
        Value::Str(s) => s,
        _ => return Err(vm.type_error(args, 0, "string")),
    };
    vm.arg_check((2..=36).contains(&base), 1, "base out of range")?;
    let r = match tape_text::number::str_to_int_base(vm.str_bytes(s), base as u32) {
        Some(i) => Value::Int(i),
        None => Value::Nil,
    };
    vm.push(r)?;
    Ok(1)
}

/// `tonumber`'s fast form: one argument, or a string and an integer base in range.
fn fast_tonumber(cx: &mut tape_vm::FastCx<'_>, a: &[Value]) -> Option<Value> {
    match *a {
        [v] | [v, Value::Nil] => Some(cx.to_number(v).unwrap_or(Value::Nil)),
        [Value::Str(s), Value::Int(base)] if (2..=36).contains(&base) => Some(
            tape_text::number::str_to_int_base(cx.str_bytes(s), base as u32)
                .map_or(Value::Nil, Value::Int),
        ),
        _ => None,
    }
}

fn ipairs_iter(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let i = vm.check_int(args, 1)?.wrapping_add(1);
    let t = vm.arg(args, 0);
    let v = match t {
        Value::Table(tr) if vm.metatable(t).is_none() => vm.raw_get_int(tr, i),
        _ => vm.index(t, Value::Int(i))?,
    };
    if v.is_nil() {
        vm.push(Value::Nil)?;
        return Ok(1);
    }
    vm.push(Value::Int(i))?;
    vm.push(v)?;
    Ok(2)
}

fn ipairs(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let t = vm.check_any(args, 0)?;
    let f = vm.native_upvalue(0);
    vm.push(f)?;
    vm.push(t)?;
    vm.push(Value::Int(0))?;
    Ok(3)
}

fn pairs(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let t = vm.check_any(args, 0)?;
    let tm = vm.get_metamethod(t, Tm::Pairs);
    if !tm.is_nil() {
        // `__pairs(t)` runs as a frame in the interpreter (so it may yield); exactly its
        // first three results are returned, padded with nil.
        vm.push(tm)?;
        vm.push(t)?;
        return vm.call_then_return(1, 3);
    }
    // Like PUC, `pairs` only checks for a value; `next` complains later.
    let nx = vm.native_upvalue(0);
    vm.push(nx)?;
    vm.push(t)?;
    vm.push(Value::Nil)?;
    Ok(3)
}

fn next(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let t = vm.check_table(args, 0)?;
    let k = vm.arg(args, 1);
    match vm.next(t, k)? {
        Some((k, v)) => {
            vm.push(k)?;
            vm.push(v)?;
            Ok(2)
        }
        None => {
            vm.push(Value::Nil)?;
            Ok(1)
        }
    }
}

fn select(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let n = args.len() as i64 - 1;
    if let Value::Str(s) = vm.arg(args, 0) {
        // Only the first character counts, as in PUC (`select("#x", ...)` is a count too).
        if vm.str_bytes(s).first() == Some(&b'#') {
            vm.push(Value::Int(n.max(0)))?;
            return Ok(1);
        }
    }
    let i = vm.check_int(args, 0)?;
    let i = if i < 0 {
        n + i
    } else if i > n {
        n
    } else {
        i - 1
    };
    vm.arg_check(i >= 0, 0, "index out of range")?;
    // Results are the arguments after index i: they are already on the stack below top.
    Ok((n - i) as usize)
}

fn rawget(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let t = vm.check_table(args, 0)?;
    let k = vm.check_any(args, 1)?;
    let v = vm.raw_get(Value::Table(t), k);
    vm.push(v)?;
    Ok(1)
}

fn rawset(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let t = vm.check_table(args, 0)?;
    let k = vm.check_any(args, 1)?;
    let v = vm.check_any(args, 2)?;
    vm.raw_set(Value::Table(t), k, v)?;
    vm.push(Value::Table(t))?;
    Ok(1)
}

fn rawequal(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let a = vm.check_any(args, 0)?;
    let b = vm.check_any(args, 1)?;
    vm.push(Value::Bool(a.raw_eq(b)))?;
    Ok(1)
}

fn rawlen(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let n = match vm.arg(args, 0) {
        Value::Table(t) => vm.raw_len_table(t),
        Value::Str(s) => vm.str_bytes(s).len() as i64,
        _ => return Err(vm.type_error(args, 0, "table or string")),
    };
    vm.push(Value::Int(n))?;
    Ok(1)
}

fn assert(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let v = vm.check_any(args, 0)?;
    if v.truthy() {
        return Ok(args.len());
    }
    let msg = if args.len() >= 2 {
        vm.arg(args, 1)
    } else {
        vm.str_value("assertion failed!")?
    };
    if let Value::Str(s) = msg {
        let mut b = vm.where_(1).into_bytes();
        b.extend_from_slice(vm.str_bytes(s));
        let v = vm.str_value(&b)?;
        return Err(Error::from_value(v));
    }
    Err(Error::from_value(msg))
}

fn error(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let v = vm.arg(args, 0);
    let level = vm.opt_int(args, 1, 1)?;
    if let (Value::Str(s), true) = (v, level > 0) {
        let pos = vm.where_(level as usize);
        if !pos.is_empty() {
            let mut b = pos.into_bytes();
            b.extend_from_slice(vm.str_bytes(s));
            let nv = vm.str_value(&b)?;
            return Err(Error::from_value(nv));
        }
    }
    Err(Error::from_value(v))
}

fn setmetatable(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let t = vm.check_table(args, 0)?;
    let mt = match vm.arg(args, 1) {
        Value::Nil if args.len() >= 2 => None,
        Value::Table(m) => Some(m),
        _ => return Err(vm.type_error(args, 1, "nil or table")),
    };
    if let Some(old) = vm.metatable(Value::Table(t)) {
        if !vm.fast_tm(old, Tm::Metatable).is_nil() {
            return Err(vm.error("cannot change a protected metatable"));
        }
    }
    vm.set_metatable(t, mt);
    vm.push(Value::Table(t))?;
    Ok(1)
}

fn getmetatable(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let v = vm.check_any(args, 0)?;
    let r = match vm.metatable(v) {
        None => Value::Nil,
        Some(mt) => {
            let k = vm.str_value("__metatable")?;
            let p = vm.raw_get(Value::Table(mt), k);
            if p.is_nil() {
                Value::Table(mt)
            } else {
                p
            }
        }
    };
    vm.push(r)?;
    Ok(1)
}

fn collectgarbage(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let opt = match vm.opt_str(args, 0)? {
        Some(s) => String::from_utf8_lossy(vm.str_bytes(s)).into_owned(),
        None => "collect".to_string(),
    };
    const OPTS: [&str; 11] = [
        "stop",
        "restart",
        "collect",
        "count",
        "step",
        "setpause",
        "setstepmul",
        "isrunning",
        "generational",
        "incremental",
        "",
    ];
    if opt.is_empty() || !OPTS.contains(&opt.as_str()) {
        return Err(vm.arg_error(0, &format!("invalid option '{opt}'")));
    }
    // Inside a finalizer the collector refuses every request, as PUC 5.4.4 does (`fail`).
    if vm.gc_in_finalizer() {
        vm.push(Value::Nil)?;
        return Ok(1);
    }
    let r = match opt.as_str() {
        "collect" => {
            vm.collect_garbage();
            Value::Int(0)
        }
        "count" => Value::Float(vm.memory_in_objects() as f64 / 1024.0),
        "step" => {
            // PUC reads every numeric option as a C `int`.
            let kb = vm.opt_int(args, 1, 0)? as i32;
            Value::Bool(vm.gc_step_kb(kb as i64))
        }
        "isrunning" => Value::Bool(vm.gc_is_running()),
        "stop" => {
            vm.gc_set_running(false);
            Value::Int(0)
        }
        "restart" => {
            vm.gc_set_running(true);
            Value::Int(0)
        }
        "incremental" => {
            let pause = vm.opt_int(args, 1, 0)?;
            let stepmul = vm.opt_int(args, 2, 0)?;
            let stepsize = vm.opt_int(args, 3, 0)?;
            let p = vm.gc_set_incremental(pause, stepmul, stepsize);
            vm.str_value(p)?
        }
        "generational" => {
            let minor = vm.opt_int(args, 1, 0)?;
            let major = vm.opt_int(args, 2, 0)?;
            let p = vm.gc_set_generational(minor, major);
            vm.str_value(p)?
        }
        "setpause" | "setstepmul" => {
            let v = vm.opt_int(args, 1, 0)?;
            Value::Int(vm.gc_set_param(opt == "setstepmul", v))
        }
        _ => return Err(vm.arg_error(0, &format!("invalid option '{opt}'"))),
    };
    vm.push(r)?;
    Ok(1)
}

/// `warn(msg1, ...)`: concatenates its string arguments into one warning (manual §6.1).
fn warn(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    vm.check_str(args, 0)?;
    for i in 1..args.len() {
        vm.check_str(args, i)?;
    }
    let n = args.len();
    for i in 0..n {
        if let Value::Str(s) = vm.arg(args, i) {
            let piece = vm.str_bytes(s).to_vec();
            vm.warn(&piece, i + 1 < n);
        }
    }
    Ok(0)
}

fn load(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    load_with(vm, args, true)
}

/// `load` for a sandbox: binary chunks are refused whatever the mode (they bypass the
/// compiler; the verifier checks them, but a host may not want to rely on that).
pub(crate) fn load_text_only(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    load_with(vm, args, false)
}

fn load_with(vm: &mut Vm, args: Args, binary_ok: bool) -> Result<usize, Error> {
    let chunk = vm.arg(args, 0);
    let mode = match vm.opt_str(args, 2)? {
        Some(s) => String::from_utf8_lossy(vm.str_bytes(s)).into_owned(),
        None => "bt".to_string(),
    };
    let env = if args.len() >= 4 {
        Some(vm.arg(args, 3))
    } else {
        None
    };
    let (src, default_name): (Vec<u8>, String) = match chunk {
        Value::Str(_) | Value::Int(_) | Value::Float(_) => {
            let b = match chunk {
                Value::Str(s) => vm.str_bytes(s).to_vec(),
                v => vm.basic_tostring(v),
            };
            let name = String::from_utf8_lossy(&b).into_owned();
            (b, name)
        }
        v if v.is_function() => {
            let mut buf = Vec::new();
            loop {
                // An error in the reader makes `load` fail with that error object.
                let piece = match vm.call1(v, &[]) {
                    Ok(p) => p,
                    Err(e) => {
                        vm.push(Value::Nil)?;
                        vm.push(e.value())?;
                        return Ok(2);
                    }
                };
                match piece {
                    Value::Nil => break,
                    Value::Str(s) => {
                        let b = vm.str_bytes(s);
                        if b.is_empty() {
                            break;
                        }
                        buf.extend_from_slice(b);
                    }
                    _ => {
                        let m = vm.str_value("reader function must return a string")?;
                        vm.push(Value::Nil)?;
                        vm.push(m)?;
                        return Ok(2);
                    }
                }
            }
            (buf, "=(load)".to_string())
        }
        _ => return Err(vm.type_error(args, 0, "function")),
    };
    let name = match vm.opt_str(args, 1)? {
        Some(s) => String::from_utf8_lossy(vm.str_bytes(s)).into_owned(),
        None => default_name,
    };
    let is_binary = src.first() == Some(&0x1b);
    let fail = |vm: &mut Vm, msg: String| -> Result<usize, Error> {
        let m = vm.str_value(msg.as_bytes())?;
        vm.push(Value::Nil)?;
        vm.push(m)?;
        Ok(2)
    };
    if is_binary && !binary_ok {
        return fail(
            vm,
            "attempt to load a binary chunk (binary chunks are disabled)".to_string(),
        );
    }
    if is_binary && !mode.contains('b') {
        return fail(
            vm,
            format!("attempt to load a binary chunk (mode is '{mode}')"),
        );
    }
    if !is_binary && !mode.contains('t') {
        return fail(
            vm,
            format!("attempt to load a text chunk (mode is '{mode}')"),
        );
    }
    match vm.compile(&src, &name) {
        None => fail(vm, "load: no compiler installed".to_string()),
        Some(Err(msg)) => fail(vm, msg),
        Some(Ok(p)) => {
            let f = vm.load_proto_closure(&p, env)?;
            vm.push(f)?;
            Ok(1)
        }
    }
}
