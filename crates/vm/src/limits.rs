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
//! Neither costs anything while unused: the interpreter runs its unlimited loop unless a budget
//! is set or the interrupt is armed (see `interp.rs`, `run_loop::<_, LIMITS>`).

use crate::vm::Vm;
use crate::Error;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// The message of the error raised when the fuel budget runs out.
pub const FUEL_EXHAUSTED: &str = "fuel exhausted";
/// The message of the error raised when the interrupt flag is set.
pub const INTERRUPTED: &str = "interrupted";

impl Vm {
    /// Sets the fuel budget (`None`: unlimited, the default). The budget counts down as guest
    /// code runs; read what is left with `fuel`.
    pub fn set_fuel(&mut self, fuel: Option<u64>) {
        self.fuel = fuel.map(|f| f.min(i64::MAX as u64) as i64);
    }

    /// The fuel left (0 once exhausted), or `None` when there is no budget.
    pub fn fuel(&self) -> Option<u64> {
        self.fuel.map(|f| f.max(0) as u64)
    }

    /// Charges `units` of fuel for work a native does; fails with `fuel exhausted` when the
    /// budget runs out. Free when no budget is set.
    #[inline(always)]
    pub fn charge_fuel(&mut self, units: u64) -> Result<(), Error> {
        match self.fuel {
            None => Ok(()),
            Some(f) => self.charge_fuel_from(f, units),
        }
    }

    #[inline(never)]
    fn charge_fuel_from(&mut self, f: i64, units: u64) -> Result<(), Error> {
        let left = f.saturating_sub(units.min(i64::MAX as u64) as i64);
        self.fuel = Some(left);
        if left < 0 {
            return Err(self.rt_error(FUEL_EXHAUSTED));
        }
        Ok(())
    }

    /// Arms the interrupt check and returns the flag: storing `true` in it from any thread
    /// makes the running guest code fail with `interrupted` before its next instruction.
    pub fn interrupt_handle(&mut self) -> Arc<AtomicBool> {
        self.interrupt_armed = true;
        Arc::clone(&self.interrupt)
    }

    /// Whether the interpreter must run its limited loop (a budget or an armed interrupt).
    #[inline]
    pub(crate) fn limits_on(&self) -> bool {
        self.fuel.is_some() || self.interrupt_armed
    }

    /// The error for a limit hit at the current instruction.
    #[cold]
    pub(crate) fn limit_error(&mut self) -> Error {
        if self.interrupt.load(Ordering::Relaxed) {
            self.rt_error(INTERRUPTED)
        } else {
            self.rt_error(FUEL_EXHAUSTED)
        }
    }
}
