//! Comparisons and conditional jumps: the numeric fast path (`cmp_fast!`, expanded in the
//! dispatch loop) and the fallbacks (mixed int/float edge cases, strings, `__eq`/`__lt`/`__le`).

use crate::value::Value;
use crate::vm::Vm;
use crate::Error;

/// `if (x op y) ~= k then pc += j` for two numbers; otherwise `$slow`.
macro_rules! cmp_fast {
    ($pc:ident, $x:expr, $y:expr, $k:ident, $j:ident, $iop:tt, $fn:path, $slow:expr) => {{
        let r = match ($x, $y) {
            (Value::Int(x), Value::Int(y)) => x $iop y,
            (Value::Float(x), Value::Float(y)) => x $iop y,
            (x @ (Value::Int(_) | Value::Float(_)), y @ (Value::Int(_) | Value::Float(_))) => match $fn(x, y) {
                Some(r) => r,
                None => $slow,
            },
            _ => $slow,
        };
        if r == $k {
            $pc = $pc.wrapping_add_signed($j as isize);
            // (`back_edge!` is defined inside `run_loop`, where this expands.)
            back_edge!($j < 0);
        }
    }};
}

impl Vm {
    /// EQK with a constant index past the constant table (a malformed proto).
    pub(super) fn op_eq_k(
        &mut self,
        base: usize,
        a: u8,
        c: u8,
        k: bool,
        j: i32,
    ) -> Result<(), Error> {
        let v = self.konst(c as usize)?;
        if self.r(base, a).raw_eq(v) == k {
            self.jump(j);
        }
        Ok(())
    }

    /// EQ when both operands are tables or both userdata and not the same object (`__eq`).
    pub(super) fn op_eq(
        &mut self,
        base: usize,
        a: u8,
        b: u8,
        k: bool,
        j: i32,
    ) -> Result<(), Error> {
        let (x, y) = (self.r(base, a), self.r(base, b));
        self.eq_cond(x, y, k, j)
    }

    /// LT/LE on two registers that are not both numbers (or a mixed pair the fast path cannot
    /// order exactly).
    pub(super) fn op_order(
        &mut self,
        base: usize,
        a: u8,
        b: u8,
        le: bool,
        k: bool,
        j: i32,
    ) -> Result<(), Error> {
        let (x, y) = (self.r(base, a), self.r(base, b));
        self.order_cond(x, y, le, k, j)
    }

    /// LTI/LEI (`R[a] < i`, `swap == false`) and GTI/GEI (`i < R[a]`, `swap == true`) when
    /// `R[a]` is not a number.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn op_order_imm(
        &mut self,
        base: usize,
        a: u8,
        i: i8,
        le: bool,
        swap: bool,
        k: bool,
        j: i32,
    ) -> Result<(), Error> {
        let (x, y) = (self.r(base, a), Value::Int(i as i64));
        let (x, y) = if swap { (y, x) } else { (x, y) };
        self.order_cond(x, y, le, k, j)
    }
}
