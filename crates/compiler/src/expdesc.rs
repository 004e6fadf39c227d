//! Expression descriptors and the code generation on them: an expression is kept undischarged
//! (a constant, a local, an upvalue, a table access, a pending comparison, ...) until its context
//! says where its value must go, so values are computed straight into their destination
//! register. Implements the evaluation rules of manual §3.4 (operators, short-circuit logic,
//! multiple results).

use crate::fold;
use crate::func::{FuncState, NO_JUMP, NO_REG};
use crate::CompileError;
use tape_bytecode::Instr;
use tape_syntax::ast::{BinOp, UnOp};

/// Where an expression's value is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Kind {
    /// No value (empty expression list).
    Void,
    Nil,
    True,
    False,
    KInt(i64),
    KFlt(f64),
    /// A string constant (index into the current function's constants).
    KStr(u32),
    /// In a fixed register that must not be reused as a destination.
    NonReloc(u8),
    /// A local variable in register `reg`.
    Local(u8),
    Upval(u8),
    /// `t[key]` with both in registers.
    Indexed {
        t: u8,
        key: u8,
    },
    /// `U[t][K[k]]` with a string constant key.
    IndexUp {
        t: u8,
        k: u16,
    },
    /// `t[i]` with a small integer key.
    IndexInt {
        t: u8,
        i: u8,
    },
    /// `t[K[k]]` with a string constant key.
    IndexStr {
        t: u8,
        k: u16,
    },
    /// A conditional jump at this pc, taken when the condition is true.
    Jmp(i32),
    /// The instruction at this pc computes the value; its destination can still be chosen.
    Reloc(usize),
    /// A call at this pc (results adjustable).
    Call(usize),
    /// A `VarArg` at this pc (results adjustable).
    Vararg(usize),
}

/// An expression being compiled, with its pending "exit when true" and "exit when false" jump
/// lists (from `and`/`or`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct ExpDesc {
    pub k: Kind,
    pub t: i32,
    pub f: i32,
}

impl ExpDesc {
    pub fn new(k: Kind) -> ExpDesc {
        ExpDesc {
            k,
            t: NO_JUMP,
            f: NO_JUMP,
        }
    }

    pub fn has_jumps(&self) -> bool {
        self.t != self.f
    }

    pub fn is_multret(&self) -> bool {
        matches!(self.k, Kind::Call(_) | Kind::Vararg(_))
    }

    /// The numeric value of a numeral without pending jumps.
    pub fn numeral(&self) -> Option<fold::Num> {
        if self.has_jumps() {
            return None;
        }
        match self.k {
            Kind::KInt(i) => Some(fold::Num::Int(i)),
            Kind::KFlt(f) => Some(fold::Num::Flt(f)),
            _ => None,
        }
    }

    /// A small integer usable as an `i8` immediate.
    fn small_int(&self) -> Option<i8> {
        match self.numeral() {
            Some(fold::Num::Int(i)) => i8::try_from(i).ok(),
            _ => None,
        }
    }

    /// PUC's `isSCnumber`: an integer numeral, or a float one with an integral value, in the
    /// range of PUC's signed immediate operands (-127..=128).
    fn is_sc_number(&self) -> bool {
        let i = match self.numeral() {
            Some(fold::Num::Int(i)) => i,
            Some(fold::Num::Flt(f)) if f.floor() == f && f.abs() <= 128.0 => f as i64,
            _ => return false,
        };
        (-127..=128).contains(&i)
    }

    /// Whether the expression is a constant (no side effects, no register).
    pub fn is_const(&self) -> bool {
        !self.has_jumps()
            && matches!(
                self.k,
                Kind::Nil
                    | Kind::True
                    | Kind::False
                    | Kind::KInt(_)
                    | Kind::KFlt(_)
                    | Kind::KStr(_)
            )
    }
}

