//! The interpreter (manual §3.3–§3.4 executed). `run_loop` is the dispatch loop: one
//! `loop { match instr }` over the running thread's top Lua frame, whose arms are the fast
//! paths. Each opcode family has one home, a submodule holding its fast-path pieces (the
//! macros and `#[inline(always)]` helpers the loop's arms expand) and its fallback, a `Vm`
//! method taking the decoded operands: `arith` (arithmetic, bitwise, unary, LEN, CONCAT),
//! `compare` (comparisons), `table_ops` (indexing, NEWTABLE, SETLIST), `upvals` (upvalues,
//! closures, CLOSE, TBC), `loops` (numeric and generic `for`), `call_ops` (CALL, TAILCALL,
//! RETURN, VARARG; frame setup is in `crate::calls`). An arm that declines leaves the inner
//! loop with the instruction it already fetched (`Exit::Slow(ins)`), and `slow_op` hands its
//! operands to the fallback: a table from opcode to fallback, nothing more. The inline paths of
//! calls, tail calls and returns switch the loop's own locals to another frame, so they stay
//! in the loop. Stackless: Lua→Lua calls, returns and Lua metamethods push/pop frames and come
//! back to the top of `run_loop`, never recursing in Rust.
//!
//! The fast loop borrows the prototype's code and constants from `Vm::protos` and views the
//! frame's registers as a fixed `[Value; 256]` window (the stack is kept at least `base + 256`
//! long), so register access needs no bounds checks. The collector runs only in fallbacks
//! (at NEWTABLE, CONCAT, CLOSURE and calls), where every live value is in a stack slot.

#[macro_use]
mod arith;
#[macro_use]
mod compare;
mod call_ops;
mod loops;
mod table_ops;
mod upvals;

pub(crate) use table_ops::lacks_tm;
use table_ops::{
    get_field_into, get_str_chain, get_str_method, set_int_fast, set_str_fast, set_table_fast,
};

use crate::heap::Upval;
use crate::limits::FUEL_EXHAUSTED;
use crate::ops::{self, ArithOp};
use crate::thread::{Cont, Frame, FrameKind};
use crate::value::Value;
use crate::vm::Vm;
use crate::vm::STACK_SLACK;
use crate::Error;
use arith::sub_imm_float;
use tape_bytecode::Instr;

impl Vm {
    /// Runs frames until `entry_thread` is running again with its frame stack down to
    /// `entry_depth`; errors are caught by the nearest `pcall` marker above `entry_depth` or
    /// returned (frames unwound to `entry_depth`).
    pub(crate) fn execute(
        &mut self,
        entry_depth: usize,
        entry_thread: crate::value::ThreadRef,
    ) -> Result<(), Error> {
        let r = self.run(entry_depth, entry_thread);
        self.execute_after(r, entry_depth, entry_thread)
    }

    /// `execute` for a call from a native or the host (`Vm::call1`, `call_raw`): the
    /// unhooked, unlimited loop is entered directly, and only when hooks or limits are on
    /// does `execute` choose the loop. Inlined into its callers (a `table.sort` comparator's
    /// call pays no extra frame); the loop itself is not, and the rare endings are a call.
    #[inline(always)]
    pub(crate) fn execute_plain(
        &mut self,
        entry_depth: usize,
        entry_thread: crate::value::ThreadRef,
    ) -> Result<(), Error> {
        match self.run_loop::<false, false>(entry_depth, entry_thread) {
            Ok(true) => Ok(()),
            other => self.execute_plain_rest(other, entry_depth, entry_thread),
        }
    }

    /// `execute_plain` after the plain loop stopped for hooks or limits, or on an error.
    #[cold]
    #[inline(never)]
    fn execute_plain_rest(
        &mut self,
        r: Result<bool, Error>,
        entry_depth: usize,
        entry_thread: crate::value::ThreadRef,
    ) -> Result<(), Error> {
        match r {
            Ok(true) => Ok(()),
            // Hooks or limits are on: the loop that checks them.
            Ok(false) => self.execute(entry_depth, entry_thread),
            Err(e) => self.execute_after(Err(e), entry_depth, entry_thread),
        }
    }

    /// The rest of `execute` after a run of the loop that ended with `r`: an error is caught
    /// or returned, and the loop runs on until the frames are done.
    #[inline(never)]
    fn execute_after(
        &mut self,
        mut r: Result<(), Error>,
        entry_depth: usize,
        entry_thread: crate::value::ThreadRef,
    ) -> Result<(), Error> {
        loop {
            let Err(mut e) = r else {
                return Ok(());
            };
            if e.is_paused() {
                // Nothing unwinds: the host resumes this very state.
                return Err(e);
            }
            loop {
                let low = if self.cur_thread == entry_thread {
                    entry_depth
                } else {
                    1
                };
                let marker = (low..self.ts.frames.len())
                    .rev()
                    .find(|&i| matches!(self.ts.frames[i].kind, FrameKind::Pcall { .. }));
                if let Some(i) = marker {
                    self.catch(i, e)?;
                    break;
                }
                if self.cur_thread == entry_thread {
                    let e = self.handle_escaping(entry_depth, e);
                    let e = self.prepare_escape(e);
                    return Err(self.unwind_to(entry_depth, e));
                }
                // A coroutine with no pcall of its own dies; its resumer gets `false, err`
                // (or, for `wrap`, the error is raised again in the resumer).
                match self.co_die(e) {
                    Ok(()) => break,
                    Err(e2) => e = e2,
                }
            }
            r = self.run(entry_depth, entry_thread);
        }
    }

    /// Adds a traceback to an error that no `pcall` on this thread will catch.
    pub(crate) fn prepare_escape(&mut self, mut e: Error) -> Error {
        // (An error the host message handler already turned into its message has none.)
        if !e.has_traceback()
            && !e.handled()
            && !self
                .ts
                .frames
                .iter()
                .any(|f| matches!(f.kind, FrameKind::Pcall { .. }))
        {
            let tb = self.traceback();
            e.set_traceback(tb);
        }
        e
    }

    fn internal_error(&mut self, what: &str) -> Error {
        self.rt_error(&format!("internal error: {what}"))
    }

    /// A copy of the running frame (a fallback always runs inside one).
    fn running_frame(&mut self) -> Result<crate::thread::Frame, Error> {
        match self.ts.frames.last() {
            Some(f) => Ok(*f),
            None => Err(self.internal_error("no running frame")),
        }
    }

    /// Runs until the frame stack drops to `entry_depth`, in the hooked or unhooked loop as
    /// the running thread's hooks require (they can change at any native call).
    fn run(
        &mut self,
        entry_depth: usize,
        entry_thread: crate::value::ThreadRef,
    ) -> Result<(), Error> {
        loop {
            let done = match (self.hooks_on(), self.limits_on()) {
                (true, _) => self.run_loop::<true, true>(entry_depth, entry_thread)?,
                (false, true) => self.run_loop::<false, true>(entry_depth, entry_thread)?,
                (false, false) => self.run_loop::<false, false>(entry_depth, entry_thread)?,
            };
            if done {
                return Ok(());
            }
        }
    }

