//! Compilation of expressions (manual §3.4): names (locals, upvalues, globals through `_ENV`,
//! §2.2 and §3.5), table accesses, calls and method calls with multiple results, varargs,
//! function constructors, table constructors (§3.4.9) and operators.

use crate::expdesc::{ExpDesc, Kind};
use crate::func::{ConstVal, FuncState, VarKind};
use crate::{CompileError, Compiler};
use tape_bytecode::Instr;
use tape_syntax::ast::{Expr, ExprKind, Field, FuncBody};

/// Positional items stored per `SetList`.
const FIELDS_PER_FLUSH: u32 = 50;
/// The functions one function may define directly: PUC's limit (`MAXARG_Bx`), kept so the same
/// chunks load.
const MAX_FUNCTIONS: usize = (1 << 17) - 1;

/// Where a name was found while resolving it.
enum Found {
    Local(usize),
    Upval(usize),
}

impl Compiler {
    /// Resolves a name; the flag says whether it is read-only (`<const>`/`<close>`).
    pub(crate) fn single_var(&mut self, name: &str) -> Result<(ExpDesc, bool), CompileError> {
        let n = self.funcs.len();
        let mut found = None;
        for level in (0..n).rev() {
            if let Some(v) = self.funcs[level].find_var(name) {
                found = Some((level, Found::Local(v)));
                break;
            }
            if let Some(u) = self.funcs[level].find_upval(name) {
                found = Some((level, Found::Upval(u)));
                break;
            }
        }
        let Some((level, what)) = found else {
            // A global: _ENV[name].
            if name == "_ENV" {
                let fs = self.fs();
                return Err(fs.error(fs.line, "no _ENV in scope"));
            }
            let (mut env, _) = self.single_var("_ENV")?;
            let fs = self.fs();
            fs.exp2anyregup(&mut env)?;
            let k = fs.str_k(name.as_bytes());
            let mut key = ExpDesc::new(Kind::KStr(k));
            fs.indexed(&mut env, &mut key)?;
            return Ok((env, false));
        };
        let (mut idx, readonly) = match what {
            Found::Local(vidx) => {
                let v = &self.funcs[level].actvars[vidx];
                let readonly = v.kind != VarKind::Regular;
                let (kind, reg) = (v.kind, v.reg);
                if let VarKind::CompileConst(cv) = kind {
                    let e = self.const_exp(level, cv);
                    return Ok((e, true));
                }
                if level == n - 1 {
                    return Ok((ExpDesc::new(Kind::Local(reg)), readonly));
                }
                self.funcs[level].mark_upval(vidx);
                let u = self.funcs[level + 1].new_upval(name, true, reg, readonly)?;
                (u, readonly)
            }
            Found::Upval(u) => {
                let readonly = self.funcs[level].upvals[u].readonly;
                if level == n - 1 {
                    return Ok((ExpDesc::new(Kind::Upval(u as u8)), readonly));
                }
                let u = self.funcs[level + 1].new_upval(name, false, u as u8, readonly)?;
                (u, readonly)
            }
        };
        let start = match what {
            Found::Local(_) => level + 2,
            Found::Upval(_) => level + 2,
        };
        for l in start..n {
            idx = self.funcs[l].new_upval(name, false, idx, readonly)?;
        }
        Ok((ExpDesc::new(Kind::Upval(idx)), readonly))
    }

    /// The expression for a compile-time constant declared at function `level`.
    fn const_exp(&mut self, level: usize, cv: ConstVal) -> ExpDesc {
        let k = match cv {
            ConstVal::Nil => Kind::Nil,
            ConstVal::Bool(true) => Kind::True,
            ConstVal::Bool(false) => Kind::False,
            ConstVal::Int(i) => Kind::KInt(i),
            ConstVal::Flt(f) => Kind::KFlt(f),
            ConstVal::Str(k) => {
                if level == self.funcs.len() - 1 {
                    Kind::KStr(k)
                } else {
                    let bytes = self.funcs[level].const_str(k).to_vec();
                    Kind::KStr(self.fs().str_k(&bytes))
                }
            }
        };
        ExpDesc::new(k)
    }

