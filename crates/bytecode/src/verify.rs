//! The bytecode verifier: checks that a proto obeys the rules stated in `isa`'s module comment,
//! so the interpreter may rely on them (every register it touches is inside the frame, every
//! constant/upvalue/proto index is in range and of the right kind, every jump lands inside the
//! code, `top` is always set before it is used, and the code cannot run off its end).
//!
//! Everything loaded from bytes must pass `verify` before it runs; the compiler checks its own
//! output with it in debug builds. Nested protos are checked with an explicit work list, so a
//! deeply nested chunk cannot overflow the Rust stack.

use crate::isa::Instr;
use crate::proto::{Constant, Proto};
use std::fmt;

/// Why a proto was rejected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyError {
    pub message: String,
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid bytecode: {}", self.message)
    }
}

impl std::error::Error for VerifyError {}

#[cold]
fn fail(proto: &Proto, pc: Option<usize>, msg: String) -> VerifyError {
    let place = if proto.line_defined == 0 {
        "main function".to_string()
    } else {
        format!("function at line {}", proto.line_defined)
    };
    let message = match pc {
        Some(pc) => format!("{} pc {} ({}): {}", place, pc, proto.code[pc].name(), msg),
        None => format!("{}: {}", place, msg),
    };
    VerifyError { message }
}

/// Verifies a main chunk and, recursively, all its nested functions.
pub fn verify(main: &Proto) -> Result<(), VerifyError> {
    if main.upvals.len() != 1 {
        return Err(fail(
            main,
            None,
            format!(
                "main function has {} upvalues (must have exactly 1)",
                main.upvals.len()
            ),
        ));
    }
    verify_tree(main)
}

/// Verifies a function and all its nested functions, without the main-chunk rule on upvalues:
/// a function loaded from a binary chunk may have any number of upvalues (`load` binds the
/// first to the environment and leaves the others fresh).
pub fn verify_tree(root: &Proto) -> Result<(), VerifyError> {
    let mut work: Vec<&Proto> = vec![root];
    while let Some(p) = work.pop() {
        verify_function(p)?;
        work.extend(p.protos.iter().map(|c| &**c));
    }
    Ok(())
}

/// What an instruction does with `top`.
#[derive(Default)]
struct Top {
    /// Uses `top`, which a producer must have set with its first value at or above this register.
    uses: Option<u32>,
    /// Sets `top` (values from this register up).
    sets: Option<u32>,
}

/// Verifies one function (and the upvalue descriptors of its direct children), not its
/// children's code.
pub fn verify_function(p: &Proto) -> Result<(), VerifyError> {
    let n = p.code.len();
    // A stripped function (binary chunk without debug info) has no line information.
    if p.lines.len() != n && !p.lines.is_empty() {
        return Err(fail(
            p,
            None,
            format!("{} lines for {} instructions", p.lines.len(), n),
        ));
    }
    if p.max_stack as usize > 255 || (p.num_params as u32) > p.max_stack as u32 {
        return Err(fail(p, None, "frame too small for the parameters".into()));
    }
    match p.code.last() {
        Some(
            Instr::Return { .. }
            | Instr::Return0 {}
            | Instr::Return1 { .. }
            | Instr::TailCall { .. },
        ) => {}
        _ => return Err(fail(p, None, "code does not end in a return".into())),
    }
    for (i, l) in p.locals.iter().enumerate() {
        if l.start_pc > l.end_pc || l.end_pc as usize > n {
            return Err(fail(
                p,
                None,
                format!("local {} ('{}') has an invalid pc range", i, l.name),
            ));
        }
    }
    for (i, c) in p.protos.iter().enumerate() {
        for u in &c.upvals {
            let ok = if u.in_stack {
                (u.index as u32) < p.max_stack as u32
            } else {
                (u.index as usize) < p.upvals.len()
            };
            if !ok {
                return Err(fail(
                    p,
                    None,
                    format!(
                        "child function {} captures an invalid upvalue '{}'",
                        i, u.name
                    ),
                ));
            }
        }
    }
    // Jump targets that land on a `top` consumer would skip its producer.
    let mut is_target = vec![false; n];
    for pc in 0..n {
        let i = p.code[pc];
        let target = match i {
            Instr::LFalseSkip { .. } => Some(pc as i64 + 2),
            _ => i.jump().map(|j| pc as i64 + 1 + j as i64),
        };
        if let Some(t) = target {
            if t < 0 || t >= n as i64 {
                return Err(fail(
                    p,
                    Some(pc),
                    format!("jump target {} outside the code", t),
                ));
            }
            is_target[t as usize] = true;
        }
    }
    let mut prev_sets = None;
    for (pc, (&instr, &target)) in p.code.iter().zip(is_target.iter()).enumerate() {
        let top = check_instr(p, pc, instr)?;
        if let Some(min) = top.uses {
            match prev_sets {
                Some(a) if a >= min && !target => {}
                _ => {
                    return Err(fail(
                        p,
                        Some(pc),
                        "uses 'top' without a preceding instruction that sets it".into(),
                    ))
                }
            }
        }
        prev_sets = top.sets;
    }
    Ok(())
}

