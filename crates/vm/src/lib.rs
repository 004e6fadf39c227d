//! # tape-vm: Tape's virtual machine core
//!
//! Values, the garbage-collected heap (strings, tables, closures, userdata, threads), the
//! stackless interpreter for `tape_bytecode` prototypes, metamethods, errors and the native
//! function ABI. Implements the execution parts of the Lua 5.4 manual (§2, §3.3–§3.4) and the
//! C-API ideas of §4–§5 in Rust form. The VM never depends on the compiler: `load` compiles
//! through a hook the embedder installs.
//!
//! ## Public API (stable; other crates build on it)
//! - Create: `Vm::new()`, `Vm::with_memory_cap(bytes)`; limits: `set_memory_cap`,
//!   `set_stack_limit(slots, frames)`; `memory_used()`.
//! - Code: `vm.load_proto_closure(&Arc<Proto>, env: Option<Value>) -> Result<Value, Error>` turns
//!   a compiled main chunk into a function whose `_ENV` is the globals table (or `env`);
//!   `vm.set_compiler(Box<dyn Fn(&[u8], &str) -> Result<Arc<Proto>, String> + Send>)` and
//!   `vm.load(src, chunkname)` compile through that hook. `vm.compile(src, chunkname)` reads
//!   binary chunks (first byte ESC, `is_binary_chunk`) itself, through the verifying undumper;
//!   `vm.lua_function_proto(f) -> Option<Arc<Proto>>` is what `string.dump` serialises.
//! - Call: `vm.call(f, &[args]) -> Result<Vec<Value>, Error>` (host entry; fills the error's
//!   message and traceback); from natives: `vm.call1(f, &[args]) -> Result<Value, Error>`,
//!   `vm.call_push(f, &[args]) -> Result<usize, Error>` (results left pushed),
//!   `vm.call_raw(f, &[args]) -> Result<(first_slot, n), Error>`.
//! - Errors: `Error` (one pointer): `value()`, `message()`, `traceback()`, `Display`.
//!   `vm.rt_error(msg)` (position of running Lua code), `vm.error(msg)` (position of the
//!   native's caller, like `luaL_error`), `vm.make_error(String)` (no position),
//!   `Error::from_value(v)`; `vm.error_text(v)`; `vm.where_(level)`; `vm.traceback()`.
//! - Globals and tables: `globals()`, `registry()`, `get_global`, `set_global`, `new_table`,
//!   `new_table_with(narr, nhash)`, `raw_get`, `raw_get_int`, `raw_set`, `raw_set_int`,
//!   `set_field(t, "name", v)`, `raw_len_table`, `next(t, k)`, `set_metatable(t, mt)`,
//!   `metatable(v)`, `set_type_metatable(Type, mt)`, `set_light_userdata_metatable(mt)`,
//!   `get_metamethod(v, Tm)`; with
//!   metamethods: `index`, `set_index`, `len`, `equals`, `less`, `arith_op(ArithOp, a, b)`.
//! - Strings: `new_str(&[u8]) -> StrRef`, `str_value(bytes) -> Value`, `str_bytes(StrRef)`,
//!   `to_number(v)`, `tostring(v) -> Value` (`__tostring`/`__name`), `basic_tostring(v)`,
//!   `obj_type_name(v)` (`__name`-aware), `Vm::fake_address(v)`.
//! - Light userdata: `Value::LightUserdata(u64)` is an opaque word the host makes directly (no
//!   allocation, never collected), equal by payload, `type()` "userdata".
//! - Natives: `type NativeFn = fn(&mut Vm, Args) -> Result<usize, Error>`. Arguments are stack
//!   slots: `vm.arg(args, i)` (0-based, nil if absent), `args.len()`; results are pushed with
//!   `vm.push(v)` and the function returns how many values on top are results (no allocation
//!   per call). Register with `vm.new_native("name", f)`, `new_native_with_upvalues`,
//!   `new_boxed_native`; read upvalues with `vm.native_upvalue(i)`. Checks with PUC messages:
//!   `check_any`, `check_table`, `check_int`, `opt_int`, `check_number`, `check_float`,
//!   `check_str`, `opt_str`, `arg_check`, `arg_error(i, msg)`, `type_error(args, i, "table")`.
//!   Special natives: `vm.new_pcall()`/`vm.new_xpcall()` create the stackless protected-call
//!   builtins; `set_iterator_native(f, IteratorRole::Next | Ipairs)` declares a native to be
//!   `next` or `ipairs`'s iterator, which a generic `for` then steps over a plain table
//!   without calling it. `set_fast_native(f, fast)` / `set_fast_native_results(f, fast, n)`
//!   give a native a frameless fast form (`FastFn`, `FastCx`) for calls it can answer in
//!   constant time without making an object; it returns `None`, having changed nothing, for
//!   the rest, which the native itself then handles.
//! - Userdata: `new_userdata(Box<dyn Any + Send>, meta)`, `userdata(u)`, `userdata_mut(u)`,
//!   typed `userdata_ref::<T>(v) -> Option<&T>`, `userdata_ref_mut::<T>(v)`,
//!   `set_userdata_metatable`, `user_value`, `set_user_value`. A metatable with `__gc` given at
//!   creation or by `set_userdata_metatable` marks the userdata for finalization.
//! - Coroutines: `new_thread(f) -> ThreadRef`, `thread_status(t)`, `running_thread()`,
//!   `is_yieldable()`, `close_thread(t)`; the stackless builtins `new_resume()`, `new_yield()`,
//!   `new_wrap(t)` (the coroutine library in tape-stdlib registers them).
//! - GC: `collect_garbage()`, `gc_step()`, `gc_is_running()`, `gc_set_running(bool)`,
//!   `gc_set_mode(generational) -> previous name` (default incremental; `lua.c` switches to
//!   generational at startup, so a CLI matching `lua5.4` should call `gc_set_mode(true)`),
//!   `set_gc_stress(bool)` (debug: collect at every safe point), `total_allocated()`;
//!   `pin(v)`/`unpin_all()` for host-held values; `gc_step_kb(kb) -> bool`,
//!   `gc_set_param(stepmul, v) -> previous` (`setpause`/`setstepmul`),
//!   `gc_set_incremental(pause, stepmul, stepsize) -> previous mode`, `gc_in_finalizer()`.
//!   Weak tables (`__mode`, ephemerons) and `__gc` finalizers follow manual §2.5 (`gc.rs`,
//!   `finalize.rs`); `collect_garbage()` runs the finalizers it made due.
//! - Warnings: `warn(piece, tocont)` (`@on`/`@off` control; `Lua warning: ...` on stderr),
//!   `warnings_on()`.
//! - Close: `close()` runs all pending finalizers and those of every live object marked for
//!   finalization (as `lua_close`); idempotent, also run by `Drop`.
//! - Raw stack access for natives using `call_raw`: `stack_get(slot)`, `truncate_to_args(args)`.
//! - Sandbox limits (`limits.rs`): `set_fuel(Option<u64>)`/`fuel()` (an instruction budget;
//!   natives charge long work with `charge_fuel(units)`), `interrupt_handle()` (a flag another
//!   thread sets to stop guest code); both fail the guest with a catchable-but-sticky error.
//! - Output for `print`: `set_output(Box<dyn Write + Send>)`, `output()`, `flush_output()`.
//!
//! ## The GC rule for natives
//! Collection happens only at interpreter safe points, never inside a native's Rust code. A
//! native that calls back into Lua must keep every heap value it still needs afterwards in its
//! own stack slots (arguments or pushed values), not only in Rust locals.
//!
//! ## Re-entry
//! Natives re-enter the interpreter only through `call_raw` (and its wrappers); the nesting
//! (plus Lua metamethod frames, as in PUC) is counted in `Vm::c_depth` and capped at 200
//! (`C stack overflow`); `Vm::nny` counts `call_raw`s alone and makes yields across them fail
//! with `attempt to yield across a C-call boundary`. Lua→Lua calls, Lua metamethods,
//! `pcall`/`xpcall` and coroutine switches never recurse in Rust.
//!
//! ## Strings
//! Every string is interned (not only short ones), so string equality and table lookup by
//! string are handle compares; tables hash string keys by handle. Long strings carry an
//! identity tag in their handle so `%p` sees PUC's distinct objects (`StrRef`).
//!
//! ## String arithmetic
//! `"10" + 1` and the PUC 5.4 messages of the string library's arithmetic metamethods
//! (`attempt to add a 'string' with a 'table'`) are implemented in the VM itself; the string
//! library need not install `__add` & co. on the string metatable.
#![forbid(unsafe_code)]

