//! The operating-system library (manual §6.9): `clock`, `date`, `difftime`, `execute`, `exit`,
//! `getenv`, `remove`, `rename`, `setlocale`, `time`, `tmpname`. Dates are computed without libc by
//! `tape_text::strftime` (UTC calendar and C-locale conversions); local time adds the offset of
//! the zone in `os/zone.rs`. Failures of file operations return `nil, "msg", errno` as PUC's
//! `luaL_fileresult` does.

mod zone;

use tape_text::strftime::{self, Tm as BrokenTime};
use tape_vm::{Args, Error, Value, Vm};

/// Registers `os` in the globals table and returns it.
pub fn open_os(vm: &mut Vm) -> Result<Value, Error> {
    let t = vm.new_table_with(0, 12)?;
    let fns: &[(&'static str, &'static str, tape_vm::NativeFn)] = &[
        ("clock", "os.clock", clock),
        ("date", "os.date", date),
        ("difftime", "os.difftime", difftime),
        ("execute", "os.execute", execute),
        ("exit", "os.exit", exit),
        ("getenv", "os.getenv", getenv),
        ("remove", "os.remove", remove),
        ("rename", "os.rename", rename),
        ("setlocale", "os.setlocale", setlocale),
        ("time", "os.time", time),
        ("tmpname", "os.tmpname", tmpname),
    ];
    for (key, name, f) in fns {
        let v = vm.new_native(name, *f)?;
        vm.set_field(t, key, v)?;
    }
    let g = vm.globals();
    vm.set_field(g, "os", Value::Table(t))?;
    Ok(Value::Table(t))
}

/// `os.clock`: the CPU time of the process, as C's `clock()` computes it (glibc: the
/// process CPU-time clock in whole microseconds) divided by `CLOCKS_PER_SEC`.
fn clock(vm: &mut Vm, _args: Args) -> Result<usize, Error> {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ProcessCPUTime);
    let micros = (t.tv_sec as i64)
        .wrapping_mul(1_000_000)
        .wrapping_add(t.tv_nsec as i64 / 1000);
    vm.push(Value::Float(micros as f64 / 1_000_000.0))?;
    Ok(1)
}

fn now() -> i64 {
    match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    }
}

/// Pushes `nil, "prefix: message", errno` for an I/O failure (`luaL_fileresult`).
pub(crate) fn push_io_error(
    vm: &mut Vm,
    e: &std::io::Error,
    prefix: Option<&[u8]>,
) -> Result<usize, Error> {
    let mut msg = Vec::new();
    if let Some(p) = prefix {
        msg.extend_from_slice(p);
        msg.extend_from_slice(b": ");
    }
    msg.extend_from_slice(io_error_text(e).as_bytes());
    let m = vm.str_value(&msg)?;
    vm.push(Value::Nil)?;
    vm.push(m)?;
    vm.push(Value::Int(e.raw_os_error().unwrap_or(0) as i64))?;
    Ok(3)
}

