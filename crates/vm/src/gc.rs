//! The garbage collector: precise, incremental mark-and-sweep with weak tables and
//! finalizers (manual §2.5, §2.5.1 incremental collection, §2.5.3 finalizers, §2.5.4 weak
//! tables).
//!
//! A cycle runs in steps (`run_steps`, a budget of work units each) through these phases:
//! 1. `start_cycle` greys the global roots (registry, globals, per-type metatables, the VM's
//!    own strings, pinned values, the last error, objects waiting for their finalizer, the
//!    threads) and turns the write barriers on (`Heap::barrier`); objects are born marked;
//! 2. `Propagate`: each step drains part of the explicit gray stack (`trace_references`; no
//!    recursion, so deep structures cannot overflow the Rust stack), first marking what the
//!    forward barriers recorded; when the stack first empties, the roots and the reached
//!    threads are marked once more, and when it empties again comes the atomic step;
//! 3. `atomic` (one step, no guest code runs): the roots and the running thread's live stack,
//!    frames and open upvalues are marked again, every reached thread is re-scanned, the open
//!    upvalues of unreached threads give their current values (`remark_upvals`), and
//!    `converge` drains everything and re-scans ephemeron tables until no new value is marked
//!    (a fixed point); weak values pointing to unmarked objects are cleared; unreached objects
//!    marked for finalization move to `GcState::tobefnz` (newest first) and are marked again
//!    with everything they reach (resurrection), then `converge` again; weak keys and values
//!    pointing to unmarked objects are cleared; the barriers turn off;
//! 4. `Sweep`: each step frees the unmarked objects of a budget of arena slots and clears the
//!    marks of the others (`sweep_step`, one cursor per arena; an object born at or above the
//!    cursor is born marked). The interner is weak: dead strings are unlinked from it while
//!    sweeping, and one it finds before that is kept (`Arena::touch`);
//! 5. `finish_cycle`: thread and arena memory recomputed, the next threshold set.
//!
//! The invariant while marking: no black object (reached and traversed) refers to a white one
//! (unmarked). In incremental mode every barrier is a forward one (`Heap::table_mut` records
//! what a store into a black table adds; closed upvalues, userdata and natives likewise), and
//! stacks are re-scanned in the atomic step (see `heap::Barrier`).
//! `--gc-stress incremental` checks it at every atomic step (`verify_marks`).
//!
//! Weak tables: the mode is read from the metatable's `__mode` at traversal time. A weak-value
//! table marks its keys only; a weak-key table is an *ephemeron*: an entry's value is marked only
//! once its key is marked; an all-weak table marks nothing. Strings, numbers and booleans are
//! values, never collected, so they are never removed from weak tables; the strings of the
//! entries left after clearing are marked last (`mark_weak_strings`), so a string whose entry
//! was cleared for its other half is freed in the same cycle, as in PUC. A cleared entry keeps
//! its (possibly dead) key as a dead node, which no lookup can match again (handles carry a
//! generation) and which the next rehash drops.
//!
//! Invariant: every stack slot always holds a valid value: the live part of the running stack is
//! marked, and the part above it is reset to nil during the cycle. The live part ends, as PUC's
//! `L->top`, at the innermost frame: a native's top, or for a Lua frame collecting at one of its
//! safe points, the register after the last one the instruction needs (`Vm::gc_check`). The
//! compiler guarantees that the target of NEWTABLE, CLOSURE, CONCAT and calls lies above every
//! live local and temporary (NEWTABLE and CLOSURE are never relocated into a lower register,
//! as in PUC), so the registers above are dead: a stale copy there (a call's arguments, a
//! returned callee's registers) must not keep an object alive or its finalizer would never
//! run. (A hand-made binary chunk can break that rule; it then reads a freed object's slot,
//! which is wrong but safe.)
//!
//! The collector runs only at safe points of the interpreter (see `interp.rs`) or when asked by
//! `collectgarbage`; a cycle starts when the live object bytes (plus the arenas' slot buffers)
//! reach the last cycle's live bytes times the pause (PUC's 200%), and inside a cycle a step
//! comes after every step size of allocation (8 KB by default). A full collection finishes
//! the cycle under way, then runs a whole one. The one exception is the emergency cycle
//! (`emergency_collect`), run where an allocation was refused: a full collection that marks
//! conservatively (whole stacks, plus `Heap::fresh`) and clears nothing.
//! Finalizers never run inside the collector: `finalize.rs` runs them after a cycle.
//!
//! # Generational mode
//! (manual §2.5.2; `collectgarbage("generational")`, and the CLI starts in it as `lua.c`
//! does.) Marks are sticky: an object that survived a collection keeps its mark bit and is
//! *old*, an unmarked object is *young*. Every generational collection is atomic (one call,
//! no guest code runs) and reuses the incremental machinery above (`atomic`, `sweep_step`):
//! - between collections the barriers stay on (`Barrier::marking`), new objects are born
//!   unmarked (`Barrier::born_marked` is false) and every old table is black; a store into an
//!   old table takes a backward barrier (`Barrier::touch`: the table loses its black bit and
//!   is listed in `Barrier::touched`), a store into another old object (closed upvalue,
//!   native's upvalues, userdata) the usual forward one;
//! - a *minor* collection (`gen_collect`) grays the touched tables and runs the atomic step:
//!   the roots, every marked thread (stacks have no barrier), the recorded values, then
//!   everything young they reach, stopping at marked (old) objects; weak tables are cleared
//!   and finalizers separated as in a cycle: only tables traversed in this collection can
//!   refer to young objects (an untouched old weak table refers only to objects that were
//!   marked when it was last traversed, and a minor collection frees no marked object);
//!   then it sweeps every arena, freeing the unmarked objects and leaving the marks
//!   (`GcState::sticky`). Its invariant afterwards: every strong reference of a marked object
//!   is to a marked object, and every marked table is black, so that its next store is seen
//!   (`--gc-stress generational` checks both after every collection's marking);
//! - a *major* collection first clears every mark (`clear_all_marks`): every object is young,
//!   so the same collection marks and frees like a full cycle. It runs when the live bytes
//!   are over the base (the live bytes after the last major collection) plus `majormul`%
//!   of it, for `collectgarbage("collect")`, and when entering the mode; a minor one when
//!   the bytes allocated since the last collection pass `minormul`% of the live bytes
//!   (`MINOR_MIN` at least); an automatic collection after `MAJOR_AFTER_MINORS` minor ones
//!   is a major one too;
//! - objects become old after surviving one collection (PUC waits for two), so an object
//!   live at one minor collection and dropped right after waits for the next major one;
//! - the emergency collection runs the ordinary full cycle after clearing every mark, which
//!   leaves every object young (what it keeps, the VM may go on filling without barriers);
//! - leaving the mode clears every mark (the incremental collector's state between cycles).

use crate::arena::{Marks, SweepMode};
use crate::heap::{Fresh, Upval};
use crate::heap::{CLOSURE_COST, NATIVE_COST, PROTO_COST, THREAD_COST, UPVAL_COST, USERDATA_COST};
use crate::table::TABLE_BASE_COST;
use crate::thread::{Frame, FrameKind};
use crate::value::{FnRef, NativeRef, ProtoRef, TableRef, ThreadRef, UdRef, UpvalRef, Value};
use crate::vm::Vm;
use std::collections::{HashSet, VecDeque};

