//! Number semantics (manual §3.4.1–§3.4.4): integer/float arithmetic with wrap-around, floor
//! division and modulo, bitwise operations on integral floats, exact mixed int/float
//! comparisons, and the string <-> number coercions of §3.4.3.

use crate::meta::Tm;
use crate::value::{float_to_int_exact, Value};
use tape_text::number::{str_to_number, Number};

/// A binary or unary arithmetic/bitwise operator.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ArithOp {
    Add,
    Sub,
    Mul,
    Mod,
    Pow,
    Div,
    IDiv,
    BAnd,
    BOr,
    BXor,
    Shl,
    Shr,
    Unm,
    BNot,
}

impl ArithOp {
    pub fn tm(self) -> Tm {
        match self {
            ArithOp::Add => Tm::Add,
            ArithOp::Sub => Tm::Sub,
            ArithOp::Mul => Tm::Mul,
            ArithOp::Mod => Tm::Mod,
            ArithOp::Pow => Tm::Pow,
            ArithOp::Div => Tm::Div,
            ArithOp::IDiv => Tm::IDiv,
            ArithOp::BAnd => Tm::BAnd,
            ArithOp::BOr => Tm::BOr,
            ArithOp::BXor => Tm::BXor,
            ArithOp::Shl => Tm::Shl,
            ArithOp::Shr => Tm::Shr,
            ArithOp::Unm => Tm::Unm,
            ArithOp::BNot => Tm::BNot,
        }
    }

    pub fn is_bitwise(self) -> bool {
        matches!(
            self,
            ArithOp::BAnd
                | ArithOp::BOr
                | ArithOp::BXor
                | ArithOp::Shl
                | ArithOp::Shr
                | ArithOp::BNot
        )
    }
}

/// Why a numeric operation failed.
#[derive(Debug, PartialEq)]
pub enum ArithError {
    /// An operand is not a number (or a float with no integer value, for bitwise ops).
    NotNumber,
    NoIntRep,
    DivByZero,
    ModByZero,
}

/// Lua's `//` on integers (rounds towards minus infinity). `b` must not be zero.
#[inline]
pub fn int_floor_div(a: i64, b: i64) -> i64 {
    if (a | b) as u64 >> 32 == 0 {
        // Both in 0..2^32: the 32-bit divide is several times faster than the 64-bit one
        // on many x86-64 CPUs (the caller has ruled out `b == 0`).
        return (a as u32 / b as u32) as i64;
    }
    if b == -1 {
        return a.wrapping_neg();
    }
    let q = a / b;
    if (a % b != 0) && ((a ^ b) < 0) {
        q - 1
    } else {
        q
    }
}

/// Lua's `%` on integers (the sign of `b`). `b` must not be zero.
#[inline]
pub fn int_mod(a: i64, b: i64) -> i64 {
    if (a | b) as u64 >> 32 == 0 {
        // As in `int_floor_div`.
        return (a as u32 % b as u32) as i64;
    }
    if b == -1 {
        return 0;
    }
    let r = a % b;
    if r != 0 && (r ^ b) < 0 {
        r + b
    } else {
        r
    }
}

#[inline]
pub fn float_mod(a: f64, b: f64) -> f64 {
    let m = a % b;
    if if m > 0.0 { b < 0.0 } else { m < 0.0 && b > 0.0 } {
        m + b
    } else {
        m
    }
}

#[inline]
pub fn shift_left(a: i64, b: i64) -> i64 {
    if b <= -64 || b >= 64 {
        0
    } else if b >= 0 {
        ((a as u64) << b) as i64
    } else {
        ((a as u64) >> (-b)) as i64
    }
}

/// Integer arithmetic (both operands integers).
#[inline]
pub fn arith_int(op: ArithOp, a: i64, b: i64) -> Result<Value, ArithError> {
    Ok(match op {
        ArithOp::Add => Value::Int(a.wrapping_add(b)),
        ArithOp::Sub => Value::Int(a.wrapping_sub(b)),
        ArithOp::Mul => Value::Int(a.wrapping_mul(b)),
        ArithOp::Mod => {
            if b == 0 {
                return Err(ArithError::ModByZero);
            }
            Value::Int(int_mod(a, b))
        }
        ArithOp::IDiv => {
            if b == 0 {
                return Err(ArithError::DivByZero);
            }
            Value::Int(int_floor_div(a, b))
        }
        ArithOp::Pow => Value::Float((a as f64).powf(b as f64)),
        ArithOp::Div => Value::Float(a as f64 / b as f64),
        ArithOp::BAnd => Value::Int(a & b),
        ArithOp::BOr => Value::Int(a | b),
        ArithOp::BXor => Value::Int(a ^ b),
        ArithOp::Shl => Value::Int(shift_left(a, b)),
        ArithOp::Shr => Value::Int(shift_left(a, b.wrapping_neg())),
        ArithOp::Unm => Value::Int(a.wrapping_neg()),
        ArithOp::BNot => Value::Int(!a),
    })
}