/// `strerror` text of an I/O error (Rust's display without the ` (os error N)` suffix).
pub(crate) fn io_error_text(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.rfind(" (os error ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

fn path_of(name: &[u8]) -> std::path::PathBuf {
    use std::os::unix::ffi::OsStrExt;
    std::path::PathBuf::from(std::ffi::OsStr::from_bytes(name))
}

fn remove(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let name = crate::check_cstr(vm, args, 0)?;
    let path = path_of(&name);
    // C's `remove` deletes files and empty directories alike.
    let r = match std::fs::symlink_metadata(&path) {
        Ok(m) if m.is_dir() => std::fs::remove_dir(&path),
        _ => std::fs::remove_file(&path),
    };
    match r {
        Ok(()) => {
            vm.push(Value::Bool(true))?;
            Ok(1)
        }
        Err(e) => push_io_error(vm, &e, Some(&name)),
    }
}

fn rename(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let from = crate::check_cstr(vm, args, 0)?;
    let to = crate::check_cstr(vm, args, 1)?;
    let (a, b) = (path_of(&from), path_of(&to));
    match std::fs::rename(a, b) {
        Ok(()) => {
            vm.push(Value::Bool(true))?;
            Ok(1)
        }
        Err(e) => push_io_error(vm, &e, None),
    }
}

fn getenv(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    use std::os::unix::ffi::{OsStrExt, OsStringExt};
    let name = crate::check_cstr(vm, args, 0)?;
    let key = std::ffi::OsStr::from_bytes(&name).to_os_string();
    let v = match std::env::var_os(key) {
        Some(val) => vm.str_value(val.into_vec())?,
        None => Value::Nil,
    };
    vm.push(v)?;
    Ok(1)
}

fn difftime(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let t1 = vm.check_int(args, 0)?;
    let t2 = vm.check_int(args, 1)?;
    vm.push(Value::Float(t1 as f64 - t2 as f64))?;
    Ok(1)
}

fn exit(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let code = match vm.arg(args, 0) {
        Value::Bool(b) => {
            if b {
                0
            } else {
                1
            }
        }
        _ => vm.opt_int(args, 0, 0)? as i32,
    };
    crate::io::flush_all(vm);
    vm.flush_output();
    std::process::exit(code)
}

/// Pushes what PUC's `luaL_execresult` does for a finished child: `true|nil, "exit", code` or
/// `nil, "signal", signo`.
pub(crate) fn push_exit_status(vm: &mut Vm, st: std::process::ExitStatus) -> Result<usize, Error> {
    use std::os::unix::process::ExitStatusExt;
    let (what, code) = match (st.code(), st.signal()) {
        (Some(c), _) => ("exit", c),
        (None, Some(sig)) => ("signal", sig),
        (None, None) => ("exit", 0),
    };
    if what == "exit" && code == 0 {
        vm.push(Value::Bool(true))?;
    } else {
        vm.push(Value::Nil)?;
    }
    let w = vm.str_value(what)?;
    vm.push(w)?;
    vm.push(Value::Int(code as i64))?;
    Ok(3)
}

/// `os.execute`: runs the command through `/bin/sh -c`, as C's `system` does; with no command,
/// reports that a shell is available.
fn execute(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let Some(cmd) = crate::opt_cstr(vm, args, 0)? else {
        let ok = std::path::Path::new("/bin/sh").exists();
        vm.push(Value::Bool(ok))?;
        return Ok(1);
    };
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::process::CommandExt;
    let cmd = std::ffi::OsStr::from_bytes(&cmd).to_owned();
    // As `system`: `/bin/sh` run as `sh`, which names itself so in its messages.
    match std::process::Command::new("/bin/sh")
        .arg0("sh")
        .arg("-c")
        .arg(cmd)
        .status()
    {
        Ok(st) => push_exit_status(vm, st),
        Err(e) => push_io_error(vm, &e, None),
    }
}

/// `os.setlocale`: Tape runs in the C locale only, so it accepts the names of that locale (and
/// an environment that names it) and refuses any other, as `setlocale` does for a locale that
/// is not installed.
fn setlocale(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let name = crate::opt_cstr(vm, args, 0)?;
    let cats = ["all", "collate", "ctype", "monetary", "numeric", "time"];
    let cat = match crate::opt_cstr(vm, args, 1)? {
        None => 0,
        Some(b) => match cats.iter().position(|c| c.as_bytes() == &b[..]) {
            Some(k) => k,
            None => {
                let n = String::from_utf8_lossy(&b).into_owned();
                return Err(vm.arg_error(1, &format!("invalid option '{n}'")));
            }
        },
    };
    let chosen: Option<Vec<u8>> = match name {
        None => Some(b"C".to_vec()),
        Some(n) if n.is_empty() => {
            let mut var = String::new();
            let keys = [
                "LC_ALL".to_string(),
                format!("LC_{}", cats[cat].to_uppercase()),
                "LANG".to_string(),
            ];
            for k in keys.iter() {
                if let Ok(v) = std::env::var(k) {
                    if !v.is_empty() {
                        var = v;
                        break;
                    }
                }
            }
            known_locale(var.as_bytes())
        }
        Some(n) => known_locale(&n),
    };
    let r = match chosen {
        Some(c) => vm.str_value(&c)?,
        None => Value::Nil,
    };
    vm.push(r)?;
    Ok(1)
}

/// The name `setlocale` reports for a locale Tape has (`C` and its UTF-8 variant).
fn known_locale(n: &[u8]) -> Option<Vec<u8>> {
    match n {
        b"" | b"C" | b"POSIX" => Some(b"C".to_vec()),
        b"C.UTF-8" | b"C.utf8" => Some(b"C.UTF-8".to_vec()),
        _ => None,
    }
}

fn tmpname(vm: &mut Vm, _args: Args) -> Result<usize, Error> {
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    for _ in 0..100 {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos() as u64)
            .unwrap_or(0);
        let mut x = nanos
            ^ COUNTER.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed)
            ^ (std::process::id() as u64) << 20;
        let mut name = b"/tmp/lua_".to_vec();
        for _ in 0..6 {
            name.push(CHARS[(x % CHARS.len() as u64) as usize]);
            x /= CHARS.len() as u64;
            x ^= x << 7;
        }
        let path = String::from_utf8_lossy(&name).into_owned();
        if std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .is_ok()
        {
            let v = vm.str_value(&name)?;
            vm.push(v)?;
            return Ok(1);
        }
    }
    Err(vm.error("unable to generate a unique filename"))
}

/// Broken-down local time (or UTC with `utc`) of `t`, with the zone name for `%Z`.
fn broken_down(t: i64, utc: bool) -> Option<(BrokenTime, Vec<u8>)> {
    if utc {
        return Some((strftime::from_timestamp(t, 0)?, b"GMT".to_vec()));
    }
    let (off, isdst, abbr) = zone::local().at(t);
    let mut tm = strftime::from_timestamp(t, off)?;
    tm.isdst = isdst;
    Some((tm, abbr.to_vec()))
}

