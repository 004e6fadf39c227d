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
