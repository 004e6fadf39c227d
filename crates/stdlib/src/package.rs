//! The package library (manual §6.3): `require`, `package.config`, `cpath`, `loaded`,
//! `loadlib`, `path`, `preload`, `searchers`, `searchpath`; plus the basic functions `loadfile`
//! and `dofile` (§6.1), which read source files the same way the Lua searcher does.
//!
//! Tape loads no native code: the C searchers still search `package.cpath` (so `module not
//! found` lists every path PUC lists) but a found library fails with PUC's "dynamic libraries
//! not enabled" message, and `loadlib` returns that message.

use crate::c_str;
use tape_vm::{Args, Error, TableRef, Value, Vm};

const LUA_PATH_DEFAULT: &str =
    "/usr/local/share/lua/5.4/?.lua;/usr/local/share/lua/5.4/?/init.lua;\
/usr/local/lib/lua/5.4/?.lua;/usr/local/lib/lua/5.4/?/init.lua;/usr/share/lua/5.4/?.lua;\
/usr/share/lua/5.4/?/init.lua;./?.lua;./?/init.lua";
const LUA_CPATH_DEFAULT: &str =
    "/usr/local/lib/lua/5.4/?.so;/usr/lib/x86_64-linux-gnu/lua/5.4/?.so;\
/usr/lib/lua/5.4/?.so;/usr/local/lib/lua/5.4/loadall.so;./?.so";
const NO_DYNLIB: &str = "dynamic libraries not enabled; check your Lua installation";