/// A NaN with its quiet bit set, as an x86 arithmetic instruction returns a NaN operand.
#[inline]
fn quiet(x: f64) -> f64 {
    f64::from_bits(x.to_bits() | 0x0008_0000_0000_0000)
}

/// Float `a + b`. Which operand's NaN (and so which sign) an addition of two NaNs returns is
/// left to the hardware and the compiler; lua5.4 as built for x86-64 returns `b`'s, and Tape
/// returns the same on every target (the check costs one compare on the non-NaN path).
#[inline(always)]
pub fn fadd(a: f64, b: f64) -> f64 {
    let r = a + b;
    if r.is_nan() {
        return fadd_nan(a, b, r);
    }
    r
}

/// `fadd`'s NaN case, out of line so the common path is one compare and branch.
#[cold]
#[inline(never)]
fn fadd_nan(a: f64, b: f64, r: f64) -> f64 {
    if a.is_nan() {
        quiet(if b.is_nan() { b } else { a })
    } else {
        r
    }
}

/// Float `a * b`; as `fadd`, but of two NaNs lua5.4 returns `a`'s.
#[inline(always)]
pub fn fmul(a: f64, b: f64) -> f64 {
    let r = a * b;
    if r.is_nan() {
        return fmul_nan(a, b, r);
    }
    r
}

/// `fmul`'s NaN case, out of line.
#[cold]
#[inline(never)]
fn fmul_nan(a: f64, b: f64, r: f64) -> f64 {
    if b.is_nan() {
        quiet(if a.is_nan() { a } else { b })
    } else {
        r
    }
}

/// Float `a - b` (not commutative, so the compiler keeps the operand order: of two NaNs the
/// result is `a`'s, as in lua5.4).
#[inline(always)]
pub fn fsub(a: f64, b: f64) -> f64 {
    a - b
}

/// Float arithmetic (non-bitwise operators).
#[inline]
pub fn arith_float(op: ArithOp, a: f64, b: f64) -> f64 {
    match op {
        ArithOp::Add => fadd(a, b),
        ArithOp::Sub => a - b,
        ArithOp::Mul => fmul(a, b),
        ArithOp::Mod => float_mod(a, b),
        ArithOp::Pow => {
            if b == 2.0 {
                a * a
            } else {
                a.powf(b)
            }
        }
        ArithOp::Div => a / b,
        ArithOp::IDiv => (a / b).floor(),
        ArithOp::Unm => -a,
        _ => f64::NAN,
    }
}

/// Converts a number value to an integer for bitwise ops.
#[inline]
pub fn to_int_strict(v: Value) -> Result<i64, ArithError> {
    match v {
        Value::Int(i) => Ok(i),
        Value::Float(f) => float_to_int_exact(f).ok_or(ArithError::NoIntRep),
        _ => Err(ArithError::NotNumber),
    }
}

/// Arithmetic on two values that are numbers (no coercion); `NotNumber` otherwise.
pub fn arith_numbers(op: ArithOp, a: Value, b: Value) -> Result<Value, ArithError> {
    if op.is_bitwise() {
        let x = to_int_strict(a)?;
        let y = to_int_strict(b)?;
        return arith_int(op, x, y);
    }
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => arith_int(op, x, y),
        (Value::Int(x), Value::Float(y)) => Ok(Value::Float(arith_float(op, x as f64, y))),
        (Value::Float(x), Value::Int(y)) => Ok(Value::Float(arith_float(op, x, y as f64))),
        (Value::Float(x), Value::Float(y)) => Ok(Value::Float(arith_float(op, x, y))),
        _ => Err(ArithError::NotNumber),
    }
}

/// String to number by the lexer's rules (leading/trailing spaces allowed).
pub fn parse_number(b: &[u8]) -> Option<Value> {
    match str_to_number(b)? {
        Number::Int(i) => Some(Value::Int(i)),
        Number::Float(f) => Some(Value::Float(f)),
    }
}

const TWO63: f64 = 9.223_372_036_854_776e18;

