//! Upvalues and closures (GETUPVAL, SETUPVAL, CLOSURE) and to-be-closed variables (CLOSE, TBC):
//! reading and writing upvalues open on any thread, creating closures, closing upvalues and
//! starting `__close` handlers. The dispatch loop's fast paths cover closed upvalues and open
//! ones of the running thread below the running frame.

use crate::heap::Upval;
use crate::thread::{Cont, FrameKind};
use crate::value::Value;
use crate::vm::Vm;
use crate::Error;

impl Vm {
    /// Reads upvalue `u` of the running closure.
    pub(crate) fn upval_value(&self, u: usize) -> Value {
        let Some(crate::thread::Frame {
            kind: FrameKind::Lua { cl, .. },
            ..
        }) = self.ts.frames.last()
        else {
            return Value::Nil;
        };
        match self.closures.get(cl.0).upvals.get(u) {
            Some(uv) => self.read_upval(*uv),
            None => Value::Nil,
        }
    }

    pub(crate) fn read_upval(&self, uv: crate::value::UpvalRef) -> Value {
        match *self.heap.upvals.get(uv.0) {
            Upval::Closed(v) => v,
            Upval::Open { thread, idx } => {
                if thread == self.cur_thread {
                    self.ts.stack.get(idx).copied().unwrap_or(Value::Nil)
                } else {
                    self.heap
                        .threads
                        .get(thread.0)
                        .state
                        .stack
                        .get(idx)
                        .copied()
                        .unwrap_or(Value::Nil)
                }
            }
        }
    }

    pub(super) fn write_upval(&mut self, u: usize, v: Value) {
        let Some(crate::thread::Frame {
            kind: FrameKind::Lua { cl, .. },
            ..
        }) = self.ts.frames.last()
        else {
            return;
        };
        let Some(&uv) = self.closures.get(cl.0).upvals.get(u) else {
            return;
        };
        match *self.heap.upvals.get(uv.0) {
            Upval::Closed(_) => {
                *self.heap.upvals.get_mut(uv.0) = Upval::Closed(v);
                self.heap.barrier_upval(uv, v);
            }
            Upval::Open { thread, idx } => {
                if thread == self.cur_thread {
                    if let Some(s) = self.ts.stack.get_mut(idx) {
                        *s = v;
                    }
                } else if let Some(s) = self.heap.threads.get_mut(thread.0).state.stack.get_mut(idx)
                {
                    *s = v;
                }
            }
        }
    }

    /// Builds a closure of child proto `p` into stack slot `dst`.
    pub(super) fn make_closure(&mut self, dst: usize, p: usize) -> Result<(), Error> {
        let frame = self.running_frame()?;
        let FrameKind::Lua { cl, proto } = frame.kind else {
            return Err(self.internal_error("CLOSURE outside Lua"));
        };
        let Some(&child) = self.protos.get(proto.0).children.get(p) else {
            return Err(self.internal_error("bad proto index"));
        };
        // The child's upvalue descriptions are read one at a time (`find_upval` needs the
        // `Vm`), rather than copied into a vector of their own: one allocation less a closure.
        let n = self.protos.get(child.0).proto.upvals.len();
        let mut ups = Vec::with_capacity(n);
        for k in 0..n {
            let Some(d) = self.protos.get(child.0).proto.upvals.get(k) else {
                return Err(self.internal_error("bad upvalue description"));
            };
            let (in_stack, idx) = (d.in_stack, d.index);
            if in_stack {
                ups.push(self.find_upval(frame.base + idx as usize)?);
            } else {
                match self.closures.get(cl.0).upvals.get(idx as usize) {
                    Some(u) => ups.push(*u),
                    None => return Err(self.internal_error("bad upvalue index")),
                }
            }
        }
        let f = self.new_closure(child, ups.into_boxed_slice())?;
        self.ts.stack[dst] = Value::LuaFn(f);
        Ok(())
    }