/// Collector state beyond the heap: the mode switches, finalization queues (`finalize.rs`),
/// parameters and the warning switch.
///
/// Invariants: an object is in `fin_set` iff it is in `finobj` or `tobefnz`; objects in
/// `tobefnz` are roots (they stay alive until their finalizer has run).
pub(crate) struct GcState {
    /// Where the incremental cycle is (see the module comment).
    pub phase: Phase,
    /// The gray stack and weak-table lists of the cycle under way.
    marker: Marker,
    /// The propagate phase has marked the running thread and re-scanned the reached threads
    /// once more before the atomic step (which then has only the latest changes to trace).
    rescanned: bool,
    /// While sweeping: the arena (`SWEEP_ORDER` index) and slot the next step starts at.
    sweep_arena: usize,
    sweep_pos: u32,
    /// `collectgarbage("stop")` is in effect: no automatic collection.
    pub stopped: bool,
    /// The mode is generational (`collectgarbage("generational")`), as reported back.
    pub generational: bool,
    /// The generational collector runs (see "Generational mode" in the module comment):
    /// `generational`, unless `inc_stress` keeps the incremental collector running under
    /// the generational mode's name (to stress the incremental barriers from the CLI, which
    /// starts in generational mode).
    pub gen_on: bool,
    /// The sweep under way keeps the survivors' marks (a generational collection).
    sticky: bool,
    /// ... and frees young objects only (a minor collection): arenas whose young lists are
    /// complete visit those slots alone (`SweepMode::Young`).
    sweep_young: bool,
    /// Generational mode: live object bytes after the last major collection.
    gen_base: usize,
    /// Generational mode: minor collections since the last major one.
    minors_since_major: u32,
    /// Generational collections so far: (minor, major).
    pub gen_counts: (u64, u64),
    /// Run a minor collection after every few hundred bytes of allocation and check after its
    /// marking that no marked object refers to an unmarked one
    /// (`Vm::set_gc_generational_stress`, for tests).
    pub gen_stress: bool,
    /// Run a full cycle at every allocation check (`Vm::set_gc_stress`, for tests).
    pub stress: bool,
    /// Run a tiny incremental step at every allocation check and check the barriers'
    /// invariant at every atomic step (`Vm::set_gc_incremental_stress`, for tests).
    pub inc_stress: bool,
    /// Bytes of thread stacks and frame vectors included in `heap.alloc.used`: growth of the
    /// running stack is charged as it happens, and each collection recomputes the exact sum.
    pub thread_bytes: usize,
    /// Objects marked for finalization, oldest first.
    pub finobj: Vec<Value>,
    /// Keys (`fin_key`) of the objects in `finobj` and `tobefnz`.
    pub fin_set: HashSet<u64>,
    /// Unreached objects whose finalizers are due, in calling order.
    pub tobefnz: VecDeque<Value>,
    /// A finalizer is running (finalizers do not nest; explicit collection is refused).
    pub in_finalizer: bool,
    /// `Vm::close` has started: no new object is marked for finalization.
    pub closed: bool,
    /// Warnings are printed (`warn("@on")`).
    pub warn_on: bool,
    /// A warning is being continued (`warn` with several pieces).
    pub warn_cont: bool,
    /// `setpause` / `setstepmul` values (percent), the step size (log2 of bytes) and the
    /// generational multipliers (kept to be reported back).
    pub pause: i64,
    pub stepmul: i64,
    pub stepsize: u32,
    pub minormul: i64,
    pub majormul: i64,
    /// An emergency collection is running (`Vm::emergency_collect`).
    pub emergency: bool,
    /// Emergency collections so far.
    pub emergencies: u64,
    /// The real memory cap while `Vm::set_emergency_stress` is on.
    pub stress_cap: Option<usize>,
    /// Statistics: every collector step's duration, while recording is on
    /// (`Vm::gc_record_steps`).
    pub step_log: Option<Vec<std::time::Duration>>,
}

/// The incremental collector's phases (PUC's `GCSpause`, `GCSpropagate`, `GCSswpallgc`...;
/// the atomic step runs inside the last propagate step).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Phase {
    /// Between cycles: every mark bit is clear, no table is black.
    Pause,
    /// Marking: the gray stack is drained a budget at a time; barriers are on.
    Propagate,
    /// Sweeping the arenas in `SWEEP_ORDER`, a budget of slots at a time.
    Sweep,
}

impl Default for GcState {
    fn default() -> Self {
        GcState {
            phase: Phase::Pause,
            marker: Marker::default(),
            rescanned: false,
            sweep_arena: 0,
            sweep_pos: 0,
            stopped: false,
            generational: false,
            gen_on: false,
            sticky: false,
            sweep_young: false,
            gen_base: 0,
            minors_since_major: 0,
            gen_counts: (0, 0),
            gen_stress: false,
            stress: false,
            inc_stress: false,
            thread_bytes: 0,
            finobj: Vec::new(),
            fin_set: HashSet::new(),
            tobefnz: VecDeque::new(),
            in_finalizer: false,
            closed: false,
            warn_on: false,
            warn_cont: false,
            pause: 200,
            stepmul: 100,
            stepsize: 13,
            minormul: 20,
            majormul: 100,
            emergency: false,
            emergencies: 0,
            stress_cap: None,
            step_log: None,
        }
    }
}

/// Arenas in sweep order: strings, tables, closures, natives, upvalues, userdata, threads,
/// protos.
const SWEEP_ARENAS: usize = 8;

/// Times a big table's traversal starts over a part at a time (see `Gray::TablePart`).
const MAX_RESTARTS: u8 = 8;

/// Automatic steps per step size (see `Vm::step_bytes`).
const STEP_SLICES: usize = 4;

/// Slots of a big table traversed at a time: its traversal spans several steps.
const TABLE_CHUNK: usize = 1024;

/// Units of work of visiting a gray object, besides one per reference it holds: reaching it
/// is a cache miss or two on a large heap, which costs as much as marking a few references.
const OBJECT_UNITS: usize = 8;

/// Units of work of sweeping one arena slot (freeing an object returns its buffers).
const SWEEP_SLOT_UNITS: usize = 4;

/// Work units of a step under `inc_stress`: tiny, so barriers are exercised between steps.
const INC_STRESS_UNITS: usize = 16;

enum Gray {
    Table(TableRef),
    /// A big strong table whose traversal goes on from this slot (see `TABLE_CHUNK`), and
    /// how many times it started over.
    TablePart(TableRef, u32, u8),
    Fn(FnRef),
    Native(NativeRef),
    Ud(UdRef),
    Thread(ThreadRef),
    Proto(ProtoRef),
    Upval(UpvalRef),
}

/// The mark bits of every arena that values refer to, borrowed apart from the objects, so a
/// table can be read while the objects it refers to are marked.
struct MarkBits<'a> {
    tables: Marks<'a>,
    strings: Marks<'a>,
    fns: Marks<'a>,
    natives: Marks<'a>,
    userdata: Marks<'a>,
    threads: Marks<'a>,
}

impl MarkBits<'_> {
    /// Marks the object `v` refers to (if any); a newly reached object with references of
    /// its own goes on the gray stack (a string has none).
    #[inline]
    fn mark(&mut self, v: Value, gray: &mut Vec<Gray>) {
        match v {
            Value::Str(s) => {
                self.strings.mark(s.0);
            }
            Value::Table(t) => {
                if self.tables.mark(t.0) {
                    gray.push(Gray::Table(t));
                }
            }
            Value::LuaFn(f) => {
                if self.fns.mark(f.0) {
                    gray.push(Gray::Fn(f));
                }
            }
            Value::Native(f) => {
                if self.natives.mark(f.0) {
                    gray.push(Gray::Native(f));
                }
            }
            Value::Userdata(u) => {
                if self.userdata.mark(u.0) {
                    gray.push(Gray::Ud(u));
                }
            }
            Value::Thread(t) => {
                if self.threads.mark(t.0) {
                    gray.push(Gray::Thread(t));
                }
            }
            _ => {}
        }
    }
}

/// Work lists of one cycle: the gray stack and the weak tables met while marking.
#[derive(Default)]
struct Marker {
    gray: Vec<Gray>,
    /// Tables with weak values only.
    weak_values: Vec<TableRef>,
    /// Tables with weak keys only (ephemerons).
    ephemerons: Vec<TableRef>,
    /// Tables with weak keys and weak values.
    all_weak: Vec<TableRef>,
}

impl Vm {
    fn mark_value(&mut self, m: &mut Marker, v: Value) {
        let heap = &mut self.heap;
        let mut bits = MarkBits {
            tables: heap.tables.marks(),
            strings: heap.strings.arena.marks(),
            fns: self.closures.marks(),
            natives: heap.natives.marks(),
            userdata: heap.userdata.marks(),
            threads: heap.threads.marks(),
        };
        bits.mark(v, &mut m.gray);
    }

    fn mark_proto(&mut self, m: &mut Marker, p: ProtoRef) {
        if self.protos.mark(p.0) {
            m.gray.push(Gray::Proto(p));
        }
    }

    fn mark_upval(&mut self, m: &mut Marker, u: UpvalRef) {
        if self.heap.upvals.mark(u.0) {
            m.gray.push(Gray::Upval(u));
        }
    }

    fn mark_frame(&mut self, m: &mut Marker, f: &Frame) {
        match f.kind {
            FrameKind::Lua { cl, proto } => {
                self.mark_value(m, Value::LuaFn(cl));
                self.mark_proto(m, proto);
            }
            FrameKind::Native { f } | FrameKind::Pcall { f, .. } => {
                self.mark_value(m, Value::Native(f))
            }
            FrameKind::Host => {}
        }
    }