    /// Compiles an expression, leaving it undischarged.
    ///
    /// Lines: `fs.line` follows PUC's `lastline`, the line of the last token its one-pass
    /// parser has read, which is what PUC gives each instruction it emits (unless it fixes
    /// the line of an operator or a call to the operator's or call's line). On entry it is
    /// the line of the token before the expression; on return, `e.end_line`. Code that a
    /// context emits for the expression afterwards sets the line of the tokens PUC reads
    /// first (a `,`, a `)`, `then`: see `Expr::done_line`, `Block::open_line`).
    pub(crate) fn expr(&mut self, e: &Expr) -> Result<ExpDesc, CompileError> {
        self.enter_level(e.line)?;
        let r = self.expr_inner(e);
        self.depth -= 1;
        self.fs().line = e.end_line;
        r
    }

    fn expr_inner(&mut self, e: &Expr) -> Result<ExpDesc, CompileError> {
        let d = match &e.kind {
            ExprKind::Nil => ExpDesc::new(Kind::Nil),
            ExprKind::True => ExpDesc::new(Kind::True),
            ExprKind::False => ExpDesc::new(Kind::False),
            ExprKind::Int(i) => ExpDesc::new(Kind::KInt(*i)),
            ExprKind::Float(f) => ExpDesc::new(Kind::KFlt(*f)),
            ExprKind::Str(s) => {
                let k = self.fs().str_k(s);
                ExpDesc::new(Kind::KStr(k))
            }
            ExprKind::Vararg => {
                let fs = self.fs();
                fs.line = e.line;
                if !fs.is_vararg {
                    return Err(fs.error(
                        e.line,
                        "cannot use '...' outside a vararg function near '...'",
                    ));
                }
                ExpDesc::new(Kind::Vararg(fs.emit(Instr::VarArg { a: 0, c: 0 })))
            }
            ExprKind::Function(body) => self.body(body)?,
            ExprKind::Table(fields) => self.constructor(fields, e.line, e.end_line)?,
            ExprKind::Name(n) => {
                self.fs().line = e.end_line;
                self.single_var(n)?.0
            }
            ExprKind::Index(..) | ExprKind::Call(..) | ExprKind::MethodCall(..) => self.chain(e)?,
            ExprKind::Paren(inner) => {
                let mut v = self.expr(inner)?;
                let fs = self.fs();
                fs.line = e.end_line;
                fs.discharge_vars(&mut v);
                v
            }
            ExprKind::Binary(op, l, r) if op.is_right_assoc() => {
                let v1 = self.expr(l)?;
                self.chain_link(e, v1)?
            }
            ExprKind::Binary(..) => self.chain(e)?,
            ExprKind::Unary(op, x) => {
                let mut v = self.expr(x)?;
                self.fs().prefix(*op, &mut v, e.line)?;
                v
            }
        };
        Ok(d)
    }

    /// Compiles a left-associative chain (see `Expr::chain_child`): its innermost operand by
    /// recursion, then each link from the inside out in a loop, so a chain of any length takes
    /// one level of recursion (plus what its other operands need). The instructions are those
    /// the plain recursive walk would emit, in the same order.
    fn chain(&mut self, top: &Expr) -> Result<ExpDesc, CompileError> {
        let mut links = Vec::new();
        let mut e = top;
        while let Some(child) = e.chain_child() {
            links.push(e);
            e = child;
        }
        let mut v = self.expr(e)?;
        for link in links.iter().rev() {
            v = self.chain_link(link, v)?;
            self.fs().line = link.end_line;
        }
        Ok(v)
    }

