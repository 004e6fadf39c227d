//! Loops: numeric `for` (FORPREP/FORLOOP) and generic `for` (TFORPREP/TFORCALL/TFORLOOP).
//! The dispatch loop runs FORLOOP inline for integer loops (any step) and float loops, FORPREP
//! for an integer loop with a positive step, and TFORLOOP; FORPREP's other cases (checks,
//! coercions, errors, negative steps) and the iterator call are here.

use crate::thread::Cont;
use crate::value::Value;
use crate::vm::Vm;
use crate::Error;

impl Vm {
    /// TFORCALL: calls the iterator with the state and control value (copied above the
    /// closing value); a native one without going through `precall`'s dispatch.
    #[inline(never)]
    pub(super) fn tfor_call(&mut self, a: u8, c: u8) -> Result<(), Error> {
        let Some(frame) = self.ts.frames.last() else {
            return Err(Error::from_value(Value::Nil));
        };
        let s = frame.base + a as usize;
        // `next` and `ipairs`'s iterator on a plain table step without a call (unless hooks
        // are to see the call).
        if !self.hooks_on() {
            let window = self
                .ts
                .stack
                .get_mut(frame.base..)
                .and_then(|w| w.first_chunk_mut::<256>());
            if let Some(regs) = window {
                if tfor_builtin(&self.heap, regs, a, c) {
                    return Ok(());
                }
            }
        }
        let Some(window) = self.ts.stack.get_mut(s..s + 7) else {
            return Err(self.internal_error("TFORCALL past the stack"));
        };
        // The iterator, state, control and closing value; the call area above them is
        // rewritten. A native is called with the copies (its collector check keeps them: they
        // are its arguments); for a Lua one the check runs first, as the slots from `s + 4`
        // up are dead until the copies are made.
        if matches!(window[0], Value::Native(_)) {
            window.copy_within(0..3, 4);
            return self.call_native_inline(s + 4, 2, c as i32);
        }
        self.gc_check(s + 4);
        if let Some(window) = self.ts.stack.get_mut(s..s + 7) {
            window.copy_within(0..3, 4);
        }
        self.precall(s + 4, 2, c as i32, Cont::Normal, true)?;
        Ok(())
    }

    /// FORPREP: checks and prepares a numeric loop (manual §3.3.5).
    pub(super) fn for_prep(&mut self, s: usize, j: i32) -> Result<(), Error> {
        let (init, limit, step) = (self.ts.stack[s], self.ts.stack[s + 1], self.ts.stack[s + 2]);
        let init_n = self.for_number(init, "initial")?;
        let limit_n = self.for_number(limit, "limit")?;
        let step_n = self.for_number(step, "step")?;
        // Like PUC 5.4, the loop counts in integers only when the initial value and the step
        // are integers themselves; a numeric string there makes it a float loop.
        match (init, step) {
            (Value::Int(i0), Value::Int(st)) => {
                if st == 0 {
                    return Err(self.rt_error("'for' step is zero"));
                }
                // Convert the limit to an integer, clipping; decide whether to skip.
                let lim = match limit_n {
                    Value::Int(l) => Some(l),
                    Value::Float(f) => {
                        if f.is_nan() {
                            None
                        } else {
                            let fl = if st < 0 { f.ceil() } else { f.floor() };
                            match crate::value::float_to_int_exact(fl) {
                                Some(l) => Some(l),
                                None => {
                                    if f > 0.0 {
                                        if st < 0 {
                                            None
                                        } else {
                                            Some(i64::MAX)
                                        }
                                    } else if st > 0 {
                                        None
                                    } else {
                                        Some(i64::MIN)
                                    }
                                }
                            }
                        }
                    }
                    _ => None,
                };
                let Some(lim) = lim else {
                    self.jump(j);
                    return Ok(());
                };
                if if st > 0 { i0 > lim } else { i0 < lim } {
                    self.jump(j);
                    return Ok(());
                }
                let count = if st > 0 {
                    let c = (lim as u64).wrapping_sub(i0 as u64);
                    if st != 1 {
                        c / st as u64
                    } else {
                        c
                    }
                } else {
                    let c = (i0 as u64).wrapping_sub(lim as u64);
                    c / ((-(st + 1)) as u64 + 1)
                };
                // The count is kept as an i64 bit pattern; counts above i64::MAX only happen for
                // loops longer than any program runs, so saturate.
                let count = count.min(i64::MAX as u64) as i64;
                self.ts.stack[s] = Value::Int(i0);
                self.ts.stack[s + 1] = Value::Int(count);
                self.ts.stack[s + 2] = Value::Int(st);
                self.ts.stack[s + 3] = Value::Int(i0);
            }
            _ => {
                let to_f = |v: Value| match v {
                    Value::Int(i) => i as f64,
                    Value::Float(f) => f,
                    _ => f64::NAN,
                };
                let (i0, lim, st) = (to_f(init_n), to_f(limit_n), to_f(step_n));
                if st == 0.0 {
                    return Err(self.rt_error("'for' step is zero"));
                }
                if if st > 0.0 { !(i0 <= lim) } else { !(lim <= i0) } {
                    self.jump(j);
                    return Ok(());
                }
                self.ts.stack[s] = Value::Float(i0);
                self.ts.stack[s + 1] = Value::Float(lim);
                self.ts.stack[s + 2] = Value::Float(st);
                self.ts.stack[s + 3] = Value::Float(i0);
            }
        }
        Ok(())
    }