/// Replaces the destination register of a relocatable instruction.
fn set_dest(i: &mut Instr, reg: u8) {
    match i {
        Instr::GetUpval { a, .. }
        | Instr::GetTabUp { a, .. }
        | Instr::GetTable { a, .. }
        | Instr::GetInt { a, .. }
        | Instr::GetField { a, .. }
        | Instr::NewTable { a, .. }
        | Instr::AddK { a, .. }
        | Instr::SubK { a, .. }
        | Instr::MulK { a, .. }
        | Instr::ModK { a, .. }
        | Instr::PowK { a, .. }
        | Instr::DivK { a, .. }
        | Instr::IDivK { a, .. }
        | Instr::BAndK { a, .. }
        | Instr::BOrK { a, .. }
        | Instr::BXorK { a, .. }
        | Instr::AddI { a, .. }
        | Instr::SubI { a, .. }
        | Instr::ShlI { a, .. }
        | Instr::ShrI { a, .. }
        | Instr::Add { a, .. }
        | Instr::Sub { a, .. }
        | Instr::Mul { a, .. }
        | Instr::Mod { a, .. }
        | Instr::Pow { a, .. }
        | Instr::Div { a, .. }
        | Instr::IDiv { a, .. }
        | Instr::BAnd { a, .. }
        | Instr::BOr { a, .. }
        | Instr::BXor { a, .. }
        | Instr::Shl { a, .. }
        | Instr::Shr { a, .. }
        | Instr::Unm { a, .. }
        | Instr::BNot { a, .. }
        | Instr::Not { a, .. }
        | Instr::Len { a, .. }
        | Instr::Closure { a, .. }
        | Instr::VarArg { a, .. }
        | Instr::LoadK { a, .. } => *a = reg,
        _ => debug_assert!(false, "not a relocatable instruction: {:?}", i),
    }
}

impl FuncState {
    /// Frees the register of a temporary.
    pub fn free_exp(&mut self, e: &ExpDesc) {
        if let Kind::NonReloc(r) = e.k {
            self.free_reg(r);
        }
    }

    /// Frees the registers of two temporaries, higher one first.
    fn free_exps(&mut self, e1: &ExpDesc, e2: &ExpDesc) {
        let r1 = if let Kind::NonReloc(r) = e1.k {
            Some(r)
        } else {
            None
        };
        let r2 = if let Kind::NonReloc(r) = e2.k {
            Some(r)
        } else {
            None
        };
        match (r1, r2) {
            (Some(a), Some(b)) => {
                self.free_reg(a.max(b));
                self.free_reg(a.min(b));
            }
            (Some(a), None) | (None, Some(a)) => self.free_reg(a),
            (None, None) => {}
        }
    }

    /// Adjusts a multi-result expression to `n` results (`-1`: all of them).
    pub fn set_returns(&mut self, e: &mut ExpDesc, n: i32) -> Result<(), CompileError> {
        match e.k {
            Kind::Call(pc) => {
                if let Instr::Call { c, .. } = &mut self.code[pc] {
                    *c = (n + 1) as u8;
                }
            }
            Kind::Vararg(pc) => {
                let a = self.free_reg as u8;
                if let Instr::VarArg { a: ra, c } = &mut self.code[pc] {
                    *c = (n + 1) as u8;
                    *ra = a;
                }
                self.reserve_regs(1)?;
            }
            _ => {}
        }
        Ok(())
    }

    /// Adjusts a multi-result expression to exactly one result.
    pub fn set_one_ret(&mut self, e: &mut ExpDesc) {
        match e.k {
            Kind::Call(pc) => {
                if let Instr::Call { a, .. } = self.code[pc] {
                    e.k = Kind::NonReloc(a);
                }
            }
            Kind::Vararg(pc) => {
                if let Instr::VarArg { c, .. } = &mut self.code[pc] {
                    *c = 2;
                }
                e.k = Kind::Reloc(pc);
            }
            _ => {}
        }
    }

    /// Turns variables and table accesses into values (in a register or relocatable).
    pub fn discharge_vars(&mut self, e: &mut ExpDesc) {
        match e.k {
            Kind::Local(r) => e.k = Kind::NonReloc(r),
            Kind::Upval(u) => e.k = Kind::Reloc(self.emit(Instr::GetUpval { a: 0, u })),
            Kind::IndexUp { t, k } => {
                e.k = Kind::Reloc(self.emit(Instr::GetTabUp { a: 0, u: t, k }))
            }
            Kind::IndexInt { t, i } => {
                self.free_reg(t);
                e.k = Kind::Reloc(self.emit(Instr::GetInt { a: 0, b: t, i }));
            }
            Kind::IndexStr { t, k } => {
                self.free_reg(t);
                e.k = Kind::Reloc(self.emit(Instr::GetField { a: 0, b: t, k }));
            }
            Kind::Indexed { t, key } => {
                if t > key {
                    self.free_reg(t);
                    self.free_reg(key);
                } else {
                    self.free_reg(key);
                    self.free_reg(t);
                }
                e.k = Kind::Reloc(self.emit(Instr::GetTable { a: 0, b: t, c: key }));
            }
            Kind::Call(_) | Kind::Vararg(_) => self.set_one_ret(e),
            _ => {}
        }
    }

