//! The `Vm` struct: heap, the running thread's stack and frames, roots, limits and host hooks;
//! plus allocation helpers (strings, tables, closures) and loading of compiled prototypes.

use crate::arena::Arena;
use crate::heap::{
    Args, Fresh, Heap, LoadedProto, LuaClosure, NativeFn, NativeFunction, NativeKind, Upval,
    PROTO_COST,
};
use crate::meta::{TM_COUNT, TM_NAMES};
use crate::string::{hash_bytes, string_cost};
use crate::table::Table;
use crate::thread::{Cont, Frame, FrameKind, Thread, ThreadState};
use crate::value::{FnRef, NativeRef, ProtoRef, StrRef, TableRef, ThreadRef, UpvalRef, Value};
use crate::Error;
use std::io::Write;
use std::sync::Arc;
use tape_bytecode::{Constant, Proto};

/// The compile hook `load` uses: source bytes and chunk name to a prototype, or a message
/// (already formatted like `chunk:line: message near 'x'`).
pub type Compiler = Box<dyn Fn(&[u8], &str) -> Result<Arc<Proto>, String> + Send>;

/// Default limit on stack slots per thread (PUC's LUAI_MAXSTACK).
pub const DEFAULT_MAX_STACK: usize = 1_000_000;
/// The largest stack limit `set_stack_limit` accepts (16 GiB of slots): every stack index
/// then fits in the `u32` fields of a frame's continuation (`Cont`).
pub const MAX_STACK_LIMIT: usize = 1 << 30;
/// Default limit on call frames per thread: as many as stack slots, so (as in PUC) the slot
/// limit is the one deep recursion meets.
pub const DEFAULT_MAX_FRAMES: usize = 1_000_000;
/// Native re-entry limit (PUC's LUAI_MAXCCALLS).
pub const MAX_C_DEPTH: u16 = 200;
/// The nesting count at which one more C-level call fails with `C stack overflow`: PUC fails
/// when its count reaches `MAX_C_DEPTH` after the increment, and `lua.c` runs a script two
/// levels deep (its `pmain` and the chunk) where the host's call of a chunk is one level here.
pub(crate) const C_LIMIT: u16 = MAX_C_DEPTH - 2;

/// Extra slots kept above a Lua frame's register window (room for metamethod arguments).
pub(crate) const STACK_SLACK: usize = 256 + 16;

/// The slot of `type_meta` holding the metatable shared by light userdata (one past the
/// basic types).
pub(crate) const LIGHT_UD_META: usize = 8;

/// What a native given to `Vm::set_iterator_native` is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IteratorRole {
    /// The standard `next`.
    Next,
    /// The iterator function `ipairs` returns.
    Ipairs,
}

/// Where the type names start in `Heap::fixed_strings`.
pub(crate) const TYPE_NAMES_AT: usize = 4;

/// A Lua virtual machine: one guest heap and its threads. `Send`, not `Sync`.
pub struct Vm {
    pub(crate) heap: Heap,
    pub(crate) protos: Arena<LoadedProto>,
    /// Lua closures (immutable once created, so the interpreter borrows them freely).
    pub(crate) closures: Arena<LuaClosure>,
    /// The running thread's state (stack, frames, open upvalues, to-be-closed slots): what a
    /// coroutine switch swaps with the `Thread` object of the thread it parks.
    pub(crate) ts: ThreadState,
    /// Debug hooks and the execution trace (`hooks.rs`, `trace.rs`).
    pub(crate) hs: crate::hooks::HookState,
    pub(crate) cur_thread: ThreadRef,
    pub(crate) main_thread: ThreadRef,
    pub(crate) registry: TableRef,
    pub(crate) globals: TableRef,
    /// Metatables of non-table, non-userdata types, indexed by `Type as usize`, and of light
    /// userdata at `LIGHT_UD_META`.
    pub(crate) type_meta: [Option<TableRef>; 9],
    pub(crate) tm_names: [StrRef; TM_COUNT],
    /// Native re-entry depth (`Vm::call` nesting) plus Lua metamethod frames, capped at
    /// `MAX_C_DEPTH` like PUC's C stack.
    pub(crate) c_depth: u16,
    /// `c_depth` at the start of the running thread's current resume (0 on the main thread).
    /// Frames store their C level relative to it (`Frame::c_depth`), so a coroutine resumed
    /// at another depth than the one it yielded at restores levels of its own resume, as
    /// PUC's `lua_resume` restarts the count from the resumer's.
    pub(crate) c_base: u16,
    /// Frames of this thread from this depth up may see an `xpcall` message handler run where
    /// an error is raised (`Vm::handle_escaping`); a finalizer raises it to its own frames, as
    /// PUC runs `__gc` with no message handler.
    pub(crate) err_floor: (crate::value::ThreadRef, usize),
    /// The message handler for errors that no `pcall` catches on their way to the host
    /// (`set_host_message_handler`); nil: none.
    pub(crate) host_handler: Value,
    /// The thread and frame index of the running `__gc` finalizer's function (index 0, a
    /// bottom frame, when none runs), named `metamethod '__gc'` as PUC's `CIST_FIN` frames.
    pub(crate) fin_frame: (crate::value::ThreadRef, usize),
    /// The call a native asked for (`call_then_return`): argument count and results wanted.
    pub(crate) native_call: (usize, i32),
    /// Number of active native re-entries (`call_raw`): the "non-yieldable" count.
    pub(crate) nny: u32,
    pub(crate) compiler: Option<Compiler>,
    pub(crate) out: Box<dyn Write + Send>,
    /// The error value last delivered to the host (rooted so `Error::value` stays valid).
    pub(crate) last_error: Value,
    /// Values the host asked to keep alive (see `Vm::pin`).
    pub(crate) pinned: Vec<Value>,
    /// CONCAT's buffer, kept between concatenations whose result is stored inline in its
    /// string object (a longer result takes the buffer as its own).
    pub(crate) concat_buf: Vec<u8>,
    /// Sandbox limits: fuel, interrupt, deadline, depth and count caps (`limits.rs`).
    pub(crate) limits: crate::limits::Limits,
    /// Collector switches, finalization queues, parameters and the warning switch (`gc.rs`).
    pub(crate) gc: crate::gc::GcState,
}

impl Default for Vm {
    fn default() -> Self {
        Vm::new()
    }
}

fn oom() -> Error {
    // The message string is created lazily by `Vm::memory_error`; this is the fallback when
    // even that cannot be allocated.
    Error::from_value(Value::Nil)
}