/// Registers `package`, `require`, `loadfile` and `dofile`; returns the package table.
pub fn open_package(vm: &mut Vm) -> Result<Value, Error> {
    let pkg = vm.new_table_with(0, 8)?;
    let registry = vm.registry();
    let loaded = vm.new_table()?;
    vm.set_field(registry, "_LOADED", Value::Table(loaded))?;
    let preload = vm.new_table()?;
    vm.set_field(registry, "_PRELOAD", Value::Table(preload))?;
    vm.set_field(pkg, "loaded", Value::Table(loaded))?;
    vm.set_field(pkg, "preload", Value::Table(preload))?;
    let config = vm.str_value("/\n;\n?\n!\n-\n")?;
    vm.set_field(pkg, "config", config)?;
    let path = env_path("LUA_PATH_5_4", "LUA_PATH", LUA_PATH_DEFAULT);
    let path = vm.str_value(path)?;
    vm.set_field(pkg, "path", path)?;
    let cpath = env_path("LUA_CPATH_5_4", "LUA_CPATH", LUA_CPATH_DEFAULT);
    let cpath = vm.str_value(cpath)?;
    vm.set_field(pkg, "cpath", cpath)?;

    let up = [Value::Table(pkg)];
    let searchers = vm.new_table_with(4, 0)?;
    let sfns: [(&'static str, tape_vm::NativeFn); 4] = [
        ("searcher_preload", searcher_preload),
        ("searcher_Lua", searcher_lua),
        ("searcher_C", searcher_c),
        ("searcher_Croot", searcher_croot),
    ];
    for (i, (name, f)) in sfns.iter().enumerate() {
        let v = vm.new_native_with_upvalues(name, *f, &up)?;
        vm.raw_set_int(searchers, i as i64 + 1, v)?;
    }
    vm.set_field(pkg, "searchers", Value::Table(searchers))?;
    let f = vm.new_native("package.searchpath", searchpath)?;
    vm.set_field(pkg, "searchpath", f)?;
    let f = vm.new_native("package.loadlib", loadlib)?;
    vm.set_field(pkg, "loadlib", f)?;

    let g = vm.globals();
    let req = vm.new_native_with_upvalues("require", require, &up)?;
    vm.set_field(g, "require", req)?;
    let f = vm.new_native("loadfile", loadfile)?;
    vm.set_field(g, "loadfile", f)?;
    let f = vm.new_native("dofile", dofile)?;
    vm.set_field(g, "dofile", f)?;
    vm.set_field(g, "package", Value::Table(pkg))?;
    vm.set_field(loaded, "package", Value::Table(pkg))?;
    vm.set_field(loaded, "_G", Value::Table(g))?;
    Ok(Value::Table(pkg))
}

/// Records every opened standard library in `package.loaded` (call after opening them all).
pub fn fill_loaded(vm: &mut Vm) -> Result<(), Error> {
    let Some(loaded) = loaded_table(vm)? else {
        return Ok(());
    };
    for name in [
        "coroutine",
        "table",
        "io",
        "os",
        "string",
        "math",
        "utf8",
        "debug",
    ] {
        let v = vm.get_global(name)?;
        if matches!(v, Value::Table(_)) {
            vm.set_field(loaded, name, v)?;
        }
    }
    Ok(())
}

fn loaded_table(vm: &mut Vm) -> Result<Option<TableRef>, Error> {
    let r = vm.registry();
    let k = vm.str_value("_LOADED")?;
    match vm.raw_get(Value::Table(r), k) {
        Value::Table(t) => Ok(Some(t)),
        _ => Ok(None),
    }
}

/// The path from `LUA_PATH_5_4` or `LUA_PATH`, with `;;` standing for the default.
fn env_path(v1: &str, v2: &str, default: &str) -> String {
    let Some(p) = std::env::var(v1).ok().or_else(|| std::env::var(v2).ok()) else {
        return default.to_string();
    };
    match p.find(";;") {
        None => p,
        Some(i) => {
            let mut out = String::new();
            out.push_str(&p[..i]);
            if i > 0 {
                out.push(';');
            }
            out.push_str(default);
            let rest = &p[i + 2..];
            if !rest.is_empty() {
                out.push(';');
                out.push_str(rest);
            }
            out
        }
    }
}

fn readable(path: &[u8]) -> bool {
    use std::os::unix::ffi::OsStrExt;
    std::fs::File::open(std::ffi::OsStr::from_bytes(path)).is_ok()
}

/// `package.searchpath`'s search, as PUC's `searchpath`: the name (with `sep` replaced by
/// `rep`) goes in place of every `?` of the whole path, which is then split at `;` into file
/// names, empty ones included. The result is the first readable file, or the `no file '...'`
/// list, which names every template, the empty ones too. The arguments are C strings there,
/// so each ends at its first zero byte.
fn search_path(name: &[u8], path: &[u8], sep: &[u8], rep: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    let (name, path, sep, rep) = (c_str(name), c_str(path), c_str(sep), c_str(rep));
    let name: Vec<u8> = if sep.is_empty() {
        name.to_vec()
    } else {
        replace(name, sep, rep)
    };
    let files = replace(path, b"?", &name);
    for file in files.split(|&b| b == b';') {
        if readable(file) {
            return Ok(file.to_vec());
        }
    }
    let mut msg = b"no file '".to_vec();
    msg.extend_from_slice(&replace(&files, b";", b"'\n\tno file '"));
    msg.push(b'\'');
    Err(msg)
}

fn replace(s: &[u8], pat: &[u8], with: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if !pat.is_empty() && s[i..].starts_with(pat) {
            out.extend_from_slice(with);
            i += pat.len();
        } else {
            out.push(s[i]);
            i += 1;
        }
    }
    out
}

fn searchpath(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    // PUC's C compiler evaluates the four checks right to left, so the last bad argument is
    // the one reported.
    let rep = match vm.opt_str(args, 3)? {
        Some(s) => vm.str_bytes(s).to_vec(),
        None => b"/".to_vec(),
    };
    let sep = match vm.opt_str(args, 2)? {
        Some(s) => vm.str_bytes(s).to_vec(),
        None => b".".to_vec(),
    };
    let path = vm.check_str(args, 1)?;
    let name = vm.check_str(args, 0)?;
    let r = search_path(vm.str_bytes(name), vm.str_bytes(path), &sep, &rep);
    match r {
        Ok(file) => {
            let v = vm.str_value(&file)?;
            vm.push(v)?;
            Ok(1)
        }
        Err(msg) => {
            let v = vm.str_value(&msg)?;
            vm.push(Value::Nil)?;
            vm.push(v)?;
            Ok(2)
        }
    }
}

