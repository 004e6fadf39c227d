//! The input/output library (manual §6.8): `io.close`, `flush`, `input`, `lines`, `open`,
//! `output`, `popen` (through `/bin/sh -c`), `read`, `tmpfile`, `type`,
//! `write`, `stdin`/`stdout`/`stderr`, and the file methods `close`, `flush`, `lines`, `read`,
//! `seek`, `setvbuf`, `write`. Standard output writes through the VM's output sink, which
//! `open_io` installs, so `print` and `io.write` share one buffer. Every stream buffers its
//! output as glibc's stdio does (`cbuf.rs`: line-buffered on a terminal, fully buffered
//! otherwise, standard error unbuffered, `setvbuf` honoured), so what reaches the OS and when
//! is what `lua5.4` writes.
//!
//! Files are full userdata with the metatable `FILE*` (`__index` = the methods, `__name`,
//! `__tostring`, `__close`, `__gc`), as in PUC. A file's payload is a `FileHandle` naming its
//! stream in this library's per-VM state; the Rust stream lives in `IoState::streams` while the
//! file is open and is dropped (flushed) when the file is closed, by `close`, by `__close` or
//! by the finalizer. Keeping the streams in the shared state lets `os.exit` flush every open
//! file, as C's `exit` does.

mod cbuf;
mod formats;
mod stream;

use cbuf::{BufMode, CBuf};
use formats::{parse_formats, read_number, Fmt, MAX_LINE_FORMATS};
use std::collections::HashMap;
use std::io::SeekFrom;
use std::sync::{Arc, Mutex, Weak};
use stream::{Stream, Target};
use tape_vm::{Args, Error, TableRef, Value, Vm};

/// Per-VM state shared by the io natives.
///
/// Invariant: `streams` holds exactly the open files' streams, by id; ids are never reused, so
/// a closed file's id names nothing.
pub(crate) struct IoState {
    streams: HashMap<usize, Stream>,
    next_id: usize,
    meta: Option<TableRef>,
    /// The buffer of standard output, shared with the VM's output sink (`StdoutSink`), for
    /// `io.stdout:setvbuf`.
    stdout_buf: Arc<Mutex<StdoutBuf>>,
}

/// Standard output's C-stdio buffer; written out when dropped, as C's `exit` flushes it.
struct StdoutBuf(CBuf);

impl Drop for StdoutBuf {
    fn drop(&mut self) {
        let _ = self.0.flush(&mut RawStdout);
    }
}

/// The process's standard output without any buffer of Tape's (each write reaches the OS).
struct RawStdout;

impl std::io::Write for RawStdout {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        let mut o = std::io::stdout().lock();
        o.write_all(b)?;
        o.flush()?;
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The VM's output sink installed by `open_io`: standard output buffered as C's `stdout` is
/// (line-buffered on a terminal, fully buffered otherwise, as `setvbuf` sets), shared by
/// `print` and `io.write`.
struct StdoutSink(Arc<Mutex<StdoutBuf>>);

impl std::io::Write for StdoutSink {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        let mut g = self.0.lock().unwrap_or_else(|e| e.into_inner());
        g.0.write(&mut RawStdout, b)?;
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        let mut g = self.0.lock().unwrap_or_else(|e| e.into_inner());
        g.0.flush(&mut RawStdout)
    }
}

/// The payload of a file userdata: the id of its stream in `IoState::streams`.
struct FileHandle {
    id: usize,
}

type Shared = Arc<Mutex<IoState>>;
type IoFn = fn(&mut Vm, Args, &Shared) -> Result<usize, Error>;

/// Every live io state, so `os.exit` can flush all open files as C's `exit` does.
static ALL_STATES: Mutex<Vec<Weak<Mutex<IoState>>>> = Mutex::new(Vec::new());

fn lock(st: &Shared) -> std::sync::MutexGuard<'_, IoState> {
    st.lock().unwrap_or_else(|e| e.into_inner())
}

