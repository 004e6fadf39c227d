//! The string library (manual §6.4): `string.byte`, `char`, `len`, `lower`, `upper`, `rep`,
//! `reverse`, `sub` here; `format` in `format.rs`; `find`, `match`, `gmatch`, `gsub` in
//! `pattern.rs`; `pack`, `packsize`, `unpack` in `pack.rs`. Also the metatable every string
//! shares (manual §6.4: `__index` is the `string` table, so `("x"):rep(3)` works, plus the
//! arithmetic metamethods through which strings are coerced to numbers, §3.4.3).
//!
//! Positions follow PUC's rules: negative indices count from the end, and out-of-range ends are
//! clamped (`posrelat_start`, `posrelat_end`). The pure algorithms (printf, patterns, pack)
//! live in `tape_text`; this module converts between Lua values and their byte-level APIs.

mod dump;
mod format;
mod pack;
mod pattern;

use tape_vm::{Args, Error, FastCx, FastFn, NativeFn, StrRef, Type, Value, Vm};

/// Largest string the library builds (PUC's `MAXSIZE` for these functions: `INT_MAX`).
/// Longer results fail with `resulting string too large`.
pub(crate) const MAX_STRING_SIZE: usize = i32::MAX as usize;

/// Strings up to this length are copied through a stack buffer instead of a heap `Vec` when a
/// substring becomes a new Lua string.
const SHORT_COPY: usize = 64;

