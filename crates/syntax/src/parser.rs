//! The Lua 5.4 parser (manual §3.2–3.4 and the complete syntax in §9): recursive descent over
//! the lexer's tokens, building the `ast`. Operator precedence and associativity follow §3.4.8,
//! with PUC Lua's priority table (`or` < `and` < comparison < `|` < `~` < `&` < shift < `..`
//! (right) < `+ -` < `* / // %` < unary < `^` (right)).
//!
//! Error messages and the line they name are PUC's (see `lib.rs`). Two limits keep every input
//! from overflowing the Rust stack, here and in the compiler that walks the tree:
//! - nesting: like PUC's C-level count, each statement, each (sub)expression level (so each
//!   parenthesis, unary operator, table constructor and right-associative operand) and each
//!   extra assignment target takes a level while it is parsed; more than `MAX_LEVELS` fails
//!   with PUC's message `C stack overflow`;
//! - tree height: the depth of recursion a walk of the tree needs. Left-associative chains
//!   (`a+a+...`, `a.b.c...`, `f()()...`) take no level, as in PUC, and walks follow them in a
//!   loop (see `ast.rs`), so a chain link is no higher than its left child or one above its
//!   other children, and a chain of any length is as high as its highest operand plus one. A
//!   node higher than `MAX_DEPTH` (only reachable by inputs PUC rejects with `C stack
//!   overflow` anyway) fails with `chunk has too many syntax levels`.
//!
//! Invariant: every parse function returns its node together with the node's height (a leaf
//! is 1), and no returned height exceeds `MAX_DEPTH`.

use crate::ast::*;
use crate::gotos::Gotos;
use crate::lexer::{tok_name, Lexer, Tok, Token};
use crate::scope::Scopes;
use crate::SyntaxError;

mod expr;

/// PUC's `LUAI_MAXCCALLS`: the most nested levels being parsed at once.
pub const MAX_LEVELS: u32 = 200;

/// The greatest height of a tree node (see the module doc).
pub const MAX_DEPTH: u32 = 1090;

type PResult<T> = Result<T, SyntaxError>;

/// Parser state: the lexer, the current token and an optional lookahead.
pub struct Parser<'a> {
    lex: Lexer<'a>,
    tok: Token,
    ahead: Option<Token>,
    /// Levels now being parsed (see `MAX_LEVELS`).
    level: u32,
    /// Whether the function being parsed is vararg (`...` is allowed).
    vararg: bool,
    /// Locals and upvalues per function, for PUC's limit errors (see `scope`).
    scopes: Scopes,
    /// Labels and pending gotos per function, for PUC's parse-time goto errors (see `gotos`).
    gotos: Gotos,
    /// PUC's `lastline`: the lexer's line when the last token was consumed (normally the
    /// line that token ends on). The tree records it where the compiler needs the line PUC
    /// gives an instruction (see `Expr::end_line`, `Block::last_line`).
    last_line: u32,
}

/// `h + 1`, the height of a node whose highest child has height `h`.
fn up(h: u32) -> u32 {
    h + 1
}

impl<'a> Parser<'a> {
    pub fn new(mut lex: Lexer<'a>) -> PResult<Self> {
        let tok = lex.next_token()?;
        let mut gotos = Gotos::default();
        gotos.open_func();
        Ok(Parser {
            lex,
            tok,
            ahead: None,
            level: 0,
            vararg: true,
            scopes: Scopes::new(),
            gotos,
            last_line: 1,
        })
    }

    /// A node whose last token is the last one consumed.
    fn node(&self, line: u32, kind: ExprKind) -> Expr {
        Expr {
            line,
            end_line: self.last_line,
            done_line: self.last_line,
            kind,
        }
    }

    // ---- token helpers -------------------------------------------------------------------

    fn next(&mut self) -> PResult<()> {
        self.last_line = self.lex.line;
        self.tok = match self.ahead.take() {
            Some(t) => t,
            None => self.lex.next_token()?,
        };
        Ok(())
    }