    /// End of the live part of a stack with these frames.
    /// Frames nest upwards on the stack and a caller keeps nothing live above its callee's
    /// function slot, so (as in PUC, which marks up to `L->top`) the innermost frame decides:
    /// registers of an outer Lua frame above the pending call are dead.
    pub(crate) fn live_extent(&self, frames: &[Frame]) -> usize {
        match frames.last() {
            Some(f) => match f.kind {
                FrameKind::Lua { proto, .. } => {
                    (f.base + self.protos.get(proto.0).proto.max_stack as usize).max(f.top)
                }
                _ => f.top,
            },
            None => 0,
        }
    }

    /// `live_top`: where the running Lua frame's live registers end, when the cycle runs at
    /// one of its safe points (`Vm::gc_check`); otherwise its whole register window is live.
    fn mark_roots(&mut self, m: &mut Marker, live_top: Option<usize>) {
        self.mark_global_roots(m);
        // The running thread's state.
        let frames = std::mem::take(&mut self.ts.frames);
        let mut ext = self.live_extent(&frames);
        if let (Some(top), Some(f)) = (live_top, frames.last()) {
            if matches!(f.kind, FrameKind::Lua { .. }) && top >= f.base {
                ext = ext.min(top);
            }
        }
        // An emergency cycle may interrupt a call being set up above the innermost frame's
        // top (the callee and its arguments already pushed): it keeps the whole stack.
        let ext = if self.gc.emergency {
            self.ts.stack.len()
        } else {
            ext.min(self.ts.stack.len())
        };
        for f in &frames {
            self.mark_frame(m, f);
        }
        self.ts.frames = frames;
        for i in 0..ext {
            self.mark_value(m, self.ts.stack[i]);
        }
        for s in &mut self.ts.stack[ext..] {
            *s = Value::Nil;
        }
        for i in 0..self.ts.open_upvals.len() {
            let u = self.ts.open_upvals[i].1;
            self.mark_upval(m, u);
        }
        if self.gc.emergency {
            let fresh = std::mem::take(&mut self.heap.fresh.items);
            for &f in &fresh {
                match f {
                    Fresh::Value(v) => self.mark_value(m, v),
                    Fresh::Proto(p) => self.mark_proto(m, p),
                    Fresh::Upval(u) => self.mark_upval(m, u),
                }
            }
            self.heap.fresh.items = fresh;
        }
    }

    /// The roots besides the running thread: what a cycle marks first.
    fn mark_global_roots(&mut self, m: &mut Marker) {
        self.mark_value(m, Value::Table(self.registry));
        self.mark_value(m, Value::Table(self.globals));
        for i in 0..self.type_meta.len() {
            if let Some(t) = self.type_meta[i] {
                self.mark_value(m, Value::Table(t));
            }
        }
        for i in 0..self.tm_names.len() {
            self.mark_value(m, Value::Str(self.tm_names[i]));
        }
        for i in 0..self.heap.fixed_strings.len() {
            self.mark_value(m, Value::Str(self.heap.fixed_strings[i]));
        }
        self.mark_value(m, self.last_error);
        self.mark_value(m, self.host_handler);
        for i in 0..self.pinned.len() {
            self.mark_value(m, self.pinned[i]);
        }
        for n in [self.heap.iter_next, self.heap.iter_ipairs]
            .into_iter()
            .flatten()
        {
            self.mark_value(m, Value::Native(n));
        }
        self.mark_value(m, Value::Thread(self.main_thread));
        self.mark_value(m, Value::Thread(self.cur_thread));
        for i in 0..self.gc.tobefnz.len() {
            self.mark_value(m, self.gc.tobefnz[i]);
        }
        for i in 0..self.hs.hooks.len() {
            self.mark_value(m, self.hs.hooks[i].hook.func);
        }
    }

    /// Traverses gray objects until the gray stack is empty or about `budget` units of work
    /// are done (a unit: one reference looked at); returns the units done.
    fn trace_references(&mut self, m: &mut Marker, budget: usize) -> usize {
        let mut vals: Vec<Value> = Vec::new();
        let mut work = 0usize;
        while work < budget {
            let Some(g) = m.gray.pop() else {
                break;
            };
            work += OBJECT_UNITS;
            match g {
                Gray::Table(t) => work += self.traverse_table(m, t, &mut vals),
                Gray::TablePart(t, from, restarts) => {
                    // Entries moved since the traversal began: it starts over, a part at a
                    // time `MAX_RESTARTS` times at most, then all at once (a table that keeps moving its
                    // entries would never be done).
                    let tb = self.heap.tables.get_mut(t.0);
                    work += if !tb.take_moved() {
                        self.traverse_strong_table(m, t, from as usize, restarts)
                    } else if restarts < MAX_RESTARTS {
                        self.traverse_strong_table(m, t, 0, restarts + 1)
                    } else {
                        let n = tb.slot_count();
                        self.traverse_strong_slots(m, t, 0, n, restarts)
                    };
                }
                Gray::Fn(f) => {
                    let c = self.closures.get(f.0);
                    work += c.upvals.len();
                    let p = c.proto;
                    let ups: Vec<UpvalRef> = c.upvals.to_vec();
                    self.mark_proto(m, p);
                    for u in ups {
                        self.mark_upval(m, u);
                    }
                }
                Gray::Native(f) => {
                    vals.clear();
                    vals.extend_from_slice(&self.heap.natives.get(f.0).upvals);
                    work += vals.len();
                    for i in 0..vals.len() {
                        self.mark_value(m, vals[i]);
                    }
                }
                Gray::Ud(u) => {
                    let ud = self.heap.userdata.get(u.0);
                    let (mt, uv) = (ud.meta, ud.user_value);
                    if let Some(mt) = mt {
                        self.mark_value(m, Value::Table(mt));
                    }
                    self.mark_value(m, uv);
                }
                Gray::Thread(t) => {
                    if t == self.cur_thread {
                        let th = self.heap.threads.get(t.0);
                        let extra = [
                            th.resumer.map(Value::Thread).unwrap_or(Value::Nil),
                            th.error.unwrap_or(Value::Nil),
                        ];
                        for v in extra {
                            self.mark_value(m, v);
                        }
                        continue;
                    }
                    let th = self.heap.threads.get_mut(t.0);
                    let frames = std::mem::take(&mut th.state.frames);
                    let stack = std::mem::take(&mut th.state.stack);
                    let ups: Vec<UpvalRef> = th.state.open_upvals.iter().map(|x| x.1).collect();
                    let extra = [
                        th.resumer.map(Value::Thread).unwrap_or(Value::Nil),
                        th.error.unwrap_or(Value::Nil),
                    ];
                    for v in extra {
                        self.mark_value(m, v);
                    }
                    for f in &frames {
                        self.mark_frame(m, f);
                    }
                    // An emergency cycle may interrupt a transfer between stacks: it keeps whole
                    // stacks as they are.
                    let ext = if self.gc.emergency {
                        stack.len()
                    } else {
                        self.live_extent(&frames).min(stack.len())
                    };
                    for v in &stack[..ext] {
                        self.mark_value(m, *v);
                    }
                    work += ext + frames.len();
                    let th = self.heap.threads.get_mut(t.0);
                    th.state.frames = frames;
                    th.state.stack = stack;
                    for s in &mut th.state.stack[ext..] {
                        *s = Value::Nil;
                    }
                    for u in ups {
                        self.mark_upval(m, u);
                    }
                    // Like PUC's collector, give back the unused stack of an idle coroutine.
                    if !self.gc.emergency {
                        self.shrink_thread_stack(t);
                    }
                }
                Gray::Proto(p) => {
                    let lp = self.protos.get(p.0);
                    vals.clear();
                    vals.extend_from_slice(&lp.consts);
                    let kids: Vec<ProtoRef> = lp.children.to_vec();
                    work += vals.len() + kids.len();
                    for i in 0..vals.len() {
                        self.mark_value(m, vals[i]);
                    }
                    for k in kids {
                        self.mark_proto(m, k);
                    }
                }
                Gray::Upval(u) => {
                    let v = match *self.heap.upvals.get(u.0) {
                        Upval::Closed(v) => v,
                        // Open on a thread: its value is kept even when the thread itself is
                        // unreachable (PUC's `remarkupvals`); `sweep` then closes it.
                        Upval::Open { thread, idx } => {
                            let stack = if thread == self.cur_thread {
                                &self.ts.stack
                            } else {
                                &self.heap.threads.get(thread.0).state.stack
                            };
                            stack.get(idx).copied().unwrap_or(Value::Nil)
                        }
                    };
                    self.mark_value(m, v);
                }
            }
        }
        work
    }

