//! The program generator: typed expressions over a scope of typed variables, so that nearly every
//! program runs to its end, with deliberate errors placed inside `pcall`.
//!
//! Every variable keeps the static type it was declared with; an expression is generated for a
//! wanted type, so arithmetic gets numbers, bitwise operators get integers, and so on. Loops are
//! bounded by construction (constant ranges, guard counters built into `While`/`Repeat`), and
//! recursion by a depth parameter.

use crate::ast::render_expr;
use crate::ast::*;
use crate::rng::Rng;

/// Options for the generator.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Steer around Tape bugs already known and being fixed (a constant or `and`/`or`-only
    /// operand next to an `and`/`or` operand; `string.byte` with an index below `-#s`), so the
    /// run shows the others.
    pub steer: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    Int,
    Float,
    /// A number of either subtype.
    Num,
    Str,
    Bool,
    Nil,
    /// A table of integers `1..n`.
    Arr,
    /// A table `{x = int, y = float, s = string}`.
    Rec,
    /// An instance of the prelude's class `V` (field `v`, an integer), with every metamethod.
    Obj,
    /// A table whose string keys `a`..`d` read as integers through `__index`.
    Prox,
    /// A local function; the index is into `Gen::sigs`.
    Fun(usize),
}

#[derive(Clone, Debug)]
struct Sig {
    params: Vec<Ty>,
    ret: Ty,
}

#[derive(Clone, Debug)]
struct Var {
    name: String,
    ty: Ty,
    konst: bool,
}

#[derive(Clone, Copy, Debug, Default)]
struct LoopCtx {
    /// The loop body has a `::continue::` label at its end.
    has_continue: bool,
    /// `break`/`goto` may be generated here. Not inside a block with a `<close>` variable nor
    /// in a generic `for` with a closing value: lua5.4 5.4.4 mishandles jumps out of those
    /// (the variable is not closed, or a nil `close` metamethod is called later), so the
    /// reference has no right answer to compare with.
    jumps: bool,
}

pub struct Gen {
    rng: Rng,
    opts: Options,
    scopes: Vec<Vec<Var>>,
    sigs: Vec<Sig>,
    next: u32,
    /// Loops of the function being generated (reset in a nested function).
    loops: Vec<LoopCtx>,
    /// Inside a coroutine body (so `coroutine.yield` is allowed), per function.
    in_coro: bool,
    /// The function being generated is vararg.
    vararg: bool,
    /// Statements left to generate in the whole program.
    budget: i32,
    /// Nesting depth of blocks.
    depth: u32,
}

const INT_POOL: &[i64] = &[
    0,
    1,
    2,
    3,
    5,
    7,
    10,
    -1,
    -2,
    -7,
    100,
    255,
    1000,
    65536,
    2147483647,
    4294967296,
    9007199254740993,
    i64::MAX,
    i64::MIN,
    i64::MAX - 1,
    i64::MIN + 1,
    0x7fff_ffff_ffff_fff0,
    -1000000007,
];

const FLOAT_POOL: &[f64] = &[
    0.0,
    -0.0,
    0.5,
    1.0,
    1.5,
    -2.25,
    3.0,
    0.1,
    1e15,
    1e16,
    1e100,
    -1e308,
    2.0e-310,
    9007199254740992.0,
    9.2233720368547758e18,
    -9.2233720368547758e18,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NAN,
    123.456,
    -0.75,
    2.5,
];

const STR_POOL: &[&str] = &[
    "",
    "a",
    "abc",
    "Hello",
    "x y z",
    "10",
    "0x1F",
    " 7 ",
    "3.5",
    "1e2",
    "-0",
    "hello world",
    "a,b,,c",
    "%d",
    "AbC123",
    "tab\there",
    "(paren)",
    "aaa",
    "\u{e9}t\u{e9}",
];

/// Numerals as strings, coerced by arithmetic: (text, is an integer numeral).
const NUMSTR_POOL: &[(&str, bool)] = &[
    ("10", true),
    ("-3", true),
    ("0x10", true),
    (" 7 ", true),
    ("0xffffffffffffffff", true),
    ("9223372036854775807", true),
    ("3.5", false),
    ("1e2", false),
    (" -0.25 ", false),
    ("0x1p4", false),
    ("9223372036854775808", false),
];

const PATTERNS: &[&str] = &[
    "%d+",
    "%a+",
    "(%a)(%d)",
    "^%s*(.-)%s*$",
    "[aeiou]",
    "%w",
    "x*",
    ".",
    "()a",
    "%u",
    "(%a+)",
    "b",
    "[%a,]+",
    "%s",
    "^a",
    "c$",
    "(.)%1",
    "[^a]",
    "a-",
    "%p",
];

impl Gen {
    /// A value appended to an array (`a[#a + 1] = e`, `table.insert`): half the time
    /// `(e) or 0`, so it never leaves a hole; otherwise as is, so a call typed as returning an
    /// integer may return nothing and leave one. `#` of a table with holes may be any border
    /// (manual §3.4.7), but Tape sizes tables as lua5.4 does and must return the same one.
    fn maybe_hole(&mut self, ty: Ty, depth: u32) -> Expr {
        let e = self.expr(ty, depth);
        match e {
            Expr::Int(_) => e,
            _ if self.rng.chance(50) => e,
            _ => Expr::Bin(
                BinOp::Or,
                Box::new(Expr::Paren(Box::new(e))),
                Box::new(Expr::Int(0)),
                false,
            ),
        }
    }

    pub fn new(seed: u64, opts: Options) -> Gen {
        Gen {
            rng: Rng::new(seed),
            opts,
            scopes: vec![Vec::new()],
            sigs: Vec::new(),
            next: 0,
            loops: Vec::new(),
            in_coro: false,
            vararg: true,
            budget: 0,
            depth: 0,
        }
    }

    fn fresh(&mut self, prefix: &str) -> String {
        self.next += 1;
        format!("{prefix}{}", self.next)
    }

    fn declare(&mut self, name: &str, ty: Ty, konst: bool) {
        if let Some(s) = self.scopes.last_mut() {
            s.push(Var {
                name: name.to_string(),
                ty,
                konst,
            });
        }
    }

    fn vars_of(&self, ty: Ty) -> Vec<(String, bool)> {
        let mut out = Vec::new();
        for s in &self.scopes {
            for v in s {
                let ok = v.ty == ty || (ty == Ty::Num && matches!(v.ty, Ty::Int | Ty::Float));
                if ok {
                    out.push((v.name.clone(), v.konst));
                }
            }
        }
        out
    }

    fn pick_var(&mut self, ty: Ty) -> Option<Expr> {
        let vs = self.vars_of(ty);
        if vs.is_empty() {
            None
        } else {
            let (n, _) = self.rng.pick(&vs).clone();
            Some(Expr::Name(n))
        }
    }

    fn pick_mut_var(&mut self, ty: Ty) -> Option<String> {
        let vs: Vec<String> = self
            .scopes
            .iter()
            .flatten()
            .filter(|v| v.ty == ty && !v.konst)
            .map(|v| v.name.clone())
            .collect();
        if vs.is_empty() {
            None
        } else {
            Some(self.rng.pick(&vs).clone())
        }
    }

    fn funs_returning(&self, ty: Ty) -> Vec<(String, usize)> {
        let mut out = Vec::new();
        for s in &self.scopes {
            for v in s {
                if let Ty::Fun(i) = v.ty {
                    if self.sigs.get(i).map(|s| s.ret) == Some(ty) {
                        out.push((v.name.clone(), i));
                    }
                }
            }
        }
        out
    }

    // ------------------------------------------------------------------ program

    /// Generates a whole program.
    pub fn program(&mut self) -> Program {
        let mut body = self.prelude();
        self.budget = self.rng.range(25, 70) as i32;
        while self.budget > 0 {
            let s = self.stmt();
            body.extend(s);
        }
        if self.rng.chance(6) {
            body.push(self.uncaught_error());
        }
        Program { body }
    }

    fn prelude(&mut self) -> Block {
        let mut b = Vec::new();
        b.push(Stmt::Raw("local function id(...) return ... end".into()));
        // The class V: every metamethod, on integers in field `v`.
        let index_fn = self.rng.chance(50);
        let mut v = String::from("local V = {}\n");
        if index_fn {
            v.push_str("local Vm = {get = function(self) return self.v end, str = function(self) return \"V\" .. self.v end}\n");
            v.push_str("V.__index = function(t, k) return Vm[k] end\n");
        } else {
            v.push_str("V.__index = V\n");
            v.push_str("function V:get() return self.v end\n");
            v.push_str("function V:str() return \"V\" .. self.v end\n");
        }
        v.push_str(
            "local function vv(x) if type(x) == \"table\" then return x.v end return math.tointeger(x) or 0 end\n\
             local function mk(n) return setmetatable({v = n}, V) end\n\
             V.__add = function(a, b) return mk(vv(a) + vv(b)) end\n\
             V.__sub = function(a, b) return mk(vv(a) - vv(b)) end\n\
             V.__mul = function(a, b) return mk(vv(a) * vv(b)) end\n\
             V.__div = function(a, b) return mk(vv(a) // (vv(b) | 1)) end\n\
             V.__mod = function(a, b) return mk(vv(a) % (vv(b) | 1)) end\n\
             V.__idiv = function(a, b) return mk(vv(a) // (vv(b) | 1)) end\n\
             V.__pow = function(a, b) return mk(vv(a) * 2 + vv(b)) end\n\
             V.__unm = function(a) return mk(-vv(a)) end\n\
             V.__band = function(a, b) return mk(vv(a) & vv(b)) end\n\
             V.__bor = function(a, b) return mk(vv(a) | vv(b)) end\n\
             V.__bxor = function(a, b) return mk(vv(a) ~ vv(b)) end\n\
             V.__shl = function(a, b) return mk(vv(a) << (vv(b) & 7)) end\n\
             V.__shr = function(a, b) return mk(vv(a) >> (vv(b) & 7)) end\n\
             V.__bnot = function(a) return mk(~vv(a)) end\n\
             V.__concat = function(a, b)\n\
             \x20 local x = type(a) == \"table\" and \"V\" .. a.v or tostring(a)\n\
             \x20 local y = type(b) == \"table\" and \"V\" .. b.v or tostring(b)\n\
             \x20 return x .. \"..\" .. y\n\
             end\n\
             V.__len = function(a) return a.v end\n\
             V.__eq = function(a, b) return vv(a) == vv(b) end\n\
             V.__lt = function(a, b) return vv(a) < vv(b) end\n\
             V.__le = function(a, b) return vv(a) <= vv(b) end\n\
             V.__call = function(self, n) return mk(self.v + (math.tointeger(n) or 1)) end\n\
             V.__tostring = function(a) return \"<V \" .. a.v .. \">\" end\n\
             V.__close = function(a, e) print(\"close V\", a.v, e) end\n\
             V.__name = \"Vtype\"\n\
             setmetatable(V, {__call = function(_, n) return mk(n) end})",
        );
        b.push(Stmt::Raw(v));
        // A proxy whose keys a..d read as integers.
        if self.rng.chance(50) {
            b.push(Stmt::Raw(
                "local P = setmetatable({}, {__index = function(t, k) return #k * 10 end,\n\
                 \x20 __newindex = function(t, k, v) rawset(t, k, v + 1) end})"
                    .into(),
            ));
        } else {
            b.push(Stmt::Raw(
                "local Pd = {a = 1, b = 2, c = 3, d = 4}\n\
                 local P = setmetatable({}, {__index = Pd, __newindex = Pd})"
                    .into(),
            ));
        }
        b.push(Stmt::Raw(
            "local function mkclose(n)\n\
             \x20 return setmetatable({}, {__close = function(o, e) print(\"close\", n, e) end})\n\
             end\n\
             local function iter3(s, c) if c < s then return c + 1, (c + 1) * 2 end end\n\
             local function sorted_keys(t) local ks = {} for k in pairs(t) do ks[#ks + 1] = tostring(k) end table.sort(ks) return table.concat(ks, \",\") end"
                .into(),
        ));
        self.declare("V", Ty::Fun(usize::MAX), true);
        self.declare("P", Ty::Prox, true);
        // A few globals of each scalar type.
        for (name, ty) in [
            ("G1", Ty::Int),
            ("G2", Ty::Float),
            ("G3", Ty::Str),
            ("G4", Ty::Nil),
        ] {
            let e = self.expr(ty, 1);
            b.push(Stmt::Assign(vec![Expr::Name(name.into())], vec![e]));
            self.declare(name, ty, false);
        }
        b
    }

