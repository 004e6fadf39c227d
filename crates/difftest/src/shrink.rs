//! The shrinker: greedy reduction of a program while an oracle says it still fails.
//!
//! Each pass enumerates edits of one kind by index over a preorder walk of the tree, tries each
//! on a copy, and keeps the first that still fails (then tries the same index again, since the
//! tree has changed under it). Passes repeat until none makes progress or the budget of oracle
//! calls is spent. The edits, from coarse to fine:
//! 1. remove a statement;
//! 2. replace a compound statement by its body (`if`, loops, `do`), or a loop's range by one
//!    iteration;
//! 3. replace an expression by one of its subexpressions, or by a small constant.

use crate::ast::*;

/// Shrinks `p` while `fails` holds, with at most `budget` calls of `fails`.
pub fn shrink(p: &Program, budget: usize, fails: &mut dyn FnMut(&Program) -> bool) -> Program {
    let mut best = p.clone();
    let mut calls = 0usize;
    let mut progress = true;
    while progress && calls < budget {
        progress = false;
        // Pass 1: statements.
        let mut i = 0;
        while i < count_stmts(&best.body) && calls < budget {
            let mut cand = best.clone();
            remove_stmt(&mut cand.body, &mut i.clone());
            calls += 1;
            if fails(&cand) {
                best = cand;
                progress = true;
            } else {
                i += 1;
            }
        }
        // Pass 2: unwrap compound statements.
        let mut i = 0;
        while i < count_stmts(&best.body) && calls < budget {
            let mut any = false;
            for variant in 0..3 {
                let mut cand = best.clone();
                if !unwrap_stmt(&mut cand.body, &mut i.clone(), variant) || cand == best {
                    continue;
                }
                calls += 1;
                if fails(&cand) {
                    best = cand;
                    progress = true;
                    any = true;
                    break;
                }
            }
            if !any {
                i += 1;
            }
        }
        // Pass 3: expressions.
        let mut i = 0;
        while i < count_exprs(&best.body) && calls < budget {
            let mut any = false;
            let n = replacements_at(&best.body, i).len();
            for j in 0..n {
                let mut cand = best.clone();
                if !replace_expr(&mut cand.body, i, j) || cand == best {
                    continue;
                }
                calls += 1;
                if fails(&cand) {
                    best = cand;
                    progress = true;
                    any = true;
                    break;
                }
                if calls >= budget {
                    break;
                }
            }
            if !any {
                i += 1;
            }
        }
    }
    best
}

// ---------------------------------------------------------------- statements

/// The blocks directly inside a statement: those of function expressions in its expressions,
/// then its own nested blocks.
fn child_blocks_mut(s: &mut Stmt) -> Vec<&mut Block> {
    let mut out = Vec::new();
    match s {
        Stmt::Local(_, es) | Stmt::Return(es) => {
            es.iter_mut().for_each(|e| func_blocks_mut(e, &mut out))
        }
        Stmt::Assign(ts, es) => ts
            .iter_mut()
            .chain(es.iter_mut())
            .for_each(|e| func_blocks_mut(e, &mut out)),
        Stmt::Call(e) => func_blocks_mut(e, &mut out),
        Stmt::Do(b) => out.push(b),
        Stmt::While { cond, body, .. } | Stmt::Repeat { cond, body, .. } => {
            func_blocks_mut(cond, &mut out);
            out.push(body);
        }
        Stmt::If(arms, els) => {
            for (c, b) in arms.iter_mut() {
                func_blocks_mut(c, &mut out);
                out.push(b);
            }
            if let Some(b) = els {
                out.push(b);
            }
        }
        Stmt::NumFor(_, a, c, st, b) => {
            func_blocks_mut(a, &mut out);
            func_blocks_mut(c, &mut out);
            if let Some(e) = st {
                func_blocks_mut(e, &mut out);
            }
            out.push(b);
        }
        Stmt::GenFor(_, es, b) => {
            es.iter_mut().for_each(|e| func_blocks_mut(e, &mut out));
            out.push(b);
        }
        Stmt::LocalFunc(_, f) | Stmt::Func(_, f) => out.push(&mut f.body),
        Stmt::Break | Stmt::Goto(_) | Stmt::Label(_) | Stmt::Raw(_) => {}
    }
    out
}

