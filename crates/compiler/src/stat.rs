//! Compilation of statements and blocks (manual §3.3): assignment, control structures, `for`
//! loops, function statements, local declarations with attributes (§3.3.7, §3.3.8), and
//! `goto`/labels/`break` with Lua 5.4's visibility rules (§3.3.4, §3.5).

use crate::expdesc::{ExpDesc, Kind};
use crate::func::{BlockCnt, ConstVal, LabelDesc, VarKind, NO_JUMP};
use crate::{CompileError, Compiler};
use tape_bytecode::Instr;
use tape_syntax::ast::{Attrib, Block, Expr, ExprKind, FuncBody, FuncName, Stat, StatKind};

/// Label name used for `break` (a reserved word, so it cannot clash with user labels).
const BREAK: &str = "break";

impl Compiler {
    pub(crate) fn enter_block(&mut self, is_loop: bool) {
        let fs = self.fs();
        let inside_tbc = fs.inside_tbc();
        let bl = BlockCnt {
            first_label: fs.labels.len(),
            first_goto: fs.gotos.len(),
            nactvar: fs.nactvar,
            upval: false,
            is_loop,
            inside_tbc,
        };
        debug_assert_eq!(fs.free_reg, fs.nvarstack());
        fs.blocks.push(bl);
    }

    /// Leaves the current block: ends its locals, resolves its breaks, closes captured
    /// variables, and hands its pending gotos to the enclosing block. `end_line` is where an
    /// unresolved goto is reported when this is a function's outermost block.
    pub(crate) fn leave_block(&mut self, end_line: u32) -> Result<(), CompileError> {
        let fs = self.fs();
        let Some(bl) = fs.blocks.last().cloned() else {
            return Ok(());
        };
        let stklevel = fs.reg_level(bl.nactvar);
        fs.remove_vars(bl.nactvar);
        let has_close = if bl.is_loop {
            self.create_label(BREAK, 0, false, end_line)?
        } else {
            false
        };
        let fs = self.fs();
        let nested = fs.blocks.len() > 1;
        if !has_close && nested && bl.upval {
            fs.emit(Instr::Close { a: stklevel as u8 });
        }
        fs.free_reg = stklevel;
        fs.labels.truncate(bl.first_label);
        fs.blocks.pop();
        if nested {
            let from = bl.first_goto.min(fs.gotos.len());
            for gt in &mut fs.gotos[from..] {
                if gt.level > stklevel {
                    gt.close |= bl.upval;
                }
                gt.nactvar = bl.nactvar;
                gt.level = stklevel;
            }
        } else if let Some(gt) = fs.gotos.get(bl.first_goto) {
            let msg = if gt.name == BREAK {
                format!("break outside loop at line {}", gt.line)
            } else {
                format!(
                    "no visible label '{}' for <goto> at line {}",
                    gt.name, gt.line
                )
            };
            return Err(fs.error(end_line, &msg));
        }
        Ok(())
    }

    /// Creates a label at the current pc and resolves the pending gotos of the current block
    /// that target it; returns whether a `Close` was emitted for them.
    fn create_label(
        &mut self,
        name: &str,
        line: u32,
        last: bool,
        err_line: u32,
    ) -> Result<bool, CompileError> {
        let fs = self.fs();
        let pc = fs.get_label();
        let (first_goto, bl_nactvar) = match fs.blocks.last() {
            Some(b) => (b.first_goto, b.nactvar),
            None => (0, 0),
        };
        let nactvar = if last { bl_nactvar } else { fs.nactvar };
        fs.labels
            .push(LabelDesc::new(name, pc as i32, line, nactvar, 0));
        let mut needs_close = false;
        let mut i = first_goto;
        while i < fs.gotos.len() {
            if fs.gotos[i].name != name {
                i += 1;
                continue;
            }
            let gt = fs.gotos.remove(i);
            if gt.nactvar < nactvar {
                let var = fs
                    .actvars
                    .get(gt.nactvar)
                    .map(|v| v.name.as_str())
                    .unwrap_or("?");
                let msg = format!(
                    "<goto {}> at line {} jumps into the scope of local '{}'",
                    gt.name, gt.line, var
                );
                return Err(fs.error(err_line, &msg));
            }
            needs_close |= gt.close;
            fs.patch_list(gt.pc, pc as i32);
        }
        if needs_close {
            let a = fs.nvarstack() as u8;
            fs.emit(Instr::Close { a });
        }
        Ok(needs_close)
    }