    // ------------------------------------------------------------------ statements

    fn block(&mut self, n: i32) -> Block {
        self.scopes.push(Vec::new());
        self.depth += 1;
        let mut b = Vec::new();
        let mut k = n;
        while k > 0 && self.budget > -20 {
            b.extend(self.stmt());
            k -= 1;
        }
        self.depth -= 1;
        self.scopes.pop();
        b
    }

    fn small_block(&mut self) -> Block {
        let n = if self.depth >= 4 {
            1
        } else {
            self.rng.range(1, 4) as i32
        };
        self.block(n)
    }

    fn print(&mut self, es: Vec<Expr>) -> Stmt {
        Stmt::Call(Expr::Call(Box::new(Expr::Name("print".into())), es))
    }

    fn stmt(&mut self) -> Vec<Stmt> {
        self.budget -= 1;
        let deep = self.depth >= 4;
        let r = self.rng.below(110);
        match r {
            0..=19 => {
                let n = self.rng.range(1, 4);
                let es = (0..n).map(|_| self.printable(3)).collect();
                vec![self.print(es)]
            }
            20..=31 => self.local_decl(),
            32..=41 => self.assign(),
            42..=47 if !deep => vec![self.if_stmt()],
            48..=53 if !deep => self.num_for(),
            54..=57 if !deep => self.while_loop(),
            58..=60 if !deep => self.gen_for(),
            61..=65 if !deep => self.local_function(),
            66..=70 if !deep => self.pcall_stmt(),
            71..=73 if !deep => self.coroutine_stmt(),
            74..=75 if !deep => self.close_stmt(),
            76..=78 if !deep => self.closure_stmt(),
            79..=80 if !deep => self.vararg_stmt(),
            81..=83 => self.table_lib_stmt(),
            84..=85 if self.loops.last().is_some_and(|l| l.jumps) => {
                let c = self.cond_expr();
                let jump = match self.loops.last() {
                    Some(l) if l.has_continue && self.rng.chance(50) => {
                        Stmt::Goto("continue".into())
                    }
                    _ => Stmt::Break,
                };
                vec![Stmt::If(vec![(c, vec![jump])], None)]
            }
            86..=87 if self.in_coro => {
                let n = self.rng.range(0, 2);
                let es: Vec<Expr> = (0..n).map(|_| self.printable(2)).collect();
                let y = Expr::Call(Box::new(Expr::Name("coroutine.yield".into())), es);
                if self.rng.chance(50) {
                    vec![Stmt::Call(y)]
                } else {
                    let v = self.fresh("y");
                    let p = self.print(vec![Expr::Name(v.clone())]);
                    vec![Stmt::Local(vec![(v, Attr::None)], vec![y]), p]
                }
            }
            88..=90 => self.obj_stmt(),
            91..=93 => self.string_stmt(),
            94..=95 if !deep => self.recursion_stmt(),
            97..=99 => self.multret_stmt(),
            100..=102 => self.load_stmt(),
            103 if self.rng.chance(15) && self.loops.is_empty() => vec![Stmt::Raw(
                "print(pcall(function() local function r(n) return 1 + r(n + 1) end return r(1) end))".into(),
            )],
            96 if self.depth > 0 && !deep => {
                let b = self.small_block();
                vec![Stmt::Do(b)]
            }
            _ => {
                let e = self.printable(3);
                vec![self.print(vec![e])]
            }
        }
    }

    fn value_ty(&mut self) -> Ty {
        *self.rng.pick(&[
            Ty::Int,
            Ty::Int,
            Ty::Int,
            Ty::Float,
            Ty::Num,
            Ty::Str,
            Ty::Str,
            Ty::Bool,
            Ty::Nil,
            Ty::Arr,
            Ty::Rec,
            Ty::Obj,
        ])
    }

    fn local_decl(&mut self) -> Vec<Stmt> {
        let n = self.rng.range(1, 3) as usize;
        let mut names = Vec::new();
        let mut vals = Vec::new();
        let mut tys = Vec::new();
        let fewer = self.rng.chance(15);
        for i in 0..n {
            let ty = if fewer && i == n - 1 {
                Ty::Nil
            } else {
                self.value_ty()
            };
            let konst = self.rng.chance(20) && !matches!(ty, Ty::Arr | Ty::Rec);
            let name = self.fresh(prefix_of(ty));
            if !(fewer && i == n - 1) {
                vals.push(self.expr(ty, 3));
            }
            names.push((name, if konst { Attr::Const } else { Attr::None }));
            tys.push((ty, konst));
        }
        let mut out = vec![Stmt::Local(names.clone(), vals)];
        for ((name, _), (ty, konst)) in names.iter().zip(&tys) {
            self.declare(name, *ty, *konst);
        }
        if self.rng.chance(60) {
            let es = names
                .iter()
                .zip(&tys)
                .map(|((n, _), (ty, _))| self.show(Expr::Name(n.clone()), *ty))
                .collect();
            out.push(self.print(es));
        }
        out
    }

    /// A printable view of a value of the given type.
    fn show(&mut self, e: Expr, ty: Ty) -> Expr {
        match ty {
            Ty::Arr => call("table.concat", vec![e, Expr::Str(b",".to_vec())]),
            Ty::Rec => call("sorted_keys", vec![e]),
            Ty::Obj => call("tostring", vec![e]),
            Ty::Prox => Expr::Field(Box::new(e), "a".into()),
            Ty::Fun(_) => call("type", vec![e]),
            _ => e,
        }
    }

    fn assign(&mut self) -> Vec<Stmt> {
        let r = self.rng.below(10);
        if r < 2 {
            // Field stores.
            let k = self.rng.below(4);
            return match k {
                0 => match self.pick_var(Ty::Rec) {
                    Some(t) => {
                        let (f, ty) =
                            *self
                                .rng
                                .pick(&[("x", Ty::Int), ("y", Ty::Float), ("s", Ty::Str)]);
                        let v = self.expr(ty, 3);
                        vec![Stmt::Assign(
                            vec![Expr::Field(Box::new(t), f.into())],
                            vec![v],
                        )]
                    }
                    None => vec![],
                },
                1 => match self.pick_var(Ty::Arr) {
                    Some(t) => {
                        let v = self.maybe_hole(Ty::Int, 3);
                        let idx = Expr::Bin(
                            BinOp::Add,
                            Box::new(Expr::Un(UnOp::Len, Box::new(t.clone()))),
                            Box::new(Expr::Int(1)),
                            false,
                        );
                        vec![Stmt::If(
                            vec![(
                                bounded(&t),
                                vec![Stmt::Assign(
                                    vec![Expr::Index(Box::new(t), Box::new(idx))],
                                    vec![v],
                                )],
                            )],
                            None,
                        )]
                    }
                    None => vec![],
                },
                2 => {
                    let key = *self.rng.pick(&["a", "b", "c", "d"]);
                    let v = self.expr(Ty::Int, 3);
                    let p = self.print(vec![Expr::Field(
                        Box::new(Expr::Name("P".into())),
                        key.into(),
                    )]);
                    vec![
                        Stmt::Assign(
                            vec![Expr::Field(Box::new(Expr::Name("P".into())), key.into())],
                            vec![v],
                        ),
                        p,
                    ]
                }
                _ => match self.pick_var(Ty::Obj) {
                    Some(o) => {
                        let v = self.expr(Ty::Int, 3);
                        vec![Stmt::Assign(
                            vec![Expr::Field(Box::new(o), "v".into())],
                            vec![v],
                        )]
                    }
                    None => vec![],
                },
            };
        }
        let n = self.rng.range(1, 3) as usize;
        let mut targets = Vec::new();
        let mut vals = Vec::new();
        let mut shown = Vec::new();
        for _ in 0..n {
            let ty = self.value_ty();
            if let Some(name) = self.pick_mut_var(ty) {
                targets.push(Expr::Name(name.clone()));
                let v = if self.rng.chance(20) {
                    // Swap-like: another variable of the same type.
                    self.pick_var(ty).unwrap_or(Expr::Nil)
                } else if ty == Ty::Str {
                    // Keep strings short however often a loop runs this.
                    let e = self.expr(ty, 3);
                    Expr::Method(
                        Box::new(Expr::Paren(Box::new(e))),
                        "sub".into(),
                        vec![Expr::Int(1), Expr::Int(24)],
                    )
                } else {
                    self.expr(ty, 3)
                };
                vals.push(v);
                shown.push((Expr::Name(name), ty));
            }
        }
        if targets.is_empty() {
            return vec![];
        }
        let mut out = vec![Stmt::Assign(targets, vals)];
        if self.rng.chance(50) {
            let es = shown.into_iter().map(|(e, t)| self.show(e, t)).collect();
            out.push(self.print(es));
        }
        out
    }

    fn cond_expr(&mut self) -> Expr {
        if self.rng.chance(80) {
            self.expr(Ty::Bool, 3)
        } else {
            // Truthiness of any value.
            let ty = self.value_ty();
            self.expr(ty, 2)
        }
    }

    fn if_stmt(&mut self) -> Stmt {
        let n = self.rng.range(1, 3);
        let mut arms = Vec::new();
        for _ in 0..n {
            let c = self.cond_expr();
            let b = self.small_block();
            arms.push((c, b));
        }
        let els = if self.rng.chance(50) {
            Some(self.small_block())
        } else {
            None
        };
        Stmt::If(arms, els)
    }

    fn loop_body(&mut self, var: Option<(&str, Ty)>, extra: &[(String, Ty)]) -> Block {
        self.loop_body_with(var, extra, true)
    }

    fn loop_body_with(
        &mut self,
        var: Option<(&str, Ty)>,
        extra: &[(String, Ty)],
        jumps: bool,
    ) -> Block {
        let has_continue = jumps && self.rng.chance(40);
        self.loops.push(LoopCtx {
            has_continue,
            jumps,
        });
        self.scopes.push(Vec::new());
        if let Some((v, ty)) = var {
            self.declare(v, ty, false);
        }
        for (n, t) in extra {
            self.declare(n, *t, false);
        }
        let mut b = self.small_block();
        self.scopes.pop();
        self.loops.pop();
        if let Some((v, ty)) = var {
            if self.rng.chance(60) {
                b.insert(0, self.print(vec![Expr::Name(v.to_string())]));
                let _ = ty;
            }
        }
        if has_continue {
            b.push(Stmt::Label("continue".into()));
        }
        b
    }