mod arena;
mod args;
mod calls;
mod coro;
mod debugapi;
mod debuginfo;
mod error;
mod finalize;
mod gc;
mod heap;
mod hooks;
mod hostapi;
mod interp;
mod limits;
mod loadbin;
mod meta;
mod metaops;
mod ops;
mod string;
mod table;
mod thread;
mod trace;
mod value;
mod vm;

pub use debugapi::{FuncDebug, LevelDebug};
pub use error::Error;
pub use heap::{Args, BoxedNative, FastCx, FastFn, NativeFn};
pub use hooks::{Hook, HOOK_CALL, HOOK_COUNT, HOOK_LINE, HOOK_RETURN};
pub use limits::{
    FUEL_EXHAUSTED, FUEL_PAUSED, INTERRUPTED, PAUSE_OVERDRAFT, POLL_BYTES, TIME_LIMIT,
};
pub use loadbin::{is_binary_chunk, BINARY_CHUNK_MARK};
pub use meta::Tm;
pub use ops::{num_lt, ArithOp};
pub use table::Table;
pub use thread::ThreadStatus;
pub use trace::TraceFn;
pub use value::{FnRef, NativeRef, StrRef, TableRef, ThreadRef, Type, UdRef, Value};
pub use vm::{
    Compiler, IteratorRole, Vm, DEFAULT_MAX_FRAMES, DEFAULT_MAX_STACK, MAX_C_DEPTH, MAX_STACK_LIMIT,
};

impl Vm {
    /// Creates the stackless `pcall` builtin.
    pub fn new_pcall(&mut self) -> Result<Value, Error> {
        self.new_native_kind("pcall", heap::NativeKind::Pcall, Box::new([]))
    }

    /// Creates the stackless `xpcall` builtin.
    pub fn new_xpcall(&mut self) -> Result<Value, Error> {
        self.new_native_kind("xpcall", heap::NativeKind::Xpcall, Box::new([]))
    }
}
