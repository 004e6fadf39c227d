//! Constant folding of numeric operators (manual §3.4.1–§3.4.2), done only where the result is
//! exactly what the VM would compute and cannot raise an error: no integer division or modulo
//! by zero, no float results that are NaN or zero (their sign and NaN-ness are observable), and
//! bitwise operators only on operands with exact integer representations. Strings are never
//! folded.

use tape_syntax::ast::{BinOp, UnOp};

/// A numeric constant.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Num {
    Int(i64),
    Flt(f64),
}

impl Num {
    fn to_f64(self) -> f64 {
        match self {
            Num::Int(i) => i as f64,
            Num::Flt(f) => f,
        }
    }

    /// The exact integer value, if any (floats only when integral and in range).
    fn to_int(self) -> Option<i64> {
        match self {
            Num::Int(i) => Some(i),
            Num::Flt(f) => {
                if f.fract() == 0.0 && (-9223372036854775808.0..9223372036854775808.0).contains(&f)
                {
                    Some(f as i64)
                } else {
                    None
                }
            }
        }
    }

    fn is_zero(self) -> bool {
        match self {
            Num::Int(i) => i == 0,
            Num::Flt(f) => f == 0.0,
        }
    }
}

/// Rejects float results that may not be folded.
fn check(r: Num) -> Option<Num> {
    match r {
        Num::Flt(f) if f.is_nan() || f == 0.0 => None,
        _ => Some(r),
    }
}

/// Lua's floor modulo on floats.
fn fmod(a: f64, b: f64) -> f64 {
    let m = a % b;
    if (m > 0.0 && b < 0.0) || (m < 0.0 && b > 0.0) {
        m + b
    } else {
        m
    }
}

/// Lua's shift left (negative counts shift right; counts of 64 or more give 0).
pub(crate) fn shift_left(x: i64, n: i64) -> i64 {
    if n <= -64 || n >= 64 {
        0
    } else if n >= 0 {
        ((x as u64) << n) as i64
    } else {
        ((x as u64) >> (-n)) as i64
    }
}

/// Folds `a op b`, or returns `None` when it must be left to run time.
pub(crate) fn fold_binary(op: BinOp, a: Num, b: Num) -> Option<Num> {
    use Num::*;
    let r = match op {
        BinOp::Add | BinOp::Sub | BinOp::Mul => match (a, b) {
            (Int(x), Int(y)) => Int(match op {
                BinOp::Add => x.wrapping_add(y),
                BinOp::Sub => x.wrapping_sub(y),
                _ => x.wrapping_mul(y),
            }),
            _ => {
                let (x, y) = (a.to_f64(), b.to_f64());
                Flt(match op {
                    BinOp::Add => x + y,
                    BinOp::Sub => x - y,
                    _ => x * y,
                })
            }
        },
        BinOp::Div => {
            if b.is_zero() {
                return None;
            }
            Flt(a.to_f64() / b.to_f64())
        }
        BinOp::Pow => Flt(a.to_f64().powf(b.to_f64())),
        BinOp::IDiv => {
            if b.is_zero() {
                return None;
            }
            match (a, b) {
                (Int(x), Int(y)) => {
                    if y == -1 {
                        Int(x.wrapping_neg())
                    } else {
                        let q = x / y;
                        Int(if (x % y != 0) && ((x ^ y) < 0) {
                            q - 1
                        } else {
                            q
                        })
                    }
                }
                _ => Flt((a.to_f64() / b.to_f64()).floor()),
            }
        }
        BinOp::Mod => {
            if b.is_zero() {
                return None;
            }
            match (a, b) {
                (Int(x), Int(y)) => {
                    if y == -1 {
                        Int(0)
                    } else {
                        let m = x % y;
                        Int(if m != 0 && (m ^ y) < 0 { m + y } else { m })
                    }
                }
                _ => Flt(fmod(a.to_f64(), b.to_f64())),
            }
        }
        BinOp::BAnd | BinOp::BOr | BinOp::BXor | BinOp::Shl | BinOp::Shr => {
            let (x, y) = (a.to_int()?, b.to_int()?);
            Int(match op {
                BinOp::BAnd => x & y,
                BinOp::BOr => x | y,
                BinOp::BXor => x ^ y,
                BinOp::Shl => shift_left(x, y),
                _ => shift_left(x, y.wrapping_neg()),
            })
        }
        _ => return None,
    };
    check(r)
}

/// Folds a numeric unary operator (`-` and `~`).
pub(crate) fn fold_unary(op: UnOp, a: Num) -> Option<Num> {
    let r = match (op, a) {
        (UnOp::Neg, Num::Int(i)) => Num::Int(i.wrapping_neg()),
        (UnOp::Neg, Num::Flt(f)) => Num::Flt(-f),
        (UnOp::BNot, _) => Num::Int(!a.to_int()?),
        _ => return None,
    };
    check(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_like_lua() {
        assert_eq!(
            fold_binary(BinOp::IDiv, Num::Int(7), Num::Int(-2)),
            Some(Num::Int(-4))
        );
        assert_eq!(
            fold_binary(BinOp::Mod, Num::Int(-7), Num::Int(2)),
            Some(Num::Int(1))
        );
        assert_eq!(
            fold_binary(BinOp::Mod, Num::Flt(-7.5), Num::Int(2)),
            Some(Num::Flt(0.5))
        );
        assert_eq!(fold_binary(BinOp::IDiv, Num::Int(1), Num::Int(0)), None);
        assert_eq!(fold_binary(BinOp::Div, Num::Int(1), Num::Int(0)), None);
        assert_eq!(
            fold_binary(BinOp::Div, Num::Int(1), Num::Int(2)),
            Some(Num::Flt(0.5))
        );
        assert_eq!(fold_binary(BinOp::Sub, Num::Flt(1.0), Num::Flt(1.0)), None);
        assert_eq!(
            fold_binary(BinOp::Shl, Num::Int(1), Num::Int(64)),
            Some(Num::Int(0))
        );
        assert_eq!(
            fold_binary(BinOp::Shr, Num::Int(-1), Num::Int(60)),
            Some(Num::Int(15))
        );
        assert_eq!(
            fold_binary(BinOp::BAnd, Num::Flt(3.0), Num::Int(1)),
            Some(Num::Int(1))
        );
        assert_eq!(fold_binary(BinOp::BAnd, Num::Flt(3.5), Num::Int(1)), None);
        assert_eq!(
            fold_binary(BinOp::Add, Num::Int(i64::MAX), Num::Int(1)),
            Some(Num::Int(i64::MIN))
        );
        assert_eq!(fold_unary(UnOp::Neg, Num::Flt(0.0)), None);
        assert_eq!(fold_unary(UnOp::BNot, Num::Int(0)), Some(Num::Int(-1)));
        assert_eq!(
            fold_binary(BinOp::IDiv, Num::Int(i64::MIN), Num::Int(-1)),
            Some(Num::Int(i64::MIN))
        );
    }
}