    /// Completes chain link `e` whose left operand (receiver, called expression) compiled to
    /// `v`.
    fn chain_link(&mut self, e: &Expr, mut v: ExpDesc) -> Result<ExpDesc, CompileError> {
        Ok(match &e.kind {
            ExprKind::Index(_, key) => {
                self.fs().exp2anyregup(&mut v)?;
                let mut k = self.expr(key)?;
                let fs = self.fs();
                fs.exp2val(&mut k)?;
                fs.line = e.end_line;
                fs.indexed(&mut v, &mut k)?;
                v
            }
            ExprKind::Call(_, args) => {
                self.fs().exp2nextreg(&mut v)?;
                self.func_args(v, args, e.line)?
            }
            ExprKind::MethodCall(_, name, name_line, args) => {
                let fs = self.fs();
                fs.line = *name_line;
                fs.self_op(&mut v, name.as_bytes())?;
                self.func_args(v, args, e.line)?
            }
            ExprKind::Binary(op, _, r) => {
                let fs = self.fs();
                fs.line = e.line;
                fs.infix(*op, &mut v)?;
                let mut v2 = self.expr(r)?;
                self.fs().posfix(*op, &mut v, &mut v2, e.line)?;
                v
            }
            _ => v,
        })
    }

    /// Compiles an expression list; all but the last go to consecutive registers. Returns the
    /// last expression (undischarged) and the number of expressions.
    pub(crate) fn explist(&mut self, exprs: &[Expr]) -> Result<(ExpDesc, usize), CompileError> {
        let Some((last, init)) = exprs.split_last() else {
            return Ok((ExpDesc::new(Kind::Void), 0));
        };
        for e in init {
            let mut v = self.expr(e)?;
            let fs = self.fs();
            fs.line = e.done_line;
            fs.exp2nextreg(&mut v)?;
        }
        let v = self.expr(last)?;
        self.fs().line = last.done_line;
        Ok((v, exprs.len()))
    }

    /// Arguments and the call itself; `f` is in its register (the call's base).
    fn func_args(&mut self, f: ExpDesc, args: &[Expr], line: u32) -> Result<ExpDesc, CompileError> {
        let base = match f.k {
            Kind::NonReloc(r) => r,
            _ => 0,
        };
        let (mut e, _) = self.explist(args)?;
        let fs = self.fs();
        let b = if e.is_multret() {
            fs.set_returns(&mut e, -1)?;
            0
        } else {
            if e.k != Kind::Void {
                fs.exp2nextreg(&mut e)?;
            }
            (fs.free_reg - base as u32) as u8
        };
        let pc = fs.emit(Instr::Call { a: base, b, c: 2 });
        fs.fix_line(line);
        fs.free_reg = base as u32 + 1;
        Ok(ExpDesc::new(Kind::Call(pc)))
    }

    /// Compiles a nested function; the result is its `Closure` instruction (relocatable).
    pub(crate) fn body(&mut self, f: &FuncBody) -> Result<ExpDesc, CompileError> {
        let (chunkid, source) = (self.chunkid.clone(), self.source.clone());
        let mut fs = FuncState::new(chunkid, source, f.line);
        fs.last_line_defined = f.end_line;
        fs.is_vararg = f.is_vararg;
        self.funcs.push(fs);
        self.enter_block(false);
        for p in &f.params {
            self.fs().new_localvar(p, VarKind::Regular)?;
        }
        let fs = self.fs();
        fs.adjust_localvars(f.params.len());
        fs.num_params = f.params.len() as u8;
        fs.reserve_regs(f.params.len() as u32)?;
        self.stat_list(&f.body, false)?;
        let proto = self.close_func(f.body.end_line, f.end_line)?;
        let fs = self.fs();
        if fs.protos.len() >= MAX_FUNCTIONS {
            // PUC raises it as a runtime error of `load`, without a position.
            return Err(CompileError {
                message: format!("too many functions (limit is {MAX_FUNCTIONS})"),
            });
        }
        let p = fs.protos.len() as u32;
        fs.protos.push(proto);
        fs.line = f.end_line;
        // Into the next free register at once, as PUC's `codeclosure`: the collector may run
        // at CLOSURE and keeps only the registers below its target (see `gc.rs`), so the
        // target must sit above every live temporary (never relocated down into a local).
        let mut e = ExpDesc::new(Kind::Reloc(fs.emit(Instr::Closure { a: 0, p })));
        fs.exp2nextreg(&mut e)?;
        Ok(e)
    }

