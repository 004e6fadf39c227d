//! Parse trees of every construct, compared as a compact S-expression rendering, plus the
//! line numbers the tree carries and the nesting limits.

use crate::ast::*;
use crate::parse;

fn show_exprs(es: &[Expr]) -> String {
    es.iter().map(show_expr).collect::<Vec<_>>().join(" ")
}

fn show_func(f: &FuncBody) -> String {
    let mut params = f.params.join(" ");
    if f.is_vararg {
        if !params.is_empty() {
            params.push(' ');
        }
        params.push_str("...");
    }
    format!("(function [{params}] {})", show_block(&f.body))
}

fn show_expr(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Nil => "nil".into(),
        ExprKind::True => "true".into(),
        ExprKind::False => "false".into(),
        ExprKind::Vararg => "...".into(),
        ExprKind::Int(i) => format!("{i}"),
        ExprKind::Float(f) => format!("{f:?}"),
        ExprKind::Str(s) => format!("{:?}", String::from_utf8_lossy(s)),
        ExprKind::Function(f) => show_func(f),
        ExprKind::Table(fields) => {
            let fs: Vec<String> = fields
                .iter()
                .map(|f| match f {
                    Field::Positional(v) => show_expr(v),
                    Field::Named(n, v) => format!("{n}={}", show_expr(v)),
                    Field::Keyed(k, v) => format!("[{}]={}", show_expr(k), show_expr(v)),
                })
                .collect();
            format!("{{{}}}", fs.join(" "))
        }
        ExprKind::Name(n) => n.clone(),
        ExprKind::Index(o, k) => format!("(index {} {})", show_expr(o), show_expr(k)),
        ExprKind::Call(f, args) if args.is_empty() => format!("(call {})", show_expr(f)),
        ExprKind::Call(f, args) => format!("(call {} {})", show_expr(f), show_exprs(args)),
        ExprKind::MethodCall(o, m, _, args) => {
            format!("(method {} {m} [{}])", show_expr(o), show_exprs(args))
        }
        ExprKind::Paren(e) => format!("(paren {})", show_expr(e)),
        ExprKind::Binary(op, a, b) => format!("({op:?} {} {})", show_expr(a), show_expr(b)),
        ExprKind::Unary(op, a) => format!("({op:?} {})", show_expr(a)),
    }
}

fn show_stat(s: &Stat) -> String {
    match &s.kind {
        StatKind::Local { names, exprs } => {
            let ns: Vec<String> = names
                .iter()
                .map(|(n, a)| match a {
                    Attrib::None => n.clone(),
                    Attrib::Const => format!("{n}<const>"),
                    Attrib::Close => format!("{n}<close>"),
                })
                .collect();
            format!("(local [{}] [{}])", ns.join(" "), show_exprs(exprs))
        }
        StatKind::Assign { targets, exprs } => {
            format!("(assign [{}] [{}])", show_exprs(targets), show_exprs(exprs))
        }
        StatKind::Call(e) => show_expr(e),
        StatKind::Do(b) => format!("(do {})", show_block(b)),
        StatKind::While { cond, body } => {
            format!("(while {} {})", show_expr(cond), show_block(body))
        }
        StatKind::Repeat { body, cond } => {
            format!("(repeat {} {})", show_block(body), show_expr(cond))
        }
        StatKind::If { arms, else_block } => {
            let mut out = "(if".to_string();
            for (c, b) in arms {
                out.push_str(&format!(" {} {}", show_expr(c), show_block(b)));
            }
            if let Some(b) = else_block {
                out.push_str(&format!(" else {}", show_block(b)));
            }
            out + ")"
        }
        StatKind::NumFor {
            var,
            start,
            limit,
            step,
            body,
        } => {
            let step = step.as_ref().map_or("-".to_string(), show_expr);
            format!(
                "(fornum {var} {} {} {step} {})",
                show_expr(start),
                show_expr(limit),
                show_block(body)
            )
        }
        StatKind::GenFor {
            names, exprs, body, ..
        } => {
            format!(
                "(forin [{}] [{}] {})",
                names.join(" "),
                show_exprs(exprs),
                show_block(body)
            )
        }
        StatKind::Function { name, func } => {
            let mut n = name.base.clone();
            for p in &name.path {
                n.push('.');
                n.push_str(p);
            }
            if let Some(m) = &name.method {
                n.push(':');
                n.push_str(m);
            }
            format!("(funcstat {n} {})", show_func(func))
        }
        StatKind::LocalFunction { name, func } => format!("(localfunc {name} {})", show_func(func)),
        StatKind::Goto(n) => format!("(goto {n})"),
        StatKind::Label(n) => format!("(label {n})"),
        StatKind::Break => "break".into(),
    }
}