impl Vm {
    /// Creates a VM with no libraries opened, an empty globals table, output to stdout and no
    /// memory cap.
    pub fn new() -> Vm {
        Vm::with_memory_cap(usize::MAX)
    }

    /// Creates a VM whose guest heap may not exceed `cap` bytes (as the heap accounts them).
    pub fn with_memory_cap(cap: usize) -> Vm {
        let mut heap = Heap::new(usize::MAX);
        let mut threads_tmp = Thread::default();
        threads_tmp.status = crate::thread::ThreadStatus::Running;
        let main_thread = ThreadRef(
            heap.threads
                .alloc(threads_tmp)
                .unwrap_or(crate::value::Handle { idx: 0, gen: 0 }),
        );
        let registry = TableRef(
            heap.tables
                .alloc(Table::default())
                .unwrap_or(crate::value::Handle { idx: 0, gen: 0 }),
        );
        let globals = TableRef(
            heap.tables
                .alloc(Table::default())
                .unwrap_or(crate::value::Handle { idx: 0, gen: 0 }),
        );
        let dummy = StrRef(crate::value::Handle { idx: 0, gen: 0 });
        let mut vm = Vm {
            heap,
            protos: Arena::new(),
            closures: Arena::new(),
            ts: ThreadState::default(),
            hs: crate::hooks::HookState::default(),
            limits: crate::limits::Limits::default(),
            cur_thread: main_thread,
            main_thread,
            registry,
            globals,
            type_meta: [None; 9],
            tm_names: [dummy; TM_COUNT],
            c_depth: 0,
            c_base: 0,
            native_call: (0, 0),
            err_floor: (main_thread, 0),
            host_handler: Value::Nil,
            fin_frame: (main_thread, 0),
            nny: 0,
            compiler: None,
            out: Box::new(std::io::BufWriter::new(std::io::stdout())),
            last_error: Value::Nil,
            pinned: Vec::new(),
            concat_buf: Vec::new(),
            gc: crate::gc::GcState::default(),
        };
        for (i, name) in TM_NAMES.iter().enumerate() {
            if let Ok(s) = vm.new_str(name.as_bytes()) {
                vm.tm_names[i] = s;
            }
        }
        // Indices 0-3 are used by name below; `TYPE_NAMES_AT` onwards hold the basic type
        // names in `Type` order (`type()` returns them without interning each time).
        for name in [
            "_G",
            "not enough memory",
            "_ENV",
            "n",
            "nil",
            "boolean",
            "number",
            "string",
            "table",
            "function",
            "userdata",
            "thread",
        ] {
            if let Ok(s) = vm.new_str(name.as_bytes()) {
                vm.heap.fixed_strings.push(s);
            }
        }
        vm.ts.stack.resize(STACK_SLACK * 2, Value::Nil);
        vm.ts.frames.push(Frame {
            kind: FrameKind::Host,
            func: 0,
            base: 1,
            pc: 0,
            top: 1,
            nresults: -1,
            cont: Cont::Normal,
            nvarargs: 0,
            c_depth: 0,
            tail: false,
            fast_ret: false,
        });
        let _ = vm.raw_set(Value::Table(registry), Value::Int(2), Value::Table(globals));
        vm.heap.alloc.cap = cap;
        vm.heap.alloc.threshold = vm.heap.alloc.used.max(1 << 18) * 2;
        vm.clamp_threshold_to_cap();
        vm
    }

    // ----- configuration -----

    /// Installs the compiler `load` uses (the VM itself never depends on one).
    pub fn set_compiler(&mut self, c: Compiler) {
        self.compiler = Some(c);
    }

    /// Replaces the sink `print` writes to (flushing the old one).
    pub fn set_output(&mut self, out: Box<dyn Write + Send>) {
        let _ = self.out.flush();
        self.out = out;
    }

    /// The sink `print` writes to.
    pub fn output(&mut self) -> &mut (dyn Write + Send) {
        &mut *self.out
    }

    /// Flushes the output sink.
    pub fn flush_output(&mut self) {
        let _ = self.out.flush();
    }

    /// Sets the heap cap in bytes.
    pub fn set_memory_cap(&mut self, cap: usize) {
        self.heap.alloc.cap = cap;
        self.clamp_threshold_to_cap();
    }

    /// How long a temporary buffer a native may build under the memory cap: half of what is
    /// left, since the buffer and the string made from it exist together for a moment. Natives
    /// that build strings check this before they allocate and as they grow, so a guest cannot
    /// make the host allocate far past the cap (`string.rep`, `format`, `gsub`, `pack`, ...).
    pub fn buffer_room(&self) -> usize {
        self.memory_room() / 2
    }

    /// Bytes left under the memory cap.
    pub fn memory_room(&self) -> usize {
        self.heap.alloc.cap.saturating_sub(self.heap.alloc.used)
    }

    /// Bytes the guest heap currently accounts for.
    pub fn memory_used(&self) -> usize {
        self.heap.alloc.used
    }

    /// What `collectgarbage("count")` reports, in bytes: `memory_used` without the arenas'
    /// slot buffers, which stay allocated when their objects are freed.
    pub fn memory_in_objects(&self) -> usize {
        self.heap
            .alloc
            .used
            .saturating_sub(self.heap.alloc.arena_bytes)
    }

    /// Bytes allocated over the VM's lifetime (as the heap accounts them).
    pub fn total_allocated(&self) -> u64 {
        self.heap.alloc.total
    }

    /// Sets the limits on stack slots and call frames per thread. Slots are capped at
    /// `MAX_STACK_LIMIT` (stack indices are kept in 32 bits in call frames).
    pub fn set_stack_limit(&mut self, max_slots: usize, max_frames: usize) {
        self.limits.max_stack = max_slots.min(MAX_STACK_LIMIT);
        self.limits.max_frames = max_frames;
    }

    /// Sets how deeply natives, metamethods and coroutine resumes may nest calls back into
    /// Lua (PUC's C stack levels): past it a call fails with `C stack overflow`. At most (and
    /// by default) `MAX_C_DEPTH - 2`, which keeps the host's own stack safe; lower values
    /// bound the host stack a script can use further.
    pub fn set_c_limit(&mut self, levels: u16) {
        self.limits.c_limit = levels.clamp(2, C_LIMIT);
    }

    /// Limits the number of coroutines alive at once (`None`: only memory limits them).
    /// Creating one more fails with `too many coroutines` (after a full collection has had
    /// the chance to free dead ones).
    pub fn set_thread_limit(&mut self, max: Option<usize>) {
        // The main thread counts too.
        self.limits.max_threads = max.map_or(usize::MAX, |m| m.saturating_add(1));
    }

