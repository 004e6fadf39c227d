//! Compiles every Lua script of the repository's test corpus (`tests/lua`, `examples`): the
//! compiler must not panic, and its output must pass the verifier (checked in `compile` in
//! debug builds and again here).

use std::path::PathBuf;

#[test]
fn corpus_compiles_and_verifies() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut n = 0;
    for dir in ["tests/lua", "examples"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "lua") {
                continue;
            }
            let src = std::fs::read(&path).expect("read");
            let name = format!("@{}", path.display());
            let Ok(ast) = tape_syntax::parse(&src, &name) else {
                continue;
            };
            match tape_compiler::compile(&ast, &name) {
                Ok(p) => {
                    tape_bytecode::verify::verify(&p).expect("verify");
                    let _ = tape_bytecode::listing::list(&p);
                    n += 1;
                }
                Err(e) => println!("{}: {}", path.display(), e),
            }
        }
    }
    println!("compiled {} files", n);
}