/// The bodies of the outermost function expressions inside `e`.
fn func_blocks_mut<'a>(e: &'a mut Expr, out: &mut Vec<&'a mut Block>) {
    match e {
        Expr::Func(fb) => out.push(&mut fb.body),
        Expr::Index(a, b) | Expr::Bin(_, a, b, _) => {
            func_blocks_mut(a, out);
            func_blocks_mut(b, out);
        }
        Expr::Field(a, _) | Expr::Un(_, a) | Expr::Paren(a) => func_blocks_mut(a, out),
        Expr::Call(a, args) | Expr::Method(a, _, args) => {
            func_blocks_mut(a, out);
            args.iter_mut().for_each(|x| func_blocks_mut(x, out));
        }
        Expr::Table(fields) => {
            for f in fields.iter_mut() {
                match f {
                    TField::Pos(x) | TField::Named(_, x) => func_blocks_mut(x, out),
                    TField::Keyed(k, x) => {
                        func_blocks_mut(k, out);
                        func_blocks_mut(x, out);
                    }
                }
            }
        }
        _ => {}
    }
}

/// Statements in preorder, including those in nested blocks and function expressions.
pub fn count_stmts(b: &Block) -> usize {
    let mut b = b.clone();
    count_mut(&mut b)
}

fn count_mut(b: &mut Block) -> usize {
    b.iter_mut()
        .map(|s| {
            1 + child_blocks_mut(s)
                .into_iter()
                .map(|cb| count_mut(cb))
                .sum::<usize>()
        })
        .sum()
}

/// Removes the statement with preorder index `*i`; returns true once done.
fn remove_stmt(b: &mut Block, i: &mut usize) -> bool {
    let mut k = 0;
    while k < b.len() {
        if *i == 0 {
            b.remove(k);
            return true;
        }
        *i -= 1;
        for cb in child_blocks_mut(&mut b[k]) {
            if remove_stmt(cb, i) {
                return true;
            }
        }
        k += 1;
    }
    false
}

/// Replaces the statement with preorder index `*i` by a simpler form (`variant` picks which).
fn unwrap_stmt(b: &mut Block, i: &mut usize, variant: usize) -> bool {
    let mut k = 0;
    while k < b.len() {
        if *i == 0 {
            let s = b.remove(k);
            let repl: Vec<Stmt> = match (s, variant) {
                (Stmt::Do(body), 0) => vec![Stmt::Do(body)]
                    .into_iter()
                    .flat_map(|s| match s {
                        Stmt::Do(x) => x,
                        o => vec![o],
                    })
                    .collect(),
                (Stmt::If(arms, els), v) => {
                    let mut bodies: Vec<Block> = arms.into_iter().map(|(_, b)| b).collect();
                    if let Some(e) = els {
                        bodies.push(e);
                    }
                    match bodies.into_iter().nth(v) {
                        Some(b) => vec![Stmt::Do(b)],
                        None => vec![],
                    }
                }
                (Stmt::While { body, .. } | Stmt::Repeat { body, .. }, 0) => {
                    vec![Stmt::Do(strip_loop(body))]
                }
                (Stmt::NumFor(v, a, _, _, body), 0) => {
                    vec![Stmt::NumFor(v, a.clone(), a, None, body)]
                }
                (Stmt::NumFor(v, a, _, _, body), 1) => {
                    vec![Stmt::Do(
                        std::iter::once(Stmt::Local(vec![(v, Attr::None)], vec![a]))
                            .chain(strip_loop(body))
                            .collect(),
                    )]
                }
                (Stmt::LocalFunc(n, f), 0) if !f.body.is_empty() => {
                    vec![Stmt::LocalFunc(
                        n,
                        FuncBody {
                            params: f.params,
                            vararg: f.vararg,
                            body: f
                                .body
                                .into_iter()
                                .filter(|s| matches!(s, Stmt::Return(_)))
                                .collect(),
                        },
                    )]
                }
                (mut s, v) => {
                    // A statement holding function expressions (a pcall, a coroutine): the body
                    // of one of them in its place.
                    let is_do = matches!(s, Stmt::Do(_));
                    match child_blocks_mut(&mut s).into_iter().nth(v) {
                        Some(body) if !is_do => vec![Stmt::Do(body.clone())],
                        _ => {
                            b.insert(k, s);
                            return true;
                        }
                    }
                }
            };
            for (j, s) in repl.into_iter().enumerate() {
                b.insert(k + j, s);
            }
            return true;
        }
        *i -= 1;
        for cb in child_blocks_mut(&mut b[k]) {
            if unwrap_stmt(cb, i, variant) {
                return true;
            }
        }
        k += 1;
    }
    false
}