    /// Gives every outermost host call (`call`, `resume_paused`) a wall-clock limit: it fails
    /// with `time limit exceeded` once `timeout` has passed since it started (`None`: no
    /// limit). A deadline set with `set_deadline` still applies; the earlier one wins.
    pub fn set_call_timeout(&mut self, timeout: Option<std::time::Duration>) {
        self.limits.call_timeout = timeout;
    }

    /// Turns a chunk into a proto: a binary chunk (first byte ESC) through the verifying
    /// undumper (`loadbin`), source text through the compile hook, if installed.
    pub fn compile(&mut self, src: &[u8], chunkname: &str) -> Option<Result<Arc<Proto>, String>> {
        // The compiler's memory is not accounted object by object; under a memory cap, a chunk
        // may be at most 1/COMPILE_FACTOR of the room left (parse trees of degenerate sources
        // reach about 100 bytes per source byte), so `load` of a huge string cannot make the
        // host allocate far past the cap.
        const COMPILE_FACTOR: usize = 128;
        let need = src.len().saturating_mul(COMPILE_FACTOR);
        if self.heap.alloc.cap != usize::MAX && need > self.memory_room() {
            let ok = self.emergency_collect() && need <= self.memory_room();
            self.stress_rearm();
            if !ok {
                return Some(Err("not enough memory".to_string()));
            }
        }
        if crate::loadbin::is_binary_chunk(src) {
            return Some(crate::loadbin::undump_chunk(src, chunkname));
        }
        self.compiler.as_ref().map(|c| c(src, chunkname))
    }

    /// The name `type()` returns for `v`, as a string value (interned once, at startup).
    pub fn type_name_value(&mut self, v: Value) -> Result<Value, Error> {
        match self.heap.type_name(v) {
            Some(s) => Ok(s),
            None => self.str_value(v.type_name()),
        }
    }

    // ----- allocation -----

    /// The `not enough memory` error (a string error value, like PUC's preallocated one).
    pub(crate) fn memory_error(&mut self) -> Error {
        match self.heap.fixed_strings.get(1) {
            Some(s) => Error::from_value(Value::Str(*s)),
            None => oom(),
        }
    }

    /// Creates a string. Its content is interned; a long one gets a fresh identity tag, so it
    /// is a new object as far as `%p` can tell (see `StrRef`).
    pub fn new_str(&mut self, bytes: &[u8]) -> Result<StrRef, Error> {
        let s = self.intern(bytes)?;
        if bytes.len() > crate::value::LONG_STR {
            let tag = self.heap.strings.next_tag();
            return Ok(s.with_tag(tag));
        }
        Ok(s)
    }

    /// The same content as a newly created string: a long string gets a fresh identity tag
    /// (no copy, no hashing); a short one is itself.
    pub fn str_new_object(&mut self, s: StrRef) -> StrRef {
        if self.str_bytes(s).len() > crate::value::LONG_STR {
            let tag = self.heap.strings.next_tag();
            return s.with_tag(tag);
        }
        s
    }

    /// The interner's hash of `bytes`; a huge string is hashed in blocks with the interrupt
    /// and deadline checked between them.
    #[inline]
    fn hash_for_intern(&mut self, bytes: &[u8]) -> Result<u64, Error> {
        if bytes.len() <= 4 * crate::limits::POLL_BYTES {
            return Ok(hash_bytes(bytes));
        }
        match crate::string::hash_bytes_stoppable(bytes, crate::limits::POLL_BYTES, || {
            self.limits_due()
        }) {
            Some(h) => Ok(h),
            None => Err(self.native_limit_error()),
        }
    }

    /// Interns a string (no identity tag).
    fn intern(&mut self, bytes: &[u8]) -> Result<StrRef, Error> {
        let hash = self.hash_for_intern(bytes)?;
        if let Some(s) = self.heap.strings.find(bytes, hash) {
            self.heap.fresh.note(Fresh::Value(Value::Str(s)));
            return Ok(s);
        }
        self.charge(string_cost(bytes.len()))?;
        let Some(new) = crate::string::LuaStr::copy_of(bytes, hash) else {
            self.heap.alloc.release(string_cost(bytes.len()));
            return Err(self.memory_error());
        };
        if let Err(e) = self.charge_growth(|vm| vm.heap.strings.growth()) {
            self.heap.alloc.release(string_cost(bytes.len()));
            return Err(e);
        }
        match self.heap.strings.insert(new) {
            Ok(s) => {
                self.heap.fresh.note(Fresh::Value(Value::Str(s)));
                Ok(s)
            }
            Err(()) => {
                self.heap.alloc.release(string_cost(bytes.len()));
                Err(self.memory_error())
            }
        }
    }

    /// `new_str` for a buffer the caller built: when the content is new, the buffer itself
    /// becomes the string (no second copy of a long concatenation).
    pub fn new_str_owned(&mut self, buf: Vec<u8>) -> Result<StrRef, Error> {
        let len = buf.len();
        let hash = self.hash_for_intern(&buf)?;
        let s = match self.heap.strings.find(&buf, hash) {
            Some(s) => s,
            None => {
                self.charge(string_cost(len))?;
                if let Err(e) = self.charge_growth(|vm| vm.heap.strings.growth()) {
                    self.heap.alloc.release(string_cost(len));
                    return Err(e);
                }
                match self
                    .heap
                    .strings
                    .insert(crate::string::LuaStr::from_vec(buf, hash))
                {
                    Ok(s) => s,
                    Err(()) => {
                        self.heap.alloc.release(string_cost(len));
                        return Err(self.memory_error());
                    }
                }
            }
        };
        self.heap.fresh.note(Fresh::Value(Value::Str(s)));
        if len > crate::value::LONG_STR {
            let tag = self.heap.strings.next_tag();
            return Ok(s.with_tag(tag));
        }
        Ok(s)
    }

    /// `str_value` for a buffer the caller built and gives up (see `new_str_owned`).
    pub fn str_value_owned(&mut self, buf: Vec<u8>) -> Result<Value, Error> {
        Ok(Value::Str(self.new_str_owned(buf)?))
    }

    /// Interns a string and wraps it as a value.
    pub fn str_value(&mut self, bytes: impl AsRef<[u8]>) -> Result<Value, Error> {
        Ok(Value::Str(self.new_str(bytes.as_ref())?))
    }

    /// The bytes of a string.
    #[inline]
    pub fn str_bytes(&self, s: StrRef) -> &[u8] {
        self.heap.strings.get(s).as_bytes()
    }