fn show_block(b: &Block) -> String {
    let mut parts: Vec<String> = b.stats.iter().map(show_stat).collect();
    if let Some((es, _)) = &b.ret {
        parts.push(format!("(return {})", show_exprs(es)).replace(" )", ")"));
    }
    format!("{{{}}}", parts.join("; "))
}

fn tree(src: &str) -> String {
    match parse(src.as_bytes(), "=t") {
        Ok(f) => show_block(&f.body),
        Err(e) => format!("error: {e}"),
    }
}

#[test]
fn statements() {
    let cases: &[(&str, &str)] = &[
        ("", "{}"),
        (";;", "{}"),
        ("local x", "{(local [x] [])}"),
        ("local a <const>, b <close>, c = 1, 2", "{(local [a<const> b<close> c] [1 2])}"),
        ("a, b.c, d[1] = 1, 2", "{(assign [a (index b \"c\") (index d 1)] [1 2])}"),
        ("f()", "{(call f)}"),
        ("f(1, 2)", "{(call f 1 2)}"),
        ("f'x' f[[y]] f{}", "{(call f \"x\"); (call f \"y\"); (call f {})}"),
        ("o:m(1)", "{(method o m [1])}"),
        ("o.a:m{1}", "{(method (index o \"a\") m [{1}])}"),
        ("do end", "{(do {})}"),
        ("do local x end", "{(do {(local [x] [])})}"),
        ("while x do f() end", "{(while x {(call f)})}"),
        ("repeat local x until x", "{(repeat {(local [x] [])} x)}"),
        ("if a then f() end", "{(if a {(call f)})}"),
        (
            "if a then elseif b then g() elseif c then else h() end",
            "{(if a {} b {(call g)} c {} else {(call h)})}",
        ),
        ("for i = 1, 10 do end", "{(fornum i 1 10 - {})}"),
        ("for i = 10, 1, -1 do f(i) end", "{(fornum i 10 1 (Neg 1) {(call f i)})}"),
        ("for k, v in pairs(t) do end", "{(forin [k v] [(call pairs t)] {})}"),
        ("for k in a, b, c do end", "{(forin [k] [a b c] {})}"),
        ("function f() end", "{(funcstat f (function [] {}))}"),
        ("function a.b.c:m(x, ...) end", "{(funcstat a.b.c:m (function [self x ...] {}))}"),
        ("function a:m() end", "{(funcstat a:m (function [self] {}))}"),
        ("local function f(...) return ... end", "{(localfunc f (function [...] {(return ...)}))}"),
        ("goto done ::done::", "{(goto done); (label done)}"),
        ("while true do break end", "{(while true {break})}"),
        ("return", "{(return)}"),
        ("return;", "{(return)}"),
        ("return 1, 2;", "{(return 1 2)}"),
        ("do return end", "{(do {(return)})}"),
        ("x = 1 return x", "{(assign [x] [1]); (return x)}"),
        ("f() ; g()", "{(call f); (call g)}"),
        ("(f)()", "{(call (paren f))}"),
        ("(f).x = 1", "{(assign [(index (paren f) \"x\")] [1])}"),
        ("a.b.c[d](e):f(g).h = i", "{(assign [(index (method (call (index (index (index a \"b\") \"c\") d) e) f [g]) \"h\")] [i])}"),
        ("local goto_ = 1", "{(local [goto_] [1])}"),
        // Lua 5.4 has no "ambiguous syntax" error: a call may start on the next line.
        ("f\n(g)", "{(call f g)}"),
        ("local f = g\n(h)()", "{(local [f] [(call (call g h))])}"),
    ];
    for (src, want) in cases {
        assert_eq!(tree(src), *want, "parsing {src:?}");
    }
}