/// A loop body outside its loop: `break`, `goto continue` and the label go.
fn strip_loop(b: Block) -> Block {
    b.into_iter()
        .filter(|s| !matches!(s, Stmt::Break | Stmt::Goto(_) | Stmt::Label(_)))
        .collect()
}

// ---------------------------------------------------------------- expressions

/// Calls `f` on every expression in preorder (statement by statement); stops when `f` says so.
fn walk_exprs_mut(b: &mut Block, f: &mut dyn FnMut(&mut Expr) -> bool) -> bool {
    for s in b.iter_mut() {
        let stop = match s {
            Stmt::Local(_, es) | Stmt::Return(es) => es.iter_mut().any(|e| walk_expr_mut(e, f)),
            Stmt::Assign(ts, es) => ts
                .iter_mut()
                .chain(es.iter_mut())
                .any(|e| walk_expr_mut(e, f)),
            Stmt::Call(e) => walk_expr_mut(e, f),
            Stmt::Do(b) => walk_exprs_mut(b, f),
            Stmt::While { cond, body, .. } | Stmt::Repeat { cond, body, .. } => {
                walk_expr_mut(cond, f) || walk_exprs_mut(body, f)
            }
            Stmt::If(arms, els) => {
                arms.iter_mut()
                    .any(|(c, b)| walk_expr_mut(c, f) || walk_exprs_mut(b, f))
                    || els.as_mut().is_some_and(|b| walk_exprs_mut(b, f))
            }
            Stmt::NumFor(_, a, c, st, b) => {
                walk_expr_mut(a, f)
                    || walk_expr_mut(c, f)
                    || st.as_mut().is_some_and(|e| walk_expr_mut(e, f))
                    || walk_exprs_mut(b, f)
            }
            Stmt::GenFor(_, es, b) => {
                es.iter_mut().any(|e| walk_expr_mut(e, f)) || walk_exprs_mut(b, f)
            }
            Stmt::LocalFunc(_, fb) | Stmt::Func(_, fb) => walk_exprs_mut(&mut fb.body, f),
            Stmt::Break | Stmt::Goto(_) | Stmt::Label(_) | Stmt::Raw(_) => false,
        };
        if stop {
            return true;
        }
    }
    false
}

fn walk_expr_mut(e: &mut Expr, f: &mut dyn FnMut(&mut Expr) -> bool) -> bool {
    if f(e) {
        return true;
    }
    match e {
        Expr::Index(a, b) | Expr::Bin(_, a, b, _) => walk_expr_mut(a, f) || walk_expr_mut(b, f),
        Expr::Field(a, _) | Expr::Un(_, a) | Expr::Paren(a) => walk_expr_mut(a, f),
        Expr::Call(a, args) | Expr::Method(a, _, args) => {
            walk_expr_mut(a, f) || args.iter_mut().any(|x| walk_expr_mut(x, f))
        }
        Expr::Func(fb) => walk_exprs_mut(&mut fb.body, f),
        Expr::Table(fields) => fields.iter_mut().any(|t| match t {
            TField::Pos(x) | TField::Named(_, x) => walk_expr_mut(x, f),
            TField::Keyed(k, x) => walk_expr_mut(k, f) || walk_expr_mut(x, f),
        }),
        _ => false,
    }
}

pub fn count_exprs(b: &Block) -> usize {
    let mut n = 0;
    let mut b = b.clone();
    walk_exprs_mut(&mut b, &mut |_| {
        n += 1;
        false
    });
    n
}