    /// Creates a table with size hints.
    pub fn new_table_with(&mut self, narr: usize, nhash: usize) -> Result<TableRef, Error> {
        let t = match self.heap.new_table(narr, nhash) {
            Some(t) => t,
            None => self.new_table_after_collect(narr, nhash)?,
        };
        self.heap.fresh.note(Fresh::Value(Value::Table(t)));
        Ok(t)
    }

    #[cold]
    #[inline(never)]
    fn new_table_after_collect(&mut self, narr: usize, nhash: usize) -> Result<TableRef, Error> {
        let t = if self.emergency_collect() {
            self.heap.new_table(narr, nhash)
        } else {
            None
        };
        self.stress_rearm();
        t.ok_or_else(|| self.memory_error())
    }

    /// Creates an empty table.
    pub fn new_table(&mut self) -> Result<TableRef, Error> {
        self.new_table_with(0, 0)
    }

    /// Registers a native function. `name` is used in `bad argument` messages when the call
    /// site does not name the function.
    pub fn new_native(&mut self, name: &'static str, f: NativeFn) -> Result<Value, Error> {
        self.new_native_kind(name, NativeKind::Fn(f), Box::new([]))
    }

    /// Registers a native function with upvalues (read them with `native_upvalue`).
    pub fn new_native_with_upvalues(
        &mut self,
        name: &'static str,
        f: NativeFn,
        upvals: &[Value],
    ) -> Result<Value, Error> {
        self.new_native_kind(name, NativeKind::Fn(f), upvals.into())
    }

    /// Registers a boxed native closure.
    pub fn new_boxed_native(
        &mut self,
        name: &'static str,
        f: crate::heap::BoxedNative,
    ) -> Result<Value, Error> {
        self.new_native_kind(name, NativeKind::Boxed(f), Box::new([]))
    }

    /// Registers a boxed native closure with upvalues: values it keeps alive (and can read
    /// with `native_upvalue`) for as long as it lives.
    pub fn new_boxed_native_with_upvalues(
        &mut self,
        name: &'static str,
        f: crate::heap::BoxedNative,
        upvals: &[Value],
    ) -> Result<Value, Error> {
        self.new_native_kind(name, NativeKind::Boxed(f), upvals.into())
    }

    pub(crate) fn new_native_kind(
        &mut self,
        name: &'static str,
        kind: NativeKind,
        upvals: Box<[Value]>,
    ) -> Result<Value, Error> {
        let cost = crate::heap::NATIVE_COST + upvals.len() * 16;
        self.charge_keeping(cost, &upvals)?;
        self.charge_growth(|vm| vm.heap.natives.growth())?;
        match self
            .heap
            .natives
            .alloc(NativeFunction { kind, name, upvals })
        {
            Ok(h) => {
                let v = Value::Native(NativeRef(h));
                self.heap.fresh.note(Fresh::Value(v));
                if self.heap.barrier.born_marked() {
                    // Born marked: its upvalues must be marked too.
                    let b = &mut self.heap.barrier;
                    b.forward
                        .extend_from_slice(&self.heap.natives.get(h).upvals);
                }
                Ok(v)
            }
            Err(()) => Err(self.memory_error()),
        }
    }

    /// Upvalue `i` of the native function running in the current frame (nil if none).
    pub fn native_upvalue(&self, i: usize) -> Value {
        if let Some(Frame {
            kind: FrameKind::Native { f },
            ..
        }) = self.ts.frames.last()
        {
            return self
                .heap
                .natives
                .get(f.0)
                .upvals
                .get(i)
                .copied()
                .unwrap_or(Value::Nil);
        }
        Value::Nil
    }

    /// Sets upvalue `i` of the running native (ignored if out of range).
    pub fn set_native_upvalue(&mut self, i: usize, v: Value) {
        if let Some(Frame {
            kind: FrameKind::Native { f },
            ..
        }) = self.ts.frames.last()
        {
            let f = *f;
            if let Some(slot) = self.heap.natives.get_mut(f.0).upvals.get_mut(i) {
                *slot = v;
                let marked = self.heap.natives.is_marked(f.0);
                self.heap.barrier_forward(marked, v);
            }
        }
    }

    pub(crate) fn new_upval(&mut self, u: Upval) -> Result<UpvalRef, Error> {
        let keep = match u {
            Upval::Closed(v) => v,
            _ => Value::Nil,
        };
        self.charge_keeping(crate::heap::UPVAL_COST, &[keep])?;
        self.charge_growth(|vm| vm.heap.upvals.growth())?;
        match self.heap.upvals.alloc(u) {
            Ok(h) => {
                self.heap.fresh.note(Fresh::Upval(UpvalRef(h)));
                // Born marked while a cycle marks: the value it holds must be marked too.
                if self.heap.barrier.born_marked() {
                    self.heap.barrier.record(keep);
                }
                Ok(UpvalRef(h))
            }
            Err(()) => Err(self.memory_error()),
        }
    }

    pub(crate) fn new_closure(
        &mut self,
        proto: ProtoRef,
        upvals: Box<[UpvalRef]>,
    ) -> Result<FnRef, Error> {
        let cost = crate::heap::CLOSURE_COST + upvals.len() * 8;
        if self.heap.alloc.charge(cost).is_err() {
            self.heap.fresh.note(Fresh::Proto(proto));
            for &u in upvals.iter() {
                self.heap.fresh.note(Fresh::Upval(u));
            }
            self.charge_after_collect(cost)?;
        }
        self.charge_growth(|vm| vm.closures.growth())?;
        let p = &self.protos.get(proto.0).proto;
        let (num_params, is_vararg, max_stack) = (p.num_params, p.is_vararg, p.max_stack);
        let up0 = upvals.first().copied().unwrap_or(UpvalRef::NONE);
        match self.closures.alloc(LuaClosure {
            proto,
            upvals,
            up0,
            num_params,
            is_vararg,
            max_stack,
            fixed_nargs: if is_vararg {
                u32::MAX
            } else {
                num_params as u32
            },
        }) {
            Ok(h) => {
                self.heap.fresh.note(Fresh::Value(Value::LuaFn(FnRef(h))));
                if self.heap.barrier.born_marked() {
                    // Born marked: its upvalues must be marked too.
                    let b = &mut self.heap.barrier;
                    b.forward_upvals
                        .extend_from_slice(&self.closures.get(h).upvals);
                }
                Ok(FnRef(h))
            }
            Err(()) => Err(self.memory_error()),
        }
    }