    /// The fast loop. Returns `true` when the frame stack drops to `entry_depth`, `false` when
    /// hooks were switched on or off. With `HOOK`, each instruction is traced first
    /// (`trace_exec`) and calls and returns take the slow path, which fires their events.
    ///
    /// With `LIMITS` (a fuel budget or an armed interrupt, `Vm::limits_on`), every instruction
    /// costs one unit of fuel and checks the interrupt flag; the unlimited loop pays nothing
    /// for either. The hooked loop always checks them.
    #[inline(never)]
    fn run_loop<const HOOK: bool, const LIMITS: bool>(
        &mut self,
        entry_depth: usize,
        entry_thread: crate::value::ThreadRef,
    ) -> Result<bool, Error> {
        loop {
            if self.ts.frames.len() <= entry_depth && self.cur_thread == entry_thread {
                return Ok(true);
            }
            if self.hooks_on() != HOOK || (!HOOK && self.limits_on() != LIMITS) {
                return Ok(false);
            }
            // Back from a slow path: a loop whose back jump never takes the fast path still
            // sees the interrupt flag here.
            if !LIMITS
                && self
                    .limits
                    .interrupt
                    .load(std::sync::atomic::Ordering::Relaxed)
            {
                return Err(self.limit_error());
            }
            if HOOK {
                self.trace_exec()?;
                if self.ts.frames.len() <= entry_depth && self.cur_thread == entry_thread {
                    return Ok(true);
                }
            }
            let mut fi = self.ts.frames.len() - 1;
            let FrameKind::Lua { cl, proto } = self.ts.frames[fi].kind else {
                // Only a pcall marker unwinding an error, whose `__close` call has returned.
                self.resume_unwind()?;
                continue;
            };
            let mut base = self.ts.frames[fi].base;
            let mut pc = self.ts.frames[fi].pc;
            // The fuel left, kept in a local while the fast loop runs (written back below).
            let mut fuel = self.limits.fuel.unwrap_or(i64::MAX);
            // Where the fuel runs out: zero, or below in pause mode where no pause is possible.
            let fuel_floor = if LIMITS { self.fuel_floor() } else { 0 };
            let mut interrupt = &*self.limits.interrupt;
            let deadline = self.limits.deadline;
            let mut tick = crate::limits::DEADLINE_TICK;
            // Pending to-be-closed slots (absolute). A generic `for` registers its closing
            // value only when there is one, so this is checked where a frame ends rather
            // than counted in `may_close`.
            let mut tbc = &self.ts.tbc;
            let exit = {
                let mut protos = &self.protos;
                // The running function's proto and closure: two thin pointers, cheap to switch
                // on calls and returns.
                let mut lp = protos.get(proto.0);
                let cur_thread = self.cur_thread;
                let mut stack: &mut [Value] = &mut self.ts.stack[..];
                let mut stack_len = stack.len();
                if base + 256 > stack_len {
                    return Err(Error::from_value(Value::Nil));
                }
                let (mut below, above) = stack.split_at_mut(base);
                let Some(window) = above.get_mut(..256) else {
                    return Err(Error::from_value(Value::Nil));
                };
                let Ok(mut regs) = <&mut [Value; 256]>::try_from(window) else {
                    return Err(Error::from_value(Value::Nil));
                };
                let mut heap = &mut self.heap;
                let mut closures = &self.closures;
                let mut clo = closures.get(cl.0);
                let mut frames = &mut self.ts.frames;
                // The inline call pushes only into the frame vector's spare capacity (its
                // growth is charged to the memory cap on the slow path), and never past the
                // frame limit: one compare against this bound covers both.
                let mut max_fi = self
                    .limits
                    .max_frames
                    .min(frames.capacity())
                    .saturating_sub(1);
                let index_name = self.tm_names[crate::meta::Tm::Index as usize];
                // Strings' metatable (only a native can change it: read again after a native
                // runs from inside the loop).
                let mut str_meta = self.type_meta[crate::value::Type::String as usize];
                /// A backward jump was taken: the unlimited loop checks the interrupt flag here
                /// (the limited loop checks it before every instruction anyway).
                macro_rules! back_edge {
                    ($taken_backwards:expr) => {
                        if !LIMITS
                            && $taken_backwards
                            && interrupt.load(std::sync::atomic::Ordering::Relaxed)
                        {
                            pc += 1;
                            break Exit::Limit;
                        }
                    };
                }
                macro_rules! kv {
                    ($i:expr, $ins:ident) => {
                        match lp.consts.get($i as usize) {
                            Some(v) => *v,
                            None => break Exit::Slow,
                        }
                    };
                }
                /// The running instruction's field-lookup hint (`LoadedProto::hints`).
                macro_rules! hint {
                    () => {
                        match lp.hints.get(pc.wrapping_sub(1)) {
                            Some(h) => h,
                            None => break Exit::Slow,
                        }
                    };
                }
                /// Makes the loop run closure `$cl` (proto `$lp`) with registers from `$base`,
                /// at `$pc`: the inline call, tail call and return all end with this.
                macro_rules! switch_to {
                    ($cl:expr, $lp:expr, $base:expr, $pc:expr) => {{
                        clo = $cl;
                        lp = $lp;
                        base = $base;
                        pc = $pc;
                        let (b, above) = stack.split_at_mut(base);
                        below = b;
                        let Some(w) = above.first_chunk_mut::<256>() else {
                            break Exit::Reenter;
                        };
                        regs = w;
                    }};
                }
                /// Returns from a frame pushed by the inline call path (`Frame::fast_ret`) to
                /// its Lua caller inside the loop, and from the entry frame of a native's call
                /// (`Vm::call*`, e.g. a `table.sort` comparator) straight out of the loop; any
                /// other return goes to `op_return`.
                macro_rules! fast_return {
                    ($ins:ident, $v:expr, $n:expr) => {{
                        if HOOK {
                            break Exit::Slow;
                        }
                        let [.., caller, callee] = frames.as_mut_slice() else {
                            break Exit::Slow;
                        };
                        // (A `fast_ret` frame of the entry thread is never the entry frame:
                        // only the inline call sets the flag, and it pushes above the frame
                        // running. One of another thread returns to its own Lua caller.)
                        if !callee.fast_ret {
                            if fi == entry_depth
                                && callee.cont == Cont::Normal
                                && callee.nresults < 0
                                && !lp.may_close
                                && !tbc.last().is_some_and(|&t| t >= base)
                                && matches!(caller.kind, FrameKind::Native { .. })
                                && cur_thread == entry_thread
                            {
                                // The function a native called (`Vm::call`) returns: deliver all
                                // results to its slot, as `finish_normal` does, and leave the loop.
                                let dst = callee.func;
                                if $n == 1 {
                                    let Some(slot) = below.get_mut(dst) else {
                                        break Exit::Slow;
                                    };
                                    *slot = $v;
                                }
                                caller.top = dst + $n;
                                frames.pop();
                                break Exit::Done;
                            }
                            break Exit::Slow;
                        }
                        // (No check for a pending to-be-closed slot: registering one clears
                        // the frame's `fast_ret`, see `Vm::forget_fast_return`.)
                        let FrameKind::Lua { cl: ncl, proto: np } = caller.kind else {
                            break Exit::Slow;
                        };
                        let (nbase, npc) = (caller.base, caller.pc);
                        // The result goes to the function's slot, just below `base`. It is
                        // stored even when no result is wanted (at most one is): that slot is
                        // a free register of the caller then.
                        let Some(slot) = below.last_mut() else {
                            break Exit::Slow;
                        };
                        *slot = $v;
                        if callee.nresults < 0 {
                            // Open results (`f(g())`, `{g()}`, `return g()` callers): the
                            // caller's top marks where they end, as `finish_normal` sets it.
                            caller.top = callee.func + $n;
                        }
                        // (`truncate`, not `pop`: a `Frame` is `Copy`, and no `Option` of it
                        // is built and tested.)
                        let n = frames.len();
                        frames.truncate(n.saturating_sub(1));
                        fi -= 1;
                        switch_to!(closures.get(ncl.0), protos.get(np.0), nbase, npc);
                    }};
                }
                let mut stepped = false;
                loop {
                    if HOOK {
                        // One instruction per trace.
                        if stepped {
                            break Exit::Step;
                        }
                        stepped = true;
                    }
                    if LIMITS {
                        fuel -= 1;
                        tick -= 1;
                        if fuel < fuel_floor
                            || interrupt.load(std::sync::atomic::Ordering::Relaxed)
                            || tick == 0 && {
                                tick = crate::limits::DEADLINE_TICK;
                                matches!(deadline, Some(d) if std::time::Instant::now() >= d)
                            }
                        {
                            // Point the frame past this instruction, so the error names its line.
                            pc += 1;
                            break Exit::Limit;
                        }
                    }
                    let Some(ins) = lp.code.get(pc) else {
                        break Exit::Bad;
                    };
                    pc += 1;
                    match *ins {
                        Instr::Move { a, b } => regs[a as usize] = regs[b as usize],
                        Instr::LoadI { a, i } => regs[a as usize] = Value::Int(i as i64),
                        Instr::LoadF { a, i } => regs[a as usize] = Value::Float(i as f64),
                        Instr::LoadK { a, k: kk } => regs[a as usize] = kv!(kk, ins),
                        Instr::LoadFalse { a } => regs[a as usize] = Value::Bool(false),
                        Instr::LFalseSkip { a } => {
                            regs[a as usize] = Value::Bool(false);
                            pc += 1;
                        }
                        Instr::LoadTrue { a } => regs[a as usize] = Value::Bool(true),
                        Instr::LoadNil { a, n } => {
                            let end = (a as usize + n as usize).min(255);
                            for r in &mut regs[a as usize..=end] {
                                *r = Value::Nil;
                            }
                        }
                        Instr::GetUpval { a, u } => {
                            let uv = if u == 0 {
                                clo.up0
                            } else {
                                match clo.upvals.get(u as usize) {
                                    Some(&uv) => uv,
                                    None => break Exit::Slow,
                                }
                            };
                            let Some(cell) = heap.upvals.try_get(uv.0) else {
                                break Exit::Slow;
                            };
                            regs[a as usize] = match cell {
                                // An open upvalue of this thread names a slot below the
                                // running frame (`below` ends at `base`).
                                Upval::Open { thread, idx } if *thread == cur_thread => {
                                    match below.get(*idx) {
                                        Some(v) => *v,
                                        None => break Exit::Slow,
                                    }
                                }
                                Upval::Closed(v) => *v,
                                Upval::Open { .. } => break Exit::Slow,
                            };
                        }
                        Instr::SetUpval { a, u } => {
                            let Some(&uv) = clo.upvals.get(u as usize) else {
                                break Exit::Slow;
                            };
                            match heap.upvals.get_mut(uv.0) {
                                Upval::Closed(v) => {
                                    let x = regs[a as usize];
                                    *v = x;
                                    heap.barrier_upval(uv, x);
                                }
                                Upval::Open { thread, idx }
                                    if *thread == cur_thread && *idx < base =>
                                {
                                    below[*idx] = regs[a as usize]
                                }
                                _ => break Exit::Slow,
                            }
                        }
                        Instr::GetTabUp { a, u, k: kk } => {
                            let Some(&uv) = clo.upvals.get(u as usize) else {
                                break Exit::Slow;
                            };
                            let t = match *heap.upvals.get(uv.0) {
                                Upval::Closed(Value::Table(t)) => t,
                                // A table in a local of an enclosing function that still runs
                                // (a module's class table, say), below this frame.
                                Upval::Open { thread, idx } if thread == cur_thread => {
                                    match below.get(idx) {
                                        Some(&Value::Table(t)) => t,
                                        _ => break Exit::Slow,
                                    }
                                }
                                _ => break Exit::Slow,
                            };
                            let Value::Str(key) = kv!(kk, ins) else {
                                break Exit::Slow;
                            };
                            let tb = heap.tables.get(t.0);
                            let v = tb.get_str_hinted(key, hint!());
                            if v.is_nil()
                                && tb.has_meta()
                                && !lacks_tm(heap, tb, crate::meta::Tm::Index)
                            {
                                break Exit::Slow;
                            }
                            regs[a as usize] = v;
                        }
                        Instr::GetTable { a, b, c } => {
                            let Value::Table(t) = regs[b as usize] else {
                                break Exit::Slow;
                            };
                            let tb = heap.tables.get(t.0);
                            let key = regs[c as usize];
                            // An integer in the array part inline; everything else out of line.
                            let v = match key {
                                Value::Int(i) => match tb.get_in_array(i) {
                                    Some(v) => v,
                                    None => tb.get(key),
                                },
                                _ => tb.get(key),
                            };
                            if v.is_nil()
                                && tb.has_meta()
                                && !lacks_tm(heap, tb, crate::meta::Tm::Index)
                            {
                                break Exit::Slow;
                            }
                            regs[a as usize] = v;
                        }
                        Instr::GetInt { a, b, i } => {
                            let Value::Table(t) = regs[b as usize] else {
                                break Exit::Slow;
                            };
                            let tb = heap.tables.get(t.0);
                            let v = tb.get_int(i as i64);
                            if v.is_nil()
                                && tb.has_meta()
                                && !lacks_tm(heap, tb, crate::meta::Tm::Index)
                            {
                                break Exit::Slow;
                            }
                            regs[a as usize] = v;
                        }
                        Instr::GetField { a, b, k: kk } => {
                            let Value::Table(t) = regs[b as usize] else {
                                break Exit::Slow;
                            };
                            let Value::Str(key) = kv!(kk, ins) else {
                                break Exit::Slow;
                            };
                            let slot = &mut regs[a as usize];
                            if !get_field_into(slot, heap, index_name, t, key, hint!()) {
                                break Exit::Slow;
                            }
                        }
                        Instr::SelfK { a, b, k: kk } => {
                            let obj = regs[b as usize];
                            let Value::Str(key) = kv!(kk, ins) else {
                                break Exit::Slow;
                            };
                            let found = match obj {
                                Value::Table(t) => get_str_chain(heap, index_name, t, key, hint!()),
                                // A string's methods: its metatable's `__index` table.
                                Value::Str(_) => {
                                    get_str_method(heap, str_meta, index_name, key, hint!())
                                }
                                _ => break Exit::Slow,
                            };
                            let Some(v) = found else {
                                break Exit::Slow;
                            };
                            if a == 255 {
                                break Exit::Slow;
                            }
                            regs[a as usize + 1] = obj;
                            regs[a as usize] = v;
                        }
                        Instr::SetTabUp { u, k: kk, c } => {
                            let Some(&uv) = clo.upvals.get(u as usize) else {
                                break Exit::Slow;
                            };
                            let Upval::Closed(Value::Table(t)) = *heap.upvals.get(uv.0) else {
                                break Exit::Slow;
                            };
                            let Value::Str(key) = kv!(kk, ins) else {
                                break Exit::Slow;
                            };
                            if !set_str_fast(heap, t, key, regs[c as usize], hint!()) {
                                break Exit::Slow;
                            }
                        }
                        Instr::SetTable { a, b, c } => {
                            let Value::Table(t) = regs[a as usize] else {
                                break Exit::Slow;
                            };
                            let (key, v) = (regs[b as usize], regs[c as usize]);
                            if !set_table_fast(heap, t, key, v, hint!()) {
                                break Exit::Slow;
                            }
                        }
                        Instr::SetInt { a, i, c } => {
                            let Value::Table(t) = regs[a as usize] else {
                                break Exit::Slow;
                            };
                            if !set_int_fast(heap, t, i as i64, regs[c as usize]) {
                                break Exit::Slow;
                            }
                        }
                        Instr::SetField { a, k: kk, c } => {
                            let Value::Table(t) = regs[a as usize] else {
                                break Exit::Slow;
                            };
                            let Value::Str(key) = kv!(kk, ins) else {
                                break Exit::Slow;
                            };
                            if !set_str_fast(heap, t, key, regs[c as usize], hint!()) {
                                break Exit::Slow;
                            }
                        }
                        Instr::AddK { a, b, k: kk } => {
                            arith_fast!(
                                regs,
                                a,
                                regs[b as usize],
                                kv!(kk, ins),
                                wrapping_add,
                                ops::fadd,
                                break Exit::Slow
                            )
                        }
                        Instr::SubK { a, b, k: kk } => {
                            arith_fast!(
                                regs,
                                a,
                                regs[b as usize],
                                kv!(kk, ins),
                                wrapping_sub,
                                ops::fsub,
                                break Exit::Slow
                            )
                        }
                        Instr::MulK { a, b, k: kk } => {
                            arith_fast!(
                                regs,
                                a,
                                regs[b as usize],
                                kv!(kk, ins),
                                wrapping_mul,
                                ops::fmul,
                                break Exit::Slow
                            )
                        }
                        Instr::DivK { a, b, k: kk } => float_fast!(
                            regs,
                            a,
                            regs[b as usize],
                            kv!(kk, ins),
                            |x: f64, y: f64| x / y,
                            break Exit::Slow
                        ),
                        Instr::AddI { a, b, i } => match regs[b as usize] {
                            Value::Int(x) => {
                                regs[a as usize] = Value::Int(x.wrapping_add(i as i64))
                            }
                            Value::Float(x) => regs[a as usize] = Value::Float(x + i as f64),
                            _ => break Exit::Slow,
                        },
                        Instr::SubI { a, b, i } => match regs[b as usize] {
                            Value::Int(x) => {
                                regs[a as usize] = Value::Int(x.wrapping_sub(i as i64))
                            }
                            Value::Float(x) => regs[a as usize] = Value::Float(sub_imm_float(x, i)),
                            _ => break Exit::Slow,
                        },
                        Instr::Add { a, b, c } => {
                            arith_fast!(
                                regs,
                                a,
                                regs[b as usize],
                                regs[c as usize],
                                wrapping_add,
                                ops::fadd,
                                break Exit::Slow
                            )
                        }
                        Instr::Sub { a, b, c } => {
                            arith_fast!(
                                regs,
                                a,
                                regs[b as usize],
                                regs[c as usize],
                                wrapping_sub,
                                ops::fsub,
                                break Exit::Slow
                            )
                        }
                        Instr::Mul { a, b, c } => {
                            arith_fast!(
                                regs,
                                a,
                                regs[b as usize],
                                regs[c as usize],
                                wrapping_mul,
                                ops::fmul,
                                break Exit::Slow
                            )
                        }
                        Instr::Div { a, b, c } => float_fast!(
                            regs,
                            a,
                            regs[b as usize],
                            regs[c as usize],
                            |x: f64, y: f64| x / y,
                            break Exit::Slow
                        ),
                        Instr::Pow { a, b, c } => float_fast!(
                            regs,
                            a,
                            regs[b as usize],
                            regs[c as usize],
                            crate::ops::pow_f,
                            break Exit::Slow
                        ),
                        Instr::PowK { a, b, k: kk } => float_fast!(
                            regs,
                            a,
                            regs[b as usize],
                            kv!(kk, ins),
                            crate::ops::pow_f,
                            break Exit::Slow
                        ),
                        Instr::Mod { a, b, c } => match (regs[b as usize], regs[c as usize]) {
                            (Value::Int(x), Value::Int(y)) if y != 0 => {
                                regs[a as usize] = Value::Int(crate::ops::int_mod(x, y))
                            }
                            (Value::Float(x), Value::Float(y)) => {
                                regs[a as usize] = Value::Float(crate::ops::float_mod(x, y))
                            }
                            _ => break Exit::Slow,
                        },
                        Instr::ModK { a, b, k: kk } => match (regs[b as usize], kv!(kk, ins)) {
                            (Value::Int(x), Value::Int(y)) if y != 0 => {
                                regs[a as usize] = Value::Int(crate::ops::int_mod(x, y))
                            }
                            (Value::Float(x), Value::Float(y)) => {
                                regs[a as usize] = Value::Float(crate::ops::float_mod(x, y))
                            }
                            _ => break Exit::Slow,
                        },
                        Instr::IDiv { a, b, c } => match (regs[b as usize], regs[c as usize]) {
                            (Value::Int(x), Value::Int(y)) if y != 0 => {
                                regs[a as usize] = Value::Int(crate::ops::int_floor_div(x, y))
                            }
                            (Value::Float(x), Value::Float(y)) => {
                                regs[a as usize] = Value::Float((x / y).floor())
                            }
                            _ => break Exit::Slow,
                        },
                        Instr::IDivK { a, b, k: kk } => match (regs[b as usize], kv!(kk, ins)) {
                            (Value::Int(x), Value::Int(y)) if y != 0 => {
                                regs[a as usize] = Value::Int(crate::ops::int_floor_div(x, y))
                            }
                            (Value::Float(x), Value::Float(y)) => {
                                regs[a as usize] = Value::Float((x / y).floor())
                            }
                            _ => break Exit::Slow,
                        },
                        Instr::BAnd { a, b, c } => match (regs[b as usize], regs[c as usize]) {
                            (Value::Int(x), Value::Int(y)) => regs[a as usize] = Value::Int(x & y),
                            _ => break Exit::Slow,
                        },
                        Instr::BOr { a, b, c } => match (regs[b as usize], regs[c as usize]) {
                            (Value::Int(x), Value::Int(y)) => regs[a as usize] = Value::Int(x | y),
                            _ => break Exit::Slow,
                        },
                        Instr::BXor { a, b, c } => match (regs[b as usize], regs[c as usize]) {
                            (Value::Int(x), Value::Int(y)) => regs[a as usize] = Value::Int(x ^ y),
                            _ => break Exit::Slow,
                        },
                        Instr::BAndK { a, b, k: kk } => match (regs[b as usize], kv!(kk, ins)) {
                            (Value::Int(x), Value::Int(y)) => regs[a as usize] = Value::Int(x & y),
                            _ => break Exit::Slow,
                        },
                        Instr::BOrK { a, b, k: kk } => match (regs[b as usize], kv!(kk, ins)) {
                            (Value::Int(x), Value::Int(y)) => regs[a as usize] = Value::Int(x | y),
                            _ => break Exit::Slow,
                        },
                        Instr::BXorK { a, b, k: kk } => match (regs[b as usize], kv!(kk, ins)) {
                            (Value::Int(x), Value::Int(y)) => regs[a as usize] = Value::Int(x ^ y),
                            _ => break Exit::Slow,
                        },
                        Instr::Shl { a, b, c } => match (regs[b as usize], regs[c as usize]) {
                            (Value::Int(x), Value::Int(y)) => {
                                regs[a as usize] = Value::Int(crate::ops::shift_left(x, y))
                            }
                            _ => break Exit::Slow,
                        },
                        Instr::Shr { a, b, c } => match (regs[b as usize], regs[c as usize]) {
                            (Value::Int(x), Value::Int(y)) => {
                                regs[a as usize] =
                                    Value::Int(crate::ops::shift_left(x, y.wrapping_neg()))
                            }
                            _ => break Exit::Slow,
                        },
                        Instr::ShlI { a, b, i } => match regs[b as usize] {
                            Value::Int(x) => {
                                regs[a as usize] = Value::Int(crate::ops::shift_left(x, i as i64))
                            }
                            _ => break Exit::Slow,
                        },
                        Instr::ShrI { a, b, i } => match regs[b as usize] {
                            Value::Int(x) => {
                                regs[a as usize] =
                                    Value::Int(crate::ops::shift_left(x, -(i as i64)))
                            }
                            _ => break Exit::Slow,
                        },
                        Instr::Unm { a, b } => match regs[b as usize] {
                            Value::Int(x) => regs[a as usize] = Value::Int(x.wrapping_neg()),
                            Value::Float(x) => regs[a as usize] = Value::Float(-x),
                            _ => break Exit::Slow,
                        },
                        Instr::BNot { a, b } => match regs[b as usize] {
                            Value::Int(x) => regs[a as usize] = Value::Int(!x),
                            _ => break Exit::Slow,
                        },
                        Instr::Not { a, b } => {
                            regs[a as usize] = Value::Bool(!regs[b as usize].truthy())
                        }
                        Instr::Len { a, b } => match regs[b as usize] {
                            Value::Str(s) => {
                                regs[a as usize] = Value::Int(heap.strings.get(s).len() as i64)
                            }
                            Value::Table(t) => {
                                let tb = heap.tables.get(t.0);
                                if tb.has_meta() {
                                    break Exit::Slow;
                                }
                                regs[a as usize] = Value::Int(tb.len());
                            }
                            _ => break Exit::Slow,
                        },
                        Instr::Jmp { j } => {
                            pc = pc.wrapping_add_signed(j as isize);
                            back_edge!(j < 0);
                        }
                        Instr::Eq { a, b, k, j } => {
                            let (x, y) = (regs[a as usize], regs[b as usize]);
                            if matches!(
                                (x, y),
                                (Value::Table(_), Value::Table(_))
                                    | (Value::Userdata(_), Value::Userdata(_))
                            ) && !x.raw_eq(y)
                            {
                                break Exit::Slow;
                            }
                            if x.raw_eq(y) == k {
                                pc = pc.wrapping_add_signed(j as isize);
                                back_edge!(j < 0);
                            }
                        }
                        Instr::Lt { a, b, k, j } => {
                            cmp_fast!(pc, regs[a as usize], regs[b as usize], k, j, <, crate::ops::num_lt, break Exit::Slow)
                        }
                        Instr::Le { a, b, k, j } => {
                            cmp_fast!(pc, regs[a as usize], regs[b as usize], k, j, <=, crate::ops::num_le, break Exit::Slow)
                        }
                        Instr::EqK { a, c, k, j } => {
                            let y = kv!(c, ins);
                            if regs[a as usize].raw_eq(y) == k {
                                pc = pc.wrapping_add_signed(j as isize);
                                back_edge!(j < 0);
                            }
                        }
                        Instr::EqI { a, i, k, j } => {
                            let r = match regs[a as usize] {
                                Value::Int(x) => x == i as i64,
                                Value::Float(x) => x == i as f64,
                                _ => false,
                            };
                            if r == k {
                                pc = pc.wrapping_add_signed(j as isize);
                                back_edge!(j < 0);
                            }
                        }
                        Instr::LtI { a, i, k, j } => {
                            cmp_fast!(pc, regs[a as usize], Value::Int(i as i64), k, j, <, crate::ops::num_lt, break Exit::Slow)
                        }
                        Instr::LeI { a, i, k, j } => {
                            cmp_fast!(pc, regs[a as usize], Value::Int(i as i64), k, j, <=, crate::ops::num_le, break Exit::Slow)
                        }
                        Instr::GtI { a, i, k, j } => {
                            cmp_fast!(pc, Value::Int(i as i64), regs[a as usize], k, j, <, crate::ops::num_lt, break Exit::Slow)
                        }
                        Instr::GeI { a, i, k, j } => {
                            cmp_fast!(pc, Value::Int(i as i64), regs[a as usize], k, j, <=, crate::ops::num_le, break Exit::Slow)
                        }
                        Instr::Test { a, k, j } => {
                            if regs[a as usize].truthy() == k {
                                pc = pc.wrapping_add_signed(j as isize);
                                back_edge!(j < 0);
                            }
                        }
                        Instr::TestSet { a, b, k, j } => {
                            let v = regs[b as usize];
                            if v.truthy() == k {
                                regs[a as usize] = v;
                                pc = pc.wrapping_add_signed(j as isize);
                                back_edge!(j < 0);
                            }
                        }
                        Instr::ForLoop { a, j } => {
                            let a = a as usize;
                            // The loop's state is updated in place: the index and the count
                            // keep their tags, only their numbers change.
                            match regs.get_mut(a..a + 4) {
                                Some([Value::Int(i), Value::Int(count), Value::Int(step), var]) => {
                                    if *count > 0 {
                                        *count -= 1;
                                        *i = i.wrapping_add(*step);
                                        *var = Value::Int(*i);
                                        pc = pc.wrapping_add_signed(j as isize);
                                        back_edge!(true);
                                    }
                                }
                                Some(
                                    [Value::Float(i), Value::Float(limit), Value::Float(step), var],
                                ) => {
                                    let next = *i + *step;
                                    if if *step > 0.0 {
                                        next <= *limit
                                    } else {
                                        *limit <= next
                                    } {
                                        *i = next;
                                        *var = Value::Float(next);
                                        pc = pc.wrapping_add_signed(j as isize);
                                        back_edge!(true);
                                    }
                                }
                                _ => break Exit::Slow,
                            }
                        }
                        Instr::Call { a, b, c } => {
                            // Fast path: a Lua function with a fixed parameter list and room on
                            // the stack; everything else goes through `precall`.
                            if HOOK {
                                break Exit::Slow;
                            }
                            let ncl = match regs[a as usize] {
                                Value::LuaFn(ncl) => ncl,
                                Value::Native(_) if b != 0 => {
                                    let (func, nargs, nresults) =
                                        (base + a as usize, b as usize - 1, c as i32 - 1);
                                    if LIMITS {
                                        break Exit::CallNative {
                                            func,
                                            nargs,
                                            nresults,
                                        };
                                    }
                                    // The native runs from here, without leaving the loop:
                                    // every borrow of the `Vm` the loop holds ends at this
                                    // call and is taken again after it.
                                    let Some(cur) = frames.get_mut(fi) else {
                                        break Exit::Slow;
                                    };
                                    cur.pc = pc;
                                    self.call_native_inline(func, nargs, nresults)?;
                                    // Hooks or limits switched on, another thread running
                                    // (a coroutine primitive), or another frame on top (a
                                    // protected call, a function called in the native's
                                    // place): the outer loop sets up what runs next.
                                    if self.hooks_on()
                                        || self.limits_on()
                                        || self.cur_thread != cur_thread
                                        || self.ts.frames.len() != fi + 1
                                    {
                                        break Exit::Reenter;
                                    }
                                    interrupt = &*self.limits.interrupt;
                                    tbc = &self.ts.tbc;
                                    protos = &self.protos;
                                    closures = &self.closures;
                                    heap = &mut self.heap;
                                    frames = &mut self.ts.frames;
                                    max_fi = self
                                        .limits
                                        .max_frames
                                        .min(frames.capacity())
                                        .saturating_sub(1);
                                    str_meta = self.type_meta[crate::value::Type::String as usize];
                                    stack = &mut self.ts.stack[..];
                                    stack_len = stack.len();
                                    let Some(&Frame {
                                        kind: FrameKind::Lua { cl, proto },
                                        ..
                                    }) = frames.get(fi)
                                    else {
                                        break Exit::Reenter;
                                    };
                                    switch_to!(closures.get(cl.0), protos.get(proto.0), base, pc);
                                    continue;
                                }
                                _ => break Exit::Slow,
                            };
                            // (No collector check here: a Lua→Lua call allocates nothing;
                            // a full frame vector goes slow, where its growth is charged.)
                            if fi >= max_fi {
                                break Exit::Slow;
                            }
                            let p = closures.get(ncl.0);
                            let func = a as usize;
                            let nargs = if b != 0 {
                                b as usize - 1
                            } else {
                                // Open arguments (`f(a, g())`): they end at this frame's top,
                                // which the open call or `...` before set.
                                match frames.last() {
                                    Some(cur) if cur.top > base + func => {
                                        cur.top - (base + func + 1)
                                    }
                                    _ => break Exit::Slow,
                                }
                            };
                            let mut nbase = base + func + 1;
                            let mut nvar = 0;
                            // `fixed_nargs` is the parameter count of a function without
                            // `...`: given exactly that many arguments, nothing moves.
                            if nargs != p.fixed_nargs as usize {
                                let np = p.num_params as usize;
                                if nargs < np {
                                    let Some(fill) = regs.get_mut(func + 1 + nargs..func + 1 + np)
                                    else {
                                        break Exit::Slow;
                                    };
                                    fill.fill(Value::Nil);
                                } else if p.is_vararg && nargs > np {
                                    // A vararg function given extra arguments keeps them
                                    // below its base and gets its fixed parameters copied
                                    // above them, as `push_lua_frame` lays it out.
                                    let to = func + 1 + nargs;
                                    if to + np >= 256 {
                                        break Exit::Slow;
                                    }
                                    regs.copy_within(func + 1..func + 1 + np, to);
                                    nvar = nargs - np;
                                    nbase += nargs;
                                }
                            }
                            // The callee's window and the slack above it fit in the stack (this
                            // form lets the compiler drop `switch_to`'s own checks).
                            match stack.len().checked_sub(nbase) {
                                Some(room) if room >= STACK_SLACK => {}
                                _ => break Exit::Slow,
                            }
                            let nproto = p.proto;
                            let nlp = protos.get(nproto.0);
                            let Some(cur) = frames.last_mut() else {
                                break Exit::Slow;
                            };
                            cur.pc = pc;
                            let c_depth = cur.c_depth;
                            frames.push(Frame {
                                kind: FrameKind::Lua {
                                    cl: ncl,
                                    proto: nproto,
                                },
                                func: base + func,
                                base: nbase,
                                pc: 0,
                                top: nbase + p.max_stack as usize,
                                nresults: c as i32 - 1,
                                cont: Cont::Normal,
                                nvarargs: nvar as u32,
                                c_depth,
                                tail: false,
                                // The inline return writes results just below `base`, which
                                // a frame with extra arguments does not have there.
                                fast_ret: c <= 2 && !nlp.may_close && nvar == 0,
                            });
                            fi += 1;
                            // Enter the callee directly: everything needed is at hand.
                            switch_to!(p, nlp, nbase, 0);
                        }
                        Instr::Return1 { a } | Instr::Return { a, b: 2 } => {
                            let v = regs[a as usize];
                            fast_return!(ins, v, 1);
                        }
                        Instr::Return0 {} => {
                            fast_return!(ins, Value::Nil, 0);
                        }
                        Instr::NewTable { a, nhash, narr } => {
                            // The collector runs only in fallbacks: leave when it is due.
                            if heap.alloc.used >= heap.alloc.threshold {
                                break Exit::Slow;
                            }
                            let Some(t) =
                                heap.new_table(narr.min(1 << 20) as usize, nhash as usize)
                            else {
                                break Exit::Slow;
                            };
                            regs[a as usize] = Value::Table(t);
                        }
                        Instr::ForPrep { a, j } => {
                            // Fast path: an integer loop with a positive step and an integer
                            // limit; everything else (floats, coercions, errors) in `for_prep`.
                            // (A negative step here too costs the other arms' register
                            // allocation: docs/performance.md.)
                            let a = a as usize;
                            if a > 252 {
                                break Exit::Slow;
                            }
                            let (Value::Int(i0), Value::Int(lim), Value::Int(st)) =
                                (regs[a], regs[a + 1], regs[a + 2])
                            else {
                                break Exit::Slow;
                            };
                            if st <= 0 {
                                break Exit::Slow;
                            }
                            if i0 > lim {
                                pc = pc.wrapping_add_signed(j as isize);
                            } else {
                                let c = (lim as u64).wrapping_sub(i0 as u64);
                                let count = if st != 1 { c / st as u64 } else { c };
                                regs[a + 1] = Value::Int(count.min(i64::MAX as u64) as i64);
                                regs[a + 3] = Value::Int(i0);
                            }
                        }
                        Instr::TailCall { a, b } => {
                            // Fast path: a Lua function with a fixed parameter list, called from
                            // a frame that has nothing to close; the callee's frame replaces
                            // the caller's. A native in tail position leaves the loop directly.
                            if HOOK || b == 0 || a as usize + b as usize > 256 {
                                break Exit::Slow;
                            }
                            // A tail call loops without a backward jump: check the flag here.
                            if !LIMITS && interrupt.load(std::sync::atomic::Ordering::Relaxed) {
                                break Exit::Limit;
                            }
                            let nargs = b as usize - 1;
                            let ncl = match regs[a as usize] {
                                Value::LuaFn(ncl) => ncl,
                                Value::Native(_) => {
                                    break Exit::TailNative {
                                        func: base + a as usize,
                                        nargs,
                                    }
                                }
                                _ => break Exit::Slow,
                            };
                            let p = closures.get(ncl.0);
                            let np = p.num_params as usize;
                            if p.is_vararg
                                || lp.may_close
                                || np >= 256
                                || tbc.last().is_some_and(|&t| t >= base)
                            {
                                break Exit::Slow;
                            }
                            let Some(cur) = frames.last_mut() else {
                                break Exit::Slow;
                            };
                            let dst = cur.func;
                            let from = base + a as usize;
                            // `dst < base <= from`, and the source ends inside the window.
                            stack.copy_within(from..from + 1 + nargs, dst);
                            let nbase = dst + 1;
                            if nargs < np {
                                let Some(fill) = stack.get_mut(nbase + nargs..nbase + np) else {
                                    break Exit::Reenter;
                                };
                                fill.fill(Value::Nil);
                            }
                            let nproto = p.proto;
                            let nlp = protos.get(nproto.0);
                            cur.kind = FrameKind::Lua {
                                cl: ncl,
                                proto: nproto,
                            };
                            cur.base = nbase;
                            cur.pc = 0;
                            cur.top = nbase + p.max_stack as usize;
                            cur.nvarargs = 0;
                            cur.tail = true;
                            cur.fast_ret = cur.fast_ret && !nlp.may_close;
                            switch_to!(p, nlp, nbase, 0);
                        }
                        Instr::TForLoop { a, j } => {
                            let a = a as usize;
                            if a > 251 {
                                break Exit::Slow;
                            }
                            let v = regs[a + 4];
                            if !v.is_nil() {
                                regs[a + 2] = v;
                                pc = pc.wrapping_add_signed(j as isize);
                                back_edge!(true);
                            }
                        }
                        Instr::VarArg { a, c } => {
                            // `...`: the extra arguments sit just below `base`.
                            let Some(cur) = frames.last_mut() else {
                                break Exit::Slow;
                            };
                            let nv = cur.nvarargs as usize;
                            let want = if c == 0 { nv } else { c as usize - 1 };
                            let a = a as usize;
                            let (Some(src), Some(dst)) = (
                                below.get(below.len().wrapping_sub(nv)..),
                                regs.get_mut(a..a + want),
                            ) else {
                                break Exit::Slow;
                            };
                            for (i, d) in dst.iter_mut().enumerate() {
                                *d = src.get(i).copied().unwrap_or(Value::Nil);
                            }
                            if c == 0 {
                                cur.top = base + a + nv;
                            }
                        }
                        Instr::SetList { a, n, off } => {
                            // A constructor's items, straight into the array part (NEWTABLE
                            // sized it for the fixed items; open items grow it here).
                            let Value::Table(t) = regs[a as usize] else {
                                break Exit::Slow;
                            };
                            let from = a as usize + 1;
                            let Some(cur) = frames.last_mut() else {
                                break Exit::Slow;
                            };
                            let count = if n != 0 {
                                n as usize
                            } else {
                                match cur.top.checked_sub(base + from) {
                                    Some(k) => k,
                                    None => break Exit::Slow,
                                }
                            };
                            let Some(vals) = regs.get(from..from + count) else {
                                break Exit::Slow;
                            };
                            let (tb, alloc) = heap.table_mut_alloc(t, vals);
                            if !tb.store_list(off as usize, vals) {
                                // Grow the array part to fit, as PUC's SETLIST does (a memory
                                // error is raised by the slow path, which tries again).
                                let last = off as usize + count;
                                if tb.ensure_array(last, alloc).is_err()
                                    || !tb.store_list(off as usize, vals)
                                {
                                    break Exit::Slow;
                                }
                            }
                            if n == 0 {
                                cur.top = base + clo.max_stack as usize;
                            }
                        }
                        // Listed rather than `_`, so the match is exhaustive and the dispatch
                        // needs no range check on the opcode.
                        Instr::Close { .. }
                        | Instr::Closure { .. }
                        | Instr::Concat { .. }
                        | Instr::Return { .. }
                        | Instr::TForCall { .. }
                        | Instr::TForPrep { .. }
                        | Instr::Tbc { .. } => break Exit::Slow,
                    }
                }
            };
            if LIMITS && self.limits.fuel.is_some() {
                self.limits.fuel = Some(fuel);
            }
            if let Some(f) = self.ts.frames.get_mut(fi) {
                if !matches!(exit, Exit::Reenter | Exit::Done) {
                    f.pc = pc;
                }
            }
            match exit {
                // The instruction is read again from the frame: carrying it (or its operands)
                // out of the fast loop keeps a register busy in every arm (docs/performance.md).
                Exit::Slow => self.slow_op()?,
                Exit::CallNative {
                    func,
                    nargs,
                    nresults,
                } => self.call_native_inline(func, nargs, nresults)?,
                Exit::TailNative { func, nargs } => self.op_tail_native(func, nargs)?,
                Exit::Reenter | Exit::Step => {}
                Exit::Done => return Ok(true),
                Exit::Limit => return Err(self.limit_exit(fi, HOOK)),
                Exit::Bad => return Err(self.internal_error("fell off the end of the code")),
            }
        }
    }

