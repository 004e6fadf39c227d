//! The guest heap: per-kind arenas (strings, tables, closures, natives, upvalues, userdata,
//! threads) and the byte accounting behind the memory cap.
//!
//! Every allocation charges `Alloc` first; if the charge would pass the cap the allocation fails
//! with `not enough memory` (a catchable Lua error) and nothing is allocated. Growth uses
//! `try_reserve`, so even the host allocator failing is an error, not an abort.
//!
//! # The GC rule for natives
//! The collector (`gc.rs`) runs only at safe points of the interpreter loop, never in the middle
//! of a native's Rust code. But a native that calls back into Lua (`Vm::call`) lets the
//! interpreter run, and so the collector: any heap value the native still needs after the call
//! must be kept in one of its own stack slots (its arguments, or values it pushed), not only in a
//! Rust local.
//!
//! An *emergency* collection (`Vm::emergency_collect`) is the exception: it runs where an
//! allocation was refused by the cap, possibly in the middle of a native. It keeps everything in
//! `Heap::fresh` (objects created or looked up since the last safe point) and whole stacks, so
//! the rule above is all a native has to follow; one that takes a value out of the heap (a table
//! slot it clears, say) and then allocates before pushing it must note it with
//! `FreshList::note_value` first.

use crate::arena::{Arena, SLOT_META_BYTES};
use crate::string::Strings;
use crate::table::{OutOfMemory, Table, TABLE_BASE_COST};
use crate::thread::Thread;
use crate::value::{ProtoRef, TableRef, UpvalRef, Value};
use crate::vm::Vm;
use crate::Error;
use std::any::Any;
use std::sync::Arc;

/// Byte accounting. `used` counts live bytes as the heap estimates them; `cap` is the limit.
pub(crate) struct Alloc {
    pub used: usize,
    pub cap: usize,
    /// Collect when `used` reaches this (set after each cycle to twice the live size).
    pub threshold: usize,
    /// Bytes ever charged (statistics).
    pub total: u64,
    /// Of `used`, the arenas' slot buffers (`Arena::growth`): charged against the cap, kept
    /// out of `collectgarbage("count")` (they do not shrink when objects are freed).
    pub arena_bytes: usize,
    /// Of `arena_bytes`, the table arena's, brought up to date at each collection (NEWTABLE
    /// in the interpreter loop grows that arena uncharged).
    pub table_arena: usize,
    /// Spare small table parts for rehashes to reuse (see `table::PartPool`).
    pub(crate) part_pool: crate::table::PartPool,
}

impl Alloc {
    pub fn new(cap: usize) -> Alloc {
        Alloc {
            used: 0,
            cap,
            threshold: 1 << 20,
            total: 0,
            arena_bytes: 0,
            table_arena: 0,
            part_pool: Default::default(),
        }
    }

    #[inline]
    pub fn charge(&mut self, n: usize) -> Result<(), OutOfMemory> {
        let new = self.used.saturating_add(n);
        if new > self.cap {
            return Err(OutOfMemory);
        }
        self.used = new;
        self.total += n as u64;
        Ok(())
    }

    #[inline]
    pub fn release(&mut self, n: usize) {
        self.used = self.used.saturating_sub(n);
    }
}

/// A Lua function value: a loaded prototype plus its upvalue cells.
#[derive(Default)]
pub struct LuaClosure {
    pub(crate) proto: ProtoRef,
    pub(crate) upvals: Box<[UpvalRef]>,
    /// A copy of `upvals[0]` (or a handle no arena holds, when there is none), one load closer
    /// for the interpreter: reading a closure's first upvalue is the common case, and recursive
    /// calls through a `local function` go through it.
    pub(crate) up0: UpvalRef,
    /// Copies of the proto's call shape, so a call needs no trip through the proto.
    pub(crate) num_params: u8,
    pub(crate) is_vararg: bool,
    pub(crate) max_stack: u8,
    /// `num_params` for a function without `...`, `u32::MAX` (no argument count: stacks are
    /// capped at 2^30 slots) for a vararg one: a call with this many arguments needs no
    /// adjustment.
    pub(crate) fixed_nargs: u32,
}