    fn new_goto(&mut self, name: &str, line: u32, pc: i32) {
        let fs = self.fs();
        let level = fs.nvarstack();
        let g = LabelDesc::new(name, pc, line, fs.nactvar, level);
        fs.gotos.push(g);
    }

    /// Compiles a block in its own scope.
    fn block(&mut self, b: &Block) -> Result<(), CompileError> {
        self.enter_block(false);
        self.stat_list(b, false)?;
        self.fs().line = b.last_line;
        self.leave_block(b.end_line)
    }

    /// Compiles the statements of a block (and its `return`) in the current scope.
    /// `in_repeat`: the block is a `repeat` body (its `until` sees the locals, so a label at
    /// its end is not outside their scope).
    pub(crate) fn stat_list(&mut self, b: &Block, in_repeat: bool) -> Result<(), CompileError> {
        self.stat_list_from(b, 0, in_repeat)
    }

    /// `stat_list` starting at statement `start`.
    fn stat_list_from(
        &mut self,
        b: &Block,
        start: usize,
        in_repeat: bool,
    ) -> Result<(), CompileError> {
        for (i, s) in b.stats.iter().enumerate().skip(start) {
            if let StatKind::Label(name) = &s.kind {
                let rest = &b.stats[i + 1..];
                let only_labels = rest.iter().all(|s| matches!(s.kind, StatKind::Label(_)));
                let last = only_labels && b.ret.is_none() && !in_repeat;
                let err_line = match rest.iter().find(|s| !matches!(s.kind, StatKind::Label(_))) {
                    Some(s) => s.line,
                    None => b.ret.as_ref().map(|r| r.1).unwrap_or(b.end_line),
                };
                self.fs().line = s.end_line;
                self.label_stat(name, s.line, last, err_line)?;
            } else {
                self.stat(s)?;
            }
            let fs = self.fs();
            debug_assert!(fs.max_stack >= fs.free_reg && fs.free_reg >= fs.nvarstack());
            fs.free_reg = fs.nvarstack();
        }
        if let Some((exprs, line)) = &b.ret {
            self.ret_stat(exprs, *line)?;
            let fs = self.fs();
            fs.free_reg = fs.nvarstack();
        }
        Ok(())
    }

    fn stat(&mut self, s: &Stat) -> Result<(), CompileError> {
        self.enter_level(s.line)?;
        self.fs().line = s.line;
        let r = match &s.kind {
            StatKind::Local { names, exprs } => self.local_stat(names, exprs, s.line, s.end_line),
            StatKind::Assign { targets, exprs } => self.assign_stat(targets, exprs),
            StatKind::Call(e) => self.call_stat(e),
            StatKind::Do(b) => self.block(b),
            StatKind::While { cond, body } => self.while_stat(cond, body),
            StatKind::Repeat { body, cond } => self.repeat_stat(body, cond),
            StatKind::If { arms, else_block } => self.if_stat(arms, else_block.as_ref()),
            StatKind::NumFor {
                var,
                start,
                limit,
                step,
                body,
            } => self.numfor_stat(var, start, limit, step.as_ref(), body, s.line),
            StatKind::GenFor {
                names,
                exprs,
                body,
                iter_line,
            } => self.genfor_stat(names, exprs, body, *iter_line),
            StatKind::Function { name, func } => self.func_stat(name, func, s.line),
            StatKind::LocalFunction { name, func } => self.local_func(name, func),
            StatKind::Goto(name) => {
                // PUC emits the jump once it has read the label's name.
                self.fs().line = s.end_line;
                self.goto_stat(name, s.line)
            }
            StatKind::Label(name) => {
                self.fs().line = s.end_line;
                self.label_stat(name, s.line, false, s.line)
            }
            StatKind::Break => {
                let pc = self.fs().jump();
                self.new_goto(BREAK, s.line, pc);
                Ok(())
            }
        };
        self.depth -= 1;
        r
    }

    fn goto_stat(&mut self, name: &str, line: u32) -> Result<(), CompileError> {
        let fs = self.fs();
        if let Some(lb) = fs.labels.iter().find(|l| l.name == name) {
            // Backward jump: close the variables it leaves, then jump.
            let (lpc, lnact) = (lb.pc, lb.nactvar);
            let level = fs.reg_level(lnact);
            if fs.nvarstack() > level {
                fs.emit(Instr::Close { a: level as u8 });
            }
            let j = fs.jump();
            fs.patch_list(j, lpc);
        } else {
            let pc = fs.jump();
            self.new_goto(name, line, pc);
        }
        Ok(())
    }