    /// The error for a limit the fast loop hit before the instruction at `frames[fi].pc - 1`
    /// started — or, for running out of fuel in pause mode where a pause is possible, the
    /// pause: the instruction gets its unit of fuel back and the frame points at it again.
    #[cold]
    #[inline(never)]
    fn limit_exit(&mut self, fi: usize, hooked: bool) -> Error {
        if self.limits.fuel_pause && self.nny == 1 && self.limit_reason() == Some(FUEL_EXHAUSTED) {
            if let Some(f) = self.ts.frames.get_mut(fi) {
                f.pc = f.pc.saturating_sub(1);
            }
            if let Some(f) = self.limits.fuel.as_mut() {
                *f += 1;
            }
            if hooked {
                // Its count and line events have fired: not again on resuming.
                self.hook_mark_redo();
            }
            return Error::paused();
        }
        self.limit_error()
    }

    /// Register slot of the running Lua frame.
    #[inline]
    fn r(&self, base: usize, x: u8) -> Value {
        self.ts.stack[base + x as usize]
    }

    fn konst(&self, i: usize) -> Result<Value, Error> {
        let f = self.ts.frames.last().copied();
        if let Some(crate::thread::Frame {
            kind: FrameKind::Lua { proto, .. },
            ..
        }) = f
        {
            if let Some(v) = self.protos.get(proto.0).consts.get(i) {
                return Ok(*v);
            }
        }
        Err(Error::from_value(Value::Nil))
    }

