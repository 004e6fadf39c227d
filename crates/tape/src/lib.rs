//! Tape: run Lua 5.4 scripts from Rust, safely.
//!
//! This crate is the one public API of the project. `Tape` owns a VM with the standard library
//! opened and a compiler installed (so `load` works inside scripts); it loads source text, runs
//! chunks and calls Lua functions, and reports every failure — syntax error, runtime error, stack
//! overflow, memory cap — as an `Error` value, never a panic.
//!
//! ```
//! let mut lua = tape::Tape::new();
//! let out = lua.exec(b"return 6 * 7", "=example", &[]).unwrap();
//! assert_eq!(lua.display(out[0]).unwrap(), "42");
//! ```
//!
//! The typed API (the README's "Embedding" program): rooted handles ([`Table`], [`Function`],
//! [`LuaString`], [`LuaValue`]), conversions ([`IntoLua`], [`FromLua`] and their multi-value
//! forms), chunks ([`Tape::chunk`]) and Rust functions ([`Tape::create_function`]).
//!
//! ```
//! use tape::{Error, Tape};
//!
//! fn main() -> Result<(), Error> {
//!     let mut lua = Tape::builder().sandboxed().memory_limit(16 << 20).fuel(1_000_000).build()?;
//!     let greet = lua.create_function(|_, (name, n): (String, usize)| Ok(format!("hi {name}").repeat(n)))?;
//!     lua.set_global("greet", greet)?;
//!     let s: String = lua.chunk("greet('lua', 2) .. '!'").set_name("=main").eval()?;
//!     assert_eq!(s, "hi luahi lua!");
//!     Ok(())
//! }
//! ```
#![forbid(unsafe_code)]

#[cfg(feature = "async")]
mod async_call;
mod chunk;
mod convert;
mod ctx;
mod error;
#[cfg(feature = "serde")]
pub mod serde;
mod table;
mod thread;
mod userdata;
mod value;

use std::sync::Arc;

#[cfg(feature = "serde")]
pub use self::serde::{DeserializeOptions, SerializeOptions};
#[cfg(feature = "async")]
pub use async_call::{block_on, AsyncCall, DEFAULT_ASYNC_SLICE};
pub use chunk::Chunk;
pub use convert::{Bytes, FromLua, FromLuaMulti, IntoLua, IntoLuaMulti, Variadic};
pub use ctx::{Ctx, Host};
pub use error::{Error, ErrorKind};
pub use table::{Pairs, SequenceValues};
pub use userdata::{UserData, UserDataRegistry};
pub use value::{AnyUserData, Function, LuaString, LuaValue, Table, Thread};

pub use tape_bytecode::Proto;
pub use tape_stdlib::package::file_chunk_source;
pub use tape_vm::{ThreadStatus, TraceFn, Value, Vm};

/// The version line (what `tape -v` prints).
pub const VERSION_BANNER: &str = concat!("Tape ", env!("CARGO_PKG_VERSION"), " (Lua 5.4)");

/// Parses and compiles a chunk of Lua source, or reads and verifies a binary chunk (one that
/// starts with ESC, as `string.dump` writes); `chunkname` is as for `load` (`@file.lua`,
/// `=stdin`, or the source itself).
pub fn compile(src: &[u8], chunkname: &str) -> Result<Arc<Proto>, String> {
    if tape_vm::is_binary_chunk(src) {
        return tape_bytecode::undump(src, chunkname).map(Arc::new);
    }
    let tree = tape_syntax::parse(src, chunkname).map_err(|e| e.message)?;
    tape_compiler::compile(&tree, chunkname).map_err(|e| e.message)
}

/// The `luac -l -l`-style listing of a compiled chunk and its nested functions.
pub fn listing(proto: &Proto) -> String {
    tape_bytecode::listing::list(proto)
}

/// A Lua state: a VM with the standard library and the compiler installed.
///
/// `Tape` is `Send`: it may move to another thread between calls.
pub struct Tape {
    vm: Vm,
    shared: Arc<ctx::Shared>,
    /// Fuel per poll of `call_async` (`set_async_slice`).
    #[cfg(feature = "async")]
    async_slice: Option<u64>,
}

