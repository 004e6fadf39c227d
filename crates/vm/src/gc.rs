//! The garbage collector: precise, non-incremental mark-and-sweep (manual §2.5, minus weak
//! tables and finalizers for now).
//!
//! `mark_roots` greys the roots (registry, globals, per-type metatables, the VM's own strings,
//! pinned values, the last error, the running thread's live stack, frames and open upvalues);
//! `trace_references` drains the explicit gray stack (no recursion, so deep structures cannot
//! overflow the Rust stack); `sweep` frees unmarked objects in every arena and returns their
//! bytes. The interner is weak: dead strings are unlinked from it while sweeping.
//!
//! Invariant: every stack slot always holds a valid value: the live part of the running stack is
//! marked, and the part above it is reset to nil during the cycle.
//!
//! The collector runs only at safe points of the interpreter (see `interp.rs`) or when asked by
//! `collectgarbage`; the next threshold is twice the live size (PUC's pause of 200%).
//! Hooks left for later: `Table::weak` carries `__mode` flags; finalizers (`__gc`) would be
//! queued from the sweep of tables/userdata whose metatable has `__gc`.

use crate::heap::Upval;
use crate::heap::{CLOSURE_COST, NATIVE_COST, PROTO_COST, THREAD_COST, UPVAL_COST, USERDATA_COST};
use crate::table::TABLE_BASE_COST;
use crate::thread::{Frame, FrameKind};
use crate::value::{FnRef, NativeRef, ProtoRef, TableRef, ThreadRef, UdRef, UpvalRef, Value};
use crate::vm::Vm;

enum Gray {
    Table(TableRef),
    Fn(FnRef),
    Native(NativeRef),
    Ud(UdRef),
    Thread(ThreadRef),
    Proto(ProtoRef),
    Upval(UpvalRef),
}

struct Marker {
    gray: Vec<Gray>,
}