    /// `{ fields }`; `line` is the line of the token before `{`, `end_line` that of `}`.
    fn constructor(
        &mut self,
        fields: &[Field],
        line: u32,
        end_line: u32,
    ) -> Result<ExpDesc, CompileError> {
        let fs = self.fs();
        fs.line = line;
        let pc = fs.emit(Instr::NewTable {
            a: 0,
            nhash: 0,
            narr: 0,
        });
        // NEWTABLE never targets a register below a live temporary (the collector may run at
        // it and keeps only the registers below its target, see `gc.rs`), so `{}` goes to the
        // next free register, as in PUC. Spread over lines it takes the general path below,
        // which puts it there too, with the line events of PUC's later `MOVE`.
        if fields.is_empty() && line == end_line {
            let mut e = ExpDesc::new(Kind::Reloc(pc));
            fs.exp2nextreg(&mut e)?;
            return Ok(e);
        }
        let treg = fs.free_reg as u8;
        if let Instr::NewTable { a, .. } = &mut fs.code[pc] {
            *a = treg;
        }
        fs.reserve_regs(1)?;
        let t = ExpDesc::new(Kind::NonReloc(treg));
        let (mut na, mut nh, mut tostore) = (0u32, 0u32, 0u32);
        let mut pending = ExpDesc::new(Kind::Void);
        for field in fields {
            // Close the previous positional item.
            if pending.k != Kind::Void {
                let fs = self.fs();
                fs.exp2nextreg(&mut pending)?;
                pending = ExpDesc::new(Kind::Void);
                if tostore == FIELDS_PER_FLUSH {
                    fs.emit(Instr::SetList {
                        a: treg,
                        n: tostore as u8,
                        off: na,
                    });
                    fs.free_reg = treg as u32 + 1;
                    na += tostore;
                    tostore = 0;
                }
            }
            match field {
                Field::Positional(e) => {
                    pending = self.expr(e)?;
                    self.fs().line = e.done_line;
                    tostore += 1;
                }
                Field::Named(name, val) => {
                    nh += 1;
                    let fs = self.fs();
                    let saved = fs.free_reg;
                    let k = fs.str_k(name.as_bytes());
                    let mut key = ExpDesc::new(Kind::KStr(k));
                    let mut tab = t;
                    fs.indexed(&mut tab, &mut key)?;
                    let mut v = self.expr(val)?;
                    let fs = self.fs();
                    fs.store_var(&tab, &mut v)?;
                    fs.free_reg = saved;
                }
                Field::Keyed(k, val) => {
                    nh += 1;
                    let saved = self.fs().free_reg;
                    let mut key = self.expr(k)?;
                    let fs = self.fs();
                    fs.exp2val(&mut key)?;
                    fs.line = k.done_line;
                    let mut tab = t;
                    fs.indexed(&mut tab, &mut key)?;
                    let mut v = self.expr(val)?;
                    let fs = self.fs();
                    fs.store_var(&tab, &mut v)?;
                    fs.free_reg = saved;
                }
            }
        }
        let fs = self.fs();
        fs.line = end_line;
        // A last item with open results (`{f(), g()}`) gets an array slot of its own: most
        // such calls give at least one value, and SETLIST then stores them without growing
        // the array.
        let mut open = 0;
        if tostore > 0 {
            if pending.is_multret() {
                open = 1;
                fs.set_returns(&mut pending, -1)?;
                fs.emit(Instr::SetList {
                    a: treg,
                    n: 0,
                    off: na,
                });
                tostore -= 1;
            } else {
                if pending.k != Kind::Void {
                    fs.exp2nextreg(&mut pending)?;
                }
                fs.emit(Instr::SetList {
                    a: treg,
                    n: tostore as u8,
                    off: na,
                });
            }
            na += tostore;
            fs.free_reg = treg as u32 + 1;
        }
        if let Instr::NewTable { nhash, narr, .. } = &mut fs.code[pc] {
            *narr = na.saturating_add(open);
            *nhash = nh.min(255) as u8;
        }
        Ok(t)
    }
}