    /// The weak mode of a table with metatable `mt`: (weak keys, weak values).
    fn weak_mode(&self, mt: Option<TableRef>) -> (bool, bool) {
        let Some(mt) = mt else {
            return (false, false);
        };
        let mode = self.tm_name(crate::meta::Tm::Mode);
        match self.heap.table(mt).get_str(mode) {
            Value::Str(s) => {
                let b = self.str_bytes(s);
                (b.contains(&b'k'), b.contains(&b'v'))
            }
            _ => (false, false),
        }
    }

    /// Whether `v` survives this cycle so far: marked objects and every non-object value
    /// (strings count as values: the weak-table code marks the strings it meets).
    fn is_live(&self, v: Value) -> bool {
        match v {
            Value::Table(t) => self.heap.tables.is_marked(t.0),
            Value::LuaFn(f) => self.closures.is_marked(f.0),
            Value::Native(f) => self.heap.natives.is_marked(f.0),
            Value::Userdata(u) => self.heap.userdata.is_marked(u.0),
            Value::Thread(t) => self.heap.threads.is_marked(t.0),
            _ => true,
        }
    }

    /// Marks a table's metatable and its entries as its weak mode allows, recording weak
    /// tables for the clearing phases. The table turns black first: from now on what is stored
    /// into it is marked by the barrier. A big strong table is traversed `TABLE_CHUNK` slots
    /// at a time (`Gray::TablePart`). Returns the units of work done (the slots looked at).
    fn traverse_table(&mut self, m: &mut Marker, t: TableRef, vals: &mut Vec<Value>) -> usize {
        let tb = self.heap.tables.get_mut(t.0);
        tb.set_black();
        tb.take_moved();
        let work = tb.slot_count();
        let meta = self.heap.table_meta(t);
        let (weak_k, weak_v) = self.weak_mode(meta);
        if let Some(mt) = meta {
            self.mark_value(m, Value::Table(mt));
        }
        if !weak_k && !weak_v {
            return self.traverse_strong_table(m, t, 0, 0);
        }
        vals.clear();
        self.heap.tables.get(t.0).for_each_entry(|k, v| {
            vals.push(k);
            vals.push(v);
        });
        match (weak_k, weak_v) {
            (false, false) => {
                for i in 0..vals.len() {
                    self.mark_value(m, vals[i]);
                }
            }
            (false, true) => {
                for i in (0..vals.len()).step_by(2) {
                    self.mark_value(m, vals[i]);
                }
                m.weak_values.push(t);
            }
            (true, false) => {
                for i in (0..vals.len()).step_by(2) {
                    let (k, v) = (vals[i], vals[i + 1]);
                    if self.is_live(k) {
                        self.mark_value(m, k);
                        self.mark_value(m, v);
                    }
                }
                m.ephemerons.push(t);
            }
            (true, true) => m.all_weak.push(t),
        }
        work
    }

    /// Marks every key and value of a table without weak references in place: the table is
    /// read while the mark bits of the arenas are written, each borrowed apart (the common
    /// case, so no copy of the entries is made).
    fn traverse_strong_table(
        &mut self,
        m: &mut Marker,
        t: TableRef,
        from: usize,
        restarts: u8,
    ) -> usize {
        self.traverse_strong_slots(m, t, from, TABLE_CHUNK, restarts)
    }

    /// Marks the entries in `count` slots of table `t` from `from` on, leaving the rest for
    /// later (`Gray::TablePart`); returns the slots looked at.
    fn traverse_strong_slots(
        &mut self,
        m: &mut Marker,
        t: TableRef,
        from: usize,
        count: usize,
        restarts: u8,
    ) -> usize {
        let heap = &mut self.heap;
        let (tables, table_marks) = heap.tables.items_and_marks();
        let mut bits = MarkBits {
            tables: table_marks,
            strings: heap.strings.arena.marks(),
            fns: self.closures.marks(),
            natives: heap.natives.marks(),
            userdata: heap.userdata.marks(),
            threads: heap.threads.marks(),
        };
        let Some(tb) = tables.get(t.0.idx as usize) else {
            return 0;
        };
        let to = from.saturating_add(count);
        let gray = &mut m.gray;
        let base = gray.len();
        tb.for_each_entry_in(from, to, |k, v| {
            bits.mark(k, gray);
            bits.mark(v, gray);
        });
        let n = tb.slot_count();
        if to < n {
            // The rest later: under the entries just marked, so those are traversed first
            // and the gray stack stays shallow.
            gray.insert(base, Gray::TablePart(t, to as u32, restarts));
        }
        to.min(n).saturating_sub(from)
    }

