//! Per-function compiler state: the code being emitted with its line info, the constant table,
//! register allocation, active local variables, blocks, labels and pending gotos, and the jump
//! lists used by conditional code (manual §3.3 and §3.5: scoping and control structures).
//!
//! Jump lists: while a jump's target is unknown, its offset field links it to the previous jump
//! of the same list (an offset of `-1`, a jump to itself, ends the list). Conditional jumps are
//! fused (`if cond == k then pc += j`), so a list holds the conditional instructions themselves.

use crate::CompileError;
use std::collections::HashMap;
use std::sync::Arc;
use tape_bytecode::{Constant, Instr, LocalVar, Proto, UpvalDesc};

/// End of a jump list / "no jump".
pub(crate) const NO_JUMP: i32 = -1;
/// Register operand meaning "no register" (never a valid register: `max_stack <= 255`).
pub(crate) const NO_REG: u8 = 255;
/// Registers a frame may use.
const MAX_REGS: u32 = 255;
/// Active local variables per function (PUC's limit).
const MAX_VARS: usize = 200;
/// Upvalues per function.
const MAX_UPVALS: usize = 255;

/// A compile-time constant value (the value of a `<const>` local folded away, or a literal).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum ConstVal {
    Nil,
    Bool(bool),
    Int(i64),
    Flt(f64),
    /// A string constant, by index into the *declaring* function's constant table.
    Str(u32),
}

/// What kind of local variable a `VarDesc` is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum VarKind {
    Regular,
    /// `<const>` living in a register.
    Const,
    /// `<close>`.
    Close,
    /// `<const>` whose value is known at compile time: it has no register.
    CompileConst(ConstVal),
}

/// A declared local variable of the function being compiled.
#[derive(Clone, Debug)]
pub(crate) struct VarDesc {
    pub name: String,
    pub kind: VarKind,
    /// Register (meaningless for `CompileConst`).
    pub reg: u8,
    /// Index into `locals` (debug info), if the variable has a register.
    pub pidx: usize,
}

/// An upvalue of the function being compiled, with the kind of the variable it refers to (for
/// the read-only check).
#[derive(Clone, Debug)]
pub(crate) struct UpvalInfo {
    pub desc: UpvalDesc,
    pub readonly: bool,
}

/// A lexical block.
#[derive(Clone, Debug)]
pub(crate) struct BlockCnt {
    /// Index of the first label of this block in `labels`.
    pub first_label: usize,
    /// Index of the first pending goto of this block in `gotos`.
    pub first_goto: usize,
    /// Active locals outside the block.
    pub nactvar: usize,
    /// Some local of this block is captured as an upvalue (or is to-be-closed).
    pub upval: bool,
    pub is_loop: bool,
    /// Inside the scope of a to-be-closed variable (no tail calls).
    pub inside_tbc: bool,
}

/// A label, or a pending goto (`pc` is then a jump list).
#[derive(Clone, Debug)]
pub(crate) struct LabelDesc {
    pub name: String,
    pub pc: i32,
    pub line: u32,
    pub nactvar: usize,
    /// For gotos: leaving the scope of a captured variable, so the jump needs a Close.
    pub close: bool,
    /// For gotos: the register level of `nactvar`.
    pub level: u32,
}

