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

use tape_vm::{Error, Vm};

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
