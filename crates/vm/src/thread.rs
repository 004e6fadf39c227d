//! Threads (coroutines, manual §2.6) and call frames.
//!
//! The running thread's stack, frames, open upvalues and to-be-closed slots are a
//! `ThreadState` in `Vm::ts`; a suspended thread keeps its own in its `Thread` object.
//! Resuming a coroutine swaps the two, so the interpreter loop always works on "the current
//! thread" and never recurses in Rust per Lua frame.

use crate::value::{FnRef, NativeRef, ProtoRef, UpvalRef, Value};

/// What the caller does with a frame's results when it returns.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Cont {
    /// An ordinary call: results go to the function slot, `nresults` of them (-1: all; the caller
    /// gets `top` set).
    Normal,
    /// A metamethod whose first result goes to the stack slot given (absolute index; stack
    /// indices fit in `u32`, see `MAX_STACK_LIMIT`).
    Store(u32),
    /// A comparison metamethod: `if truthy(result) == k then caller.pc += j`.
    Cond { k: bool, j: i32 },
    /// A metamethod whose results are dropped (`__newindex`).
    Discard,
    /// A `__concat` step: the result goes to `slot`, then the CONCAT of `n` values at `first`
    /// continues.
    Concat { slot: u32, first: u32, n: u32 },
    /// A native called in tail position: deliver all results, then return them from the
    /// calling Lua frame.
    TailReturn,
    /// The function called by `pcall`/`xpcall`: on return, prepend `true` and return from the
    /// marker frame below.
    Protected,
    /// A function a native asked to call in its place (`Vm::call_then_return`, PUC's
    /// `lua_callk` whose continuation returns the results): its results, adjusted to the
    /// frame's `nresults`, are returned from the native frame below, whose C level is
    /// restored.
    NativeReturn,
    /// A `__close` metamethod called by a CLOSE or RETURN instruction: its results are dropped
    /// and the calling Lua frame runs that instruction again, which closes the next pending
    /// variable or, when none is left, completes. (A `__close` run while an error unwinds to a
    /// `pcall` marker uses `Discard`; the interpreter then finds the marker on top and carries
    /// on unwinding, see `Vm::resume_unwind`.)
    Redo,
}

/// What a frame runs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum FrameKind {
    /// The bottom frame of a thread: the host (or the coroutine body's caller).
    Host,
    Lua {
        cl: FnRef,
        proto: ProtoRef,
    },
    Native {
        f: NativeRef,
    },
    /// A `pcall`/`xpcall` in progress (the marker an error unwinds to). `handler` is the
    /// stack slot of xpcall's message handler.
    Pcall {
        f: NativeRef,
        handler: Option<usize>,
    },
}

/// One activation record.
///
/// Invariant: for a Lua frame, `stack.len() >= base + 256` while it runs, so the interpreter
/// can view its registers as a fixed `[Value; 256]` window.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Frame {
    pub kind: FrameKind,
    /// Stack slot of the called function; results are moved here.
    pub func: usize,
    /// Register 0 (Lua) or first argument (native).
    pub base: usize,
    /// Next instruction (Lua frames).
    pub pc: usize,
    /// Lua: end of values produced by a multi-result instruction. Native: the stack top.
    pub top: usize,
    /// Results the caller wants (-1: all).
    pub nresults: i32,
    pub cont: Cont,
    /// Number of extra arguments of a vararg function (they sit just below `base`).
    pub nvarargs: u32,
    /// C level when this frame was pushed (what a metamethod's or a protected call's frame
    /// restores when it returns), relative to `Vm::c_base` of the resume that pushed it.
    pub c_depth: u16,
    /// Entered by a Lua tail call (`debug.getinfo`'s `istailcall`, `(...tail calls...)`).
    pub tail: bool,
    /// Pushed by the interpreter's inline call path: the caller is a Lua frame of the same
    /// thread, `cont` is `Normal`, at most one result is wanted, the function is not vararg
    /// (`func == base - 1`) and its proto can leave no open upvalue or to-be-closed slot
    /// (`LoadedProto::may_close` is false), so the inline return needs no other checks.
    /// A generic `for` that registers a closing value clears it (`Vm::forget_fast_return`).
    pub fast_ret: bool,
}

impl Frame {
    /// A Lua frame of closure `cl` (proto `proto`) called at stack slot `func`, registers
    /// from `base`, `maxs` of them, that is neither a tail call's nor pushed inline.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    pub(crate) fn lua(
        cl: FnRef,
        proto: ProtoRef,
        func: usize,
        base: usize,
        maxs: usize,
        nresults: i32,
        cont: Cont,
        nvarargs: u32,
        c_depth: u16,
    ) -> Frame {
        Frame {
            kind: FrameKind::Lua { cl, proto },
            func,
            base,
            pc: 0,
            top: base + maxs,
            nresults,
            cont,
            nvarargs,
            c_depth,
            tail: false,
            fast_ret: false,
        }
    }
}

/// Status of a coroutine (`coroutine.status`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ThreadStatus {
    #[default]
    Suspended,
    Running,
    Normal,
    Dead,
}

/// What a coroutine switch swaps: the running thread's state lives in `Vm::ts`, every other
/// thread's in its `Thread` object.
#[derive(Default)]
pub struct ThreadState {
    /// The value stack. Invariant: every slot holds a valid value (slots above the live extent
    /// are reset to nil by the collector).
    pub(crate) stack: Vec<Value>,
    /// The frames; `frames[0]` is the host frame.
    pub(crate) frames: Vec<Frame>,
    /// Open upvalues, sorted by stack slot.
    pub(crate) open_upvals: Vec<(usize, UpvalRef)>,
    /// Stack slots of pending to-be-closed variables, ascending.
    pub(crate) tbc: Vec<usize>,
}

/// A thread object. While the thread runs, its state lives in `Vm::ts` instead.
#[derive(Default)]
pub struct Thread {
    /// Its state while it is not running (empty while it runs: the `Vm`'s `ts` holds it).
    pub(crate) state: ThreadState,
    pub(crate) status: ThreadStatus,
    /// The thread that resumed this one (while it runs or is normal).
    pub(crate) resumer: Option<crate::value::ThreadRef>,
    /// Native nesting depth when this coroutine was resumed; yielding requires it unchanged.
    pub(crate) base_c_depth: u16,
    /// The resumer's `Vm::c_base`, restored when this coroutine yields, returns or fails.
    pub(crate) base_c_base: u16,
    /// `Vm::nny` when this coroutine was resumed.
    pub(crate) base_nny: u32,
    /// The error a coroutine died with (for `coroutine.close`).
    pub(crate) error: Option<Value>,
    /// Whether the coroutine has yielded before (its stack is shrunk at the first yield).
    pub(crate) yielded: bool,
    /// Whether its running resume is a `wrap` function's (whose caller gets no leading
    /// `true`), so a yield or return need not look at the resumer's frame.
    pub(crate) via_wrap: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_stay_compact() {
        // Every call pushes one: a continuation's slots are u32 so it takes 16 bytes, and the
        // frame 88 (it was 104 with usize slots).
        assert_eq!(std::mem::size_of::<Cont>(), 16);
        assert_eq!(std::mem::size_of::<Frame>(), 88);
    }
}
