//! Calls and returns (manual §3.4.10, §3.4.11, §6.1 `pcall`/`xpcall`): setting up Lua and
//! native frames, varargs, `__call`, delivering results through continuations, protected calls,
//! error unwinding, and the re-entrant `call` entry point natives and hosts use.

use crate::heap::{Args, NativeKind};
use crate::meta::Tm;
use crate::thread::{Cont, Frame, FrameKind};
use crate::value::Value;
use crate::vm::{Vm, STACK_SLACK};
use crate::Error;

/// What a native returns after `Vm::call_then_return` (never a real result count).
const CALL_THEN_RETURN: usize = usize::MAX;

/// Extra frames, stack slots and native nesting an `xpcall` message handler may use beyond the
/// limits (PUC grants the handler extra stack after an overflow, too).
const HANDLER_EXTRA_FRAMES: usize = 50;
const HANDLER_EXTRA_SLOTS: usize = 2000;
const HANDLER_EXTRA_C: u16 = 10;

impl Vm {
    /// The C level as stored in a frame pushed now (relative to the resume's base).
    #[inline(always)]
    pub(crate) fn c_rel(&self) -> u16 {
        self.c_depth.saturating_sub(self.c_base)
    }

    /// The C level a frame's stored `c_depth` stands for in the running resume.
    #[inline(always)]
    pub(crate) fn c_abs(&self, rel: u16) -> u16 {
        self.c_base.saturating_add(rel)
    }

    /// A runtime error raised by the VM itself: the message gets `chunk:line:` of the running
    /// Lua function (none if a native is running), like PUC's `luaG_runerror`.
    pub fn rt_error(&mut self, msg: &str) -> Error {
        let pos = match self.ts.frames.last() {
            Some(f) if matches!(f.kind, FrameKind::Lua { .. }) => self.frame_where(f),
            _ => String::new(),
        };
        self.make_error(format!("{pos}{msg}"))
    }

    /// An error raised by a native (`luaL_error`): the message gets the position of the Lua
    /// code that called the native, if any.
    pub fn error(&mut self, msg: &str) -> Error {
        let pos = self.where_(1);
        self.make_error(format!("{pos}{msg}"))
    }

    /// An error whose value is the given string, without position.
    pub fn make_error(&mut self, msg: String) -> Error {
        match self.new_str(msg.as_bytes()) {
            Ok(s) => Error::from_value(Value::Str(s)),
            Err(e) => e,
        }
    }

    /// `attempt to call a X value (...)` for the value in `func`.
    pub(crate) fn call_error(&mut self, func: usize) -> Error {
        let v = self.ts.stack[func];
        let t = self.obj_type_name(v);
        let info = match self.ts.frames.last() {
            Some(f)
                if matches!(f.kind, FrameKind::Lua { .. })
                    && func >= f.base
                    && func - f.base < 256 =>
            {
                let reg = func - f.base;
                let p = self.frame_proto(f);
                let pc = f.pc.saturating_sub(1);
                let is_tfor = p
                    .and_then(|p| p.code.get(pc))
                    .map(|i| matches!(i, tape_bytecode::Instr::TForCall { .. }));
                if is_tfor == Some(true) {
                    " (for iterator 'for iterator')".to_string()
                } else {
                    self.reg_info(reg)
                }
            }
            _ => String::new(),
        };
        self.rt_error(&format!("attempt to call a {t} value{info}"))
    }

    /// The first free stack slot above the running frame's live values.
    #[inline]
    pub(crate) fn free_slot(&self) -> usize {
        match self.ts.frames.last() {
            Some(f) => match f.kind {
                FrameKind::Lua { cl, .. } => {
                    (f.base + self.closures.get(cl.0).max_stack as usize).max(f.top)
                }
                _ => f.top,
            },
            None => 0,
        }
    }

    /// Starts a call of `stack[func]` with `nargs` arguments above it. For a Lua function a
    /// frame is pushed and `true` returned (the interpreter continues there); a native runs to
    /// completion here and its results are delivered (`false`). `__call` is resolved.
    pub(crate) fn precall(
        &mut self,
        func: usize,
        nargs: usize,
        nresults: i32,
        cont: Cont,
        site: bool,
    ) -> Result<bool, Error> {
        let mut nargs = nargs;
        loop {
            match self.ts.stack[func] {
                Value::LuaFn(cl) => {
                    self.push_lua_frame(func, cl, nargs, nresults, cont)?;
                    if !self.hs.hooks.is_empty() {
                        let tail = std::mem::take(&mut self.hs.hook_tail);
                        if let (true, Some(f)) = (tail, self.ts.frames.last_mut()) {
                            f.tail = true;
                        }
                        self.hook_call(tail)?;
                    }
                    return Ok(true);
                }
                Value::Native(nf) => return self.call_native(func, nargs, nresults, cont, nf),
                _ => nargs = self.resolve_call(func, nargs, site)?,
            }
        }
    }