    /// The token after the current one (read once and kept).
    fn lookahead(&mut self) -> PResult<&Tok> {
        if self.ahead.is_none() {
            self.ahead = Some(self.lex.next_token()?);
        }
        Ok(self.ahead.as_ref().map_or(&Tok::Eof, |t| &t.tok))
    }

    fn is(&self, c: u8) -> bool {
        self.tok.tok == Tok::Char(c)
    }

    fn test_next(&mut self, tok: &Tok) -> PResult<bool> {
        if self.tok.tok == *tok {
            self.next()?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    fn check_next(&mut self, tok: &Tok) -> PResult<()> {
        if self.test_next(tok)? {
            Ok(())
        } else {
            Err(self.error_expected(tok))
        }
    }

    /// Consumes `what`, which closes `who` opened at `line`.
    fn check_match(&mut self, what: &Tok, who: &Tok, line: u32) -> PResult<()> {
        if self.test_next(what)? {
            return Ok(());
        }
        if line == self.lex.line {
            Err(self.error_expected(what))
        } else {
            let msg = format!(
                "{} expected (to close {} at line {})",
                tok_name(what),
                tok_name(who),
                line
            );
            Err(self.error(&msg))
        }
    }

    /// `name`: the current token must be a name; consumes it.
    fn check_name(&mut self) -> PResult<Name> {
        if let Tok::Name(name) = &mut self.tok.tok {
            let name = std::mem::take(name);
            self.next()?;
            Ok(name)
        } else {
            Err(self.error_expected(&Tok::Name(String::new())))
        }
    }

    /// Declares a local (not yet visible) in the innermost function, checking PUC's limit.
    fn declare(&mut self, name: &str) -> PResult<()> {
        match self.scopes.declare(name) {
            Ok(()) => Ok(()),
            Err(msg) => Err(self.error(&msg)),
        }
    }

    /// Records a use of variable `name` (upvalue limit).
    fn use_name(&mut self, name: &str) -> PResult<()> {
        match self.scopes.use_name(name) {
            Ok(()) => Ok(()),
            Err(msg) => Err(self.error(&msg)),
        }
    }

    // ---- errors and limits ---------------------------------------------------------------

    /// A syntax error at the current line, quoting the current token.
    #[cold]
    fn error(&self, msg: &str) -> SyntaxError {
        let t = &self.tok;
        let text: Vec<u8> = match &t.tok {
            // PUC's token code for a zero byte is 0, which means "no token to quote".
            Tok::Char(0) => return self.sem_error(msg),
            Tok::Eof => return self.lex.error(msg, None),
            Tok::Name(_) | Tok::Int(_) | Tok::Float(_) => self.lex.slice(t.start, t.end).to_vec(),
            Tok::Str(value) => {
                // Short strings show their delimiters; long strings their brackets.
                let src = self.lex.slice(t.start, t.end);
                let (open, close) = match src.first() {
                    Some(b'[') => {
                        let level = src.iter().skip(1).take_while(|&&b| b == b'=').count();
                        let eq = "=".repeat(level);
                        (format!("[{eq}["), format!("]{eq}]"))
                    }
                    Some(&d) => ((d as char).to_string(), (d as char).to_string()),
                    None => (String::new(), String::new()),
                };
                let mut text = open.into_bytes();
                text.extend_from_slice(value);
                text.extend_from_slice(close.as_bytes());
                text
            }
            other => {
                // `tok_name` quotes already; take its quotes off to quote uniformly.
                let name = tok_name(other);
                let bare = name.strip_prefix('\'').and_then(|n| n.strip_suffix('\''));
                bare.unwrap_or(&name).as_bytes().to_vec()
            }
        };
        self.lex.error(msg, Some(&text))
    }

    #[cold]
    fn error_expected(&self, tok: &Tok) -> SyntaxError {
        self.error(&format!("{} expected", tok_name(tok)))
    }

    /// An error without a `near` part (PUC's `luaK_semerror`).
    #[cold]
    fn sem_error(&self, msg: &str) -> SyntaxError {
        SyntaxError {
            message: format!("{}:{}: {}", self.lex.chunk, self.lex.line, msg),
        }
    }

    /// Takes a nesting level (see `MAX_LEVELS`).
    fn enter(&mut self) -> PResult<()> {
        self.level += 1;
        if self.level >= MAX_LEVELS {
            return Err(SyntaxError {
                message: "C stack overflow".to_string(),
            });
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.level -= 1;
    }

    /// Checks a node height against `MAX_DEPTH`.
    fn height(&self, h: u32) -> PResult<u32> {
        if h > MAX_DEPTH {
            Err(self.error("chunk has too many syntax levels"))
        } else {
            Ok(h)
        }
    }

    // ---- blocks and statements -----------------------------------------------------------
    //
    // Frame size matters here: every nesting level repeats the frames on its recursion path,
    // and unoptimised builds give each temporary its own stack slot. So statement functions
    // push their `Stat` into the enclosing block's list and return only the height, and
    // dispatch goes through one function-pointer call site instead of one call per kind.

    /// mainfunc -> block EOF
    pub fn main_chunk(&mut self) -> PResult<FuncBody> {
        let (body, _) = self.block(None)?;
        if self.tok.tok != Tok::Eof {
            return Err(self.error_expected(&Tok::Eof));
        }
        self.gotos.close_func().map_err(|m| self.sem_error(&m))?;
        Ok(FuncBody {
            params: Vec::new(),
            is_vararg: true,
            body,
            line: 0,
            end_line: 0,
        })
    }

    /// Whether the current token ends a block (`until` only when `with_until`).
    fn block_follow(&self, with_until: bool) -> bool {
        match self.tok.tok {
            Tok::Else | Tok::Elseif | Tok::End | Tok::Eof => true,
            Tok::Until => with_until,
            _ => false,
        }
    }

    /// block -> { stat [';'] } [retstat]
    /// `loop_start`: for a loop body, the count of active locals before the loop's own (its
    /// `break`s are resolved when the body closes).
    fn block(&mut self, loop_start: Option<usize>) -> PResult<(Block, u32)> {
        let mut block = Block {
            stats: Vec::new(),
            ret: None,
            end_line: 0,
            open_line: self.last_line,
            last_line: 0,
        };
        let mut h = 0;
        let mark = self.scopes.mark();
        let nactvar = loop_start.unwrap_or_else(|| self.scopes.nactvar());
        self.gotos.enter_block(nactvar, loop_start.is_some());
        while !self.block_follow(true) {
            if self.tok.tok == Tok::Return {
                h = h.max(self.ret_stat(&mut block.ret)?);
                break;
            }
            h = h.max(self.statement(&mut block.stats)?);
        }
        self.gotos.leave_block();
        self.scopes.restore(mark);
        block.end_line = self.tok.line;
        block.last_line = self.last_line;
        Ok((block, self.height(up(h))?))
    }

    /// retstat -> RETURN [explist] [';']
    fn ret_stat(&mut self, ret: &mut Option<(Vec<Expr>, u32)>) -> PResult<u32> {
        let line = self.tok.line;
        self.enter()?;
        self.next()?;
        let (exprs, h) = if self.block_follow(true) || self.is(b';') {
            (Vec::new(), 0)
        } else {
            self.exp_list()?
        };
        self.test_next(&Tok::Char(b';'))?;
        self.leave();
        *ret = Some((exprs, line));
        self.height(up(h))
    }

    /// One statement, pushed onto `stats` (nothing for an empty statement `;`); returns its
    /// height.
    fn statement(&mut self, stats: &mut Vec<Stat>) -> PResult<u32> {
        type StatFn<'a> = fn(&mut Parser<'a>, u32, &mut Vec<Stat>) -> PResult<u32>;
        let line = self.tok.line;
        let parse: StatFn<'a> = match self.tok.tok {
            Tok::Char(b';') => {
                self.next()?;
                return Ok(0);
            }
            Tok::If => Self::if_stat,
            Tok::While => Self::while_stat,
            Tok::Do => Self::do_stat,
            Tok::For => Self::for_stat,
            Tok::Repeat => Self::repeat_stat,
            Tok::Function => Self::func_stat,
            Tok::Local => Self::local_stat,
            Tok::DbColon => Self::label_stat,
            Tok::Break => Self::break_stat,
            Tok::Goto => Self::goto_stat,
            _ => Self::expr_stat,
        };
        self.enter()?;
        let h = parse(self, line, stats)?;
        self.leave();
        Ok(h)
    }

    /// Pushes a statement whose highest child has height `h`; returns its height.
    fn push_stat(&self, stats: &mut Vec<Stat>, line: u32, kind: StatKind, h: u32) -> PResult<u32> {
        stats.push(Stat {
            line,
            end_line: self.last_line,
            kind,
        });
        self.height(up(h))
    }

    /// DO block END
    fn do_stat(&mut self, line: u32, stats: &mut Vec<Stat>) -> PResult<u32> {
        self.next()?;
        let (body, h) = self.block(None)?;
        self.check_match(&Tok::End, &Tok::Do, line)?;
        self.push_stat(stats, line, StatKind::Do(body), h)
    }

    /// label -> '::' NAME '::'
    /// As in PUC, the no-op statements after a label (`;` and further labels) are parsed
    /// first, so consecutive labels are declared last to first, all where the next real
    /// statement (or the block's end) starts.
    fn label_stat(&mut self, line: u32, stats: &mut Vec<Stat>) -> PResult<u32> {
        self.next()?;
        let name = self.check_name()?;
        self.check_next(&Tok::DbColon)?;
        while self.is(b';') || self.tok.tok == Tok::DbColon {
            self.statement(stats)?;
        }
        let last = self.block_follow(false);
        let nactvar = self.scopes.nactvar();
        let scopes = &self.scopes;
        let res = self
            .gotos
            .label(&name, line, nactvar, last, |i| scopes.local_name(i));
        res.map_err(|m| self.sem_error(&m))?;
        self.push_stat(stats, line, StatKind::Label(name), 0)
    }

    /// BREAK
    fn break_stat(&mut self, line: u32, stats: &mut Vec<Stat>) -> PResult<u32> {
        self.next()?;
        self.gotos.goto("break", line, self.scopes.nactvar());
        self.push_stat(stats, line, StatKind::Break, 0)
    }

    /// GOTO NAME
    fn goto_stat(&mut self, line: u32, stats: &mut Vec<Stat>) -> PResult<u32> {
        self.next()?;
        // PUC's goto line is the one the lexer has reached past `goto`.
        let goto_line = self.lex.line;
        let name = self.check_name()?;
        self.gotos.goto(&name, goto_line, self.scopes.nactvar());
        self.push_stat(stats, line, StatKind::Goto(name), 0)
    }

    /// ifstat -> IF cond THEN block {ELSEIF cond THEN block} [ELSE block] END
    fn if_stat(&mut self, line: u32, stats: &mut Vec<Stat>) -> PResult<u32> {
        let mut arms = Vec::new();
        let mut h = 0;
        loop {
            h = h.max(self.test_then_block(&mut arms)?);
            if self.tok.tok != Tok::Elseif {
                break;
            }
        }
        let else_block = if self.test_next(&Tok::Else)? {
            let (block, bh) = self.block(None)?;
            h = h.max(bh);
            Some(block)
        } else {
            None
        };
        self.check_match(&Tok::End, &Tok::If, line)?;
        self.push_stat(stats, line, StatKind::If { arms, else_block }, h)
    }

    /// test_then_block -> [IF | ELSEIF] cond THEN block
    fn test_then_block(&mut self, arms: &mut Vec<(Expr, Block)>) -> PResult<u32> {
        self.next()?; // skip IF or ELSEIF
        let (cond, ch) = self.expr()?;
        self.check_next(&Tok::Then)?;
        let (block, bh) = self.block(None)?;
        arms.push((cond, block));
        Ok(ch.max(bh))
    }

    /// whilestat -> WHILE cond DO block END
    fn while_stat(&mut self, line: u32, stats: &mut Vec<Stat>) -> PResult<u32> {
        self.next()?;
        let (cond, ch) = self.expr()?;
        self.check_next(&Tok::Do)?;
        let (body, bh) = self.block(Some(self.scopes.nactvar()))?;
        self.check_match(&Tok::End, &Tok::While, line)?;
        self.push_stat(stats, line, StatKind::While { cond, body }, ch.max(bh))
    }

    /// repeatstat -> REPEAT block UNTIL cond
    fn repeat_stat(&mut self, line: u32, stats: &mut Vec<Stat>) -> PResult<u32> {
        self.next()?;
        let (body, bh) = self.block(Some(self.scopes.nactvar()))?;
        self.check_match(&Tok::Until, &Tok::Repeat, line)?;
        let (cond, ch) = self.expr()?;
        self.push_stat(stats, line, StatKind::Repeat { body, cond }, ch.max(bh))
    }

    /// forstat -> FOR (fornum | forlist) END
    fn for_stat(&mut self, line: u32, stats: &mut Vec<Stat>) -> PResult<u32> {
        type ForFn<'a> = fn(&mut Parser<'a>, u32, Name, &mut Vec<Stat>) -> PResult<u32>;
        self.next()?;
        let var = self.check_name()?;
        let parse: ForFn<'a> = match self.tok.tok {
            Tok::Char(b'=') => Self::num_for,
            Tok::Char(b',') | Tok::In => Self::gen_for,
            _ => return Err(self.error("'=' or 'in' expected")),
        };
        let h = parse(self, line, var, stats)?;
        self.check_match(&Tok::End, &Tok::For, line)?;
        Ok(h)
    }

    /// fornum -> NAME '=' exp ',' exp [',' exp] forbody
    /// forbody -> DO block
    fn num_for(&mut self, line: u32, var: Name, stats: &mut Vec<Stat>) -> PResult<u32> {
        let mark = self.scopes.mark();
        let outer = self.scopes.nactvar();
        for _ in 0..3 {
            self.declare("(for state)")?;
        }
        self.declare(&var)?;
        self.next()?;
        let (start, h1) = self.expr()?;
        self.check_next(&Tok::Char(b','))?;
        let (limit, h2) = self.expr()?;
        let mut step = None;
        let mut h = h1.max(h2);
        if self.test_next(&Tok::Char(b','))? {
            let (e, h3) = self.expr()?;
            step = Some(e);
            h = h.max(h3);
        }
        self.check_next(&Tok::Do)?;
        self.scopes.activate();
        let (body, bh) = self.block(Some(outer))?;
        self.scopes.restore(mark);
        let kind = StatKind::NumFor {
            var,
            start,
            limit,
            step,
            body,
        };
        self.push_stat(stats, line, kind, h.max(bh))
    }

    /// forlist -> NAME {',' NAME} IN explist forbody
    fn gen_for(&mut self, line: u32, var: Name, stats: &mut Vec<Stat>) -> PResult<u32> {
        let mark = self.scopes.mark();
        let outer = self.scopes.nactvar();
        for _ in 0..4 {
            self.declare("(for state)")?;
        }
        self.declare(&var)?;
        let mut names = vec![var];
        while self.test_next(&Tok::Char(b','))? {
            let name = self.check_name()?;
            self.declare(&name)?;
            names.push(name);
        }
        self.check_next(&Tok::In)?;
        let iter_line = self.tok.line;
        let (exprs, eh) = self.exp_list()?;
        self.check_next(&Tok::Do)?;
        self.scopes.activate();
        let (body, bh) = self.block(Some(outer))?;
        self.scopes.restore(mark);
        self.push_stat(
            stats,
            line,
            StatKind::GenFor {
                names,
                exprs,
                body,
                iter_line,
            },
            eh.max(bh),
        )
    }

    /// funcstat -> FUNCTION funcname body
    /// funcname -> NAME {'.' NAME} [':' NAME]
    fn func_stat(&mut self, line: u32, stats: &mut Vec<Stat>) -> PResult<u32> {
        self.next()?;
        let base = self.check_name()?;
        self.use_name(&base)?;
        let mut path = Vec::new();
        let mut lines = Vec::new();
        while self.is(b'.') {
            lines.push(self.last_line);
            self.next()?;
            path.push(self.check_name()?);
        }
        let method = if self.is(b':') {
            lines.push(self.last_line);
            self.next()?;
            Some(self.check_name()?)
        } else {
            None
        };
        let (func, h) = self.body(method.is_some(), line)?;
        // PUC checks the name once the body is parsed.
        if path.is_empty() && method.is_none() && self.scopes.is_readonly(&base) {
            return Err(self.const_error(&base));
        }
        let kind = StatKind::Function {
            name: FuncName {
                base,
                path,
                method,
                lines,
            },
            func,
        };
        self.push_stat(stats, line, kind, h)
    }

    /// LOCAL (localfunc | localvars)
    /// localfunc -> LOCAL FUNCTION NAME body
    fn local_stat(&mut self, line: u32, stats: &mut Vec<Stat>) -> PResult<u32> {
        self.next()?;
        if !self.test_next(&Tok::Function)? {
            return self.local_vars(line, stats);
        }
        let name = self.check_name()?;
        self.declare(&name)?;
        self.scopes.activate();
        // As PUC, the function's line is that of the token after the name.
        let fline = self.tok.line;
        let (func, h) = self.body(false, fline)?;
        self.push_stat(stats, line, StatKind::LocalFunction { name, func }, h)
    }

    /// localvars -> LOCAL NAME attrib {',' NAME attrib} ['=' explist]
    /// attrib -> ['<' NAME '>']
    fn local_vars(&mut self, line: u32, stats: &mut Vec<Stat>) -> PResult<u32> {
        let mut names = Vec::new();
        let mut has_close = false;
        loop {
            let name = self.check_name()?;
            self.declare(&name)?;
            let attrib = if self.test_next(&Tok::Char(b'<'))? {
                let attr = self.check_name()?;
                self.check_next(&Tok::Char(b'>'))?;
                match attr.as_str() {
                    "const" => Attrib::Const,
                    "close" => Attrib::Close,
                    _ => return Err(self.sem_error(&format!("unknown attribute '{attr}'"))),
                }
            } else {
                Attrib::None
            };
            if attrib == Attrib::Const {
                self.scopes.set_last_const();
            }
            if attrib == Attrib::Close {
                self.scopes.set_last_close();
                if has_close {
                    return Err(self.sem_error("multiple to-be-closed variables in local list"));
                }
                has_close = true;
            }
            names.push((name, attrib));
            if !self.test_next(&Tok::Char(b','))? {
                break;
            }
        }
        let (exprs, h) = if self.test_next(&Tok::Char(b'='))? {
            self.exp_list()?
        } else {
            (Vec::new(), 0)
        };
        self.scopes.activate();
        self.push_stat(stats, line, StatKind::Local { names, exprs }, h)
    }

    /// exprstat -> func | assignment
    /// assignment -> suffixedexp {',' suffixedexp} '=' explist
    fn expr_stat(&mut self, line: u32, stats: &mut Vec<Stat>) -> PResult<u32> {
        let (first, h) = self.suffixed_exp()?;
        if self.is(b'=') || self.is(b',') {
            return self.assignment(line, first, h, stats);
        }
        if !matches!(first.kind, ExprKind::Call(..) | ExprKind::MethodCall(..)) {
            return Err(self.error("syntax error"));
        }
        self.push_stat(stats, line, StatKind::Call(first), h)
    }

    /// The rest of an assignment whose first target is `first`. As in PUC, each target after
    /// the first takes a nesting level.
    fn assignment(
        &mut self,
        line: u32,
        first: Expr,
        mut h: u32,
        stats: &mut Vec<Stat>,
    ) -> PResult<u32> {
        let is_var = |e: &Expr| matches!(e.kind, ExprKind::Name(_) | ExprKind::Index(..));
        if !is_var(&first) {
            return Err(self.error("syntax error"));
        }
        self.check_writable(&first)?;
        let mut targets = vec![first];
        let saved_level = self.level;
        while self.test_next(&Tok::Char(b','))? {
            let (target, th) = self.suffixed_exp()?;
            self.enter()?;
            if !is_var(&target) {
                return Err(self.error("syntax error"));
            }
            self.check_writable(&target)?;
            h = h.max(th);
            targets.push(target);
        }
        self.check_next(&Tok::Char(b'='))?;
        let (exprs, eh) = self.exp_list()?;
        self.level = saved_level;
        self.push_stat(stats, line, StatKind::Assign { targets, exprs }, h.max(eh))
    }

    /// PUC's `check_readonly`: an assignment target naming a `<const>` or `<close>` variable
    /// fails as soon as it is parsed.
    fn check_writable(&self, target: &Expr) -> PResult<()> {
        match &target.kind {
            ExprKind::Name(n) if self.scopes.is_readonly(n) => Err(self.const_error(n)),
            _ => Ok(()),
        }
    }

    #[cold]
    fn const_error(&self, name: &str) -> SyntaxError {
        self.sem_error(&format!("attempt to assign to const variable '{name}'"))
    }

    /// body -> '(' parlist ')' block END
    /// parlist -> [ {NAME ','} (NAME | '...') ]
    fn body(&mut self, is_method: bool, line: u32) -> PResult<(Box<FuncBody>, u32)> {
        self.check_next(&Tok::Char(b'('))?;
        let mut func = Box::new(FuncBody {
            params: Vec::new(),
            is_vararg: false,
            body: Block {
                stats: Vec::new(),
                ret: None,
                end_line: 0,
                open_line: 0,
                last_line: 0,
            },
            line,
            end_line: 0,
        });
        self.scopes.open_func(line);
        self.gotos.open_func();
        if is_method {
            self.declare("self")?;
            func.params.push("self".to_string());
        }
        if !self.is(b')') {
            loop {
                match self.tok.tok {
                    Tok::Name(_) => {
                        let name = self.check_name()?;
                        self.declare(&name)?;
                        func.params.push(name);
                    }
                    Tok::Dots => {
                        self.next()?;
                        func.is_vararg = true;
                    }
                    _ => return Err(self.error("<name> or '...' expected")),
                }
                if func.is_vararg || !self.test_next(&Tok::Char(b','))? {
                    break;
                }
            }
        }
        self.check_next(&Tok::Char(b')'))?;
        self.scopes.activate();
        let outer_vararg = std::mem::replace(&mut self.vararg, func.is_vararg);
        let (body, h) = self.block(None)?;
        func.body = body;
        func.end_line = self.tok.line;
        self.check_match(&Tok::End, &Tok::Function, line)?;
        self.gotos.close_func().map_err(|m| self.sem_error(&m))?;
        self.scopes.close_func();
        self.vararg = outer_vararg;
        Ok((func, self.height(up(h))?))
    }
}