    /// Loads a prototype tree: constants become values, children are loaded too. Iterative (an
    /// explicit work list), so nesting depth cannot overflow the Rust stack.
    pub(crate) fn load_proto(&mut self, root: &Arc<Proto>) -> Result<ProtoRef, Error> {
        // First pass: allocate every proto in pre-order, recording children indices.
        let mut order: Vec<(Arc<Proto>, ProtoRef)> = Vec::new();
        let mut work = vec![root.clone()];
        // Equal long constants anywhere in one chunk are one object, as PUC's lexer makes them.
        let mut long_consts: std::collections::HashMap<u32, StrRef> = Default::default();
        while let Some(p) = work.pop() {
            let mut consts = Vec::with_capacity(p.consts.len());
            for c in &p.consts {
                consts.push(match c {
                    Constant::Nil => Value::Nil,
                    Constant::Bool(b) => Value::Bool(*b),
                    Constant::Int(i) => Value::Int(*i),
                    Constant::Float(f) => Value::Float(*f),
                    Constant::Str(s) if s.len() > crate::value::LONG_STR => {
                        let h = self.intern(s)?;
                        let tag = match long_consts.get(&h.index()) {
                            Some(t) => *t,
                            None => {
                                let tag = self.heap.strings.next_tag();
                                let t = h.with_tag(tag);
                                long_consts.insert(h.index(), t);
                                t
                            }
                        };
                        Value::Str(tag)
                    }
                    Constant::Str(s) => Value::Str(self.intern(s)?),
                });
            }
            // Per instruction: its copy in `code` and its field-lookup hint, besides the
            // shared `Proto`.
            let cost = PROTO_COST + p.code.len() * 22 + consts.len() * 16;
            self.charge(cost)?;
            let lp = LoadedProto {
                proto: p.clone(),
                code: p.code.clone().into_boxed_slice(),
                may_close: p.code.iter().any(|i| {
                    matches!(
                        i,
                        tape_bytecode::Instr::Closure { .. } | tape_bytecode::Instr::Tbc { .. }
                    )
                }),
                consts: consts.into_boxed_slice(),
                children: Box::new([]),
                hints: p.code.iter().map(|_| std::cell::Cell::new(0)).collect(),
            };
            self.charge_growth(|vm| vm.protos.growth())?;
            let h = match self.protos.alloc(lp) {
                Ok(h) => ProtoRef(h),
                Err(()) => return Err(self.memory_error()),
            };
            self.heap.fresh.note(Fresh::Proto(h));
            order.push((p.clone(), h));
            for c in p.protos.iter().rev() {
                work.push(c.clone());
            }
        }
        // Pre-order: the children of order[i] are the next subtrees in sequence. Rebuild the
        // links with a second walk that mirrors the first.
        let mut idx = 0usize;
        let mut stack: Vec<(ProtoRef, usize, Vec<ProtoRef>)> = Vec::new();
        let mut root_ref = None;
        while idx < order.len() || !stack.is_empty() {
            if let Some((_, want, kids)) = stack.last() {
                if kids.len() == *want {
                    let (h, _, kids) = stack.pop().unwrap_or_default_frame();
                    self.protos.get_mut(h.0).children = kids.into_boxed_slice();
                    match stack.last_mut() {
                        Some((_, _, parent_kids)) => parent_kids.push(h),
                        None => root_ref = Some(h),
                    }
                    continue;
                }
            }
            let (p, h) = match order.get(idx) {
                Some(x) => x.clone(),
                None => break,
            };
            idx += 1;
            stack.push((h, p.protos.len(), Vec::new()));
        }
        match root_ref {
            Some(r) => Ok(r),
            None => Ok(order[0].1),
        }
    }

    /// Loads a compiled main chunk as a closure whose single upvalue (`_ENV`) is the globals
    /// table (or `env` when given).
    pub fn load_proto_closure(
        &mut self,
        proto: &Arc<Proto>,
        env: Option<Value>,
    ) -> Result<Value, Error> {
        let p = self.load_proto(proto)?;
        let n = proto.upvals.len();
        let mut ups = Vec::with_capacity(n);
        for i in 0..n {
            let v = if i == 0 {
                env.unwrap_or(Value::Table(self.globals))
            } else {
                Value::Nil
            };
            ups.push(self.new_upval(Upval::Closed(v))?);
        }
        let f = self.new_closure(p, ups.into_boxed_slice())?;
        Ok(Value::LuaFn(f))
    }

    /// Compiles (through the installed hook) and loads a chunk.
    pub fn load(&mut self, src: &[u8], chunkname: &str) -> Result<Value, Error> {
        let proto = match self.compile(src, chunkname) {
            Some(Ok(p)) => p,
            Some(Err(msg)) => {
                let v = self.str_value(msg.as_bytes())?;
                let mut e = Error::from_value(v);
                e.set_message(msg);
                return Err(e);
            }
            None => {
                let msg = "no compiler installed".to_string();
                let v = self.str_value(msg.as_bytes())?;
                let mut e = Error::from_value(v);
                e.set_message(msg);
                return Err(e);
            }
        };
        self.load_proto_closure(&proto, None)
    }

    // ----- globals and registry -----

    /// The globals table (`_G`).
    pub fn globals(&self) -> TableRef {
        self.globals
    }

    /// The registry table (host-private).
    pub fn registry(&self) -> TableRef {
        self.registry
    }

    /// Reads a global (raw).
    pub fn get_global(&mut self, name: &str) -> Result<Value, Error> {
        let k = self.new_str(name.as_bytes())?;
        Ok(self.heap.table(self.globals).get_str(k))
    }

    /// Sets a global (raw).
    pub fn set_global(&mut self, name: &str, v: Value) -> Result<(), Error> {
        let k = self.new_str(name.as_bytes())?;
        self.raw_set(Value::Table(self.globals), Value::Str(k), v)
    }

    /// Sets the metatable shared by all values of a non-table, non-userdata type.
    pub fn set_type_metatable(&mut self, ty: crate::value::Type, mt: Option<TableRef>) {
        self.type_meta[ty as usize] = mt;
    }

    /// Sets the metatable shared by all light userdata (PUC keeps it apart from the per-value
    /// metatables of full userdata).
    pub fn set_light_userdata_metatable(&mut self, mt: Option<TableRef>) {
        self.type_meta[LIGHT_UD_META] = mt;
    }

    /// Keeps `v` alive until `unpin_all` (for hosts holding values across calls).
    pub fn pin(&mut self, v: Value) {
        self.pinned.push(v);
    }

    /// Drops all pins.
    pub fn unpin_all(&mut self) {
        self.pinned.clear();
    }

    // ----- raw table access -----