#[test]
fn expressions() {
    let cases: &[(&str, &str)] = &[
        ("nil, true, false, ...", "(return nil true false ...)"),
        (
            "1, 1.5, 0x10, 1e2, 0x1p4, \"s\"",
            "(return 1 1.5 16 100.0 16.0 \"s\")",
        ),
        (
            "9223372036854775808, 0xffffffffffffffff",
            "(return 9.223372036854776e18 -1)",
        ),
        (
            "function(a, b) return a end",
            "(return (function [a b] {(return a)}))",
        ),
        ("function(...) end", "(return (function [...] {}))"),
        ("{}", "(return {})"),
        ("{1, 2; 3,}", "(return {1 2 3})"),
        (
            "{a = 1, [b] = 2, c; f()}",
            "(return {a=1 [b]=2 c (call f)})",
        ),
        ("{x = y == z}", "(return {x=(Eq y z)})"),
        ("1 + 2 * 3", "(return (Add 1 (Mul 2 3)))"),
        ("(1 + 2) * 3", "(return (Mul (paren (Add 1 2)) 3))"),
        ("1 - 2 - 3", "(return (Sub (Sub 1 2) 3))"),
        ("a .. b .. c", "(return (Concat a (Concat b c)))"),
        ("2 ^ 3 ^ 4", "(return (Pow 2 (Pow 3 4)))"),
        ("-2 ^ 2", "(return (Neg (Pow 2 2)))"),
        ("2 ^ -3", "(return (Pow 2 (Neg 3)))"),
        ("-x ^ -y ^ z", "(return (Neg (Pow x (Neg (Pow y z)))))"),
        ("not a == b", "(return (Eq (Not a) b))"),
        ("#t + 1", "(return (Add (Len t) 1))"),
        ("~a & b", "(return (BAnd (BNot a) b))"),
        ("- - x", "(return (Neg (Neg x)))"),
        ("a or b and c", "(return (Or a (And b c)))"),
        ("a and b or c", "(return (Or (And a b) c))"),
        ("a < b == c", "(return (Eq (Lt a b) c))"),
        (
            "a | b ~ c & d << e .. f + g * h",
            "(return (BOr a (BXor b (BAnd c (Shl d (Concat e (Add f (Mul g h))))))))",
        ),
        ("a >> b << c", "(return (Shl (Shr a b) c))"),
        ("a // b % c / d", "(return (Div (Mod (IDiv a b) c) d))"),
        (
            "a ~= b, a <= b, a >= b, a > b",
            "(return (Ne a b) (Le a b) (Ge a b) (Gt a b))",
        ),
        ("1 .. 2 == '12'", "(return (Eq (Concat 1 2) \"12\"))"),
        ("a + b .. c", "(return (Concat (Add a b) c))"),
        ("a .. b + c", "(return (Concat a (Add b c)))"),
        (
            "a:b'c':d{}",
            "(return (method (method a b [\"c\"]) d [{}]))",
        ),
        ("a[b][c]", "(return (index (index a b) c))"),
        ("(...)", "(return (paren ...))"),
    ];
    for (src, want) in cases {
        let got = tree(&format!("return {src}"));
        assert_eq!(got, format!("{{{want}}}"), "parsing {src:?}");
    }
}