/// A prototype as loaded into this VM: the immutable `Proto` plus its constants turned into
/// values (strings interned) and its children loaded too. Collected like other objects.
pub struct LoadedProto {
    pub(crate) proto: Arc<tape_bytecode::Proto>,
    /// A copy of `proto.code`, one pointer hop closer for the interpreter's frame entry.
    pub(crate) code: Box<[tape_bytecode::Instr]>,
    /// The code has a CLOSURE or TBC: a frame running it may own open upvalues or to-be-closed
    /// slots, so returning from it must look for them. (A generic `for`'s closing value, which
    /// is registered only when present, is checked at run time: the interpreter's inline
    /// return and tail call look at the pending to-be-closed list instead.)
    pub(crate) may_close: bool,
    pub(crate) consts: Box<[Value]>,
    pub(crate) children: Box<[ProtoRef]>,
    /// One per instruction: for a GETFIELD, SELF, SETFIELD or GETTABUP, the hash node where
    /// its key was found last time (an inline cache). Only a hint: a lookup checks the node's
    /// key first and walks the chain when it differs, so any value is correct.
    pub(crate) hints: Box<[std::cell::Cell<u16>]>,
}

impl Default for LoadedProto {
    fn default() -> Self {
        LoadedProto {
            proto: Arc::new(tape_bytecode::Proto {
                source: Arc::from(""),
                line_defined: 0,
                last_line_defined: 0,
                num_params: 0,
                is_vararg: false,
                max_stack: 0,
                code: Vec::new(),
                lines: Vec::new(),
                consts: Vec::new(),
                upvals: Vec::new(),
                protos: Vec::new(),
                locals: Vec::new(),
            }),
            code: Box::new([]),
            may_close: false,
            consts: Box::new([]),
            children: Box::new([]),
            hints: Box::new([]),
        }
    }
}

impl Default for ProtoRef {
    fn default() -> Self {
        ProtoRef(crate::value::Handle { idx: 0, gen: 0 })
    }
}

impl Default for UpvalRef {
    fn default() -> Self {
        UpvalRef(crate::value::Handle { idx: 0, gen: 0 })
    }
}

/// An upvalue cell: open while the variable still lives in a stack slot of `thread`, closed
/// (holding the value) after that frame exits.
#[derive(Clone, Copy, Debug)]
pub enum Upval {
    Open {
        thread: crate::value::ThreadRef,
        idx: usize,
    },
    Closed(Value),
}

impl Default for Upval {
    fn default() -> Self {
        Upval::Closed(Value::Nil)
    }
}

/// The native calling convention: arguments are `args.n` stack slots starting at `args.base`
/// (read them with `Vm::arg` and the `check_*` helpers); results are pushed with `Vm::push` and
/// the function returns how many of the values on top of its stack area are results.
pub type NativeFn = fn(&mut Vm, Args) -> Result<usize, Error>;

/// A boxed native for hosts that need captured state.
pub type BoxedNative = Arc<dyn Fn(&mut Vm, Args) -> Result<usize, Error> + Send + Sync>;

/// A native's fast form (`Vm::set_fast_native`), which the interpreter calls instead of the
/// native for a call that wants at most four results (padded with nil), or all of them: no
/// frame is pushed and no object is made (a table it stores into may grow). It returns
/// `Some(v)` only where
/// the native would return exactly the value `v` for these arguments (or, registered with
/// `Vm::set_fast_native_results`, no value, or `v` and the two given to `FastCx::set_more`),
/// having done what the native does; and `None` for anything else (another argument count or
/// type, an error, another number of results), for which it must have changed nothing: the
/// native is then called as usual.
pub type FastFn = fn(&mut FastCx<'_>, &[Value]) -> Option<Value>;

/// What a fast native can read and do: string contents, the type names `type` returns, raw
/// table reads, and the two stores that need no check a fast form cannot make (an append to a
/// table without a metatable, a metatable change).
pub struct FastCx<'a> {
    pub(crate) heap: &'a mut Heap,
    /// The native running.
    pub(crate) nf: crate::value::NativeRef,
    /// The second and third results of a fast form of three (`FastCx::set_more`).
    pub(crate) more: [Value; 2],
}