    /// The native half of `precall`: pushes the frame of native `nf` at `stack[func]`, runs it
    /// and delivers its results (`pcall`, `resume` and the like start their own machinery).
    #[inline(always)]
    fn call_native(
        &mut self,
        func: usize,
        nargs: usize,
        nresults: i32,
        cont: Cont,
        nf: crate::value::NativeRef,
    ) -> Result<bool, Error> {
        if self.ts.frames.len() >= self.limits.max_frames {
            return Err(self.rt_error("stack overflow"));
        }
        // Room for this frame and a pcall's protected call above it.
        self.reserve_frame()?;
        let need = func + 1 + nargs + STACK_SLACK;
        if need > self.ts.stack.len() {
            self.grow_stack(need)?;
        }
        let c_depth = self.c_rel();
        // The frame is built where it is pushed, never held in a local: a `Frame` that lives in
        // memory is copied into the frame stack with `rep movsq`, which costs more than the rest
        // of a coroutine switch (docs/performance.md). So the coroutine primitives get the
        // `Args`, and `pcall` the closure.
        let frame = move |kind| Frame {
            kind,
            func,
            base: func + 1,
            pc: 0,
            top: func + 1 + nargs,
            nresults,
            cont,
            nvarargs: 0,
            c_depth,
            tail: false,
            fast_ret: false,
        };
        let args = Args {
            base: func + 1,
            n: nargs,
        };
        let n = match self.heap.natives.get(nf.0).kind {
            NativeKind::Fast(f, fast, n) => {
                // At most four results wanted, or all of them (also in tail position), no hook
                // to see a frame, and not a coroutine's body (whose return `finish_normal`
                // finishes it): the fast form runs without a frame.
                if nresults <= 4
                    && matches!(cont, Cont::Normal | Cont::TailReturn)
                    && self.hs.hooks.is_empty()
                    && (self.ts.frames.len() > 1 || self.cur_thread == self.main_thread)
                {
                    if n == 1 && nresults <= 1 {
                        // The common case: one result, at most one wanted.
                        if let (Some(v), _) = self.run_fast(nf, fast, func, nargs) {
                            // (With no result wanted, the function's slot is a free register.)
                            self.ts.stack[func] = v;
                            self.finish_fast(func, 1, nresults, cont)?;
                            return Ok(false);
                        }
                    } else if self.call_fast_results(func, nargs, nresults, cont, nf, fast, n)? {
                        return Ok(false);
                    }
                }
                self.ts.frames.push(frame(FrameKind::Native { f: nf }));
                if !self.hs.hooks.is_empty() {
                    self.hook_call(false)?;
                }
                f(self, args)?
            }
            NativeKind::Fn(f) => {
                self.ts.frames.push(frame(FrameKind::Native { f: nf }));
                if !self.hs.hooks.is_empty() {
                    self.hook_call(false)?;
                }
                f(self, args)?
            }
            NativeKind::Boxed(ref f) => {
                let f = f.clone();
                self.ts.frames.push(frame(FrameKind::Native { f: nf }));
                if !self.hs.hooks.is_empty() {
                    self.hook_call(false)?;
                }
                f(self, args)?
            }
            NativeKind::Nop => {
                self.ts.frames.push(frame(FrameKind::Native { f: nf }));
                0
            }
            NativeKind::Pcall => return self.start_pcall(frame, func, nargs, nf, false),
            NativeKind::Xpcall => return self.start_pcall(frame, func, nargs, nf, true),
            NativeKind::Resume => {
                self.ts.frames.push(frame(FrameKind::Native { f: nf }));
                return self.co_resume(args, false);
            }
            NativeKind::Wrap => {
                self.ts.frames.push(frame(FrameKind::Native { f: nf }));
                return self.co_resume(args, true);
            }
            NativeKind::Yield => {
                self.ts.frames.push(frame(FrameKind::Native { f: nf }));
                return self.co_yield(args);
            }
        };
        if n == CALL_THEN_RETURN {
            return self.native_then_call();
        }
        let top = self.cur_top();
        let n = n.min(top.saturating_sub(func + 1));
        if !self.hs.hooks.is_empty() {
            self.hook_return(top - n, n)?;
        }
        if matches!(cont, Cont::Normal) {
            // Still the native's frame on top, as `post_call` would find it.
            self.ts.frames.pop();
            self.finish_normal(top - n, n, func, nresults)?;
        } else {
            self.post_call(top - n, n)?;
        }
        Ok(false)
    }

    /// `call_native`'s fast form of `n` results (0, 1 or 3) for `nresults` wanted (at most
    /// four, padded with nil, or all of them): returns whether it ran (`FastFn`).
    #[allow(clippy::too_many_arguments)]
    #[inline(never)]
    fn call_fast_results(
        &mut self,
        func: usize,
        nargs: usize,
        nresults: i32,
        cont: Cont,
        nf: crate::value::NativeRef,
        fast: crate::heap::FastFn,
        n: u8,
    ) -> Result<bool, Error> {
        if func + 4 > self.ts.stack.len() {
            return Ok(false);
        }
        let (Some(v), more) = self.run_fast(nf, fast, func, nargs) else {
            return Ok(false);
        };
        let n = n as usize;
        let vals = [v, more[0], more[1]];
        let want = if nresults < 0 || matches!(cont, Cont::TailReturn) {
            n
        } else {
            nresults as usize
        };
        // Its results go to the function's slot and up, as many as wanted, padded with nil
        // (a generic `for` wants four: the fourth, its closing value, is nil); with none
        // wanted, the slot is a free register.
        for (i, slot) in self.ts.stack[func..func + 4].iter_mut().enumerate() {
            if i < want.max(1) {
                *slot = if i < n { vals[i] } else { Value::Nil };
            }
        }
        self.finish_fast(func, n, nresults, cont)?;
        Ok(true)
    }

    /// Runs native `nf`'s fast form on its `nargs` arguments above `func`: its first result
    /// (`None`: not run) and the other two of a form of three (`FastCx::set_more`).
    #[inline(always)]
    fn run_fast(
        &mut self,
        nf: crate::value::NativeRef,
        fast: crate::heap::FastFn,
        func: usize,
        nargs: usize,
    ) -> (Option<Value>, [Value; 2]) {
        let mut cx = crate::heap::FastCx {
            heap: &mut self.heap,
            nf,
            more: [Value::Nil; 2],
        };
        let r = match self.ts.stack.get(func + 1..func + 1 + nargs) {
            Some(args) => fast(&mut cx, args),
            None => None,
        };
        (r, cx.more)
    }

    /// After a fast form's `n` results were stored from `func` up: a tail call's frame
    /// returns them (as `post_call_cont` has it), and a caller that wants all of them gets
    /// its top set.
    #[inline(always)]
    fn finish_fast(
        &mut self,
        func: usize,
        n: usize,
        nresults: i32,
        cont: Cont,
    ) -> Result<(), Error> {
        if matches!(cont, Cont::TailReturn) {
            self.return_from(func, n)?;
        } else if nresults < 0 {
            if let Some(c) = self.ts.frames.last_mut() {
                c.top = func + n;
            }
        }
        Ok(())
    }

    /// CALL of a native from the fast loop (which leaves the loop for it): the collector
    /// check and `precall` specialised to a native with an ordinary continuation.
    #[inline(never)]
    pub(crate) fn call_native_inline(
        &mut self,
        func: usize,
        nargs: usize,
        nresults: i32,
    ) -> Result<(), Error> {
        self.gc_check(func + nargs + 1);
        match self.ts.stack[func] {
            Value::Native(nf) => self.call_native(func, nargs, nresults, Cont::Normal, nf),
            _ => self.precall(func, nargs, nresults, Cont::Normal, true),
        }?;
        Ok(())
    }

