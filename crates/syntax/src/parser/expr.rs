//! Expressions (manual §3.4): operators by PUC's priority table, operands, suffixed
//! expressions, calls and table constructors. As for statements, functions on the recursion
//! path keep few temporaries: each kind of operand or suffix has its own function, reached
//! through one function-pointer call site. Heights follow the rule in `parser.rs`: a
//! left-associative chain link is no higher than its left child when that is a link too.

use super::{up, PResult, Parser};
use crate::ast::*;
use crate::lexer::Tok;

/// The priority of unary operators: tighter than all binary operators but `^`.
const UNARY_PRIORITY: u8 = 12;

/// The height of a chain link whose left child `child` has height `child_h` and whose other
/// children reach `other_h`: a walk that reaches the link through a chain loops on to `child`
/// when that is a link too.
fn link_height(child: &Expr, child_h: u32, other_h: u32) -> u32 {
    if child.chain_child().is_some() {
        child_h.max(up(other_h))
    } else {
        up(child_h.max(other_h))
    }
}

/// The binary operator a token stands for, with its left and right priorities.
fn binary_op(tok: &Tok) -> Option<(BinOp, u8, u8)> {
    Some(match tok {
        Tok::Char(b'+') => (BinOp::Add, 10, 10),
        Tok::Char(b'-') => (BinOp::Sub, 10, 10),
        Tok::Char(b'*') => (BinOp::Mul, 11, 11),
        Tok::Char(b'%') => (BinOp::Mod, 11, 11),
        Tok::Char(b'^') => (BinOp::Pow, 14, 13),
        Tok::Char(b'/') => (BinOp::Div, 11, 11),
        Tok::IDiv => (BinOp::IDiv, 11, 11),
        Tok::Char(b'&') => (BinOp::BAnd, 6, 6),
        Tok::Char(b'|') => (BinOp::BOr, 4, 4),
        Tok::Char(b'~') => (BinOp::BXor, 5, 5),
        Tok::Shl => (BinOp::Shl, 7, 7),
        Tok::Shr => (BinOp::Shr, 7, 7),
        Tok::Concat => (BinOp::Concat, 9, 8),
        Tok::Eq => (BinOp::Eq, 3, 3),
        Tok::Ne => (BinOp::Ne, 3, 3),
        Tok::Char(b'<') => (BinOp::Lt, 3, 3),
        Tok::Le => (BinOp::Le, 3, 3),
        Tok::Char(b'>') => (BinOp::Gt, 3, 3),
        Tok::Ge => (BinOp::Ge, 3, 3),
        Tok::And => (BinOp::And, 2, 2),
        Tok::Or => (BinOp::Or, 1, 1),
        _ => return None,
    })
}

fn unary_op(tok: &Tok) -> Option<UnOp> {
    match tok {
        Tok::Not => Some(UnOp::Not),
        Tok::Char(b'-') => Some(UnOp::Neg),
        Tok::Char(b'~') => Some(UnOp::BNot),
        Tok::Char(b'#') => Some(UnOp::Len),
        _ => None,
    }
}

impl<'a> Parser<'a> {
    /// explist -> expr {',' expr}
    pub(super) fn exp_list(&mut self) -> PResult<(Vec<Expr>, u32)> {
        let mut list = Vec::new();
        let mut h = 0;
        loop {
            h = h.max(self.push_expr(&mut list)?);
            if !self.test_next(&Tok::Char(b','))? {
                return Ok((list, h));
            }
            if let Some(e) = list.last_mut() {
                e.done_line = self.last_line;
            }
        }
    }

    /// Parses an expression onto `list`; returns its height.
    fn push_expr(&mut self, list: &mut Vec<Expr>) -> PResult<u32> {
        let (e, h) = self.expr()?;
        list.push(e);
        Ok(h)
    }

    #[inline(always)]
    pub(super) fn expr(&mut self) -> PResult<(Expr, u32)> {
        self.sub_expr(0)
    }