    fn num_for(&mut self) -> Vec<Stmt> {
        let v = self.fresh("i");
        let kind = self.rng.below(8);
        let (a, b, step, ty) = match kind {
            0 => (
                Expr::Name("math.maxinteger".into()),
                Expr::Bin(
                    BinOp::Sub,
                    Box::new(Expr::Name("math.maxinteger".into())),
                    Box::new(Expr::Int(2)),
                    false,
                ),
                Some(Expr::Int(-1)),
                Ty::Int,
            ),
            1 => (
                Expr::Bin(
                    BinOp::Sub,
                    Box::new(Expr::Name("math.maxinteger".into())),
                    Box::new(Expr::Int(2)),
                    false,
                ),
                Expr::Name("math.maxinteger".into()),
                None,
                Ty::Int,
            ),
            2 => {
                let a = *self.rng.pick(&[0.5, 1.0, -1.0, 0.1]);
                let st = *self.rng.pick(&[0.25, 0.5, -0.5, 0.1]);
                let b = a + st * self.rng.range(0, 5) as f64;
                (
                    Expr::Float(a),
                    Expr::Float(b),
                    Some(Expr::Float(st)),
                    Ty::Float,
                )
            }
            3 => {
                let a = self.rng.range(-3, 6);
                let st = *self.rng.pick(&[-1, -2, -3]);
                let b = a + st * self.rng.range(-1, 4);
                (Expr::Int(a), Expr::Int(b), Some(Expr::Int(st)), Ty::Int)
            }
            4 => {
                // Integer start and step with a float limit (floored), or an int-valued expression.
                let a = self.rng.range(0, 3);
                (Expr::Int(a), Expr::Float(a as f64 + 2.5), None, Ty::Int)
            }
            5 => {
                let lim = self.expr(Ty::Int, 2);
                let a = self.rng.range(-2, 2);
                (
                    Expr::Int(a),
                    call("math.min", vec![lim, Expr::Int(a + 4)]),
                    if self.rng.chance(30) {
                        Some(Expr::Int(self.rng.range(1, 3)))
                    } else {
                        None
                    },
                    Ty::Int,
                )
            }
            _ => {
                let a = self.rng.range(-2, 4);
                let n = self.rng.range(-1, 5);
                let st = *self.rng.pick(&[1, 1, 2, 3]);
                (
                    Expr::Int(a),
                    Expr::Int(a + n * st),
                    if st != 1 || self.rng.chance(20) {
                        Some(Expr::Int(st))
                    } else {
                        None
                    },
                    Ty::Int,
                )
            }
        };
        let body = self.loop_body(Some((&v, ty)), &[]);
        vec![Stmt::NumFor(v, a, b, step, body)]
    }

    fn while_loop(&mut self) -> Vec<Stmt> {
        let guard = self.fresh("g");
        let limit = self.rng.range(1, 5) as u32;
        let cond = self.cond_expr();
        let body = self.loop_body(None, &[]);
        if self.rng.chance(50) {
            vec![Stmt::While {
                guard,
                limit,
                cond,
                body,
            }]
        } else {
            // A label at the end of a repeat body would be in the scope of the until condition's
            // locals; use the body without the continue label.
            let body: Block = body
                .into_iter()
                .filter(|s| !matches!(s, Stmt::Label(_)))
                .map(strip_continue)
                .collect();
            vec![Stmt::Repeat {
                guard,
                limit,
                body,
                cond,
            }]
        }
    }

    fn gen_for(&mut self) -> Vec<Stmt> {
        let k = self.rng.below(6);
        match k {
            5 => {
                // A coroutine.wrap generator as the iterator.
                let n = self.rng.range(0, 4);
                let k = self.expr(Ty::Int, 1);
                let x = self.fresh("c");
                let body = self.loop_body(None, &[(x.clone(), Ty::Int)]);
                let gen = Expr::Func(Box::new(FuncBody {
                    params: vec![],
                    vararg: false,
                    body: vec![Stmt::NumFor(
                        "j".into(),
                        Expr::Int(1),
                        Expr::Int(n),
                        None,
                        vec![Stmt::Call(call(
                            "coroutine.yield",
                            vec![Expr::Bin(
                                BinOp::Mul,
                                Box::new(Expr::Name("j".into())),
                                Box::new(k),
                                false,
                            )],
                        ))],
                    )],
                }));
                vec![Stmt::GenFor(
                    vec![x],
                    vec![call("coroutine.wrap", vec![gen])],
                    body,
                )]
            }
            0 => {
                let arr = self.expr(Ty::Arr, 2);
                let (a, b) = (self.fresh("k"), self.fresh("e"));
                let body = self.loop_body(None, &[(a.clone(), Ty::Int), (b.clone(), Ty::Int)]);
                vec![Stmt::GenFor(
                    vec![a, b],
                    vec![call("ipairs", vec![arr])],
                    body,
                )]
            }
            1 => {
                let (a, b) = (self.fresh("k"), self.fresh("e"));
                let n = self.rng.range(0, 4);
                let start = self.rng.range(-1, 1);
                let body = self.loop_body(None, &[(a.clone(), Ty::Int), (b.clone(), Ty::Int)]);
                vec![Stmt::GenFor(
                    vec![a, b],
                    vec![Expr::Name("iter3".into()), Expr::Int(n), Expr::Int(start)],
                    body,
                )]
            }
            2 => {
                let s = self.expr(Ty::Str, 2);
                let pat = self.rng.pick(PATTERNS).to_string();
                let pat = pat.replace(['(', ')'], "").replace("%1", "");
                let w = self.fresh("w");
                let body = self.loop_body(None, &[(w.clone(), Ty::Str)]);
                vec![Stmt::GenFor(
                    vec![w],
                    vec![call("string.gmatch", vec![s, Expr::Str(pat.into_bytes())])],
                    body,
                )]
            }
            3 => {
                // A closure-based iterator (with a to-be-closed fourth value sometimes).
                let it = self.fresh("it");
                let n = self.rng.range(0, 4);
                let mut out = vec![Stmt::Raw(format!(
                    "local function {it}(n) local c = 0 return function() c = c + 1 if c <= n then return c end end end"
                ))];
                let x = self.fresh("c");
                let closing = self.rng.chance(30);
                let body = self.loop_body_with(None, &[(x.clone(), Ty::Int)], !closing);
                let mut exprs = vec![call(&it, vec![Expr::Int(n)])];
                if closing {
                    exprs.push(Expr::Nil);
                    exprs.push(Expr::Nil);
                    let cn = Expr::Str(format!("for{}", self.next).into_bytes());
                    exprs.push(call("mkclose", vec![cn]));
                }
                out.push(Stmt::GenFor(vec![x], exprs, body));
                out
            }
            _ => {
                // pairs: the body must not depend on the order, so it only counts.
                let t = if self.rng.chance(50) {
                    self.expr(Ty::Rec, 1)
                } else {
                    self.expr(Ty::Arr, 1)
                };
                let cnt = self.fresh("n");
                vec![
                    Stmt::Local(vec![(cnt.clone(), Attr::None)], vec![Expr::Int(0)]),
                    Stmt::GenFor(
                        vec!["_".into(), "_v".into()],
                        vec![call("pairs", vec![t])],
                        vec![Stmt::Assign(
                            vec![Expr::Name(cnt.clone())],
                            vec![Expr::Bin(
                                BinOp::Add,
                                Box::new(Expr::Name(cnt.clone())),
                                Box::new(Expr::Int(1)),
                                false,
                            )],
                        )],
                    ),
                    self.print(vec![Expr::Name(cnt)]),
                ]
            }
        }
    }

    /// Generates a function body with the given parameters; returns the body.
    fn func_body(
        &mut self,
        params: &[(String, Ty)],
        vararg: bool,
        ret: Option<Ty>,
        coro: bool,
    ) -> Block {
        let saved_loops = std::mem::take(&mut self.loops);
        let saved_coro = self.in_coro;
        let saved_va = self.vararg;
        self.in_coro = coro;
        self.vararg = vararg;
        self.scopes.push(Vec::new());
        for (n, t) in params {
            self.declare(n, *t, false);
        }
        self.depth += 1;
        let n = if self.depth >= 4 {
            1
        } else {
            self.rng.range(1, 4) as i32
        };
        let mut b = Vec::new();
        for _ in 0..n {
            b.extend(self.stmt());
        }
        if let Some(t) = ret {
            let e = self.expr(t, 3);
            b.push(Stmt::Return(vec![e]));
        }
        self.depth -= 1;
        self.scopes.pop();
        self.loops = saved_loops;
        self.in_coro = saved_coro;
        self.vararg = saved_va;
        b
    }

    fn local_function(&mut self) -> Vec<Stmt> {
        let np = self.rng.range(0, 3) as usize;
        let params: Vec<(String, Ty)> = (0..np)
            .map(|_| {
                let t = *self
                    .rng
                    .pick(&[Ty::Int, Ty::Int, Ty::Float, Ty::Str, Ty::Bool]);
                (self.fresh(prefix_of(t)), t)
            })
            .collect();
        let ret = *self
            .rng
            .pick(&[Ty::Int, Ty::Int, Ty::Float, Ty::Str, Ty::Bool, Ty::Num]);
        let name = self.fresh("fn");
        let body = self.func_body(&params, false, Some(ret), false);
        let sig = self.sigs.len();
        self.sigs.push(Sig {
            params: params.iter().map(|p| p.1).collect(),
            ret,
        });
        let f = FuncBody {
            params: params.into_iter().map(|p| p.0).collect(),
            vararg: false,
            body,
        };
        self.declare(&name, Ty::Fun(sig), false);
        let mut out = vec![Stmt::LocalFunc(name.clone(), f)];
        if self.rng.chance(60) {
            let c = self.call_fun(&name, sig, 2);
            out.push(self.print(vec![c]));
        }
        out
    }

    fn call_fun(&mut self, name: &str, sig: usize, depth: u32) -> Expr {
        let params = self
            .sigs
            .get(sig)
            .map(|s| s.params.clone())
            .unwrap_or_default();
        let mut args: Vec<Expr> = params.iter().map(|t| self.expr(*t, depth)).collect();
        if !args.is_empty() && self.rng.chance(10) {
            args.pop(); // a missing argument is nil
            if let Some(t) = params.last() {
                // Keep the types right: only drop a parameter nothing needs as a number.
                if *t != Ty::Bool {
                    args.push(self.expr(*t, depth));
                }
            }
        }
        call(name, args)
    }

    fn pcall_stmt(&mut self) -> Vec<Stmt> {
        let saved_loops = std::mem::take(&mut self.loops);
        let out = self.pcall_stmt_inner();
        self.loops = saved_loops;
        out
    }