    /// Raw get (`rawget`); nil for non-tables.
    #[inline]
    pub fn raw_get(&self, t: Value, k: Value) -> Value {
        match t {
            Value::Table(t) => self.heap.table(t).get(k),
            _ => Value::Nil,
        }
    }

    /// Raw get with an integer key.
    pub fn raw_get_int(&self, t: TableRef, i: i64) -> Value {
        self.heap.table(t).get_int(i)
    }

    /// `t[to + j] = t[from + j]` for `j` in `0..n`, as raw gets and sets in an order that
    /// reads each item before it is overwritten, when all `2n` keys lie in the array part
    /// (false, nothing done, otherwise). What `table.insert`/`remove` shift, in one move.
    pub fn raw_shift(&mut self, t: TableRef, from: i64, to: i64, n: i64) -> bool {
        self.heap.table_mut(t, ()).shift_in_array(from, to, n)
    }

    /// Raw set (`rawset`): errors for nil/NaN keys and memory exhaustion.
    pub fn raw_set(&mut self, t: Value, k: Value, v: Value) -> Result<(), Error> {
        let Value::Table(t) = t else {
            return Err(self.rt_error("attempt to index a non-table value"));
        };
        match k {
            Value::Nil => return Err(self.rt_error("table index is nil")),
            Value::Float(f) if f.is_nan() => return Err(self.rt_error("table index is NaN")),
            _ => {}
        }
        let r = {
            let (tb, alloc) = self.heap.table_mut_alloc(t, (k, v));
            tb.set(k, v, alloc)
        };
        if r.is_err() {
            return self.table_set_after_collect(t, k, v);
        }
        Ok(())
    }

    /// Raw set with an integer key.
    #[inline]
    pub fn raw_set_int(&mut self, t: TableRef, i: i64, v: Value) -> Result<(), Error> {
        if self.heap.table_mut(t, v).set_in_array(i, v) {
            return Ok(());
        }
        self.raw_set_int_hashed(t, i, v)
    }

    /// `raw_set_int` past the array part (kept out of line so that the array case, which
    /// table.insert/remove and SETLIST repeat, saves no registers for the retry).
    #[inline(never)]
    fn raw_set_int_hashed(&mut self, t: TableRef, i: i64, v: Value) -> Result<(), Error> {
        let r = {
            let (tb, alloc) = self.heap.table_mut_alloc(t, v);
            tb.set_int(i, v, alloc)
        };
        if r.is_err() {
            return self.table_set_after_collect(t, Value::Int(i), v);
        }
        Ok(())
    }

    /// A raw table store that failed on the memory cap (nothing was changed): collect in an
    /// emergency, with the store's operands kept, and try once more.
    #[cold]
    #[inline(never)]
    pub(crate) fn table_set_after_collect(
        &mut self,
        t: TableRef,
        k: Value,
        v: Value,
    ) -> Result<(), Error> {
        self.heap.fresh.note_values(&[Value::Table(t), k, v]);
        let ok = self.emergency_collect() && {
            let (tb, alloc) = self.heap.table_mut_alloc(t, (k, v));
            tb.set(k, v, alloc)
        }
        .is_ok();
        self.stress_rearm();
        if ok {
            return Ok(());
        }
        Err(self.memory_error())
    }

    /// Grows a table's array part to `n` slots (SETLIST), with an emergency collection and
    /// one more try when the memory cap refuses it.
    pub(crate) fn ensure_array(&mut self, t: TableRef, n: usize) -> Result<(), Error> {
        let (tb, alloc) = self.heap.table_mut_alloc(t, ());
        if tb.ensure_array(n, alloc).is_ok() {
            return Ok(());
        }
        self.heap.fresh.note_value(Value::Table(t));
        let ok = self.emergency_collect() && {
            let (tb, alloc) = self.heap.table_mut_alloc(t, ());
            tb.ensure_array(n, alloc)
        }
        .is_ok();
        self.stress_rearm();
        if ok {
            return Ok(());
        }
        Err(self.memory_error())
    }

    /// Charges `n` bytes against the memory cap; when they do not fit, collects in an
    /// emergency (PUC's `luaM_` retry) and tries once more.
    #[inline]
    pub(crate) fn charge(&mut self, n: usize) -> Result<(), Error> {
        if self.heap.alloc.charge(n).is_ok() {
            return Ok(());
        }
        self.charge_after_collect(n)
    }

    /// Charges the growth of an arena's buffers (`Arena::growth`) before an object goes in.
    #[inline]
    pub(crate) fn charge_growth(&mut self, g: impl Fn(&Vm) -> usize) -> Result<(), Error> {
        let n = g(self);
        if n == 0 {
            return Ok(());
        }
        self.charge_growth_slow(n, &g)
    }

    #[cold]
    #[inline(never)]
    fn charge_growth_slow(&mut self, n: usize, g: &dyn Fn(&Vm) -> usize) -> Result<(), Error> {
        // The old buffers (as large as the growth) live on while they are copied: the cap
        // must have room for both; only the growth stays charged.
        let n = if self.heap.alloc.charge(2 * n).is_ok() {
            n
        } else {
            // Collect, then ask again: the collection may have freed slots, and then the
            // arena need not grow at all.
            let collected = self.emergency_collect();
            let n = g(self);
            let ok = collected && (n == 0 || self.heap.alloc.charge(2 * n).is_ok());
            self.stress_rearm();
            if !ok {
                return Err(self.memory_error());
            }
            n
        };
        self.heap.alloc.release(n);
        self.heap.alloc.arena_bytes += n;
        Ok(())
    }

    /// `charge` for an allocation whose inputs (`keep`) a collection must not free.
    #[inline]
    pub(crate) fn charge_keeping(&mut self, n: usize, keep: &[Value]) -> Result<(), Error> {
        if self.heap.alloc.charge(n).is_ok() {
            return Ok(());
        }
        self.heap.fresh.note_values(keep);
        self.charge_after_collect(n)
    }

    #[cold]
    #[inline(never)]
    pub(crate) fn charge_after_collect(&mut self, n: usize) -> Result<(), Error> {
        let ok = self.emergency_collect() && self.heap.alloc.charge(n).is_ok();
        self.stress_rearm();
        if ok {
            return Ok(());
        }
        Err(self.memory_error())
    }

    /// Whether a native may build a buffer of `n` bytes (see `buffer_room`), collecting in an
    /// emergency first when it may not.
    pub fn room_for(&mut self, n: usize) -> bool {
        if n <= self.buffer_room() {
            return true;
        }
        let ok = self.emergency_collect() && n <= self.buffer_room();
        self.stress_rearm();
        ok
    }