impl Vm {
    fn mark_value(&mut self, m: &mut Marker, v: Value) {
        match v {
            Value::Str(s) => {
                self.heap.strings.arena.mark(s.0);
            }
            Value::Table(t) => {
                if self.heap.tables.mark(t.0) {
                    m.gray.push(Gray::Table(t));
                }
            }
            Value::LuaFn(f) => {
                if self.closures.mark(f.0) {
                    m.gray.push(Gray::Fn(f));
                }
            }
            Value::Native(f) => {
                if self.heap.natives.mark(f.0) {
                    m.gray.push(Gray::Native(f));
                }
            }
            Value::Userdata(u) => {
                if self.heap.userdata.mark(u.0) {
                    m.gray.push(Gray::Ud(u));
                }
            }
            Value::Thread(t) => {
                if self.heap.threads.mark(t.0) {
                    m.gray.push(Gray::Thread(t));
                }
            }
            _ => {}
        }
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
    fn live_extent(&self, frames: &[Frame]) -> usize {
        let mut ext = 0;
        for f in frames {
            let e = match f.kind {
                FrameKind::Lua { proto, .. } => {
                    (f.base + self.protos.get(proto.0).proto.max_stack as usize).max(f.top)
                }
                _ => f.top,
            };
            ext = ext.max(e);
        }
        ext
    }

    fn mark_roots(&mut self, m: &mut Marker) {
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
        for i in 0..self.fixed_strings.len() {
            self.mark_value(m, Value::Str(self.fixed_strings[i]));
        }
        self.mark_value(m, self.last_error);
        for i in 0..self.pinned.len() {
            self.mark_value(m, self.pinned[i]);
        }
        self.mark_value(m, Value::Thread(self.main_thread));
        self.mark_value(m, Value::Thread(self.cur_thread));
        // The running thread's state.
        let frames = std::mem::take(&mut self.frames);
        let ext = self.live_extent(&frames).min(self.stack.len());
        for f in &frames {
            self.mark_frame(m, f);
        }
        self.frames = frames;
        for i in 0..ext {
            self.mark_value(m, self.stack[i]);
        }
        for s in &mut self.stack[ext..] {
            *s = Value::Nil;
        }
        for i in 0..self.open_upvals.len() {
            let u = self.open_upvals[i].1;
            self.mark_upval(m, u);
        }
    }

    fn trace_references(&mut self, m: &mut Marker) {
        let mut vals: Vec<Value> = Vec::new();
        while let Some(g) = m.gray.pop() {
            match g {
                Gray::Table(t) => {
                    vals.clear();
                    let tb = self.heap.tables.get(t.0);
                    if let Some(mt) = tb.meta {
                        vals.push(Value::Table(mt));
                    }
                    tb.for_each_entry(|k, v| {
                        vals.push(k);
                        vals.push(v);
                    });
                    for i in 0..vals.len() {
                        self.mark_value(m, vals[i]);
                    }
                }
                Gray::Fn(f) => {
                    let c = self.closures.get(f.0);
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
                    let frames = std::mem::take(&mut th.frames);
                    let stack = std::mem::take(&mut th.stack);
                    let ups: Vec<UpvalRef> = th.open_upvals.iter().map(|x| x.1).collect();
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
                    let ext = self.live_extent(&frames).min(stack.len());
                    for v in &stack[..ext] {
                        self.mark_value(m, *v);
                    }
                    let th = self.heap.threads.get_mut(t.0);
                    th.frames = frames;
                    th.stack = stack;
                    for s in &mut th.stack[ext..] {
                        *s = Value::Nil;
                    }
                    for u in ups {
                        self.mark_upval(m, u);
                    }
                }
                Gray::Proto(p) => {
                    let lp = self.protos.get(p.0);
                    vals.clear();
                    vals.extend_from_slice(&lp.consts);
                    let kids: Vec<ProtoRef> = lp.children.to_vec();
                    for i in 0..vals.len() {
                        self.mark_value(m, vals[i]);
                    }
                    for k in kids {
                        self.mark_proto(m, k);
                    }
                }
                Gray::Upval(u) => {
                    if let Upval::Closed(v) = *self.heap.upvals.get(u.0) {
                        self.mark_value(m, v);
                    }
                }
            }
        }
    }

    fn sweep(&mut self) -> usize {
        let mut freed = self.heap.strings.sweep();
        self.heap
            .tables
            .sweep(|_, t| freed += TABLE_BASE_COST + t.mem);
        self.closures
            .sweep(|_, c| freed += CLOSURE_COST + c.upvals.len() * 8);
        self.heap
            .natives
            .sweep(|_, n| freed += NATIVE_COST + n.upvals.len() * 16);
        self.heap.upvals.sweep(|_, _| freed += UPVAL_COST);
        self.heap.userdata.sweep(|_, _| freed += USERDATA_COST);
        self.heap.threads.sweep(|_, _| freed += THREAD_COST);
        self.protos
            .sweep(|_, p| freed += PROTO_COST + p.proto.code.len() * 12 + p.consts.len() * 16);
        freed
    }

    /// Runs a full collection cycle now.
    pub fn collect_garbage(&mut self) {
        let mut m = Marker { gray: Vec::new() };
        self.mark_roots(&mut m);
        self.trace_references(&mut m);
        let freed = self.sweep();
        self.heap.alloc.release(freed);
        self.heap.alloc.threshold = (self.heap.alloc.used.saturating_mul(2)).max(1 << 18);
        if self.gc_stress {
            self.heap.alloc.threshold = 0;
        }
    }

    /// Debug switch: collect at every safe point (finds values the collector misses).
    pub fn set_gc_stress(&mut self, on: bool) {
        self.gc_stress = on;
        if on {
            self.heap.alloc.threshold = 0;
        }
    }

    /// Whether automatic collection is stopped (`collectgarbage("stop")`).
    pub fn gc_is_running(&self) -> bool {
        !self.gc_stopped
    }

    /// Stops or restarts automatic collection.
    pub fn gc_set_running(&mut self, on: bool) {
        self.gc_stopped = !on;
    }

    /// Switches the (nominal) collector mode; returns the previous mode's name.
    pub fn gc_set_mode(&mut self, generational: bool) -> &'static str {
        let prev = if self.gc_mode_generational {
            "generational"
        } else {
            "incremental"
        };
        self.gc_mode_generational = generational;
        prev
    }

    /// Performs a collection step (`collectgarbage("step")`): here a full cycle; returns true
    /// (a cycle finished).
    pub fn gc_step(&mut self) -> bool {
        self.collect_garbage();
        true
    }
}