    fn pcall_stmt_inner(&mut self) -> Vec<Stmt> {
        let k = self.rng.below(6);
        let body: Block = match k {
            0 => {
                // error with any value and level.
                let mut b = self.small_block();
                let (v, _) = self.error_value();
                let lvl = self.rng.below(4);
                let mut args = vec![v];
                if lvl < 3 {
                    args.push(Expr::Int(lvl as i64));
                }
                b.push(Stmt::Call(call("error", args)));
                b
            }
            1 | 2 => {
                let mut b = if self.rng.chance(50) {
                    self.small_block()
                } else {
                    vec![]
                };
                b.push(self.runtime_error());
                b
            }
            3 => {
                // error at level 2 from a helper.
                let h = self.fresh("h");
                let (v, _) = self.error_value();
                let lvl = *self.rng.pick(&[1i64, 2, 3]);
                vec![
                    Stmt::LocalFunc(
                        h.clone(),
                        FuncBody {
                            params: vec![],
                            vararg: false,
                            body: vec![Stmt::Call(call("error", vec![v, Expr::Int(lvl)]))],
                        },
                    ),
                    Stmt::Call(call(&h, vec![])),
                ]
            }
            4 => {
                // A block that may or may not fail, returning values.
                let mut b = self.small_block();
                let n = self.rng.range(0, 3);
                let es = (0..n).map(|_| self.printable(2)).collect();
                b.push(Stmt::Return(es));
                b
            }
            _ => {
                let mut b = vec![Stmt::Local(
                    vec![("cl".into(), Attr::Close)],
                    vec![call("mkclose", vec![Expr::Str(b"p".to_vec())])],
                )];
                b.push(self.runtime_error());
                b
            }
        };
        let f = Expr::Func(Box::new(FuncBody {
            params: vec![],
            vararg: false,
            body,
        }));
        if self.rng.chance(15) {
            // xpcall with a message handler.
            // Tables would print as addresses: the handlers name their type instead.
            let h = if self.rng.chance(30) {
                Stmt::Raw("return debug.traceback(type(m) == \"table\" and \"tbl\" or m, 1)".into())
            } else {
                Stmt::Raw(
                    "return \"H:\" .. (type(m) == \"table\" and \"tbl\" or tostring(m))".into(),
                )
            };
            let h = Expr::Func(Box::new(FuncBody {
                params: vec!["m".into()],
                vararg: false,
                body: vec![h],
            }));
            return vec![self.print(vec![call("xpcall", vec![f, h])])];
        }
        let ok = self.fresh("ok");
        let e = self.fresh("e");
        vec![
            Stmt::Local(
                vec![(ok.clone(), Attr::None), (e.clone(), Attr::None)],
                vec![call("pcall", vec![f])],
            ),
            Stmt::Raw(format!(
                "if type({e}) == \"table\" then print({ok}, \"table\", getmetatable({e}) == V and tostring({e}) or {e}.code) else print({ok}, {e}) end"
            )),
        ]
    }

    /// A value for `error`: any type.
    fn error_value(&mut self) -> (Expr, Ty) {
        match self.rng.below(7) {
            0 | 1 => (self.expr(Ty::Str, 2), Ty::Str),
            2 => (self.expr(Ty::Int, 1), Ty::Int),
            3 => (self.expr(Ty::Float, 1), Ty::Float),
            4 => (Expr::Nil, Ty::Nil),
            5 => (
                Expr::Table(vec![TField::Named(
                    "code".into(),
                    Expr::Int(self.rng.range(1, 99)),
                )]),
                Ty::Rec,
            ),
            _ => (call("V", vec![Expr::Int(self.rng.range(1, 9))]), Ty::Obj),
        }
    }

    /// A statement that raises a runtime error with one of PUC's messages.
    fn runtime_error(&mut self) -> Stmt {
        let k = self.rng.below(30);
        if k >= 22 {
            let text = *self.rng.pick(&[
                "math.pi()",
                "(\"x\")()",
                "string.sub()",
                "math.max()",
                "setmetatable({}, 1)",
                "ipairs(nil)",
                "coroutine.resume(1)",
                "string.format(\"%d\", \"x\")",
                "tonumber(\"10\", 99)",
                "table.concat({{}})",
                "select(-5, 1)",
                "string.char(-1)",
                "error()",
                "error(nil, 2)",
                "error(setmetatable({}, {__tostring = function() return \"TS\" end}))",
                "string.rep(\"x\", 3, {})",
                "(nil)()",
                "math.floor({})",
                "table.unpack({}, 1, 1e8)",
                "string.format(\"%y\", 1)",
                "string.format(\"%10.123f\", 1)",
                "tostring(setmetatable({}, {__tostring = function() return 1 end}))",
                "setmetatable(setmetatable({}, {__metatable = 1}), {})",
                "rawset({}, nil, 1)",
                "next({}, \"nokey\")",
                "coroutine.yield(1)",
                "string.gsub(\"x\", \"(\", \"\")",
                "string.find(\"x\", \"[a\")",
                "string.rep(\"x\", 2, 3, 4) .. {}",
                "local t = setmetatable({}, {}) getmetatable(t).__index = t return t.x",
                "local t = setmetatable({}, {}) getmetatable(t).__newindex = t t.x = 1",
                "utf8.char(-1)",
                "math.tointeger()",
                "(\"abc\"):rep(-1):byte() + 1",
                "for i = 1, 10, 0 do end",
                "for i = \"a\", 2 do end",
                "for i = 1.5, {} do end",
            ]);
            if text.starts_with("local") || text.starts_with("for") {
                return Stmt::Raw(format!("local _err = (function() {text} end)()"));
            }
            if text.ends_with(')')
                && !text.contains(" .. ")
                && !text.contains("+ 1")
                && self.rng.chance(50)
            {
                return Stmt::Raw(text.to_string());
            }
            return Stmt::Raw(format!("local _err = {text}"));
        }
        let nil_name = self
            .pick_var(Ty::Nil)
            .unwrap_or(Expr::Name("undefined_global".into()));
        let e = match k {
            0 => Expr::Bin(
                BinOp::Add,
                Box::new(nil_name),
                Box::new(self.expr(Ty::Int, 1)),
                false,
            ),
            1 => call("undefined_fn", vec![self.expr(Ty::Int, 1)]),
            2 => Expr::Field(
                Box::new(Expr::Field(Box::new(nil_name), "x".into())),
                "y".into(),
            ),
            3 => Expr::Bin(
                BinOp::Lt,
                Box::new(self.expr(Ty::Int, 1)),
                Box::new(self.expr(Ty::Str, 1)),
                false,
            ),
            4 => Expr::Bin(
                BinOp::Concat,
                Box::new(self.expr(Ty::Str, 1)),
                Box::new(self.expr(Ty::Bool, 1)),
                false,
            ),
            5 => {
                let op = *self.rng.pick(&[BinOp::IDiv, BinOp::Mod]);
                let nl = self.rng.chance(30);
                Expr::Bin(
                    op,
                    Box::new(self.expr(Ty::Int, 2)),
                    Box::new(Expr::Int(0)),
                    nl,
                )
            }
            6 => {
                let op = *self.rng.pick(&[BinOp::BAnd, BinOp::BOr, BinOp::Shl]);
                Expr::Bin(
                    op,
                    Box::new(Expr::Float(3.5)),
                    Box::new(self.expr(Ty::Int, 1)),
                    false,
                )
            }
            7 => Expr::Bin(
                BinOp::Add,
                Box::new(Expr::Str(b"abc".to_vec())),
                Box::new(self.expr(Ty::Int, 1)),
                false,
            ),
            8 => Expr::Bin(
                BinOp::BOr,
                Box::new(Expr::Str(b"3".to_vec())),
                Box::new(self.expr(Ty::Int, 1)),
                false,
            ),
            9 => call("string.rep", vec![Expr::Table(vec![])]),
            10 => call("string.char", vec![Expr::Int(256)]),
            11 => call(
                "table.insert",
                vec![
                    Expr::Table(vec![]),
                    Expr::Int(1),
                    Expr::Int(2),
                    Expr::Int(3),
                ],
            ),
            12 => call("tostring", vec![]),
            13 => call(
                "string.format",
                vec![Expr::Str(b"%d".to_vec()), Expr::Float(1.5)],
            ),
            14 => call("setmetatable", vec![Expr::Int(1), Expr::Table(vec![])]),
            15 => Expr::Method(Box::new(self.expr(Ty::Str, 1)), "nosuch".into(), vec![]),
            16 => Expr::Un(UnOp::Len, Box::new(self.expr(Ty::Int, 1))),
            17 => {
                let r = self.expr(Ty::Rec, 1);
                Expr::Bin(
                    BinOp::Add,
                    Box::new(Expr::Field(Box::new(r), "missing".into())),
                    Box::new(Expr::Int(1)),
                    false,
                )
            }
            18 => call("math.fmod", vec![self.expr(Ty::Int, 1), Expr::Int(0)]),
            19 => call("select", vec![Expr::Int(0)]),
            20 => {
                // An error inside a metamethod, a comparator or a gsub callback.
                match self.rng.below(3) {
                    0 => Expr::Bin(
                        BinOp::Add,
                        Box::new(self.expr(Ty::Obj, 1)),
                        Box::new(Expr::Table(vec![])),
                        false,
                    ),
                    1 => call(
                        "table.sort",
                        vec![
                            Expr::Table(vec![
                                TField::Pos(Expr::Int(3)),
                                TField::Pos(Expr::Int(1)),
                                TField::Pos(Expr::Int(2)),
                            ]),
                            Expr::Func(Box::new(FuncBody {
                                params: vec!["a".into(), "b".into()],
                                vararg: false,
                                body: vec![Stmt::Return(vec![Expr::Bin(
                                    BinOp::Lt,
                                    Box::new(Expr::Name("a".into())),
                                    Box::new(Expr::Field(
                                        Box::new(Expr::Name("b".into())),
                                        "x".into(),
                                    )),
                                    false,
                                )])],
                            })),
                        ],
                    ),
                    _ => call(
                        "string.gsub",
                        vec![
                            self.expr(Ty::Str, 1),
                            Expr::Str(b".".to_vec()),
                            Expr::Func(Box::new(FuncBody {
                                params: vec!["c".into()],
                                vararg: false,
                                body: vec![Stmt::Call(call(
                                    "error",
                                    vec![Expr::Str(b"in gsub".to_vec())],
                                ))],
                            })),
                        ],
                    ),
                }
            }
            _ => {
                let e = self.expr(Ty::Int, 1);
                return Stmt::NumFor(
                    "z".into(),
                    Expr::Int(1),
                    Expr::Int(3),
                    Some(Expr::Bin(
                        BinOp::Mul,
                        Box::new(e),
                        Box::new(Expr::Int(0)),
                        false,
                    )),
                    vec![],
                );
            }
        };
        match e {
            Expr::Call(..) | Expr::Method(..) => Stmt::Call(e),
            _ => Stmt::Local(vec![("_err".into(), Attr::None)], vec![e]),
        }
    }