impl Host for Tape {
    fn ctx(&mut self) -> Ctx<'_> {
        Ctx::new(&mut self.vm, &self.shared)
    }
}

impl Default for Tape {
    fn default() -> Self {
        Tape::new()
    }
}

/// Chooses the libraries and limits of a new [`Tape`]: `Tape::builder().sandboxed()
/// .memory_limit(64 << 20).fuel(10_000_000).build()`.
#[derive(Clone, Debug, Default)]
pub struct Builder {
    sandboxed: bool,
    binary_chunks: bool,
    memory_limit: Option<usize>,
    fuel: Option<u64>,
    pause_on_fuel: bool,
    call_timeout: Option<std::time::Duration>,
    stack_limit: Option<(usize, usize)>,
    c_limit: Option<u16>,
    thread_limit: Option<usize>,
}

impl Builder {
    /// Opens only the sandbox set of libraries (see [`Tape::sandboxed`]) instead of all.
    pub fn sandboxed(mut self) -> Builder {
        self.sandboxed = true;
        self
    }

    /// In a sandbox, lets `load` accept binary chunks too (always verified); off by default.
    pub fn binary_chunks(mut self, allow: bool) -> Builder {
        self.binary_chunks = allow;
        self
    }

    /// Caps the guest heap at `bytes` (everything the guest allocates through the VM and the
    /// string-building library functions).
    pub fn memory_limit(mut self, bytes: usize) -> Builder {
        self.memory_limit = Some(bytes);
        self
    }

    /// Starts with a fuel budget of `units` (see `Vm::set_fuel`).
    pub fn fuel(mut self, units: u64) -> Builder {
        self.fuel = Some(units);
        self
    }

    /// When the fuel runs out, suspend the running call instead of failing it: the call
    /// returns an error of kind [`ErrorKind::Paused`], and [`Tape::resume`] continues it after
    /// a refill ([`Tape::add_fuel`]) exactly where it stopped — for time slicing across many
    /// scripts. Splitting a run into any number of slices changes nothing the script can
    /// see. (Inside Lua code called back by a library function, such as a `table.sort`
    /// comparator, no suspension is possible: the budget may go down to
    /// `-tape_vm::PAUSE_OVERDRAFT` there before the call fails; the debt is paid from the next
    /// refill.)
    pub fn pause_on_fuel(mut self, on: bool) -> Builder {
        self.pause_on_fuel = on;
        self
    }

    /// Gives every call from the host (`exec`, `eval`, `call`, each `resume` of a paused
    /// call, each poll of `call_async`) a wall-clock limit: past it the call fails with
    /// `time limit exceeded` ([`ErrorKind::Deadline`]). See `Vm::set_call_timeout`.
    pub fn call_timeout(mut self, timeout: std::time::Duration) -> Builder {
        self.call_timeout = Some(timeout);
        self
    }

    /// Limits each coroutine's Lua stack to `slots` values and `frames` call frames
    /// (`stack overflow` past them; defaults `tape_vm::DEFAULT_MAX_STACK` and
    /// `DEFAULT_MAX_FRAMES`; slots are capped at `tape_vm::MAX_STACK_LIMIT`).
    pub fn stack_limit(mut self, slots: usize, frames: usize) -> Builder {
        self.stack_limit = Some((slots, frames));
        self
    }

    /// Limits how deeply library functions, metamethods and coroutine resumes may nest
    /// calls back into Lua (`C stack overflow` past it; default and maximum
    /// `tape_vm::MAX_C_DEPTH - 2`, as PUC's C stack). See `Vm::set_c_limit`.
    pub fn c_limit(mut self, levels: u16) -> Builder {
        self.c_limit = Some(levels);
        self
    }

    /// Limits the coroutines alive at once (`too many coroutines` past it; by default only
    /// the memory limit bounds them).
    pub fn thread_limit(mut self, threads: usize) -> Builder {
        self.thread_limit = Some(threads);
        self
    }

