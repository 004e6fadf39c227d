//! Sandbox limits enforced while guest code runs: a fuel budget and an interrupt flag.
//!
//! Fuel is an instruction budget. While a budget is set, every bytecode instruction costs one
//! unit, and long-running natives charge for their work through `Vm::charge_fuel` (bytes
//! produced, pattern-matching steps, elements moved). When the budget goes below zero the
//! running code fails with `fuel exhausted`; the budget stays exhausted, so a guest `pcall`
//! that catches the error cannot do anything further either — the error reaches the host.
//! The same program with the same budget stops at the same instruction every time.
//!
//! The interrupt flag is an `Arc<AtomicBool>` that another thread may set (`interrupt_handle`).
//! Once armed, the interpreter checks it before every instruction; while it is set, guest code
//! fails with `interrupted`. The host clears it (stores `false`) to run guest code again.
//!
//! The unlimited loop also checks the flag on every backward jump (loops, `goto`), armed or
//! not, so a host that only sets the flag now and then (the CLI's Ctrl-C) stops any loop for
//! the price of one load per iteration.
//!
//! A deadline (`set_deadline`) is a wall-clock limit: the limited loop reads the clock every
//! `DEADLINE_TICK` instructions and fails with `time limit exceeded` once it has passed.
//!
//! **Pause mode** (`set_fuel_pause(true)`): running out of fuel suspends the host call instead
//! of failing it. The call returns an error whose `is_paused()` is true; every frame stays as
//! it was, with the next instruction not yet started. The host refills (`add_fuel`, or
//! `set_fuel`) and calls `resume_paused`, which continues exactly there — any number of pauses
//! leave the program's behaviour and output as one uninterrupted run would. A suspension
//! happens only where nothing on the Rust stack depends on it: in Lua code run by the host's
//! own call (`Vm::nny == 1`), coroutines included. Elsewhere the budget may be overdrawn:
//! natives always finish the work they charge for, and Lua code a native calls back (a `sort`
//! comparator, a `gsub` function, a host function's `call`) runs on until the budget is
//! `PAUSE_OVERDRAFT` below zero, then fails with `fuel exhausted`; the overdraft is paid from
//! the next refill. While a call is paused the VM refuses to run other Lua code.
//!
//! None of this costs anything per instruction while unused: the interpreter runs its
//! unlimited loop unless a budget, a deadline or an armed interrupt is set (see `interp.rs`,
//! `run_loop::<_, LIMITS>`).

use crate::vm::Vm;
use crate::Error;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// The message of the error raised when the fuel budget runs out.
pub const FUEL_EXHAUSTED: &str = "fuel exhausted";
/// The message of the status a host call returns when it is suspended in pause mode.
pub const FUEL_PAUSED: &str = "fuel exhausted (paused)";
/// In pause mode, the instructions Lua code called back from a native may run past an
/// exhausted budget before failing (it cannot be suspended there).
pub const PAUSE_OVERDRAFT: i64 = 1 << 20;
/// The message of the error raised when the interrupt flag is set.
pub const INTERRUPTED: &str = "interrupted";
/// The message of the error raised when the deadline has passed.
pub const TIME_LIMIT: &str = "time limit exceeded";
/// Charges of at least this many units (bytes built, matcher steps, elements moved) make
/// `charge_fuel` look at the interrupt flag and the deadline even without a budget.
pub(crate) const NATIVE_CHECK_UNITS: u64 = 4096;
/// Instructions between two reads of the clock while a deadline is set.
pub(crate) const DEADLINE_TICK: u32 = 1024;
/// Bytes of work between two `Vm::poll_limits` calls in long natives (well under a
/// millisecond of copying or scanning).
pub const POLL_BYTES: usize = 1 << 18;

/// The sandbox limits of one VM and their running state.
pub(crate) struct Limits {
    /// Lua stack slots allowed per thread (`set_stack_limit`).
    pub(crate) max_stack: usize,
    /// Call frames allowed per thread (`set_stack_limit`).
    pub(crate) max_frames: usize,
    /// The fuel left (below zero once exhausted); `None`: unmetered.
    pub(crate) fuel: Option<i64>,
    /// On fuel exhaustion, suspend the running host call (`Vm::resume_paused`) instead of
    /// failing it (`set_fuel_pause`).
    pub(crate) fuel_pause: bool,
    /// Native re-entry levels allowed (`set_c_limit`; at most `C_LIMIT`).
    pub(crate) c_limit: u16,
    /// Live coroutines allowed (`set_thread_limit`).
    pub(crate) max_threads: usize,
    /// Wall-clock limit of each outermost host call (`set_call_timeout`).
    pub(crate) call_timeout: Option<std::time::Duration>,
    /// The last outermost call ended past its own `call_timeout` deadline (so its error is
    /// recognised as `time limit exceeded` after the deadline is gone).
    pub(crate) call_timed_out: bool,
    /// In pause mode, how far below zero Lua code a native calls back may run the fuel
    /// (`set_pause_overdraft`).
    pub(crate) pause_overdraft: i64,
    /// The host call that ran out of fuel in pause mode, waiting for `resume_paused`.
    pub(crate) paused: Option<PausedCall>,
    /// The interrupt flag another thread may set.
    pub(crate) interrupt: Arc<AtomicBool>,
    /// Whether the interpreter checks `interrupt`.
    pub(crate) interrupt_armed: bool,
    /// The wall-clock deadline (`set_deadline`), checked every `DEADLINE_TICK` instructions.
    pub(crate) deadline: Option<std::time::Instant>,
    /// The message of the interrupt error (`set_interrupt_message`).
    pub(crate) interrupt_message: &'static str,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_stack: crate::vm::DEFAULT_MAX_STACK,
            max_frames: crate::vm::DEFAULT_MAX_FRAMES,
            fuel: None,
            fuel_pause: false,
            c_limit: crate::vm::C_LIMIT,
            max_threads: usize::MAX,
            call_timeout: None,
            call_timed_out: false,
            pause_overdraft: PAUSE_OVERDRAFT,
            paused: None,
            interrupt: Arc::new(AtomicBool::new(false)),
            interrupt_armed: false,
            deadline: None,
            interrupt_message: INTERRUPTED,
        }
    }
}