    fn coroutine_stmt(&mut self) -> Vec<Stmt> {
        let np = self.rng.range(0, 2) as usize;
        let params: Vec<(String, Ty)> = (0..np).map(|_| (self.fresh("a"), Ty::Int)).collect();
        let mut body = self.func_body(&params, false, None, true);
        let y: Vec<Expr> = params.iter().map(|p| Expr::Name(p.0.clone())).collect();
        body.insert(0, Stmt::Call(call("coroutine.yield", y)));
        if self.rng.chance(25) {
            body.push(Stmt::Call(call("error", vec![self.expr(Ty::Str, 1)])));
        } else {
            let e = self.printable(2);
            body.push(Stmt::Return(vec![e]));
        }
        let f = Expr::Func(Box::new(FuncBody {
            params: params.iter().map(|p| p.0.clone()).collect(),
            vararg: false,
            body,
        }));
        let co = self.fresh("co");
        let mut out = Vec::new();
        let n = self.rng.range(1, 5);
        if self.rng.chance(50) {
            out.push(Stmt::Local(
                vec![(co.clone(), Attr::None)],
                vec![call("coroutine.create", vec![f])],
            ));
            for _ in 0..n {
                let args = (0..np).map(|_| self.expr(Ty::Int, 1)).collect::<Vec<_>>();
                let mut a = vec![Expr::Name(co.clone())];
                a.extend(args);
                let r = call("coroutine.resume", a);
                out.push(self.print(vec![r]));
                out.push(self.print(vec![call("coroutine.status", vec![Expr::Name(co.clone())])]));
            }
            if self.rng.chance(30) {
                out.push(self.print(vec![call("coroutine.close", vec![Expr::Name(co.clone())])]));
            }
        } else {
            out.push(Stmt::Local(
                vec![(co.clone(), Attr::None)],
                vec![call("coroutine.wrap", vec![f])],
            ));
            for _ in 0..n {
                let args = (0..np).map(|_| self.expr(Ty::Int, 1)).collect::<Vec<_>>();
                let c = call(&co, args);
                out.push(self.print(vec![call(
                    "pcall",
                    vec![Expr::Func(Box::new(FuncBody {
                        params: vec![],
                        vararg: false,
                        body: vec![Stmt::Return(vec![c])],
                    }))],
                )]));
            }
        }
        out
    }

    fn close_stmt(&mut self) -> Vec<Stmt> {
        let name = self.fresh("cl");
        let init = match self.rng.below(4) {
            0 => Expr::Nil,
            1 => call("V", vec![Expr::Int(self.rng.range(0, 9))]),
            _ => call("mkclose", vec![Expr::Str(name.clone().into_bytes())]),
        };
        let mut b = vec![Stmt::Local(vec![(name, Attr::Close)], vec![init])];
        self.loops.push(LoopCtx {
            has_continue: false,
            jumps: false,
        });
        b.extend(self.small_block());
        self.loops.pop();
        vec![Stmt::Do(b)]
    }

    fn closure_stmt(&mut self) -> Vec<Stmt> {
        if self.rng.chance(50) {
            // Closures over a loop variable, called after the loop.
            let fns = self.fresh("fs");
            let i = self.fresh("i");
            let n = self.rng.range(1, 4);
            let extra = self.expr(Ty::Int, 1);
            let f = Expr::Func(Box::new(FuncBody {
                params: vec![],
                vararg: false,
                body: vec![Stmt::Return(vec![Expr::Bin(
                    BinOp::Add,
                    Box::new(Expr::Name(i.clone())),
                    Box::new(extra),
                    false,
                )])],
            }));
            let fv = Expr::Name(fns.clone());
            vec![
                Stmt::Local(vec![(fns.clone(), Attr::None)], vec![Expr::Table(vec![])]),
                Stmt::NumFor(
                    i.clone(),
                    Expr::Int(1),
                    Expr::Int(n),
                    None,
                    vec![Stmt::Assign(
                        vec![Expr::Index(
                            Box::new(fv.clone()),
                            Box::new(Expr::Bin(
                                BinOp::Add,
                                Box::new(Expr::Un(UnOp::Len, Box::new(fv.clone()))),
                                Box::new(Expr::Int(1)),
                                false,
                            )),
                        )],
                        vec![f],
                    )],
                ),
                Stmt::Raw(format!("for _, f in ipairs({fns}) do print(f()) end")),
            ]
        } else {
            // A counter closure sharing an upvalue with a reader.
            let mk = self.fresh("mk");
            let step = self.expr(Ty::Int, 1);
            let init = self.expr(Ty::Int, 1);
            let (inc, get) = (self.fresh("inc"), self.fresh("get"));
            let mut out = vec![Stmt::Raw(format!(
                "local function {mk}(c)\n  return function(d) c = c + d return c end, function() return c end\nend"
            ))];
            out.push(Stmt::Local(
                vec![(inc.clone(), Attr::None), (get.clone(), Attr::None)],
                vec![call(&mk, vec![init])],
            ));
            out.push(self.print(vec![
                call(&inc, vec![step.clone()]),
                call(&inc, vec![Expr::Int(1)]),
                call(&get, vec![]),
            ]));
            out
        }
    }

    fn vararg_stmt(&mut self) -> Vec<Stmt> {
        let f = self.fresh("va");
        let body = vec![
            Stmt::Raw("local t = table.pack(...)".into()),
            Stmt::Call(call(
                "print",
                vec![
                    call("select", vec![Expr::Str(b"#".to_vec()), Expr::Vararg]),
                    Expr::Field(Box::new(Expr::Name("t".into())), "n".into()),
                    Expr::Vararg,
                ],
            )),
            Stmt::Raw(
                "if select('#', ...) >= 2 then print((select(2, ...)), select(-1, ...)) end".into(),
            ),
            Stmt::Return(vec![
                call("select", vec![Expr::Str(b"#".to_vec()), Expr::Vararg]),
                Expr::Vararg,
            ]),
        ];
        let mut out = vec![Stmt::LocalFunc(
            f.clone(),
            FuncBody {
                params: vec![],
                vararg: true,
                body,
            },
        )];
        for _ in 0..self.rng.range(1, 3) {
            let n = self.rng.range(0, 4);
            let mut args: Vec<Expr> = (0..n).map(|_| self.printable(1)).collect();
            if self.rng.chance(30) {
                args.push(Expr::Nil);
            }
            out.push(self.print(vec![call(&f, args)]));
        }
        out
    }

    fn table_lib_stmt(&mut self) -> Vec<Stmt> {
        let Some(a) = self.pick_mut_var(Ty::Arr) else {
            let v = self.fresh("a");
            let e = self.expr(Ty::Arr, 2);
            self.declare(&v, Ty::Arr, false);
            return vec![Stmt::Local(vec![(v, Attr::None)], vec![e])];
        };
        let t = Expr::Name(a.clone());
        let k = self.rng.below(7);
        let s = match k {
            // Arrays stay small however often a loop runs this.
            0 => Stmt::If(
                vec![(
                    bounded(&t),
                    vec![Stmt::Call(call(
                        "table.insert",
                        vec![t.clone(), self.maybe_hole(Ty::Int, 2)],
                    ))],
                )],
                None,
            ),
            1 => Stmt::If(
                vec![(
                    bounded(&t),
                    vec![Stmt::Call(call(
                        "table.insert",
                        vec![t.clone(), Expr::Int(1), self.maybe_hole(Ty::Int, 2)],
                    ))],
                )],
                None,
            ),
            2 => Stmt::Call(call("print", vec![call("table.remove", vec![t.clone()])])),
            3 => Stmt::Call(call(
                "print",
                vec![call("table.remove", vec![t.clone(), Expr::Int(1)])],
            )),
            4 => {
                let cmp = if self.rng.chance(50) {
                    "function(x, y) return x > y end"
                } else {
                    "function(x, y) return x % 7 < y % 7 or (x % 7 == y % 7 and x < y) end"
                };
                Stmt::Raw(format!("table.sort({a}, {cmp})"))
            }
            5 => Stmt::Call(call("table.sort", vec![t.clone()])),
            _ => Stmt::Call(call(
                "print",
                vec![call(
                    "table.unpack",
                    vec![
                        t.clone(),
                        Expr::Int(self.rng.range(1, 2)),
                        Expr::Int(self.rng.range(0, 4)),
                    ],
                )],
            )),
        };
        let p = self.print(vec![call(
            "table.concat",
            vec![t, Expr::Str(b" ".to_vec())],
        )]);
        vec![s, p]
    }

    fn obj_stmt(&mut self) -> Vec<Stmt> {
        let o = self.fresh("o");
        let e = self.expr(Ty::Obj, 3);
        let mut out = vec![Stmt::Local(vec![(o.clone(), Attr::None)], vec![e])];
        self.declare(&o, Ty::Obj, false);
        let x = self.expr(Ty::Str, 2);
        out.push(self.print(vec![x]));
        out
    }

    fn string_stmt(&mut self) -> Vec<Stmt> {
        let s = self.expr(Ty::Str, 2);
        let pat = Expr::Str(self.rng.pick(PATTERNS).as_bytes().to_vec());
        let e = match self.rng.below(6) {
            0 => call("string.find", vec![s, pat]),
            1 => call("string.match", vec![s, pat]),
            2 => {
                let repl = match self.rng.below(3) {
                    0 => Expr::Str(
                        self.rng
                            .pick(&["%0%0", "<%1>", "-", "%%"])
                            .as_bytes()
                            .to_vec(),
                    ),
                    1 => Expr::Table(vec![
                        TField::Named("a".into(), Expr::Str(b"A".to_vec())),
                        TField::Named("b".into(), Expr::False),
                    ]),
                    _ => Expr::Func(Box::new(FuncBody {
                        params: vec!["c".into()],
                        vararg: false,
                        body: vec![Stmt::Return(vec![Expr::Bin(
                            BinOp::Concat,
                            Box::new(Expr::Name("c".into())),
                            Box::new(Expr::Str(b"!".to_vec())),
                            false,
                        )])],
                    })),
                };
                let mut args = vec![s, pat, repl];
                if self.rng.chance(30) {
                    args.push(Expr::Int(self.rng.range(0, 3)));
                }
                call("string.gsub", args)
            }
            3 => {
                let i = self.small_index();
                let j = self.small_index();
                call("string.byte", vec![s, i, j])
            }
            4 => call(
                "string.find",
                vec![
                    s,
                    Expr::Str(b".".to_vec()),
                    Expr::Int(self.rng.range(-3, 3)),
                    Expr::True,
                ],
            ),
            5 if self.rng.chance(30) => {
                let z = Expr::Str(b"nul\0byte".to_vec());
                call(
                    "string.format",
                    vec![
                        Expr::Str(b"%q %s %d".to_vec()),
                        z.clone(),
                        z.clone(),
                        Expr::Un(UnOp::Len, Box::new(z)),
                    ],
                )
            }
            _ => call(
                "string.format",
                vec![Expr::Str(b"%q".to_vec()), self.printable(2)],
            ),
        };
        vec![self.print(vec![e])]
    }

    /// Multiple results: truncated, expanded at the end of a list, adjusted in assignments.
    fn multret_stmt(&mut self) -> Vec<Stmt> {
        let f = self.fresh("mr");
        let mut out = vec![Stmt::Raw(format!(
            "local function {f}(a, ...) return a, a + 1, select('#', ...), ... end"
        ))];
        for _ in 0..self.rng.range(1, 4) {
            let a = self.expr(Ty::Int, 2);
            let extra: Vec<Expr> = (0..self.rng.range(0, 3))
                .map(|_| self.printable(1))
                .collect();
            let mut args = vec![a];
            args.extend(extra);
            let c = call(&f, args);
            let s = match self.rng.below(7) {
                0 => self.print(vec![c]),
                1 => self.print(vec![Expr::Paren(Box::new(c))]),
                2 => {
                    let x = self.printable(1);
                    self.print(vec![c, x])
                }
                3 => {
                    let (p, q, r) = (self.fresh("p"), self.fresh("q"), self.fresh("r"));
                    out.push(Stmt::Local(
                        vec![
                            (p.clone(), Attr::None),
                            (q.clone(), Attr::None),
                            (r.clone(), Attr::None),
                        ],
                        if self.rng.chance(50) {
                            vec![c]
                        } else {
                            vec![c, Expr::Int(9)]
                        },
                    ));
                    self.print(vec![Expr::Name(p), Expr::Name(q), Expr::Name(r)])
                }
                4 => self.print(vec![call(
                    "select",
                    vec![Expr::Str(b"#".to_vec()), c.clone(), c],
                )]),
                // Not `#{...}`: with nils among the values, which border `#` finds is left open.
                5 => self.print(vec![Expr::Field(
                    Box::new(call("table.pack", vec![Expr::Int(0), c])),
                    "n".into(),
                )]),
                _ => self.print(vec![call(
                    "string.format",
                    vec![Expr::Str(b"%d %d %s".to_vec()), c],
                )]),
            };
            out.push(s);
        }
        out
    }