    /// subexpr -> (simpleexp | unop subexpr) {binop subexpr}
    /// where each binop's left priority is greater than `limit`.
    fn sub_expr(&mut self, limit: u8) -> PResult<(Expr, u32)> {
        type OperandFn<'a> = fn(&mut Parser<'a>) -> PResult<(Expr, u32)>;
        self.enter()?;
        let first: OperandFn<'a> = if unary_op(&self.tok.tok).is_some() {
            Self::unary_exp
        } else {
            Self::simple_exp
        };
        let mut acc = first(self)?;
        while let Some((op, left_pri, right_pri)) = binary_op(&self.tok.tok) {
            if left_pri <= limit {
                break;
            }
            acc = self.binary_exp(acc, op, right_pri)?;
        }
        self.leave();
        Ok(acc)
    }

    /// unop subexpr, with the operand bound tighter than any binary operator but `^`.
    fn unary_exp(&mut self) -> PResult<(Expr, u32)> {
        let line = self.tok.line;
        let op = unary_op(&self.tok.tok).unwrap_or(UnOp::Not);
        self.next()?;
        let (operand, h) = self.sub_expr(UNARY_PRIORITY)?;
        Ok((
            self.node(line, ExprKind::Unary(op, Box::new(operand))),
            self.height(up(h))?,
        ))
    }

    /// At a binary operator: `left op subexpr(right_pri)`.
    fn binary_exp(&mut self, left: (Expr, u32), op: BinOp, right_pri: u8) -> PResult<(Expr, u32)> {
        let line = self.tok.line;
        self.next()?;
        let (right, rh) = self.sub_expr(right_pri)?;
        let h = if op.is_right_assoc() {
            up(left.1.max(rh))
        } else {
            link_height(&left.0, left.1, rh)
        };
        let h = self.height(h)?;
        Ok((
            self.node(
                line,
                ExprKind::Binary(op, Box::new(left.0), Box::new(right)),
            ),
            h,
        ))
    }

    /// simpleexp -> FLT | INT | STRING | NIL | TRUE | FALSE | '...' | constructor
    ///            | FUNCTION body | suffixedexp
    fn simple_exp(&mut self) -> PResult<(Expr, u32)> {
        type OperandFn<'a> = fn(&mut Parser<'a>) -> PResult<(Expr, u32)>;
        let parse: OperandFn<'a> = match self.tok.tok {
            Tok::Float(_)
            | Tok::Int(_)
            | Tok::Str(_)
            | Tok::Nil
            | Tok::True
            | Tok::False
            | Tok::Dots => Self::literal,
            Tok::Char(b'{') => Self::constructor,
            Tok::Function => Self::function_exp,
            _ => Self::suffixed_exp,
        };
        parse(self)
    }

    /// A literal or `...`.
    fn literal(&mut self) -> PResult<(Expr, u32)> {
        // PUC emits `...` before reading it, at the previous token's line.
        let line = if self.tok.tok == Tok::Dots {
            self.last_line
        } else {
            self.tok.line
        };
        let kind = match &mut self.tok.tok {
            Tok::Float(f) => ExprKind::Float(*f),
            Tok::Int(i) => ExprKind::Int(*i),
            Tok::Str(s) => ExprKind::Str(std::mem::take(s)),
            Tok::Nil => ExprKind::Nil,
            Tok::True => ExprKind::True,
            Tok::False => ExprKind::False,
            _ => {
                if !self.vararg {
                    return Err(self.error("cannot use '...' outside a vararg function"));
                }
                ExprKind::Vararg
            }
        };
        self.next()?;
        Ok((self.node(line, kind), 1))
    }

    /// FUNCTION body
    fn function_exp(&mut self) -> PResult<(Expr, u32)> {
        let line = self.tok.line;
        self.next()?;
        // As PUC, the function's line is that of the token after `function`.
        let fline = self.tok.line;
        let (func, h) = self.body(false, fline)?;
        Ok((
            self.node(line, ExprKind::Function(func)),
            self.height(up(h))?,
        ))
    }

    /// primaryexp -> NAME | '(' expr ')'
    fn primary_exp(&mut self) -> PResult<(Expr, u32)> {
        let line = self.tok.line;
        match self.tok.tok {
            Tok::Name(_) => {
                let name = self.check_name()?;
                self.use_name(&name)?;
                Ok((self.node(line, ExprKind::Name(name)), 1))
            }
            Tok::Char(b'(') => self.paren_exp(),
            _ => Err(self.error("unexpected symbol")),
        }
    }

    /// '(' expr ')'
    fn paren_exp(&mut self) -> PResult<(Expr, u32)> {
        let line = self.tok.line;
        self.next()?;
        let (inner, h) = self.expr()?;
        self.check_match(&Tok::Char(b')'), &Tok::Char(b'('), line)?;
        Ok((
            self.node(line, ExprKind::Paren(Box::new(inner))),
            self.height(up(h))?,
        ))
    }

    /// suffixedexp -> primaryexp { '.' NAME | '[' exp ']' | ':' NAME funcargs | funcargs }
    /// Every suffix node gets the line where the primary expression starts.
    pub(super) fn suffixed_exp(&mut self) -> PResult<(Expr, u32)> {
        type SuffixFn<'a> = fn(&mut Parser<'a>, (Expr, u32), u32) -> PResult<(Expr, u32)>;
        // PUC takes the lexer's line: past the token after the name when a constructor
        // has looked ahead for `=`.
        let line = self.lex.line;
        let mut acc = self.primary_exp()?;
        loop {
            let parse: SuffixFn<'a> = match self.tok.tok {
                Tok::Char(b'.') => Self::field_suffix,
                Tok::Char(b'[') => Self::index_suffix,
                Tok::Char(b':') => Self::method_suffix,
                Tok::Char(b'(' | b'{') | Tok::Str(_) => Self::call_suffix,
                _ => return Ok(acc),
            };
            acc = parse(self, acc, line)?;
        }
    }

    /// '.' NAME
    fn field_suffix(&mut self, obj: (Expr, u32), line: u32) -> PResult<(Expr, u32)> {
        self.next()?;
        let key_line = self.tok.line;
        let name = self.check_name()?;
        let key = self.node(key_line, ExprKind::Str(name.into_bytes()));
        let h = self.height(link_height(&obj.0, obj.1, 1))?;
        Ok((
            self.node(line, ExprKind::Index(Box::new(obj.0), Box::new(key))),
            h,
        ))
    }

    /// '[' exp ']'
    fn index_suffix(&mut self, obj: (Expr, u32), line: u32) -> PResult<(Expr, u32)> {
        self.next()?;
        let (key, kh) = self.expr()?;
        self.check_next(&Tok::Char(b']'))?;
        let h = self.height(link_height(&obj.0, obj.1, kh))?;
        Ok((
            self.node(line, ExprKind::Index(Box::new(obj.0), Box::new(key))),
            h,
        ))
    }

    /// ':' NAME funcargs
    fn method_suffix(&mut self, obj: (Expr, u32), line: u32) -> PResult<(Expr, u32)> {
        self.next()?;
        let name = self.check_name()?;
        let name_line = self.last_line;
        let (args, ah) = self.func_args(line)?;
        let h = self.height(link_height(&obj.0, obj.1, ah))?;
        Ok((
            self.node(
                line,
                ExprKind::MethodCall(Box::new(obj.0), name, name_line, args),
            ),
            h,
        ))
    }

    /// funcargs
    fn call_suffix(&mut self, func: (Expr, u32), line: u32) -> PResult<(Expr, u32)> {
        let (args, ah) = self.func_args(line)?;
        let h = self.height(link_height(&func.0, func.1, ah))?;
        Ok((self.node(line, ExprKind::Call(Box::new(func.0), args)), h))
    }

    /// funcargs -> '(' [explist] ')' | constructor | STRING
    fn func_args(&mut self, line: u32) -> PResult<(Vec<Expr>, u32)> {
        let mut args = Vec::new();
        let h = match &mut self.tok.tok {
            Tok::Char(b'(') => {
                self.next()?;
                let mut h = 0;
                if !self.is(b')') {
                    (args, h) = self.exp_list()?;
                }
                self.check_match(&Tok::Char(b')'), &Tok::Char(b'('), line)?;
                // PUC completes the last argument after reading `)`.
                if let Some(e) = args.last_mut() {
                    e.done_line = self.last_line;
                }
                h
            }
            Tok::Char(b'{') => self.push_table(&mut args)?,
            Tok::Str(s) => {
                let (line, s) = (self.tok.line, std::mem::take(s));
                self.next()?;
                args.push(self.node(line, ExprKind::Str(s)));
                1
            }
            _ => return Err(self.error("function arguments expected")),
        };
        Ok((args, h))
    }

    /// Parses a table constructor onto `list`; returns its height.
    fn push_table(&mut self, list: &mut Vec<Expr>) -> PResult<u32> {
        let (table, h) = self.constructor()?;
        list.push(table);
        Ok(h)
    }

    /// constructor -> '{' [field {sep field} [sep]] '}'
    /// sep -> ',' | ';'
    fn constructor(&mut self) -> PResult<(Expr, u32)> {
        type FieldFn<'a> = fn(&mut Parser<'a>, &mut Vec<Field>) -> PResult<u32>;
        let line = self.tok.line;
        // PUC emits the table's creation before reading `{`, at the previous token's line.
        let prev_line = self.last_line;
        self.check_next(&Tok::Char(b'{'))?;
        let mut fields = Vec::new();
        let mut h = 0;
        loop {
            if self.is(b'}') {
                break;
            }
            let is_named =
                matches!(self.tok.tok, Tok::Name(_)) && *self.lookahead()? == Tok::Char(b'=');
            let parse: FieldFn<'a> = if is_named {
                Self::named_field
            } else if self.is(b'[') {
                Self::keyed_field
            } else {
                Self::list_field
            };
            h = h.max(parse(self, &mut fields)?);
            if !(self.test_next(&Tok::Char(b','))? || self.test_next(&Tok::Char(b';'))?) {
                break;
            }
            // A positional item is completed when the next field starts, past the separator.
            if let Some(Field::Positional(e)) = fields.last_mut() {
                e.done_line = self.last_line;
            }
        }
        self.check_match(&Tok::Char(b'}'), &Tok::Char(b'{'), line)?;
        // The last one after `}`.
        if let Some(Field::Positional(e)) = fields.last_mut() {
            e.done_line = self.last_line;
        }
        Ok((
            self.node(prev_line, ExprKind::Table(fields)),
            self.height(up(h))?,
        ))
    }

    /// field -> NAME '=' exp
    fn named_field(&mut self, fields: &mut Vec<Field>) -> PResult<u32> {
        let name = self.check_name()?;
        self.check_next(&Tok::Char(b'='))?;
        let (value, h) = self.expr()?;
        fields.push(Field::Named(name, value));
        Ok(h)
    }

    /// field -> '[' exp ']' '=' exp
    fn keyed_field(&mut self, fields: &mut Vec<Field>) -> PResult<u32> {
        self.next()?;
        let (mut key, kh) = self.expr()?;
        self.check_next(&Tok::Char(b']'))?;
        self.check_next(&Tok::Char(b'='))?;
        // PUC puts a constant key in a register once it has read `=`.
        key.done_line = self.last_line;
        let (value, vh) = self.expr()?;
        fields.push(Field::Keyed(key, value));
        Ok(kh.max(vh))
    }

    /// field -> exp
    fn list_field(&mut self, fields: &mut Vec<Field>) -> PResult<u32> {
        let (value, h) = self.expr()?;
        fields.push(Field::Positional(value));
        Ok(h)
    }
}