/// The simpler expressions that may stand for `e`: its subexpressions, then small constants.
fn replacements(e: &Expr) -> Vec<Expr> {
    let mut out: Vec<Expr> = Vec::new();
    match e {
        Expr::Bin(op, a, b, nl) => {
            out.push((**a).clone());
            out.push((**b).clone());
            if *nl {
                out.push(Expr::Bin(*op, a.clone(), b.clone(), false));
            }
        }
        Expr::Un(_, a) | Expr::Paren(a) => out.push((**a).clone()),
        Expr::Index(a, _) | Expr::Field(a, _) => out.push((**a).clone()),
        Expr::Call(f, args) | Expr::Method(f, _, args) => {
            out.extend(args.iter().cloned());
            for k in 0..args.len() {
                let mut fewer = args.clone();
                fewer.remove(k);
                out.push(match e {
                    Expr::Method(_, m, _) => Expr::Method(f.clone(), m.clone(), fewer),
                    _ => Expr::Call(f.clone(), fewer),
                });
            }
        }
        Expr::Table(fields) => {
            for k in 0..fields.len() {
                let mut fewer = fields.clone();
                fewer.remove(k);
                out.push(Expr::Table(fewer));
            }
        }
        Expr::Int(i) if *i != 0 && *i != 1 => {
            if i.unsigned_abs() > 2 {
                out.push(Expr::Int(i / 2));
            }
        }
        Expr::Str(s) if s.len() > 1 => {
            out.push(Expr::Str(s[..s.len() / 2].to_vec()));
        }
        _ => {}
    }
    let simple = matches!(
        e,
        Expr::Nil
            | Expr::True
            | Expr::False
            | Expr::Int(_)
            | Expr::Float(_)
            | Expr::Str(_)
            | Expr::Name(_)
            | Expr::Vararg
    );
    if !simple {
        out.extend([
            Expr::Int(0),
            Expr::Int(1),
            Expr::Str(b"a".to_vec()),
            Expr::Nil,
            Expr::True,
            Expr::Float(0.5),
        ]);
    }
    if let Expr::Int(i) = e {
        if *i > 1 || *i < 0 {
            out.push(Expr::Int(1));
            out.push(Expr::Int(0));
        }
    }
    if let Expr::Float(_) = e {
        out.push(Expr::Float(0.5));
    }
    out.retain(|x| x != e);
    out
}

fn replacements_at(b: &Block, i: usize) -> Vec<Expr> {
    let mut b = b.clone();
    let mut k = 0;
    let mut found = Vec::new();
    walk_exprs_mut(&mut b, &mut |e| {
        if k == i {
            found = replacements(e);
            return true;
        }
        k += 1;
        false
    });
    found
}

/// Replaces the expression with preorder index `i` by its `j`th replacement.
fn replace_expr(b: &mut Block, i: usize, j: usize) -> bool {
    let mut k = 0;
    let mut done = false;
    walk_exprs_mut(b, &mut |e| {
        if k == i {
            if let Some(r) = replacements(e).into_iter().nth(j) {
                *e = r;
                done = true;
            }
            return true;
        }
        k += 1;
        false
    });
    done
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gen::{generate, Options};

    fn has_fault(p: &Program) -> bool {
        render(p).contains("FAULT")
    }

    #[test]
    fn shrinks_to_the_planted_fault() {
        // A generated program with a planted "fault": a print of the string FAULT deep inside.
        let mut p = generate(7, Options::default());
        let n = p.body.len();
        p.body.insert(
            n / 2,
            Stmt::If(
                vec![(
                    Expr::True,
                    vec![Stmt::Call(crate::gen::call(
                        "print",
                        vec![Expr::Bin(
                            BinOp::Concat,
                            Box::new(Expr::Str(b"FAULT".to_vec())),
                            Box::new(Expr::Int(12345)),
                            false,
                        )],
                    ))],
                )],
                None,
            ),
        );
        let before = render(&p);
        let small = shrink(&p, 100_000, &mut |c| has_fault(c));
        let after = render(&small);
        assert!(has_fault(&small));
        assert!(after.len() < before.len() / 4, "{after}");
        assert_eq!(after.trim(), ";\"FAULT\"", "shrunk to: {after}");
    }

    #[test]
    fn shrinking_respects_the_oracle() {
        // The oracle needs two statements to stay; everything else goes.
        let p = generate(11, Options::default());
        let keep = |c: &Program| {
            let s = render(c);
            s.contains("local function id") && s.contains("function V:get")
                || s.contains("Vm = {get")
        };
        assert!(keep(&p));
        let small = shrink(&p, 100_000, &mut |c| keep(c));
        assert!(keep(&small));
        assert!(small.body.len() <= 2, "{}", render(&small));
    }
}