fn loadlib(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    vm.check_str(args, 0)?;
    vm.check_str(args, 1)?;
    let m = vm.str_value(NO_DYNLIB)?;
    let w = vm.str_value("absent")?;
    vm.push(Value::Nil)?;
    vm.push(m)?;
    vm.push(w)?;
    Ok(3)
}

/// `package.<field>` as a string, or the error PUC raises when it is not one.
fn pkg_string(vm: &mut Vm, field: &str) -> Result<Vec<u8>, Error> {
    let pkg = vm.native_upvalue(0);
    let k = vm.str_value(field)?;
    let v = vm.index(pkg, k)?;
    match v {
        Value::Str(s) => Ok(vm.str_bytes(s).to_vec()),
        Value::Int(_) | Value::Float(_) => Ok(vm.basic_tostring(v)),
        _ => Err(vm.error(&format!("'package.{field}' must be a string"))),
    }
}

fn searcher_preload(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let name = vm.check_str(args, 0)?;
    let r = vm.registry();
    let k = vm.str_value("_PRELOAD")?;
    let preload = vm.raw_get(Value::Table(r), k);
    let v = vm.index(preload, Value::Str(name))?;
    if v.is_nil() {
        let mut m = b"no field package.preload['".to_vec();
        m.extend_from_slice(vm.str_bytes(name));
        m.extend_from_slice(b"']");
        let m = vm.str_value(&m)?;
        vm.push(m)?;
        return Ok(1);
    }
    let tag = vm.str_value(":preload:")?;
    vm.push(v)?;
    vm.push(tag)?;
    Ok(2)
}

/// Reads and compiles a source file or loads a binary chunk (skipping a first `#` line), if
/// `mode` allows its kind (`b`, `t`, as for `load`); `Err` carries the message.
fn load_source_file(
    vm: &mut Vm,
    path: Option<&[u8]>,
    env: Option<Value>,
    mode: &[u8],
) -> Result<Result<Value, String>, Error> {
    use std::io::Read;
    use std::os::unix::ffi::OsStrExt;
    let (data, chunkname) = match path {
        Some(p) => {
            let shown = String::from_utf8_lossy(p).into_owned();
            // PUC's `errfile`: "open" when `fopen` fails, "read" when reading does (a
            // directory opens and then fails to read).
            let mut d = Vec::new();
            let r = std::fs::File::open(std::ffi::OsStr::from_bytes(p))
                .map_err(|e| ("open", e))
                .and_then(|mut f| f.read_to_end(&mut d).map_err(|e| ("read", e)));
            if let Err((verb, e)) = r {
                return Ok(Err(format!(
                    "cannot {verb} {shown}: {}",
                    crate::os::io_error_text(&e)
                )));
            }
            (d, format!("@{shown}"))
        }
        None => {
            let mut d = Vec::new();
            if let Err(e) = std::io::stdin().read_to_end(&mut d) {
                return Ok(Err(format!(
                    "cannot read stdin: {}",
                    crate::os::io_error_text(&e)
                )));
            }
            (d, "=stdin".to_string())
        }
    };
    let src = file_chunk_source(&data);
    let src: &[u8] = &src;
    let (kind, letter) = if tape_vm::is_binary_chunk(src) {
        ("binary", b'b')
    } else {
        ("text", b't')
    };
    if !mode.contains(&letter) {
        let m = String::from_utf8_lossy(mode);
        return Ok(Err(format!(
            "attempt to load a {kind} chunk (mode is '{m}')"
        )));
    }
    match vm.compile(src, &chunkname) {
        Some(Ok(p)) => Ok(Ok(vm.load_proto_closure(&p, env)?)),
        Some(Err(msg)) => Ok(Err(msg)),
        None => Ok(Err("no compiler installed".to_string())),
    }
}

