//! Calls, tail calls, returns and `...` (CALL, TAILCALL, RETURN*, VARARG): the fallbacks the
//! dispatch loop calls when its inline paths (a Lua function with room on the stack, a native
//! with a fixed argument count, a return to a Lua caller pushed inline) do not apply: `__call`,
//! hooks, frames that close variables, stack growth. Frame setup itself is in `crate::calls`.

use crate::thread::Cont;
use crate::value::Value;
use crate::vm::Vm;
use crate::Error;

impl Vm {
    /// The running frame's `top` (where open results or arguments end).
    pub(super) fn frame_top(&self) -> usize {
        self.ts.frames.last().map_or(0, |f| f.top)
    }

    /// How many values from stack slot `from` a count operand covers: `b - 1`, or with
    /// `b == 0` all of them up to the frame's top (set by the open call or `...` before).
    fn open_count(&self, from: usize, b: u8) -> usize {
        if b == 0 {
            self.frame_top().saturating_sub(from)
        } else {
            b as usize - 1
        }
    }

    /// CALL: `R[a], ... = R[a](R[a+1], ...)` (a collector safe point).
    pub(super) fn op_call(&mut self, base: usize, a: u8, b: u8, c: u8) -> Result<(), Error> {
        let func = base + a as usize;
        let nargs = self.open_count(func + 1, b);
        self.gc_check(func + nargs + 1);
        self.precall(func, nargs, c as i32 - 1, Cont::Normal, true)?;
        Ok(())
    }

    /// TAILCALL: `return R[a](R[a+1], ...)` (a collector safe point).
    pub(super) fn op_tail_call(&mut self, base: usize, a: u8, b: u8) -> Result<(), Error> {
        let func = base + a as usize;
        let nargs = self.open_count(func + 1, b);
        self.gc_check(func + nargs + 1);
        self.tail_call(func, nargs)
    }

    /// A native in tail position: as `tail_call` does for natives, it runs above the calling
    /// frame, which then returns its results.
    pub(super) fn op_tail_native(&mut self, func: usize, nargs: usize) -> Result<(), Error> {
        self.gc_check(func + nargs + 1);
        self.precall(func, nargs, -1, Cont::TailReturn, true)?;
        Ok(())
    }

    /// RETURN: `return R[a], ... ,R[a+b-2]` (`b == 0`: up to the frame's top).
    pub(super) fn op_return(&mut self, base: usize, a: u8, b: u8) -> Result<(), Error> {
        let first = base + a as usize;
        let n = self.open_count(first, b);
        self.return_from(first, n)
    }

    /// VARARG: `R[a], ..., R[a+c-2] = ...` (`c == 0`: all of them, growing the stack).
    pub(super) fn op_vararg(&mut self, base: usize, a: u8, c: u8) -> Result<(), Error> {
        let s = base + a as usize;
        let nv = self.ts.frames.last().map_or(0, |f| f.nvarargs as usize);
        let vstart = base - nv;
        if c == 0 {
            self.grow_stack(s + nv + crate::vm::STACK_SLACK)?;
            for i in 0..nv {
                self.ts.stack[s + i] = self.ts.stack[vstart + i];
            }
            if let Some(f) = self.ts.frames.last_mut() {
                f.top = s + nv;
            }
        } else {
            for i in 0..(c as usize - 1) {
                self.ts.stack[s + i] = if i < nv {
                    self.ts.stack[vstart + i]
                } else {
                    Value::Nil
                };
            }
        }
        Ok(())
    }

    /// RETURN: closes upvalues and to-be-closed variables, then delivers the results. While a
    /// variable is pending, its `__close` is started and the instruction runs again after it
    /// (the results stay in place: they are registers, or end at the frame's `top`, below
    /// where the `__close` runs).
    pub(crate) fn return_from(&mut self, first: usize, n: usize) -> Result<(), Error> {
        let base = self.ts.frames.last().map(|f| f.base).unwrap_or(0);
        if matches!(self.ts.open_upvals.last(), Some((i, _)) if *i >= base) {
            self.close_upvals(base);
        }
        if matches!(self.ts.tbc.last(), Some(s) if *s >= base) && self.close_next(base)? {
            return Ok(());
        }
        if !self.hs.hooks.is_empty() {
            self.hook_return(first, n)?;
        }
        self.post_call(first, n)
    }

    /// TAILCALL: replaces the running frame by a call of `stack[func]`.
    pub(super) fn tail_call(&mut self, func: usize, nargs: usize) -> Result<(), Error> {
        let mut nargs = nargs;
        if !self.ts.stack[func].is_function() {
            // Like PUC, `__call` is resolved while the calling frame still runs, so an error
            // names the caller's position and variable.
            nargs = self.resolve_call(func, nargs, true)?;
        }
        if let Value::Native(_) = self.ts.stack[func] {
            // Like PUC, a native in tail position runs above the calling frame (so its errors
            // see the caller's position), then the frame returns its results.
            self.precall(func, nargs, -1, Cont::TailReturn, true)?;
            return Ok(());
        }
        let frame = self.running_frame()?;
        if matches!(self.ts.open_upvals.last(), Some((i, _)) if *i >= frame.base) {
            self.close_upvals(frame.base);
        }
        let dst = frame.func;
        for i in 0..=nargs {
            self.ts.stack[dst + i] = self.ts.stack[func + i];
        }
        self.ts.frames.pop();
        self.hs.hook_tail = !self.hs.hooks.is_empty();
        let r = self.precall(dst, nargs, frame.nresults, frame.cont, false);
        self.hs.hook_tail = false;
        if r? {
            if let Some(f) = self.ts.frames.last_mut() {
                f.tail = true;
                // The new frame replaces the popped one: it restores the same C level when
                // it returns (a metamethod's frame otherwise keeps the level it added).
                f.c_depth = frame.c_depth;
            }
        }
        Ok(())
    }
}
