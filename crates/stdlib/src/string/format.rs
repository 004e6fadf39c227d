//! `string.format` (manual §6.4): walks the format string, checks each argument as its
//! conversion demands (with PUC's argument errors, which come before flag errors except for
//! `%c` and `%a`) and hands the
//! value to `tape_text::fmt` for the C-`printf` rendering. `%s` uses `__tostring`/`__name`
//! (`luaL_tolstring`), `%q` writes a literal Lua can read back.

use super::{charge_fuel, memory_error};
use tape_text::fmt::{self, FmtError, Spec};
use tape_vm::{Args, Error, Value, Vm};

/// Reports a formatting failure for argument `arg` (0-based) the way PUC does.
#[cold]
fn fmt_error(vm: &mut Vm, arg: usize, e: FmtError) -> Error {
    match e {
        FmtError::Message(msg) => vm.error(&msg),
        FmtError::BadArgument(msg) => vm.arg_error(arg, msg),
    }
}

/// string.format (formatstring, ···)
pub(super) fn format(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let f = vm.check_str(args, 0)?;
    let flen = vm.str_bytes(f).len();
    let mut out: Vec<u8> = Vec::new();
    if out.try_reserve(flen + 16).is_err() {
        return Err(memory_error(vm));
    }
    let mut arg = 0usize;
    let mut i = 0usize;
    while i < flen {
        let fb = vm.str_bytes(f);
        // Copy the run of plain bytes up to the next '%'.
        let rest = &fb[i..];
        let Some(off) = rest.iter().position(|&b| b == b'%') else {
            out.extend_from_slice(rest);
            break;
        };
        out.extend_from_slice(&rest[..off]);
        i += off + 1;
        if fb.get(i) == Some(&b'%') {
            out.push(b'%');
            i += 1;
            continue;
        }
        arg += 1;
        if arg >= args.len() {
            return Err(vm.arg_error(arg, "no value"));
        }
        let (spec, used) = match fmt::parse_spec(&fb[i..]) {
            Ok(x) => x,
            Err(e) => return Err(fmt_error(vm, arg, e)),
        };
        i += used;
        let r = format_one(vm, args, arg, &spec, &mut out)?;
        if let Err(e) = r {
            return Err(fmt_error(vm, arg, e));
        }
        if !vm.room_for(out.len()) {
            return Err(memory_error(vm));
        }
    }
    if !vm.room_for(out.len()) {
        return Err(memory_error(vm));
    }
    charge_fuel(vm, out.len())?;
    let v = vm.str_value_owned(out)?;
    vm.push(v)?;
    Ok(1)
}

/// Formats argument `arg` by `spec`. The outer `Result` carries Lua errors from checking or
/// converting the argument; the inner one the formatter's own verdict.
fn format_one(
    vm: &mut Vm,
    args: Args,
    arg: usize,
    spec: &Spec,
    out: &mut Vec<u8>,
) -> Result<Result<(), FmtError>, Error> {
    Ok(match spec.conv {
        // PUC checks the flags of `%c` and `%a` before converting the argument, and those of
        // the other numeric conversions after.
        b'c' | b'a' | b'A' => {
            if let Err(e) = spec.check() {
                return Ok(Err(e));
            }
            if spec.conv == b'c' {
                let n = vm.check_int(args, arg)?;
                fmt::format_int(spec, n, out)
            } else {
                let x = vm.check_float(args, arg)?;
                fmt::format_float(spec, x, out)
            }
        }
        b'd' | b'i' | b'u' | b'o' | b'x' | b'X' => {
            let n = vm.check_int(args, arg)?;
            fmt::format_int(spec, n, out)
        }
        b'e' | b'E' | b'f' | b'F' | b'g' | b'G' => {
            let x = vm.check_float(args, arg)?;
            fmt::format_float(spec, x, out)
        }
        b'p' => {
            let v = vm.arg(args, arg);
            let text = match v {
                Value::Str(_)
                | Value::Table(_)
                | Value::LuaFn(_)
                | Value::Native(_)
                | Value::Userdata(_)
                | Value::Thread(_) => {
                    format!("0x{:x}", Vm::fake_address(v))
                }
                Value::LightUserdata(p) if p != 0 => format!("0x{p:x}"),
                _ => "(null)".to_string(),
            };
            fmt::format_str(spec, text.as_bytes(), out)
        }
        b'q' => {
            if let Err(e) = spec.check() {
                return Ok(Err(e));
            }
            match vm.arg(args, arg) {
                Value::Str(s) => fmt::quote_string(vm.str_bytes(s), out),
                Value::Int(n) => fmt::quote_int(n, out),
                Value::Float(x) => fmt::quote_float(x, out),
                Value::Nil => out.extend_from_slice(b"nil"),
                Value::Bool(b) => out.extend_from_slice(if b { b"true" } else { b"false" }),
                _ => return Err(vm.arg_error(arg, "value has no literal form")),
            }
            Ok(())
        }
        _ => {
            // 's' (parse_spec accepts no other conversion byte).
            let v = vm.arg(args, arg);
            match v {
                Value::Str(s) => fmt::format_str(spec, vm.str_bytes(s), out),
                Value::Int(_) | Value::Float(_) | Value::Nil | Value::Bool(_) => {
                    let b = vm.basic_tostring(v);
                    fmt::format_str(spec, &b, out)
                }
                _ => {
                    let sv = vm.tostring(v)?;
                    match sv {
                        Value::Str(s) => fmt::format_str(spec, vm.str_bytes(s), out),
                        _ => Ok(()),
                    }
                }
            }
        }
    })
}