    /// Drains the gray stack, then marks the values of ephemeron entries whose keys became
    /// marked, repeating until nothing new is marked.
    fn converge(&mut self, m: &mut Marker) {
        let mut vals: Vec<Value> = Vec::new();
        loop {
            self.trace_references(m, usize::MAX);
            let mut changed = false;
            for i in 0..m.ephemerons.len() {
                let t = m.ephemerons[i];
                vals.clear();
                self.heap.tables.get(t.0).for_each_entry(|k, v| {
                    vals.push(k);
                    vals.push(v);
                });
                for j in (0..vals.len()).step_by(2) {
                    let (k, v) = (vals[j], vals[j + 1]);
                    if self.is_live(k) && !self.is_live(v) {
                        self.mark_value(m, v);
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
    }

    /// Clears weak entries whose value (and, when `keys`, whose key) is an unmarked object.
    fn clear_weak(&mut self, m: &Marker, keys: bool) {
        let mut dead: Vec<Value> = Vec::new();
        let lists: [(&[TableRef], bool, bool); 3] = [
            (&m.weak_values, false, true),
            (&m.ephemerons, true, false),
            (&m.all_weak, true, true),
        ];
        for (list, weak_k, weak_v) in lists {
            let by_key = weak_k && keys;
            if !by_key && !weak_v {
                continue;
            }
            for &t in list {
                dead.clear();
                let tb = self.heap.tables.get(t.0);
                let mut k = Value::Nil;
                while let Ok(Some((key, val))) = tb.next(k) {
                    if (by_key && !self.is_live(key)) || (weak_v && !self.is_live(val)) {
                        dead.push(key);
                    }
                    k = key;
                }
                for &key in &dead {
                    self.heap.tables.get_mut(t.0).clear_entry(key);
                }
            }
        }
    }

    /// Closes the reachable open upvalues of every unreachable thread (their values were
    /// marked through the upvalue), as PUC's `luaE_freethread` does: a closure made inside a
    /// coroutine keeps its captured locals after the coroutine is collected.
    fn close_dead_thread_upvals(&mut self) {
        let threads = &mut self.heap.threads;
        let dead: Vec<ThreadRef> = threads
            .live_handles()
            .filter(|&h| !threads.is_marked(h))
            .map(ThreadRef)
            .collect();
        for t in dead {
            let th = self.heap.threads.get_mut(t.0);
            if th.state.open_upvals.is_empty() {
                continue;
            }
            let ups = std::mem::take(&mut th.state.open_upvals);
            for (idx, u) in ups {
                if self.heap.upvals.is_marked(u.0) {
                    let v = th.state.stack.get(idx).copied().unwrap_or(Value::Nil);
                    *self.heap.upvals.get_mut(u.0) = Upval::Closed(v);
                }
            }
        }
    }

    /// Marks the strings of the entries left in weak tables once clearing is done. Strings
    /// are values, never removed from a weak table, but an entry cleared for its other half
    /// does not keep its string alive (PUC marks a string only when `iscleared` meets it in a
    /// surviving entry), so a dropped long key is freed in the same cycle.
    fn mark_weak_strings(&mut self, m: &Marker) {
        let heap = &mut self.heap;
        let tables = &heap.tables;
        let mut strings = heap.strings.arena.marks();
        for list in [&m.weak_values, &m.ephemerons, &m.all_weak] {
            for &t in list {
                let Some(tb) = tables.try_get(t.0) else {
                    continue;
                };
                tb.for_each_entry(|k, v| {
                    for x in [k, v] {
                        if let Value::Str(s) = x {
                            strings.mark(s.0);
                        }
                    }
                });
            }
        }
    }

    /// Sets where every arena's new objects start being born marked (see
    /// `Arena::born_marked_from`): 0 for a cycle that begins marking.
    fn set_born_marked_from(&mut self, idx: u32) {
        let h = &mut self.heap;
        h.strings.arena.set_born_marked_from(idx);
        h.tables.set_born_marked_from(idx);
        h.natives.set_born_marked_from(idx);
        h.upvals.set_born_marked_from(idx);
        h.userdata.set_born_marked_from(idx);
        h.threads.set_born_marked_from(idx);
        self.closures.set_born_marked_from(idx);
        self.protos.set_born_marked_from(idx);
    }

    /// Sweeps up to `budget` slots of the arena under way (in `SWEEP_ORDER`), moving to the
    /// next arena when it is done; returns the units of work done. Freed bytes are released
    /// at once. Ends the cycle after the last arena.
    fn sweep_step(&mut self, budget: usize) -> usize {
        let from = self.gc.sweep_pos;
        let mut freed = 0usize;
        let mode = match (self.gc.sticky, self.gc.sweep_young) {
            (false, _) => SweepMode::Clear,
            (true, false) => SweepMode::Sticky,
            (true, true) => SweepMode::Young,
        };
        let next = match self.gc.sweep_arena {
            0 => self.heap.strings.sweep_step(from, budget, mode, &mut freed),
            1 => self.heap.tables.sweep_step(
                from,
                budget,
                mode,
                |_, t| freed += TABLE_BASE_COST + t.part_bytes(),
                |t| t.clear_gc_bits(),
            ),
            2 => self.closures.sweep_step(
                from,
                budget,
                mode,
                |_, c| freed += CLOSURE_COST + c.upvals.len() * 8,
                |_| {},
            ),
            3 => self.heap.natives.sweep_step(
                from,
                budget,
                mode,
                |_, n| freed += NATIVE_COST + n.upvals.len() * 16,
                |_| {},
            ),
            4 => {
                self.heap
                    .upvals
                    .sweep_step(from, budget, mode, |_, _| freed += UPVAL_COST, |_| {})
            }
            5 => self.heap.userdata.sweep_step(
                from,
                budget,
                mode,
                |_, _| freed += USERDATA_COST,
                |_| {},
            ),
            6 => self.heap.threads.sweep_step(
                from,
                budget,
                mode,
                |_, _| freed += THREAD_COST,
                |_| {},
            ),
            _ => self.protos.sweep_step(
                from,
                budget,
                mode,
                |_, p| freed += PROTO_COST + p.proto.code.len() * 20 + p.consts.len() * 16,
                |_| {},
            ),
        };
        self.heap.alloc.release(freed);
        match next {
            Some(pos) => {
                self.gc.sweep_pos = pos;
                budget
            }
            None => {
                let done = self
                    .arena_slots(self.gc.sweep_arena)
                    .saturating_sub(from as usize);
                self.gc.sweep_pos = 0;
                self.gc.sweep_arena += 1;
                if self.gc.sweep_arena >= SWEEP_ARENAS {
                    self.finish_cycle();
                }
                done + 1
            }
        }
    }

    /// Slots (live or free) of arena number `i` in `SWEEP_ORDER`.
    fn arena_slots(&self, i: usize) -> usize {
        let h = &self.heap;
        match i {
            0 => h.strings.arena.slot_count(),
            1 => h.tables.slot_count(),
            2 => self.closures.slot_count(),
            3 => h.natives.slot_count(),
            4 => h.upvals.slot_count(),
            5 => h.userdata.slot_count(),
            6 => h.threads.slot_count(),
            _ => self.protos.slot_count(),
        }
    }

    /// Runs a full collection cycle now, then the finalizers it made pending (unless a
    /// finalizer is already running: then they wait for the next safe point).
    pub fn collect_garbage(&mut self) {
        self.full_cycle();
        self.run_pending_finalizers();
    }

    /// One complete mark-and-sweep cycle (see the module comment for the phases), after
    /// finishing the one under way if any. Never runs guest code.
    pub(crate) fn full_cycle(&mut self) {
        self.full_cycle_at(None)
    }

    /// `full_cycle` at a safe point of the running Lua frame, whose registers from `live_top`
    /// up are dead (see `mark_roots`).
    pub(crate) fn full_cycle_at(&mut self, live_top: Option<usize>) {
        if self.gc.gen_on {
            if self.gc.emergency {
                self.gen_emergency_cycle();
            } else {
                self.gen_collect(live_top, true);
            }
            return;
        }
        // A cycle under way finishes first (objects born during it were kept, so only a
        // complete new cycle frees everything unreachable now).
        if self.gc.phase != Phase::Pause {
            self.run_steps(live_top, usize::MAX);
        }
        self.run_steps(live_top, usize::MAX);
    }

    /// Performs collector steps worth `budget` units of work, starting a cycle if none is
    /// under way, and stops early at the end of the cycle. Returns whether a cycle ended.
    fn run_steps(&mut self, live_top: Option<usize>, budget: usize) -> bool {
        let started = self.gc.step_log.as_ref().map(|_| std::time::Instant::now());
        if self.gc.phase == Phase::Pause {
            self.start_cycle(live_top);
        }
        let mut done = 0usize;
        let mut ended = false;
        while done < budget {
            done = done.saturating_add(self.single_step(live_top, budget - done));
            if self.gc.phase == Phase::Pause {
                ended = true;
                break;
            }
        }
        if let (Some(t0), Some(log)) = (started, self.gc.step_log.as_mut()) {
            log.push(t0.elapsed());
        }
        ended
    }

    /// Begins a cycle: barriers on, new objects born marked, the roots and the running
    /// thread's live stack gray (the atomic step marks them again, in their final state).
    fn start_cycle(&mut self, live_top: Option<usize>) {
        if !self.gc.emergency {
            // Only safe points and `collectgarbage` start an ordinary cycle: nothing made
            // before can be held outside the roots, and what this cycle frees must not be
            // marked by a later emergency one.
            self.heap.fresh.clear();
        }
        self.gc.phase = Phase::Propagate;
        self.heap.barrier.marking = true;
        self.set_born_marked_from(0);
        self.gc.rescanned = false;
        let mut m = std::mem::take(&mut self.gc.marker);
        self.mark_roots(&mut m, live_top);
        self.gc.marker = m;
    }

    /// One step of the cycle with at most about `budget` units of work; returns the work done.
    fn single_step(&mut self, live_top: Option<usize>, budget: usize) -> usize {
        match self.gc.phase {
            Phase::Pause => 0,
            Phase::Propagate => {
                let mut m = std::mem::take(&mut self.gc.marker);
                self.drain_barriers(&mut m);
                if m.gray.is_empty() && !self.gc.rescanned {
                    // Most of what the threads reach now is traced incrementally.
                    self.gc.rescanned = true;
                    self.mark_roots(&mut m, live_top);
                    self.gray_reached_threads(&mut m);
                }
                if m.gray.is_empty() {
                    let work = self.atomic(&mut m, live_top);
                    self.gc.marker = m;
                    return work.max(1);
                }
                let work = self.trace_references(&mut m, budget);
                self.gc.marker = m;
                work.max(1)
            }
            Phase::Sweep => {
                let slots = (budget / SWEEP_SLOT_UNITS).clamp(1, 1 << 20);
                self.sweep_step(slots).saturating_mul(SWEEP_SLOT_UNITS)
            }
        }
    }

    /// Marks what the forward barriers recorded.
    fn drain_barriers(&mut self, m: &mut Marker) {
        let vals = std::mem::take(&mut self.heap.barrier.forward);
        for &v in &vals {
            self.mark_value(m, v);
        }
        let mut vals = vals;
        vals.clear();
        if self.heap.barrier.forward.is_empty() {
            self.heap.barrier.forward = vals;
        }
        let ups = std::mem::take(&mut self.heap.barrier.forward_upvals);
        for &u in &ups {
            self.mark_upval(m, u);
        }
    }

    /// The atomic step: marks the running thread and the roots again, re-scans every reached
    /// thread and every table stored into since its traversal, converges (ephemerons), clears
    /// weak entries, separates the unreached objects with finalizers (and marks what they
    /// reach), then starts the sweep. Returns the units of work done.
    fn atomic(&mut self, m: &mut Marker, live_top: Option<usize>) -> usize {
        self.mark_roots(m, live_top);
        // Every thread reached so far is scanned again: stacks have no barrier.
        let mut work = self.gray_reached_threads(m);
        // Open upvalues of threads not reached: their values may have changed since the
        // upvalues were traversed (PUC's `remarkupvals`).
        self.remark_upvals(m);
        self.drain_barriers(m);
        work += self.converge_counting(m);
        if self.gc.inc_stress || self.gc.gen_stress {
            self.verify_marks();
        }
        self.clear_weak(m, false);
        if self.separate_unreached(false) {
            for i in 0..self.gc.tobefnz.len() {
                self.mark_value(m, self.gc.tobefnz[i]);
            }
            work += self.converge_counting(m);
        }
        self.clear_weak(m, true);
        self.mark_weak_strings(m);
        self.prune_hooks(|vm, t| vm.heap.threads.is_marked(t.0));
        self.close_dead_thread_upvals();
        m.weak_values.clear();
        m.ephemerons.clear();
        m.all_weak.clear();
        debug_assert!(m.gray.is_empty());
        self.heap.barrier.marking = false;
        self.heap.barrier.clear();
        self.gc.phase = Phase::Sweep;
        self.gc.sweep_arena = 0;
        self.gc.sweep_pos = 0;
        work
    }

    /// Puts every reached thread on the gray stack again (stacks have no barrier); returns
    /// how many.
    fn gray_reached_threads(&mut self, m: &mut Marker) -> usize {
        let threads = &self.heap.threads;
        let before = m.gray.len();
        m.gray.extend(
            threads
                .live_handles()
                .filter(|&h| threads.is_marked(h))
                .map(|h| Gray::Thread(ThreadRef(h))),
        );
        m.gray.len() - before
    }

    /// `converge`, returning an estimate of the work done (the gray objects traversed).
    fn converge_counting(&mut self, m: &mut Marker) -> usize {
        let before = m.gray.len();
        self.converge(m);
        before
    }

    /// Marks the current values of the reached open upvalues of threads not reached (their
    /// values live in those threads' stacks, which nothing else marks).
    fn remark_upvals(&mut self, m: &mut Marker) {
        let mut vals: Vec<Value> = Vec::new();
        let threads = &self.heap.threads;
        for h in threads.live_handles() {
            if threads.is_marked(h) {
                continue;
            }
            let th = threads.get(h);
            for &(idx, u) in &th.state.open_upvals {
                if self.heap.upvals.is_marked(u.0) {
                    vals.push(th.state.stack.get(idx).copied().unwrap_or(Value::Nil));
                }
            }
        }
        for v in vals {
            self.mark_value(m, v);
        }
    }

    /// The end of a cycle: thread and arena memory brought up to date, the next threshold.
    fn finish_cycle(&mut self) {
        self.gc.phase = Phase::Pause;
        self.set_born_marked_from(u32::MAX);
        // Thread stacks and frames: replace what was charged with what they hold now (dead
        // threads' stacks are gone, frame vectors grew uncharged, stacks shrank).
        let now = self.thread_memory();
        self.heap.alloc.used = self
            .heap
            .alloc
            .used
            .saturating_sub(self.gc.thread_bytes)
            .saturating_add(now);
        self.gc.thread_bytes = now;
        // The table arena's slot buffers likewise (see `Heap::new_table`).
        let now = self.heap.tables.capacity_bytes();
        let a = &mut self.heap.alloc;
        a.used = a.used.saturating_sub(a.table_arena).saturating_add(now);
        a.arena_bytes = a
            .arena_bytes
            .saturating_sub(a.table_arena)
            .saturating_add(now);
        a.table_arena = now;
        self.set_pause_threshold();
    }

    /// The incremental collector's next threshold: the live bytes times the pause.
    fn set_pause_threshold(&mut self) {
        let pause = self.gc.pause.max(100) as usize;
        // The debt is counted in object bytes: the arenas' slot buffers (which never shrink,
        // and which a heap that was once large keeps) would otherwise put the next cycle off.
        let arenas = self.heap.alloc.arena_bytes;
        let live = self.heap.alloc.used.saturating_sub(arenas);
        self.heap.alloc.threshold = (live / 100)
            .saturating_mul(pause)
            .max(1 << 18)
            .saturating_add(arenas);
        self.clamp_threshold_to_cap();
        if self.gc.stress || self.gc.inc_stress {
            self.heap.alloc.threshold = 0;
        }
    }

    /// Bytes of allocation between two automatic steps: a quarter of the step size (PUC's
    /// 8 KB by default), with a quarter of the work each, so a step stays short on a heap
    /// whose objects are scattered in memory (each unit of work a cache miss).
    fn step_bytes(&self) -> usize {
        (1usize << self.gc.stepsize.min(40)) / STEP_SLICES
    }

    /// Units of work of one automatic step: PUC's `stepmul`% of the step's bytes counted in
    /// 16-byte slots.
    fn step_units(&self) -> usize {
        (self.step_bytes() / 16)
            .max(1)
            .saturating_mul(self.gc.stepmul.max(1) as usize)
    }

    /// Units of work for a step due now: the step's own, plus as much as the bytes allocated
    /// past the threshold call for (PUC's debt): one allocation of a long string can be
    /// worth many steps, and the collector must keep up with it.
    fn debt_units(&self) -> usize {
        let a = &self.heap.alloc;
        let debt = a.used.saturating_sub(a.threshold);
        (debt / 16)
            .saturating_mul(self.gc.stepmul.max(1) as usize)
            .saturating_add(self.step_units())
    }

    /// The collector's automatic step at a safe point (the allocation debt reached the
    /// threshold): one incremental step, then the finalizers made pending.
    pub(crate) fn gc_auto_step(&mut self, live_top: Option<usize>) {
        if self.gc.gen_on {
            if self.gc.stress {
                self.gen_collect(live_top, true);
            } else {
                self.gen_step(live_top, true);
            }
        } else if self.gc.stress {
            self.full_cycle_at(live_top);
        } else {
            let budget = if self.gc.inc_stress {
                INC_STRESS_UNITS
            } else {
                self.debt_units()
            };
            if !self.run_steps(live_top, budget) {
                self.set_step_threshold();
            }
        }
        self.run_pending_finalizers();
    }

    /// Inside a cycle: the next step comes after another step size of allocation.
    fn set_step_threshold(&mut self) {
        let size = self.step_bytes();
        self.heap.alloc.threshold = self.heap.alloc.used.saturating_add(size);
        self.clamp_threshold_to_cap();
        if self.gc.inc_stress {
            self.heap.alloc.threshold = 0;
        }
    }

    /// Debug check of the incremental invariant after the atomic step's marking: every
    /// object a reached object refers to strongly is reached too (a missing write barrier
    /// shows up here). Panics with the first broken reference.
    fn verify_marks(&self) {
        let h = &self.heap;
        let marked = |v: Value| match v {
            Value::Str(s) => h.strings.arena.is_marked(s.0),
            Value::Table(t) => h.tables.is_marked(t.0),
            Value::LuaFn(f) => self.closures.is_marked(f.0),
            Value::Native(f) => h.natives.is_marked(f.0),
            Value::Userdata(u) => h.userdata.is_marked(u.0),
            Value::Thread(t) => h.threads.is_marked(t.0),
            _ => true,
        };
        for t in h.tables.live_handles() {
            if !h.tables.is_marked(t) {
                continue;
            }
            let tb = h.tables.get(t);
            // Generational mode: a marked table is black (traversed), or a store into it
            // would miss the backward barrier.
            assert!(
                !self.gc.gen_on || tb.is_black(),
                "gc: marked table {t:?} is not black"
            );
            if let Some(mt) = h.meta_of(tb) {
                assert!(
                    marked(Value::Table(mt)),
                    "gc: reached table's metatable unmarked"
                );
            }
            if self.weak_mode(h.meta_of(tb)) != (false, false) {
                continue;
            }
            tb.for_each_entry(|k, v| {
                assert!(
                    marked(k) && marked(v),
                    "gc: reached table {t:?} refers to an unmarked {k:?} / {v:?}"
                );
            });
        }
        for f in self.closures.live_handles() {
            if !self.closures.is_marked(f) {
                continue;
            }
            assert!(
                self.protos.is_marked(self.closures.get(f).proto.0),
                "gc: reached closure's prototype unmarked"
            );
            for u in self.closures.get(f).upvals.iter() {
                assert!(
                    h.upvals.is_marked(u.0),
                    "gc: reached closure's upvalue unmarked"
                );
            }
        }
        for u in h.upvals.live_handles() {
            if let (true, Upval::Closed(v)) = (h.upvals.is_marked(u), *h.upvals.get(u)) {
                assert!(marked(v), "gc: reached upvalue holds an unmarked {v:?}");
            }
        }
        for u in h.userdata.live_handles() {
            if h.userdata.is_marked(u) {
                let ud = h.userdata.get(u);
                assert!(marked(ud.user_value), "gc: userdata's user value unmarked");
                if let Some(mt) = ud.meta {
                    assert!(
                        marked(Value::Table(mt)),
                        "gc: userdata's metatable unmarked"
                    );
                }
            }
        }
        for n in h.natives.live_handles() {
            if h.natives.is_marked(n) {
                for &v in h.natives.get(n).upvals.iter() {
                    assert!(marked(v), "gc: native's upvalue unmarked");
                }
            }
        }
        for p in self.protos.live_handles() {
            if self.protos.is_marked(p) {
                let lp = self.protos.get(p);
                for &v in lp.consts.iter() {
                    assert!(marked(v), "gc: prototype's constant unmarked");
                }
                for k in lp.children.iter() {
                    assert!(self.protos.is_marked(k.0), "gc: prototype's child unmarked");
                }
            }
        }
    }

    /// Under a memory cap, the next collection comes before the heap can reach it: once half
    /// of the room left after this cycle is used. A script whose live data is over half the
    /// cap then still has its garbage collected (PUC gets there with an emergency collection
    /// when an allocation fails); as the live data nears the cap, cycles come more often.
    pub(crate) fn clamp_threshold_to_cap(&mut self) {
        let a = &mut self.heap.alloc;
        if a.cap != usize::MAX {
            let early = a.used.saturating_add(a.cap.saturating_sub(a.used) / 2);
            a.threshold = a.threshold.min(early);
        }
    }

    /// PUC's emergency collection (`luaC_fullgc(L, 1)` when an allocation fails): a full
    /// cycle in the middle of an allocation that the memory cap refused, after which the
    /// caller tries once more. It may run anywhere the VM allocates, so besides the usual roots
    /// it keeps every register of every frame (`live_top = None`) and everything created or
    /// looked up since the last safe point (`Heap::fresh`: what a native or the VM may hold
    /// in Rust locals). It runs no finalizer (objects it finds unreachable wait in the queue;
    /// the next safe point collects again and runs them) and ignores `collectgarbage("stop")`,
    /// as PUC's does. Returns false when it cannot run: already in one, or the fresh list
    /// overflowed since the last safe point.
    #[cold]
    #[inline(never)]
    pub fn emergency_collect(&mut self) -> bool {
        if self.gc.emergency || self.heap.fresh.lost {
            return false;
        }
        self.gc.emergency = true;
        if let Some(cap) = self.gc.stress_cap {
            self.heap.alloc.cap = cap;
        }
        self.full_cycle_at(None);
        self.gc.emergency = false;
        self.gc.emergencies += 1;
        if !self.gc.tobefnz.is_empty() {
            self.heap.alloc.threshold = 0;
        }
        true
    }

    /// Debug switch: every allocation first fails and collects in an emergency before its
    /// retry (finds objects the emergency roots miss). Implemented by holding the cap at the
    /// bytes in use between retries (`stress_rearm`); the real cap applies to the retry.
    pub fn set_emergency_stress(&mut self, on: bool) {
        match (on, self.gc.stress_cap) {
            (true, None) => {
                self.gc.stress_cap = Some(self.heap.alloc.cap);
                self.stress_rearm();
            }
            (false, Some(cap)) => {
                self.heap.alloc.cap = cap;
                self.gc.stress_cap = None;
            }
            _ => {}
        }
    }

    /// Under `set_emergency_stress`, makes the next allocation fail again.
    #[inline]
    pub fn stress_rearm(&mut self) {
        if self.gc.stress_cap.is_some() {
            self.heap.alloc.cap = self.heap.alloc.used;
        }
    }

    /// Emergency collections run so far (statistics, tests).
    pub fn gc_emergencies(&self) -> u64 {
        self.gc.emergencies
    }

    /// `collectgarbage("generational", minormul, majormul)`: records the multipliers that are
    /// not 0 and switches the nominal mode; returns the previous mode's name.
    pub fn gc_set_generational(&mut self, minormul: i64, majormul: i64) -> &'static str {
        if minormul as i32 != 0 {
            self.gc.minormul = (minormul as i32).clamp(0, 255) as i64;
        }
        if majormul as i32 != 0 {
            self.gc_set_major(majormul);
        }
        self.gc_set_mode(true)
    }

    fn gc_set_major(&mut self, v: i64) {
        self.gc.majormul = ((v as i32 / 4) as u8 as i64) * 4;
    }

    /// Debug switch: a tiny incremental step at every safe point, and the barrier invariant
    /// checked at every atomic step (finds missing write barriers; slow).
    pub fn set_gc_incremental_stress(&mut self, on: bool) {
        self.gc.inc_stress = on;
        self.update_gen_on();
        if on {
            self.heap.alloc.threshold = 0;
        }
    }

    /// Debug switch: in generational mode a minor collection after every 0 to 448 bytes of
    /// allocation (the gap varies), and after each collection's marking the check that no
    /// marked object refers to an unmarked one (finds missing generational barriers; slow).
    pub fn set_gc_generational_stress(&mut self, on: bool) {
        self.gc.gen_stress = on;
        if on {
            self.heap.alloc.threshold = 0;
        }
    }

    /// Generational collections run so far: (minor, major) (statistics, tests).
    pub fn gc_generational_counts(&self) -> (u64, u64) {
        self.gc.gen_counts
    }

    /// Starts (or stops and returns) recording the duration of every collector step.
    pub fn gc_record_steps(&mut self, on: bool) -> Vec<std::time::Duration> {
        let old = std::mem::take(&mut self.gc.step_log).unwrap_or_default();
        if on {
            self.gc.step_log = Some(Vec::new());
        }
        old
    }

    /// Whether a collection cycle is under way (statistics, tests).
    pub fn gc_in_cycle(&self) -> bool {
        self.gc.phase != Phase::Pause
    }

    /// Debug switch: collect at every safe point (finds values the collector misses).
    pub fn set_gc_stress(&mut self, on: bool) {
        self.gc.stress = on;
        if on {
            self.heap.alloc.threshold = 0;
        }
    }

    /// Whether automatic collection is stopped (`collectgarbage("stop")`).
    pub fn gc_is_running(&self) -> bool {
        !self.gc.stopped
    }

    /// Stops or restarts automatic collection.
    pub fn gc_set_running(&mut self, on: bool) {
        self.gc.stopped = !on;
    }

    /// Switches the collector mode; returns the previous mode's name. Entering the
    /// generational mode runs a full collection (the survivors are old); leaving it clears
    /// every mark.
    pub fn gc_set_mode(&mut self, generational: bool) -> &'static str {
        let prev = if self.gc.generational {
            "generational"
        } else {
            "incremental"
        };
        self.gc.generational = generational;
        self.update_gen_on();
        prev
    }

    /// One basic collector step (`collectgarbage("step")`); returns whether a cycle ended.
    pub fn gc_step(&mut self) -> bool {
        self.gc_step_kb(0)
    }

    /// `collectgarbage("step", kb)`, as PUC's `lua_gc(LUA_GCSTEP)`: `kb == 0` performs one
    /// basic step; otherwise `kb` kilobytes are added to the allocation debt and, if the debt
    /// is then due, a step proportional to it runs. Works while the collector is stopped.
    /// Returns whether a cycle ended. In generational mode a step is a minor collection (for
    /// `kb > 0`, a major one when memory grew past the major multiplier), never reported as
    /// the end of a cycle, as PUC's.
    pub fn gc_step_kb(&mut self, kb: i64) -> bool {
        if kb < 0 {
            return false;
        }
        // `kb` kilobytes more of debt: the threshold comes that much closer.
        let add = (kb as u64).saturating_mul(1024).min(usize::MAX as u64) as usize;
        let a = &mut self.heap.alloc;
        a.threshold = a.threshold.saturating_sub(add);
        let due = kb == 0 || a.used >= a.threshold;
        if self.gc.gen_on {
            if due {
                // PUC's basic step is always a young collection.
                self.gen_step(None, kb != 0);
                self.run_pending_finalizers();
            }
            return false;
        }
        if self.gc.generational {
            // The generational mode in name only (`inc_stress`): a full collection, never
            // reported as the end of a cycle.
            if due {
                self.collect_garbage();
            }
            return false;
        }
        if !due {
            return false;
        }
        let budget = if kb == 0 {
            // PUC's basic step: the whole step size's work.
            self.step_units().saturating_mul(STEP_SLICES)
        } else {
            self.debt_units()
        };
        let ended = self.run_steps(None, budget);
        if !ended {
            self.set_step_threshold();
        }
        self.run_pending_finalizers();
        ended && !self.gc.generational
    }

    /// `collectgarbage("setpause", v)` / `("setstepmul", v)` (deprecated in 5.4): stores the
    /// parameter with PUC's granularity (the C `int` argument divided by 4 in one byte) and
    /// returns the previous value. `stepmul` is kept only to be reported back; `pause` sets the
    /// next threshold.
    pub fn gc_set_param(&mut self, stepmul: bool, v: i64) -> i64 {
        let stored = ((v as i32 / 4) as u8 as i64) * 4;
        let slot = if stepmul {
            &mut self.gc.stepmul
        } else {
            &mut self.gc.pause
        };
        std::mem::replace(slot, stored)
    }

    /// `collectgarbage("incremental", pause, stepmul, stepsize)`: switches to incremental mode,
    /// setting each parameter that is not 0 (`stepsize`: log2 of the bytes allocated between
    /// steps); returns the previous mode's name.
    pub fn gc_set_incremental(&mut self, pause: i64, stepmul: i64, stepsize: i64) -> &'static str {
        if pause as i32 != 0 {
            self.gc_set_param(false, pause);
        }
        if stepmul as i32 != 0 {
            self.gc_set_param(true, stepmul);
        }
        if stepsize as i32 != 0 {
            self.gc.stepsize = (stepsize as i32).clamp(0, 40) as u32;
        }
        self.gc_set_mode(false)
    }
}

/// The least allocation between two minor collections (bytes): on a small heap a minor
/// collection's fixed costs (the roots, every thread, a pass over the arenas' mark bits) would
/// otherwise come every few kilobytes.
const MINOR_MIN: usize = 1 << 16;

/// Minor collections after which an automatic collection is a major one even when the live
/// bytes have not grown past the major multiplier. An object live at one minor collection is
/// old (one survival suffices here; PUC's take two), and old garbage only goes in a major
/// collection: a program that waits for an object to be collected while making only young
/// garbage (`repeat local a = {} until finalized`) would otherwise wait for ever when a minor
/// collection happened to run while that object was still live. A major collection every
/// 16 minor ones costs about what the incremental collector's cycles do (one per 3.2 times
/// the live bytes allocated, with the default 20% minor multiplier).
const MAJOR_AFTER_MINORS: u32 = 16;

/// The generational collector (see "Generational mode" in the module comment).
impl Vm {
    /// Starts or stops the generational collector to match the mode (`gen_on`).
    fn update_gen_on(&mut self) {
        let want = self.gc.generational && !self.gc.inc_stress;
        if want == self.gc.gen_on {
            return;
        }
        if want {
            // The incremental cycle under way ends first: every mark is then clear.
            if self.gc.phase != Phase::Pause {
                self.run_steps(None, usize::MAX);
            }
            self.gc.gen_on = true;
            self.heap.barrier.generational = true;
            // As PUC entering the mode: a full collection, whose survivors are old.
            self.gen_collect(None, true);
        } else {
            self.clear_all_marks();
            self.gc.gen_on = false;
            self.heap.barrier.generational = false;
            self.heap.barrier.marking = false;
            self.set_pause_threshold();
        }
    }