/// Checks one instruction's operands; returns its relation to `top`.
fn check_instr(p: &Proto, pc: usize, i: Instr) -> Result<Top, VerifyError> {
    let max = p.max_stack as u32;
    let reg = |r: u8| -> Result<(), VerifyError> {
        if (r as u32) < max {
            Ok(())
        } else {
            Err(fail(
                p,
                Some(pc),
                format!("register {} outside the frame (max_stack {})", r, max),
            ))
        }
    };
    // Registers first..=last (an empty range when last < first).
    let range = |first: u32, last: i64| -> Result<(), VerifyError> {
        if last >= first as i64 && last >= max as i64 {
            Err(fail(
                p,
                Some(pc),
                format!(
                    "registers {}..={} outside the frame (max_stack {})",
                    first, last, max
                ),
            ))
        } else {
            Ok(())
        }
    };
    let upval = |u: u8| -> Result<(), VerifyError> {
        if (u as usize) < p.upvals.len() {
            Ok(())
        } else {
            Err(fail(p, Some(pc), format!("upvalue {} out of range", u)))
        }
    };
    let konst = |k: u32| -> Result<&Constant, VerifyError> {
        p.consts
            .get(k as usize)
            .ok_or_else(|| fail(p, Some(pc), format!("constant {} out of range", k)))
    };
    let kstr = |k: u16| -> Result<(), VerifyError> {
        match konst(k as u32)? {
            Constant::Str(_) => Ok(()),
            _ => Err(fail(p, Some(pc), format!("constant {} is not a string", k))),
        }
    };
    let knum = |k: u16, int_only: bool| -> Result<(), VerifyError> {
        match konst(k as u32)? {
            Constant::Int(_) => Ok(()),
            Constant::Float(_) if !int_only => Ok(()),
            _ => Err(fail(
                p,
                Some(pc),
                format!(
                    "constant {} is not {}",
                    k,
                    if int_only { "an integer" } else { "a number" }
                ),
            )),
        }
    };
    let a_of = |a: u8| a as u32;
    let mut top = Top::default();
    match i {
        Instr::Move { a, b } => {
            reg(a)?;
            reg(b)?;
        }
        Instr::LoadI { a, .. }
        | Instr::LoadF { a, .. }
        | Instr::LoadFalse { a }
        | Instr::LoadTrue { a } => reg(a)?,
        Instr::LFalseSkip { a } => reg(a)?,
        Instr::LoadK { a, k } => {
            reg(a)?;
            konst(k)?;
        }
        Instr::LoadNil { a, n } => range(a_of(a), a as i64 + n as i64)?,
        Instr::GetUpval { a, u } | Instr::SetUpval { a, u } => {
            reg(a)?;
            upval(u)?;
        }
        Instr::GetTabUp { a, u, k } => {
            reg(a)?;
            upval(u)?;
            kstr(k)?;
        }
        Instr::SetTabUp { u, k, c } => {
            reg(c)?;
            upval(u)?;
            kstr(k)?;
        }
        Instr::GetTable { a, b, c } | Instr::SetTable { a, b, c } => {
            reg(a)?;
            reg(b)?;
            reg(c)?;
        }
        Instr::GetInt { a, b, .. } => {
            reg(a)?;
            reg(b)?;
        }
        Instr::SetInt { a, c, .. } => {
            reg(a)?;
            reg(c)?;
        }
        Instr::GetField { a, b, k } => {
            reg(a)?;
            reg(b)?;
            kstr(k)?;
        }
        Instr::SetField { a, k, c } => {
            reg(a)?;
            reg(c)?;
            kstr(k)?;
        }
        Instr::NewTable { a, .. } => reg(a)?,
        Instr::SelfK { a, b, k } => {
            range(a_of(a), a as i64 + 1)?;
            reg(b)?;
            kstr(k)?;
        }
        Instr::AddK { a, b, k }
        | Instr::SubK { a, b, k }
        | Instr::MulK { a, b, k }
        | Instr::ModK { a, b, k }
        | Instr::PowK { a, b, k }
        | Instr::DivK { a, b, k }
        | Instr::IDivK { a, b, k } => {
            reg(a)?;
            reg(b)?;
            knum(k, false)?;
        }
        Instr::BAndK { a, b, k } | Instr::BOrK { a, b, k } | Instr::BXorK { a, b, k } => {
            reg(a)?;
            reg(b)?;
            knum(k, true)?;
        }
        Instr::AddI { a, b, .. }
        | Instr::SubI { a, b, .. }
        | Instr::ShlI { a, b, .. }
        | Instr::ShrI { a, b, .. } => {
            reg(a)?;
            reg(b)?;
        }
        Instr::Add { a, b, c }
        | Instr::Sub { a, b, c }
        | Instr::Mul { a, b, c }
        | Instr::Mod { a, b, c }
        | Instr::Pow { a, b, c }
        | Instr::Div { a, b, c }
        | Instr::IDiv { a, b, c }
        | Instr::BAnd { a, b, c }
        | Instr::BOr { a, b, c }
        | Instr::BXor { a, b, c }
        | Instr::Shl { a, b, c }
        | Instr::Shr { a, b, c } => {
            reg(a)?;
            reg(b)?;
            reg(c)?;
        }
        Instr::Unm { a, b } | Instr::BNot { a, b } | Instr::Not { a, b } | Instr::Len { a, b } => {
            reg(a)?;
            reg(b)?;
        }
        Instr::Concat { a, n } => {
            if n < 2 {
                return Err(fail(p, Some(pc), "concatenates fewer than 2 values".into()));
            }
            range(a_of(a), a as i64 + n as i64 - 1)?;
        }
        Instr::Close { a } | Instr::Tbc { a } => reg(a)?,
        Instr::Jmp { .. } => {}
        Instr::Eq { a, b, .. } | Instr::Lt { a, b, .. } | Instr::Le { a, b, .. } => {
            reg(a)?;
            reg(b)?;
        }
        Instr::EqK { a, c, .. } => {
            reg(a)?;
            if matches!(konst(c as u32)?, Constant::Nil) {
                return Err(fail(p, Some(pc), "compares with a nil constant".into()));
            }
        }
        Instr::EqI { a, .. }
        | Instr::LtI { a, .. }
        | Instr::LeI { a, .. }
        | Instr::GtI { a, .. }
        | Instr::GeI { a, .. } => reg(a)?,
        Instr::Test { a, .. } => reg(a)?,
        Instr::TestSet { a, b, .. } => {
            reg(a)?;
            reg(b)?;
        }
        Instr::Call { a, b, c } => {
            reg(a)?;
            range(a_of(a) + 1, a as i64 + b as i64 - 1)?;
            range(a_of(a), a as i64 + c as i64 - 2)?;
            if b == 0 {
                top.uses = Some(a_of(a) + 1);
            }
            if c == 0 {
                top.sets = Some(a_of(a));
            }
        }
        Instr::TailCall { a, b } => {
            reg(a)?;
            range(a_of(a) + 1, a as i64 + b as i64 - 1)?;
            if b == 0 {
                top.uses = Some(a_of(a) + 1);
            }
        }
        Instr::Return { a, b } => {
            range(a_of(a), a as i64 + b as i64 - 2)?;
            if b == 0 {
                reg(a)?;
                top.uses = Some(a_of(a));
            }
        }
        Instr::Return0 {} => {}
        Instr::Return1 { a } => reg(a)?,
        Instr::ForPrep { a, j } => {
            range(a_of(a), a as i64 + 3)?;
            let t = pc as i64 + j as i64; // the matching ForLoop sits just before the target
            match p.code.get(t as usize) {
                Some(Instr::ForLoop { a: la, .. }) if *la == a && t > pc as i64 => {}
                _ => {
                    return Err(fail(
                        p,
                        Some(pc),
                        "does not jump past a matching FORLOOP".into(),
                    ))
                }
            }
        }
        Instr::ForLoop { a, j } => {
            range(a_of(a), a as i64 + 3)?;
            if j >= 0 {
                return Err(fail(p, Some(pc), "FORLOOP must jump backwards".into()));
            }
        }
        Instr::TForPrep { a, j } => {
            range(a_of(a), a as i64 + 3)?;
            let t = pc as i64 + 1 + j as i64;
            match p.code.get(t as usize) {
                Some(Instr::TForCall { a: la, .. }) if *la == a && t > pc as i64 => {}
                _ => {
                    return Err(fail(
                        p,
                        Some(pc),
                        "does not jump to a matching TFORCALL".into(),
                    ))
                }
            }
        }
        Instr::TForCall { a, c } => {
            range(a_of(a), (a as i64 + 3 + c as i64).max(a as i64 + 6))?;
            match p.code.get(pc + 1) {
                Some(Instr::TForLoop { a: la, .. }) if *la == a => {}
                _ => {
                    return Err(fail(
                        p,
                        Some(pc),
                        "is not followed by a matching TFORLOOP".into(),
                    ))
                }
            }
        }
        Instr::TForLoop { a, j } => {
            range(a_of(a), a as i64 + 4)?;
            if j >= 0 {
                return Err(fail(p, Some(pc), "TFORLOOP must jump backwards".into()));
            }
        }
        Instr::SetList { a, n, .. } => {
            range(a_of(a), a as i64 + n as i64)?;
            if n == 0 {
                top.uses = Some(a_of(a) + 1);
            }
        }
        Instr::Closure { a, p: idx } => {
            reg(a)?;
            if idx as usize >= p.protos.len() {
                return Err(fail(p, Some(pc), format!("function {} out of range", idx)));
            }
        }
        Instr::VarArg { a, c } => {
            if !p.is_vararg {
                return Err(fail(
                    p,
                    Some(pc),
                    "VARARG in a function that is not vararg".into(),
                ));
            }
            reg(a)?;
            range(a_of(a), a as i64 + c as i64 - 2)?;
            if c == 0 {
                top.sets = Some(a_of(a));
            }
        }
    }
    Ok(top)
}