    /// Sets `t[name] = v` raw with a string key (handy for building libraries).
    pub fn set_field(&mut self, t: TableRef, name: &str, v: Value) -> Result<(), Error> {
        let k = self.new_str(name.as_bytes())?;
        self.raw_set(Value::Table(t), Value::Str(k), v)
    }

    /// Raw length of a table (a border).
    pub fn raw_len_table(&self, t: TableRef) -> i64 {
        self.heap.table(t).len()
    }

    /// `next(t, k)`: `Ok(None)` at the end; `Err` (`invalid key to 'next'`) for a bad key.
    pub fn next(&mut self, t: TableRef, k: Value) -> Result<Option<(Value, Value)>, Error> {
        match self.heap.table(t).next(k) {
            Ok(r) => Ok(r),
            Err(()) => Err(self.rt_error("invalid key to 'next'")),
        }
    }

    /// Declares native `f` to be the standard `next` (`IteratorRole::Next`: `next(t, k)` on a
    /// table, raw) or `ipairs`'s iterator (`IteratorRole::Ipairs`: `(t, i)` gives `i + 1` and
    /// `t[i + 1]`, nil at the first nil, through `__index`). A generic `for` over such an
    /// iterator then steps a table without a metatable inside the dispatch loop; the native
    /// itself still runs whenever the loop does not (hooks, a metatable, an error to raise).
    /// The native is kept alive from then on. Anything but a native is ignored.
    pub fn set_iterator_native(&mut self, f: Value, role: IteratorRole) {
        if let Value::Native(n) = f {
            match role {
                IteratorRole::Next => self.heap.iter_next = Some(n),
                IteratorRole::Ipairs => self.heap.iter_ipairs = Some(n),
            }
        }
    }

    /// Gives native `f` (made by `new_native`) a fast form the interpreter may call instead of
    /// it when at most four results are wanted, or all of them (`FastFn`). `fast` must do
    /// what `f` does for the arguments it accepts and return exactly the value `f` returns
    /// (`None`, having changed nothing, for the rest): nothing can tell which of the two ran,
    /// except that the fast form pushes no frame, runs no hook and charges no fuel beyond the
    /// call's own, so it must take constant time.
    pub fn set_fast_native(&mut self, f: Value, fast: crate::heap::FastFn) {
        self.set_fast_native_results(f, fast, 1);
    }

    /// `set_fast_native` for a native that returns `results` values: 0 (`fast` returns
    /// `Some(_)`, any value, when it has done what `f` does), 1, or 3 (`fast` returns the first
    /// and gives the others to `FastCx::set_more`). Any other count leaves `f` as it is.
    pub fn set_fast_native_results(&mut self, f: Value, fast: crate::heap::FastFn, results: u8) {
        if !matches!(results, 0 | 1 | 3) {
            return;
        }
        if let Value::Native(n) = f {
            if let Some(nf) = self.heap.natives.get_live_mut(n.0) {
                if let NativeKind::Fn(f) = nf.kind {
                    nf.kind = NativeKind::Fast(f, fast, results);
                }
            }
        }
    }

    /// Sets a table's metatable (no `__metatable` check; the library does that).
    pub fn set_metatable(&mut self, t: TableRef, mt: Option<TableRef>) {
        self.heap
            .table_mut(t, mt.map_or(Value::Nil, Value::Table))
            .set_meta(mt);
        self.check_finalizer(Value::Table(t), mt);
    }

    // ----- native stack helpers -----

    /// Argument `i` (0-based) of a native call, nil if absent.
    #[inline]
    pub fn arg(&self, args: Args, i: usize) -> Value {
        if i < args.n {
            self.ts.stack[args.base + i]
        } else {
            Value::Nil
        }
    }

    /// Pushes a result (or a temporary) on top of the running native's stack area.
    #[inline]
    pub fn push(&mut self, v: Value) -> Result<(), Error> {
        let top = match self.ts.frames.last() {
            Some(f) => f.top,
            None => 0,
        };
        if top >= self.ts.stack.len() {
            self.grow_stack_keeping(top + 1, v)?;
        }
        self.ts.stack[top] = v;
        if let Some(f) = self.ts.frames.last_mut() {
            f.top = top + 1;
        }
        Ok(())
    }

    /// Makes sure the stack has at least `n` slots (plus slack), or fails with `stack overflow`.
    /// `grow_stack` for values held outside the stack (a call's function and arguments about
    /// to be stored), which an emergency collection must keep.
    pub(crate) fn grow_stack_for(&mut self, n: usize, keep: &[Value]) -> Result<(), Error> {
        if n <= self.ts.stack.len() {
            return Ok(());
        }
        self.heap.fresh.note_values(keep);
        self.grow_stack(n)
    }

    /// `grow_stack` for a push of `v`, which an emergency collection must keep.
    #[cold]
    #[inline(never)]
    fn grow_stack_keeping(&mut self, n: usize, v: Value) -> Result<(), Error> {
        self.heap.fresh.note_value(v);
        self.grow_stack(n)
    }

    pub(crate) fn grow_stack(&mut self, n: usize) -> Result<(), Error> {
        if n <= self.ts.stack.len() {
            return Ok(());
        }
        if n > self.limits.max_stack + STACK_SLACK * 2 {
            return Err(self.rt_error("stack overflow"));
        }
        let want = (self.ts.stack.len() * 2)
            .max(n + STACK_SLACK)
            .min(self.limits.max_stack + STACK_SLACK * 2);
        let want = want.max(n);
        let extra = want - self.ts.stack.len();
        // Stack slots count against the memory cap, charged before they are allocated.
        let old_cap = self.ts.stack.capacity();
        let charge = want.saturating_sub(old_cap) * std::mem::size_of::<Value>();
        // The old buffer lives on while it is copied: room for it too, charged only meanwhile.
        let old_bytes = old_cap * std::mem::size_of::<Value>();
        self.charge(charge + old_bytes)?;
        self.heap.alloc.release(old_bytes);
        self.gc.thread_bytes += charge;
        if self.ts.stack.try_reserve_exact(extra).is_err() {
            return Err(self.memory_error());
        }
        self.ts.stack.resize(want, Value::Nil);
        Ok(())
    }

    /// Makes room for one more frame on the running thread, charging the frame vector's
    /// growth to the memory cap before it happens (deep recursion in many suspended
    /// coroutines is memory like any other).
    #[inline]
    pub(crate) fn reserve_frame(&mut self) -> Result<(), Error> {
        if self.ts.frames.len() < self.ts.frames.capacity() {
            return Ok(());
        }
        self.grow_frames()
    }