    /// Emits code to load an integer.
    pub fn code_int(&mut self, reg: u8, i: i64) {
        if let Ok(v) = i32::try_from(i) {
            self.emit(Instr::LoadI { a: reg, i: v });
        } else {
            let k = self.int_k(i);
            self.emit(Instr::LoadK { a: reg, k });
        }
    }

    fn code_float(&mut self, reg: u8, f: f64) {
        let fits =
            f.fract() == 0.0 && f.abs() < 2147483648.0 && !(f == 0.0 && f.is_sign_negative());
        if fits {
            self.emit(Instr::LoadF {
                a: reg,
                i: f as i32,
            });
        } else {
            let k = self.flt_k(f);
            self.emit(Instr::LoadK { a: reg, k });
        }
    }

    /// Puts the value of `e` (without its jump lists) into `reg`.
    fn discharge2reg(&mut self, e: &mut ExpDesc, reg: u8) {
        self.discharge_vars(e);
        match e.k {
            Kind::Nil => self.code_nil(reg as u32, 1),
            Kind::False => {
                self.emit(Instr::LoadFalse { a: reg });
            }
            Kind::True => {
                self.emit(Instr::LoadTrue { a: reg });
            }
            Kind::KStr(k) => {
                self.emit(Instr::LoadK { a: reg, k });
            }
            Kind::KInt(i) => self.code_int(reg, i),
            Kind::KFlt(f) => self.code_float(reg, f),
            Kind::Reloc(pc) => set_dest(&mut self.code[pc], reg),
            Kind::NonReloc(r) => {
                if r != reg {
                    self.emit(Instr::Move { a: reg, b: r });
                }
            }
            Kind::Jmp(_) | Kind::Void => return,
            _ => {
                debug_assert!(false, "undischarged expression");
                return;
            }
        }
        e.k = Kind::NonReloc(reg);
    }

    fn discharge2anyreg(&mut self, e: &mut ExpDesc) -> Result<(), CompileError> {
        if !matches!(e.k, Kind::NonReloc(_)) {
            self.reserve_regs(1)?;
            let r = (self.free_reg - 1) as u8;
            self.discharge2reg(e, r);
        }
        Ok(())
    }

    fn code_loadbool(&mut self, reg: u8, i: Instr) -> i32 {
        self.get_label();
        let _ = reg;
        self.emit(i) as i32
    }

    /// Puts the full value of `e` (including its jump lists) into `reg`.
    pub fn exp2reg(&mut self, e: &mut ExpDesc, reg: u8) {
        self.discharge2reg(e, reg);
        if let Kind::Jmp(pc) = e.k {
            let mut t = e.t;
            self.concat_jumps(&mut t, pc);
            e.t = t;
        }
        if e.has_jumps() {
            let mut p_f = NO_JUMP;
            let mut p_t = NO_JUMP;
            if self.need_value(e.t) || self.need_value(e.f) {
                let fj = if matches!(e.k, Kind::Jmp(_)) {
                    NO_JUMP
                } else {
                    self.jump()
                };
                p_f = self.code_loadbool(reg, Instr::LFalseSkip { a: reg });
                p_t = self.code_loadbool(reg, Instr::LoadTrue { a: reg });
                self.patch_to_here(fj);
            }
            let end = self.get_label() as i32;
            self.patch_list_aux(e.f, end, reg, p_f);
            self.patch_list_aux(e.t, end, reg, p_t);
        }
        e.t = NO_JUMP;
        e.f = NO_JUMP;
        e.k = Kind::NonReloc(reg);
    }

    /// Puts `e` into the next free register.
    pub fn exp2nextreg(&mut self, e: &mut ExpDesc) -> Result<(), CompileError> {
        self.discharge_vars(e);
        self.free_exp(e);
        self.reserve_regs(1)?;
        let r = (self.free_reg - 1) as u8;
        self.exp2reg(e, r);
        Ok(())
    }