    fn label_stat(
        &mut self,
        name: &str,
        line: u32,
        last: bool,
        err_line: u32,
    ) -> Result<(), CompileError> {
        let fs = self.fs();
        if let Some(lb) = fs.labels.iter().find(|l| l.name == name) {
            let msg = format!("label '{}' already defined on line {}", name, lb.line);
            return Err(fs.error(err_line, &msg));
        }
        self.create_label(name, line, last, err_line)?;
        Ok(())
    }

    /// `local n1 <a1>, ... = explist`
    fn local_stat(
        &mut self,
        names: &[(String, Attrib)],
        exprs: &[Expr],
        line: u32,
        end_line: u32,
    ) -> Result<(), CompileError> {
        let mut to_close = None;
        let mut last_vidx = 0;
        for (name, attr) in names {
            let kind = match attr {
                Attrib::None => VarKind::Regular,
                Attrib::Const => VarKind::Const,
                Attrib::Close => VarKind::Close,
            };
            let vidx = self.fs().new_localvar(name, kind)?;
            if kind == VarKind::Close {
                if to_close.is_some() {
                    return Err(self
                        .fs()
                        .error(line, "multiple to-be-closed variables in local list"));
                }
                to_close = Some(vidx);
            }
            last_vidx = vidx;
        }
        let (mut e, nexps) = self.explist(exprs)?;
        let nvars = names.len();
        let fs = self.fs();
        fs.line = end_line;
        let ctc = if nvars == nexps && fs.actvars[last_vidx].kind == VarKind::Const && e.is_const()
        {
            match e.k {
                Kind::Nil => Some(ConstVal::Nil),
                Kind::True => Some(ConstVal::Bool(true)),
                Kind::False => Some(ConstVal::Bool(false)),
                Kind::KInt(i) => Some(ConstVal::Int(i)),
                Kind::KFlt(f) => Some(ConstVal::Flt(f)),
                Kind::KStr(k) => Some(ConstVal::Str(k)),
                _ => None,
            }
        } else {
            None
        };
        if let Some(cv) = ctc {
            fs.actvars[last_vidx].kind = VarKind::CompileConst(cv);
            fs.adjust_localvars(nvars - 1);
            fs.nactvar += 1;
        } else {
            self.adjust_assign(nvars, nexps, &mut e)?;
            self.fs().adjust_localvars(nvars);
        }
        if let Some(vidx) = to_close {
            let fs = self.fs();
            fs.mark_to_be_closed();
            let a = fs.actvars[vidx].reg;
            fs.emit(Instr::Tbc { a });
        }
        Ok(())
    }

    /// Adjusts `nexps` values (the last one `e`, still pending) to exactly `nvars` registers.
    fn adjust_assign(
        &mut self,
        nvars: usize,
        nexps: usize,
        e: &mut ExpDesc,
    ) -> Result<(), CompileError> {
        let fs = self.fs();
        let needed = nvars as i64 - nexps as i64;
        if e.is_multret() {
            let extra = (needed + 1).max(0);
            fs.set_returns(e, extra as i32)?;
        } else {
            if e.k != Kind::Void {
                fs.exp2nextreg(e)?;
            }
            if needed > 0 {
                let from = fs.free_reg;
                fs.code_nil(from, needed as u32);
            }
        }
        if needed > 0 {
            fs.reserve_regs(needed as u32)?;
        } else {
            fs.free_reg = (fs.free_reg as i64 + needed) as u32;
        }
        Ok(())
    }

    /// An assignment target: a variable (checked not to be read-only) or a table field.
    fn target(&mut self, t: &Expr) -> Result<ExpDesc, CompileError> {
        match &t.kind {
            ExprKind::Name(n) => {
                let (v, readonly) = self.single_var(n)?;
                if readonly {
                    let msg = format!("attempt to assign to const variable '{}'", n);
                    return Err(self.fs().error(t.line, &msg));
                }
                Ok(v)
            }
            ExprKind::Index(..) => self.expr(t),
            _ => Err(self.fs().error(t.line, "syntax error near '='")),
        }
    }

