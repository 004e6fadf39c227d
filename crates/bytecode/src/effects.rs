//! Which registers an instruction reads and writes, from the semantics in `isa`'s table. Used by
//! the execution trace (`tape --trace`) to show the values an instruction uses and produces.

use crate::isa::Instr;

/// A set of registers of the running frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Regs {
    /// `R[first]..=R[last]` (empty when `last < first`).
    Range(u8, u8),
    /// `R[first]` up to `top` (an open range: how far depends on the instruction before).
    ToTop(u8),
}

/// Registers read and written by one instruction (writes include those made only on one
/// branch, e.g. `TESTSET`'s).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Effects {
    pub reads: Vec<Regs>,
    pub writes: Vec<Regs>,
}

fn one(r: u8) -> Regs {
    Regs::Range(r, r)
}

/// `R[a]..=R[a+n-1]`, clipped to the 255-register window; `None` when empty.
fn count(a: u8, n: i64) -> Option<Regs> {
    if n <= 0 {
        return None;
    }
    let last = (a as i64 + n - 1).min(255) as u8;
    Some(Regs::Range(a, last))
}

/// The registers `i` reads and writes.
pub fn effects(i: &Instr) -> Effects {
    let mut e = Effects::default();
    let mut rd = Vec::new();
    let mut wr = Vec::new();
    use Instr::*;
    match *i {
        Move { a, b } | Unm { a, b } | BNot { a, b } | Not { a, b } | Len { a, b } => {
            rd.push(one(b));
            wr.push(one(a));
        }
        LoadI { a, .. }
        | LoadF { a, .. }
        | LoadK { a, .. }
        | LoadFalse { a }
        | LFalseSkip { a }
        | LoadTrue { a }
        | GetUpval { a, .. }
        | GetTabUp { a, .. }
        | NewTable { a, .. }
        | Closure { a, .. } => wr.push(one(a)),
        LoadNil { a, n } => wr.extend(count(a, n as i64 + 1)),
        SetUpval { a, .. } => rd.push(one(a)),
        GetTable { a, b, c } => {
            rd.push(one(b));
            rd.push(one(c));
            wr.push(one(a));
        }
        GetInt { a, b, .. } | GetField { a, b, .. } => {
            rd.push(one(b));
            wr.push(one(a));
        }
        SetTabUp { c, .. } => rd.push(one(c)),
        SetTable { a, b, c } => {
            rd.push(one(a));
            rd.push(one(b));
            rd.push(one(c));
        }
        SetInt { a, c, .. } | SetField { a, c, .. } => {
            rd.push(one(a));
            rd.push(one(c));
        }
        SelfK { a, b, .. } => {
            rd.push(one(b));
            wr.extend(count(a, 2));
        }
        AddK { a, b, .. }
        | SubK { a, b, .. }
        | MulK { a, b, .. }
        | ModK { a, b, .. }
        | PowK { a, b, .. }
        | DivK { a, b, .. }
        | IDivK { a, b, .. }
        | BAndK { a, b, .. }
        | BOrK { a, b, .. }
        | BXorK { a, b, .. }
        | AddI { a, b, .. }
        | SubI { a, b, .. }
        | ShlI { a, b, .. }
        | ShrI { a, b, .. } => {
            rd.push(one(b));
            wr.push(one(a));
        }
        Add { a, b, c }
        | Sub { a, b, c }
        | Mul { a, b, c }
        | Mod { a, b, c }
        | Pow { a, b, c }
        | Div { a, b, c }
        | IDiv { a, b, c }
        | BAnd { a, b, c }
        | BOr { a, b, c }
        | BXor { a, b, c }
        | Shl { a, b, c }
        | Shr { a, b, c } => {
            rd.push(one(b));
            rd.push(one(c));
            wr.push(one(a));
        }
        Concat { a, n } => {
            rd.extend(count(a, n as i64));
            wr.push(one(a));
        }
        Close { .. } | Jmp { .. } | Return0 {} => {}
        Tbc { a }
        | Test { a, .. }
        | EqK { a, .. }
        | EqI { a, .. }
        | LtI { a, .. }
        | LeI { a, .. }
        | GtI { a, .. }
        | GeI { a, .. }
        | Return1 { a } => rd.push(one(a)),
        SetList { a, n, .. } => {
            if n == 0 {
                rd.push(Regs::ToTop(a));
            } else {
                rd.extend(count(a, n as i64 + 1));
            }
        }
        VarArg { a, c } => {
            if c == 0 {
                wr.push(Regs::ToTop(a));
            } else {
                wr.extend(count(a, c as i64 - 1));
            }
        }
        Eq { a, b, .. } | Lt { a, b, .. } | Le { a, b, .. } => {
            rd.push(one(a));
            rd.push(one(b));
        }
        TestSet { a, b, .. } => {
            rd.push(one(b));
            wr.push(one(a));
        }
        Call { a, b, c } => {
            if b == 0 {
                rd.push(Regs::ToTop(a));
            } else {
                rd.extend(count(a, b as i64));
            }
            if c == 0 {
                wr.push(Regs::ToTop(a));
            } else {
                wr.extend(count(a, c as i64 - 1));
            }
        }
        TailCall { a, b } => {
            if b == 0 {
                rd.push(Regs::ToTop(a));
            } else {
                rd.extend(count(a, b as i64));
            }
        }
        Return { a, b } => {
            if b == 0 {
                rd.push(Regs::ToTop(a));
            } else {
                rd.extend(count(a, b as i64 - 1));
            }
        }
        ForPrep { a, .. } => {
            rd.extend(count(a, 3));
            wr.extend(count(a, 4));
        }
        ForLoop { a, .. } => {
            rd.extend(count(a, 3));
            wr.extend(count(a, 4));
        }
        TForPrep { a, .. } => rd.extend(count(a.saturating_add(3), 1)),
        TForCall { a, c } => {
            rd.extend(count(a, 3));
            wr.extend(count(a.saturating_add(4), c as i64));
        }
        TForLoop { a, .. } => {
            rd.extend(count(a.saturating_add(4), 1));
            wr.extend(count(a.saturating_add(2), 1));
        }
    }
    e.reads = rd;
    e.writes = wr;
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_writes_follow_the_table() {
        let e = effects(&Instr::Add { a: 0, b: 1, c: 2 });
        assert_eq!(e.reads, vec![Regs::Range(1, 1), Regs::Range(2, 2)]);
        assert_eq!(e.writes, vec![Regs::Range(0, 0)]);
        let e = effects(&Instr::Call { a: 3, b: 0, c: 3 });
        assert_eq!(e.reads, vec![Regs::ToTop(3)]);
        assert_eq!(e.writes, vec![Regs::Range(3, 4)]);
        let e = effects(&Instr::Call { a: 3, b: 1, c: 1 });
        assert_eq!(e.reads, vec![Regs::Range(3, 3)]);
        assert_eq!(e.writes, vec![]);
        let e = effects(&Instr::LoadNil { a: 250, n: 20 });
        assert_eq!(e.writes, vec![Regs::Range(250, 255)]);
        let e = effects(&Instr::TForCall { a: 1, c: 2 });
        assert_eq!(e.reads, vec![Regs::Range(1, 3)]);
        assert_eq!(e.writes, vec![Regs::Range(5, 6)]);
    }
}