/// Registers the `string` table in the globals and installs the string metatable.
pub fn open_string(vm: &mut Vm) -> Result<(), Error> {
    let lib = vm.new_table_with(0, 24)?;
    let fns: &[(&str, &'static str, NativeFn)] = &[
        ("byte", "string.byte", byte),
        ("char", "string.char", char),
        ("dump", "string.dump", dump::dump),
        ("find", "string.find", pattern::find),
        ("format", "string.format", format::format),
        ("gmatch", "string.gmatch", pattern::gmatch),
        ("gsub", "string.gsub", pattern::gsub),
        ("len", "string.len", len),
        ("lower", "string.lower", lower),
        ("match", "string.match", pattern::match_),
        ("rep", "string.rep", rep),
        ("reverse", "string.reverse", reverse),
        ("sub", "string.sub", sub),
        ("upper", "string.upper", upper),
        ("pack", "string.pack", pack::pack),
        ("packsize", "string.packsize", pack::packsize),
        ("unpack", "string.unpack", pack::unpack),
    ];
    for &(key, name, f) in fns {
        let v = vm.new_native(name, f)?;
        vm.set_field(lib, key, v)?;
        let fast: Option<FastFn> = match key {
            "byte" => Some(fast_byte),
            "len" => Some(|cx, a| match *a.first()? {
                Value::Str(s) => Some(Value::Int(cx.str_bytes(s).len() as i64)),
                _ => None,
            }),
            _ => None,
        };
        if let Some(fast) = fast {
            vm.set_fast_native(v, fast);
        }
    }
    let g = vm.globals();
    vm.set_field(g, "string", Value::Table(lib))?;

    // The metatable of strings: methods through `__index`, and PUC 5.4's arithmetic
    // metamethods, through which string operands are converted to numbers (§3.4.3). They come
    // from the VM, which recognises them and converts without calling them while they are in
    // place; a script that replaces one changes what `"10" + 1` does.
    let mt = vm.new_table_with(0, 10)?;
    vm.set_field(mt, "__index", Value::Table(lib))?;
    for (key, f) in Vm::string_arith_metamethods() {
        let v = vm.new_native(key, f)?;
        vm.set_field(mt, key, v)?;
    }
    vm.set_type_metatable(Type::String, Some(mt));
    Ok(())
}

/// The place where long-running string builtins pay for their work (`units` ≈ bytes produced
/// or pattern steps taken) out of the VM's fuel budget, if one is set (`Vm::charge_fuel`).
#[inline]
pub(crate) fn charge_fuel(vm: &mut Vm, units: usize) -> Result<(), Error> {
    vm.charge_fuel(units as u64)
}

/// `string.byte`'s start position: 1-based, negative from the end, clamped to at least 1.
pub(crate) fn posrelat_start(pos: i64, len: usize) -> usize {
    if pos > 0 {
        pos as usize
    } else if pos == 0 || pos.unsigned_abs() > len as u64 {
        1
    } else {
        (len as i64 + pos + 1) as usize
    }
}

/// An end position: negative from the end, clamped to `[0, len]`.
pub(crate) fn posrelat_end(pos: i64, len: usize) -> usize {
    if pos > len as i64 {
        len
    } else if pos >= 0 {
        pos as usize
    } else if pos.unsigned_abs() > len as u64 {
        0
    } else {
        (len as i64 + pos + 1) as usize
    }
}

/// The `not enough memory` error for buffers the library could not reserve.
#[cold]
pub(crate) fn memory_error(vm: &mut Vm) -> Error {
    vm.make_error("not enough memory".to_string())
}

/// Pushes one of many results; a full stack becomes PUC's `luaL_checkstack` error
/// `stack overflow (what)`.
pub(crate) fn push_checked(vm: &mut Vm, v: Value, what: &str) -> Result<(), Error> {
    match vm.push(v) {
        Ok(()) => Ok(()),
        Err(e) => {
            let is_overflow =
                matches!(e.value(), Value::Str(s) if vm.str_bytes(s).ends_with(b"stack overflow"));
            if is_overflow {
                Err(vm.error(&format!("stack overflow ({what})")))
            } else {
                Err(e)
            }
        }
    }
}

/// Makes a new string from `s[start..end]` (all of a long string is still a new object, as
/// PUC's `lua_pushlstring` makes one). The caller guarantees `start <= end <= len(s)`.
pub(crate) fn substring(vm: &mut Vm, s: StrRef, start: usize, end: usize) -> Result<Value, Error> {
    let bytes = vm.str_bytes(s);
    if start == 0 && end == bytes.len() {
        return Ok(Value::Str(vm.str_new_object(s)));
    }
    let Some(part) = bytes.get(start..end) else {
        return vm.str_value(b"");
    };
    if part.len() <= SHORT_COPY {
        let mut buf = [0u8; SHORT_COPY];
        let n = part.len();
        buf[..n].copy_from_slice(part);
        vm.str_value(&buf[..n])
    } else {
        let owned = part.to_vec();
        vm.str_value(&owned)
    }
}

fn len(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let s = vm.check_str(args, 0)?;
    let n = vm.str_bytes(s).len() as i64;
    vm.push(Value::Int(n))?;
    Ok(1)
}

/// string.sub (s, i [, j])
fn sub(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let s = vm.check_str(args, 0)?;
    let i = vm.check_int(args, 1)?;
    let j = vm.opt_int(args, 2, -1)?;
    let l = vm.str_bytes(s).len();
    let start = posrelat_start(i, l);
    let end = posrelat_end(j, l);
    let v = if start > end {
        vm.str_value(b"")?
    } else {
        substring(vm, s, start - 1, end)?
    };
    vm.push(v)?;
    Ok(1)
}

/// How `map_bytes` transforms a string.
#[derive(Clone, Copy)]
enum ByteMap {
    Lower,
    Upper,
    Reverse,
}

/// Maps every byte of string argument 0 (C-locale case conversions, reverse), a chunk of
/// `POLL_BYTES` at a time so an interrupt or deadline stops a huge string promptly.
fn map_bytes(vm: &mut Vm, args: Args, how: ByteMap) -> Result<usize, Error> {
    let s = vm.check_str(args, 0)?;
    let len = vm.str_bytes(s).len();
    if !vm.room_for(len) {
        return Err(memory_error(vm));
    }
    let mut out = Vec::new();
    if out.try_reserve_exact(len).is_err() {
        return Err(memory_error(vm));
    }
    let mut done = 0;
    while done < len {
        if done > 0 {
            vm.poll_limits()?;
        }
        let n = (len - done).min(tape_vm::POLL_BYTES);
        let bytes = vm.str_bytes(s);
        match how {
            ByteMap::Lower => out.extend(bytes[done..done + n].iter().map(u8::to_ascii_lowercase)),
            ByteMap::Upper => out.extend(bytes[done..done + n].iter().map(u8::to_ascii_uppercase)),
            ByteMap::Reverse => out.extend(bytes[len - done - n..len - done].iter().rev()),
        }
        done += n;
    }
    charge_fuel(vm, out.len())?;
    let v = vm.str_value_owned(out)?;
    vm.push(v)?;
    Ok(1)
}

fn lower(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    map_bytes(vm, args, ByteMap::Lower)
}

fn upper(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    map_bytes(vm, args, ByteMap::Upper)
}

fn reverse(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    map_bytes(vm, args, ByteMap::Reverse)
}

/// string.rep (s, n [, sep]): the size is checked before anything is allocated, so huge counts
/// fail cleanly with `resulting string too large` (past `MAX_STRING_SIZE`) or `not enough
/// memory`.
fn rep(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let s = vm.check_str(args, 0)?;
    let n = vm.check_int(args, 1)?;
    let sep = vm.opt_str(args, 2)?;
    let (l, lsep) = (
        vm.str_bytes(s).len(),
        sep.map_or(0, |p| vm.str_bytes(p).len()),
    );
    if n <= 0 || l + lsep == 0 {
        let v = vm.str_value(b"")?;
        vm.push(v)?;
        return Ok(1);
    }
    let n = n as u64;
    let unit = (l + lsep) as u64;
    if unit > (MAX_STRING_SIZE as u64) / n {
        return Err(vm.error("resulting string too large"));
    }
    let total = (unit * n) as usize - lsep;
    // A result that cannot fit is a memory error before any work is charged (as in lua5.4,
    // which has no fuel: the answer does not depend on the budget).
    let mut out: Vec<u8> = Vec::new();
    if !vm.room_for(total) || out.try_reserve_exact(total + lsep).is_err() {
        return Err(memory_error(vm));
    }
    charge_fuel(vm, total)?;
    // One copy of the body (and separator), then the output doubles itself: whole
    // repetitions are copied in large blocks, checking the interrupt between blocks.
    out.extend_from_slice(vm.str_bytes(s));
    if let Some(p) = sep {
        out.extend_from_slice(vm.str_bytes(p));
    }
    let period = out.len();
    let full = total + lsep; // n whole units, the last separator dropped at the end
    while out.len() < full {
        // The output repeats with `period`: the bytes to append next already sit at offset
        // `len % period`. Blocks grow by doubling up to 16 poll intervals.
        let len = out.len();
        let from = len % period;
        let k = (full - len).min(len - from).min(16 * tape_vm::POLL_BYTES);
        out.extend_from_within(from..from + k);
        if out.len() >= tape_vm::POLL_BYTES {
            vm.poll_limits()?;
        }
    }
    out.truncate(total);
    let v = vm.str_value_owned(out)?;
    vm.push(v)?;
    Ok(1)
}

/// string.byte (s [, i [, j]])
fn byte(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let s = vm.check_str(args, 0)?;
    let i = vm.opt_int(args, 1, 1)?;
    let l = vm.str_bytes(s).len();
    let start = posrelat_start(i, l);
    // The end defaults to the original `i`, not the normalised start (PUC's `getendpos`), so
    // an `i` before the start of the string selects nothing.
    let j = vm.opt_int(args, 2, i)?;
    let end = posrelat_end(j, l);
    if start > end {
        return Ok(0);
    }
    let n = end - start + 1;
    if n >= i32::MAX as usize {
        return Err(vm.error("string slice too long"));
    }
    for k in start - 1..end {
        let b = vm.str_bytes(s).get(k).copied().unwrap_or(0);
        push_checked(vm, Value::Int(b as i64), "string slice too long")?;
    }
    Ok(n)
}

/// `string.byte(s [, i])`'s fast form (`Vm::set_fast_native`): one byte, given as an
/// integer position; an empty selection (no result) and everything else go to `byte`.
fn fast_byte(cx: &mut FastCx<'_>, a: &[Value]) -> Option<Value> {
    let (s, i) = match *a {
        [Value::Str(s)] => (s, 1),
        [Value::Str(s), Value::Int(i)] => (s, i),
        _ => return None,
    };
    let b = cx.str_bytes(s);
    let (start, end) = (posrelat_start(i, b.len()), posrelat_end(i, b.len()));
    if start > end {
        return None;
    }
    Some(Value::Int(*b.get(start - 1)? as i64))
}

/// string.char (···)
fn char(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let mut out = Vec::with_capacity(args.len());
    for i in 0..args.len() {
        let c = vm.check_int(args, i)?;
        if !(0..=255).contains(&c) {
            return Err(vm.arg_error(i, "value out of range"));
        }
        out.push(c as u8);
    }
    let v = vm.str_value_owned(out)?;
    vm.push(v)?;
    Ok(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Calls `string.<name>` from the host with `args`, returning the results or the message.
    fn call(vm: &mut Vm, name: &str, args: &[Value]) -> Result<Vec<Value>, String> {
        let lib = vm.get_global("string").unwrap();
        let key = vm.str_value(name).unwrap();
        let f = vm.raw_get(lib, key);
        vm.call(f, args).map_err(|e| e.message().to_string())
    }

    fn text(vm: &mut Vm, v: Value) -> String {
        String::from_utf8_lossy(&vm.basic_tostring(v)).into_owned()
    }

    #[test]
    fn rep_checks_size_before_building() {
        let mut vm = Vm::with_memory_cap(1 << 20);
        open_string(&mut vm).unwrap();
        let x = vm.str_value("x").unwrap();
        let sep = vm.str_value(",").unwrap();
        let e = call(&mut vm, "rep", &[x, Value::Float(1e10)]).unwrap_err();
        assert_eq!(e, "resulting string too large");
        let e = call(&mut vm, "rep", &[x, Value::Int(1 << 30), sep]).unwrap_err();
        assert_eq!(e, "resulting string too large");
        let e = call(&mut vm, "rep", &[x, Value::Int(10_000_000)]).unwrap_err();
        assert_eq!(e, "not enough memory");
        let r = call(&mut vm, "rep", &[x, Value::Int(3), sep]).unwrap();
        assert_eq!(text(&mut vm, r[0]), "x,x,x");
        // The VM is still usable after the failures.
        let r = call(&mut vm, "rep", &[x, Value::Int(1000)]).unwrap();
        assert!(vm.len(r[0]).unwrap().raw_eq(Value::Int(1000)));
    }

    #[test]
    fn gsub_and_gmatch_handle_large_subjects() {
        let mut vm = Vm::new();
        open_string(&mut vm).unwrap();
        let big = vm.str_value(vec![b'a'; 1 << 20]).unwrap();
        let (pa, pb) = (vm.str_value("a").unwrap(), vm.str_value("b").unwrap());
        let r = call(&mut vm, "gsub", &[big, pa, pb]).unwrap();
        assert!(r[1].raw_eq(Value::Int(1 << 20)));
        let r = call(&mut vm, "find", &[r[0], pa]).unwrap();
        assert!(r[0].is_nil());
        let it = call(&mut vm, "gmatch", &[big, pa]).unwrap()[0];
        let mut n = 0;
        while vm
            .call(it, &[])
            .unwrap()
            .first()
            .is_some_and(|v| !v.is_nil())
        {
            n += 1;
        }
        assert_eq!(n, 1 << 20);
    }

    #[test]
    fn format_reports_puc_errors() {
        let mut vm = Vm::new();
        open_string(&mut vm).unwrap();
        let f = vm.str_value("%d|%5.1f|%q").unwrap();
        let s = vm.str_value("a\n").unwrap();
        let r = call(
            &mut vm,
            "format",
            &[f, Value::Int(7), Value::Float(2.25), s],
        )
        .unwrap();
        assert_eq!(text(&mut vm, r[0]), "7|  2.2|\"a\\\n\"");
        let e = call(&mut vm, "format", &[f, s]).unwrap_err();
        assert_eq!(
            e,
            "bad argument #2 to 'string.format' (number expected, got string)"
        );
        let e = call(&mut vm, "format", &[f, Value::Float(1.5)]).unwrap_err();
        assert_eq!(
            e,
            "bad argument #2 to 'string.format' (number has no integer representation)"
        );
        let e = call(&mut vm, "format", &[f, Value::Int(1)]).unwrap_err();
        assert_eq!(e, "bad argument #3 to 'string.format' (no value)");
        let bad = vm.str_value("%y").unwrap();
        let e = call(&mut vm, "format", &[bad, Value::Int(1)]).unwrap_err();
        assert_eq!(e, "invalid conversion '%y' to 'format'");
    }

    #[test]
    fn relative_positions_follow_puc() {
        assert_eq!(posrelat_start(0, 5), 1);
        assert_eq!(posrelat_start(-2, 5), 4);
        assert_eq!(posrelat_start(-9, 5), 1);
        assert_eq!(posrelat_start(7, 5), 7);
        assert_eq!(posrelat_end(-1, 5), 5);
        assert_eq!(posrelat_end(-9, 5), 0);
        assert_eq!(posrelat_end(9, 5), 5);
        assert_eq!(posrelat_end(i64::MIN, 5), 0);
        assert_eq!(posrelat_start(i64::MIN, 5), 1);
    }
}
