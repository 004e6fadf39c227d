//! The debug library (manual §6.10): `traceback`, `getinfo`, `getlocal`/`setlocal`,
//! `getupvalue`/`setupvalue`, `upvalueid`/`upvaluejoin`, `getmetatable`/`setmetatable` for any
//! type, `getregistry`, `getuservalue`/`setuservalue`, `sethook`/`gethook` and `debug`.
//! Built on the VM's introspection accessors (`Vm::debug_level`, `Vm::debug_func`, …); the
//! messages and the traceback format are lua5.4's.
//!
//! Hooks go to the VM (`Vm::set_hook`, per thread), which calls them on calls, returns, new
//! lines and instruction counts (see the VM's `hooks.rs`).

use tape_vm::{
    Args, Error, FuncDebug, Hook, LevelDebug, ThreadRef, Value, Vm, HOOK_CALL, HOOK_LINE,
    HOOK_RETURN,
};

/// Levels shown before and after the `...` of a long traceback (PUC's choice).
const LEVELS_FIRST: usize = 10;
const LEVELS_LAST: usize = 11;

/// Registers the `debug` table.
pub fn open_debug(vm: &mut Vm) -> Result<(), Error> {
    let t = vm.new_table()?;
    let fns: &[(&'static str, tape_vm::NativeFn)] = &[
        ("debug.traceback", traceback),
        ("debug.getinfo", getinfo),
        ("debug.getlocal", getlocal),
        ("debug.setlocal", setlocal),
        ("debug.getupvalue", getupvalue),
        ("debug.setupvalue", setupvalue),
        ("debug.upvalueid", upvalueid),
        ("debug.upvaluejoin", upvaluejoin),
        ("debug.getmetatable", getmetatable),
        ("debug.setmetatable", setmetatable),
        ("debug.getregistry", getregistry),
        ("debug.getuservalue", getuservalue),
        ("debug.setuservalue", setuservalue),
        ("debug.sethook", sethook),
        ("debug.gethook", gethook),
        ("debug.debug", debug_repl),
        ("debug.setcstacklimit", setcstacklimit),
    ];
    for (name, f) in fns {
        let v = vm.new_native(name, *f)?;
        vm.set_field(t, &name["debug.".len()..], v)?;
    }
    let g = vm.globals();
    vm.set_field(g, "debug", Value::Table(t))?;
    Ok(())
}

/// The optional leading thread argument: the thread and the index of the next argument.
fn thread_arg(vm: &Vm, args: Args) -> (ThreadRef, usize) {
    match vm.arg(args, 0) {
        Value::Thread(t) => (t, 1),
        _ => (vm.running_thread().0, 0),
    }
}

/// A level argument as `usize` (None for negative levels, which never exist).
fn level_arg(vm: &mut Vm, args: Args, i: usize) -> Result<Option<usize>, Error> {
    let l = vm.check_int(args, i)?;
    Ok(usize::try_from(l).ok())
}

fn push_str(vm: &mut Vm, s: &[u8]) -> Result<(), Error> {
    let v = vm.str_value(s)?;
    vm.push(v)
}

// ---------------------------------------------------------------------------------------------
// traceback

/// `debug.traceback([thread,] [message [, level]])`.
fn traceback(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let (t, a) = thread_arg(vm, args);
    let msg = vm.arg(args, a);
    let msg = match msg {
        Value::Nil => None,
        Value::Str(_) | Value::Int(_) | Value::Float(_) => Some(vm.check_str(args, a)?),
        other => {
            vm.push(other)?;
            return Ok(1);
        }
    };
    let same = t == vm.running_thread().0;
    let level = if vm.arg(args, a + 1).is_nil() {
        Some(usize::from(same))
    } else {
        level_arg(vm, args, a + 1)?
    };
    let mut out = Vec::new();
    if let Some(m) = msg {
        out.extend_from_slice(vm.str_bytes(m));
        out.push(b'\n');
    }
    out.extend_from_slice(b"stack traceback:");
    if let Some(level) = level {
        write_traceback(vm, t, level, &mut out)?;
    }
    push_str(vm, &out)?;
    Ok(1)
}

/// Appends one line per level of `t` from `level` outwards, eliding the middle of long stacks.
pub fn write_traceback(
    vm: &mut Vm,
    t: ThreadRef,
    level: usize,
    out: &mut Vec<u8>,
) -> Result<(), Error> {
    let depth = vm.debug_stack_depth(t);
    let last = depth.saturating_sub(1);
    let mut limit = if last.saturating_sub(level) > LEVELS_FIRST + LEVELS_LAST {
        LEVELS_FIRST as i64
    } else {
        -1
    };
    let mut level = level;
    while let Some(info) = vm.debug_level(t, level) {
        level += 1;
        if limit == 0 {
            let n = (last + 1).saturating_sub(level + LEVELS_LAST);
            out.extend_from_slice(format!("\n\t...\t(skipping {n} levels)").as_bytes());
            level += n;
            limit -= 1;
            continue;
        }
        limit -= 1;
        let f = vm.debug_func(info.func);
        let src = f
            .as_ref()
            .map(|f| f.short_src.clone())
            .unwrap_or_else(|| "[C]".to_string());
        if info.current_line <= 0 {
            out.extend_from_slice(format!("\n\t{src}: in ").as_bytes());
        } else {
            out.extend_from_slice(format!("\n\t{src}:{}: in ", info.current_line).as_bytes());
        }
        func_description(vm, &info, f.as_ref(), out)?;
        if info.is_tail_call {
            out.extend_from_slice(b"\n\t(...tail calls...)");
        }
    }
    Ok(())
}

/// `function 'string.rep'`, `local 'f'`, `main chunk`, `function <file:12>` or `?`.
fn func_description(
    vm: &mut Vm,
    info: &LevelDebug,
    f: Option<&FuncDebug>,
    out: &mut Vec<u8>,
) -> Result<(), Error> {
    if let Some(name) = global_func_name(vm, info.func)? {
        out.extend_from_slice(b"function '");
        out.extend_from_slice(&name);
        out.push(b'\'');
    } else if let Some((what, name)) = &info.name {
        out.extend_from_slice(format!("{what} '{name}'").as_bytes());
    } else {
        match f {
            Some(f) if f.what == "main" => out.extend_from_slice(b"main chunk"),
            Some(f) if f.what != "C" => out.extend_from_slice(
                format!("function <{}:{}>", f.short_src, f.line_defined).as_bytes(),
            ),
            _ => out.push(b'?'),
        }
    }
    Ok(())
}

/// The name `f` has in `package.loaded` (`string.rep`; `_G.` dropped), like PUC's search.
fn global_func_name(vm: &mut Vm, f: Value) -> Result<Option<Vec<u8>>, Error> {
    if !f.is_function() {
        return Ok(None);
    }
    let key = vm.str_value("_LOADED")?;
    let Value::Table(loaded) = vm.raw_get(Value::Table(vm.registry()), key) else {
        return Ok(None);
    };
    let mut k = Value::Nil;
    while let Some((mk, mv)) = vm.next(loaded, k)? {
        k = mk;
        let Value::Str(mname) = mk else { continue };
        if mv.raw_eq(f) {
            return Ok(Some(vm.str_bytes(mname).to_vec()));
        }
        let Value::Table(m) = mv else { continue };
        let mut k2 = Value::Nil;
        while let Some((fk, fv)) = vm.next(m, k2)? {
            k2 = fk;
            if let (Value::Str(fname), true) = (fk, fv.raw_eq(f)) {
                let mut name = vm.str_bytes(mname).to_vec();
                if name == b"_G" {
                    name.clear();
                } else {
                    name.push(b'.');
                }
                name.extend_from_slice(vm.str_bytes(fname));
                return Ok(Some(name));
            }
        }
    }
    Ok(None)
}

// ---------------------------------------------------------------------------------------------
// getinfo

/// `debug.getinfo([thread,] f | level [, what])`.
fn getinfo(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let (t, a) = thread_arg(vm, args);
    let opts = match vm.opt_str(args, a + 1)? {
        Some(s) => vm.str_bytes(s).to_vec(),
        None => b"flnSrtu".to_vec(),
    };
    if opts.first() == Some(&b'>') {
        return Err(vm.arg_error(a + 1, "invalid option '>'"));
    }
    let target = vm.arg(args, a);
    let (func, level) = if target.is_function() {
        (target, None)
    } else {
        let Some(l) = level_arg(vm, args, a)? else {
            vm.push(Value::Nil)?;
            return Ok(1);
        };
        match vm.debug_level(t, l) {
            Some(info) => (info.func, Some(info)),
            None => {
                vm.push(Value::Nil)?;
                return Ok(1);
            }
        }
    };
    if opts.iter().any(|c| !b"SlnrtLfu".contains(c)) {
        return Err(vm.arg_error(a + 1, "invalid option"));
    }
    let fi = vm.debug_func(func).unwrap_or(FuncDebug {
        source: b"=[C]".to_vec(),
        short_src: "[C]".to_string(),
        what: "C",
        line_defined: -1,
        last_line_defined: -1,
        nups: 0,
        nparams: 0,
        is_vararg: true,
        active_lines: None,
    });
    let r = vm.new_table()?;
    vm.push(Value::Table(r))?;
    let has = |c: u8| opts.contains(&c);
    if has(b'S') {
        let v = vm.str_value(&fi.source)?;
        vm.set_field(r, "source", v)?;
        let v = vm.str_value(fi.short_src.as_bytes())?;
        vm.set_field(r, "short_src", v)?;
        vm.set_field(r, "linedefined", Value::Int(fi.line_defined))?;
        vm.set_field(r, "lastlinedefined", Value::Int(fi.last_line_defined))?;
        let v = vm.str_value(fi.what)?;
        vm.set_field(r, "what", v)?;
    }
    if has(b'l') {
        let line = level.as_ref().map(|l| l.current_line).unwrap_or(-1);
        vm.set_field(r, "currentline", Value::Int(line))?;
    }
    if has(b'u') {
        vm.set_field(r, "nups", Value::Int(fi.nups as i64))?;
        vm.set_field(r, "nparams", Value::Int(fi.nparams as i64))?;
        vm.set_field(r, "isvararg", Value::Bool(fi.is_vararg))?;
    }
    if has(b'n') {
        let (what, name) = match level.as_ref().and_then(|l| l.name.clone()) {
            Some((w, n)) => (w, vm.str_value(n.as_bytes())?),
            None => ("", Value::Nil),
        };
        vm.set_field(r, "name", name)?;
        let w = vm.str_value(what)?;
        vm.set_field(r, "namewhat", w)?;
    }
    if has(b'r') {
        let (ft, nt) = level.as_ref().map_or((0, 0), |l| l.transfer);
        vm.set_field(r, "ftransfer", Value::Int(ft as i64))?;
        vm.set_field(r, "ntransfer", Value::Int(nt as i64))?;
    }
    if has(b't') {
        let tail = level.as_ref().map(|l| l.is_tail_call).unwrap_or(false);
        vm.set_field(r, "istailcall", Value::Bool(tail))?;
    }
    if has(b'L') {
        if let Some(lines) = &fi.active_lines {
            let lt = vm.new_table()?;
            vm.set_field(r, "activelines", Value::Table(lt))?;
            for &l in lines {
                vm.raw_set_int(lt, i64::from(l), Value::Bool(true))?;
            }
        }
    }
    if has(b'f') {
        vm.set_field(r, "func", func)?;
    }
    Ok(1)
}

// ---------------------------------------------------------------------------------------------
// locals and upvalues

/// `debug.getlocal([thread,] f | level, n)`.
fn getlocal(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let (t, a) = thread_arg(vm, args);
    let n = vm.check_int(args, a + 1)?;
    let target = vm.arg(args, a);
    if target.is_function() {
        match vm.debug_param_name(target, n) {
            Some(name) => push_str(vm, name.as_bytes())?,
            None => vm.push(Value::Nil)?,
        }
        return Ok(1);
    }
    let level = level_arg(vm, args, a)?;
    let found = match level {
        Some(l) => vm.debug_get_local(t, l, n),
        None => Err(()),
    };
    match found {
        Err(()) => Err(vm.arg_error(a, "level out of range")),
        Ok(None) => {
            vm.push(Value::Nil)?;
            Ok(1)
        }
        Ok(Some((name, v))) => {
            push_str(vm, name.as_bytes())?;
            vm.push(v)?;
            Ok(2)
        }
    }
}

/// `debug.setlocal([thread,] level, n, value)`.
fn setlocal(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let (t, a) = thread_arg(vm, args);
    let level = level_arg(vm, args, a)?;
    let n = vm.check_int(args, a + 1)?;
    let exists = match level {
        Some(l) => vm.debug_level(t, l).is_some(),
        None => false,
    };
    if !exists {
        return Err(vm.arg_error(a, "level out of range"));
    }
    let v = vm.check_any(args, a + 2)?;
    match vm.debug_set_local(t, level.unwrap_or(0), n, v) {
        Ok(Some(name)) => push_str(vm, name.as_bytes())?,
        _ => vm.push(Value::Nil)?,
    }
    Ok(1)
}

fn check_function(vm: &mut Vm, args: Args, i: usize) -> Result<Value, Error> {
    let f = vm.arg(args, i);
    if f.is_function() {
        Ok(f)
    } else {
        Err(vm.type_error(args, i, "function"))
    }
}

/// `debug.getupvalue(f, n)`: name and value, or nothing.
fn getupvalue(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let n = vm.check_int(args, 1)?;
    let f = check_function(vm, args, 0)?;
    match vm.debug_upvalue(f, n) {
        Some((name, v)) => {
            push_str(vm, name.as_bytes())?;
            vm.push(v)?;
            Ok(2)
        }
        None => Ok(0),
    }
}

/// `debug.setupvalue(f, n, value)`: the upvalue's name, or nothing.
fn setupvalue(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let v = vm.check_any(args, 2)?;
    let n = vm.check_int(args, 1)?;
    let f = check_function(vm, args, 0)?;
    match vm.debug_set_upvalue(f, n, v) {
        Some(name) => {
            push_str(vm, name.as_bytes())?;
            Ok(1)
        }
        None => Ok(0),
    }
}

/// `debug.upvalueid(f, n)`: a light userdata identifying the upvalue's cell, or fail.
fn upvalueid(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let n = vm.check_int(args, 1)?;
    let f = check_function(vm, args, 0)?;
    match vm.debug_upvalue_id(f, n) {
        Some(id) => vm.push(Value::LightUserdata(id))?,
        None => vm.push(Value::Nil)?,
    }
    Ok(1)
}

/// `debug.upvaluejoin(f1, n1, f2, n2)`.
fn upvaluejoin(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let check = |vm: &mut Vm, fi: usize, ni: usize| -> Result<(Value, i64), Error> {
        let n = vm.check_int(args, ni)?;
        let f = check_function(vm, args, fi)?;
        if vm.debug_upvalue_id(f, n).is_none() {
            return Err(vm.arg_error(ni, "invalid upvalue index"));
        }
        Ok((f, n))
    };
    let (f1, n1) = check(vm, 0, 1)?;
    let (f2, n2) = check(vm, 2, 3)?;
    for (f, i) in [(f1, 0), (f2, 2)] {
        if !matches!(f, Value::LuaFn(_)) {
            return Err(vm.arg_error(i, "Lua function expected"));
        }
    }
    vm.debug_upvalue_join(f1, n1, f2, n2);
    Ok(0)
}

// ---------------------------------------------------------------------------------------------
// metatables, registry, user values

fn getmetatable(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let v = vm.check_any(args, 0)?;
    match vm.metatable(v) {
        Some(mt) => vm.push(Value::Table(mt))?,
        None => vm.push(Value::Nil)?,
    }
    Ok(1)
}

fn setmetatable(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let mt = match vm.arg(args, 1) {
        Value::Nil => None,
        Value::Table(t) => Some(t),
        _ => return Err(vm.type_error(args, 1, "nil or table")),
    };
    let v = vm.arg(args, 0);
    match v {
        Value::Table(t) => vm.set_metatable(t, mt),
        Value::Userdata(u) => vm.set_userdata_metatable(u, mt),
        Value::LightUserdata(_) => vm.set_light_userdata_metatable(mt),
        other => vm.set_type_metatable(other.type_of(), mt),
    }
    vm.push(v)?;
    Ok(1)
}

fn getregistry(vm: &mut Vm, _args: Args) -> Result<usize, Error> {
    let r = vm.registry();
    vm.push(Value::Table(r))?;
    Ok(1)
}

/// `debug.getuservalue(u [, n])`: Tape's userdata have at most one user value.
fn getuservalue(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let n = vm.opt_int(args, 1, 1)?;
    let Value::Userdata(u) = vm.arg(args, 0) else {
        vm.push(Value::Nil)?;
        return Ok(1);
    };
    if n < 1 || n as u64 > vm.user_value_count(u) as u64 {
        vm.push(Value::Nil)?;
        return Ok(1);
    }
    let v = vm.user_value(u);
    vm.push(v)?;
    vm.push(Value::Bool(true))?;
    Ok(2)
}

/// `debug.setuservalue(u, value [, n])`: returns `u`, or fail for a bad `n`.
fn setuservalue(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let n = vm.opt_int(args, 2, 1)?;
    let Value::Userdata(u) = vm.arg(args, 0) else {
        return Err(vm.type_error(args, 0, "userdata"));
    };
    let v = vm.check_any(args, 1)?;
    if n < 1 || n as u64 > vm.user_value_count(u) as u64 {
        vm.push(Value::Nil)?;
        return Ok(1);
    }
    vm.set_user_value(u, v);
    vm.push(Value::Userdata(u))?;
    Ok(1)
}

// ---------------------------------------------------------------------------------------------
// hooks

/// `debug.sethook([thread,] hook, mask [, count])`; no hook (or an empty mask and no count)
/// turns hooks off.
fn sethook(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let (t, a) = thread_arg(vm, args);
    let hook = if vm.arg(args, a).is_nil() {
        None
    } else {
        let smask = vm.check_str(args, a + 1)?;
        let f = check_function(vm, args, a)?;
        let count = vm.opt_int(args, a + 2, 0)?;
        let bytes = vm.str_bytes(smask);
        let mut mask = 0;
        for (c, bit) in [(b'c', HOOK_CALL), (b'r', HOOK_RETURN), (b'l', HOOK_LINE)] {
            if bytes.contains(&c) {
                mask |= bit;
            }
        }
        Some(Hook {
            func: f,
            mask,
            count: u32::try_from(count.max(0)).unwrap_or(u32::MAX),
        })
    };
    let func = hook.as_ref().map_or(Value::Nil, |h| h.func);
    vm.set_hook(t, hook);
    // Like PUC, the hook functions are also listed in `registry._HOOKKEY` (a table with weak
    // keys that is its own metatable), by thread.
    let reg = Value::Table(vm.registry());
    let key = vm.str_value("_HOOKKEY")?;
    let hk = match vm.raw_get(reg, key) {
        Value::Table(h) => h,
        _ => {
            let h = vm.new_table()?;
            let mode = vm.str_value("k")?;
            vm.set_field(h, "__mode", mode)?;
            vm.set_metatable(h, Some(h));
            vm.raw_set(reg, key, Value::Table(h))?;
            h
        }
    };
    vm.raw_set(Value::Table(hk), Value::Thread(t), func)?;
    Ok(0)
}

/// `debug.setcstacklimit(limit)`: kept by 5.4.4 for compatibility, does nothing and returns
/// the fixed C-stack limit.
fn setcstacklimit(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    vm.check_int(args, 0)?;
    vm.push(Value::Int(200))?;
    Ok(1)
}

/// `debug.gethook([thread])`: hook, mask and count, or fail when no hook is set.
fn gethook(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let (t, _) = thread_arg(vm, args);
    let Some(h) = vm.hook(t) else {
        vm.push(Value::Nil)?;
        return Ok(1);
    };
    let mut mask = Vec::new();
    for (c, bit) in [(b'c', HOOK_CALL), (b'r', HOOK_RETURN), (b'l', HOOK_LINE)] {
        if h.mask & bit != 0 {
            mask.push(c);
        }
    }
    vm.push(h.func)?;
    let m = vm.str_value(&mask)?;
    vm.push(m)?;
    vm.push(Value::Int(h.count as i64))?;
    Ok(3)
}

// ---------------------------------------------------------------------------------------------
// debug.debug

/// `debug.debug()`: runs lines from standard input until `cont` or end of input, printing
/// errors to standard error.
fn debug_repl(vm: &mut Vm, _args: Args) -> Result<usize, Error> {
    use std::io::{BufRead, Write};
    let stdin = std::io::stdin();
    loop {
        eprint!("lua_debug> ");
        let _ = std::io::stderr().flush();
        let mut line = String::new();
        match stdin.lock().read_line(&mut line) {
            Ok(0) | Err(_) => return Ok(0),
            Ok(_) => {}
        }
        if line.trim_end() == "cont" {
            return Ok(0);
        }
        let r = vm
            .load(line.as_bytes(), "=(debug command)")
            .and_then(|f| vm.call1(f, &[]));
        if let Err(e) = r {
            let v = e.value();
            let text = vm.error_text(v);
            eprintln!("{text}");
        }
        vm.flush_output();
    }
}