    /// LOADK with a constant index past the constant table (a malformed proto): an error.
    fn op_load_k(&mut self, base: usize, a: u8, k: u32) -> Result<(), Error> {
        let v = self.konst(k as usize)?;
        self.ts.stack[base + a as usize] = v;
        Ok(())
    }

    /// Runs the collector if the allocation debt says so (only called at safe points of the
    /// running Lua frame). `live_top` is the stack index where that frame's live registers end
    /// for the instruction being executed (PUC's `L->top` at its `checkGC`): the compiler puts
    /// the target of every instruction that may collect (NEWTABLE, CLOSURE, CONCAT, calls)
    /// above all live locals and temporaries, so the registers from there up are dead and are
    /// neither marked nor kept (they are cleared). Being a safe point, it also forgets the
    /// objects made since the last one (`Heap::fresh`): whatever is still needed is rooted.
    #[inline(always)]
    pub(crate) fn gc_check(&mut self, live_top: usize) {
        self.heap.fresh.clear();
        if self.heap.alloc.used >= self.heap.alloc.threshold && !self.gc.stopped {
            self.gc_auto_step(Some(live_top));
        }
    }

    /// Runs the fallback of the instruction the fast loop declined (the running Lua frame's,
    /// at `pc - 1`). Only a table: each fallback lives with its opcode family.
    fn slow_op(&mut self) -> Result<(), Error> {
        let fetched = match self.ts.frames.last() {
            Some(&crate::thread::Frame {
                kind: FrameKind::Lua { proto, .. },
                base,
                pc,
                ..
            }) => pc
                .checked_sub(1)
                .and_then(|i| self.protos.get(proto.0).code.get(i))
                .map(|ins| (base, *ins)),
            _ => None,
        };
        let Some((base, ins)) = fetched else {
            return Err(self.internal_error("no current instruction"));
        };
        use ArithOp as O;
        match ins {
            Instr::Move { .. }
            | Instr::LoadI { .. }
            | Instr::LoadF { .. }
            | Instr::LoadFalse { .. }
            | Instr::LFalseSkip { .. }
            | Instr::LoadTrue { .. }
            | Instr::LoadNil { .. }
            | Instr::Not { .. }
            | Instr::Jmp { .. }
            | Instr::Test { .. }
            | Instr::TestSet { .. }
            | Instr::EqI { .. }
            | Instr::TForLoop { .. } => Err(self.internal_error("unexpected slow path")),
            Instr::LoadK { a, k } => self.op_load_k(base, a, k),
            Instr::EqK { a, c, k, j } => self.op_eq_k(base, a, c, k, j),
            Instr::GetUpval { a, u } => self.op_get_upval(base, a, u),
            Instr::SetUpval { a, u } => self.op_set_upval(base, a, u),
            Instr::GetTabUp { a, u, k } => self.op_get_tab_up(base, a, u, k),
            Instr::GetTable { a, b, c } => self.op_get_table(base, a, b, c),
            Instr::GetInt { a, b, i } => self.op_get_int(base, a, b, i),
            Instr::GetField { a, b, k } => self.op_get_field(base, a, b, k),
            Instr::SelfK { a, b, k } => self.op_self(base, a, b, k),
            Instr::SetTabUp { u, k, c } => self.op_set_tab_up(base, u, k, c),
            Instr::SetTable { a, b, c } => self.op_set_table(base, a, b, c),
            Instr::SetInt { a, i, c } => self.op_set_int(base, a, i, c),
            Instr::SetField { a, k, c } => self.op_set_field(base, a, k, c),
            Instr::NewTable { a, nhash, narr } => self.op_new_table(base, a, nhash, narr),
            Instr::AddK { a, b, k } => self.arith_k(base, O::Add, a, b, k),
            Instr::SubK { a, b, k } => self.arith_k(base, O::Sub, a, b, k),
            Instr::MulK { a, b, k } => self.arith_k(base, O::Mul, a, b, k),
            Instr::ModK { a, b, k } => self.arith_k(base, O::Mod, a, b, k),
            Instr::PowK { a, b, k } => self.arith_k(base, O::Pow, a, b, k),
            Instr::DivK { a, b, k } => self.arith_k(base, O::Div, a, b, k),
            Instr::IDivK { a, b, k } => self.arith_k(base, O::IDiv, a, b, k),
            Instr::BAndK { a, b, k } => self.arith_k(base, O::BAnd, a, b, k),
            Instr::BOrK { a, b, k } => self.arith_k(base, O::BOr, a, b, k),
            Instr::BXorK { a, b, k } => self.arith_k(base, O::BXor, a, b, k),
            Instr::AddI { a, b, i } => self.arith_ri(base, O::Add, a, b, i),
            Instr::SubI { a, b, i } => self.arith_ri(base, O::Sub, a, b, i),
            Instr::ShlI { a, b, i } => self.arith_ri(base, O::Shl, a, b, i),
            Instr::ShrI { a, b, i } => self.arith_ri(base, O::Shr, a, b, i),
            Instr::Add { a, b, c } => self.arith_rr(base, O::Add, a, b, c),
            Instr::Sub { a, b, c } => self.arith_rr(base, O::Sub, a, b, c),
            Instr::Mul { a, b, c } => self.arith_rr(base, O::Mul, a, b, c),
            Instr::Mod { a, b, c } => self.arith_rr(base, O::Mod, a, b, c),
            Instr::Pow { a, b, c } => self.arith_rr(base, O::Pow, a, b, c),
            Instr::Div { a, b, c } => self.arith_rr(base, O::Div, a, b, c),
            Instr::IDiv { a, b, c } => self.arith_rr(base, O::IDiv, a, b, c),
            Instr::BAnd { a, b, c } => self.arith_rr(base, O::BAnd, a, b, c),
            Instr::BOr { a, b, c } => self.arith_rr(base, O::BOr, a, b, c),
            Instr::BXor { a, b, c } => self.arith_rr(base, O::BXor, a, b, c),
            Instr::Shl { a, b, c } => self.arith_rr(base, O::Shl, a, b, c),
            Instr::Shr { a, b, c } => self.arith_rr(base, O::Shr, a, b, c),
            Instr::Unm { a, b } => self.arith_rr(base, O::Unm, a, b, b),
            Instr::BNot { a, b } => self.arith_rr(base, O::BNot, a, b, b),
            Instr::Len { a, b } => self.op_len(base, a, b),
            Instr::Concat { a, n } => self.op_concat(base, a, n),
            Instr::Close { a } => self.op_close(base, a),
            Instr::Tbc { a } => self.op_tbc(base, a),
            Instr::Eq { a, b, k, j } => self.op_eq(base, a, b, k, j),
            Instr::Lt { a, b, k, j } => self.op_order(base, a, b, false, k, j),
            Instr::Le { a, b, k, j } => self.op_order(base, a, b, true, k, j),
            Instr::LtI { a, i, k, j } => self.op_order_imm(base, a, i, false, false, k, j),
            Instr::LeI { a, i, k, j } => self.op_order_imm(base, a, i, true, false, k, j),
            Instr::GtI { a, i, k, j } => self.op_order_imm(base, a, i, false, true, k, j),
            Instr::GeI { a, i, k, j } => self.op_order_imm(base, a, i, true, true, k, j),
            Instr::Call { a, b, c } => self.op_call(base, a, b, c),
            Instr::TailCall { a, b } => self.op_tail_call(base, a, b),
            Instr::Return { a, b } => self.op_return(base, a, b),
            Instr::Return0 {} => self.op_return(base, 0, 1),
            Instr::Return1 { a } => self.op_return(base, a, 2),
            Instr::ForPrep { a, j } => self.for_prep(base + a as usize, j),
            Instr::ForLoop { a, j } => self.op_for_loop(base, a as usize, j),
            Instr::TForPrep { a, j } => self.op_tfor_prep(base, a, j),
            Instr::TForCall { a, c } => self.tfor_call(a, c),
            Instr::SetList { a, n, off } => self.op_set_list(base, a, n, off),
            Instr::Closure { a, p } => self.op_closure(base, a, p),
            Instr::VarArg { a, c } => self.op_vararg(base, a, c),
        }
    }

    /// `pc += j` in the running frame.
    pub(crate) fn jump(&mut self, j: i32) {
        if let Some(f) = self.ts.frames.last_mut() {
            f.pc = f.pc.wrapping_add_signed(j as isize);
        }
    }
}

/// Why the fast loop stopped.
enum Exit {
    /// Run the fallback of the instruction just fetched (at `pc - 1`), through `slow_op`.
    Slow,
    /// The frame stack changed (fast call or return): set up the new top frame.
    Reenter,
    /// Hooked mode: one instruction ran; trace the next.
    Step,
    /// The pc left the code (a malformed proto).
    Bad,
    /// The entry frame returned to the native that called it: `run_loop` is done.
    Done,
    /// The fuel ran out or the interrupt flag is set (`LIMITS` mode); the instruction before
    /// the saved `pc` has not started.
    Limit,
    /// CALL of a native function with a fixed argument count (operands already decoded).
    CallNative {
        func: usize,
        nargs: usize,
        nresults: i32,
    },
    /// TAILCALL of a native function with a fixed argument count.
    TailNative { func: usize, nargs: usize },
}

/// Which operand of the faulting instruction a message should describe.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Culprit {
    None,
    Reg(u8),
    Upval(u8),
    Const,
}