impl FastCx<'_> {
    /// The native's first upvalue (`Vm::native_upvalue(0)`), nil if it has none.
    #[inline]
    pub fn upvalue0(&self) -> Value {
        match self.heap.natives.get(self.nf.0).upvals.first() {
            Some(&v) => v,
            None => Value::Nil,
        }
    }

    /// A fast form of three results (`Vm::set_fast_native_results`) gives its second and
    /// third here; its first is what it returns.
    #[inline]
    pub fn set_more(&mut self, second: Value, third: Value) {
        self.more = [second, third];
    }

    /// `pairs(t)` on a table needs no `__pairs` call: `t` has no metatable, or one known to
    /// lack `__pairs`.
    pub fn plain_pairs(&self, t: crate::value::TableRef) -> bool {
        self.lacks(t, crate::meta::Tm::Pairs)
    }

    /// The bytes of string `s`.
    #[inline]
    pub fn str_bytes(&self, s: crate::value::StrRef) -> &[u8] {
        self.heap.strings.get(s).as_bytes()
    }

    /// `getmetatable(t)` for a table: `Some` of its metatable (or of nothing) when that is
    /// known to lack `__metatable`, `None` when it may have one.
    pub fn table_metatable(
        &self,
        t: crate::value::TableRef,
    ) -> Option<Option<crate::value::TableRef>> {
        self.lacks(t, crate::meta::Tm::Metatable)
            .then(|| self.heap.table_meta(t))
    }

    /// Table `t` has no metatable, or one known (by its cache of absent events) to lack `tm`.
    fn lacks(&self, t: crate::value::TableRef, tm: crate::meta::Tm) -> bool {
        crate::interp::lacks_tm(self.heap, self.heap.tables.get(t.0), tm)
    }

    /// `rawget(t, k)`.
    pub fn raw_get(&self, t: crate::value::TableRef, k: Value) -> Value {
        self.heap.tables.get(t.0).get(k)
    }

    /// `rawlen(t)` for a table (its border, as `#t` without `__len`).
    pub fn raw_len(&self, t: crate::value::TableRef) -> i64 {
        self.heap.tables.get(t.0).len()
    }

    /// `t[#t + 1] = v` (`table.insert(t, v)`) for a table without a metatable; false (nothing
    /// done) for one with a metatable or when the table cannot grow.
    pub fn append(&mut self, t: crate::value::TableRef, v: Value) -> bool {
        let tb = self.heap.tables.get(t.0);
        if tb.meta_slot().is_some() {
            return false;
        }
        let i = tb.len().wrapping_add(1);
        let (tb, alloc) = self.heap.table_mut_alloc(t, v);
        tb.set_int(i, v, alloc).is_ok()
    }

    /// `setmetatable(t, mt)` when it is known to need nothing more than the store: `t`'s
    /// metatable, if any, is known to lack `__metatable` and `mt` to lack `__gc` (the
    /// metatables' caches of absent events say so). Returns whether it was done.
    pub fn set_metatable(&mut self, t: crate::value::TableRef, mt: crate::value::TableRef) -> bool {
        use crate::meta::Tm;
        if !self.lacks(t, Tm::Metatable) || !self.heap.tables.get(mt.0).tm_absent(Tm::Gc as u32) {
            return false;
        }
        self.heap.table_mut(t, Value::Table(mt)).set_meta(Some(mt));
        true
    }

    /// `v` as a number if it is one or a string that converts (`Vm::to_number`).
    #[inline]
    pub fn to_number(&self, v: Value) -> Option<Value> {
        self.heap.to_number(v)
    }

    /// The name of `v`'s type as a string value (`type(v)`), as `Vm::type_name_value` gives it.
    #[inline]
    pub fn type_name(&self, v: Value) -> Option<Value> {
        self.heap.type_name(v)
    }
}

/// Where a native's arguments are on the stack. `Copy`; indices stay valid while the frame runs
/// even if the stack is reallocated by a callback.
#[derive(Clone, Copy, Debug)]
pub struct Args {
    pub(crate) base: usize,
    pub n: usize,
}