    /// Replaces a called non-function at `stack[func]` by its `__call` metamethod (the value
    /// becomes the first argument), repeating while the result is not a function; returns
    /// the new argument count.
    ///
    /// Like PUC, a chain may be any length: each step takes one stack slot, so only the stack
    /// limit ends it (`stack overflow`, also for a loop). The chain is walked once to count
    /// it and once to lay it out, so a long one costs linear time, not a shift per step.
    #[cold]
    #[inline(never)]
    pub(crate) fn resolve_call(
        &mut self,
        func: usize,
        nargs: usize,
        site: bool,
    ) -> Result<usize, Error> {
        let _ = site;
        let limit = (self.limits.max_stack + STACK_SLACK).saturating_sub(func + nargs + 2);
        let mut v = self.ts.stack[func];
        let mut k = 0usize;
        while !v.is_function() {
            let tm = self.get_metamethod(v, Tm::Call);
            if tm.is_nil() {
                // The error names the value that failed, left in the function's slot.
                self.ts.stack[func] = v;
                return Err(self.call_error(func));
            }
            if k >= limit {
                return Err(self.rt_error("stack overflow"));
            }
            v = tm;
            k += 1;
        }
        if k == 0 {
            return Ok(nargs);
        }
        self.grow_stack(func + nargs + k + 1 + STACK_SLACK)?;
        self.ts.stack.copy_within(func..func + 1 + nargs, func + k);
        // stack[func + k - j] = the j-th value of the chain (the 0-th is the called value).
        let mut v = self.ts.stack[func + k];
        for j in 1..=k {
            v = self.get_metamethod(v, Tm::Call);
            self.ts.stack[func + k - j] = v;
        }
        Ok(nargs + k)
    }

    /// Pushes the frame of a call of Lua closure `cl` at `stack[func]` with `nargs` arguments
    /// above it: missing parameters become nil, and a vararg function's fixed parameters move
    /// above the extra arguments (which stay just below the new `base`).
    #[inline]
    pub(crate) fn push_lua_frame(
        &mut self,
        func: usize,
        cl: crate::value::FnRef,
        nargs: usize,
        nresults: i32,
        cont: Cont,
    ) -> Result<(), Error> {
        let c = self.closures.get(cl.0);
        let (proto, np, vararg, maxs) = (
            c.proto,
            c.num_params as usize,
            c.is_vararg,
            c.max_stack as usize,
        );
        if self.ts.frames.len() >= self.limits.max_frames {
            return Err(self.rt_error("stack overflow"));
        }
        self.reserve_frame()?;
        // STACK_SLACK covers the 256-register window above `base`.
        let need = func + 1 + nargs + np + STACK_SLACK;
        if need > self.ts.stack.len() {
            self.grow_stack(need)?;
        }
        let mut base = func + 1;
        let mut nvar = 0;
        if nargs < np {
            self.ts.stack[func + 1 + nargs..func + 1 + np].fill(Value::Nil);
        } else if vararg && nargs > np {
            nvar = nargs - np;
            base = func + 1 + nargs;
            self.ts.stack.copy_within(func + 1..func + 1 + np, base);
        }
        let c_depth = self.c_rel();
        self.ts.frames.push(Frame::lua(
            cl,
            proto,
            func,
            base,
            maxs,
            nresults,
            cont,
            nvar as u32,
            c_depth,
        ));
        Ok(())
    }

    /// Delivers `n` results at `first` from the top frame to its caller and pops the frame,
    /// applying the frame's continuation (loops through `pcall` markers).
    #[inline]
    pub(crate) fn post_call(&mut self, first: usize, n: usize) -> Result<(), Error> {
        let Some(&Frame {
            cont: Cont::Normal,
            func: dst,
            nresults,
            ..
        }) = self.ts.frames.last()
        else {
            return self.post_call_cont(first, n);
        };
        // An ordinary call: the common case, kept short.
        let depth = self.ts.frames.len() - 1;
        self.ts.frames.truncate(depth);
        self.finish_normal(first, n, dst, nresults)
    }

    /// Delivers results for a popped `Cont::Normal` frame whose function sat at `dst`; when
    /// that leaves only a coroutine's bottom frame, the coroutine has finished.
    #[inline(always)]
    fn finish_normal(
        &mut self,
        first: usize,
        n: usize,
        dst: usize,
        nresults: i32,
    ) -> Result<(), Error> {
        let bottom = self.ts.frames.len() == 1 && self.cur_thread != self.main_thread;
        if nresults < 0 {
            self.move_results(first, n, dst);
            if let Some(c) = self.ts.frames.last_mut() {
                c.top = dst + n;
            }
        } else {
            let want = nresults as usize;
            let m = n.min(want);
            self.move_results(first, m, dst);
            if m < want {
                self.ts.stack[dst + m..dst + want].fill(Value::Nil);
            }
            if bottom {
                if let Some(c) = self.ts.frames.last_mut() {
                    c.top = dst + want;
                }
            }
        }
        if bottom {
            return self.co_finish();
        }
        Ok(())
    }

    /// Copies `n` results from `first` down to `dst` (`dst <= first`).
    #[inline(always)]
    fn move_results(&mut self, first: usize, n: usize, dst: usize) {
        if n == 1 {
            self.ts.stack[dst] = self.ts.stack[first];
        } else if n > 1 && first != dst {
            self.ts.stack.copy_within(first..first + n, dst);
        }
    }

