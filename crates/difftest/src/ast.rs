//! The generated program as a small syntax tree, and its rendering to Lua source.
//!
//! The tree is what the shrinker edits: statements can be removed or unwrapped, and expressions
//! replaced by a subexpression or a constant. Pieces that must keep their exact shape for the
//! program to terminate (loop guards, recursion depth checks) are built into the statement kinds
//! themselves (`While`, `Repeat`), or are `Raw` text that is kept or removed whole.

/// A block: a list of statements.
pub type Block = Vec<Stmt>;

#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Nil,
    True,
    False,
    Int(i64),
    Float(f64),
    Str(Vec<u8>),
    Vararg,
    /// A name or a dotted path used verbatim (`x`, `math.max`, `string.format`).
    Name(String),
    Index(Box<Expr>, Box<Expr>),
    Field(Box<Expr>, String),
    Call(Box<Expr>, Vec<Expr>),
    Method(Box<Expr>, String, Vec<Expr>),
    /// `op`, left, right, and whether the right operand starts on a new line.
    Bin(BinOp, Box<Expr>, Box<Expr>, bool),
    Un(UnOp, Box<Expr>),
    Paren(Box<Expr>),
    Func(Box<FuncBody>),
    Table(Vec<TField>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum TField {
    Pos(Expr),
    Named(String, Expr),
    Keyed(Expr, Expr),
}

#[derive(Clone, Debug, PartialEq)]
pub struct FuncBody {
    pub params: Vec<String>,
    pub vararg: bool,
    pub body: Block,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    IDiv,
    Mod,
    Pow,
    Concat,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
    BAnd,
    BOr,
    BXor,
    Shl,
    Shr,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnOp {
    Neg,
    Not,
    Len,
    BNot,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attr {
    None,
    Const,
    Close,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Stmt {
    Local(Vec<(String, Attr)>, Vec<Expr>),
    Assign(Vec<Expr>, Vec<Expr>),
    /// An expression statement (a call).
    Call(Expr),
    Do(Block),
    /// `local g = 0 while g < limit and cond do g = g + 1 body end`: the guard keeps it finite.
    While {
        guard: String,
        limit: u32,
        cond: Expr,
        body: Block,
    },
    /// `local g = 0 repeat g = g + 1 body until g >= limit or cond`.
    Repeat {
        guard: String,
        limit: u32,
        body: Block,
        cond: Expr,
    },
    If(Vec<(Expr, Block)>, Option<Block>),
    NumFor(String, Expr, Expr, Option<Expr>, Block),
    GenFor(Vec<String>, Vec<Expr>, Block),
    LocalFunc(String, FuncBody),
    /// `function name(...)` where name is a global or a dotted/method path.
    Func(String, FuncBody),
    Return(Vec<Expr>),
    Break,
    Goto(String),
    Label(String),
    /// Verbatim source, kept or removed as a whole.
    Raw(String),
}

/// A whole program.
#[derive(Clone, Debug, PartialEq)]
pub struct Program {
    pub body: Block,
}

impl BinOp {
    pub fn text(self) -> &'static str {
        use BinOp::*;
        match self {
            Add => "+",
            Sub => "-",
            Mul => "*",
            Div => "/",
            IDiv => "//",
            Mod => "%",
            Pow => "^",
            Concat => "..",
            Eq => "==",
            Ne => "~=",
            Lt => "<",
            Le => "<=",
            Gt => ">",
            Ge => ">=",
            And => "and",
            Or => "or",
            BAnd => "&",
            BOr => "|",
            BXor => "~",
            Shl => "<<",
            Shr => ">>",
        }
    }
}

impl UnOp {
    fn text(self) -> &'static str {
        match self {
            UnOp::Neg => "-",
            UnOp::Not => "not ",
            UnOp::Len => "#",
            UnOp::BNot => "~",
        }
    }
}

/// Renders a program to Lua source.
pub fn render(p: &Program) -> String {
    let mut r = Renderer {
        out: String::new(),
        indent: 0,
    };
    r.block(&p.body);
    r.out
}

/// Renders one expression to Lua source.
pub fn render_expr(e: &Expr) -> String {
    let mut r = Renderer {
        out: String::new(),
        indent: 0,
    };
    r.expr(e);
    r.out
}

struct Renderer {
    out: String,
    indent: usize,
}

impl Renderer {
    fn line_start(&mut self) {
        for _ in 0..self.indent {
            self.out.push_str("  ");
        }
    }

    fn nl(&mut self) {
        self.out.push('\n');
    }

    fn block(&mut self, b: &Block) {
        self.indent += 1;
        for s in b {
            self.stmt(s);
        }
        self.indent -= 1;
    }

    fn names(&mut self, names: &[String]) {
        self.out.push_str(&names.join(", "));
    }

    fn exprs(&mut self, es: &[Expr]) {
        for (i, e) in es.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            self.expr(e);
        }
    }

    fn stmt(&mut self, s: &Stmt) {
        self.line_start();
        match s {
            Stmt::Local(names, values) => {
                self.out.push_str("local ");
                for (i, (n, a)) in names.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(", ");
                    }
                    self.out.push_str(n);
                    match a {
                        Attr::None => {}
                        Attr::Const => self.out.push_str(" <const>"),
                        Attr::Close => self.out.push_str(" <close>"),
                    }
                }
                if !values.is_empty() {
                    self.out.push_str(" = ");
                    self.exprs(values);
                }
            }
            Stmt::Assign(targets, values) => {
                self.exprs(targets);
                self.out.push_str(" = ");
                self.exprs(values);
            }
            Stmt::Call(e) => {
                // A statement starting with `(` could continue the previous line's call.
                self.out.push(';');
                self.expr(e);
            }
            Stmt::Do(b) => {
                self.out.push_str("do");
                self.nl();
                self.block(b);
                self.line_start();
                self.out.push_str("end");
            }
            Stmt::While {
                guard,
                limit,
                cond,
                body,
            } => {
                self.out.push_str(&format!("local {guard} = 0"));
                self.nl();
                self.line_start();
                self.out.push_str(&format!("while {guard} < {limit} and "));
                self.expr(cond);
                self.out.push_str(&format!(" do {guard} = {guard} + 1"));
                self.nl();
                self.block(body);
                self.line_start();
                self.out.push_str("end");
            }
            Stmt::Repeat {
                guard,
                limit,
                body,
                cond,
            } => {
                self.out.push_str(&format!("local {guard} = 0"));
                self.nl();
                self.line_start();
                self.out.push_str(&format!("repeat {guard} = {guard} + 1"));
                self.nl();
                self.block(body);
                self.line_start();
                self.out.push_str(&format!("until {guard} >= {limit} or "));
                self.expr(cond);
            }
            Stmt::If(arms, els) => {
                for (i, (c, b)) in arms.iter().enumerate() {
                    if i > 0 {
                        self.line_start();
                        self.out.push_str("else");
                    }
                    self.out.push_str("if ");
                    self.expr(c);
                    self.out.push_str(" then");
                    self.nl();
                    self.block(b);
                }
                if let Some(b) = els {
                    self.line_start();
                    self.out.push_str("else");
                    self.nl();
                    self.block(b);
                }
                self.line_start();
                self.out.push_str("end");
            }
            Stmt::NumFor(v, a, b, step, body) => {
                self.out.push_str(&format!("for {v} = "));
                self.expr(a);
                self.out.push_str(", ");
                self.expr(b);
                if let Some(s) = step {
                    self.out.push_str(", ");
                    self.expr(s);
                }
                self.out.push_str(" do");
                self.nl();
                self.block(body);
                self.line_start();
                self.out.push_str("end");
            }
            Stmt::GenFor(names, exprs, body) => {
                self.out.push_str("for ");
                self.names(names);
                self.out.push_str(" in ");
                self.exprs(exprs);
                self.out.push_str(" do");
                self.nl();
                self.block(body);
                self.line_start();
                self.out.push_str("end");
            }
            Stmt::LocalFunc(name, f) => {
                self.out.push_str(&format!("local function {name}"));
                self.funcbody(f);
            }
            Stmt::Func(name, f) => {
                self.out.push_str(&format!("function {name}"));
                self.funcbody(f);
            }
            Stmt::Return(es) => {
                self.out.push_str("do return");
                if !es.is_empty() {
                    self.out.push(' ');
                    self.exprs(es);
                }
                self.out.push_str(" end");
            }
            Stmt::Break => self.out.push_str("do break end"),
            Stmt::Goto(l) => self.out.push_str(&format!("goto {l}")),
            Stmt::Label(l) => self.out.push_str(&format!("::{l}::")),
            Stmt::Raw(text) => {
                let mut first = true;
                for line in text.lines() {
                    if !first {
                        self.nl();
                        self.line_start();
                    }
                    first = false;
                    self.out.push_str(line);
                }
            }
        }
        self.nl();
    }

    fn funcbody(&mut self, f: &FuncBody) {
        self.out.push('(');
        let mut ps = f.params.clone();
        if f.vararg {
            ps.push("...".into());
        }
        self.names(&ps);
        self.out.push(')');
        self.nl();
        self.block(&f.body);
        self.line_start();
        self.out.push_str("end");
    }

    fn expr(&mut self, e: &Expr) {
        match e {
            Expr::Nil => self.out.push_str("nil"),
            Expr::True => self.out.push_str("true"),
            Expr::False => self.out.push_str("false"),
            Expr::Int(i) => {
                if *i == i64::MIN {
                    self.out.push_str("math.mininteger");
                } else if *i < 0 {
                    // Keep the literal a single token: `(-5)`.
                    self.out.push_str(&format!("(-{})", i.unsigned_abs()));
                } else {
                    self.out.push_str(&i.to_string());
                }
            }
            Expr::Float(f) => self.out.push_str(&float_lit(*f)),
            Expr::Str(s) => self.out.push_str(&str_lit(s)),
            Expr::Vararg => self.out.push_str("..."),
            Expr::Name(n) => self.out.push_str(n),
            Expr::Index(t, k) => {
                self.prefix(t);
                self.out.push('[');
                self.expr(k);
                self.out.push(']');
            }
            Expr::Field(t, k) => {
                self.prefix(t);
                self.out.push('.');
                self.out.push_str(k);
            }
            Expr::Call(f, args) => {
                self.prefix(f);
                self.out.push('(');
                self.exprs(args);
                self.out.push(')');
            }
            Expr::Method(o, m, args) => {
                self.prefix(o);
                self.out.push(':');
                self.out.push_str(m);
                self.out.push('(');
                self.exprs(args);
                self.out.push(')');
            }
            Expr::Bin(op, l, r, newline) => {
                // Every operand is parenthesised, so precedence never matters.
                self.operand(l);
                self.out.push(' ');
                self.out.push_str(op.text());
                if *newline {
                    self.nl();
                    self.line_start();
                    self.out.push_str("  ");
                } else {
                    self.out.push(' ');
                }
                self.operand(r);
            }
            Expr::Un(op, x) => {
                self.out.push_str(op.text());
                self.operand(x);
            }
            Expr::Paren(x) => {
                self.out.push('(');
                self.expr(x);
                self.out.push(')');
            }
            Expr::Func(f) => {
                self.out.push_str("function");
                self.indent += 1;
                self.funcbody(f);
                self.indent -= 1;
            }
            Expr::Table(fields) => {
                self.out.push('{');
                for (i, f) in fields.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(", ");
                    }
                    match f {
                        TField::Pos(e) => self.expr(e),
                        TField::Named(n, e) => {
                            self.out.push_str(n);
                            self.out.push_str(" = ");
                            self.expr(e);
                        }
                        TField::Keyed(k, e) => {
                            self.out.push('[');
                            self.expr(k);
                            self.out.push_str("] = ");
                            self.expr(e);
                        }
                    }
                }
                self.out.push('}');
            }
        }
    }

    /// An operand of an operator: atoms as they are, anything else in parentheses.
    fn operand(&mut self, e: &Expr) {
        let atom = matches!(
            e,
            Expr::Nil
                | Expr::True
                | Expr::False
                | Expr::Str(_)
                | Expr::Name(_)
                | Expr::Index(..)
                | Expr::Field(..)
                | Expr::Call(..)
                | Expr::Method(..)
                | Expr::Paren(_)
                | Expr::Vararg
        ) || matches!(e, Expr::Int(i) if *i >= 0 && *i != i64::MIN)
            || matches!(e, Expr::Float(f) if f.is_finite() && *f >= 0.0 && !(*f == 0.0 && f.is_sign_negative()));
        if atom {
            self.expr(e);
        } else {
            self.out.push('(');
            self.expr(e);
            self.out.push(')');
        }
    }

    /// The prefix of a call or index: names, calls and indexes as they are, others parenthesised.
    fn prefix(&mut self, e: &Expr) {
        match e {
            Expr::Name(_)
            | Expr::Index(..)
            | Expr::Field(..)
            | Expr::Call(..)
            | Expr::Method(..)
            | Expr::Paren(_) => self.expr(e),
            _ => {
                self.out.push('(');
                self.expr(e);
                self.out.push(')');
            }
        }
    }
}

/// A float literal that reads back as the same float (and as a float, not an integer).
pub fn float_lit(f: f64) -> String {
    if f.is_nan() {
        return "(0/0)".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "math.huge" } else { "(-math.huge)" }.into();
    }
    let s = format!("{f:?}");
    let s = if s.contains('.') || s.contains('e') || s.contains("inf") {
        s
    } else {
        format!("{s}.0")
    };
    if f < 0.0 || (f == 0.0 && f.is_sign_negative()) {
        format!("({s})")
    } else {
        s
    }
}

/// A string literal with every unusual byte escaped.
pub fn str_lit(s: &[u8]) -> String {
    let mut out = String::from("\"");
    for &b in s {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\{b:03}")),
        }
    }
    out.push('"');
    out
}
