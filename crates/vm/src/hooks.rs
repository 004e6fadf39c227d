//! Debug hooks (manual §4.7 `lua_sethook`, §6.10 `debug.sethook`): a function the VM calls on
//! function calls, returns, new lines and every `count` instructions.
//!
//! Hooks belong to a thread. While any hook is set for the running thread the interpreter runs
//! its hooked variant (`run_loop::<true>`): one instruction per step, `trace_exec` before each,
//! and no inline calls or returns, so `precall`/`return_from` see every call and return. The
//! unhooked loop pays nothing for this: it only checks `hooks_on` when it leaves its inner loop.
//!
//! Line events follow PUC's rule: an instruction fires when it starts a function, jumps
//! backwards (or to itself), or sits on another line than the instruction executed before it
//! in the same function; after a return, "before it" is the caller's CALL instruction. A
//! running hook disables all hooks until it returns (so a hook never re-enters itself).

use crate::thread::FrameKind;
use crate::value::{ThreadRef, Value};
use crate::vm::Vm;
use crate::Error;
use tape_bytecode::Instr;

/// Event bits of a hook mask (`debug.sethook`'s "c", "r", "l" and a count).
pub const HOOK_CALL: u8 = 1;
pub const HOOK_RETURN: u8 = 2;
pub const HOOK_LINE: u8 = 4;
pub const HOOK_COUNT: u8 = 8;

/// The VM's debugging state: hooks, the execution trace, and the running hook's bookkeeping.
#[derive(Default)]
pub(crate) struct HookState {
    /// Debug hooks, one per thread that has one.
    pub(crate) hooks: Vec<HookSlot>,
    /// The execution trace, when on (see `trace.rs`).
    pub(crate) trace: Option<Box<crate::trace::Tracer>>,
    /// A hook function is running (hooks are off until it returns).
    pub(crate) in_hook: bool,
    /// The next Lua frame `precall` pushes is a tail call (its call event says so).
    pub(crate) hook_tail: bool,
    /// Frame index of the running hook function (valid while `in_hook`).
    pub(crate) hook_frame: usize,
    /// `debug.getinfo`'s `ftransfer`/`ntransfer` for the frame a call or return hook is
    /// running for (the frame below `hook_frame`); (0, 0) otherwise.
    pub(crate) hook_transfer: (usize, usize),
}

/// A hook as set by the host or `debug.sethook`: the function, its event mask and the count
/// for count events (`HOOK_COUNT` is in the mask iff `count > 0`).
#[derive(Clone, Copy, Debug)]
pub struct Hook {
    pub func: Value,
    pub mask: u8,
    pub count: u32,
}

/// A thread's hook with its running state.
#[derive(Clone, Debug)]
pub(crate) struct HookSlot {
    pub thread: ThreadRef,
    pub hook: Hook,
    /// Instructions left until the next count event.
    pub left: u32,
    /// Frame index and pc of the last instruction traced (for line events).
    pub last: (usize, usize),
    /// Per frame index up to the last one traced, the pc of the last instruction traced in
    /// that frame (`usize::MAX`: none yet): back from a call, line events compare with the
    /// instruction that made the call, as PUC's `oldpc` after a return.
    pub pcs: Vec<usize>,
    /// The next trace is an instruction run again after a `__close` it called (`Cont::Redo`):
    /// it fires no events, as the close belongs to the instruction's first execution.
    pub redo: bool,
}

impl Vm {
    /// Sets (or with `None` clears) the hook of thread `t`.
    pub fn set_hook(&mut self, t: ThreadRef, hook: Option<Hook>) {
        self.hs.hooks.retain(|s| s.thread != t);
        if let Some(mut h) = hook {
            if h.count == 0 {
                h.mask &= !HOOK_COUNT;
            } else {
                h.mask |= HOOK_COUNT;
            }
            if h.mask != 0 {
                self.hs.hooks.push(HookSlot {
                    thread: t,
                    hook: h,
                    left: h.count,
                    last: (usize::MAX, 0),
                    pcs: Vec::new(),
                    redo: false,
                });
            }
        }
    }