    pub fn build(self) -> Result<Tape, Error> {
        let mut vm = Vm::new();
        vm.set_compiler(Box::new(compile));
        let opened = if self.sandboxed {
            tape_stdlib::open_sandboxed(&mut vm, self.binary_chunks)
        } else {
            tape_stdlib::open_all(&mut vm)
        };
        let mut tape = Tape {
            vm,
            shared: ctx::Shared::new(),
            #[cfg(feature = "async")]
            async_slice: Some(async_call::DEFAULT_ASYNC_SLICE),
        };
        if let Err(e) = opened {
            return Err(tape.runtime_error(e));
        }
        if let Some(cap) = self.memory_limit {
            tape.vm.set_memory_cap(cap);
        }
        if self.fuel.is_some() {
            tape.vm.set_fuel(self.fuel);
        }
        tape.vm.set_fuel_pause(self.pause_on_fuel);
        tape.vm.set_call_timeout(self.call_timeout);
        if let Some((slots, frames)) = self.stack_limit {
            tape.vm.set_stack_limit(slots, frames);
        }
        if let Some(levels) = self.c_limit {
            tape.vm.set_c_limit(levels);
        }
        tape.vm.set_thread_limit(self.thread_limit);
        Ok(tape)
    }
}

impl Tape {
    /// A builder for a `Tape` with chosen libraries and limits.
    pub fn builder() -> Builder {
        Builder::default()
    }

    /// A `Tape` for untrusted scripts: the base library without `dofile`, `loadfile` and
    /// `require`, with `load` for text chunks only; `string`, `table`, `math`, `utf8`,
    /// `coroutine`; and `os.time`, `os.clock`, `os.date`, `os.difftime`. Nothing reaches
    /// files, processes, the environment, `os.exit`, `debug` or `package`. Add limits with
    /// [`Tape::builder`] (or later through [`Tape::vm`]).
    pub fn sandboxed() -> Result<Tape, Error> {
        Tape::builder().sandboxed().build()
    }

    pub fn new() -> Tape {
        let mut vm = Vm::new();
        vm.set_compiler(Box::new(compile));
        // Opening the libraries allocates only a few kilobytes; a fresh VM has no memory cap.
        let opened = tape_stdlib::open_all(&mut vm);
        debug_assert!(opened.is_ok(), "opening the standard library failed");
        Tape {
            vm,
            shared: ctx::Shared::new(),
            #[cfg(feature = "async")]
            async_slice: Some(async_call::DEFAULT_ASYNC_SLICE),
        }
    }

    /// Adds `units` of fuel (after an overdraft, the debt is paid first).
    pub fn add_fuel(&mut self, units: u64) {
        self.vm.add_fuel(units);
    }

    /// The fuel left, or `None` without a budget.
    pub fn fuel(&self) -> Option<u64> {
        self.vm.fuel()
    }

    /// A call is suspended (it returned [`ErrorKind::Paused`]) and waits for [`Tape::resume`]
    /// or [`Tape::cancel`]; until then no other Lua code runs on this `Tape`.
    pub fn is_paused(&self) -> bool {
        self.vm.is_paused()
    }

    /// Continues the suspended call and converts its results as the original call would
    /// have: `R` is the type that call asked for. Returns [`ErrorKind::Paused`] again if the
    /// fuel runs out again.
    pub fn resume<R: FromLuaMulti>(&mut self) -> Result<R, Error> {
        let out = self.vm.resume_paused().map_err(|e| self.runtime_error(e))?;
        let mut ctx = self.ctx();
        R::from_lua_multi(&out, &mut ctx)
    }

    /// Ends the suspended call with the `fuel exhausted` error it would have had without
    /// pause mode (its to-be-closed variables are closed), and returns that error.
    pub fn cancel(&mut self) -> Error {
        match self.vm.cancel_paused() {
            Ok(_) => Error::runtime("the cancelled call finished"),
            Err(e) => self.runtime_error(e),
        }
    }

    /// The VM, for everything this facade does not wrap yet.
    pub fn vm(&mut self) -> &mut Vm {
        &mut self.vm
    }

    /// Compiles without running (syntax check, `--list`).
    pub fn compile(src: &[u8], chunkname: &str) -> Result<Arc<Proto>, Error> {
        compile(src, chunkname).map_err(|m| {
            let kind = if tape_vm::is_binary_chunk(src) {
                ErrorKind::Verify
            } else {
                ErrorKind::Syntax
            };
            Error::new(kind, m, None)
        })
    }