/// Flushes every open file of every VM (before `os.exit`).
pub fn flush_all(_vm: &mut Vm) {
    let all = ALL_STATES.lock().unwrap_or_else(|e| e.into_inner());
    for w in all.iter() {
        if let Some(st) = w.upgrade() {
            let mut g = lock(&st);
            for s in g.streams.values_mut() {
                let _ = s.flush_writes();
            }
        }
    }
}

const INPUT_KEY: &str = "_IO_input";
const OUTPUT_KEY: &str = "_IO_output";

fn reg(
    vm: &mut Vm,
    t: TableRef,
    key: &str,
    name: &'static str,
    st: &Shared,
    f: IoFn,
) -> Result<(), Error> {
    let st = st.clone();
    let v = vm.new_boxed_native(
        name,
        Arc::new(move |vm: &mut Vm, args: Args| f(vm, args, &st)),
    )?;
    vm.set_field(t, key, v)
}

/// Registers `io` in the globals table and returns it. Installs the VM's output sink: standard
/// output with C's buffering (an embedder that wants its own sink sets it afterwards).
pub fn open_io(vm: &mut Vm) -> Result<Value, Error> {
    use std::os::fd::AsFd;
    let (mode, size) = cbuf::buffering_of(std::io::stdout().as_fd());
    let stdout_buf = Arc::new(Mutex::new(StdoutBuf(CBuf::new(mode, size))));
    vm.set_output(Box::new(StdoutSink(stdout_buf.clone())));
    let st: Shared = Arc::new(Mutex::new(IoState {
        streams: HashMap::new(),
        next_id: 0,
        meta: None,
        stdout_buf,
    }));
    {
        let mut all = ALL_STATES.lock().unwrap_or_else(|e| e.into_inner());
        all.retain(|w| w.strong_count() > 0);
        all.push(Arc::downgrade(&st));
    }
    let meta = vm.new_table_with(0, 8)?;
    let methods = vm.new_table_with(0, 8)?;
    // Methods have no registered name: PUC names them only from the call site (`?` otherwise).
    let mfns: &[(&str, &'static str, IoFn)] = &[
        ("close", "", f_close),
        ("flush", "", f_flush),
        ("lines", "", f_lines),
        ("read", "", f_read),
        ("seek", "", f_seek),
        ("setvbuf", "", f_setvbuf),
        ("write", "", f_write),
    ];
    for (k, n, f) in mfns {
        reg(vm, methods, k, n, &st, *f)?;
    }
    vm.set_field(meta, "__index", Value::Table(methods))?;
    let name = vm.str_value("FILE*")?;
    vm.set_field(meta, "__name", name)?;
    reg(vm, meta, "__tostring", "", &st, f_tostring)?;
    // One function for both, as in PUC (`__gc == __close`).
    reg(vm, meta, "__gc", "", &st, f_gc)?;
    let k = vm.str_value("__gc")?;
    let gc = vm.raw_get(Value::Table(meta), k);
    vm.set_field(meta, "__close", gc)?;
    let registry = vm.registry();
    vm.set_field(registry, "FILE*", Value::Table(meta))?;
    lock(&st).meta = Some(meta);

    let io = vm.new_table_with(0, 16)?;
    let fns: &[(&str, &'static str, IoFn)] = &[
        ("close", "io.close", io_close),
        ("flush", "io.flush", io_flush),
        ("input", "io.input", io_input),
        ("lines", "io.lines", io_lines),
        ("open", "io.open", io_open),
        ("output", "io.output", io_output),
        ("popen", "io.popen", io_popen),
        ("read", "io.read", io_read),
        ("tmpfile", "io.tmpfile", io_tmpfile),
        ("type", "io.type", io_type),
        ("write", "io.write", io_write),
    ];
    for (k, n, f) in fns {
        reg(vm, io, k, n, &st, *f)?;
    }
    let stdin = new_file(vm, &st, Stream::new(Target::Stdin))?;
    let stdout = new_file(vm, &st, Stream::new(Target::Stdout))?;
    let stderr = new_file(vm, &st, Stream::new(Target::Stderr))?;
    vm.set_field(io, "stdin", stdin)?;
    vm.set_field(io, "stdout", stdout)?;
    vm.set_field(io, "stderr", stderr)?;
    vm.set_field(registry, INPUT_KEY, stdin)?;
    vm.set_field(registry, OUTPUT_KEY, stdout)?;
    let g = vm.globals();
    vm.set_field(g, "io", Value::Table(io))?;
    Ok(Value::Table(io))
}

/// Wraps an open stream as a file object.
fn new_file(vm: &mut Vm, st: &Shared, s: Stream) -> Result<Value, Error> {
    let (id, meta) = {
        let mut g = lock(st);
        let id = g.next_id;
        g.next_id += 1;
        g.streams.insert(id, s);
        (id, g.meta)
    };
    // Like PUC's `newprefile`, a file has no user value.
    match vm.new_userdata_uv(Box::new(FileHandle { id }), meta, false) {
        Ok(v) => Ok(v),
        Err(e) => {
            lock(st).streams.remove(&id);
            Err(e)
        }
    }
}

/// The id of a file object (open or closed), if `v` is one.
fn file_id(vm: &Vm, v: Value) -> Option<usize> {
    vm.userdata_ref::<FileHandle>(v).map(|h| h.id)
}

fn is_open(st: &Shared, id: usize) -> bool {
    lock(st).streams.contains_key(&id)
}

/// Argument `i` as an open file (`FILE* expected` / `attempt to use a closed file`).
fn to_file(vm: &mut Vm, args: Args, i: usize, st: &Shared) -> Result<usize, Error> {
    let Some(id) = file_id(vm, vm.arg(args, i)) else {
        return Err(vm.type_error(args, i, "FILE*"));
    };
    if !is_open(st, id) {
        return Err(vm.error("attempt to use a closed file"));
    }
    Ok(id)
}

/// The default input or output file, which must be open.
fn default_file(vm: &mut Vm, st: &Shared, key: &str) -> Result<(Value, usize), Error> {
    let r = vm.registry();
    let k = vm.str_value(key)?;
    let v = vm.raw_get(Value::Table(r), k);
    match file_id(vm, v) {
        Some(id) if is_open(st, id) => Ok((v, id)),
        _ => {
            let what = if key == INPUT_KEY { "input" } else { "output" };
            Err(vm.error(&format!("default {what} file is closed")))
        }
    }
}

fn push_result(vm: &mut Vm, r: std::io::Result<()>, ok: Value) -> Result<usize, Error> {
    match r {
        Ok(()) => {
            vm.push(ok)?;
            Ok(1)
        }
        Err(e) => crate::os::push_io_error(vm, &e, None),
    }
}

// ----- closing -----

fn close_id(vm: &mut Vm, st: &Shared, id: usize) -> Result<usize, Error> {
    let taken = {
        let mut g = lock(st);
        match g.streams.get(&id) {
            Some(s) if s.is_std() => None,
            _ => g.streams.remove(&id),
        }
    };
    match taken {
        None => {
            let m = vm.str_value("cannot close standard file")?;
            vm.push(Value::Nil)?;
            vm.push(m)?;
            Ok(2)
        }
        Some(mut s) => {
            let r = s.flush_writes();
            if let Target::Pipe(child) = &mut s.target {
                // As `pclose`: end the child's input, then wait for it.
                drop(child.stdin.take());
                return match child.wait() {
                    Ok(status) => crate::os::push_exit_status(vm, status),
                    Err(e) => crate::os::push_io_error(vm, &e, None),
                };
            }
            push_result(vm, r, Value::Bool(true))
        }
    }
}

fn f_close(vm: &mut Vm, args: Args, st: &Shared) -> Result<usize, Error> {
    let id = to_file(vm, args, 0, st)?;
    close_id(vm, st, id)
}

fn io_close(vm: &mut Vm, args: Args, st: &Shared) -> Result<usize, Error> {
    // Only a missing argument means the default output; an explicit nil is a bad file.
    if args.is_empty() {
        let (_, id) = default_file(vm, st, OUTPUT_KEY)?;
        return close_id(vm, st, id);
    }
    f_close(vm, args, st)
}

/// `__gc`/`__close`: closes an open, non-standard file quietly; the argument must be a file.
fn f_gc(vm: &mut Vm, args: Args, st: &Shared) -> Result<usize, Error> {
    let Some(id) = file_id(vm, vm.arg(args, 0)) else {
        return Err(vm.type_error(args, 0, "FILE*"));
    };
    {
        let mut g = lock(st);
        if g.streams.get(&id).is_some_and(|s| !s.is_std()) {
            if let Some(mut s) = g.streams.remove(&id) {
                let _ = s.flush_writes();
                if let Target::Pipe(child) = &mut s.target {
                    drop(child.stdin.take());
                    let _ = child.wait();
                }
            }
        }
    }
    Ok(0)
}

fn f_tostring(vm: &mut Vm, args: Args, st: &Shared) -> Result<usize, Error> {
    let v = vm.arg(args, 0);
    let text = match file_id(vm, v) {
        Some(id) if !is_open(st, id) => "file (closed)".to_string(),
        Some(_) => format!("file (0x{:012x})", Vm::fake_address(v)),
        None => return Err(vm.type_error(args, 0, "FILE*")),
    };
    let s = vm.str_value(text)?;
    vm.push(s)?;
    Ok(1)
}

// ----- writing -----

fn write_args(
    vm: &mut Vm,
    args: Args,
    first: usize,
    st: &Shared,
    id: usize,
    file: Value,
) -> Result<usize, Error> {
    let is_stdout = matches!(
        lock(st).streams.get(&id),
        Some(Stream {
            target: Target::Stdout,
            ..
        })
    );
    // One `fwrite` per argument, as PUC's `g_write` (the buffer's flush points depend on it);
    // after a failed write the others are still tried, and the last failure is reported.
    let mut r = Ok(());
    for i in first..args.len() {
        let v = vm.arg(args, i);
        let text: Vec<u8> = match v {
            Value::Str(s) => vm.str_bytes(s).to_vec(),
            Value::Int(_) => vm.basic_tostring(v),
            // PUC prints a float with `LUA_NUMBER_FMT` alone: `%.14g`, with no `.0` added
            // (`io.write(1.0)` writes `1`, unlike `tostring`).
            Value::Float(f) => tape_text::number::format_g(f, 14, false, false).into_bytes(),
            // PUC writes the arguments before the bad one, then raises the error.
            _ => return Err(vm.type_error(args, i, "string")),
        };
        let w = if is_stdout {
            vm.output().write_all(&text)
        } else {
            let mut g = lock(st);
            match g.streams.get_mut(&id) {
                Some(s) => s.write(&text),
                _ => Ok(()),
            }
        };
        if w.is_err() {
            r = w;
        }
    }
    push_result(vm, r, file)
}

fn f_write(vm: &mut Vm, args: Args, st: &Shared) -> Result<usize, Error> {
    let id = to_file(vm, args, 0, st)?;
    let f = vm.arg(args, 0);
    write_args(vm, args, 1, st, id, f)
}

fn io_write(vm: &mut Vm, args: Args, st: &Shared) -> Result<usize, Error> {
    let (f, id) = default_file(vm, st, OUTPUT_KEY)?;
    write_args(vm, args, 0, st, id, f)
}

/// Flushes a file; returns `true` as lua5.4.4 does.
fn flush_id(vm: &mut Vm, st: &Shared, id: usize) -> Result<usize, Error> {
    let is_stdout = matches!(
        lock(st).streams.get(&id),
        Some(Stream {
            target: Target::Stdout,
            ..
        })
    );
    let r = if is_stdout {
        vm.output().flush()
    } else {
        let mut g = lock(st);
        match g.streams.get_mut(&id) {
            Some(s) => s.flush_writes(),
            _ => Ok(()),
        }
    };
    push_result(vm, r, Value::Bool(true))
}

fn f_flush(vm: &mut Vm, args: Args, st: &Shared) -> Result<usize, Error> {
    let id = to_file(vm, args, 0, st)?;
    flush_id(vm, st, id)
}

fn io_flush(vm: &mut Vm, _args: Args, st: &Shared) -> Result<usize, Error> {
    let (_, id) = default_file(vm, st, OUTPUT_KEY)?;
    flush_id(vm, st, id)
}

// ----- reading -----

/// Counts up to this are read without asking the allocator for the whole buffer first.
const READ_DIRECT: usize = 1 << 20;

/// What reading a list of formats gave: one value per format up to and including the first
/// that failed (a nil), or an I/O error.
enum ReadOutcome {
    Values(Vec<Value>),
    Failed(std::io::Error),
}

/// Reads `fmts` from stream `id`; `first` is the argument index of the first format, for the
/// error of a bad one. The strings made here are unrooted only until the caller pushes them,
/// with no collection point in between.
fn read_values(
    vm: &mut Vm,
    st: &Shared,
    id: usize,
    fmts: &[Fmt],
    first: usize,
) -> Result<ReadOutcome, Error> {
    let mut vals = Vec::with_capacity(fmts.len());
    for (k, f) in fmts.iter().enumerate() {
        match f {
            Fmt::Bad(msg) => return Err(vm.arg_error(first + k, msg)),
            // PUC asks for a buffer of the count (as an unsigned size) before reading; when the
            // allocator refuses it, the result is a memory error (which has no position).
            Fmt::Count(n) if *n < 0 => return Err(crate::string::memory_error(vm)),
            Fmt::Count(n) if *n as u64 > READ_DIRECT as u64 => {
                let mut probe: Vec<u8> = Vec::new();
                if probe.try_reserve_exact(*n as usize).is_err() {
                    return Err(crate::string::memory_error(vm));
                }
            }
            _ => {}
        }
        let r: std::io::Result<Option<Vec<u8>>> = {
            let mut g = lock(st);
            let Some(s) = g.streams.get_mut(&id) else {
                drop(g);
                return Err(vm.error("attempt to use a closed file"));
            };
            match f {
                Fmt::Number => match read_number(s) {
                    Ok(Some(v)) => {
                        vals.push(v);
                        continue;
                    }
                    Ok(None) => Ok(None),
                    Err(e) => Err(e),
                },
                Fmt::Count(0) => s.peek().map(|c| c.map(|_| Vec::new())),
                Fmt::Count(n) => {
                    let mut out = Vec::new();
                    let n = if *n < 0 { 0 } else { *n as usize };
                    s.read_count(&mut out, Some(n)).map(|_| {
                        if out.is_empty() {
                            None
                        } else {
                            Some(out)
                        }
                    })
                }
                Fmt::Line | Fmt::LineNl => {
                    let mut out = Vec::new();
                    s.read_line(&mut out, matches!(f, Fmt::LineNl)).map(|any| {
                        if any {
                            Some(out)
                        } else {
                            None
                        }
                    })
                }
                Fmt::All => {
                    let mut out = Vec::new();
                    s.read_count(&mut out, None).map(|_| Some(out))
                }
                Fmt::Bad(_) => Ok(None),
            }
        };
        match r {
            Ok(Some(bytes)) => vals.push(vm.str_value_owned(bytes)?),
            Ok(None) => {
                vals.push(Value::Nil);
                break;
            }
            Err(e) => return Ok(ReadOutcome::Failed(e)),
        }
    }
    Ok(ReadOutcome::Values(vals))
}

/// Reads and pushes the results (`nil, msg, errno` on an I/O error).
fn read_formats(
    vm: &mut Vm,
    st: &Shared,
    id: usize,
    fmts: &[Fmt],
    first: usize,
) -> Result<usize, Error> {
    match read_values(vm, st, id, fmts, first)? {
        ReadOutcome::Values(vals) => {
            for v in &vals {
                vm.push(*v)?;
            }
            Ok(vals.len())
        }
        ReadOutcome::Failed(e) => crate::os::push_io_error(vm, &e, None),
    }
}

fn f_read(vm: &mut Vm, args: Args, st: &Shared) -> Result<usize, Error> {
    let id = to_file(vm, args, 0, st)?;
    let fmts = parse_formats(vm, args, 1);
    read_formats(vm, st, id, &fmts, 1)
}

fn io_read(vm: &mut Vm, args: Args, st: &Shared) -> Result<usize, Error> {
    let (_, id) = default_file(vm, st, INPUT_KEY)?;
    let fmts = parse_formats(vm, args, 0);
    read_formats(vm, st, id, &fmts, 0)
}

/// Makes the iterator `lines` returns: reads `fmts` from `id` on each call; when the first
/// value fails, closes the file if `close` is set and returns nothing.
/// The iterator of `lines`. It keeps the file object as an upvalue (as PUC's does), so the
/// file cannot be collected, and closed by its finalizer, while a loop still reads it.
fn lines_iter(
    vm: &mut Vm,
    st: &Shared,
    file: Value,
    id: usize,
    fmts: Vec<Fmt>,
    close: bool,
) -> Result<Value, Error> {
    let st = st.clone();
    vm.new_boxed_native_with_upvalues(
        "for iterator",
        Arc::new(move |vm: &mut Vm, _args: Args| {
            if !is_open(&st, id) {
                return Err(vm.error("file is already closed"));
            }
            // The iterator's arguments are numbered as in PUC, where the formats follow the
            // file: the first is argument #2.
            match read_values(vm, &st, id, &fmts, 1)? {
                ReadOutcome::Values(vals) if vals.first().is_some_and(|v| !v.is_nil()) => {
                    for v in &vals {
                        vm.push(*v)?;
                    }
                    Ok(vals.len())
                }
                ReadOutcome::Failed(e) => {
                    let msg = crate::os::io_error_text(&e);
                    Err(vm.error(&msg))
                }
                ReadOutcome::Values(_) => {
                    if close {
                        let mut g = lock(&st);
                        if let Some(mut s) = g.streams.remove(&id) {
                            let _ = s.flush_writes();
                        }
                    }
                    Ok(0)
                }
            }
        }),
        &[file],
    )
}

/// `lines` takes at most `MAX_LINE_FORMATS` formats after the file.
fn check_line_formats(vm: &mut Vm, args: Args) -> Result<(), Error> {
    let ok = args.len() <= MAX_LINE_FORMATS + 1;
    vm.arg_check(ok, MAX_LINE_FORMATS + 1, "too many arguments")
}

fn f_lines(vm: &mut Vm, args: Args, st: &Shared) -> Result<usize, Error> {
    let id = to_file(vm, args, 0, st)?;
    check_line_formats(vm, args)?;
    let fmts = parse_formats(vm, args, 1);
    let file = vm.arg(args, 0);
    let it = lines_iter(vm, st, file, id, fmts, false)?;
    vm.push(it)?;
    Ok(1)
}

fn io_lines(vm: &mut Vm, args: Args, st: &Shared) -> Result<usize, Error> {
    if vm.arg(args, 0).is_nil() {
        // The default input, checked as an argument would be.
        let r = vm.registry();
        let k = vm.str_value(INPUT_KEY)?;
        let v = vm.raw_get(Value::Table(r), k);
        let id = match file_id(vm, v) {
            Some(id) if is_open(st, id) => id,
            _ => return Err(vm.error("attempt to use a closed file")),
        };
        check_line_formats(vm, args)?;
        let fmts = parse_formats(vm, args, 1);
        let it = lines_iter(vm, st, v, id, fmts, false)?;
        vm.push(it)?;
        return Ok(1);
    }
    let name = crate::check_cstr(vm, args, 0)?;
    let file = open_check(vm, st, &name, "r")?;
    check_line_formats(vm, args)?;
    let fmts = parse_formats(vm, args, 1);
    let Some(id) = file_id(vm, file) else {
        return Ok(0);
    };
    let it = lines_iter(vm, st, file, id, fmts, true)?;
    vm.push(it)?;
    vm.push(Value::Nil)?;
    vm.push(Value::Nil)?;
    vm.push(file)?;
    Ok(4)
}

// ----- opening -----

/// Is `mode` one `fopen` accepts (`[rwa]%+?b*`)?
fn valid_mode(mode: &[u8]) -> bool {
    let mut rest = match mode.first() {
        Some(b'r' | b'w' | b'a') => &mode[1..],
        _ => return false,
    };
    if rest.first() == Some(&b'+') {
        rest = &rest[1..];
    }
    rest.iter().all(|&b| b == b'b')
}

fn open_file(name: &[u8], mode: &[u8]) -> std::io::Result<Stream> {
    use std::os::unix::ffi::OsStrExt;
    let path = std::path::Path::new(std::ffi::OsStr::from_bytes(name));
    let plus = mode.get(1) == Some(&b'+');
    let mut o = std::fs::OpenOptions::new();
    match mode.first() {
        Some(b'w') => o.write(true).create(true).truncate(true).read(plus),
        Some(b'a') => o.append(true).create(true).read(plus),
        _ => o.read(true).write(plus),
    };
    let mut s = Stream::new(Target::File(o.open(path)?));
    s.writable = plus || mode.first() != Some(&b'r');
    Ok(s)
}

/// Opens a file for `io.lines`/`io.input`/`io.output`, raising PUC's error on failure.
fn open_check(vm: &mut Vm, st: &Shared, name: &[u8], mode: &str) -> Result<Value, Error> {
    match open_file(name, mode.as_bytes()) {
        Ok(s) => new_file(vm, st, s),
        Err(e) => {
            let mut m = b"cannot open file '".to_vec();
            m.extend_from_slice(name);
            m.extend_from_slice(b"' (");
            m.extend_from_slice(crate::os::io_error_text(&e).as_bytes());
            m.push(b')');
            Err(crate::error_bytes(vm, &m))
        }
    }
}

fn io_open(vm: &mut Vm, args: Args, st: &Shared) -> Result<usize, Error> {
    let name = crate::check_cstr(vm, args, 0)?;
    let mode = crate::opt_cstr(vm, args, 1)?.unwrap_or_else(|| b"r".to_vec());
    vm.arg_check(valid_mode(&mode), 1, "invalid mode")?;
    match open_file(&name, &mode) {
        Ok(s) => {
            let v = new_file(vm, st, s)?;
            vm.push(v)?;
            Ok(1)
        }
        Err(e) => crate::os::push_io_error(vm, &e, Some(&name)),
    }
}

fn set_default(
    vm: &mut Vm,
    args: Args,
    st: &Shared,
    key: &str,
    mode: &str,
) -> Result<usize, Error> {
    let r = vm.registry();
    let v = vm.arg(args, 0);
    if !v.is_nil() {
        let f = match v {
            Value::Str(_) | Value::Int(_) | Value::Float(_) => {
                let name = crate::check_cstr(vm, args, 0)?;
                open_check(vm, st, &name, mode)?
            }
            _ => {
                to_file(vm, args, 0, st)?;
                v
            }
        };
        vm.set_field(r, key, f)?;
    }
    let k = vm.str_value(key)?;
    let cur = vm.raw_get(Value::Table(r), k);
    vm.push(cur)?;
    Ok(1)
}

fn io_input(vm: &mut Vm, args: Args, st: &Shared) -> Result<usize, Error> {
    set_default(vm, args, st, INPUT_KEY, "r")
}

fn io_output(vm: &mut Vm, args: Args, st: &Shared) -> Result<usize, Error> {
    set_default(vm, args, st, OUTPUT_KEY, "w")
}

/// `io.popen`: runs the command through `/bin/sh -c` with a pipe to its standard output
/// (mode `r`) or from its standard input (mode `w`).
fn io_popen(vm: &mut Vm, args: Args, st: &Shared) -> Result<usize, Error> {
    use std::os::unix::ffi::OsStrExt;
    let cmd = crate::check_cstr(vm, args, 0)?;
    let mode = crate::opt_cstr(vm, args, 1)?.unwrap_or_else(|| b"r".to_vec());
    let reading = mode == b"r";
    vm.arg_check(reading || mode == b"w", 1, "invalid mode")?;
    let prog = std::ffi::OsStr::from_bytes(&cmd).to_owned();
    match Stream::popen(&prog, reading) {
        Ok(s) => {
            let v = new_file(vm, st, s)?;
            vm.push(v)?;
            Ok(1)
        }
        Err(e) => crate::os::push_io_error(vm, &e, Some(&cmd)),
    }
}

fn io_tmpfile(vm: &mut Vm, _args: Args, st: &Shared) -> Result<usize, Error> {
    match Stream::tmpfile() {
        Some(s) => {
            let v = new_file(vm, st, s)?;
            vm.push(v)?;
            Ok(1)
        }
        None => Err(vm.error("unable to create a temporary file")),
    }
}

fn io_type(vm: &mut Vm, args: Args, st: &Shared) -> Result<usize, Error> {
    let v = vm.check_any(args, 0)?;
    let r = match file_id(vm, v) {
        Some(id) if is_open(st, id) => vm.str_value("file")?,
        Some(_) => vm.str_value("closed file")?,
        None => Value::Nil,
    };
    vm.push(r)?;
    Ok(1)
}

// ----- seek and buffering -----

/// `luaL_checkoption`: the index of argument `i` in `opts`, or its default.
fn check_option(
    vm: &mut Vm,
    args: Args,
    i: usize,
    default: Option<&str>,
    opts: &[&str],
) -> Result<usize, Error> {
    let name: Vec<u8> = match (vm.arg(args, i).is_nil(), default) {
        (true, Some(d)) => d.as_bytes().to_vec(),
        _ => crate::check_cstr(vm, args, i)?,
    };
    match opts.iter().position(|o| o.as_bytes() == &name[..]) {
        Some(k) => Ok(k),
        None => {
            let n = String::from_utf8_lossy(&name).into_owned();
            Err(vm.arg_error(i, &format!("invalid option '{n}'")))
        }
    }
}

fn f_seek(vm: &mut Vm, args: Args, st: &Shared) -> Result<usize, Error> {
    let id = to_file(vm, args, 0, st)?;
    let whence = check_option(vm, args, 1, Some("cur"), &["set", "cur", "end"])?;
    let off = vm.opt_int(args, 2, 0)?;
    let pos = match whence {
        // A negative start wraps to an offset the OS refuses with `Invalid argument`.
        0 => SeekFrom::Start(off as u64),
        1 => SeekFrom::Current(off),
        _ => SeekFrom::End(off),
    };
    let is_stdout = matches!(
        lock(st).streams.get(&id),
        Some(Stream {
            target: Target::Stdout,
            ..
        })
    );
    if is_stdout {
        // Standard output's bytes wait in the VM's sink; the position counts them.
        let _ = vm.output().flush();
    }
    let r = {
        let mut g = lock(st);
        match g.streams.get_mut(&id) {
            Some(s) => s.seek(pos),
            _ => Ok(0),
        }
    };
    match r {
        Ok(p) => {
            vm.push(Value::Int(p as i64))?;
            Ok(1)
        }
        Err(e) => crate::os::push_io_error(vm, &e, None),
    }
}

fn f_setvbuf(vm: &mut Vm, args: Args, st: &Shared) -> Result<usize, Error> {
    let id = to_file(vm, args, 0, st)?;
    let mode = check_option(vm, args, 1, None, &["no", "full", "line"])?;
    let _size = vm.opt_int(args, 2, 1024)?;
    let mode = [BufMode::No, BufMode::Full, BufMode::Line][mode.min(2)];
    let mut g = lock(st);
    let r = match g.streams.get_mut(&id) {
        Some(Stream {
            target: Target::Stdout,
            ..
        }) => {
            let out = g.stdout_buf.clone();
            drop(g);
            let mut b = out.lock().unwrap_or_else(|e| e.into_inner());
            b.0.set_mode(&mut RawStdout, mode)
        }
        Some(s) => s.with_buffer(|b, w| b.set_mode(w, mode)),
        None => Ok(()),
    };
    // `setvbuf` reports failure only; writing out the old buffer is not checked by PUC.
    let _ = r;
    vm.push(Value::Bool(true))?;
    Ok(1)
}