/// `i < f` exactly.
pub fn int_lt_float(i: i64, f: f64) -> bool {
    if f.is_nan() {
        false
    } else if f >= TWO63 {
        true
    } else if f > -TWO63 {
        i < f.ceil() as i64
    } else {
        false
    }
}

/// `i <= f` exactly.
pub fn int_le_float(i: i64, f: f64) -> bool {
    if f.is_nan() {
        false
    } else if f >= TWO63 {
        true
    } else if f >= -TWO63 {
        i <= f.floor() as i64
    } else {
        false
    }
}

/// `f < i` exactly.
pub fn float_lt_int(f: f64, i: i64) -> bool {
    if f.is_nan() {
        false
    } else if f >= TWO63 {
        false
    } else if f >= -TWO63 {
        (f.floor() as i64) < i
    } else {
        true
    }
}

/// `f <= i` exactly.
pub fn float_le_int(f: f64, i: i64) -> bool {
    if f.is_nan() {
        false
    } else if f >= TWO63 {
        false
    } else if f > -TWO63 {
        (f.ceil() as i64) <= i
    } else {
        true
    }
}

/// `a < b` for two numbers; None if either is not a number.
#[inline]
pub fn num_lt(a: Value, b: Value) -> Option<bool> {
    Some(match (a, b) {
        (Value::Int(x), Value::Int(y)) => x < y,
        (Value::Float(x), Value::Float(y)) => x < y,
        (Value::Int(x), Value::Float(y)) => int_lt_float(x, y),
        (Value::Float(x), Value::Int(y)) => float_lt_int(x, y),
        _ => return None,
    })
}

/// `a <= b` for two numbers; None if either is not a number.
#[inline]
pub fn num_le(a: Value, b: Value) -> Option<bool> {
    Some(match (a, b) {
        (Value::Int(x), Value::Int(y)) => x <= y,
        (Value::Float(x), Value::Float(y)) => x <= y,
        (Value::Int(x), Value::Float(y)) => int_le_float(x, y),
        (Value::Float(x), Value::Int(y)) => float_le_int(x, y),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floor_division_and_modulo() {
        assert_eq!(int_floor_div(7, -2), -4);
        assert_eq!(int_floor_div(-7, 2), -4);
        assert_eq!(int_floor_div(i64::MIN, -1), i64::MIN);
        assert_eq!(int_mod(-7, 3), 2);
        assert_eq!(int_mod(7, -3), -2);
        assert_eq!(int_mod(i64::MIN, -1), 0);
        // Both sides of the 32-bit shortcut agree with the 64-bit definition.
        for &(a, b) in &[
            (7, 2),
            (0xffff_ffff, 7),
            (0xffff_ffff, 0xffff_ffff),
            (0x1_0000_0000, 7),
            (0xffff_ffff, 0x1_0000_0000),
            (-1, 0xffff_ffff),
            (0xffff_ffff, -1),
            (u32::MAX as i64 * 3, 5),
        ] {
            assert_eq!(
                int_floor_div(a, b),
                a.div_euclid(b) - i64::from(b < 0 && a.rem_euclid(b) != 0),
                "{a} // {b}"
            );
            assert_eq!(int_mod(a, b), a - int_floor_div(a, b) * b, "{a} % {b}");
        }
        assert_eq!(float_mod(-7.0, 3.0), 2.0);
        assert_eq!(float_mod(5.5, f64::INFINITY), 5.5);
        assert_eq!(float_mod(-5.5, f64::INFINITY), f64::INFINITY);
        assert_eq!(shift_left(1, 64), 0);
        assert_eq!(shift_left(-1, -63), 1);
        assert!(matches!(
            arith_int(ArithOp::IDiv, 1, 0),
            Err(ArithError::DivByZero)
        ));
    }

    #[test]
    fn mixed_comparisons_are_exact() {
        assert!(int_lt_float(i64::MAX, 9.3e18));
        assert!(!int_lt_float(i64::MAX, 9.2233720368547758e18 - 1024.0));
        assert!(int_le_float(3, 3.0));
        assert!(!int_lt_float(3, 3.0));
        assert!(float_lt_int(2.5, 3));
        assert!(!float_le_int(f64::NAN, 3));
        assert_eq!(num_lt(Value::Int(1), Value::Float(1.5)), Some(true));
    }
}

/// `x ^ y` for floats (squares exactly, like C's `pow`).
#[inline]
pub fn pow_f(x: f64, y: f64) -> f64 {
    if y == 2.0 {
        x * x
    } else {
        x.powf(y)
    }
}