    /// `load` of a chunk that is sometimes broken: the parser's messages and chunk names.
    fn load_stmt(&mut self) -> Vec<Stmt> {
        // The chunk sees the program's locals as (nil) globals, so a table constructor there
        // may have holes, and which border `#` finds is left open: retry without one.
        let mut src = String::new();
        for _ in 0..8 {
            let ty = *self
                .rng
                .pick(&[Ty::Int, Ty::Float, Ty::Str, Ty::Bool, Ty::Num]);
            let e = self.expr(ty, 3);
            src = format!("return {}", render_expr(&e));
            if !src.contains('{') {
                break;
            }
            src = "return 1".into();
        }
        if self.rng.chance(60) {
            let bytes = src.as_bytes();
            let pos = self.rng.range(0, bytes.len() as i64) as usize;
            let pos = (0..=pos)
                .rev()
                .find(|&p| src.is_char_boundary(p))
                .unwrap_or(0);
            if self.rng.chance(40) && pos < src.len() {
                let end = (pos + 1..=src.len())
                    .find(|&p| src.is_char_boundary(p))
                    .unwrap_or(src.len());
                src.replace_range(pos..end, "");
            } else {
                let tok = *self.rng.pick(&[
                    ")",
                    "(",
                    " end ",
                    "=",
                    "..",
                    "+",
                    ",",
                    "]",
                    "{",
                    "\"",
                    " local ",
                    " then ",
                    "3x",
                    "0x",
                    "1e",
                    "[[",
                    "--[[",
                    "::",
                    " goto ",
                    "'\\q'",
                    "\n",
                    "\n\n)",
                    "~=",
                    "...",
                    " break ",
                    "@",
                    "$",
                    "0x1p",
                    "'\\300'",
                    "'\\u{110000000}'",
                ]);
                src.insert_str(pos, tok);
            }
        }
        if self.rng.chance(20) {
            src = format!("local a = 1\n{src}");
        }
        let mut args = vec![Expr::Str(src.into_bytes())];
        match self.rng.below(4) {
            0 => args.push(Expr::Str(b"=chunk".to_vec())),
            1 => args.push(Expr::Str(b"@some/file.lua".to_vec())),
            _ => {}
        }
        let (f, m) = (self.fresh("ld"), self.fresh("msg"));
        vec![
            Stmt::Local(
                vec![(f.clone(), Attr::None), (m.clone(), Attr::None)],
                vec![call("load", args)],
            ),
            Stmt::Raw(format!(
                "print(type({f}), {m})\nif {f} then print(pcall({f})) end"
            )),
        ]
    }

    fn small_index(&mut self) -> Expr {
        if self.opts.steer {
            Expr::Int(self.rng.range(1, 4))
        } else {
            Expr::Int(self.rng.range(-6, 6))
        }
    }

    fn recursion_stmt(&mut self) -> Vec<Stmt> {
        let f = self.fresh("rec");
        let n = self.rng.range(0, 12);
        let op = *self.rng.pick(&["+", "*", "-", "..", "//"]);
        let base = if op == ".." { "\"\"" } else { "1" };
        let body = match op {
            ".." => format!("return n .. {f}(n - 1)"),
            "//" => format!("return ({f}(n - 1) + n) // 2"),
            _ => format!("return n {op} {f}(n - 1)"),
        };
        let tail = if self.rng.chance(30) {
            format!("local function {f}t(n, acc) if n <= 0 then return acc end return {f}t(n - 1, acc + n) end\nprint({f}t({}, 0))", n * 100)
        } else {
            String::new()
        };
        vec![Stmt::Raw(format!(
            "local function {f}(n) if n <= 0 then return {base} end {body} end\nprint({f}({n}))\n{tail}"
        ))]
    }

    fn uncaught_error(&mut self) -> Stmt {
        if self.rng.chance(50) {
            self.runtime_error()
        } else {
            let (v, _) = self.error_value();
            let mut args = vec![v];
            if self.rng.chance(50) {
                args.push(Expr::Int(self.rng.range(0, 2)));
            }
            Stmt::Call(call("error", args))
        }
    }

    // ------------------------------------------------------------------ expressions

    /// An expression whose value `print` shows the same way in every implementation.
    fn printable(&mut self, depth: u32) -> Expr {
        let ty = *self.rng.pick(&[
            Ty::Int,
            Ty::Int,
            Ty::Int,
            Ty::Float,
            Ty::Num,
            Ty::Str,
            Ty::Str,
            Ty::Bool,
            Ty::Bool,
            Ty::Nil,
            Ty::Obj,
        ]);
        let e = self.expr(ty, depth);
        self.show(e, ty)
    }

    /// Wraps an operand so that known bugs are not triggered when steering: a constant next to an
    /// `and`/`or` operand, or an `and`/`or` of constants, goes through `id()`.
    fn steer_pair(&mut self, l: Expr, r: Expr) -> (Expr, Expr) {
        if !self.opts.steer {
            return (l, r);
        }
        let (lao, rao) = (is_andor(&l), is_andor(&r));
        if !(lao || rao) {
            return (l, r);
        }
        let (lc, rc) = (self.constish(&l), self.constish(&r));
        let wrap_l = (lc && rao) || (lao && lc);
        let wrap_r = (rc && lao) || (rao && rc);
        let l = if wrap_l { call("id", vec![l]) } else { l };
        let r = if wrap_r { call("id", vec![r]) } else { r };
        (l, r)
    }

    /// A constant, a `<const>` local, or an expression the compiler may fold to one.
    fn constish(&self, e: &Expr) -> bool {
        match e {
            Expr::Nil | Expr::True | Expr::False | Expr::Int(_) | Expr::Float(_) | Expr::Str(_) => {
                true
            }
            Expr::Name(n) => {
                n.starts_with("math.")
                    || self
                        .scopes
                        .iter()
                        .flatten()
                        .any(|v| v.konst && &v.name == n)
            }
            Expr::Paren(x) | Expr::Un(_, x) => self.constish(x),
            Expr::Bin(_, l, r, _) => self.constish(l) && self.constish(r),
            _ => false,
        }
    }

    fn bin(&mut self, op: BinOp, l: Expr, r: Expr) -> Expr {
        let (l, r) = self.steer_pair(l, r);
        let nl = self.rng.chance(4);
        Expr::Bin(op, Box::new(l), Box::new(r), nl)
    }

    /// An `and`/`or` form of the wanted type.
    fn andor(&mut self, ty: Ty, depth: u32) -> Expr {
        let d = depth.saturating_sub(1);
        match self.rng.below(5) {
            0 => {
                let c = self.expr(Ty::Bool, d);
                let a = self.expr(ty, d);
                let b = self.expr(ty, d);
                let x = Expr::Bin(BinOp::And, Box::new(c), Box::new(a), false);
                Expr::Paren(Box::new(Expr::Bin(
                    BinOp::Or,
                    Box::new(x),
                    Box::new(b),
                    false,
                )))
            }
            1 => {
                let c = self.expr(Ty::Nil, d);
                let b = self.expr(ty, d);
                Expr::Paren(Box::new(Expr::Bin(
                    BinOp::Or,
                    Box::new(c),
                    Box::new(b),
                    false,
                )))
            }
            2 if ty != Ty::Bool => {
                let a = self.expr(ty, d);
                let b = self.expr(ty, d);
                let op = if self.rng.chance(50) {
                    BinOp::And
                } else {
                    BinOp::Or
                };
                Expr::Paren(Box::new(Expr::Bin(op, Box::new(a), Box::new(b), false)))
            }
            3 => {
                let b = self.expr(ty, d);
                Expr::Paren(Box::new(Expr::Bin(
                    BinOp::Or,
                    Box::new(Expr::False),
                    Box::new(b),
                    false,
                )))
            }
            _ => {
                let c = self.expr(Ty::Bool, d);
                let b = self.expr(ty, d);
                Expr::Paren(Box::new(Expr::Bin(
                    BinOp::Or,
                    Box::new(Expr::Bin(
                        BinOp::And,
                        Box::new(Expr::Un(UnOp::Not, Box::new(c))),
                        Box::new(b.clone()),
                        false,
                    )),
                    Box::new(b),
                    false,
                )))
            }
        }
    }

    pub fn expr(&mut self, ty: Ty, depth: u32) -> Expr {
        if depth == 0 || self.rng.chance(25) {
            return self.leaf(ty);
        }
        if self.rng.chance(12) && !matches!(ty, Ty::Fun(_) | Ty::Prox) {
            return self.andor(ty, depth);
        }
        if self.rng.chance(8) {
            let fs = self.funs_returning(ty);
            if !fs.is_empty() {
                let (n, s) = self.rng.pick(&fs).clone();
                return self.call_fun(&n, s, depth - 1);
            }
        }
        let d = depth - 1;
        match ty {
            Ty::Int => self.int_expr(d),
            Ty::Float => self.float_expr(d),
            Ty::Num => {
                if self.rng.chance(40) {
                    let t = if self.rng.chance(50) {
                        Ty::Int
                    } else {
                        Ty::Float
                    };
                    self.expr(t, depth)
                } else {
                    self.num_expr(d)
                }
            }
            Ty::Str => self.str_expr(d),
            Ty::Bool => self.bool_expr(d),
            Ty::Nil => self.leaf(Ty::Nil),
            Ty::Arr => {
                if self.rng.chance(30) {
                    if let Some(v) = self.pick_var(Ty::Arr) {
                        return call("table.pack", vec![call("table.unpack", vec![v])]);
                    }
                }
                self.leaf(Ty::Arr)
            }
            Ty::Rec => self.leaf(Ty::Rec),
            Ty::Obj => self.obj_expr(d),
            Ty::Prox | Ty::Fun(_) => self.leaf(ty),
        }
    }

    fn leaf(&mut self, ty: Ty) -> Expr {
        if self.rng.chance(55) {
            if let Some(v) = self.pick_var(ty) {
                return v;
            }
        }
        match ty {
            Ty::Int => {
                if self.rng.chance(60) {
                    Expr::Int(self.rng.range(-3, 12))
                } else {
                    Expr::Int(*self.rng.pick(INT_POOL))
                }
            }
            Ty::Float => Expr::Float(*self.rng.pick(FLOAT_POOL)),
            Ty::Num => {
                if self.rng.chance(50) {
                    self.leaf(Ty::Int)
                } else {
                    self.leaf(Ty::Float)
                }
            }
            Ty::Str => Expr::Str(self.rng.pick(STR_POOL).as_bytes().to_vec()),
            Ty::Bool => {
                if self.rng.chance(50) {
                    Expr::True
                } else {
                    Expr::False
                }
            }
            Ty::Nil => Expr::Nil,
            Ty::Arr => {
                let n = self.rng.range(0, 5);
                Expr::Table((0..n).map(|_| TField::Pos(self.leaf(Ty::Int))).collect())
            }
            Ty::Rec => {
                let x = self.leaf(Ty::Int);
                let y = self.leaf(Ty::Float);
                let s = self.leaf(Ty::Str);
                Expr::Table(vec![
                    TField::Named("x".into(), x),
                    TField::Keyed(Expr::Str(b"y".to_vec()), y),
                    TField::Named("s".into(), s),
                ])
            }
            Ty::Obj => {
                let n = self.leaf(Ty::Int);
                call("V", vec![n])
            }
            Ty::Prox => Expr::Name("P".into()),
            Ty::Fun(_) => Expr::Name("id".into()),
        }
    }