impl Args {
    /// Number of arguments passed.
    pub fn len(self) -> usize {
        self.n
    }
    pub fn is_empty(self) -> bool {
        self.n == 0
    }
}

/// What a native function object runs. The special kinds are builtins the interpreter runs
/// stacklessly (protected calls, coroutine switches).
#[derive(Clone, Default)]
pub enum NativeKind {
    #[default]
    Nop,
    Fn(NativeFn),
    /// A function with a fast form (`Vm::set_fast_native`) and how many results it returns
    /// (one; or none or three: `Vm::set_fast_native_results`).
    Fast(NativeFn, FastFn, u8),
    Boxed(BoxedNative),
    /// `pcall(f, ...)`.
    Pcall,
    /// `xpcall(f, handler, ...)`.
    Xpcall,
    /// `coroutine.resume(co, ...)`.
    Resume,
    /// `coroutine.yield(...)`.
    Yield,
    /// A function made by `coroutine.wrap` (upvalue 0 is the coroutine).
    Wrap,
}

/// A native function value.
#[derive(Default)]
pub struct NativeFunction {
    pub(crate) kind: NativeKind,
    /// The name used in `bad argument` messages when the call site gives none.
    pub(crate) name: &'static str,
    /// Values the native can read with `Vm::native_upvalue` (like C closures' upvalues).
    pub(crate) upvals: Box<[Value]>,
}

/// A full userdata: an opaque Rust payload, a metatable and at most one user value.
#[derive(Default)]
pub struct Userdata {
    pub(crate) meta: Option<TableRef>,
    pub(crate) user_value: Value,
    /// Whether it has the user value slot (PUC's `nuvalue`, 0 or 1 here).
    pub(crate) has_user_value: bool,
    pub(crate) data: Option<Box<dyn Any + Send>>,
}

/// Guest objects. Prototypes and Lua closures live in `Vm::protos` and `Vm::closures` instead,
/// so the interpreter can borrow their code and upvalue lists while it mutates the heap.
pub(crate) struct Heap {
    pub alloc: Alloc,
    pub strings: Strings,
    pub tables: Arena<Table>,
    pub natives: Arena<NativeFunction>,
    pub upvals: Arena<Upval>,
    pub userdata: Arena<Userdata>,
    pub threads: Arena<Thread>,
    /// Objects made or looked up since the interpreter's last safe point: the extra roots of
    /// an emergency collection (see `Vm::emergency_collect`).
    pub fresh: FreshList,
    /// What the write barriers record for the incremental collector (`gc.rs`).
    pub barrier: Barrier,
    /// The natives the standard library registered as `next` and as `ipairs`'s iterator
    /// (`Vm::set_iterator_native`), which TFORCALL runs in the dispatch loop. Roots, so their
    /// handles are never reused by another native.
    pub iter_next: Option<crate::value::NativeRef>,
    pub iter_ipairs: Option<crate::value::NativeRef>,
    /// Strings made once at startup (roots): the `not enough memory` message, the type
    /// names `type()` returns (from `vm::TYPE_NAMES_AT`), and a few names used by index.
    pub(crate) fixed_strings: Vec<crate::value::StrRef>,
}