    /// Puts `e` into some register; returns it.
    pub fn exp2anyreg(&mut self, e: &mut ExpDesc) -> Result<u8, CompileError> {
        self.discharge_vars(e);
        if let Kind::NonReloc(r) = e.k {
            if !e.has_jumps() {
                return Ok(r);
            }
            if r as u32 >= self.nvarstack() {
                self.exp2reg(e, r);
                return Ok(r);
            }
        }
        self.exp2nextreg(e)?;
        match e.k {
            Kind::NonReloc(r) => Ok(r),
            _ => Ok(0),
        }
    }

    /// Like `exp2anyreg`, but leaves upvalues alone (for `GetTabUp`).
    pub fn exp2anyregup(&mut self, e: &mut ExpDesc) -> Result<(), CompileError> {
        if !matches!(e.k, Kind::Upval(_)) || e.has_jumps() {
            self.exp2anyreg(e)?;
        }
        Ok(())
    }

    /// Makes `e` a value (in a register or a constant).
    pub fn exp2val(&mut self, e: &mut ExpDesc) -> Result<(), CompileError> {
        if e.has_jumps() {
            self.exp2anyreg(e)?;
        } else {
            self.discharge_vars(e);
        }
        Ok(())
    }

    /// Stores `ex` into the variable `var`.
    pub fn store_var(&mut self, var: &ExpDesc, ex: &mut ExpDesc) -> Result<(), CompileError> {
        match var.k {
            Kind::Local(reg) => {
                self.free_exp(ex);
                self.exp2reg(ex, reg);
                return Ok(());
            }
            Kind::Upval(u) => {
                let r = self.exp2anyreg(ex)?;
                self.emit(Instr::SetUpval { a: r, u });
            }
            Kind::IndexUp { t, k } => {
                let c = self.exp2anyreg(ex)?;
                self.emit(Instr::SetTabUp { u: t, k, c });
            }
            Kind::IndexStr { t, k } => {
                let c = self.exp2anyreg(ex)?;
                self.emit(Instr::SetField { a: t, k, c });
            }
            Kind::IndexInt { t, i } => {
                let c = self.exp2anyreg(ex)?;
                self.emit(Instr::SetInt { a: t, i, c });
            }
            Kind::Indexed { t, key } => {
                let c = self.exp2anyreg(ex)?;
                self.emit(Instr::SetTable { a: t, b: key, c });
            }
            _ => debug_assert!(false, "invalid assignment target"),
        }
        self.free_exp(ex);
        Ok(())
    }

    /// `e:key(...)`: puts the method and `e` in two consecutive registers.
    pub fn self_op(&mut self, e: &mut ExpDesc, key: &[u8]) -> Result<(), CompileError> {
        let obj = self.exp2anyreg(e)?;
        self.free_exp(e);
        let base = self.free_reg as u8;
        self.reserve_regs(2)?;
        let k = self.str_k(key);
        if let Ok(k16) = u16::try_from(k) {
            self.emit(Instr::SelfK {
                a: base,
                b: obj,
                k: k16,
            });
        } else {
            self.emit(Instr::Move {
                a: base + 1,
                b: obj,
            });
            self.reserve_regs(1)?;
            self.emit(Instr::LoadK { a: base + 2, k });
            self.emit(Instr::GetTable {
                a: base,
                b: obj,
                c: base + 2,
            });
            self.free_reg(base + 2);
        }
        e.k = Kind::NonReloc(base);
        Ok(())
    }

    /// `t[k]`: turns `t` (already in a register or an upvalue) into an indexed expression.
    pub fn indexed(&mut self, t: &mut ExpDesc, k: &mut ExpDesc) -> Result<(), CompileError> {
        let str_key = match k.k {
            Kind::KStr(i) if !k.has_jumps() => u16::try_from(i).ok(),
            _ => None,
        };
        if matches!(t.k, Kind::Upval(_)) && str_key.is_none() {
            self.exp2anyreg(t)?;
        }
        if let Kind::Upval(u) = t.k {
            if let Some(k16) = str_key {
                t.k = Kind::IndexUp { t: u, k: k16 };
                return Ok(());
            }
        }
        let treg = match t.k {
            Kind::Local(r) | Kind::NonReloc(r) => r,
            _ => self.exp2anyreg(t)?,
        };
        if let Some(k16) = str_key {
            t.k = Kind::IndexStr { t: treg, k: k16 };
        } else if let (Kind::KInt(i), false) = (k.k, k.has_jumps()) {
            if let Ok(i8v) = u8::try_from(i) {
                t.k = Kind::IndexInt { t: treg, i: i8v };
                return Ok(());
            }
            let key = self.exp2anyreg(k)?;
            t.k = Kind::Indexed { t: treg, key };
        } else {
            let key = self.exp2anyreg(k)?;
            t.k = Kind::Indexed { t: treg, key };
        }
        Ok(())
    }

