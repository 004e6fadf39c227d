//! Deeply nested input compiles (or fails cleanly) without overflowing the stack of a test
//! thread (2 MiB).

fn try_compile(src: &str) -> Result<(), String> {
    let ast = tape_syntax::parse(src.as_bytes(), "=deep").map_err(|e| e.message)?;
    tape_compiler::compile(&ast, "=deep")
        .map(|_| ())
        .map_err(|e| e.message)
}

#[test]
fn deep_parentheses_and_operators() {
    for n in [100usize, 190, 400, 1000, 5000] {
        let src = format!("x = {}1{}", "(".repeat(n), ")".repeat(n));
        let _ = try_compile(&src);
        let src = format!("x = {}1{}", "1 + (".repeat(n), ")".repeat(n));
        let _ = try_compile(&src);
        let src = format!("x = a{}", " .. a".repeat(n));
        let _ = try_compile(&src);
        let src = format!("x = a{}", " + a".repeat(n));
        let _ = try_compile(&src);
        let src = format!("x = {}", "{".repeat(n) + &"}".repeat(n));
        let _ = try_compile(&src);
        let src = format!("{} x = 1 {}", "do ".repeat(n), " end".repeat(n));
        let _ = try_compile(&src);
        let src = format!("{} x = 1 {}", "f = function() ".repeat(n), " end".repeat(n));
        let _ = try_compile(&src);
        let src = format!("x = a{}", " or a".repeat(n));
        let _ = try_compile(&src);
        let src = format!("x = {}a", "not ".repeat(n));
        let _ = try_compile(&src);
    }
}

/// More constants than the 8- and 16-bit constant operands can name: the compiler falls back
/// to registers, and the result verifies.
#[test]
fn many_constants() {
    let mut src = String::from("local t = {}\n");
    for i in 0..70000 {
        src.push_str(&format!("t.k{} = {}.5\n", i, i));
    }
    src.push_str("t.last = t.k1 + 0.25; x = t == 'zzz'; t:method(); y = t.k69999 % 1.75\n");
    try_compile(&src).expect("compiles");
}

/// Left-associative chains of any length compile (PUC's parser accepts them): the compiler
/// walks a chain in a loop, and `and`/`or` chains add each jump in constant time.
#[test]
fn long_left_associative_chains() {
    let n = 100_000;
    let cases = [
        format!("local a = 1; x = a{}", " + a".repeat(n)),
        format!("x = 1{}", " + 1".repeat(n)),
        format!("local t = {{}}; x = t{}", ".b".repeat(n)),
        format!("local t = {{}}; t{} = 1", "[1]".repeat(n)),
        format!("local f; x = f{}", "()".repeat(n)),
        format!("local o; o{}", ":m(1)".repeat(n)),
        format!("local a; x = a{}", " and a".repeat(n)),
        format!("local a; x = a{}", " or a".repeat(n)),
        format!("local a; if a{} then x = 1 end", " and a or a".repeat(n)),
        format!("local a; x = a{}", " == a".repeat(n)),
        format!("local a; x = a{}", " + a.b:c() * a[1] // a".repeat(n)),
    ];
    for src in cases {
        let head: String = src.chars().take(30).collect();
        let ast = tape_syntax::parse(src.as_bytes(), "=deep").expect("parses");
        let proto = tape_compiler::compile(&ast, "=deep").expect("compiles");
        assert_eq!(
            tape_bytecode::verify::verify(&proto),
            Ok(()),
            "chain {head:?}"
        );
    }
}