/// The write barriers' side of the incremental collector's invariant: while a cycle marks,
/// no black object (one the collector has traversed, or begun to) may refer to a white one
/// (unmarked). Every barrier is a forward one (Dijkstra's): what is stored into a black or
/// marked object is recorded here and marked by the collector's next step.
///
/// - Tables: every mutable access to a table goes through `Heap::table_mut`, given what the
///   store adds (key and value, a SETLIST's values, a metatable); a table is black from the
///   start of its traversal (bit 31 of `Table::absent`), which may take several steps for a
///   big one, or from its birth during the marking.
/// - A closed upvalue, a userdata's metatable or user value, a native's upvalues, the
///   upvalues of a closure born marked or joined by `debug.upvaluejoin`.
///
/// Thread stacks need no barrier: the collector re-scans every thread in its atomic step.
/// The record is deduplicated when it grows (a loop storing the same objects over and over
/// between two steps keeps it small).
///
/// In generational mode (`gc.rs`) the barriers stay on between collections: old objects keep
/// their marks (and old tables their black bit), so a store of a young object into an old one
/// is seen here. A table then takes a backward barrier instead: its first store since the last
/// collection clears its black bit and lists it in `touched`, and the next collection
/// traverses it again (one record per table, whatever the number of stores).
pub(crate) struct Barrier {
    /// A cycle is marking (its propagate phase), or the generational mode is on: barriers
    /// record.
    pub marking: bool,
    /// The generational mode is on (between collections, `marking` is then on too, and new
    /// objects are born young, unmarked).
    pub generational: bool,
    /// Generational mode: old (black) tables stored into since the last collection, their
    /// black bit cleared.
    pub touched: Vec<TableRef>,
    /// Values stored into black or marked objects, to mark.
    pub forward: Vec<Value>,
    /// Length of `forward` at which it is deduplicated next.
    forward_limit: usize,
    /// Upvalues given to a marked closure (`debug.upvaluejoin`) or to a closure born marked.
    pub forward_upvals: Vec<UpvalRef>,
}

/// What a table store adds (`Heap::table_mut`): nothing, a value, a key and a value, or a
/// list. Passed by value, so the store paths build nothing unless the table is black (the
/// recording itself is out of line: its code would cost the dispatch loop registers).
pub(crate) trait Stored {
    fn record(self, b: &mut Barrier);
}

impl Stored for () {
    #[inline(always)]
    fn record(self, _: &mut Barrier) {}
}

impl Stored for Value {
    #[inline(always)]
    fn record(self, b: &mut Barrier) {
        b.record_one(self);
    }
}

impl Stored for (Value, Value) {
    #[inline(always)]
    fn record(self, b: &mut Barrier) {
        b.record_two(self.0, self.1);
    }
}

impl Stored for &[Value] {
    #[inline(always)]
    fn record(self, b: &mut Barrier) {
        b.record_all(self);
    }
}

/// The smallest `Barrier::forward_limit`.
const FORWARD_MIN: usize = 4096;

impl Default for Barrier {
    fn default() -> Self {
        Barrier {
            marking: false,
            forward: Vec::new(),
            forward_limit: FORWARD_MIN,
            forward_upvals: Vec::new(),
            generational: false,
            touched: Vec::new(),
        }
    }
}

impl Barrier {
    /// Whether new objects are born marked: an incremental cycle is marking (in generational
    /// mode objects are born young, unmarked).
    #[inline(always)]
    pub fn born_marked(&self) -> bool {
        self.marking && !self.generational
    }

    /// The generational backward barrier: old table `t` (black) is stored into; it loses its
    /// black bit and is traversed again by the next collection.
    #[cold]
    #[inline(never)]
    fn touch(&mut self, tb: &mut Table, t: TableRef) {
        tb.clear_black();
        self.touched.push(t);
    }

    /// Records `v` for marking, if a cycle marks and `v` is an object.
    #[inline(always)]
    pub fn record(&mut self, v: Value) {
        if self.marking && v.is_collectable() {
            self.push(v);
        }
    }

    #[cold]
    #[inline(never)]
    fn record_one(&mut self, v: Value) {
        self.record(v);
    }

    #[cold]
    #[inline(never)]
    fn record_two(&mut self, k: Value, v: Value) {
        self.record(k);
        self.record(v);
    }

    /// `record` for each of `vs`. Out of line: the interpreter's store paths call it only
    /// for a black table, and its code would cost the dispatch loop registers.
    #[cold]
    #[inline(never)]
    pub fn record_all(&mut self, vs: &[Value]) {
        for &v in vs {
            self.record(v);
        }
    }

    #[inline(never)]
    fn push(&mut self, v: Value) {
        self.forward.push(v);
        if self.forward.len() >= self.forward_limit {
            self.compact();
        }
    }