/// What a chunk loaded from a file's bytes `data` reads, as PUC's `luaL_loadfilex` does: a
/// UTF-8 byte-order mark is skipped, then a first line starting with `#` (replaced by a
/// newline so that line numbers stay right, except before a binary chunk). Read byte by
/// byte as PUC does, so a broken byte-order mark loses the bytes it consumed. `load` of a
/// string skips neither.
pub fn file_chunk_source(data: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    use std::borrow::Cow;
    let mut pos = 0;
    let mut getc = || {
        let c = data.get(pos).copied();
        pos += 1;
        c
    };
    // skipBOM: the first character, or the one after a byte-order mark.
    let skip_bom = |getc: &mut dyn FnMut() -> Option<u8>| {
        let c = getc();
        if c == Some(0xEF) && getc() == Some(0xBB) && getc() == Some(0xBF) {
            return getc();
        }
        c
    };
    let mut c = skip_bom(&mut getc);
    let mut comment = false;
    if c == Some(b'#') {
        comment = true;
        loop {
            match getc() {
                None | Some(b'\n') => break,
                _ => {}
            }
        }
        c = getc();
    }
    let rest = data.get(pos.min(data.len())..).unwrap_or(&[]);
    let Some(c) = c else {
        return Cow::Borrowed(if comment { b"\n" } else { b"" });
    };
    let newline = comment && c != 0x1b;
    // Common case: nothing skipped, the data is the source as it is.
    if !newline && pos == 1 {
        return Cow::Borrowed(data);
    }
    let mut v = Vec::with_capacity(rest.len() + 2);
    if newline {
        v.push(b'\n');
    }
    v.push(c);
    v.extend_from_slice(rest);
    Cow::Owned(v)
}

fn searcher_lua(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let name = vm.check_str(args, 0)?;
    let path = pkg_string(vm, "path")?;
    let found = search_path(vm.str_bytes(name), &path, b".", b"/");
    let file = match found {
        Ok(f) => f,
        Err(msg) => {
            let m = vm.str_value(&msg)?;
            vm.push(m)?;
            return Ok(1);
        }
    };
    match load_source_file(vm, Some(&file), None, b"bt")? {
        Ok(f) => {
            let fname = vm.str_value(&file)?;
            vm.push(f)?;
            vm.push(fname)?;
            Ok(2)
        }
        Err(msg) => {
            let n = vm.str_bytes(name).to_vec();
            Err(load_error(vm, &n, &file, msg.as_bytes()))
        }
    }
}

/// A C library was found: Tape cannot load it, with PUC's message for that case.
fn c_found(vm: &mut Vm, name: &[u8], file: &[u8]) -> Error {
    load_error(vm, name, file, NO_DYNLIB.as_bytes())
}

/// PUC's `checkload` failure: `error loading module 'NAME' from file 'FILE':\n\tMSG`.
fn load_error(vm: &mut Vm, name: &[u8], file: &[u8], msg: &[u8]) -> Error {
    let mut m = b"error loading module '".to_vec();
    m.extend_from_slice(name);
    m.extend_from_slice(b"' from file '");
    m.extend_from_slice(file);
    m.extend_from_slice(b"':\n\t");
    m.extend_from_slice(msg);
    crate::error_bytes(vm, &m)
}

fn searcher_c(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let name = vm.check_str(args, 0)?;
    let cpath = pkg_string(vm, "cpath")?;
    let nm = vm.str_bytes(name).to_vec();
    match search_path(&nm, &cpath, b".", b"/") {
        Ok(file) => Err(c_found(vm, &nm, &file)),
        Err(msg) => {
            let m = vm.str_value(&msg)?;
            vm.push(m)?;
            Ok(1)
        }
    }
}