    /// The open upvalue for stack slot `idx`, created if needed.
    fn find_upval(&mut self, idx: usize) -> Result<crate::value::UpvalRef, Error> {
        let pos = self.ts.open_upvals.partition_point(|(i, _)| *i < idx);
        if let Some((i, u)) = self.ts.open_upvals.get(pos) {
            if *i == idx {
                return Ok(*u);
            }
        }
        let u = self.new_upval(Upval::Open {
            thread: self.cur_thread,
            idx,
        })?;
        self.ts.open_upvals.insert(pos, (idx, u));
        Ok(u)
    }

    /// Closes every open upvalue at or above stack slot `level`.
    pub(crate) fn close_upvals(&mut self, level: usize) {
        while let Some(&(idx, u)) = self.ts.open_upvals.last() {
            if idx < level {
                break;
            }
            self.ts.open_upvals.pop();
            let v = self.ts.stack.get(idx).copied().unwrap_or(Value::Nil);
            *self.heap.upvals.get_mut(u.0) = Upval::Closed(v);
            self.heap.barrier_upval(u, v);
        }
    }

    /// Starts the `__close` of the innermost pending to-be-closed variable at or above stack
    /// slot `level`, if any (returns whether there was one). It runs as a frame with
    /// continuation `Cont::Redo`: when it returns, the running CLOSE or RETURN instruction
    /// executes again and closes the next variable, so closing never recurses in Rust and a
    /// `__close` may yield.
    pub(crate) fn close_next(&mut self, level: usize) -> Result<bool, Error> {
        let s = match self.ts.tbc.last() {
            Some(&s) if s >= level => s,
            _ => return Ok(false),
        };
        self.ts.tbc.pop();
        let v = self.ts.stack.get(s).copied().unwrap_or(Value::Nil);
        let tm = self.get_metamethod(v, crate::meta::Tm::Close);
        self.check_tm_callable(tm, crate::meta::Tm::Close)?;
        self.invoke_meta(tm, &[v, Value::Nil], Cont::Redo)?;
        Ok(true)
    }

    /// GETUPVAL for an upvalue open on another thread (or an odd index).
    pub(super) fn op_get_upval(&mut self, base: usize, a: u8, u: u8) -> Result<(), Error> {
        let v = self.upval_value(u as usize);
        self.ts.stack[base + a as usize] = v;
        Ok(())
    }

    /// SETUPVAL for an upvalue open on another thread or at or above the running frame.
    pub(super) fn op_set_upval(&mut self, base: usize, a: u8, u: u8) -> Result<(), Error> {
        let v = self.r(base, a);
        self.write_upval(u as usize, v);
        Ok(())
    }

    /// CLOSURE (a collector safe point).
    pub(super) fn op_closure(&mut self, base: usize, a: u8, p: u32) -> Result<(), Error> {
        let s = base + a as usize;
        self.gc_check(s);
        self.make_closure(s, p as usize)
    }

    /// CLOSE: closes upvalues from `R[a]` up and starts the innermost pending `__close`; runs
    /// again after each (`Cont::Redo`) until none is pending.
    pub(super) fn op_close(&mut self, base: usize, a: u8) -> Result<(), Error> {
        let s = base + a as usize;
        self.close_upvals(s);
        self.close_next(s)?;
        Ok(())
    }

    /// TBC: marks `R[a]` to be closed (nil and false need nothing).
    pub(super) fn op_tbc(&mut self, base: usize, a: u8) -> Result<(), Error> {
        let v = self.r(base, a);
        if !v.truthy() {
            return Ok(());
        }
        let tm = self.get_metamethod(v, crate::meta::Tm::Close);
        if tm.is_nil() {
            let frame = self.ts.frames.last().copied();
            let name = frame
                .as_ref()
                .and_then(|f| {
                    let p = self.frame_proto(f)?;
                    crate::debuginfo::local_name(p, a as usize, f.pc.saturating_sub(1))
                })
                .unwrap_or("?")
                .to_string();
            return Err(self.rt_error(&format!("variable '{name}' got a non-closable value")));
        }
        self.ts.tbc.push(base + a as usize);
        self.forget_fast_return();
        Ok(())
    }

    /// The running frame now has a to-be-closed slot pending: its return must close it, so it
    /// no longer takes the inline return (which does not look for one).
    pub(super) fn forget_fast_return(&mut self) {
        if let Some(f) = self.ts.frames.last_mut() {
            f.fast_ret = false;
        }
    }
}