#[test]
fn lines_follow_puc_conventions() {
    let src = "local x = a\n  + b\nf(\n1)\nfunction g()\nend\nlocal y = function\n(\n) end\n";
    let f = parse(src.as_bytes(), "=t").unwrap();
    let stats = &f.body.stats;
    assert_eq!(f.body.end_line, 10);
    assert_eq!((f.line, f.end_line, f.is_vararg), (0, 0, true));
    // The binary operator's line.
    let StatKind::Local { exprs, .. } = &stats[0].kind else {
        panic!()
    };
    assert_eq!((stats[0].line, exprs[0].line), (1, 2));
    let ExprKind::Binary(_, a, b) = &exprs[0].kind else {
        panic!()
    };
    assert_eq!((a.line, b.line), (1, 2));
    // A call's line is where its prefix expression starts.
    let StatKind::Call(call) = &stats[1].kind else {
        panic!()
    };
    assert_eq!((stats[1].line, call.line), (3, 3));
    let StatKind::Function { func, .. } = &stats[2].kind else {
        panic!()
    };
    assert_eq!((func.line, func.end_line, func.body.end_line), (5, 6, 6));
    // As PUC, a function expression's line is that of its '('.
    let StatKind::Local { exprs, .. } = &stats[3].kind else {
        panic!()
    };
    let ExprKind::Function(func) = &exprs[0].kind else {
        panic!()
    };
    assert_eq!((exprs[0].line, func.line, func.end_line), (7, 8, 9));
    // Block end lines: the closing token's line.
    let f = parse(b"if a then\nx()\nelseif b then\ny()\nelse\nz()\nend", "=t").unwrap();
    let StatKind::If { arms, else_block } = &f.body.stats[0].kind else {
        panic!()
    };
    assert_eq!(arms[0].1.end_line, 3);
    assert_eq!(arms[1].1.end_line, 5);
    assert_eq!(else_block.as_ref().map(|b| b.end_line), Some(7));
    let f = parse(b"return\n1,\n2", "=t").unwrap();
    assert_eq!(f.body.ret.as_ref().map(|r| r.1), Some(1));
    // A long string token's line is the line it ends on (as PUC).
    let f = parse(b"x = [[a\nb]]", "=t").unwrap();
    let StatKind::Assign { exprs, .. } = &f.body.stats[0].kind else {
        panic!()
    };
    assert_eq!(exprs[0].line, 2);
}

#[test]
fn lines_where_puc_emits_code() {
    // Blocks: the token before (`then`, `else`) and the last token inside.
    let f = parse(b"if a\nthen\nx()\n\nelse\nend\n\n", "=t").unwrap();
    assert_eq!((f.body.open_line, f.body.last_line), (1, 6));
    let StatKind::If { arms, else_block } = &f.body.stats[0].kind else {
        panic!()
    };
    assert_eq!((arms[0].1.open_line, arms[0].1.last_line), (2, 3));
    let b = else_block.as_ref().unwrap();
    assert_eq!((b.open_line, b.last_line), (5, 5));
    assert_eq!((f.body.stats[0].line, f.body.stats[0].end_line), (1, 6));
    // List items are completed past the `,` after them; a call's last argument past `)`, a
    // constructor's last positional field past `}`; `{` and `...` go on the previous line.
    let f = parse(
        b"f(a\n, b\n)\nlocal t =\n{ 1\n, d }\nlocal function g(...) return\n...\nend",
        "=t",
    )
    .unwrap();
    let StatKind::Call(call) = &f.body.stats[0].kind else {
        panic!()
    };
    let ExprKind::Call(_, args) = &call.kind else {
        panic!()
    };
    assert_eq!((args[0].end_line, args[0].done_line), (1, 2));
    assert_eq!((args[1].end_line, args[1].done_line), (2, 3));
    assert_eq!(call.end_line, 3);
    let StatKind::Local { exprs, .. } = &f.body.stats[1].kind else {
        panic!()
    };
    assert_eq!((exprs[0].line, exprs[0].end_line), (4, 6));
    let ExprKind::Table(fields) = &exprs[0].kind else {
        panic!()
    };
    let Field::Positional(c) = &fields[0] else {
        panic!()
    };
    assert_eq!((c.end_line, c.done_line), (5, 6));
    let StatKind::LocalFunction { func, .. } = &f.body.stats[2].kind else {
        panic!()
    };
    let ret = func.body.ret.as_ref().unwrap();
    assert_eq!((ret.0[0].line, ret.0[0].end_line), (7, 8));
    // A generic for's iterator line is that of the token after `in`.
    let f = parse(b"for k in\n\nnext, t do end", "=t").unwrap();
    let StatKind::GenFor { iter_line, .. } = &f.body.stats[0].kind else {
        panic!()
    };
    assert_eq!(*iter_line, 3);
}

/// Runs `f` on a thread with the default 2 MiB stack.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .expect("spawn test thread")
        .join()
        .expect("parser overflowed or panicked")
}

fn err_of(src: String) -> String {
    on_small_stack(move || match parse(src.as_bytes(), "=x") {
        Ok(_) => "OK".to_string(),
        Err(e) => e.message,
    })
}

