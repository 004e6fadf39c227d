//! Tape's standard library, written against `tape_vm`'s public API. Each module opens one
//! library of manual §6; `open_all` opens every library available.
#![forbid(unsafe_code)]

pub mod base;
pub mod coroutine;
pub mod debug;
pub mod io;
pub mod math;
pub mod os;
pub mod package;
pub mod string;
pub mod table;
pub mod utf8;

pub use base::open_base;
pub use coroutine::open_coroutine;

use tape_vm::{Error, Value, Vm};

/// The bytes a C function sees of a Lua string: those before the first zero byte.
pub(crate) fn c_str(s: &[u8]) -> &[u8] {
    match s.iter().position(|&b| b == 0) {
        Some(i) => &s[..i],
        None => s,
    }
}

/// `luaL_checkstring` for an argument PUC then uses as a C string (a file name, a command, an
/// option): the bytes before its first zero byte.
pub(crate) fn check_cstr(vm: &mut Vm, args: tape_vm::Args, i: usize) -> Result<Vec<u8>, Error> {
    let s = vm.check_str(args, i)?;
    Ok(c_str(vm.str_bytes(s)).to_vec())
}

/// `luaL_optstring` for an argument used as a C string (see `check_cstr`).
pub(crate) fn opt_cstr(
    vm: &mut Vm,
    args: tape_vm::Args,
    i: usize,
) -> Result<Option<Vec<u8>>, Error> {
    Ok(vm
        .opt_str(args, i)?
        .map(|s| c_str(vm.str_bytes(s)).to_vec()))
}

/// `luaL_error` with a message of raw bytes (names of files and modules need not be UTF-8):
/// the position of the calling Lua code, then the message.
pub(crate) fn error_bytes(vm: &mut Vm, msg: &[u8]) -> Error {
    let mut b = vm.where_(1).into_bytes();
    b.extend_from_slice(msg);
    match vm.str_value(&b) {
        Ok(v) => Error::from_value(v),
        Err(e) => e,
    }
}

/// Opens the sandbox set of libraries: what a script needs to compute, and nothing that reaches
/// files, processes, the environment, the host's lifetime, the debug interface or module search
/// paths. That is the base library without `dofile`, `loadfile` and `require`, with `load`
/// taking text chunks only (unless `binary_chunks`), plus `string`, `table`, `math`, `utf8`,
/// `coroutine`, and `os.time`, `os.clock`, `os.date` and `os.difftime`. There is no
/// `package` table (so no `package.loaded` leading back to a full library) and no `io` or
/// `debug`.
pub fn open_sandboxed(vm: &mut Vm, binary_chunks: bool) -> Result<(), Error> {
    open_base(vm)?;
    if !binary_chunks {
        let load = vm.new_native("load", base::load_text_only)?;
        let g = vm.globals();
        vm.set_field(g, "load", load)?;
    }
    open_coroutine(vm)?;
    table::open_table(vm)?;
    math::open_math(vm)?;
    string::open_string(vm)?;
    utf8::open_utf8(vm)?;
    // Only the clock and calendar functions of `os`, in a table of their own.
    let full = os::open_os(vm)?;
    let os = vm.new_table_with(0, 4)?;
    for name in ["time", "clock", "date", "difftime"] {
        let k = vm.str_value(name)?;
        let f = vm.raw_get(full, k);
        vm.set_field(os, name, f)?;
    }
    let g = vm.globals();
    vm.set_field(g, "os", Value::Table(os))?;
    Ok(())
}

/// Opens every library this crate provides.
pub fn open_all(vm: &mut Vm) -> Result<(), Error> {
    open_base(vm)?;
    open_coroutine(vm)?;
    package::open_package(vm)?;
    table::open_table(vm)?;
    io::open_io(vm)?;
    os::open_os(vm)?;
    math::open_math(vm)?;
    string::open_string(vm)?;
    utf8::open_utf8(vm)?;
    debug::open_debug(vm)?;
    package::fill_loaded(vm)?;
    Ok(())
}