    // ---- conditions ----

    /// Emits a test of `e` that jumps when its truthiness equals `cond`; returns the jump.
    fn jump_on_cond(&mut self, e: &mut ExpDesc, cond: bool) -> Result<i32, CompileError> {
        if let Kind::Reloc(pc) = e.k {
            if let Instr::Not { b, .. } = self.code[pc] {
                if pc + 1 == self.code.len() {
                    self.code.pop();
                    self.lines.pop();
                    return Ok(self.emit(Instr::Test {
                        a: b,
                        k: !cond,
                        j: NO_JUMP,
                    }) as i32);
                }
            }
        }
        self.discharge2anyreg(e)?;
        self.free_exp(e);
        let b = match e.k {
            Kind::NonReloc(r) => r,
            _ => 0,
        };
        Ok(self.emit(Instr::TestSet {
            a: NO_REG,
            b,
            k: cond,
            j: NO_JUMP,
        }) as i32)
    }

    /// Falls through when `e` is true; jumps (via `e.f`) when false.
    pub fn go_if_true(&mut self, e: &mut ExpDesc) -> Result<(), CompileError> {
        self.discharge_vars(e);
        let pc = match e.k {
            Kind::Jmp(pc) => {
                self.negate_condition(pc);
                pc
            }
            Kind::KStr(_) | Kind::KInt(_) | Kind::KFlt(_) | Kind::True => NO_JUMP,
            _ => self.jump_on_cond(e, false)?,
        };
        let mut f = e.f;
        self.add_jump(&mut f, pc);
        e.f = f;
        self.patch_to_here(e.t);
        e.t = NO_JUMP;
        Ok(())
    }

    /// Falls through when `e` is false; jumps (via `e.t`) when true.
    pub fn go_if_false(&mut self, e: &mut ExpDesc) -> Result<(), CompileError> {
        self.discharge_vars(e);
        let pc = match e.k {
            Kind::Jmp(pc) => pc,
            Kind::Nil | Kind::False => NO_JUMP,
            _ => self.jump_on_cond(e, true)?,
        };
        let mut t = e.t;
        self.add_jump(&mut t, pc);
        e.t = t;
        self.patch_to_here(e.f);
        e.f = NO_JUMP;
        Ok(())
    }

    /// Turns every value-producing test of a list into a plain test.
    fn remove_values(&mut self, mut list: i32) {
        while list != NO_JUMP {
            let next = match self.code[list as usize].jump() {
                Some(NO_JUMP) | None => NO_JUMP,
                Some(off) => list + 1 + off,
            };
            if let Instr::TestSet { b, k, j, .. } = self.code[list as usize] {
                self.code[list as usize] = Instr::Test { a: b, k, j };
            }
            list = next;
        }
    }

    fn code_not(&mut self, e: &mut ExpDesc) -> Result<(), CompileError> {
        match e.k {
            Kind::Nil | Kind::False => e.k = Kind::True,
            Kind::KStr(_) | Kind::KInt(_) | Kind::KFlt(_) | Kind::True => e.k = Kind::False,
            Kind::Jmp(pc) => self.negate_condition(pc),
            _ => {
                self.discharge_vars(e);
                if !matches!(e.k, Kind::Reloc(_) | Kind::NonReloc(_)) {
                    self.discharge2anyreg(e)?;
                }
                if let Kind::Reloc(_) = e.k {
                    self.discharge2anyreg(e)?;
                }
                self.free_exp(e);
                let b = match e.k {
                    Kind::NonReloc(r) => r,
                    _ => 0,
                };
                e.k = Kind::Reloc(self.emit(Instr::Not { a: 0, b }));
            }
        }
        std::mem::swap(&mut e.t, &mut e.f);
        self.remove_values(e.f);
        self.remove_values(e.t);
        Ok(())
    }