    /// An operand of integer arithmetic: an integer, or an integral numeral string.
    fn int_operand(&mut self, d: u32) -> Expr {
        if self.rng.chance(8) {
            let ints: Vec<&str> = NUMSTR_POOL.iter().filter(|p| p.1).map(|p| p.0).collect();
            Expr::Str(self.rng.pick(&ints).as_bytes().to_vec())
        } else {
            self.expr(Ty::Int, d)
        }
    }

    fn nonzero_int(&mut self, d: u32) -> Expr {
        if self.rng.chance(50) {
            Expr::Int(
                *self
                    .rng
                    .pick(&[1, 2, 3, 7, -1, -2, -3, 10, 100, i64::MIN, i64::MAX]),
            )
        } else {
            let x = self.expr(Ty::Int, d);
            Expr::Paren(Box::new(self.bin(BinOp::BOr, x, Expr::Int(1))))
        }
    }

    fn int_expr(&mut self, d: u32) -> Expr {
        match self.rng.below(26) {
            0..=2 => {
                let op = *self.rng.pick(&[BinOp::Add, BinOp::Sub, BinOp::Mul]);
                let l = self.int_operand(d);
                let r = self.int_operand(d);
                // Two string operands would make the result depend on the strings.
                let r = if matches!(l, Expr::Str(_)) && matches!(r, Expr::Str(_)) {
                    Expr::Int(1)
                } else {
                    r
                };
                self.bin(op, l, r)
            }
            3..=4 => {
                let op = *self.rng.pick(&[BinOp::IDiv, BinOp::Mod]);
                let l = self.expr(Ty::Int, d);
                let r = self.nonzero_int(d);
                self.bin(op, l, r)
            }
            5..=7 => {
                let op =
                    *self
                        .rng
                        .pick(&[BinOp::BAnd, BinOp::BOr, BinOp::BXor, BinOp::Shl, BinOp::Shr]);
                let l = self.expr(Ty::Int, d);
                let r = if self.rng.chance(10) {
                    Expr::Float(*self.rng.pick(&[2.0, -1.0, 63.0, 0.0]))
                } else {
                    self.expr(Ty::Int, d)
                };
                self.bin(op, l, r)
            }
            8 => {
                let op = *self.rng.pick(&[UnOp::Neg, UnOp::BNot]);
                Expr::Un(op, Box::new(self.expr(Ty::Int, d)))
            }
            9 => {
                let t = if self.rng.chance(50) {
                    Ty::Str
                } else {
                    Ty::Arr
                };
                Expr::Un(UnOp::Len, Box::new(self.expr(t, d)))
            }
            10 => {
                let f = *self.rng.pick(&["math.max", "math.min"]);
                let n = self.rng.range(1, 3);
                call(f, (0..n).map(|_| self.expr(Ty::Int, d)).collect())
            }
            11 => call("math.abs", vec![self.expr(Ty::Int, d)]),
            12 => {
                let f = self.expr(Ty::Num, d);
                let fl = *self
                    .rng
                    .pick(&["math.floor", "math.ceil", "math.tointeger"]);
                let inner = if fl == "math.tointeger" {
                    f
                } else {
                    call(fl, vec![f])
                };
                let dflt = self.expr(Ty::Int, d);
                let x = call("math.tointeger", vec![inner]);
                Expr::Paren(Box::new(Expr::Bin(
                    BinOp::Or,
                    Box::new(x),
                    Box::new(dflt),
                    false,
                )))
            }
            13 => {
                let s = self.expr(Ty::Str, d);
                let i = self.small_index();
                Expr::Paren(Box::new(Expr::Bin(
                    BinOp::Or,
                    Box::new(call("string.byte", vec![s, i])),
                    Box::new(Expr::Int(-1)),
                    false,
                )))
            }
            14 => {
                let n = self.rng.range(0, 4);
                let mut args = vec![Expr::Str(b"#".to_vec())];
                args.extend((0..n).map(|_| self.printable(0)));
                call("select", args)
            }
            15 => match self.pick_var(Ty::Rec) {
                Some(r) => Expr::Field(Box::new(r), "x".into()),
                None => self.leaf(Ty::Int),
            },
            16 => {
                let a = self.expr(Ty::Arr, d);
                let i = Expr::Int(self.rng.range(0, 4));
                Expr::Paren(Box::new(Expr::Bin(
                    BinOp::Or,
                    Box::new(Expr::Index(Box::new(a), Box::new(i))),
                    Box::new(Expr::Int(0)),
                    false,
                )))
            }
            17 => {
                let o = self.expr(Ty::Obj, d);
                match self.rng.below(3) {
                    0 => Expr::Field(Box::new(o), "v".into()),
                    1 => Expr::Un(UnOp::Len, Box::new(o)),
                    _ => Expr::Method(Box::new(o), "get".into(), vec![]),
                }
            }
            18 => {
                let key = *self.rng.pick(&["a", "b", "c", "d"]);
                Expr::Field(Box::new(Expr::Name("P".into())), key.into())
            }
            19 => {
                let (s, base) = *self.rng.pick(&[
                    ("10", 0),
                    ("z", 36),
                    ("ff", 16),
                    ("0x7fffffffffffffff", 0),
                    ("777", 8),
                    (" 12 ", 0),
                ]);
                let mut args = vec![Expr::Str(s.as_bytes().to_vec())];
                if base != 0 {
                    args.push(Expr::Int(base));
                }
                call("tonumber", args)
            }
            20 => {
                let s = self.expr(Ty::Str, d);
                call("string.len", vec![s])
            }
            21 => {
                let x = self.expr(Ty::Int, d);
                let y = self.nonzero_int(d);
                call("math.fmod", vec![x, y])
            }
            22 => {
                let s = self.expr(Ty::Str, d);
                let pat = Expr::Str(self.rng.pick(PATTERNS).as_bytes().to_vec());
                Expr::Paren(Box::new(Expr::Bin(
                    BinOp::Or,
                    Box::new(call("string.find", vec![s, pat])),
                    Box::new(Expr::Int(0)),
                    false,
                )))
            }
            23 if self.rng.chance(30) => {
                let a = self.expr(Ty::Arr, d);
                call("rawlen", vec![a])
            }
            23 => {
                // Float operand with an exact integer value in a bitwise operation.
                let f = Expr::Float(*self.rng.pick(&[2.0, 255.0, -4.0, 1e3]));
                let x = self.expr(Ty::Int, d);
                let op = *self.rng.pick(&[BinOp::BAnd, BinOp::BXor]);
                self.bin(op, f, x)
            }
            _ => {
                let x = self.expr(Ty::Int, d);
                Expr::Paren(Box::new(x))
            }
        }
    }

    fn float_expr(&mut self, d: u32) -> Expr {
        match self.rng.below(14) {
            0..=2 => {
                let op = *self.rng.pick(&[BinOp::Add, BinOp::Sub, BinOp::Mul]);
                let l = self.expr(Ty::Float, d);
                let r = self.expr(Ty::Num, d);
                if self.rng.chance(50) {
                    self.bin(op, l, r)
                } else {
                    self.bin(op, r, l)
                }
            }
            3..=4 => {
                let l = self.expr(Ty::Num, d);
                let r = self.expr(Ty::Num, d);
                self.bin(BinOp::Div, l, r)
            }
            5 => {
                let l = self.expr(Ty::Num, d);
                let r = Expr::Int(self.rng.range(-2, 4));
                self.bin(BinOp::Pow, l, r)
            }
            6 => {
                let op = *self.rng.pick(&[BinOp::IDiv, BinOp::Mod]);
                let l = self.expr(Ty::Float, d);
                let r = self.expr(Ty::Num, d);
                if self.rng.chance(50) {
                    self.bin(op, l, r)
                } else {
                    self.bin(op, r, l)
                }
            }
            7 => call("math.abs", vec![self.expr(Ty::Float, d)]),
            8 => Expr::Un(UnOp::Neg, Box::new(self.expr(Ty::Float, d))),
            9 => {
                let a = self.expr(Ty::Float, d);
                let b = self.expr(Ty::Float, d);
                call("math.fmod", vec![a, b])
            }
            10 => {
                let fl: Vec<&str> = NUMSTR_POOL.iter().filter(|p| !p.1).map(|p| p.0).collect();
                let s = Expr::Str(self.rng.pick(&fl).as_bytes().to_vec());
                let x = self.expr(Ty::Num, d);
                let op = *self.rng.pick(&[BinOp::Add, BinOp::Mul, BinOp::Sub]);
                self.bin(op, s, x)
            }
            11 => match self.pick_var(Ty::Rec) {
                Some(r) => Expr::Field(Box::new(r), "y".into()),
                None => Expr::Name(self.rng.pick(&["math.pi", "math.huge"]).to_string()),
            },
            12 => {
                let x = self.expr(Ty::Int, d);
                self.bin(BinOp::Add, x, Expr::Float(0.0))
            }
            _ => {
                let f = *self.rng.pick(&["math.max", "math.min"]);
                let a = self.expr(Ty::Float, d);
                let b = self.expr(Ty::Float, d);
                call(f, vec![a, b])
            }
        }
    }

    fn num_expr(&mut self, d: u32) -> Expr {
        match self.rng.below(5) {
            4 => {
                let f = *self.rng.pick(&["math.floor", "math.ceil"]);
                let x = self.expr(Ty::Num, d);
                call(f, vec![x])
            }
            0 => {
                let f = *self.rng.pick(&["math.max", "math.min"]);
                let a = self.expr(Ty::Num, d);
                let b = self.expr(Ty::Num, d);
                call(f, vec![a, b])
            }
            1 => {
                let s = Expr::Str(self.rng.pick(NUMSTR_POOL).0.as_bytes().to_vec());
                let x = self.expr(Ty::Int, d);
                self.bin(BinOp::Add, s, x)
            }
            2 => {
                let c = self.expr(Ty::Bool, d);
                let a = self.expr(Ty::Int, d);
                let b = self.expr(Ty::Float, d);
                let x = Expr::Bin(BinOp::And, Box::new(c), Box::new(a), false);
                Expr::Paren(Box::new(Expr::Bin(
                    BinOp::Or,
                    Box::new(x),
                    Box::new(b),
                    false,
                )))
            }
            _ => {
                let op =
                    *self
                        .rng
                        .pick(&[BinOp::Add, BinOp::Sub, BinOp::Mul, BinOp::Mod, BinOp::IDiv]);
                let a = self.expr(Ty::Num, d);
                let b = self.expr(Ty::Float, d);
                self.bin(op, a, b)
            }
        }
    }