/// A host call suspended in pause mode: what `Vm::call_raw` needs to finish it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PausedCall {
    /// Where the called function sat; its results end up from here.
    pub func: usize,
    /// Frame depth below the call.
    pub depth: usize,
    pub entry_thread: crate::value::ThreadRef,
    /// The caller's top before the call, restored when it ends.
    pub saved_top: usize,
    /// `Vm::call`'s own saved top.
    pub outer_top: Option<usize>,
}

impl Vm {
    /// Pause mode (see the module comment): with `true`, running out of fuel suspends the
    /// host call (`Error::is_paused`) instead of failing it.
    pub fn set_fuel_pause(&mut self, on: bool) {
        self.limits.fuel_pause = on;
    }

    /// Whether pause mode is on (`set_fuel_pause`).
    pub fn fuel_pause(&self) -> bool {
        self.limits.fuel_pause
    }

    /// Adds `units` to the fuel budget (starting one at zero if there is none). After an
    /// overdraft the budget is first brought back from below zero, so the total charged is
    /// exactly the work done.
    pub fn add_fuel(&mut self, units: u64) {
        let add = units.min(i64::MAX as u64) as i64;
        self.limits.fuel = Some(self.limits.fuel.unwrap_or(0).saturating_add(add));
    }

    /// A host call is suspended and waits for `resume_paused` (or `cancel_paused`).
    pub fn is_paused(&self) -> bool {
        self.limits.paused.is_some()
    }

    /// The lowest fuel value the interpreter may reach before it stops: zero, or, in pause
    /// mode where a suspension is impossible (inside a native's callback), an overdraft.
    #[inline]
    pub(crate) fn fuel_floor(&self) -> i64 {
        // Fixed, not relative to the fuel at entry: however many callbacks a native makes,
        // together they overdraw at most this much.
        if self.limits.fuel_pause && self.nny > 1 {
            -self.limits.pause_overdraft
        } else {
            0
        }
    }

    /// How far below zero (in units) the fuel may go in pause mode where a suspension is
    /// impossible (Lua code a native calls back) before that code fails with `fuel exhausted`;
    /// `PAUSE_OVERDRAFT` by default. A host that uses pause mode to slice a run it does not
    /// want to fail (the async driver) sets it to what the run may really spend.
    pub fn set_pause_overdraft(&mut self, units: u64) {
        self.limits.pause_overdraft = units.min(i64::MAX as u64 / 2) as i64;
    }

    /// The overdraft allowed in pause mode (`set_pause_overdraft`).
    pub fn pause_overdraft(&self) -> u64 {
        self.limits.pause_overdraft as u64
    }

    /// The fuel budget with its sign: below zero after an overdraft (`fuel` says 0 then).
    pub fn fuel_balance(&self) -> Option<i64> {
        self.limits.fuel
    }

    /// Sets the fuel budget with its sign (see `fuel_balance`).
    pub fn set_fuel_balance(&mut self, fuel: Option<i64>) {
        self.limits.fuel = fuel;
    }

    /// Sets the fuel budget (`None`: unlimited, the default). The budget counts down as guest
    /// code runs; read what is left with `fuel`.
    pub fn set_fuel(&mut self, fuel: Option<u64>) {
        self.limits.fuel = fuel.map(|f| f.min(i64::MAX as u64) as i64);
    }

    /// The fuel left (0 once exhausted), or `None` when there is no budget.
    pub fn fuel(&self) -> Option<u64> {
        self.limits.fuel.map(|f| f.max(0) as u64)
    }

    /// Charges `units` of fuel for work a native does; fails with `fuel exhausted` when the
    /// budget runs out. Free when no budget is set.
    /// A charge of at least `NATIVE_CHECK_UNITS` also checks the interrupt flag and the
    /// deadline, so a native doing a big piece of work is a place where it can be stopped; the
    /// many one-unit charges (each element `table.insert` moves) stay one compare when no
    /// budget is set.
    #[inline(always)]
    pub fn charge_fuel(&mut self, units: u64) -> Result<(), Error> {
        if self.limits.fuel.is_none() && units < NATIVE_CHECK_UNITS {
            return Ok(());
        }
        self.charge_fuel_slow(units)
    }