/// Stores the fields of `tm` into table `t` (with metamethods, as `lua_setfield`).
fn set_all_fields(vm: &mut Vm, t: Value, tm: &BrokenTime) -> Result<(), Error> {
    let fields: [(&str, Value); 9] = [
        ("year", Value::Int(tm.year)),
        ("month", Value::Int(tm.month as i64)),
        ("day", Value::Int(tm.day as i64)),
        ("hour", Value::Int(tm.hour as i64)),
        ("min", Value::Int(tm.min as i64)),
        ("sec", Value::Int(tm.sec as i64)),
        ("yday", Value::Int(tm.yday as i64 + 1)),
        ("wday", Value::Int(tm.wday as i64 + 1)),
        ("isdst", Value::Bool(tm.isdst)),
    ];
    for (k, v) in fields {
        let key = vm.str_value(k)?;
        vm.set_index(t, key, v)?;
    }
    Ok(())
}

fn date(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let fmt: Vec<u8> = match vm.opt_str(args, 0)? {
        Some(s) => vm.str_bytes(s).to_vec(),
        None => b"%c".to_vec(),
    };
    let t = if vm.arg(args, 1).is_nil() {
        now()
    } else {
        vm.check_int(args, 1)?
    };
    let (utc, spec) = match fmt.strip_prefix(b"!") {
        Some(rest) => (true, rest),
        None => (false, &fmt[..]),
    };
    let Some((tm, zone_name)) = broken_down(t, utc) else {
        return Err(vm.error("date result cannot be represented in this installation"));
    };
    // PUC tests for `*t` with `strcmp` (up to the first NUL byte), but converts the whole
    // format, NUL bytes included.
    let c_spec = match spec.iter().position(|&b| b == 0) {
        Some(n) => &spec[..n],
        None => spec,
    };
    if c_spec == b"*t" {
        let tab = vm.new_table_with(0, 9)?;
        set_all_fields(vm, Value::Table(tab), &tm)?;
        vm.push(Value::Table(tab))?;
        return Ok(1);
    }
    let mut out = Vec::with_capacity(spec.len() + 16);
    if let Err(msg) = strftime::strftime(spec, &tm, &zone_name, &mut out) {
        return Err(vm.arg_error(0, &msg));
    }
    let s = vm.str_value(&out)?;
    vm.push(s)?;
    Ok(1)
}

/// Reads field `key` of the `os.time` table: an integer within C `int` range after subtracting
/// `delta`, or `default` when absent (`None` = required).
fn get_field(
    vm: &mut Vm,
    t: Value,
    key: &str,
    default: Option<i64>,
    delta: i64,
) -> Result<i64, Error> {
    let k = vm.str_value(key)?;
    let v = vm.index(t, k)?;
    let n = match v {
        Value::Int(i) => Some(i),
        Value::Float(_) | Value::Str(_) => match vm.to_number(v) {
            Some(Value::Int(i)) => Some(i),
            Some(Value::Float(f))
                if f == f.trunc()
                    && (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f) =>
            {
                Some(f as i64)
            }
            _ => None,
        },
        _ => None,
    };
    match n {
        Some(i) => {
            if !strftime::field_in_range(i, delta) {
                return Err(vm.error(&format!("field '{key}' is out-of-bound")));
            }
            Ok(i)
        }
        None if !v.is_nil() => Err(vm.error(&format!("field '{key}' is not an integer"))),
        None => match default {
            Some(d) => Ok(d),
            None => Err(vm.error(&format!("field '{key}' missing in date table"))),
        },
    }
}

fn time(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let t = vm.arg(args, 0);
    if t.is_nil() {
        vm.push(Value::Int(now()))?;
        return Ok(1);
    }
    if !matches!(t, Value::Table(_)) {
        return Err(vm.type_error(args, 0, "table"));
    }
    let year = get_field(vm, t, "year", None, 1900)?;
    let month = get_field(vm, t, "month", None, 1)?;
    let day = get_field(vm, t, "day", None, 0)?;
    let hour = get_field(vm, t, "hour", Some(12), 0)?;
    let min = get_field(vm, t, "min", Some(0), 0)?;
    let sec = get_field(vm, t, "sec", Some(0), 0)?;
    let k = vm.str_value("isdst")?;
    let want_dst = vm.index(t, k)?;
    let result = strftime::timestamp_from_fields(year, month, day, hour, min, sec)
        .map(|local| {
            let ts = zone::local().to_utc(local);
            // `mktime` with `isdst > 0` in standard time moves the instant back an hour.
            if matches!(want_dst, Value::Bool(true)) && !zone::local().at(ts).1 {
                ts.saturating_sub(3600)
            } else {
                ts
            }
        })
        .filter(|&ts| ts != -1)
        .and_then(|ts| broken_down(ts, false).map(|(tm, _)| (ts, tm)));
    let Some((ts, tm)) = result else {
        return Err(vm.error("time result cannot be represented in this installation"));
    };
    set_all_fields(vm, t, &tm)?;
    vm.push(Value::Int(ts))?;
    Ok(1)
}