    /// `t1, t2, ... = e1, e2, ...`
    fn assign_stat(&mut self, targets: &[Expr], exprs: &[Expr]) -> Result<(), CompileError> {
        let mut vars: Vec<ExpDesc> = Vec::with_capacity(targets.len());
        for t in targets {
            let v = self.target(t)?;
            self.fs().line = t.end_line;
            if matches!(v.k, Kind::Local(_) | Kind::Upval(_)) {
                self.check_conflict(&mut vars, &v)?;
            }
            vars.push(v);
        }
        let (mut e, nexps) = self.explist(exprs)?;
        let nvars = vars.len();
        let fs = self.fs();
        let mut rest = nvars;
        if nexps == nvars {
            fs.set_one_ret(&mut e);
            fs.store_var(&vars[nvars - 1], &mut e)?;
            rest -= 1;
        } else {
            self.adjust_assign(nvars, nexps, &mut e)?;
        }
        let fs = self.fs();
        for v in vars[..rest].iter().rev() {
            let mut val = ExpDesc::new(Kind::NonReloc((fs.free_reg - 1) as u8));
            fs.store_var(v, &mut val)?;
        }
        Ok(())
    }

    /// In a multiple assignment, a table or key used by an earlier target may be a variable
    /// that a later target assigns first (stores run right to left): copy it to a temporary.
    fn check_conflict(&mut self, vars: &mut [ExpDesc], v: &ExpDesc) -> Result<(), CompileError> {
        let fs = self.fs();
        let extra = fs.free_reg as u8;
        let mut conflict = false;
        for prev in vars.iter_mut() {
            match (&mut prev.k, v.k) {
                (Kind::IndexUp { t, k }, Kind::Upval(u)) if *t == u => {
                    conflict = true;
                    prev.k = Kind::IndexStr { t: extra, k: *k };
                }
                (Kind::IndexStr { t, .. } | Kind::IndexInt { t, .. }, Kind::Local(r))
                    if *t == r =>
                {
                    conflict = true;
                    *t = extra;
                }
                (Kind::Indexed { t, key }, Kind::Local(r)) => {
                    if *t == r {
                        conflict = true;
                        *t = extra;
                    }
                    if *key == r {
                        conflict = true;
                        *key = extra;
                    }
                }
                _ => {}
            }
        }
        if conflict {
            match v.k {
                Kind::Local(r) => fs.emit(Instr::Move { a: extra, b: r }),
                Kind::Upval(u) => fs.emit(Instr::GetUpval { a: extra, u }),
                _ => 0,
            };
            fs.reserve_regs(1)?;
        }
        Ok(())
    }

    fn call_stat(&mut self, e: &Expr) -> Result<(), CompileError> {
        let v = self.expr(e)?;
        if let Kind::Call(pc) = v.k {
            if let Instr::Call { c, .. } = &mut self.fs().code[pc] {
                *c = 1;
            }
        }
        Ok(())
    }

    /// `return explist`
    fn ret_stat(&mut self, exprs: &[Expr], line: u32) -> Result<(), CompileError> {
        self.fs().line = line;
        let first = self.fs().nvarstack() as u8;
        let (mut e, n) = self.explist(exprs)?;
        let fs = self.fs();
        let instr = if n == 0 {
            Instr::Return0 {}
        } else if e.is_multret() {
            fs.set_returns(&mut e, -1)?;
            if let (Kind::Call(pc), 1, false) = (e.k, n, fs.inside_tbc()) {
                if let Instr::Call { a, b, .. } = fs.code[pc] {
                    fs.code[pc] = Instr::TailCall { a, b };
                    return Ok(());
                }
            }
            Instr::Return { a: first, b: 0 }
        } else if n == 1 {
            let a = fs.exp2anyreg(&mut e)?;
            Instr::Return1 { a }
        } else {
            fs.exp2nextreg(&mut e)?;
            Instr::Return {
                a: first,
                b: (n + 1) as u8,
            }
        };
        fs.emit(instr);
        Ok(())
    }

    /// A loop condition: falls through when true; returns the exit list.
    fn cond(&mut self, e: &Expr) -> Result<i32, CompileError> {
        let mut v = self.expr(e)?;
        if v.k == Kind::Nil {
            v.k = Kind::False;
        }
        self.fs().go_if_true(&mut v)?;
        Ok(v.f)
    }