fn searcher_croot(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let name = vm.check_str(args, 0)?;
    let nm = vm.str_bytes(name).to_vec();
    let Some(dot) = nm.iter().position(|&b| b == b'.') else {
        return Ok(0);
    };
    let cpath = pkg_string(vm, "cpath")?;
    match search_path(&nm[..dot], &cpath, b".", b"/") {
        Ok(file) => Err(c_found(vm, &nm, &file)),
        Err(msg) => {
            let m = vm.str_value(&msg)?;
            vm.push(m)?;
            Ok(1)
        }
    }
}

fn require(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let name = vm.check_str(args, 0)?;
    let Some(loaded) = loaded_table(vm)? else {
        return Err(vm.error("'package.loaded' must be a table"));
    };
    let have = vm.index(Value::Table(loaded), Value::Str(name))?;
    if have.truthy() {
        vm.push(have)?;
        return Ok(1);
    }
    let pkg = vm.native_upvalue(0);
    let k = vm.str_value("searchers")?;
    let searchers = vm.index(pkg, k)?;
    if !matches!(searchers, Value::Table(_)) {
        return Err(vm.error("'package.searchers' must be a table"));
    }
    let mut msg = b"module '".to_vec();
    msg.extend_from_slice(vm.str_bytes(name));
    msg.extend_from_slice(b"' not found:");
    let mut i = 1;
    let (loader, data) = loop {
        let s = vm.index(searchers, Value::Int(i))?;
        if s.is_nil() {
            return Err(crate::error_bytes(vm, &msg));
        }
        let res = vm.call(s, &[Value::Str(name)])?;
        let first = res.first().copied().unwrap_or(Value::Nil);
        if first.is_function() {
            break (first, res.get(1).copied().unwrap_or(Value::Nil));
        }
        // A string (or a number, which `lua_isstring` accepts) is the searcher's message.
        match first {
            Value::Str(m) => {
                msg.extend_from_slice(b"\n\t");
                msg.extend_from_slice(vm.str_bytes(m));
            }
            Value::Int(_) | Value::Float(_) => {
                msg.extend_from_slice(b"\n\t");
                msg.extend_from_slice(&vm.basic_tostring(first));
            }
            _ => {}
        }
        i += 1;
    };
    // Keep the loader data rooted across the loader call.
    vm.push(data)?;
    let r = vm.call1(loader, &[Value::Str(name), data])?;
    if !r.is_nil() {
        vm.set_index(Value::Table(loaded), Value::Str(name), r)?;
    }
    let mut v = vm.index(Value::Table(loaded), Value::Str(name))?;
    if v.is_nil() {
        v = Value::Bool(true);
        vm.set_index(Value::Table(loaded), Value::Str(name), v)?;
    }
    vm.push(v)?;
    vm.push(data)?;
    Ok(2)
}

fn loadfile(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    // The name and the mode are C strings in PUC.
    let path = crate::opt_cstr(vm, args, 0)?;
    let mode = crate::opt_cstr(vm, args, 1)?.unwrap_or_else(|| b"bt".to_vec());
    let env = if args.len() > 2 {
        Some(vm.arg(args, 2))
    } else {
        None
    };
    match load_source_file(vm, path.as_deref(), env, &mode)? {
        Ok(f) => {
            vm.push(f)?;
            Ok(1)
        }
        Err(msg) => {
            let m = vm.str_value(msg)?;
            vm.push(Value::Nil)?;
            vm.push(m)?;
            Ok(2)
        }
    }
}

fn dofile(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let path = crate::opt_cstr(vm, args, 0)?;
    match load_source_file(vm, path.as_deref(), None, b"bt")? {
        Ok(f) => {
            // Run as a frame in the interpreter (so the chunk may yield), its results
            // returned from `dofile`.
            vm.push(f)?;
            vm.call_then_return(0, -1)
        }
        Err(msg) => {
            let v = vm.str_value(msg)?;
            Err(Error::from_value(v))
        }
    }
}
