//! The abstract syntax tree of a Lua 5.4 chunk (manual §3).
//!
//! The parser builds it; the compiler consumes it. It is a plain tree of owned data: names are
//! not resolved (a `Name` may be a local, an upvalue or a global; the compiler decides), and
//! nothing is folded or rewritten beyond what the grammar itself says:
//! - `a.b` and `a:m(...)`'s receiver lookup become `Index` with a string-constant key;
//! - `function t.a.b:m() end` keeps its path in `FuncName`, and the parser has already put
//!   `self` first in the method's parameter list;
//! - every `Expr` and `Stat` carries the source line that error messages and line info use.
//!
//! Invariant: the tree is finite, but left-associative chains (`a+b+c...`, `a.b.c...`,
//! `f()()...`, `a and b and c...`) may be arbitrarily deep along their left spine, as PUC's
//! parser accepts them. Every walk therefore follows a chain's spine (`Expr::chain_child`) in a
//! loop and recurses only into the other children; the parser bounds the depth such a walk
//! reaches (its "height", see `parser.rs`), so it cannot overflow the Rust stack. Dropping a
//! tree is such a walk too (`Drop for Expr`); the derived `Clone`, `PartialEq` and `Debug` are
//! not, and are meant for tests on small trees only.

/// An identifier. Lua identifiers are ASCII letters, digits and `_`.
pub type Name = String;

/// A function body: the main chunk, a `function` expression or statement, or a local function.
#[derive(Clone, Debug, PartialEq)]
pub struct FuncBody {
    /// Declared parameters in order; for a method (`function a:m()`), `self` comes first.
    pub params: Vec<Name>,
    /// Whether the parameter list ends in `...` (always true for the main chunk).
    pub is_vararg: bool,
    pub body: Block,
    /// The line PUC records as the function's `linedefined` (0 for the main chunk): the line
    /// of the `function` keyword for a function statement, and of the token after `function`
    /// (or after the name of a local function), normally `(`, otherwise. It is also the line
    /// named in "'end' expected (to close 'function' at line N)".
    pub line: u32,
    /// Line of the closing `end` (0 for the main chunk).
    pub end_line: u32,
}

