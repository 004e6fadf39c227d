//! The utf8 library (manual §6.5): `utf8.char`, `charpattern`, `codes`, `codepoint`, `len`
//! and `offset`, with Lua 5.4's extended encoding (sequences of up to six bytes, code points up
//! to 0x7FFFFFFF) and the `lax` flag that accepts surrogates and values past 0x10FFFF.
//!
//! The encoding and decoding rules live in `tape_text::utf8`; this module checks arguments
//! (1-based, possibly negative positions) and raises PUC's errors.

use crate::string::{charge_fuel, memory_error, push_checked};
use tape_text::utf8::{self as text, CHARPATTERN, MAX_UTF, MSG_INVALID};
use tape_vm::{Args, Error, NativeFn, Value, Vm};

/// Registers the `utf8` table in the globals.
pub fn open_utf8(vm: &mut Vm) -> Result<(), Error> {
    let lib = vm.new_table_with(0, 8)?;
    let fns: &[(&str, &'static str, NativeFn)] = &[
        ("char", "utf8.char", char),
        ("codes", "utf8.codes", codes),
        ("codepoint", "utf8.codepoint", codepoint),
        ("len", "utf8.len", len),
        ("offset", "utf8.offset", offset),
    ];
    for &(key, name, f) in fns {
        let v = vm.new_native(name, f)?;
        vm.set_field(lib, key, v)?;
    }
    let pat = vm.str_value(CHARPATTERN)?;
    vm.set_field(lib, "charpattern", pat)?;
    let g = vm.globals();
    vm.set_field(g, "utf8", Value::Table(lib))?;
    Ok(())
}

/// A relative position: negative counts from the end; too negative gives 0.
fn posrelat(pos: i64, len: usize) -> i64 {
    if pos >= 0 {
        pos
    } else if pos.unsigned_abs() > len as u64 {
        0
    } else {
        len as i64 + pos + 1
    }
}

/// utf8.char (···)
fn char(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let mut out = Vec::new();
    if out.try_reserve(args.len() * 4).is_err() {
        return Err(memory_error(vm));
    }
    for i in 0..args.len() {
        let c = vm.check_int(args, i)?;
        if !(0..=MAX_UTF as i64).contains(&c) {
            return Err(vm.arg_error(i, "value out of range"));
        }
        text::encode(c as u32, &mut out);
    }
    let v = vm.str_value_owned(out)?;
    vm.push(v)?;
    Ok(1)
}

/// utf8.len (s [, i [, j [, lax]]]): the count, or fail plus the position of the first
/// invalid byte.
fn len(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let s = vm.check_str(args, 0)?;
    let l = vm.str_bytes(s).len();
    let i = vm.opt_int(args, 1, 1)?;
    let j = vm.opt_int(args, 2, -1)?;
    let lax = vm.arg(args, 3).truthy();
    let posi = posrelat(i, l);
    let posj = posrelat(j, l);
    vm.arg_check(
        1 <= posi && posi - 1 <= l as i64,
        1,
        "initial position out of bounds",
    )?;
    vm.arg_check(posj - 1 < l as i64, 2, "final position out of bounds")?;
    let r = text::len(
        vm.str_bytes(s),
        (posi - 1) as usize,
        (posj - 1) as isize,
        !lax,
    );
    charge_fuel(vm, l)?;
    match r {
        Err(p) => {
            vm.push(Value::Nil)?;
            vm.push(Value::Int(p as i64 + 1))?;
            Ok(2)
        }
        Ok(n) => {
            vm.push(Value::Int(n as i64))?;
            Ok(1)
        }
    }
}

/// utf8.codepoint (s [, i [, j [, lax]]])
fn codepoint(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let s = vm.check_str(args, 0)?;
    let l = vm.str_bytes(s).len();
    let i = vm.opt_int(args, 1, 1)?;
    let posi = posrelat(i, l);
    let j = vm.opt_int(args, 2, posi)?;
    let pose = posrelat(j, l);
    let lax = vm.arg(args, 3).truthy();
    vm.arg_check(posi >= 1, 1, "out of bounds")?;
    vm.arg_check(pose <= l as i64, 2, "out of bounds")?;
    if posi > pose {
        return Ok(0);
    }
    if pose - posi >= i32::MAX as i64 {
        return Err(vm.error("string slice too long"));
    }
    let (mut p, end) = ((posi - 1) as usize, pose as usize);
    let mut n = 0;
    while p < end {
        match text::decode(vm.str_bytes(s).get(p..).unwrap_or_default(), !lax) {
            Some((code, l)) => {
                push_checked(vm, Value::Int(code as i64), "string slice too long")?;
                n += 1;
                p += l;
            }
            None => return Err(vm.error(MSG_INVALID)),
        }
    }
    Ok(n)
}

/// utf8.offset (s, n [, i]): the byte position where the `n`-th character (counting from
/// position `i`) starts.
fn offset(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let s = vm.check_str(args, 0)?;
    let l = vm.str_bytes(s).len();
    let n = vm.check_int(args, 1)?;
    let default = if n >= 0 { 1 } else { l as i64 + 1 };
    let i = vm.opt_int(args, 2, default)?;
    let posi = posrelat(i, l);
    vm.arg_check(
        1 <= posi && posi - 1 <= l as i64,
        2,
        "position out of bounds",
    )?;
    match text::offset(vm.str_bytes(s), n, (posi - 1) as usize) {
        Ok(Some(p)) => vm.push(Value::Int(p as i64 + 1))?,
        Ok(None) => vm.push(Value::Nil)?,
        Err(msg) => return Err(vm.error(msg)),
    }
    Ok(1)
}

/// utf8.codes (s [, lax]): `iterator, s, 0`.
fn codes(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let s = vm.check_str(args, 0)?;
    let lax = vm.arg(args, 1).truthy();
    let f: NativeFn = if lax {
        codes_step_lax
    } else {
        codes_step_strict
    };
    let it = vm.new_native("", f)?;
    vm.push(it)?;
    vm.push(Value::Str(s))?;
    vm.push(Value::Int(0))?;
    Ok(3)
}

fn codes_step_strict(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    codes_step(vm, args, true)
}

fn codes_step_lax(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    codes_step(vm, args, false)
}

/// One step of `utf8.codes`: skips the continuation bytes after the previous position and
/// decodes the next sequence.
fn codes_step(vm: &mut Vm, args: Args, strict: bool) -> Result<usize, Error> {
    let s = vm.check_str(args, 0)?;
    let n = match vm.arg(args, 1) {
        Value::Int(i) => i,
        v => match vm.to_number(v) {
            Some(Value::Int(i)) => i,
            Some(Value::Float(f)) if f.fract() == 0.0 && f.abs() < 9.2e18 => f as i64,
            _ => 0,
        },
    };
    match text::codes_next(vm.str_bytes(s), n, strict) {
        Ok(Some((p, code))) => {
            vm.push(Value::Int(p))?;
            vm.push(Value::Int(code as i64))?;
            Ok(2)
        }
        Ok(None) => Ok(0),
        Err(msg) => Err(vm.error(msg)),
    }
}