    fn for_number(&mut self, v: Value, what: &str) -> Result<Value, Error> {
        match v {
            Value::Int(_) | Value::Float(_) => Ok(v),
            Value::Str(s) => match crate::ops::parse_number(self.str_bytes(s)) {
                Some(n) => Ok(n),
                None => {
                    let what = if what == "initial" {
                        "initial value"
                    } else {
                        what
                    };
                    Err(self.rt_error(&format!("bad 'for' {what} (number expected, got string)")))
                }
            },
            _ => {
                let t = self.obj_type_name(v);
                let what = if what == "initial" {
                    "initial value"
                } else {
                    what
                };
                Err(self.rt_error(&format!("bad 'for' {what} (number expected, got {t})")))
            }
        }
    }

    /// FORLOOP with a malformed loop state (only reachable from bad bytecode the verifier let
    /// through): an integer loop steps as usual, anything else ends the loop.
    pub(super) fn op_for_loop(&mut self, base: usize, a: usize, j: i32) -> Result<(), Error> {
        let s = base + a;
        let Some(&mut [i, count, step, ref mut var]) = self.ts.stack.get_mut(s..s + 4) else {
            return Err(self.internal_error("FORLOOP past the stack"));
        };
        if let (Value::Int(i), Value::Int(count), Value::Int(step)) = (i, count, step) {
            if count > 0 {
                let i = i.wrapping_add(step);
                *var = Value::Int(i);
                self.ts.stack[s] = Value::Int(i);
                self.ts.stack[s + 1] = Value::Int(count - 1);
                self.jump(j);
            }
        }
        Ok(())
    }

    /// TFORPREP: marks the closing value `R[a+3]` to be closed, then jumps to the TFORCALL.
    pub(super) fn op_tfor_prep(&mut self, base: usize, a: u8, j: i32) -> Result<(), Error> {
        let v = self.r(base, a + 3);
        if v.truthy() {
            let tm = self.get_metamethod(v, crate::meta::Tm::Close);
            if tm.is_nil() {
                return Err(self.rt_error("variable '(for state)' got a non-closable value"));
            }
            self.ts.tbc.push(base + a as usize + 3);
            self.forget_fast_return();
        }
        self.jump(j);
        Ok(())
    }
}

/// TFORCALL in the dispatch loop when the iterator is the standard `next` or `ipairs`'s
/// iterator (`Heap::iter_next`, `iter_ipairs`, see `Vm::set_iterator_native`) and the state a
/// table without a metatable (ipairs) or any table (next, which is raw): writes the `c` loop
/// values at `a + 4` as the native would (the key, or nil to end the loop; then the value).
/// False, with nothing written, when the call must really happen (any other iterator or
/// state, `c` outside 1..=2, an invalid key for `next`, whose error the native raises).
#[inline]
pub(super) fn tfor_builtin(
    heap: &crate::heap::Heap,
    regs: &mut [Value; 256],
    a: u8,
    c: u8,
) -> bool {
    let a = a as usize;
    if !(1..=2).contains(&c) || a + 5 > 255 {
        return false;
    }
    let (Value::Native(f), Value::Table(t)) = (regs[a], regs[a + 1]) else {
        return false;
    };
    let tb = heap.tables.get(t.0);
    let (k, v) = if Some(f) == heap.iter_next {
        match tb.next(regs[a + 2]) {
            Ok(Some(kv)) => kv,
            Ok(None) => (Value::Nil, Value::Nil),
            Err(()) => return false,
        }
    } else if Some(f) == heap.iter_ipairs {
        let Value::Int(i) = regs[a + 2] else {
            return false;
        };
        if tb.has_meta() {
            return false;
        }
        let i = i.wrapping_add(1);
        match tb.get_int(i) {
            Value::Nil => (Value::Nil, Value::Nil),
            v => (Value::Int(i), v),
        }
    } else {
        return false;
    };
    regs[a + 4] = k;
    if c == 2 {
        regs[a + 5] = v;
    }
    true
}