    fn while_stat(&mut self, cond: &Expr, body: &Block) -> Result<(), CompileError> {
        let init = self.fs().get_label() as i32;
        let exit = self.cond(cond)?;
        self.enter_block(true);
        self.block(body)?;
        let fs = self.fs();
        let j = fs.jump();
        fs.patch_list(j, init);
        fs.line = body.end_line;
        self.leave_block(body.end_line)?;
        self.fs().patch_to_here(exit);
        Ok(())
    }

    fn repeat_stat(&mut self, body: &Block, cond: &Expr) -> Result<(), CompileError> {
        let init = self.fs().get_label() as i32;
        self.enter_block(true);
        self.enter_block(false);
        self.stat_list(body, true)?;
        let mut exit = self.cond(cond)?;
        let fs = self.fs();
        let (upval, scope_nact) = match fs.blocks.last() {
            Some(b) => (b.upval, b.nactvar),
            None => (false, 0),
        };
        self.leave_block(body.end_line)?;
        let fs = self.fs();
        if upval {
            // The repetition path must close the body's captured variables too.
            let normal = fs.jump();
            fs.patch_to_here(exit);
            let a = fs.reg_level(scope_nact) as u8;
            fs.emit(Instr::Close { a });
            exit = fs.jump();
            fs.patch_to_here(normal);
        }
        fs.patch_list(exit, init);
        self.leave_block(body.end_line)
    }

    fn if_stat(
        &mut self,
        arms: &[(Expr, Block)],
        else_block: Option<&Block>,
    ) -> Result<(), CompileError> {
        let mut escape = NO_JUMP;
        for (i, (cond, block)) in arms.iter().enumerate() {
            let more = i + 1 < arms.len() || else_block.is_some();
            self.test_then_block(&mut escape, cond, block, more)?;
        }
        if let Some(b) = else_block {
            self.block(b)?;
        }
        self.fs().patch_to_here(escape);
        Ok(())
    }

    /// `cond then block`; `more`: an `elseif`/`else` follows.
    fn test_then_block(
        &mut self,
        escape: &mut i32,
        cond: &Expr,
        b: &Block,
        more: bool,
    ) -> Result<(), CompileError> {
        let mut v = self.expr(cond)?;
        self.fs().line = b.open_line;
        let jf;
        let mut skip = 0;
        // `if c then break` / `if c then goto forward`: the condition's true exits are the
        // jump itself (a backward goto may need a Close first, so it is not fused). PUC fuses
        // only `break`; a goto is fused only when on the line of `then`, where its own jump
        // would fire no line event of its own.
        let fused = match b.stats.first() {
            Some(Stat {
                kind: StatKind::Break,
                line,
                ..
            }) => Some((BREAK, *line)),
            Some(Stat {
                kind: StatKind::Goto(name),
                line,
                end_line,
            }) => {
                if *end_line != b.open_line || self.fs().labels.iter().any(|l| l.name == *name) {
                    None
                } else {
                    Some((name.as_str(), *line))
                }
            }
            _ => None,
        };
        if let Some((name, line)) = fused {
            self.fs().go_if_false(&mut v)?;
            self.enter_block(false);
            self.new_goto(name, line, v.t);
            self.fs().line = line;
            if b.stats.len() == 1 && b.ret.is_none() {
                return self.leave_block(b.end_line);
            }
            jf = self.fs().jump();
            skip = 1;
        } else {
            self.fs().go_if_true(&mut v)?;
            self.enter_block(false);
            jf = v.f;
        }
        self.stat_list_from(b, skip, false)?;
        self.fs().line = b.last_line;
        self.leave_block(b.end_line)?;
        let fs = self.fs();
        if more {
            let j = fs.jump();
            fs.concat_jumps(escape, j);
        }
        fs.patch_to_here(jf);
        Ok(())
    }

    fn numfor_stat(
        &mut self,
        var: &str,
        start: &Expr,
        limit: &Expr,
        step: Option<&Expr>,
        body: &Block,
        line: u32,
    ) -> Result<(), CompileError> {
        self.enter_block(true);
        let base = self.fs().free_reg as u8;
        for _ in 0..3 {
            self.fs().new_localvar("(for state)", VarKind::Regular)?;
        }
        self.fs().new_localvar(var, VarKind::Regular)?;
        for e in [Some(start), Some(limit), step] {
            match e {
                Some(e) => {
                    let mut v = self.expr(e)?;
                    self.fs().exp2nextreg(&mut v)?;
                }
                None => {
                    let fs = self.fs();
                    let r = fs.free_reg as u8;
                    fs.code_int(r, 1);
                    fs.reserve_regs(1)?;
                }
            }
        }
        self.fs().adjust_localvars(3);
        self.for_body(base, line, 1, false, body)?;
        self.fs().line = body.end_line;
        self.leave_block(body.end_line)
    }

