//! Compile-time errors: exact messages and lines, as `lua5.4` reports them (checked with
//! `load(src, "=src")` on PUC Lua 5.4.4).

fn compile_err(src: &str) -> String {
    let ast = match tape_syntax::parse(src.as_bytes(), "=src") {
        Ok(ast) => ast,
        Err(e) => return format!("parse: {}", e.message),
    };
    match tape_compiler::compile(&ast, "=src") {
        Ok(_) => "ok".to_string(),
        Err(e) => e.message,
    }
}

#[track_caller]
fn check(src: &str, want: &str) {
    assert_eq!(compile_err(src), want, "source: {:?}", src);
}

#[test]
fn break_and_goto_resolution() {
    check("break", "parse: src:1: break outside loop at line 1");
    check("do break end", "parse: src:1: break outside loop at line 1");
    check(
        "if x then break end",
        "parse: src:1: break outside loop at line 1",
    );
    check(
        "goto nowhere",
        "parse: src:1: no visible label 'nowhere' for <goto> at line 1",
    );
    check(
        "for i=1,2 do end goto l",
        "parse: src:1: no visible label 'l' for <goto> at line 1",
    );
    check(
        "x = 1\n\ngoto y\nx = 2\n",
        "parse: src:5: no visible label 'y' for <goto> at line 3",
    );
    check("while true do break end", "ok");
    check("do goto f; local x; ::f:: end", "ok");
    check(
        "while x do local y = 1\n goto cont\n local z = 2\n ::cont::\n end",
        "ok",
    );
}

#[test]
fn goto_into_scope() {
    check(
        "goto f; local x; ::f:: print(x)",
        "parse: src:1: <goto f> at line 1 jumps into the scope of local 'x'",
    );
    check(
        "repeat goto f; local x; ::f:: until x",
        "parse: src:1: <goto f> at line 1 jumps into the scope of local 'x'",
    );
    check(
        "while x do local y = 1\n goto cont\n local z = 2\n ::cont::\n print(z)\n end",
        "parse: src:5: <goto cont> at line 2 jumps into the scope of local 'z'",
    );
}

#[test]
fn repeated_labels() {
    check(
        "::a:: ::a::",
        "parse: src:1: label 'a' already defined on line 1",
    );
    check(
        "::a:: do ::a:: end",
        "parse: src:1: label 'a' already defined on line 1",
    );
    check("do ::a:: end ::a::", "ok");
    check("::a:: function f() ::a:: end", "ok");
}

#[test]
fn const_assignment() {
    let msg = "parse: src:1: attempt to assign to const variable 'x'";
    check("local x <const> = 1; x = 2", msg);
    check("local x <close> = nil; x = 2", msg);
    check("local x <const> = {}; x = 2", msg);
    check("local x <const> = 1; function f() x = 2 end", msg);
    check("local x <const> = {}; function f() x = 2 end", msg);
    check("local x <const> = 1; function x() end", msg);
    check(
        "local x <const> = 1; local function g() return function() x = 1 end end",
        msg,
    );
    check("local x <const> = {}; x.y = 1", "ok");
    check("local x <const> = {}; function x.f() end", "ok");
}

#[test]
fn other_errors() {
    // The parser reports these two first; the compiler checks them as well.
    check(
        "local a <close>, b <close> = 1, 2",
        "parse: src:1: multiple to-be-closed variables in local list",
    );
    check(
        "function f() return ... end",
        "parse: src:1: cannot use '...' outside a vararg function near '...'",
    );
}

#[test]
fn limits() {
    // 201 locals in one function: the parser counts locals as PUC does and reports the limit
    // at the token after the 201st name (texts from lua5.4).
    let src: String = (0..201).map(|i| format!("local a{}\n", i)).collect();
    check(
        &src,
        "parse: src:202: too many local variables (limit is 200) in main function near <eof>",
    );
    let src = format!(
        "local function f()\n{}end",
        (0..201)
            .map(|i| format!("local a{} = 1\n", i))
            .collect::<String>()
    );
    check(
        &src,
        "parse: src:202: too many local variables (limit is 200) in function at line 1 near '='",
    );
    // An expression that needs more than 255 registers.
    let args: Vec<String> = (0..300).map(|i| format!("a{}", i)).collect();
    check(
        &format!("local x = f({})", args.join(", ")),
        "src:1: function or expression needs too many registers",
    );
    // 200 locals are fine.
    let src: String = (0..200).map(|i| format!("local a{}\n", i)).collect();
    check(&src, "ok");
}

#[test]
fn upvalue_limit() {
    // 256 distinct upvalues: locals spread over nested functions.
    let mut src = String::new();
    for b in 0..2 {
        src.push_str(&format!("local function f{}()\n", b));
        for i in 0..150 {
            src.push_str(&format!("local v{}_{} = {}\n", b, i, i));
        }
    }
    src.push_str("local function g() return ");
    let uses: Vec<String> = (0..2)
        .flat_map(|b| (0..150).map(move |i| format!("v{}_{}", b, i)))
        .collect();
    src.push_str(&uses.join(" + "));
    src.push_str(" end\nend\nend\n");
    let err = compile_err(&src);
    assert!(
        err.ends_with("src:303: too many upvalues (limit is 255) in function at line 303 near '+'"),
        "{}",
        err
    );
}