    /// The hook of thread `t`, if any.
    pub fn hook(&self, t: ThreadRef) -> Option<Hook> {
        self.hs.hooks.iter().find(|s| s.thread == t).map(|s| s.hook)
    }

    /// Marks the running thread's next trace as the re-execution of an instruction whose
    /// `__close` call has returned (`Cont::Redo`), so that it fires no second line or count
    /// event.
    pub(crate) fn hook_mark_redo(&mut self) {
        if let Some(slot) = self.cur_hook_slot() {
            slot.redo = true;
        }
    }

    fn cur_hook_slot(&mut self) -> Option<&mut HookSlot> {
        let t = self.cur_thread;
        self.hs.hooks.iter_mut().find(|s| s.thread == t)
    }

    /// Whether the interpreter must run its hooked loop: the execution trace is on, or the
    /// running thread has a hook that may fire now.
    #[inline]
    pub(crate) fn hooks_on(&self) -> bool {
        self.hs.trace.is_some() || self.debug_hooks_on()
    }

    /// Whether the running thread has a debug hook that may fire now.
    #[inline]
    fn debug_hooks_on(&self) -> bool {
        !self.hs.hooks.is_empty()
            && !self.hs.in_hook
            && self.hs.hooks.iter().any(|s| s.thread == self.cur_thread)
    }

    /// Drops the hooks of threads the collector did not reach (the hook table's keys are weak,
    /// as in PUC's `debug` library).
    pub(crate) fn prune_hooks(&mut self, alive: impl Fn(&Vm, ThreadRef) -> bool) {
        let mut i = 0;
        while i < self.hs.hooks.len() {
            let t = self.hs.hooks[i].thread;
            if t == self.main_thread || alive(self, t) {
                i += 1;
            } else {
                self.hs.hooks.swap_remove(i);
            }
        }
    }

    /// Before the top Lua frame executes the instruction at its `pc`: count and line events.
    pub(crate) fn trace_exec(&mut self) -> Result<(), Error> {
        if self.hs.trace.is_some() {
            self.trace_step();
        }
        if !self.debug_hooks_on() {
            return Ok(());
        }
        let fi = self.ts.frames.len().wrapping_sub(1);
        let Some(f) = self.ts.frames.get(fi) else {
            return Ok(());
        };
        let FrameKind::Lua { proto, .. } = f.kind else {
            return Ok(());
        };
        let pc = f.pc;
        let Some(slot) = self.cur_hook_slot() else {
            return Ok(());
        };
        // Frames above this one have returned.
        if slot.pcs.len() <= fi {
            slot.pcs.resize(fi + 1, usize::MAX);
        } else {
            slot.pcs.truncate(fi + 1);
        }
        let ppc = slot
            .pcs
            .get_mut(fi)
            .map_or(usize::MAX, |p| std::mem::replace(p, pc));
        if slot.redo {
            slot.redo = false;
            slot.last = (fi, pc);
            return Ok(());
        }
        let mask = slot.hook.mask;
        let mut count_event = false;
        if mask & HOOK_COUNT != 0 {
            slot.left = slot.left.saturating_sub(1);
            if slot.left == 0 {
                slot.left = slot.hook.count;
                count_event = true;
            }
        }
        let (lfi, lpc) = slot.last;
        slot.last = (fi, pc);
        // While the hook runs, the frame's current instruction is the one about to execute.
        if let Some(f) = self.ts.frames.get_mut(fi) {
            f.pc = pc + 1;
        }
        // Back in this frame from another one (a return), the previous instruction is the
        // one that made the call.
        let (lfi, lpc) = if lfi != fi && ppc != usize::MAX && pc != 0 {
            (fi, ppc)
        } else {
            (lfi, lpc)
        };
        let r = self.trace_events(fi, pc, proto, mask, count_event, lfi, lpc);
        if let Some(f) = self.ts.frames.get_mut(fi) {
            f.pc = pc;
        }
        r
    }