    /// Drops the duplicates from `forward` (no object is freed while a cycle marks, so an
    /// object's kind and slot identify it).
    #[cold]
    #[inline(never)]
    fn compact(&mut self) {
        fn key(v: &Value) -> u64 {
            let (kind, idx) = match *v {
                Value::Str(s) => (0, s.0.idx),
                Value::Table(t) => (1, t.0.idx),
                Value::LuaFn(f) => (2, f.0.idx),
                Value::Native(f) => (3, f.0.idx),
                Value::Userdata(u) => (4, u.0.idx),
                Value::Thread(t) => (5, t.0.idx),
                _ => (6, 0),
            };
            (kind << 32) | idx as u64
        }
        self.forward.sort_unstable_by_key(key);
        self.forward.dedup_by_key(|v| key(v));
        self.forward_limit = (self.forward.len() * 2).max(FORWARD_MIN);
    }

    /// Empties the records (the end of the marking).
    pub fn clear(&mut self) {
        self.forward.clear();
        self.forward_upvals.clear();
        self.touched.clear();
        self.forward_limit = FORWARD_MIN;
    }
}

/// An object an emergency collection must keep although no root may reach it yet.
#[derive(Clone, Copy)]
pub(crate) enum Fresh {
    Value(Value),
    Proto(ProtoRef),
    Upval(UpvalRef),
}

/// The objects a native or the VM may be holding in Rust locals between two safe points of
/// the interpreter: everything created (or found in the string interner) since the last one.
/// An ordinary collection never needs them (it runs only at safe points, where every live
/// object sits in a register, a native's stack slots or the heap); an emergency collection
/// runs in the middle of an allocation and treats them as roots. Bounded: past `FRESH_MAX`
/// entries the list is marked `lost` and emergency collection is off until the next safe
/// point, where the list is cleared.
#[derive(Default)]
pub(crate) struct FreshList {
    pub items: Vec<Fresh>,
    pub lost: bool,
}

const FRESH_MAX: usize = 1 << 16;

impl FreshList {
    #[inline]
    pub fn note(&mut self, f: Fresh) {
        if self.items.len() < FRESH_MAX {
            self.items.push(f);
        } else {
            self.lost = true;
        }
    }

    #[inline]
    pub fn note_value(&mut self, v: Value) {
        if v.is_collectable() {
            self.note(Fresh::Value(v));
        }
    }

    pub fn note_values(&mut self, vs: &[Value]) {
        for &v in vs {
            self.note_value(v);
        }
    }

    /// At a safe point: nothing made before it can be held outside the roots any more.
    #[inline(always)]
    pub fn clear(&mut self) {
        if !self.items.is_empty() || self.lost {
            self.items.clear();
            self.lost = false;
        }
    }
}

/// Bytes accounted per object of each kind (besides variable payloads). Closures and
/// upvalues, the common small objects, are charged exactly their arena slot (the object plus
/// its 4 bytes of slot bookkeeping); a closure's upvalue list adds 8 bytes an upvalue.
pub(crate) const CLOSURE_COST: usize = std::mem::size_of::<LuaClosure>() + SLOT_META_BYTES;
pub(crate) const NATIVE_COST: usize = 64;
pub(crate) const UPVAL_COST: usize = std::mem::size_of::<Upval>() + SLOT_META_BYTES;
pub(crate) const USERDATA_COST: usize = 64;
pub(crate) const THREAD_COST: usize = 256;
pub(crate) const PROTO_COST: usize = 64;

impl Heap {
    /// A number, or a string that converts to one (manual §3.4.3); `None` otherwise.
    #[inline]
    pub(crate) fn to_number(&self, v: Value) -> Option<Value> {
        match v {
            Value::Int(_) | Value::Float(_) => Some(v),
            Value::Str(s) => crate::ops::parse_number(self.strings.get(s).as_bytes()),
            _ => None,
        }
    }

    /// The name `type()` returns for `v`, as the string made at startup.
    #[inline]
    pub(crate) fn type_name(&self, v: Value) -> Option<Value> {
        self.fixed_strings
            .get(crate::vm::TYPE_NAMES_AT + v.type_of() as usize)
            .map(|&s| Value::Str(s))
    }