    fn fmt_arg(&mut self, d: u32) -> (String, Expr) {
        match self.rng.below(12) {
            0 => ("%d".into(), self.expr(Ty::Int, d)),
            1 => (
                self.rng
                    .pick(&["%5d", "%-5d|", "%05d", "%+d", "%i"])
                    .to_string(),
                self.expr(Ty::Int, d),
            ),
            2 => (
                self.rng.pick(&["%x", "%X", "%o", "%#x"]).to_string(),
                self.expr(Ty::Int, d),
            ),
            3 => (
                self.rng.pick(&["%5.2f", "%.3f", "%f", "%.0f"]).to_string(),
                self.expr(Ty::Num, d),
            ),
            4 => (
                self.rng
                    .pick(&["%e", "%.2e", "%g", "%.14g", "%10.3g"])
                    .to_string(),
                self.expr(Ty::Num, d),
            ),
            5 => (
                self.rng.pick(&["%s", "%10s", "%-6s|", "%.2s"]).to_string(),
                self.expr(Ty::Str, d),
            ),
            6 => ("%s".into(), self.printable(d)),
            7 => ("%q".into(), {
                let t = *self.rng.pick(&[Ty::Int, Ty::Float, Ty::Str]);
                self.expr(t, d)
            }),
            8 => ("%c".into(), Expr::Int(self.rng.range(65, 122))),
            9 => ("%%".into(), Expr::Nil),
            10 => ("%a".into(), self.expr(Ty::Float, d)),
            _ => ("%s".into(), {
                let n = self.expr(Ty::Num, d);
                n
            }),
        }
    }

    fn str_expr(&mut self, d: u32) -> Expr {
        match self.rng.below(20) {
            0..=3 => {
                let lt = *self.rng.pick(&[Ty::Str, Ty::Str, Ty::Int, Ty::Float]);
                let rt = *self.rng.pick(&[Ty::Str, Ty::Str, Ty::Int, Ty::Float]);
                let l = self.expr(lt, d);
                let r = self.expr(rt, d);
                self.bin(BinOp::Concat, l, r)
            }
            4 => {
                let s = self.expr(Ty::Str, d);
                let n = Expr::Int(self.rng.range(-1, 3));
                if self.rng.chance(30) {
                    let sep = self.leaf(Ty::Str);
                    call("string.rep", vec![s, n, sep])
                } else {
                    Expr::Method(Box::new(s), "rep".into(), vec![n])
                }
            }
            5 => {
                let s = self.expr(Ty::Str, d);
                let i = Expr::Int(self.rng.range(-6, 6));
                if self.rng.chance(50) {
                    let j = Expr::Int(self.rng.range(-6, 6));
                    Expr::Method(Box::new(s), "sub".into(), vec![i, j])
                } else {
                    call("string.sub", vec![s, i])
                }
            }
            6 => {
                let f = *self.rng.pick(&["upper", "lower", "reverse"]);
                let s = self.expr(Ty::Str, d);
                Expr::Method(Box::new(s), f.into(), vec![])
            }
            7..=8 => {
                let n = self.rng.range(1, 3);
                let mut fmt = String::new();
                let mut args = vec![];
                for _ in 0..n {
                    let (f, a) = self.fmt_arg(d);
                    fmt.push_str(&f);
                    fmt.push(' ');
                    if f != "%%" {
                        args.push(a);
                    }
                }
                let mut all = vec![Expr::Str(fmt.into_bytes())];
                all.extend(args);
                call("string.format", all)
            }
            9 => {
                let t = *self
                    .rng
                    .pick(&[Ty::Int, Ty::Float, Ty::Bool, Ty::Nil, Ty::Num]);
                call("tostring", vec![self.expr(t, d)])
            }
            10 => {
                let n = self.rng.range(0, 3);
                call(
                    "string.char",
                    (0..n).map(|_| Expr::Int(self.rng.range(32, 126))).collect(),
                )
            }
            11 => {
                let s = self.expr(Ty::Str, d);
                let pat = Expr::Str(self.rng.pick(PATTERNS).as_bytes().to_vec());
                let dflt = self.leaf(Ty::Str);
                Expr::Paren(Box::new(Expr::Bin(
                    BinOp::Or,
                    Box::new(call("string.match", vec![s, pat])),
                    Box::new(dflt),
                    false,
                )))
            }
            12 => {
                let s = self.expr(Ty::Str, d);
                let pat = Expr::Str(self.rng.pick(PATTERNS).as_bytes().to_vec());
                let repl = Expr::Str(
                    self.rng
                        .pick(&["%0%0", "<%0>", "", "x"])
                        .as_bytes()
                        .to_vec(),
                );
                Expr::Paren(Box::new(call("string.gsub", vec![s, pat, repl])))
            }
            13 => {
                let a = self.expr(Ty::Arr, d);
                let sep = Expr::Str(self.rng.pick(&["", ",", " - "]).as_bytes().to_vec());
                call("table.concat", vec![a, sep])
            }
            14 => match self.pick_var(Ty::Rec) {
                Some(r) => Expr::Field(Box::new(r), "s".into()),
                None => self.leaf(Ty::Str),
            },
            15 => {
                let o = self.expr(Ty::Obj, d);
                match self.rng.below(4) {
                    0 => call("tostring", vec![o]),
                    1 => {
                        let s = self.expr(Ty::Str, d);
                        self.bin(BinOp::Concat, o, s)
                    }
                    2 => {
                        let s = self.expr(Ty::Int, d);
                        self.bin(BinOp::Concat, s, o)
                    }
                    _ => Expr::Method(Box::new(o), "str".into(), vec![]),
                }
            }
            16 => {
                let x = self.printable(d);
                call("type", vec![x])
            }
            17 => {
                let x = self.expr(Ty::Num, d);
                Expr::Paren(Box::new(Expr::Bin(
                    BinOp::Or,
                    Box::new(call("math.type", vec![x])),
                    Box::new(Expr::Str(b"no".to_vec())),
                    false,
                )))
            }
            _ => {
                let x = self.expr(Ty::Str, d);
                Expr::Paren(Box::new(x))
            }
        }
    }

    fn bool_expr(&mut self, d: u32) -> Expr {
        let k = self.rng.below(12);
        match k {
            0..=4 => {
                let op = *self.rng.pick(&[
                    BinOp::Lt,
                    BinOp::Le,
                    BinOp::Gt,
                    BinOp::Ge,
                    BinOp::Eq,
                    BinOp::Ne,
                ]);
                // Numbers four times in five, strings otherwise.
                let ty = if k == 4 { Ty::Str } else { Ty::Num };
                let l = self.expr(ty, d);
                let r = self.expr(ty, d);
                self.bin(op, l, r)
            }
            5 => {
                let op = *self.rng.pick(&[BinOp::Eq, BinOp::Ne]);
                let lt = self.value_ty();
                let rt = self.value_ty();
                let l = self.expr(lt, d);
                let r = self.expr(rt, d);
                self.bin(op, l, r)
            }
            6 => {
                let t = self.value_ty();
                Expr::Un(UnOp::Not, Box::new(self.expr(t, d)))
            }
            7 => {
                let op = *self.rng.pick(&[BinOp::And, BinOp::Or]);
                let l = self.expr(Ty::Bool, d);
                let r = self.expr(Ty::Bool, d);
                Expr::Paren(Box::new(Expr::Bin(op, Box::new(l), Box::new(r), false)))
            }
            8 => {
                let op = *self
                    .rng
                    .pick(&[BinOp::Lt, BinOp::Le, BinOp::Eq, BinOp::Gt, BinOp::Ne]);
                let l = self.expr(Ty::Obj, d);
                let r = if self.rng.chance(70) {
                    self.expr(Ty::Obj, d)
                } else {
                    self.expr(Ty::Int, d)
                };
                let (l, r) = if op == BinOp::Eq || op == BinOp::Ne || self.rng.chance(50) {
                    (l, r)
                } else {
                    (r, l)
                };
                self.bin(op, l, r)
            }
            9 => {
                let a = self.expr(Ty::Int, d);
                let b = self.expr(Ty::Int, d);
                call("math.ult", vec![a, b])
            }
            10 => {
                let x = self.expr(Ty::Str, d);
                let pat = Expr::Str(self.rng.pick(PATTERNS).as_bytes().to_vec());
                self.bin(BinOp::Ne, call("string.find", vec![x, pat]), Expr::Nil)
            }
            _ => {
                let x = self.expr(Ty::Num, d);
                self.bin(
                    BinOp::Eq,
                    call("math.type", vec![x]),
                    Expr::Str(b"integer".to_vec()),
                )
            }
        }
    }

    fn obj_expr(&mut self, d: u32) -> Expr {
        match self.rng.below(6) {
            0..=2 => {
                let op = *self.rng.pick(&[
                    BinOp::Add,
                    BinOp::Sub,
                    BinOp::Mul,
                    BinOp::Div,
                    BinOp::Mod,
                    BinOp::IDiv,
                    BinOp::Pow,
                    BinOp::BAnd,
                    BinOp::BOr,
                    BinOp::BXor,
                    BinOp::Shl,
                    BinOp::Shr,
                ]);
                let l = self.expr(Ty::Obj, d);
                let r = if self.rng.chance(60) {
                    self.expr(Ty::Obj, d)
                } else {
                    self.expr(Ty::Int, d)
                };
                if self.rng.chance(50) {
                    self.bin(op, l, r)
                } else {
                    self.bin(op, r, l)
                }
            }
            3 => {
                let op = *self.rng.pick(&[UnOp::Neg, UnOp::BNot]);
                Expr::Un(op, Box::new(self.expr(Ty::Obj, d)))
            }
            4 => {
                let o = self.expr(Ty::Obj, d);
                let n = self.expr(Ty::Int, d);
                Expr::Call(Box::new(Expr::Paren(Box::new(o))), vec![n])
            }
            _ => {
                let n = self.expr(Ty::Int, d);
                call("V", vec![n])
            }
        }
    }
}

/// `#t < 24`: the guard of every statement that grows an array.
fn bounded(t: &Expr) -> Expr {
    Expr::Bin(
        BinOp::Lt,
        Box::new(Expr::Un(UnOp::Len, Box::new(t.clone()))),
        Box::new(Expr::Int(24)),
        false,
    )
}

fn prefix_of(ty: Ty) -> &'static str {
    match ty {
        Ty::Int => "n",
        Ty::Float => "x",
        Ty::Num => "m",
        Ty::Str => "s",
        Ty::Bool => "b",
        Ty::Nil => "u",
        Ty::Arr => "a",
        Ty::Rec => "r",
        Ty::Obj => "o",
        Ty::Prox => "p",
        Ty::Fun(_) => "f",
    }
}

pub fn call(name: &str, args: Vec<Expr>) -> Expr {
    Expr::Call(Box::new(Expr::Name(name.into())), args)
}

fn is_andor(e: &Expr) -> bool {
    match e {
        Expr::Paren(x) => is_andor(x),
        Expr::Bin(BinOp::And | BinOp::Or, ..) => true,
        _ => false,
    }
}

/// Replaces `goto continue` by `break` in a loop body whose label is removed.
fn strip_continue(s: Stmt) -> Stmt {
    match s {
        Stmt::Goto(_) => Stmt::Break,
        Stmt::If(arms, els) => Stmt::If(
            arms.into_iter()
                .map(|(c, b)| (c, b.into_iter().map(strip_continue).collect()))
                .collect(),
            els.map(|b| b.into_iter().map(strip_continue).collect()),
        ),
        Stmt::Do(b) => Stmt::Do(b.into_iter().map(strip_continue).collect()),
        other => other,
    }
}

/// Generates the program for a seed.
pub fn generate(seed: u64, opts: Options) -> Program {
    Gen::new(seed, opts).program()
}