/// A sequence of statements, optionally ended by `return`.
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    pub stats: Vec<Stat>,
    /// `return explist` as the block's last statement, with the line of `return`.
    pub ret: Option<(Vec<Expr>, u32)>,
    /// The line of the token that closes the block (`end`, `until`, `else`, `elseif`, or the
    /// last line of the chunk). PUC reports unresolved `goto`/`break` at this line.
    pub end_line: u32,
    /// The line of the token before the block (`then`, `do`, `else`, `repeat`, the `)` of a
    /// parameter list): where PUC's parser is when it emits code that opens the block.
    pub open_line: u32,
    /// The line of the block's last token (`open_line` if the block is empty): where PUC's
    /// parser is when it emits code that closes the block (a loop's jump back, a `CLOSE`).
    pub last_line: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attrib {
    /// No attribute.
    None,
    /// `<const>`: assignment is a compile error; a constant initializer may be folded away.
    Const,
    /// `<close>`: to-be-closed variable (implies const).
    Close,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Stat {
    /// The line of the statement's first token.
    pub line: u32,
    /// The line of the statement's last token.
    pub end_line: u32,
    pub kind: StatKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum StatKind {
    /// `local n1 <a1>, n2 <a2> = e1, e2`
    Local {
        names: Vec<(Name, Attrib)>,
        exprs: Vec<Expr>,
    },
    /// `t1, t2 = e1, e2`; each target is a `Name` or `Index` expression.
    Assign {
        targets: Vec<Expr>,
        exprs: Vec<Expr>,
    },
    /// A function call used as a statement; the expression is `Call` or `MethodCall`.
    Call(Expr),
    /// `do block end`
    Do(Block),
    /// `while cond do block end`
    While { cond: Expr, body: Block },
    /// `repeat block until cond` (the condition sees the block's locals).
    Repeat { body: Block, cond: Expr },
    /// `if c1 then b1 elseif c2 then b2 else b3 end`
    If {
        arms: Vec<(Expr, Block)>,
        else_block: Option<Block>,
    },
    /// `for var = start, limit [, step] do block end`
    NumFor {
        var: Name,
        start: Expr,
        limit: Expr,
        step: Option<Expr>,
        body: Block,
    },
    /// `for n1, n2 in e1, e2 do block end`
    GenFor {
        names: Vec<Name>,
        exprs: Vec<Expr>,
        body: Block,
        /// The line of the token after `in`, which PUC gives the call of the iterator.
        iter_line: u32,
    },
    /// `function a.b.c:m(params) body end`
    Function { name: FuncName, func: Box<FuncBody> },
    /// `local function name(params) body end` (the name is in scope inside the body)
    LocalFunction { name: Name, func: Box<FuncBody> },
    /// `goto name`
    Goto(Name),
    /// `::name::`
    Label(Name),
    /// `break`
    Break,
}

/// The name in a function statement: `base.path[0].path[1]...:method`.
#[derive(Clone, Debug, PartialEq)]
pub struct FuncName {
    pub base: Name,
    pub path: Vec<Name>,
    pub method: Option<Name>,
    /// The line of each name but the last (the base, then the path): PUC looks each prefix
    /// up when it reads the `.` or `:` after it.
    pub lines: Vec<u32>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// For binary and unary operators, the operator's line; for calls, the line where the
    /// called prefix expression starts (as PUC does); for `...` and table constructors, the
    /// line of the token before them (PUC emits their instruction before reading them);
    /// otherwise the line of its first token.
    pub line: u32,
    /// The line of the expression's last token.
    pub end_line: u32,
    /// Where PUC's parser is when the context completes the expression (puts it in its
    /// register): for an item of a list, the line of the `,` after it, and for the last
    /// argument of a call or the last field of a constructor, the line of the closing
    /// `)` or `}` (PUC reads that token first); otherwise `end_line`.
    pub done_line: u32,
    pub kind: ExprKind,
}

impl Expr {
    /// For a link of a left-associative chain (a binary operator other than `..` and `^`, an
    /// index, a call or a method call), the left operand, receiver or called expression: the
    /// child the chain continues through, which walks follow in a loop.
    pub fn chain_child(&self) -> Option<&Expr> {
        match &self.kind {
            ExprKind::Binary(op, l, _) if !op.is_right_assoc() => Some(l),
            ExprKind::Index(o, _) | ExprKind::Call(o, _) | ExprKind::MethodCall(o, ..) => Some(o),
            _ => None,
        }
    }

    /// `chain_child`, mutably.
    fn chain_child_mut(&mut self) -> Option<&mut Expr> {
        match &mut self.kind {
            ExprKind::Binary(op, l, _) if !op.is_right_assoc() => Some(l),
            ExprKind::Index(o, _) | ExprKind::Call(o, _) | ExprKind::MethodCall(o, ..) => Some(o),
            _ => None,
        }
    }
}

/// Drops a chain link by link: each link's left child is emptied before the link is freed, so
/// the recursion of the default drop only enters the other children.
impl Drop for Expr {
    fn drop(&mut self) {
        let Some(child) = self.chain_child_mut() else {
            return;
        };
        let mut kind = std::mem::replace(&mut child.kind, ExprKind::Nil);
        loop {
            let mut link = Expr {
                line: 0,
                end_line: 0,
                done_line: 0,
                kind: std::mem::replace(&mut kind, ExprKind::Nil),
            };
            match link.chain_child_mut() {
                Some(child) => kind = std::mem::replace(&mut child.kind, ExprKind::Nil),
                None => break,
            }
            // `link` is dropped here with an empty left child.
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Nil,
    True,
    False,
    /// `...`
    Vararg,
    /// An integer numeral (decimal numerals that overflow i64 become `Float`; hex wrap around).
    Int(i64),
    Float(f64),
    /// A string literal, escapes already decoded (any bytes).
    Str(Vec<u8>),
    /// `function (params) body end`
    Function(Box<FuncBody>),
    /// `{ fields }`
    Table(Vec<Field>),
    /// A bare name: local, upvalue or global (`_ENV.name`).
    Name(Name),
    /// `obj[key]`, and `obj.name` as `obj["name"]`.
    Index(Box<Expr>, Box<Expr>),
    /// `f(args)`, `f"str"`, `f{table}`
    Call(Box<Expr>, Vec<Expr>),
    /// `obj:name(args)`, with the line of `name` (where PUC looks the method up).
    MethodCall(Box<Expr>, Name, u32, Vec<Expr>),
    /// `(e)`: truncates a multi-value expression to one value.
    Paren(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    Unary(UnOp, Box<Expr>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Field {
    /// `expr` (takes the next array index; the last one may expand to several values)
    Positional(Expr),
    /// `name = expr`
    Named(Name, Expr),
    /// `[key] = expr`
    Keyed(Expr, Expr),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    IDiv,
    Mod,
    Pow,
    Concat,
    BAnd,
    BOr,
    BXor,
    Shl,
    Shr,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
}

impl BinOp {
    /// `..` and `^` group to the right; every other binary operator to the left.
    pub fn is_right_assoc(self) -> bool {
        matches!(self, BinOp::Concat | BinOp::Pow)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnOp {
    /// `-e`
    Neg,
    /// `not e`
    Not,
    /// `#e`
    Len,
    /// `~e`
    BNot,
}
