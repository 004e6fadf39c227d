//! Coroutines (manual §2.6, §6.2): creating threads, and the stackless `resume`/`yield`/`wrap`
//! builtins. Resuming swaps the running thread's state (stack, frames, open upvalues, pending
//! to-be-closed slots) with the coroutine's, inside the same interpreter loop; a yield swaps
//! back and delivers values as the results of the resumer's pending `resume` frame. No Rust
//! recursion per resume. Yielding is refused when a native re-entered the interpreter since the
//! resume (`attempt to yield across a C-call boundary`): `Vm::nny` counts active `call_raw`s
//! and must equal the count at resume. Lua metamethods run as frames, so they can yield.

use crate::heap::{Args, NativeKind};
use crate::thread::{Cont, Frame, FrameKind, Thread, ThreadState, ThreadStatus};
use crate::value::{ThreadRef, Value};
use crate::vm::{Vm, STACK_SLACK};
use crate::Error;

impl Vm {
    /// Creates a suspended coroutine that will run `f`.
    pub fn new_thread(&mut self, f: Value) -> Result<ThreadRef, Error> {
        if self.heap.threads.live_count() >= self.limits.max_threads {
            self.thread_limit_reached(f)?;
        }
        self.charge_keeping(crate::heap::THREAD_COST, &[f])?;
        self.charge_growth(|vm| vm.heap.threads.growth())?;
        // Only the function's slot (above the bottom frame's): the first resume grows the stack
        // to what the body needs, and suspended coroutines are shrunk back to their live part.
        let mut stack = Vec::new();
        if stack.try_reserve_exact(2).is_err() {
            return Err(self.memory_error());
        }
        stack.extend_from_slice(&[Value::Nil, f]);
        let host = Frame {
            kind: FrameKind::Host,
            func: 0,
            base: 1,
            pc: 0,
            top: 2,
            nresults: -1,
            cont: Cont::Normal,
            nvarargs: 0,
            c_depth: 0,
            tail: false,
            fast_ret: false,
        };
        let th = Thread {
            state: ThreadState {
                stack,
                frames: vec![host],
                ..Default::default()
            },
            status: ThreadStatus::Suspended,
            ..Default::default()
        };
        match self.heap.threads.alloc(th) {
            Ok(h) => {
                self.heap
                    .fresh
                    .note(crate::heap::Fresh::Value(Value::Thread(ThreadRef(h))));
                Ok(ThreadRef(h))
            }
            Err(()) => Err(self.memory_error()),
        }
    }

    /// `new_thread` at the coroutine limit: a full collection may free dead ones.
    #[cold]
    fn thread_limit_reached(&mut self, f: Value) -> Result<(), Error> {
        self.heap.fresh.note_value(f);
        self.emergency_collect();
        self.stress_rearm();
        if self.heap.threads.live_count() >= self.limits.max_threads {
            return Err(self.error("too many coroutines"));
        }
        Ok(())
    }

    /// The running thread and whether it is the main one.
    pub fn running_thread(&self) -> (ThreadRef, bool) {
        (self.cur_thread, self.cur_thread == self.main_thread)
    }