    /// `post_call` for the frames whose continuation is not `Normal`.
    #[inline(never)]
    fn post_call_cont(&mut self, first: usize, n: usize) -> Result<(), Error> {
        let mut first = first;
        let mut n = n;
        loop {
            let Some(f) = self.ts.frames.pop() else {
                return Ok(());
            };
            let dst = f.func;
            if !matches!(
                f.cont,
                Cont::Normal | Cont::Protected | Cont::TailReturn | Cont::NativeReturn
            ) {
                self.c_depth = self.c_abs(f.c_depth);
            }
            match f.cont {
                Cont::Normal => return self.finish_normal(first, n, dst, f.nresults),
                Cont::Store(slot) => {
                    self.ts.stack[slot as usize] = if n > 0 {
                        self.ts.stack[first]
                    } else {
                        Value::Nil
                    };
                }
                Cont::Cond { k, j } => {
                    let r = n > 0 && self.ts.stack[first].truthy();
                    if r == k {
                        self.jump(j);
                    }
                }
                Cont::Discard => {}
                Cont::Redo => {
                    self.jump(-1);
                    if !self.hs.hooks.is_empty() {
                        self.hook_mark_redo();
                    }
                }
                Cont::TailReturn => {
                    if first != dst {
                        self.ts.stack.copy_within(first..first + n, dst);
                    }
                    return self.return_from(dst, n);
                }
                Cont::NativeReturn => {
                    if first != dst {
                        self.ts.stack.copy_within(first..first + n, dst);
                    }
                    let mut n = n;
                    if f.nresults >= 0 {
                        let want = f.nresults as usize;
                        if n < want {
                            self.grow_stack(dst + want + STACK_SLACK)?;
                            self.ts.stack[dst + n..dst + want].fill(Value::Nil);
                        }
                        n = want;
                    }
                    if let Some(nf) = self.ts.frames.last() {
                        self.c_depth = self.c_abs(nf.c_depth);
                        // (The native's top marks what the collector keeps.)
                        let top = dst + n;
                        self.set_cur_top(top);
                    }
                    return self.return_from(dst, n);
                }
                Cont::Concat {
                    slot,
                    first: cfirst,
                    n: cn,
                } => {
                    self.ts.stack[slot as usize] = if n > 0 {
                        self.ts.stack[first]
                    } else {
                        Value::Nil
                    };
                    return self.concat(cfirst as usize, cn as usize);
                }
                Cont::Protected => {
                    // Results move to dst; `true` goes just below; then the marker returns
                    // (and the C level it added ends).
                    if let Some(m) = self.ts.frames.last() {
                        self.c_depth = self.c_abs(m.c_depth);
                    }
                    // The results start at the marker's second slot at least, `true` below
                    // (so a return hook sees them as locals from 1, as PUC's).
                    let at = match self.ts.frames.last() {
                        Some(m) => dst.max(m.base + 1),
                        None => dst,
                    };
                    self.grow_stack(at + n + STACK_SLACK)?;
                    if first != at {
                        self.ts.stack.copy_within(first..first + n, at);
                    }
                    self.ts.stack[at - 1] = Value::Bool(true);
                    first = at - 1;
                    n += 1;
                    if !self.hs.hooks.is_empty() {
                        self.set_cur_top(first + n);
                        self.hook_return(first, n)?;
                    }
                    continue;
                }
            }
            return Ok(());
        }
    }

    /// Ends a native by calling a function in its place: the function and its `nargs`
    /// arguments are the last `nargs + 1` values the native pushed; its results, adjusted to
    /// `nresults` (-1: all), become the native's. The native must return what this returns,
    /// at once. Unlike `call_raw`, the function runs as a frame of the interpreter above the
    /// native's (which stays in tracebacks), so it may yield: PUC's `lua_callk` with a
    /// continuation that returns the results (`dofile`, `pairs` with `__pairs`). Like any
    /// call from a native it takes one C level.
    pub fn call_then_return(&mut self, nargs: usize, nresults: i32) -> Result<usize, Error> {
        self.native_call = (nargs, nresults);
        Ok(CALL_THEN_RETURN)
    }

    /// Starts the call a native asked for with `call_then_return`.
    #[cold]
    #[inline(never)]
    fn native_then_call(&mut self) -> Result<bool, Error> {
        let (nargs, nresults) = self.native_call;
        let top = self.cur_top();
        let Some(func) = top.checked_sub(nargs + 1) else {
            return Err(
                self.make_error("internal error: call_then_return without a function".into())
            );
        };
        if self.c_depth >= self.limits.c_limit {
            return Err(self.rt_error("C stack overflow"));
        }
        // The native's own level comes back with `Cont::NativeReturn` (or an error's unwind).
        self.c_depth += 1;
        self.precall(func, nargs, nresults, Cont::NativeReturn, false)
    }

    /// Starts `pcall`/`xpcall`: pushes the marker frame and calls the protected function.
    /// `frame(kind)` builds its frame (see `call_native`); the arguments are the `nargs`
    /// values above `stack[func]`.
    fn start_pcall(
        &mut self,
        frame: impl Fn(FrameKind) -> Frame,
        func: usize,
        nargs: usize,
        nf: crate::value::NativeRef,
        x: bool,
    ) -> Result<bool, Error> {
        let native = FrameKind::Native { f: nf };
        if !self.hs.hooks.is_empty() {
            self.ts.frames.push(frame(native));
            self.hook_call(false)?;
            self.ts.frames.pop();
        }
        if x && (nargs < 2 || !self.ts.stack[func + 2].is_function()) {
            self.ts.frames.push(frame(native));
            let got = if nargs < 2 {
                "no value".to_string()
            } else {
                self.obj_type_name(self.ts.stack[func + 2])
            };
            let pos = self.where_(1);
            return Err(self.make_error(format!(
                "{pos}bad argument #2 to 'xpcall' (function expected, got {got})"
            )));
        }
        if nargs == 0 {
            self.ts.frames.push(frame(native));
            let pos = self.where_(1);
            return Err(
                self.make_error(format!("{pos}bad argument #1 to 'pcall' (value expected)"))
            );
        }
        let (callee, cargs, handler) = if x {
            // [xpcall][f][h][args] -> [xpcall][h][f][args]
            self.ts.stack.swap(func + 1, func + 2);
            (func + 2, nargs - 2, Some(func + 1))
        } else {
            (func + 1, nargs - 1, None)
        };
        self.ts
            .frames
            .push(frame(FrameKind::Pcall { f: nf, handler }));
        let marker = self.ts.frames.len() - 1;
        // Like PUC's `lua_pcall`, the protected call is one C level deeper; reaching the
        // limit is an error the pcall itself catches.
        let started = if self.c_depth >= self.limits.c_limit {
            Err(self.make_error("C stack overflow".into()))
        } else {
            self.c_depth += 1;
            self.precall(callee, cargs, -1, Cont::Protected, false)
        };
        match started {
            Ok(pushed) => Ok(pushed),
            Err(e) => {
                let th = self.cur_thread;
                self.catch(marker, e)?;
                // Still unwinding when a `__close` frame was left running above the marker.
                Ok(self.cur_thread == th && self.ts.frames.len() > marker)
            }
        }
    }