    #[allow(clippy::too_many_arguments)]
    fn trace_events(
        &mut self,
        fi: usize,
        pc: usize,
        proto: crate::value::ProtoRef,
        mask: u8,
        count_event: bool,
        lfi: usize,
        lpc: usize,
    ) -> Result<(), Error> {
        if count_event {
            self.run_hook("count", None)?;
        }
        if mask & HOOK_LINE != 0 {
            let p = &self.protos.get(proto.0).proto;
            // PUC runs TFORLOOP, and TFORCALL when TFORPREP jumps to it, without checking
            // for hooks: they fire no line event.
            let unchecked = match p.code.get(pc) {
                Some(Instr::TForLoop { .. }) => true,
                Some(Instr::TForCall { .. }) => {
                    lfi == fi && matches!(p.code.get(lpc), Some(Instr::TForPrep { .. }))
                }
                _ => false,
            };
            let lines = &p.lines;
            let new_line = lines.get(pc).copied();
            let fire = if unchecked {
                false
            } else if pc == 0 {
                true
            } else if lfi == fi {
                pc <= lpc || lines.get(lpc).copied() != new_line
            } else {
                // Back from a call made before the hook was set: compare with the line of the
                // instruction before (normally the CALL).
                lines.get(pc - 1).copied() != new_line
            };
            if fire {
                let line = new_line.map(|l| l as i64);
                self.run_hook("line", line)?;
            }
        }
        Ok(())
    }

    /// After a call has pushed its frame (Lua) or before a native runs: the call event. The
    /// values transferred (`debug.getinfo`'s `r`) are the parameters: a Lua function's fixed
    /// ones, a native's arguments, from local 1.
    pub(crate) fn hook_call(&mut self, tail: bool) -> Result<(), Error> {
        let Some(slot) = self.cur_hook_slot() else {
            return Ok(());
        };
        if slot.hook.mask & HOOK_CALL == 0 || self.hs.in_hook {
            return Ok(());
        }
        let n = match self.ts.frames.last() {
            Some(f) => match f.kind {
                FrameKind::Lua { cl, .. } => self.closures.get(cl.0).num_params as usize,
                _ => f.top.saturating_sub(f.base),
            },
            None => 0,
        };
        self.hs.hook_transfer = (1, n);
        self.run_hook(if tail { "tail call" } else { "call" }, None)
    }

    /// Before the top frame returns its `n` results at `first`: the return event (the
    /// results are the values transferred, as locals from `first`'s).
    pub(crate) fn hook_return(&mut self, first: usize, n: usize) -> Result<(), Error> {
        let Some(slot) = self.cur_hook_slot() else {
            return Ok(());
        };
        if slot.hook.mask & HOOK_RETURN == 0 || self.hs.in_hook {
            return Ok(());
        }
        let base = self.ts.frames.last().map_or(0, |f| f.base);
        self.hs.hook_transfer = ((first + 1).saturating_sub(base), n);
        self.run_hook("return", None)
    }

    /// Calls the running thread's hook function with `(event, line)`, hooks disabled meanwhile.
    fn run_hook(&mut self, event: &str, line: Option<i64>) -> Result<(), Error> {
        let Some(slot) = self.cur_hook_slot() else {
            return Ok(());
        };
        let f = slot.hook.func;
        if self.hs.in_hook || !f.is_function() {
            return Ok(());
        }
        let ev = Value::Str(self.new_str(event.as_bytes())?);
        let ln = line.map_or(Value::Nil, Value::Int);
        // `call` places the hook's frame above everything the running frame holds.
        self.hs.in_hook = true;
        self.hs.hook_frame = self.ts.frames.len();
        let r = self.call(f, &[ev, ln]);
        self.hs.in_hook = false;
        self.hs.hook_transfer = (0, 0);
        r.map(|_| ())
    }
}