    /// Applies a unary operator.
    pub fn prefix(&mut self, op: UnOp, e: &mut ExpDesc, line: u32) -> Result<(), CompileError> {
        self.discharge_vars(e);
        if op != UnOp::Not && op != UnOp::Len {
            if let Some(n) = e.numeral() {
                if let Some(r) = fold::fold_unary(op, n) {
                    e.k = match r {
                        fold::Num::Int(i) => Kind::KInt(i),
                        fold::Num::Flt(f) => Kind::KFlt(f),
                    };
                    return Ok(());
                }
            }
        }
        if op == UnOp::Not {
            return self.code_not(e);
        }
        let b = self.exp2anyreg(e)?;
        self.free_exp(e);
        let i = match op {
            UnOp::Neg => Instr::Unm { a: 0, b },
            UnOp::BNot => Instr::BNot { a: 0, b },
            _ => Instr::Len { a: 0, b },
        };
        e.k = Kind::Reloc(self.emit(i));
        self.fix_line(line);
        Ok(())
    }

    /// Prepares the first operand of a binary operator before the second is compiled.
    pub fn infix(&mut self, op: BinOp, v: &mut ExpDesc) -> Result<(), CompileError> {
        self.discharge_vars(v);
        match op {
            BinOp::And => self.go_if_true(v)?,
            BinOp::Or => self.go_if_false(v)?,
            BinOp::Concat => self.exp2nextreg(v)?,
            BinOp::Eq | BinOp::Ne => {
                if !v.is_const() {
                    self.exp2anyreg(v)?;
                }
            }
            // As PUC, only a numeral that fits an immediate operand waits for the other
            // operand; any other constant is loaded now, on the operator's line.
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                if !v.is_sc_number() {
                    self.exp2anyreg(v)?;
                }
            }
            _ => {
                if v.numeral().is_none() {
                    self.exp2anyreg(v)?;
                }
            }
        }
        Ok(())
    }

    /// Completes a binary operator: `e1 := e1 op e2`.
    pub fn posfix(
        &mut self,
        op: BinOp,
        e1: &mut ExpDesc,
        e2: &mut ExpDesc,
        line: u32,
    ) -> Result<(), CompileError> {
        self.discharge_vars(e2);
        if let (Some(a), Some(b)) = (e1.numeral(), e2.numeral()) {
            if let Some(r) = fold::fold_binary(op, a, b) {
                e1.k = match r {
                    fold::Num::Int(i) => Kind::KInt(i),
                    fold::Num::Flt(f) => Kind::KFlt(f),
                };
                return Ok(());
            }
        }
        match op {
            BinOp::And => {
                debug_assert_eq!(e1.t, NO_JUMP);
                let mut f = e2.f;
                self.concat_jumps(&mut f, e1.f);
                e2.f = f;
                *e1 = *e2;
            }
            BinOp::Or => {
                debug_assert_eq!(e1.f, NO_JUMP);
                let mut t = e2.t;
                self.concat_jumps(&mut t, e1.t);
                e2.t = t;
                *e1 = *e2;
            }
            BinOp::Concat => {
                self.exp2nextreg(e2)?;
                self.code_concat(e1, e2, line)?;
            }
            // PUC 5.4.4 leaves a comparison on the line of the second operand's last token
            // (it fixes only arithmetic, concatenation and unary operators to their line).
            BinOp::Eq | BinOp::Ne => self.code_eq(op == BinOp::Eq, e1, e2, self.line)?,
            BinOp::Lt | BinOp::Le => self.code_order(op, e1, e2, self.line)?,
            BinOp::Gt | BinOp::Ge => {
                // a > b  is  b < a; a >= b  is  b <= a (operands are already evaluated).
                let op2 = if op == BinOp::Gt {
                    BinOp::Lt
                } else {
                    BinOp::Le
                };
                std::mem::swap(e1, e2);
                self.code_order(op2, e1, e2, self.line)?;
            }
            _ => self.code_arith(op, e1, e2, line)?,
        }
        Ok(())
    }

    fn code_concat(
        &mut self,
        e1: &mut ExpDesc,
        e2: &ExpDesc,
        line: u32,
    ) -> Result<(), CompileError> {
        let r1 = match e1.k {
            Kind::NonReloc(r) => r,
            _ => 0,
        };
        if let Some(Instr::Concat { a, n }) = self.code.last().copied() {
            if a == r1 + 1
                && self.pc() > self.last_target
                && matches!(e2.k, Kind::NonReloc(r) if r == a)
            {
                self.free_exp(e2);
                // The merged instruction keeps its line, that of the last `..` (as PUC).
                if let Some(last) = self.code.last_mut() {
                    *last = Instr::Concat { a: r1, n: n + 1 };
                }
                self.ensure_concat_scratch(r1, n as u32 + 1)?;
                return Ok(());
            }
        }
        self.emit(Instr::Concat { a: r1, n: 2 });
        self.fix_line(line);
        self.free_exp(e2);
        self.ensure_concat_scratch(r1, 2)?;
        Ok(())
    }

    /// `Concat` may use one register past its operands as scratch.
    fn ensure_concat_scratch(&mut self, a: u8, n: u32) -> Result<(), CompileError> {
        let need = a as u32 + n + 1;
        if need > self.max_stack {
            if need > 255 {
                return Err(
                    self.error(self.line, "function or expression needs too many registers")
                );
            }
            self.max_stack = need;
        }
        Ok(())
    }

    fn code_arith(
        &mut self,
        op: BinOp,
        e1: &mut ExpDesc,
        e2: &mut ExpDesc,
        line: u32,
    ) -> Result<(), CompileError> {
        // Immediate and constant forms (constant on the right only).
        if let Some(n2) = e2.numeral() {
            let imm = match (op, n2) {
                (BinOp::Add, fold::Num::Int(i)) => i16::try_from(i).ok().map(|v| (v, 0)),
                (BinOp::Sub, fold::Num::Int(i)) => i16::try_from(i).ok().map(|v| (v, 3)),
                (BinOp::Shl, fold::Num::Int(i)) => i16::try_from(i).ok().map(|v| (v, 1)),
                (BinOp::Shr, fold::Num::Int(i)) => i16::try_from(i).ok().map(|v| (v, 2)),
                _ => None,
            };
            let b = self.exp2anyreg(e1)?;
            if let Some((i, which)) = imm {
                self.free_exp(e1);
                let instr = match which {
                    0 => Instr::AddI { a: 0, b, i },
                    1 => Instr::ShlI { a: 0, b, i },
                    3 => Instr::SubI { a: 0, b, i },
                    _ => Instr::ShrI { a: 0, b, i },
                };
                e1.k = Kind::Reloc(self.emit(instr));
                self.fix_line(line);
                return Ok(());
            }
            let bitwise = matches!(
                op,
                BinOp::BAnd | BinOp::BOr | BinOp::BXor | BinOp::Shl | BinOp::Shr
            );
            let kidx = match n2 {
                fold::Num::Int(i) => Some(self.int_k(i)),
                fold::Num::Flt(f) if !bitwise => Some(self.flt_k(f)),
                _ => None,
            };
            if let Some(k) = kidx.and_then(|k| u16::try_from(k).ok()) {
                let instr = match op {
                    BinOp::Add => Some(Instr::AddK { a: 0, b, k }),
                    BinOp::Sub => Some(Instr::SubK { a: 0, b, k }),
                    BinOp::Mul => Some(Instr::MulK { a: 0, b, k }),
                    BinOp::Mod => Some(Instr::ModK { a: 0, b, k }),
                    BinOp::Pow => Some(Instr::PowK { a: 0, b, k }),
                    BinOp::Div => Some(Instr::DivK { a: 0, b, k }),
                    BinOp::IDiv => Some(Instr::IDivK { a: 0, b, k }),
                    BinOp::BAnd => Some(Instr::BAndK { a: 0, b, k }),
                    BinOp::BOr => Some(Instr::BOrK { a: 0, b, k }),
                    BinOp::BXor => Some(Instr::BXorK { a: 0, b, k }),
                    _ => None,
                };
                if let Some(instr) = instr {
                    self.free_exp(e1);
                    e1.k = Kind::Reloc(self.emit(instr));
                    self.fix_line(line);
                    return Ok(());
                }
            }
        }
        // Register form. `e1` is already in a register or is a numeral (see `infix`); `e2` goes
        // to a register first, which closes its jump lists, and only then is a numeral `e1`
        // loaded. Loaded earlier, the load would sit inside the code of `e2`, and an `and`/`or`
        // in `e2` would jump over it (`4 + (d or 0)`).
        let c = self.exp2anyreg(e2)?;
        let b = self.exp2anyreg(e1)?;
        self.free_exps(e1, e2);
        let instr = match op {
            BinOp::Add => Instr::Add { a: 0, b, c },
            BinOp::Sub => Instr::Sub { a: 0, b, c },
            BinOp::Mul => Instr::Mul { a: 0, b, c },
            BinOp::Mod => Instr::Mod { a: 0, b, c },
            BinOp::Pow => Instr::Pow { a: 0, b, c },
            BinOp::Div => Instr::Div { a: 0, b, c },
            BinOp::IDiv => Instr::IDiv { a: 0, b, c },
            BinOp::BAnd => Instr::BAnd { a: 0, b, c },
            BinOp::BOr => Instr::BOr { a: 0, b, c },
            BinOp::BXor => Instr::BXor { a: 0, b, c },
            BinOp::Shl => Instr::Shl { a: 0, b, c },
            _ => Instr::Shr { a: 0, b, c },
        };
        e1.k = Kind::Reloc(self.emit(instr));
        self.fix_line(line);
        Ok(())
    }

    /// `==` / `~=`: EqI / EqK for a constant operand, Eq otherwise.
    fn code_eq(
        &mut self,
        is_eq: bool,
        e1: &mut ExpDesc,
        e2: &mut ExpDesc,
        line: u32,
    ) -> Result<(), CompileError> {
        if !matches!(e1.k, Kind::NonReloc(_)) {
            // e1 is a constant: swap (equality is symmetric; constants have no metamethods).
            std::mem::swap(e1, e2);
        }
        let a = self.exp2anyreg(e1)?;
        let instr = if let Some(i) = e2.small_int() {
            Instr::EqI {
                a,
                i,
                k: is_eq,
                j: NO_JUMP,
            }
        } else if let Some(Ok(c)) = self.const_index(e2).map(u8::try_from) {
            Instr::EqK {
                a,
                c,
                k: is_eq,
                j: NO_JUMP,
            }
        } else {
            let b = self.exp2anyreg(e2)?;
            Instr::Eq {
                a,
                b,
                k: is_eq,
                j: NO_JUMP,
            }
        };
        self.free_exps(e1, e2);
        let pc = self.emit(instr) as i32;
        self.fix_line(line);
        e1.k = Kind::Jmp(pc);
        Ok(())
    }

    /// The constant-table index of a non-nil constant expression.
    fn const_index(&mut self, e: &ExpDesc) -> Option<u32> {
        if e.has_jumps() {
            return None;
        }
        match e.k {
            Kind::True => Some(self.bool_k(true)),
            Kind::False => Some(self.bool_k(false)),
            Kind::KInt(i) => Some(self.int_k(i)),
            Kind::KFlt(f) => Some(self.flt_k(f)),
            Kind::KStr(k) => Some(k),
            _ => None,
        }
    }

    /// `<` / `<=` with the immediate forms for small integers on either side.
    fn code_order(
        &mut self,
        op: BinOp,
        e1: &mut ExpDesc,
        e2: &mut ExpDesc,
        line: u32,
    ) -> Result<(), CompileError> {
        let lt = op == BinOp::Lt;
        let instr = if let Some(i) = e2.small_int() {
            let a = self.exp2anyreg(e1)?;
            self.free_exp(e1);
            if lt {
                Instr::LtI {
                    a,
                    i,
                    k: true,
                    j: NO_JUMP,
                }
            } else {
                Instr::LeI {
                    a,
                    i,
                    k: true,
                    j: NO_JUMP,
                }
            }
        } else if let Some(i) = e1.small_int() {
            // i < x  is  x > i
            let a = self.exp2anyreg(e2)?;
            self.free_exp(e2);
            if lt {
                Instr::GtI {
                    a,
                    i,
                    k: true,
                    j: NO_JUMP,
                }
            } else {
                Instr::GeI {
                    a,
                    i,
                    k: true,
                    j: NO_JUMP,
                }
            }
        } else {
            // As in `code_arith`, the operand with code (and perhaps jump lists) goes to a
            // register before a numeral operand is loaded. Before the swap of `>`/`>=` in
            // `posfix` that is `e2`; after it, a numeral is on the right and `e1` goes first.
            let (a, b) = if e2.numeral().is_some() {
                let a = self.exp2anyreg(e1)?;
                (a, self.exp2anyreg(e2)?)
            } else {
                let b = self.exp2anyreg(e2)?;
                (self.exp2anyreg(e1)?, b)
            };
            self.free_exps(e1, e2);
            if lt {
                Instr::Lt {
                    a,
                    b,
                    k: true,
                    j: NO_JUMP,
                }
            } else {
                Instr::Le {
                    a,
                    b,
                    k: true,
                    j: NO_JUMP,
                }
            }
        };
        let pc = self.emit(instr) as i32;
        self.fix_line(line);
        e1.k = Kind::Jmp(pc);
        Ok(())
    }
}