/// lua5.4 gives "C stack overflow" for every one of these (checked with `load`).
#[test]
fn deep_nesting_is_a_clean_error() {
    let n = 100_000;
    let cases = [
        format!("x = {}", "(".repeat(n)),
        "do ".repeat(n),
        format!("x = a{}", "..a".repeat(n)),
        format!("x = 2{}", "^2".repeat(n)),
        format!("x = {}1", "- ".repeat(n)),
        format!("x = {}1", "not ".repeat(n)),
        format!("x = {}", "{".repeat(n)),
        format!("x = {}", "function() return ".repeat(n)),
        format!("{}a = 1", "a,".repeat(n)),
        "if x then ".repeat(n),
        "while x do ".repeat(n),
        "local function f() ".repeat(n),
        format!("x = {}", "f(".repeat(n)),
        format!("x = {}", "a[".repeat(n)),
        format!("x = {}", "{a=".repeat(n)),
    ];
    for src in cases {
        let head: String = src.chars().take(20).collect();
        assert_eq!(err_of(src), "C stack overflow", "nesting {head:?}");
    }
}

/// Left-associative chains do not nest in PUC's parser (lua5.4 loads them all): they parse at
/// any length, and their trees drop without deep recursion (this runs on the small stack).
#[test]
fn long_chains_parse() {
    let n = 100_000;
    let cases = [
        format!("x = a{}", "+a".repeat(n)),
        format!("x = a{}", ".a".repeat(n)),
        format!("x = a{}", "()".repeat(n)),
        format!("x = a{}", "'s'".repeat(n)),
        format!("x = a{}", "{}".repeat(n)),
        format!("x = a{}", "[1]".repeat(n)),
        format!("a{}.x = 1", ":m()".repeat(n)),
        format!("a{}", ":m()".repeat(n)),
        format!("x = a{}", " or a".repeat(n)),
        format!("x = a{}", " and a".repeat(n)),
        format!("x = a{}", " < a".repeat(n)),
        format!("x = a{}", " + a * a // a".repeat(n)),
        format!("x = a{}", ".b[1]:m(2)'s'".repeat(n)),
        format!("x = (a{}) .. a", "|a".repeat(n)),
        format!("x = a{}", "+a.b.c".repeat(n)),
    ];
    for src in cases {
        let head: String = src.chars().take(20).collect();
        assert_eq!(err_of(src), "OK", "chain {head:?}");
    }
    // A syntax error after a long chain drops the partial tree cleanly too.
    assert_eq!(
        err_of(format!("x = a{} $", "+a".repeat(n))),
        "x:1: unexpected symbol near '$'"
    );
    // Chains inside parentheses: each level of parentheses adds a level, not a chain's length.
    let nested = |n: usize| {
        format!(
            "x = {}a{}",
            "(".repeat(n),
            format!("{})", "+a".repeat(12)).repeat(n)
        )
    };
    assert_eq!(err_of(nested(150)), "OK");
    assert_eq!(err_of(nested(300)), "C stack overflow");
}

/// Deep statement nesting with a long chain inside parses.
#[test]
fn deep_statements_around_long_chains() {
    let src = format!(
        "{}x = a{}{}",
        "if x then ".repeat(190),
        "+a".repeat(5000),
        " end".repeat(190)
    );
    assert_eq!(err_of(src), "OK");
    let src = format!(
        "{}x = f{}{}",
        "while x do ".repeat(190),
        "(a)".repeat(5000),
        " end".repeat(190)
    );
    assert_eq!(err_of(src), "OK");
}

/// Nesting just below the limits parses, in the small stack.
#[test]
fn nesting_below_the_limits_parses() {
    let n = 150;
    let cases = [
        format!("x = {}1{}", "(".repeat(n), ")".repeat(n)),
        format!("{}{}", "do ".repeat(n), "end ".repeat(n)),
        format!("x = {}{}", "{".repeat(n), "}".repeat(n)),
        format!("x = a{}", "..a".repeat(n)),
        format!(
            "x = {}{}",
            "function() return ".repeat(n / 2),
            " end".repeat(n / 2)
        ),
        format!("x = a{}", "+a".repeat(990)),
    ];
    for src in cases {
        let head: String = src.chars().take(20).collect();
        assert_eq!(err_of(src), "OK", "nesting {head:?}");
    }
}