    /// Clears every mark bit and every table's collector bits, and drops the barriers'
    /// records: every object is young again (no marked object refers to anything).
    fn clear_all_marks(&mut self) {
        let h = &mut self.heap;
        h.strings.arena.clear_marks(|_| {});
        h.tables.clear_marks(|t| t.clear_gc_bits());
        h.natives.clear_marks(|_| {});
        h.upvals.clear_marks(|_| {});
        h.userdata.clear_marks(|_| {});
        h.threads.clear_marks(|_| {});
        self.closures.clear_marks(|_| {});
        self.protos.clear_marks(|_| {});
        self.heap.barrier.clear();
    }

    /// A collection due in generational mode: a major one when the live bytes grew past the
    /// major multiplier since the last major collection, or after `MAJOR_AFTER_MINORS` minor
    /// ones (and `major_ok`), else a minor one.
    fn gen_step(&mut self, live_top: Option<usize>, major_ok: bool) {
        let a = &self.heap.alloc;
        let live = a.used.saturating_sub(a.arena_bytes);
        let base = self.gc.gen_base;
        let limit = base.saturating_add((base / 100).saturating_mul(self.gc.majormul as usize));
        let due = live > limit || self.gc.minors_since_major >= MAJOR_AFTER_MINORS;
        self.gen_collect(live_top, major_ok && due);
    }