    /// Loads a chunk as a function value.
    pub fn load(&mut self, src: &[u8], chunkname: &str) -> Result<Value, Error> {
        let proto = Tape::compile(src, chunkname)?;
        self.vm
            .load_proto_closure(&proto, None)
            .map_err(|e| self.runtime_error(e))
    }

    /// Loads and runs a chunk with `args` as its varargs; returns what the chunk returns.
    pub fn exec(
        &mut self,
        src: &[u8],
        chunkname: &str,
        args: &[&[u8]],
    ) -> Result<Vec<Value>, Error> {
        let f = self.load(src, chunkname)?;
        let mut vals = Vec::with_capacity(args.len());
        for a in args {
            let v = self.vm.str_value(a).map_err(|e| self.runtime_error(e))?;
            vals.push(v);
        }
        self.call(f, &vals)
    }

    /// Calls a Lua value with arguments.
    pub fn call(&mut self, f: Value, args: &[Value]) -> Result<Vec<Value>, Error> {
        self.vm.call(f, args).map_err(|e| self.runtime_error(e))
    }

    /// `tostring(v)`, honouring `__tostring` and `__name`.
    pub fn display(&mut self, v: Value) -> Result<String, Error> {
        match self.vm.tostring(v) {
            Ok(s) => Ok(self.string_of(s)),
            Err(e) => Err(self.runtime_error(e)),
        }
    }

    /// The text of a string value (lossily as UTF-8); empty for anything else.
    fn string_of(&self, v: Value) -> String {
        match v {
            Value::Str(s) => String::from_utf8_lossy(self.vm.str_bytes(s)).into_owned(),
            _ => String::new(),
        }
    }

    /// Converts an error of the raw VM (from calls made through [`Tape::vm`]) into the public
    /// one: its kind, message, traceback and rooted value.
    pub fn error_from_vm(&mut self, e: tape_vm::Error) -> Error {
        self.runtime_error(e)
    }

    /// Converts a VM error into the public one (see `Ctx::runtime_error`).
    fn runtime_error(&mut self, e: tape_vm::Error) -> Error {
        self.ctx().runtime_error(e)
    }

    // ----- the typed API (same as `Ctx`'s, for the host's convenience) -----