    fn genfor_stat(
        &mut self,
        names: &[String],
        exprs: &[Expr],
        body: &Block,
        line: u32,
    ) -> Result<(), CompileError> {
        self.enter_block(true);
        let base = self.fs().free_reg as u8;
        for _ in 0..4 {
            self.fs().new_localvar("(for state)", VarKind::Regular)?;
        }
        for n in names {
            self.fs().new_localvar(n, VarKind::Regular)?;
        }
        let (mut e, n) = self.explist(exprs)?;
        self.adjust_assign(4, n, &mut e)?;
        let fs = self.fs();
        fs.adjust_localvars(4);
        fs.mark_to_be_closed();
        fs.check_stack(3)?;
        self.for_body(base, line, names.len(), true, body)?;
        self.fs().line = body.end_line;
        self.leave_block(body.end_line)
    }

    fn for_body(
        &mut self,
        base: u8,
        line: u32,
        nvars: usize,
        generic: bool,
        body: &Block,
    ) -> Result<(), CompileError> {
        let fs = self.fs();
        fs.line = body.open_line;
        let prep = if generic {
            fs.emit(Instr::TForPrep { a: base, j: 0 })
        } else {
            fs.emit(Instr::ForPrep { a: base, j: 0 })
        };
        self.enter_block(false);
        let fs = self.fs();
        fs.adjust_localvars(nvars);
        fs.reserve_regs(nvars as u32)?;
        self.block(body)?;
        self.leave_block(body.end_line)?;
        let fs = self.fs();
        let label = fs.get_label();
        if generic {
            fs.code[prep] = Instr::TForPrep {
                a: base,
                j: (label - (prep + 1)) as i32,
            };
            fs.emit(Instr::TForCall {
                a: base,
                c: nvars as u8,
            });
            fs.fix_line(line);
            let endfor = fs.pc();
            fs.emit(Instr::TForLoop {
                a: base,
                j: (prep as i32 + 1) - (endfor as i32 + 1),
            });
            fs.fix_line(line);
        } else {
            fs.code[prep] = Instr::ForPrep {
                a: base,
                j: (label - prep) as i32,
            };
            let endfor = fs.pc();
            fs.emit(Instr::ForLoop {
                a: base,
                j: (prep as i32 + 1) - (endfor as i32 + 1),
            });
            fs.fix_line(line);
        }
        Ok(())
    }

    /// `function a.b.c:m() ... end`
    fn func_stat(
        &mut self,
        name: &FuncName,
        func: &FuncBody,
        line: u32,
    ) -> Result<(), CompileError> {
        let (mut v, mut readonly) = self.single_var(&name.base)?;
        let fields = name.path.iter().chain(name.method.iter());
        for (f, &fline) in fields.zip(&name.lines) {
            readonly = false;
            let fs = self.fs();
            fs.line = fline;
            fs.exp2anyregup(&mut v)?;
            let k = fs.str_k(f.as_bytes());
            let mut key = ExpDesc::new(Kind::KStr(k));
            fs.indexed(&mut v, &mut key)?;
        }
        let mut b = self.body(func)?;
        if readonly {
            let msg = format!("attempt to assign to const variable '{}'", name.base);
            return Err(self.fs().error(line, &msg));
        }
        let fs = self.fs();
        fs.store_var(&v, &mut b)?;
        fs.fix_line(line);
        Ok(())
    }

    /// `local function name() ... end` (the name is in scope in the body).
    fn local_func(&mut self, name: &str, func: &FuncBody) -> Result<(), CompileError> {
        let fs = self.fs();
        let vidx = fs.new_localvar(name, VarKind::Regular)?;
        fs.adjust_localvars(1);
        // The closure is created in the next register, which is the variable's.
        self.body(func)?;
        let fs = self.fs();
        let pidx = fs.actvars[vidx].pidx;
        let pc = fs.pc() as u32;
        fs.locals[pidx].start_pc = pc;
        Ok(())
    }
}