    #[cold]
    fn grow_frames(&mut self) -> Result<(), Error> {
        let add = self.ts.frames.len().max(8);
        let charge = add * std::mem::size_of::<crate::thread::Frame>();
        // Room for the old buffer too while it is copied (see `grow_stack`).
        let old_bytes = self.ts.frames.capacity() * std::mem::size_of::<crate::thread::Frame>();
        self.charge(charge + old_bytes)?;
        self.heap.alloc.release(old_bytes);
        if self.ts.frames.try_reserve_exact(add).is_err() {
            self.heap.alloc.release(charge);
            return Err(self.memory_error());
        }
        self.gc.thread_bytes += charge;
        Ok(())
    }

    /// The bytes every thread's stack and frame vector hold now (the running thread's are in
    /// the `Vm`'s own fields).
    pub(crate) fn thread_memory(&self) -> usize {
        let frame = std::mem::size_of::<crate::thread::Frame>();
        let val = std::mem::size_of::<Value>();
        let mut n = self.ts.stack.capacity() * val + self.ts.frames.capacity() * frame;
        for h in self.heap.threads.live_handles() {
            let t = self.heap.threads.get(h);
            n += t.state.stack.capacity() * val + t.state.frames.capacity() * frame;
        }
        n
    }

    /// Current top of the running native frame.
    pub(crate) fn cur_top(&self) -> usize {
        self.ts.frames.last().map(|f| f.top).unwrap_or(0)
    }

    pub(crate) fn set_cur_top(&mut self, top: usize) {
        if let Some(f) = self.ts.frames.last_mut() {
            f.top = top;
        }
    }

    /// Number of frames on the running thread (for library code).
    pub fn frame_depth(&self) -> usize {
        self.ts.frames.len()
    }
}

/// Pop helper that never panics (an empty stack is an internal error; returns a harmless value).
trait PopOr {
    fn unwrap_or_default_frame(self) -> (ProtoRef, usize, Vec<ProtoRef>);
}

impl PopOr for Option<(ProtoRef, usize, Vec<ProtoRef>)> {
    fn unwrap_or_default_frame(self) -> (ProtoRef, usize, Vec<ProtoRef>) {
        self.unwrap_or_else(|| (ProtoRef::default(), 0, Vec::new()))
    }
}

impl Vm {
    /// Reads a raw stack slot (for results returned by `call_raw`).
    pub fn stack_get(&self, i: usize) -> Value {
        self.ts.stack.get(i).copied().unwrap_or(Value::Nil)
    }

    /// Drops everything a native pushed above its arguments.
    pub fn truncate_to_args(&mut self, args: Args) {
        self.set_cur_top(args.base + args.n);
    }
}

impl Vm {
    /// Creates a full userdata holding `data`, with an optional metatable and one user value.
    pub fn new_userdata(
        &mut self,
        data: Box<dyn std::any::Any + Send>,
        meta: Option<TableRef>,
    ) -> Result<Value, Error> {
        self.new_userdata_uv(data, meta, true)
    }

    /// `new_userdata` with or without the user value slot (PUC's `lua_newuserdatauv` with
    /// 1 or 0): `debug.getuservalue`/`setuservalue` accept only slots a userdata has.
    pub fn new_userdata_uv(
        &mut self,
        data: Box<dyn std::any::Any + Send>,
        meta: Option<TableRef>,
        user_value: bool,
    ) -> Result<Value, Error> {
        self.charge_keeping(
            crate::heap::USERDATA_COST,
            &[meta.map_or(Value::Nil, Value::Table)],
        )?;
        self.charge_growth(|vm| vm.heap.userdata.growth())?;
        let ud = crate::heap::Userdata {
            meta,
            user_value: Value::Nil,
            has_user_value: user_value,
            data: Some(data),
        };
        match self.heap.userdata.alloc(ud) {
            Ok(h) => {
                let v = Value::Userdata(crate::value::UdRef(h));
                self.heap.fresh.note(Fresh::Value(v));
                if let Some(mt) = meta {
                    self.heap.barrier_forward(true, Value::Table(mt));
                }
                self.check_finalizer(v, meta);
                Ok(v)
            }
            Err(()) => Err(self.memory_error()),
        }
    }

    /// The payload of a userdata.
    pub fn userdata(&self, u: crate::value::UdRef) -> Option<&(dyn std::any::Any + Send)> {
        self.heap.userdata.get(u.0).data.as_deref()
    }

    /// The payload of a userdata, mutably.
    pub fn userdata_mut(
        &mut self,
        u: crate::value::UdRef,
    ) -> Option<&mut (dyn std::any::Any + Send)> {
        self.heap.userdata.get_mut(u.0).data.as_deref_mut()
    }

    /// Sets a userdata's metatable.
    pub fn set_userdata_metatable(&mut self, u: crate::value::UdRef, mt: Option<TableRef>) {
        self.heap.userdata.get_mut(u.0).meta = mt;
        if let Some(mt) = mt {
            let marked = self.heap.userdata.is_marked(u.0);
            self.heap.barrier_forward(marked, Value::Table(mt));
        }
        self.check_finalizer(Value::Userdata(u), mt);
    }

    /// The payload of a userdata value if it holds a `T`.
    pub fn userdata_ref<T: std::any::Any>(&self, v: Value) -> Option<&T> {
        match v {
            Value::Userdata(u) => self.heap.userdata.get(u.0).data.as_deref()?.downcast_ref(),
            _ => None,
        }
    }

    /// The payload of a userdata value, mutably, if it holds a `T`.
    pub fn userdata_ref_mut<T: std::any::Any>(&mut self, v: Value) -> Option<&mut T> {
        match v {
            Value::Userdata(u) => self
                .heap
                .userdata
                .get_mut(u.0)
                .data
                .as_deref_mut()?
                .downcast_mut(),
            _ => None,
        }
    }

    /// A userdata's user value (`debug.getuservalue`); `set_user_value` sets it.
    pub fn user_value(&self, u: crate::value::UdRef) -> Value {
        self.heap.userdata.get(u.0).user_value
    }

    /// How many user values a userdata has (0 or 1).
    pub fn user_value_count(&self, u: crate::value::UdRef) -> usize {
        usize::from(self.heap.userdata.get(u.0).has_user_value)
    }

    pub fn set_user_value(&mut self, u: crate::value::UdRef, v: Value) {
        self.heap.userdata.get_mut(u.0).user_value = v;
        let marked = self.heap.userdata.is_marked(u.0);
        self.heap.barrier_forward(marked, v);
    }
}