    /// One generational collection, atomic (no guest code runs). A minor one marks from the
    /// roots, every thread, the old tables stored into since the last collection
    /// (`Barrier::touched`) and what the forward barriers recorded, and frees the unmarked
    /// (young) objects; the survivors keep their marks: they are old. A major one first
    /// clears every mark, so it marks and frees like a full cycle, and sets the base of
    /// the next major threshold.
    fn gen_collect(&mut self, live_top: Option<usize>, major: bool) {
        debug_assert!(self.gc.gen_on && self.gc.phase == Phase::Pause);
        let started = self.gc.step_log.as_ref().map(|_| std::time::Instant::now());
        if major {
            self.clear_all_marks();
            self.gc.gen_counts.1 += 1;
            self.gc.minors_since_major = 0;
        } else {
            self.gc.gen_counts.0 += 1;
            self.gc.minors_since_major = self.gc.minors_since_major.saturating_add(1);
        }
        if !self.gc.emergency {
            // A safe point (as `start_cycle`).
            self.heap.fresh.clear();
        }
        self.gc.phase = Phase::Propagate;
        let mut m = std::mem::take(&mut self.gc.marker);
        // The touched tables are old, so marked: they go on the gray stack by hand.
        let touched = std::mem::take(&mut self.heap.barrier.touched);
        m.gray.extend(touched.iter().map(|&t| Gray::Table(t)));
        self.atomic(&mut m, live_top);
        self.gc.marker = m;
        self.gc.sticky = true;
        // A minor collection frees only young objects: where an arena's young list names
        // them all, its sweep visits those slots alone.
        self.gc.sweep_young = !major;
        while self.gc.phase == Phase::Sweep {
            self.sweep_step(usize::MAX);
        }
        self.gc.sticky = false;
        self.gc.sweep_young = false;
        // Between collections the barriers stay on (the atomic step turned them off).
        self.heap.barrier.marking = true;
        let mut touched = touched;
        touched.clear();
        if self.heap.barrier.touched.is_empty() {
            self.heap.barrier.touched = touched;
        }
        self.set_gen_threshold(major);
        if let (Some(t0), Some(log)) = (started, self.gc.step_log.as_mut()) {
            log.push(t0.elapsed());
        }
    }