impl LabelDesc {
    pub fn new(name: &str, pc: i32, line: u32, nactvar: usize, level: u32) -> LabelDesc {
        LabelDesc {
            name: name.to_string(),
            pc,
            line,
            nactvar,
            close: false,
            level,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum ConstKey {
    Nil,
    Bool(bool),
    Int(i64),
    Flt(u64),
    Str(Box<[u8]>),
}

/// State of one function under compilation.
pub(crate) struct FuncState {
    pub chunkid: Arc<str>,
    pub source: Arc<str>,
    pub code: Vec<Instr>,
    pub lines: Vec<u32>,
    pub consts: Vec<Constant>,
    const_map: HashMap<ConstKey, u32>,
    pub upvals: Vec<UpvalInfo>,
    pub protos: Vec<Arc<Proto>>,
    pub locals: Vec<LocalVar>,
    /// Declared variables (active ones first, then ones declared but not yet active).
    pub actvars: Vec<VarDesc>,
    /// Number of active variables.
    pub nactvar: usize,
    pub blocks: Vec<BlockCnt>,
    pub labels: Vec<LabelDesc>,
    pub gotos: Vec<LabelDesc>,
    /// First free register.
    pub free_reg: u32,
    pub max_stack: u32,
    /// The pc of the last jump target (code before it may not be merged with code after).
    pub last_target: usize,
    /// Line attributed to the instructions emitted now.
    pub line: u32,
    pub line_defined: u32,
    pub last_line_defined: u32,
    pub num_params: u8,
    pub is_vararg: bool,
}

impl FuncState {
    pub fn new(chunkid: Arc<str>, source: Arc<str>, line_defined: u32) -> FuncState {
        FuncState {
            chunkid,
            source,
            code: Vec::new(),
            lines: Vec::new(),
            consts: Vec::new(),
            const_map: HashMap::new(),
            upvals: Vec::new(),
            protos: Vec::new(),
            locals: Vec::new(),
            actvars: Vec::new(),
            nactvar: 0,
            blocks: Vec::new(),
            labels: Vec::new(),
            gotos: Vec::new(),
            free_reg: 0,
            max_stack: 2,
            last_target: 0,
            line: line_defined,
            line_defined,
            last_line_defined: 0,
            num_params: 0,
            is_vararg: false,
        }
    }

    /// A compile error at `line`.
    #[cold]
    pub fn error(&self, line: u32, msg: &str) -> CompileError {
        CompileError {
            message: format!("{}:{}: {}", self.chunkid, line, msg),
        }
    }

    /// A "too many X" error in PUC's wording.
    #[cold]
    fn limit_error(&self, what: &str, limit: usize) -> CompileError {
        let place = if self.line_defined == 0 {
            "main function".to_string()
        } else {
            format!("function at line {}", self.line_defined)
        };
        self.error(
            self.line,
            &format!("too many {} (limit is {}) in {}", what, limit, place),
        )
    }

    // ---- code emission ----

    /// Current pc (index of the next instruction).
    pub fn pc(&self) -> usize {
        self.code.len()
    }

    /// Emits an instruction at the current line; returns its pc.
    pub fn emit(&mut self, i: Instr) -> usize {
        self.code.push(i);
        self.lines.push(self.line);
        self.code.len() - 1
    }

    /// Sets the line of the last instruction.
    pub fn fix_line(&mut self, line: u32) {
        if let Some(l) = self.lines.last_mut() {
            *l = line;
        }
    }

    /// Marks the current pc as a jump target and returns it.
    pub fn get_label(&mut self) -> usize {
        self.last_target = self.code.len();
        self.code.len()
    }

    /// Emits `LoadNil` for `n` registers from `from`, merging with a previous adjacent `LoadNil`.
    pub fn code_nil(&mut self, from: u32, n: u32) {
        let last = from + n - 1;
        if self.pc() > self.last_target {
            if let Some(Instr::LoadNil { a, n: pn }) = self.code.last().copied() {
                let (pfrom, plast) = (a as u32, a as u32 + pn as u32);
                if (pfrom <= from && from <= plast + 1) || (from <= pfrom && pfrom <= last + 1) {
                    let nf = pfrom.min(from);
                    let nl = plast.max(last);
                    if let Some(Instr::LoadNil { a, n }) = self.code.last_mut() {
                        *a = nf as u8;
                        *n = (nl - nf) as u8;
                    }
                    return;
                }
            }
        }
        self.emit(Instr::LoadNil {
            a: from as u8,
            n: (n - 1) as u8,
        });
    }

    // ---- jumps ----

    /// Emits an unconditional jump with an unknown target; returns its pc.
    pub fn jump(&mut self) -> i32 {
        self.emit(Instr::Jmp { j: NO_JUMP }) as i32
    }

    /// The next element of a jump list, or `NO_JUMP`.
    fn get_jump(&self, pc: i32) -> i32 {
        match self.code[pc as usize].jump() {
            Some(NO_JUMP) | None => NO_JUMP,
            Some(off) => pc + 1 + off,
        }
    }

    /// Points the jump at `pc` to `dest`.
    pub fn fix_jump(&mut self, pc: i32, dest: i32) {
        let off = dest - (pc + 1);
        self.code[pc as usize].set_jump(off);
    }

    /// Adds the single jump `pc` (or nothing, for `NO_JUMP`) to list `*list`. It goes first,
    /// so a long list is not walked: `a and b and c ...` adds one jump per operand to the same
    /// list. The order of a list does not matter, as every entry is patched on its own.
    pub fn add_jump(&mut self, list: &mut i32, pc: i32) {
        if pc == NO_JUMP || self.get_jump(pc) != NO_JUMP {
            self.concat_jumps(list, pc);
            return;
        }
        if *list != NO_JUMP {
            self.fix_jump(pc, *list);
        }
        *list = pc;
    }

    /// Appends list `l2` to list `*l1`.
    pub fn concat_jumps(&mut self, l1: &mut i32, l2: i32) {
        if l2 == NO_JUMP {
            return;
        }
        if *l1 == NO_JUMP {
            *l1 = l2;
            return;
        }
        let mut list = *l1;
        loop {
            let next = self.get_jump(list);
            if next == NO_JUMP {
                break;
            }
            list = next;
        }
        self.fix_jump(list, l2);
    }

    /// Turns a `TestSet` at `pc` into a plain `Test` or points its destination at `reg`; returns
    /// false when the instruction is not a `TestSet` (it produces no value).
    fn patch_test_reg(&mut self, pc: i32, reg: u8) -> bool {
        let i = &mut self.code[pc as usize];
        if let Instr::TestSet { a, b, k, j } = *i {
            if reg != NO_REG && reg != b {
                *i = Instr::TestSet { a: reg, b, k, j };
            } else {
                *i = Instr::Test { a: b, k, j };
            }
            let _ = a;
            true
        } else {
            false
        }
    }

    /// Whether some jump in the list does not produce a value (is not a `TestSet`).
    pub fn need_value(&self, mut list: i32) -> bool {
        while list != NO_JUMP {
            if !matches!(self.code[list as usize], Instr::TestSet { .. }) {
                return true;
            }
            list = self.get_jump(list);
        }
        false
    }

    /// Patches every jump of `list`: value-producing tests to `vtarget` storing into `reg`,
    /// the others to `dtarget`.
    pub fn patch_list_aux(&mut self, mut list: i32, vtarget: i32, reg: u8, dtarget: i32) {
        while list != NO_JUMP {
            let next = self.get_jump(list);
            if self.patch_test_reg(list, reg) {
                self.fix_jump(list, vtarget);
            } else {
                self.fix_jump(list, dtarget);
            }
            list = next;
        }
    }

    /// Points every jump of `list` to `target`.
    pub fn patch_list(&mut self, list: i32, target: i32) {
        self.patch_list_aux(list, target, NO_REG, target);
    }

    /// Points every jump of `list` to the current pc.
    pub fn patch_to_here(&mut self, list: i32) {
        let here = self.get_label() as i32;
        self.patch_list(list, here);
    }

    /// Flips the condition of the conditional jump at `pc`.
    pub fn negate_condition(&mut self, pc: i32) {
        match &mut self.code[pc as usize] {
            Instr::Eq { k, .. }
            | Instr::Lt { k, .. }
            | Instr::Le { k, .. }
            | Instr::EqK { k, .. }
            | Instr::EqI { k, .. }
            | Instr::LtI { k, .. }
            | Instr::LeI { k, .. }
            | Instr::GtI { k, .. }
            | Instr::GeI { k, .. }
            | Instr::Test { k, .. }
            | Instr::TestSet { k, .. } => *k = !*k,
            _ => debug_assert!(false, "negating a non-conditional instruction"),
        }
    }

    // ---- registers ----

    /// Ensures `n` more registers above `free_reg` fit in the frame.
    pub fn check_stack(&mut self, n: u32) -> Result<(), CompileError> {
        let new = self.free_reg + n;
        if new > self.max_stack {
            if new > MAX_REGS {
                return Err(
                    self.error(self.line, "function or expression needs too many registers")
                );
            }
            self.max_stack = new;
        }
        Ok(())
    }

    pub fn reserve_regs(&mut self, n: u32) -> Result<(), CompileError> {
        self.check_stack(n)?;
        self.free_reg += n;
        Ok(())
    }

    /// Frees register `reg` if it is a temporary (it must then be the top one).
    pub fn free_reg(&mut self, reg: u8) {
        if reg as u32 >= self.nvarstack() {
            self.free_reg -= 1;
            debug_assert_eq!(reg as u32, self.free_reg, "registers freed out of order");
        }
    }

    // ---- constants ----

    fn add_const(&mut self, key: ConstKey, value: Constant) -> u32 {
        if let Some(&i) = self.const_map.get(&key) {
            return i;
        }
        let i = self.consts.len() as u32;
        self.consts.push(value);
        self.const_map.insert(key, i);
        i
    }

    pub fn str_k(&mut self, s: &[u8]) -> u32 {
        self.add_const(ConstKey::Str(s.into()), Constant::Str(s.into()))
    }

    pub fn int_k(&mut self, i: i64) -> u32 {
        self.add_const(ConstKey::Int(i), Constant::Int(i))
    }

    pub fn flt_k(&mut self, f: f64) -> u32 {
        self.add_const(ConstKey::Flt(f.to_bits()), Constant::Float(f))
    }

    pub fn bool_k(&mut self, b: bool) -> u32 {
        self.add_const(ConstKey::Bool(b), Constant::Bool(b))
    }

    #[allow(dead_code)]
    pub fn nil_k(&mut self) -> u32 {
        self.add_const(ConstKey::Nil, Constant::Nil)
    }

    /// The bytes of string constant `k`.
    pub fn const_str(&self, k: u32) -> &[u8] {
        match self.consts.get(k as usize) {
            Some(Constant::Str(s)) => s,
            _ => b"",
        }
    }

    // ---- variables ----

    /// Register level of the first `n` active variables.
    pub fn reg_level(&self, n: usize) -> u32 {
        for v in self.actvars[..n].iter().rev() {
            if !matches!(v.kind, VarKind::CompileConst(_)) {
                return v.reg as u32 + 1;
            }
        }
        0
    }

    /// Number of registers holding active variables.
    pub fn nvarstack(&self) -> u32 {
        self.reg_level(self.nactvar)
    }

    /// Declares a new (not yet active) local variable; returns its index.
    pub fn new_localvar(&mut self, name: &str, kind: VarKind) -> Result<usize, CompileError> {
        if self.actvars.len() + 1 > MAX_VARS {
            return Err(self.limit_error("local variables", MAX_VARS));
        }
        self.actvars.push(VarDesc {
            name: name.to_string(),
            kind,
            reg: 0,
            pidx: 0,
        });
        Ok(self.actvars.len() - 1)
    }

    /// Activates the next `n` declared variables (their registers follow the active ones).
    pub fn adjust_localvars(&mut self, n: usize) {
        let mut reg = self.nvarstack();
        for _ in 0..n {
            let vidx = self.nactvar;
            self.nactvar += 1;
            let pc = self.pc() as u32;
            let v = &mut self.actvars[vidx];
            if matches!(v.kind, VarKind::CompileConst(_)) {
                continue;
            }
            v.reg = reg as u8;
            reg += 1;
            v.pidx = self.locals.len();
            let name = v.name.clone();
            self.locals.push(LocalVar {
                name,
                start_pc: pc,
                end_pc: pc,
            });
        }
    }

    /// Deactivates variables down to `level`, closing their debug ranges.
    pub fn remove_vars(&mut self, level: usize) {
        let pc = self.pc() as u32;
        while self.nactvar > level {
            self.nactvar -= 1;
            let v = &self.actvars[self.nactvar];
            if !matches!(v.kind, VarKind::CompileConst(_)) {
                self.locals[v.pidx].end_pc = pc;
            }
        }
        self.actvars.truncate(level);
    }

    /// The active variable named `name`, innermost first.
    pub fn find_var(&self, name: &str) -> Option<usize> {
        (0..self.nactvar)
            .rev()
            .find(|&i| self.actvars[i].name == name)
    }

    pub fn find_upval(&self, name: &str) -> Option<usize> {
        self.upvals.iter().position(|u| u.desc.name == name)
    }

    /// Adds an upvalue descriptor; returns its index.
    pub fn new_upval(
        &mut self,
        name: &str,
        in_stack: bool,
        index: u8,
        readonly: bool,
    ) -> Result<u8, CompileError> {
        if self.upvals.len() >= MAX_UPVALS {
            return Err(self.limit_error("upvalues", MAX_UPVALS));
        }
        self.upvals.push(UpvalInfo {
            desc: UpvalDesc {
                name: name.to_string(),
                in_stack,
                index,
            },
            readonly,
        });
        Ok((self.upvals.len() - 1) as u8)
    }

    /// Marks the block declaring variable `vidx` as having a captured variable.
    pub fn mark_upval(&mut self, vidx: usize) {
        for bl in self.blocks.iter_mut().rev() {
            if bl.nactvar <= vidx {
                bl.upval = true;
                return;
            }
        }
    }

    /// Marks the current block as holding a to-be-closed variable.
    pub fn mark_to_be_closed(&mut self) {
        if let Some(bl) = self.blocks.last_mut() {
            bl.upval = true;
            bl.inside_tbc = true;
        }
    }

    pub fn inside_tbc(&self) -> bool {
        self.blocks.last().is_some_and(|b| b.inside_tbc)
    }

    // ---- finishing ----

    /// Final pass: threads jumps to jumps, then builds the proto.
    pub fn finish(mut self) -> Proto {
        for pc in 0..self.code.len() {
            let i = self.code[pc];
            let is_branch = matches!(
                i,
                Instr::Jmp { .. }
                    | Instr::Eq { .. }
                    | Instr::Lt { .. }
                    | Instr::Le { .. }
                    | Instr::EqK { .. }
                    | Instr::EqI { .. }
                    | Instr::LtI { .. }
                    | Instr::LeI { .. }
                    | Instr::GtI { .. }
                    | Instr::GeI { .. }
                    | Instr::Test { .. }
                    | Instr::TestSet { .. }
            );
            if !is_branch {
                continue;
            }
            let Some(j) = i.jump() else { continue };
            let target = self.final_target(pc as i64 + 1 + j as i64);
            self.code[pc].set_jump((target - (pc as i64 + 1)) as i32);
        }
        Proto {
            source: self.source,
            line_defined: self.line_defined,
            last_line_defined: self.last_line_defined,
            num_params: self.num_params,
            is_vararg: self.is_vararg,
            max_stack: self.max_stack.min(255) as u8,
            code: self.code,
            lines: self.lines,
            consts: self.consts,
            upvals: self.upvals.into_iter().map(|u| u.desc).collect(),
            protos: self.protos,
            locals: self.locals,
        }
    }

    /// Follows a chain of unconditional jumps (bounded, so loops of jumps terminate).
    fn final_target(&self, mut target: i64) -> i64 {
        for _ in 0..100 {
            match self.code.get(target as usize) {
                Some(Instr::Jmp { j }) => {
                    let next = target + 1 + *j as i64;
                    if next == target {
                        break;
                    }
                    target = next;
                }
                _ => break,
            }
        }
        target
    }
}