    /// `coroutine.status` of a thread.
    pub fn thread_status(&self, t: ThreadRef) -> &'static str {
        if t == self.cur_thread {
            return "running";
        }
        match self.heap.threads.get(t.0).status {
            ThreadStatus::Suspended => "suspended",
            ThreadStatus::Running => "running",
            ThreadStatus::Normal => "normal",
            ThreadStatus::Dead => "dead",
        }
    }

    /// Whether the running code may yield (`coroutine.isyieldable`).
    pub fn is_yieldable(&self) -> bool {
        self.cur_thread != self.main_thread
            && self.nny == self.heap.threads.get(self.cur_thread.0).base_nny
    }

    /// Marks a suspended or dead coroutine dead (`coroutine.close`): returns its error, if it
    /// died with one. Errors for running or normal coroutines.
    pub fn close_thread(&mut self, t: ThreadRef) -> Result<Option<Value>, Error> {
        let st = self.thread_status(t);
        if st == "running" || st == "normal" {
            return Err(self.error(&format!("cannot close a {st} coroutine")));
        }
        // The error stays in the thread (a root) until the `__close` calls below are done:
        // pushing their arguments may collect.
        let mut err = self.heap.threads.get(t.0).error;
        if self.heap.threads.get(t.0).state.tbc.is_empty() {
            self.heap.threads.get_mut(t.0).error = None;
            let th = self.heap.threads.get_mut(t.0);
            th.status = ThreadStatus::Dead;
            th.state.frames.truncate(1);
            // Close its open upvalues (their slots are about to be dead).
            let ups = std::mem::take(&mut th.state.open_upvals);
            for (idx, u) in ups {
                let v = self
                    .heap
                    .threads
                    .get(t.0)
                    .state
                    .stack
                    .get(idx)
                    .copied()
                    .unwrap_or(Value::Nil);
                *self.heap.upvals.get_mut(u.0) = crate::heap::Upval::Closed(v);
                self.heap.barrier_upval(u, v);
            }
            return Ok(err);
        }
        // Run the pending `__close` metamethods on the thread itself, innermost first, each
        // getting the current error (nil if none); an error in one replaces it.
        let prev = self.cur_thread;
        let saved_status = self.heap.threads.get(prev.0).status;
        self.heap.threads.get_mut(prev.0).status = ThreadStatus::Normal;
        self.switch_to(t);
        self.heap.threads.get_mut(t.0).status = ThreadStatus::Running;
        self.ts.frames.truncate(1);
        self.close_upvals(0);
        // A second bottom frame, so that a `__close` returning to it is not taken for the
        // coroutine's body finishing.
        let keep = self.ts.tbc.last().map_or(0, |s| s + 1);
        let base = self.ts.frames.last().map_or(0, |f| f.top).max(keep);
        self.ts.frames.push(Frame {
            kind: FrameKind::Host,
            func: base,
            base,
            pc: 0,
            top: base,
            nresults: 0,
            cont: Cont::Normal,
            nvarargs: 0,
            c_depth: self.c_rel(),
            tail: false,
            fast_ret: false,
        });
        while let Some(&s) = self.ts.tbc.last() {
            self.ts.tbc.pop();
            let v = self.ts.stack.get(s).copied().unwrap_or(Value::Nil);
            // Called even when the metamethod is gone: PUC then reports the failed call.
            let tm = self.get_metamethod(v, crate::meta::Tm::Close);
            if let Err(e) = self.call_raw(tm, &[v, err.unwrap_or(Value::Nil)]) {
                err = Some(e.value());
                self.heap.threads.get_mut(t.0).error = err;
            }
        }
        self.heap.threads.get_mut(t.0).error = None;
        self.ts.frames.truncate(1);
        self.close_upvals(0);
        self.heap.threads.get_mut(t.0).status = ThreadStatus::Dead;
        self.switch_to(prev);
        self.heap.threads.get_mut(prev.0).status = saved_status;
        Ok(err)
    }

    /// Creates the `resume`, `yield` and `wrap`-call builtins.
    pub fn new_resume(&mut self) -> Result<Value, Error> {
        self.new_native_kind("coroutine.resume", NativeKind::Resume, Box::new([]))
    }
    pub fn new_yield(&mut self) -> Result<Value, Error> {
        self.new_native_kind("coroutine.yield", NativeKind::Yield, Box::new([]))
    }
    /// A function that resumes `t` and raises its errors (`coroutine.wrap`).
    pub fn new_wrap(&mut self, t: ThreadRef) -> Result<Value, Error> {
        self.new_native_kind("wrap", NativeKind::Wrap, Box::new([Value::Thread(t)]))
    }

    /// Swaps the running thread's state with `t`'s.
    ///
    /// Invariant: a thread's `Thread::state` holds its stack, frames, open upvalues and
    /// pending to-be-closed slots exactly while it is not running; the running thread's are
    /// empty Vecs. So the running state (`Vm::ts`) is parked in the old thread's object and the
    /// new thread's state fetched from its own; the two small lists are only moved when non-empty
    /// (an empty Vec left in `Vm` is as good as the other thread's empty one). Cost does not
    /// depend on stack depth.
    #[inline]
    fn switch_to(&mut self, t: ThreadRef) {
        use std::mem::swap;
        let th = self.heap.threads.get_mut(self.cur_thread.0);
        swap(&mut self.ts.stack, &mut th.state.stack);
        swap(&mut self.ts.frames, &mut th.state.frames);
        if !self.ts.open_upvals.is_empty() {
            swap(&mut self.ts.open_upvals, &mut th.state.open_upvals);
        }
        if !self.ts.tbc.is_empty() {
            swap(&mut self.ts.tbc, &mut th.state.tbc);
        }
        let nt = self.heap.threads.get_mut(t.0);
        swap(&mut self.ts.stack, &mut nt.state.stack);
        swap(&mut self.ts.frames, &mut nt.state.frames);
        if !nt.state.open_upvals.is_empty() {
            swap(&mut self.ts.open_upvals, &mut nt.state.open_upvals);
        }
        if !nt.state.tbc.is_empty() {
            swap(&mut self.ts.tbc, &mut nt.state.tbc);
        }
        self.cur_thread = t;
    }

    /// Whether the native frame on top is a `wrap` function's (its caller gets no leading
    /// `true`, and errors are raised instead of returned).
    #[inline]
    fn top_is_wrap(&self) -> bool {
        matches!(self.ts.frames.last().map(|f| f.kind), Some(FrameKind::Native { f }) if matches!(self.heap.natives.get(f.0).kind, NativeKind::Wrap))
    }

    /// Delivers `vals` (with a leading `true`/`false` unless `wrap`) as the results of the
    /// native frame on top (a pending resume). For the rare one-value cases (errors).
    fn deliver(&mut self, ok: bool, vals: &[Value]) -> Result<(), Error> {
        let top = self.cur_top();
        let need = top + vals.len() + 1 + STACK_SLACK;
        self.grow_stack_for(need, vals)?;
        let mut n = 0;
        if !self.top_is_wrap() {
            self.ts.stack[top] = Value::Bool(ok);
            n = 1;
        }
        self.ts.stack[top + n..top + n + vals.len()].copy_from_slice(vals);
        n += vals.len();
        self.set_cur_top(top + n);
        if !self.hs.hooks.is_empty() {
            self.hook_return(top, n)?;
        }
        self.post_call(top, n)
    }

    /// Delivers `true` (unless `wrap`) and the `n` values at `first` of suspended thread
    /// `from`'s stack as the results of the pending resume on top: copied straight from one
    /// stack to the other, so a switch allocates nothing.
    #[inline]
    fn deliver_from(&mut self, from: ThreadRef, first: usize, n: usize) -> Result<(), Error> {
        let wrap = self.heap.threads.get(from.0).via_wrap;
        self.deliver_values(from, first, n, wrap)
    }

    /// `deliver_from` with the resume's kind known (`wrap`: no leading `true`).
    #[inline(always)]
    fn deliver_values(
        &mut self,
        from: ThreadRef,
        first: usize,
        n: usize,
        wrap: bool,
    ) -> Result<(), Error> {
        let top = self.cur_top();
        let need = top + n + 1 + STACK_SLACK;
        if need > self.ts.stack.len() {
            self.grow_stack(need)?;
        }
        let mut m = 0;
        if !wrap {
            self.ts.stack[top] = Value::Bool(true);
            m = 1;
        }
        let src = &self.heap.threads.get(from.0).state.stack;
        let Some(vals) = src.get(first..first + n) else {
            return Err(self.make_error("internal error: coroutine values out of range".into()));
        };
        self.ts.stack[top + m..top + m + n].copy_from_slice(vals);
        m += n;
        self.set_cur_top(top + m);
        if !self.hs.hooks.is_empty() {
            self.hook_return(top, m)?;
        }
        self.post_call(top, m)
    }

    /// Starts `resume(co, ...)` or a `wrap` call with arguments `args`; its native frame is on
    /// top of the frame stack.
    pub(crate) fn co_resume(&mut self, args: Args, wrap: bool) -> Result<bool, Error> {
        if !self.hs.hooks.is_empty() {
            self.hook_call(false)?;
        }
        let (co, first, nargs) = if wrap {
            match self.native_upvalue(0) {
                Value::Thread(t) => (t, args.base, args.n),
                _ => return Err(self.error("cannot resume non-suspended coroutine")),
            }
        } else {
            match self.ts.stack[args.base] {
                Value::Thread(t) if args.n > 0 => (t, args.base + 1, args.n - 1),
                _ => return Err(self.type_error(args, 0, "thread")),
            }
        };
        let status = self.heap.threads.get(co.0).status;
        if status != ThreadStatus::Suspended || co == self.cur_thread {
            let msg = if status == ThreadStatus::Dead {
                "cannot resume dead coroutine"
            } else {
                "cannot resume non-suspended coroutine"
            };
            if wrap {
                return Err(self.error(msg));
            }
            let m = self.str_value(msg)?;
            self.deliver(false, &[m])?;
            return Ok(false);
        }
        if self.c_depth > self.limits.c_limit {
            // Like PUC's `lua_resume`, nesting resumes counts C levels; past the limit the
            // coroutine stays suspended (at the limit, starting its body fails below).
            let msg = "C stack overflow";
            if wrap {
                return Err(self.error(msg));
            }
            let m = self.str_value(msg)?;
            self.deliver(false, &[m])?;
            return Ok(false);
        }
        if self.ts.frames.len() >= self.limits.max_frames {
            return Err(self.rt_error("stack overflow"));
        }
        let prev = self.cur_thread;
        self.heap.threads.get_mut(prev.0).status = ThreadStatus::Normal;
        self.switch_to(co);
        let (c_depth, c_base, nny) = (self.c_depth, self.c_base, self.nny);
        {
            let th = self.heap.threads.get_mut(co.0);
            th.status = ThreadStatus::Running;
            th.resumer = Some(prev);
            th.base_c_depth = c_depth;
            th.base_c_base = c_base;
            th.base_nny = nny;
            th.via_wrap = wrap;
        }
        self.c_depth = c_depth + 1;
        self.c_base = c_depth + 1;
        let started = self.ts.frames.len() > 1;
        let top = self.cur_top();
        let need = top + nargs + 1 + STACK_SLACK;
        if need > self.ts.stack.len() {
            if let Err(e) = self.grow_stack(need) {
                self.co_die(e)?;
                return Ok(true);
            }
        }
        // The arguments travel straight from the resumer's stack (now parked in its thread
        // object) to the coroutine's.
        let src = &self.heap.threads.get(prev.0).state.stack;
        if let Some(vals) = src.get(first..first + nargs) {
            self.ts.stack[top..top + nargs].copy_from_slice(vals);
        }
        self.set_cur_top(top + nargs);
        let r = if started {
            // Suspended in `yield`: the arguments become yield's results.
            let hooked = if self.hs.hooks.is_empty() {
                Ok(())
            } else {
                self.hook_return(top, nargs)
            };
            hooked.and_then(|()| self.post_call(top, nargs))
        } else if c_depth >= self.limits.c_limit {
            // PUC's call of the body is one C level too many: the coroutine dies.
            Err(self.make_error("C stack overflow".into()))
        } else {
            self.precall(1, nargs, -1, Cont::Normal, false).map(|_| ())
        };
        if let Err(e) = r {
            self.co_die(e)?;
            return Ok(true);
        }
        if self.cur_thread == co && self.ts.frames.len() == 1 {
            // The body was a native that already returned.
            self.co_finish()?;
        }
        Ok(true)
    }

    /// `yield(...)` of the values `args`, its native frame on top; switches back to the
    /// resumer.
    pub(crate) fn co_yield(&mut self, args: Args) -> Result<bool, Error> {
        if !self.hs.hooks.is_empty() {
            self.hook_call(false)?;
        }
        let co = self.cur_thread;
        if co == self.main_thread {
            return Err(self.make_error("attempt to yield from outside a coroutine".into()));
        }
        let nny = self.nny;
        let th = self.heap.threads.get_mut(co.0);
        if nny != th.base_nny {
            return Err(self.make_error("attempt to yield across a C-call boundary".into()));
        }
        let Some(prev) = th.resumer else {
            return Err(self.make_error("attempt to yield from outside a coroutine".into()));
        };
        // Read before the writes below: loading these right after the byte stores to
        // `status` and `yielded` next to them stalls store forwarding (docs/performance.md).
        let (c_depth, c_base, wrap) = (th.base_c_depth, th.base_c_base, th.via_wrap);
        let first_yield = !th.yielded;
        th.yielded = true;
        th.status = ThreadStatus::Suspended;
        // The yielded values stay where they are (above the yield frame's lowered top) until
        // they are copied to the resumer's stack.
        self.set_cur_top(args.base);
        self.switch_to(prev);
        self.heap.threads.get_mut(prev.0).status = ThreadStatus::Running;
        // Back in the resumer: its C level and base as they were at the resume.
        self.c_depth = c_depth;
        self.c_base = c_base;
        let r = self.deliver_values(co, args.base, args.n, wrap);
        if first_yield {
            // The first yield leaves the coroutine with the stack it grew to run (hundreds of
            // slots for the register window); an idle coroutine keeps only its live part.
            self.shrink_thread_stack(co);
        }
        r?;
        Ok(true)
    }

    /// Back in the resumer of `co`: its C level and base as they were at the resume.
    #[inline]
    fn restore_c_level(&mut self, co: ThreadRef) {
        let th = self.heap.threads.get(co.0);
        self.c_depth = th.base_c_depth;
        self.c_base = th.base_c_base;
    }

    /// Shrinks a suspended or dead coroutine's stack to its live part (as PUC's
    /// `luaD_shrinkstack`), so that idle coroutines cost little; a resume grows it again.
    pub(crate) fn shrink_thread_stack(&mut self, t: ThreadRef) {
        if t == self.cur_thread {
            return;
        }
        let th = self.heap.threads.get(t.0);
        if !matches!(th.status, ThreadStatus::Suspended | ThreadStatus::Dead) {
            return;
        }
        let mut keep = self.live_extent(&th.state.frames);
        if let Some(&s) = th.state.tbc.iter().max() {
            keep = keep.max(s + 1);
        }
        if let Some(&(s, _)) = th.state.open_upvals.iter().max_by_key(|u| u.0) {
            keep = keep.max(s + 1);
        }
        let th = self.heap.threads.get_mut(t.0);
        if th.state.stack.capacity() > keep + STACK_SLACK {
            th.state.stack.truncate(keep);
            th.state.stack.shrink_to_fit();
        }
    }

    /// Called when a coroutine's body returned to its bottom frame: results are at
    /// `1..top` of its stack.
    #[inline(never)]
    pub(crate) fn co_finish(&mut self) -> Result<(), Error> {
        let co = self.cur_thread;
        let top = self.cur_top().max(1);
        let Some(prev) = self.heap.threads.get(co.0).resumer else {
            return Ok(());
        };
        self.heap.threads.get_mut(co.0).status = ThreadStatus::Dead;
        self.switch_to(prev);
        self.heap.threads.get_mut(prev.0).status = ThreadStatus::Running;
        self.restore_c_level(co);
        let r = self.deliver_from(co, 1, top - 1);
        self.shrink_thread_stack(co);
        r
    }

    /// A coroutine failed with `e` and no pcall of its own: it dies; its resumer's pending
    /// resume returns `false, err` (Ok), or a `wrap` re-raises the error in the resumer (Err).
    pub(crate) fn co_die(&mut self, e: Error) -> Result<(), Error> {
        let co = self.cur_thread;
        let Some(prev) = self.heap.threads.get(co.0).resumer else {
            return Err(e);
        };
        let mut errv = e.value();
        // As in PUC, pending to-be-closed variables stay pending (and open upvalues open)
        // until `coroutine.close`; the stack keeps their values, and the frames stay where
        // the error left them (`debug.traceback(co)` shows them).
        let keep = self.ts.tbc.last().map_or(0, |s| s + 1);
        if let Some(f) = self.ts.frames.first_mut() {
            f.top = f.top.max(keep);
        }
        {
            let th = self.heap.threads.get_mut(co.0);
            th.status = ThreadStatus::Dead;
            th.error = Some(errv);
        }
        self.switch_to(prev);
        self.heap.threads.get_mut(prev.0).status = ThreadStatus::Running;
        self.restore_c_level(co);
        if self.top_is_wrap() {
            // Like PUC's auxwrap, a failed `wrap` coroutine has its pending variables closed
            // at once, from the caller's side (where a `__close` cannot yield); an error in
            // one replaces the coroutine's.
            if let Some(v) = self.close_thread(co)? {
                errv = v;
            }
            // Like PUC's auxwrap: string errors get the position of the wrap call.
            if let Value::Str(s) = errv {
                let mut b = self.where_(1).into_bytes();
                b.extend_from_slice(self.str_bytes(s));
                errv = self.str_value(&b)?;
            }
            return Err(Error::from_value(errv));
        }
        self.deliver(false, &[errv])
    }
}