    /// Catches error `e` at the pcall marker `frames[i]`: runs xpcall's handler, unwinds to
    /// the marker, and starts closing the pending to-be-closed variables above it with the
    /// error (`unwind_close`); when they are all closed, the marker returns `false, err`.
    ///
    /// Each `__close` runs as a frame above the marker, so it may yield. An error in one
    /// comes back here (the marker is still the nearest): it goes through the handler too and
    /// replaces the error the remaining variables get, as in PUC.
    pub(crate) fn catch(&mut self, i: usize, e: Error) -> Result<(), Error> {
        let mut e = e;
        loop {
            let marker = match self.ts.frames.get(i) {
                Some(m) if matches!(m.kind, FrameKind::Pcall { .. }) => *m,
                _ => return Err(e),
            };
            let errv = if e.handled() {
                e.value()
            } else {
                self.handle_error(marker, e)
            };
            self.close_upvals(marker.func);
            self.ts.frames.truncate(i + 1);
            self.c_depth = self.c_abs(marker.c_depth);
            // The error value waits just above the pending variables (and xpcall's handler,
            // at `func + 1`), and the marker's top is raised past it: each `__close` runs
            // above it, and the collector sees everything below the top frame.
            let keep = match self.ts.tbc.last() {
                Some(&s) if s >= marker.func => s + 1,
                _ => 0,
            };
            let slot = keep.max(marker.func + 2);
            self.grow_stack_for(slot + 1 + STACK_SLACK, &[errv])?;
            self.ts.stack[slot] = errv;
            if let Some(m) = self.ts.frames.get_mut(i) {
                m.top = slot + 1;
            }
            match self.unwind_close() {
                Ok(true) => return self.finish_catch(),
                Ok(false) => return Ok(()),
                Err(e2) => e = e2,
            }
        }
    }

    /// An error leaves a native's call back into Lua (frames from `depth` up are about to be
    /// unwound): if the `pcall` marker that will catch it is an `xpcall`'s, its message
    /// handler runs now, on top of the failed frames, as PUC calls it where the error is
    /// raised (so a traceback there lists the native and the frames above it). The marker
    /// then only takes the handled value.
    #[cold]
    pub(crate) fn handle_escaping(&mut self, depth: usize, e: Error) -> Error {
        if e.handled() {
            return e;
        }
        let floor = if self.err_floor.0 == self.cur_thread {
            self.err_floor.1
        } else {
            0
        };
        let top = depth.min(self.ts.frames.len());
        let Some(i) = (floor..top)
            .rev()
            .find(|&i| matches!(self.ts.frames[i].kind, FrameKind::Pcall { .. }))
        else {
            return self.host_handle(floor, e);
        };
        let marker = self.ts.frames[i];
        if !matches!(
            marker.kind,
            FrameKind::Pcall {
                handler: Some(_),
                ..
            }
        ) {
            return e;
        }
        let v = self.handle_error(marker, e);
        let mut e = Error::from_value(v);
        e.set_handled();
        e
    }

    /// Sets (or, with nil, removes) a message handler for errors that reach the host: it runs
    /// like `xpcall`'s, where the error was raised and before any `__close` method, and its
    /// result becomes the error value (PUC's `lua.c` installs one that adds the traceback).
    /// Errors inside coroutines are not affected: `resume` returns them unchanged.
    pub fn set_host_message_handler(&mut self, f: Value) {
        self.host_handler = f;
    }

    /// Runs the host message handler on an error about to escape to the host, if one is set
    /// and nothing on the main thread will catch the error.
    fn host_handle(&mut self, floor: usize, e: Error) -> Error {
        if self.host_handler.is_nil()
            || floor != 0
            || self.cur_thread != self.main_thread
            || self
                .ts
                .frames
                .iter()
                .any(|f| matches!(f.kind, FrameKind::Pcall { .. }))
        {
            return e;
        }
        // As in PUC, a memory error skips the handler (which would need memory itself).
        if let (Value::Str(v), Some(m)) = (e.value(), self.heap.fixed_strings.get(1)) {
            if v == *m {
                return e;
            }
        }
        let v = self.run_handler(self.host_handler, e.value());
        let mut e = Error::from_value(v);
        e.set_handled();
        e
    }

    /// The error value a pcall marker returns for `e`: `e`'s own, or what xpcall's message
    /// handler makes of it (the handler runs before unwinding, on top of the failed frames).
    fn handle_error(&mut self, marker: Frame, e: Error) -> Value {
        let errv = e.value();
        if let FrameKind::Pcall {
            handler: Some(h), ..
        } = marker.kind
        {
            let hf = self.ts.stack[h];
            return self.run_handler(hf, errv);
        }
        errv
    }

    /// Calls message handler `hf` on error value `errv`, with PUC's extra room and its retries
    /// when the handler fails in turn.
    fn run_handler(&mut self, hf: Value, errv: Value) -> Value {
        let mut errv = errv;
        {
            let mut tries = 0;
            // Like PUC, the handler gets extra room even after a stack overflow.
            let saved = (self.limits.max_frames, self.limits.max_stack, self.c_depth);
            self.limits.max_frames = saved.0.saturating_add(HANDLER_EXTRA_FRAMES);
            self.limits.max_stack = saved.1.saturating_add(HANDLER_EXTRA_SLOTS);
            self.c_depth = self
                .c_depth
                .min(self.limits.c_limit.saturating_sub(HANDLER_EXTRA_C));
            // An error in the handler comes back here (the loop below), not through
            // `handle_escaping` to this marker again.
            let floor =
                std::mem::replace(&mut self.err_floor, (self.cur_thread, self.ts.frames.len()));
            loop {
                match self.call_raw(hf, &[errv]) {
                    Ok((first, n)) => {
                        errv = if n > 0 {
                            self.ts.stack[first]
                        } else {
                            Value::Nil
                        };
                        break;
                    }
                    Err(e2) => {
                        tries += 1;
                        errv = e2.value();
                        if tries >= 20 {
                            errv = self.make_error("error in error handling".into()).value();
                            break;
                        }
                    }
                }
            }
            self.err_floor = floor;
            self.limits.max_frames = saved.0;
            self.limits.max_stack = saved.1;
            self.c_depth = saved.2;
        }
        errv
    }

