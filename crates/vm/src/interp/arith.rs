//! Arithmetic, bitwise and unary operators, and CONCAT: the fast paths (`arith_fast!`,
//! `float_fast!`, expanded in the dispatch loop: both operands numbers) and the fallbacks the
//! loop calls for everything else (coercion of strings, metamethods, errors).

use super::Culprit;
use crate::ops::ArithOp;
use crate::value::Value;
use crate::vm::Vm;
use crate::Error;

/// `R[a] = x op y` when both are numbers: integers wrap (`$iop`), anything with a float is
/// computed in floats (`$fop`); otherwise `$slow` (the dispatch loop's `slow!` call).
macro_rules! arith_fast {
    ($regs:ident, $a:ident, $x:expr, $y:expr, $iop:ident, $fop:path, $slow:expr) => {{
        match ($x, $y) {
            (Value::Int(x), Value::Int(y)) => $regs[$a as usize] = Value::Int(x.$iop(y)),
            (Value::Float(x), Value::Float(y)) => $regs[$a as usize] = Value::Float($fop(x, y)),
            (Value::Int(x), Value::Float(y)) => {
                $regs[$a as usize] = Value::Float($fop(x as f64, y))
            }
            (Value::Float(x), Value::Int(y)) => {
                $regs[$a as usize] = Value::Float($fop(x, y as f64))
            }
            _ => $slow,
        }
    }};
}

/// `R[a] = x op y` computed in floats (`/`, `^`) when both are numbers; otherwise `$slow`.
macro_rules! float_fast {
    ($regs:ident, $a:ident, $x:expr, $y:expr, $f:expr, $slow:expr) => {{
        let f = $f;
        match ($x, $y) {
            (Value::Int(x), Value::Int(y)) => {
                $regs[$a as usize] = Value::Float(f(x as f64, y as f64))
            }
            (Value::Float(x), Value::Float(y)) => $regs[$a as usize] = Value::Float(f(x, y)),
            (Value::Int(x), Value::Float(y)) => $regs[$a as usize] = Value::Float(f(x as f64, y)),
            (Value::Float(x), Value::Int(y)) => $regs[$a as usize] = Value::Float(f(x, y as f64)),
            _ => $slow,
        }
    }};
}

/// `x - i` for a float `x` and a `SubI` immediate, computed as PUC Lua computes it: as
/// `x + (-i)`, so `-0.0 - 0` is `0.0` (PUC compiles the subtraction to an add of `-i`).
#[inline(always)]
pub(super) fn sub_imm_float(x: f64, i: i16) -> f64 {
    x + (-(i as i64)) as f64
}

impl Vm {
    /// An arithmetic instruction on two registers (`ADD`, ..., and `UNM`/`BNOT` with `c == b`).
    pub(super) fn arith_rr(
        &mut self,
        base: usize,
        op: ArithOp,
        a: u8,
        b: u8,
        c: u8,
    ) -> Result<(), Error> {
        let (x, y) = (self.r(base, b), self.r(base, c));
        self.arith(
            op,
            x,
            y,
            base + a as usize,
            Culprit::Reg(b),
            Culprit::Reg(c),
        )
    }

    /// An arithmetic instruction with an immediate integer operand (`ADDI`, `SHLI`, `SHRI`).
    pub(super) fn arith_ri(
        &mut self,
        base: usize,
        op: ArithOp,
        a: u8,
        b: u8,
        i: i16,
    ) -> Result<(), Error> {
        let x = self.r(base, b);
        self.arith(
            op,
            x,
            Value::Int(i as i64),
            base + a as usize,
            Culprit::Reg(b),
            Culprit::None,
        )
    }

    /// An arithmetic instruction with a constant operand (`ADDK`, ...).
    pub(super) fn arith_k(
        &mut self,
        base: usize,
        op: ArithOp,
        a: u8,
        b: u8,
        k: u16,
    ) -> Result<(), Error> {
        let x = self.r(base, b);
        let y = self.konst(k as usize)?;
        self.arith(op, x, y, base + a as usize, Culprit::Reg(b), Culprit::Const)
    }

    /// CONCAT: `R[a] = R[a] .. ... .. R[a+n-1]` (a collector safe point).
    pub(super) fn op_concat(&mut self, base: usize, a: u8, n: u8) -> Result<(), Error> {
        let s = base + a as usize;
        self.gc_check(s + n as usize);
        self.concat(s, n as usize)
    }

    /// LEN: `R[a] = #R[b]` for anything but a string or a table without a metatable.
    pub(super) fn op_len(&mut self, base: usize, a: u8, b: u8) -> Result<(), Error> {
        let v = self.r(base, b);
        self.len_into(v, base + a as usize, Culprit::Reg(b))
    }
}