    #[inline(never)]
    fn charge_fuel_slow(&mut self, units: u64) -> Result<(), Error> {
        if self.limits.interrupt.load(Ordering::Relaxed) || self.past_deadline() {
            return Err(self.native_limit_error());
        }
        if let Some(f) = self.limits.fuel {
            let left = f.saturating_sub(units.min(i64::MAX as u64) as i64);
            self.limits.fuel = Some(left);
            // In pause mode the work is done and paid for later: the interpreter suspends
            // at its next instruction (or overdraws, inside a callback).
            if left < 0 && !self.limits.fuel_pause {
                return Err(self.native_limit_error());
            }
        }
        Ok(())
    }

    /// A limit hit inside a native: the message at the position of the Lua code that called
    /// it, as the native's own errors are (or of the running Lua code, when it is the
    /// interpreter's own work, such as a concatenation, that noticed it).
    #[cold]
    pub(crate) fn native_limit_error(&mut self) -> Error {
        let m = self.limit_reason().unwrap_or(FUEL_EXHAUSTED);
        if matches!(
            self.ts.frames.last().map(|f| &f.kind),
            Some(crate::thread::FrameKind::Lua { .. })
        ) {
            return self.rt_error(m);
        }
        self.error(m)
    }

    /// Arms the interrupt check and returns the flag: storing `true` in it from any thread
    /// makes the running guest code fail with `interrupted` before its next instruction.
    pub fn interrupt_handle(&mut self) -> Arc<AtomicBool> {
        self.limits.interrupt_armed = true;
        Arc::clone(&self.limits.interrupt)
    }

    /// The interrupt flag without arming the per-instruction check: the interpreter then sees
    /// a `true` on the next backward jump (and in long library functions) only. For a host
    /// that sets it rarely, like a Ctrl-C handler; `interrupt_handle` also stops straight-line
    /// code at once.
    pub fn interrupt_flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.limits.interrupt)
    }

    /// The interrupt flag itself, for a long native's own checks (no reference count taken).
    pub fn interrupt_ref(&self) -> &AtomicBool {
        &self.limits.interrupt
    }

    /// The message of the interrupt error (default `interrupted`; the CLI uses lua.c's
    /// `interrupted!`).
    pub fn set_interrupt_message(&mut self, msg: &'static str) {
        self.limits.interrupt_message = msg;
    }

    /// Sets (or clears) a wall-clock deadline: once it has passed, guest code fails with
    /// `time limit exceeded`, which a guest `pcall` cannot swallow for long (the next check
    /// fails again). The host clears or moves it to run guest code again.
    pub fn set_deadline(&mut self, deadline: Option<std::time::Instant>) {
        self.limits.deadline = deadline;
    }

    /// The deadline, if one is set.
    pub fn deadline(&self) -> Option<std::time::Instant> {
        self.limits.deadline
    }

    /// Whether the deadline has passed.
    #[inline]
    pub(crate) fn past_deadline(&self) -> bool {
        matches!(self.limits.deadline, Some(d) if std::time::Instant::now() >= d)
    }

    /// Whether the interpreter must run its limited loop (a budget, a deadline or an armed
    /// interrupt).
    #[inline]
    pub(crate) fn limits_on(&self) -> bool {
        self.limits.fuel.is_some() || self.limits.interrupt_armed || self.limits.deadline.is_some()
    }

    /// For natives that work through large inputs: fails with the interrupt or deadline error
    /// when either is due (fuel is charged with `charge_fuel`). Cheap; call it every
    /// `POLL_BYTES` or so of work so a long call stops within milliseconds.
    #[inline]
    pub fn poll_limits(&mut self) -> Result<(), Error> {
        if self.limits_due() {
            return Err(self.native_limit_error());
        }
        Ok(())
    }

    /// Whether the interrupt or the deadline is due (for a loop that holds a borrow of the
    /// VM: it stops, and then `poll_limits` makes the error).
    #[inline]
    pub fn limits_due(&self) -> bool {
        self.limits.interrupt.load(Ordering::Relaxed)
            || (self.limits.deadline.is_some() && self.past_deadline())
    }

    /// Which limit is hit now, as its error message: the interrupt, the deadline or the fuel.
    pub fn limit_reason(&self) -> Option<&'static str> {
        if self.limits.interrupt.load(Ordering::Relaxed) {
            Some(self.limits.interrupt_message)
        } else if self.past_deadline() || self.limits.call_timed_out {
            Some(TIME_LIMIT)
        } else if matches!(self.limits.fuel, Some(f) if f < 0) {
            Some(FUEL_EXHAUSTED)
        } else {
            None
        }
    }

    /// The error for a limit hit at the current instruction.
    #[cold]
    pub(crate) fn limit_error(&mut self) -> Error {
        let m = self.limit_reason().unwrap_or(FUEL_EXHAUSTED);
        self.rt_error(m)
    }
}