    /// The emergency collection in generational mode: every mark cleared, then an ordinary
    /// full cycle, which clears the marks of the survivors too: every object is young
    /// afterwards. (Objects the emergency keeps must not turn old: a native or the VM may go
    /// on to fill one it holds without a barrier, as `load_proto` fills a prototype.) The next
    /// minor collection then marks everything reachable, as a major one.
    fn gen_emergency_cycle(&mut self) {
        self.clear_all_marks();
        self.heap.barrier.generational = false;
        self.heap.barrier.marking = false;
        self.run_steps(None, usize::MAX);
        self.heap.barrier.generational = true;
        self.heap.barrier.marking = true;
        self.gc.gen_counts.1 += 1;
        self.gc.minors_since_major = 0;
        self.set_gen_threshold(true);
    }

    /// After a generational collection: the next one comes when the live bytes grow by the
    /// minor multiplier (at least `MINOR_MIN`); a major collection sets the base of the next
    /// major threshold.
    fn set_gen_threshold(&mut self, major: bool) {
        let a = &self.heap.alloc;
        let live = a.used.saturating_sub(a.arena_bytes);
        if major {
            self.gc.gen_base = live;
        }
        let minor = (live / 100)
            .saturating_mul(self.gc.minormul.max(1) as usize)
            .max(MINOR_MIN);
        self.heap.alloc.threshold = self.heap.alloc.used.saturating_add(minor);
        self.clamp_threshold_to_cap();
        if self.gc.stress {
            self.heap.alloc.threshold = 0;
        } else if self.gc.gen_stress {
            // The next minor collection after 0 to 448 bytes: with one at every safe point, an
            // object made at one would be old (marked from its register) before the program
            // could store it anywhere, and a missing barrier would go unseen.
            let gap = 64 * (self.gc.gen_counts.0 % 8) as usize;
            self.heap.alloc.threshold = self.heap.alloc.used.saturating_add(gap);
        }
    }
}