    /// Unwinding to the pcall marker on top of the frame stack: closes its pending
    /// to-be-closed variables, innermost first, each `__close` getting the error value kept
    /// at the marker's `top - 1`. A `__close` that is a Lua function (or a native that
    /// switched threads or pushed frames, like `coroutine.yield`) is left running and
    /// `Ok(false)` returned: when it returns (`Cont::Discard`), the interpreter finds the
    /// marker on top again and calls `resume_unwind`. `Ok(true)`: nothing is left to close.
    /// One iteration per variable, never a Rust recursion.
    fn unwind_close(&mut self) -> Result<bool, Error> {
        let th = self.cur_thread;
        loop {
            let Some(&m) = self.ts.frames.last() else {
                return Err(self.make_error("internal error: no pcall to unwind to".into()));
            };
            let i = self.ts.frames.len() - 1;
            let errv = self
                .ts
                .stack
                .get(m.top.wrapping_sub(1))
                .copied()
                .unwrap_or(Value::Nil);
            match self.ts.tbc.last() {
                Some(&s) if s >= m.func => {
                    self.ts.tbc.pop();
                    let v = self.ts.stack.get(s).copied().unwrap_or(Value::Nil);
                    let tm = self.get_metamethod(v, Tm::Close);
                    self.invoke_meta(tm, &[v, errv], Cont::Discard)?;
                    if self.cur_thread != th || self.ts.frames.len() != i + 1 {
                        return Ok(false);
                    }
                }
                _ => return Ok(true),
            }
        }
    }

    /// The pcall marker on top has closed its variables: it returns `false, err`.
    fn finish_catch(&mut self) -> Result<(), Error> {
        let Some(&m) = self.ts.frames.last() else {
            return Err(self.make_error("internal error: no pcall to unwind to".into()));
        };
        let errv = self
            .ts
            .stack
            .get(m.top.wrapping_sub(1))
            .copied()
            .unwrap_or(Value::Nil);
        self.grow_stack(m.func + 3 + STACK_SLACK)?;
        self.ts.stack[m.func + 1] = Value::Bool(false);
        self.ts.stack[m.func + 2] = errv;
        if !self.hs.hooks.is_empty() {
            self.set_cur_top(m.func + 3);
            self.hook_return(m.func + 1, 2)?;
        }
        self.post_call(m.func + 1, 2)
    }

    /// The interpreter found a non-Lua frame on top: a pcall marker whose `__close` call has
    /// returned while an error unwinds to it (`catch`). Closes the next variable or, when none
    /// is left, returns from the marker.
    #[cold]
    #[inline(never)]
    pub(crate) fn resume_unwind(&mut self) -> Result<(), Error> {
        if !matches!(
            self.ts.frames.last().map(|f| f.kind),
            Some(FrameKind::Pcall { .. })
        ) {
            return Err(self.rt_error("internal error: not a Lua frame"));
        }
        if self.unwind_close()? {
            self.finish_catch()?;
        }
        Ok(())
    }

    fn close_tbc_one(&mut self, err: Option<Value>) -> Result<(), Error> {
        if let Some(s) = self.ts.tbc.pop() {
            let v = self.ts.stack.get(s).copied().unwrap_or(Value::Nil);
            // Called even when the metamethod is gone: PUC then reports the failed call.
            let tm = self.get_metamethod(v, Tm::Close);
            self.call_raw(tm, &[v, err.unwrap_or(Value::Nil)])?;
        }
        Ok(())
    }

    /// Unwinds frames down to `depth` (closing upvalues and to-be-closed variables).
    pub(crate) fn unwind_to(&mut self, depth: usize, e: Error) -> Error {
        if self.ts.frames.len() <= depth {
            return e;
        }
        let level = self.ts.frames[depth].func;
        let c = self.c_abs(self.ts.frames[depth].c_depth);
        self.close_upvals(level);
        let mut e = e;
        let mut errv = e.value();
        // Like PUC, the frames are gone before the `__close` methods run (a traceback taken
        // there shows the catching level); the caller's top is raised above the pending
        // variables meanwhile so the calls do not overwrite them.
        let highest = match self.ts.tbc.last() {
            Some(s) if *s >= level => Some(*s),
            _ => None,
        };
        self.ts.frames.truncate(depth);
        self.c_depth = c;
        if let Some(high) = highest {
            let saved_top = self.cur_top();
            self.set_cur_top(saved_top.max(high + 1));
            while matches!(self.ts.tbc.last(), Some(s) if *s >= level) {
                if let Err(e3) = self.close_tbc_one(Some(errv)) {
                    errv = e3.value();
                    e = e3;
                }
            }
            self.set_cur_top(saved_top);
        }
        e
    }