    /// Allocates a table with room for `narr` array and `nhash` hash entries, accounting its
    /// bytes; `None` when that would pass the memory cap (nothing stays charged then).
    /// The interpreter loop's NEWTABLE calls this directly; the growth of the table arena it
    /// may cause is not charged here (the loop's code is kept small: its register allocation
    /// is sensitive to anything added) but by `Vm::new_table_with` for every other caller and
    /// at each collection (`Vm::account_arenas`).
    #[inline(never)]
    pub fn new_table(&mut self, narr: usize, nhash: usize) -> Option<TableRef> {
        self.alloc.charge(TABLE_BASE_COST).ok()?;
        let Ok(t) = Table::with_capacity(narr, nhash, &mut self.alloc) else {
            self.alloc.release(TABLE_BASE_COST);
            return None;
        };
        let h = self.tables.alloc(t).ok()?;
        if self.barrier.born_marked() {
            // Born marked and empty: black, so that its first store makes it gray again.
            self.tables.get_mut(h).set_black();
        }
        Some(TableRef(h))
    }

    pub fn new(cap: usize) -> Heap {
        Heap {
            alloc: Alloc::new(cap),
            strings: Strings::new(),
            tables: Arena::new(),
            natives: Arena::new(),
            upvals: Arena::new(),
            userdata: Arena::new(),
            threads: Arena::new(),
            fresh: FreshList::default(),
            barrier: Barrier::default(),
            iter_next: None,
            iter_ipairs: None,
            fixed_strings: Vec::new(),
        }
    }

    #[inline(always)]
    pub fn table(&self, t: TableRef) -> &Table {
        self.tables.get(t.0)
    }

    /// The metatable of table `tb` (stored as a bare slot index: see `Table::meta_slot`).
    #[inline]
    pub fn meta_of(&self, tb: &Table) -> Option<TableRef> {
        tb.meta_slot().map(|i| TableRef(self.tables.live_handle(i)))
    }

    /// The metatable of table `t`.
    #[inline]
    pub fn table_meta(&self, t: TableRef) -> Option<TableRef> {
        self.meta_of(self.table(t))
    }

    /// A table to store `stored` into (the keys and values the store adds). While a cycle
    /// marks, what is stored into a black table is recorded to be marked (see `Barrier`).
    #[inline(always)]
    pub fn table_mut(&mut self, t: TableRef, stored: impl Stored) -> &mut Table {
        let tb = self.tables.get_mut(t.0);
        if tb.is_black() {
            if self.barrier.generational {
                self.barrier.touch(tb, t);
            } else {
                stored.record(&mut self.barrier);
            }
        }
        tb
    }

    /// `table_mut` with the byte accounting beside it, for stores that may grow the table.
    #[inline(always)]
    pub fn table_mut_alloc(
        &mut self,
        t: TableRef,
        stored: impl Stored,
    ) -> (&mut Table, &mut Alloc) {
        let tb = self.tables.get_mut(t.0);
        if tb.is_black() {
            if self.barrier.generational {
                self.barrier.touch(tb, t);
            } else {
                stored.record(&mut self.barrier);
            }
        }
        (tb, &mut self.alloc)
    }

    /// A table whose entries and metatable are not changed (only the metamethod cache).
    #[inline(always)]
    pub fn table_cache_mut(&mut self, t: TableRef) -> &mut Table {
        self.tables.get_mut(t.0)
    }

    /// The forward barrier for a value stored into an object whose mark bit is `marked`.
    #[inline(always)]
    pub fn barrier_forward(&mut self, marked: bool, v: Value) {
        if marked {
            self.barrier.record(v);
        }
    }

    /// The forward barrier for a value written into closed upvalue `u`.
    #[inline(always)]
    pub fn barrier_upval(&mut self, u: UpvalRef, v: Value) {
        if self.barrier.marking {
            self.barrier_upval_marking(u, v);
        }
    }

    #[cold]
    #[inline(never)]
    fn barrier_upval_marking(&mut self, u: UpvalRef, v: Value) {
        if self.upvals.is_marked(u.0) {
            self.barrier.record(v);
        }
    }
}