    /// A chunk of Lua source (or a binary chunk) to name and run:
    /// `lua.chunk("return 6 * 7").set_name("=answer").eval::<i64>()`, `.exec()`,
    /// `.call(args)`, `.into_function()`.
    pub fn chunk(&mut self, source: impl AsRef<[u8]>) -> Chunk<'_> {
        Chunk::new(self.ctx(), source.as_ref().to_vec())
    }

    /// The globals table (`_G`), rooted.
    pub fn globals(&mut self) -> Result<Table, Error> {
        self.ctx().globals()
    }

    /// Reads a global (raw), converted to `V`.
    pub fn get_global<V: FromLua>(&mut self, name: &str) -> Result<V, Error> {
        self.ctx().get_global(name)
    }

    /// Sets a global (raw).
    pub fn set_global(&mut self, name: &str, value: impl IntoLua) -> Result<(), Error> {
        self.ctx().set_global(name, value)
    }

    /// A new empty table.
    pub fn create_table(&mut self) -> Result<Table, Error> {
        self.ctx().create_table()
    }

    /// A new table holding the pairs of `iter`.
    pub fn create_table_from<K: IntoLua, V: IntoLua>(
        &mut self,
        iter: impl IntoIterator<Item = (K, V)>,
    ) -> Result<Table, Error> {
        self.ctx().create_table_from(iter)
    }

    /// A new table holding the values of `iter` at keys 1, 2, ...
    pub fn create_sequence_from<V: IntoLua>(
        &mut self,
        iter: impl IntoIterator<Item = V>,
    ) -> Result<Table, Error> {
        self.ctx().create_sequence_from(iter)
    }

    /// A new Lua string.
    pub fn create_string(&mut self, bytes: impl AsRef<[u8]>) -> Result<LuaString, Error> {
        self.ctx().create_string(bytes)
    }

    /// A Lua function made of a Rust closure; see [`Ctx::create_function`].
    pub fn create_function<A, R, F>(&mut self, f: F) -> Result<Function, Error>
    where
        A: FromLuaMulti,
        R: IntoLuaMulti,
        F: FnMut(&mut Ctx<'_>, A) -> Result<R, Error> + Send + 'static,
    {
        self.ctx().create_function(f)
    }

    /// A re-entrant Lua function made of a Rust closure; see
    /// [`Ctx::create_reentrant_function`].
    pub fn create_reentrant_function<A, R, F>(&mut self, f: F) -> Result<Function, Error>
    where
        A: FromLuaMulti,
        R: IntoLuaMulti,
        F: Fn(&mut Ctx<'_>, A) -> Result<R, Error> + Send + Sync + 'static,
    {
        self.ctx().create_reentrant_function(f)
    }

    /// A new coroutine running `f` (as `coroutine.create`).
    pub fn create_thread(&mut self, f: &Function) -> Result<Thread, Error> {
        self.ctx().create_thread(f)
    }

    /// A new userdata holding `value`, with the methods `T` registers.
    pub fn create_userdata<T: UserData>(&mut self, value: T) -> Result<AnyUserData, Error> {
        self.ctx().create_userdata(value)
    }

    /// Converts a Rust value to a `LuaValue`.
    pub fn pack(&mut self, value: impl IntoLua) -> Result<LuaValue, Error> {
        self.ctx().pack(value)
    }

    /// Converts a `LuaValue` to a Rust value.
    pub fn unpack<T: FromLua>(&mut self, value: &LuaValue) -> Result<T, Error> {
        self.ctx().unpack(value)
    }

    /// Runs a full garbage collection (and the finalizers it makes due).
    pub fn collect_garbage(&mut self) {
        self.ctx().vm().collect_garbage();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_is_one_pointer() {
        assert_eq!(std::mem::size_of::<Error>(), 8);
    }

    #[test]
    fn runs_a_chunk_and_returns_values() {
        let mut lua = Tape::new();
        let out = lua
            .exec(b"local a, b = ... return a .. b, #a", "=t", &[b"ab", b"c"])
            .unwrap();
        assert_eq!(lua.display(out[0]).unwrap(), "abc");
        assert_eq!(lua.display(out[1]).unwrap(), "2");
    }

    #[test]
    fn syntax_and_runtime_errors_are_values() {
        let mut lua = Tape::new();
        let e = lua.exec(b"x = = 1", "=t", &[]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Syntax);
        assert_eq!(e.message(), "t:1: unexpected symbol near '='");
        let e = lua.exec(b"local t\nreturn t.x", "=t", &[]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Runtime);
        assert_eq!(e.message(), "t:2: attempt to index a nil value (local 't')");
        assert!(e.traceback().unwrap_or("").starts_with("stack traceback:"));
    }

    #[test]
    fn host_light_userdata() {
        let mut lua = Tape::new();
        let vm = lua.vm();
        vm.set_global("lu", Value::LightUserdata(0xabc0)).unwrap();
        vm.set_global("lu2", Value::LightUserdata(0xabc0)).unwrap();
        let src = b"local t = {[lu] = 1} return type(lu), lu == lu2, tostring(lu), t[lu2]";
        let out = lua.exec(src, "=t", &[]).unwrap();
        let shown: Vec<String> = out.iter().map(|&v| lua.display(v).unwrap()).collect();
        assert_eq!(shown, ["userdata", "true", "userdata: 0xabc0", "1"]);
        let out = lua.exec(b"return lu", "=t", &[]).unwrap();
        assert!(matches!(out[0], Value::LightUserdata(0xabc0)));
    }

    #[test]
    fn vm_survives_errors() {
        let mut lua = Tape::new();
        assert!(lua.exec(b"error('boom')", "=t", &[]).is_err());
        let out = lua.exec(b"return 1 + 1", "=t", &[]).unwrap();
        assert_eq!(lua.display(out[0]).unwrap(), "2");
    }
}