    /// Calls `f` with `args`, leaving the results on the stack: returns (first slot, count).
    /// The results stay valid until the running frame pushes or calls again. This is the one
    /// re-entry point natives use; nesting is capped at `MAX_C_DEPTH` (`C stack overflow`).
    ///
    /// A Lua function is entered directly (its frame pushed here, no `__call` loop), so a
    /// native calling back into Lua (`table.sort`'s comparator, `gsub`'s function) pays for
    /// one frame push, one interpreter entry and one return.
    #[inline]
    pub fn call_raw(&mut self, f: Value, args: &[Value]) -> Result<(usize, usize), Error> {
        if self.limits.paused.is_some() {
            return Err(self.host_error(
                "cannot run Lua code while a call is paused (resume or cancel it first)",
            ));
        }
        if self.c_depth >= self.limits.c_limit {
            return Err(self.rt_error("C stack overflow"));
        }
        let nargs = args.len();
        let func = self.free_slot();
        let need = func + nargs + 1 + STACK_SLACK;
        if need > self.ts.stack.len() {
            self.heap.fresh.note_value(f);
            self.grow_stack_for(need, args)?;
        }
        self.ts.stack[func] = f;
        // Short argument lists are copied inline (a `memcpy` call costs more than two moves).
        match *args {
            [a] => self.ts.stack[func + 1] = a,
            [a, b] => {
                self.ts.stack[func + 1] = a;
                self.ts.stack[func + 2] = b;
            }
            _ => self.ts.stack[func + 1..func + 1 + nargs].copy_from_slice(args),
        }
        let depth = self.ts.frames.len();
        let entry_thread = self.cur_thread;
        let saved_top = self.cur_top();
        self.set_cur_top(func + 1 + nargs);
        self.c_depth += 1;
        self.nny += 1;
        let started = match f {
            Value::LuaFn(cl) if self.hs.hooks.is_empty() => self
                .push_lua_frame(func, cl, nargs, -1, Cont::Normal)
                .map(|()| true),
            _ => self.precall(func, nargs, -1, Cont::Normal, false),
        };
        let r = match started {
            Ok(true) => self.execute_plain(depth, entry_thread),
            Ok(false) => Ok(()),
            Err(e) => Err(self.escape_call(depth, e)),
        };
        self.c_depth -= 1;
        self.nny -= 1;
        self.finish_call(r, func, depth, entry_thread, saved_top)
    }

    /// The end of `call_raw` (also of a resumed paused call): the results' place, or the error,
    /// or, for a suspension in pause mode, what `resume_paused_raw` needs.
    #[inline(always)]
    fn finish_call(
        &mut self,
        r: Result<(), Error>,
        func: usize,
        depth: usize,
        entry_thread: crate::value::ThreadRef,
        saved_top: usize,
    ) -> Result<(usize, usize), Error> {
        match r {
            Err(e) if e.is_paused() => {
                self.limits.paused = Some(crate::limits::PausedCall {
                    func,
                    depth,
                    entry_thread,
                    saved_top,
                    outer_top: None,
                });
                Err(e)
            }
            Ok(()) => {
                // Keep the results visible to the collector until the caller is done (a
                // native's top stays above them; a Lua frame's top means something else).
                let n = self.cur_top().saturating_sub(func);
                if matches!(
                    self.ts.frames.last().map(|f| f.kind),
                    Some(FrameKind::Lua { .. })
                ) {
                    self.set_cur_top(saved_top);
                }
                Ok((func, n))
            }
            Err(e) => {
                self.set_cur_top(saved_top);
                Err(e)
            }
        }
    }

    /// An error starting a re-entrant call: traceback if nothing catches it, then unwind.
    #[cold]
    #[inline(never)]
    fn escape_call(&mut self, depth: usize, e: Error) -> Error {
        let e = self.handle_escaping(depth, e);
        let e = self.prepare_escape(e);
        self.unwind_to(depth, e)
    }

    /// Calls `f` and returns its first result (nil if none); the stack top is back where it
    /// was. The cheapest way for a native to call a function repeatedly (no allocation).
    #[inline]
    pub fn call1(&mut self, f: Value, args: &[Value]) -> Result<Value, Error> {
        if let Value::LuaFn(cl) = f {
            if let Some(r) = self.call1_lua(cl, args) {
                return r;
            }
        }
        let saved = self.cur_top();
        let (first, n) = self.call_raw(f, args)?;
        // No result: nil in the (dead) slot, which is then read like a result. Choosing
        // between the slot and a nil made LLVM load the slot with one 16-byte move, which
        // cannot be forwarded from the callee's two 8-byte stores just before and stalled (a
        // fifth of `call1`'s time under `table.sort`'s comparator).
        if n == 0 {
            self.ts.stack[first] = Value::Nil;
        }
        let v = self.ts.stack[first];
        self.set_cur_top(saved);
        Ok(v)
    }

    /// `call1` of a Lua function from a native (a `table.sort` comparator, a `gsub`
    /// replacement function): what `call_raw` does, with the checks that cannot fail here
    /// done once. `None` (nothing done) when this is not that common case: the caller is not
    /// a native, hooks are set, a call is paused, the C level, stack or frame vector is
    /// full, or the function is vararg.
    #[inline]
    fn call1_lua(
        &mut self,
        cl: crate::value::FnRef,
        args: &[Value],
    ) -> Option<Result<Value, Error>> {
        if !self.hs.hooks.is_empty()
            || self.limits.paused.is_some()
            || self.c_depth >= self.limits.c_limit
        {
            return None;
        }
        let depth = self.ts.frames.len();
        if depth >= self.limits.max_frames || depth >= self.ts.frames.capacity() {
            return None;
        }
        let c = self.closures.get(cl.0);
        let (proto, np, maxs) = (c.proto, c.num_params as usize, c.max_stack as usize);
        if c.is_vararg {
            return None;
        }
        let nargs = args.len();
        let top_frame = self.ts.frames.last_mut()?;
        if !matches!(top_frame.kind, FrameKind::Native { .. }) {
            return None;
        }
        // A native's free slot is its top (`free_slot`), which is also what is restored.
        let func = top_frame.top;
        let base = func + 1;
        let slots = self
            .ts
            .stack
            .get_mut(func..base + nargs.max(np) + STACK_SLACK)?;
        top_frame.top = base + nargs;
        let (fslot, rest) = slots.split_first_mut()?;
        *fslot = Value::LuaFn(cl);
        // Short argument lists inline (a `memcpy` call costs more than two moves).
        match (args, &mut *rest) {
            ([a], [ra, ..]) => *ra = *a,
            ([a, b], [ra, rb, ..]) => (*ra, *rb) = (*a, *b),
            _ => rest.get_mut(..nargs)?.copy_from_slice(args),
        }
        if nargs < np {
            rest.get_mut(nargs..np)?.fill(Value::Nil);
        }
        self.c_depth += 1;
        self.nny += 1;
        let c_depth = self.c_rel();
        self.ts.frames.push(Frame::lua(
            cl,
            proto,
            func,
            base,
            maxs,
            -1,
            Cont::Normal,
            0,
            c_depth,
        ));
        let entry_thread = self.cur_thread;
        let r = self.execute_plain(depth, entry_thread);
        self.c_depth -= 1;
        self.nny -= 1;
        if r.is_err() {
            return Some(
                self.finish_call(r, func, depth, entry_thread, func)
                    .map(|_| Value::Nil),
            );
        }
        // The results start at `func` and end at the native's top (see `finish_call`).
        let top = self.cur_top();
        let v = if top > func {
            self.ts.stack.get(func).copied().unwrap_or(Value::Nil)
        } else {
            Value::Nil
        };
        self.set_cur_top(func);
        Some(Ok(v))
    }

    /// Calls `f` from a native, leaving all results pushed on the native's stack area; returns
    /// their count (so a native can `return Ok(vm.call_push(f, args)?)`).
    pub fn call_push(&mut self, f: Value, args: &[Value]) -> Result<usize, Error> {
        let (_, n) = self.call_raw(f, args)?;
        Ok(n)
    }

    /// Calls any function value with arguments, returning all results. At the host level
    /// (no Lua code running) the error's message and traceback are filled in.
    pub fn call(&mut self, f: Value, args: &[Value]) -> Result<Vec<Value>, Error> {
        if self.nny == 0 {
            self.limits.call_timed_out = false;
            if self.limits.call_timeout.is_some() {
                return self.with_call_timeout(|vm| vm.call_untimed(f, args));
            }
        }
        self.call_untimed(f, args)
    }

    /// Runs an outermost host call under `call_timeout`: the deadline is the earlier of the
    /// one set and the call's own, and goes back to the one set afterwards.
    #[cold]
    fn with_call_timeout<T>(&mut self, run: impl FnOnce(&mut Vm) -> T) -> T {
        let saved = self.limits.deadline;
        if let Some(t) = self.limits.call_timeout {
            let own = std::time::Instant::now().checked_add(t);
            self.limits.deadline = match (saved, own) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        let r = run(self);
        self.limits.call_timed_out = self.past_deadline();
        self.limits.deadline = saved;
        r
    }

    fn call_untimed(&mut self, f: Value, args: &[Value]) -> Result<Vec<Value>, Error> {
        let saved = self.cur_top();
        let r = self.call_raw(f, args);
        self.finish_host_call(r, saved)
    }

    /// An error about the host's own use of the VM, its message filled in already.
    fn host_error(&mut self, msg: &str) -> Error {
        let mut e = self.make_error(msg.to_string());
        e.set_message(msg.to_string());
        e
    }

    /// Continues the host call that ran out of fuel in pause mode (`set_fuel_pause`) exactly
    /// where it stopped, and returns what `call` would have: its results, an error, or another
    /// suspension. Refill the fuel first (`add_fuel`), or it suspends again at once.
    pub fn resume_paused(&mut self) -> Result<Vec<Value>, Error> {
        if self.nny == 0 {
            self.limits.call_timed_out = false;
            if self.limits.call_timeout.is_some() {
                return self.with_call_timeout(|vm| vm.resume_paused_untimed());
            }
        }
        self.resume_paused_untimed()
    }

    fn resume_paused_untimed(&mut self) -> Result<Vec<Value>, Error> {
        let Some(p) = self.limits.paused else {
            return Err(self.host_error("no call is paused"));
        };
        let saved = p.outer_top.unwrap_or(p.saved_top);
        let r = self.resume_paused_raw();
        self.finish_host_call(r, saved)
    }

    /// Ends the paused host call with the `fuel exhausted` error it would have raised without
    /// pause mode (to-be-closed variables are closed, a `pcall` in the script cannot catch it
    /// for good: the budget stays exhausted until the error reaches the host).
    pub fn cancel_paused(&mut self) -> Result<Vec<Value>, Error> {
        if self.limits.paused.is_none() {
            return Err(self.host_error("no call is paused"));
        }
        let fuel = self.limits.fuel;
        self.limits.fuel = Some(fuel.unwrap_or(0).min(-1));
        self.limits.fuel_pause = false;
        let r = self.resume_paused();
        self.limits.fuel_pause = true;
        if r.is_ok() {
            self.limits.fuel = fuel;
        }
        r
    }

    /// `call_raw` for a paused call: runs it on from where it stopped.
    pub fn resume_paused_raw(&mut self) -> Result<(usize, usize), Error> {
        let Some(p) = self.limits.paused.take() else {
            return Err(self.host_error("no call is paused"));
        };
        self.c_depth += 1;
        self.nny += 1;
        let r = self.execute(p.depth, p.entry_thread);
        self.c_depth -= 1;
        self.nny -= 1;
        let out = self.finish_call(r, p.func, p.depth, p.entry_thread, p.saved_top);
        if let Some(q) = self.limits.paused.as_mut() {
            q.outer_top = p.outer_top;
        }
        out
    }

    /// `call`'s delivery of `call_raw`'s outcome (`saved`: the top to restore).
    fn finish_host_call(
        &mut self,
        r: Result<(usize, usize), Error>,
        saved: usize,
    ) -> Result<Vec<Value>, Error> {
        if let Err(e) = &r {
            if e.is_paused() {
                // The frames stay: the top is restored when the call really ends.
                if let Some(p) = self.limits.paused.as_mut() {
                    p.outer_top.get_or_insert(saved);
                }
                return Err(Error::paused());
            }
        }
        let out = match r {
            Ok((first, n)) => Ok(self.ts.stack[first..first + n].to_vec()),
            Err(e) => Err(e),
        };
        self.set_cur_top(saved);
        match out {
            // The output sink is not flushed here: like C's `stdout`, it keeps what its
            // buffering holds until it is flushed or the VM closes.
            Ok(v) => Ok(v),
            Err(mut e) => {
                if self.ts.frames.len() <= 1 {
                    self.last_error = e.value();
                    if e.message().is_empty() {
                        let m = self.error_text(e.value());
                        e.set_message(m);
                    }
                }
                Err(e)
            }
        }
    }

    /// The display text of an error value: strings and numbers as-is, others
    /// `(error object is a X value)`.
    pub fn error_text(&mut self, v: Value) -> String {
        match v {
            Value::Str(s) => String::from_utf8_lossy(self.str_bytes(s)).into_owned(),
            Value::Int(_) | Value::Float(_) => {
                String::from_utf8_lossy(&self.basic_tostring(v)).into_owned()
            }
            _ => {
                let t = self.obj_type_name(v);
                format!("(error object is a {t} value)")
            }
        }
    }
}
