//! Runs a Lua file on Tape's VM with the base library: `cargo run --example run -- file.lua [args]`.
//! Errors print like the `lua` command line tool: `lua: message` plus the traceback.

use std::sync::Arc;
use tape_vm::{Value, Vm};

fn main() {
    let mut argv = std::env::args().skip(1);
    let Some(path) = argv.next() else {
        eprintln!("usage: run file.lua [args]");
        std::process::exit(1);
    };
    let src = if path == "-" {
        let mut b = Vec::new();
        let _ = std::io::Read::read_to_end(&mut std::io::stdin(), &mut b);
        Ok(b)
    } else {
        std::fs::read(&path)
    };
    let src = match src {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            std::process::exit(1);
        }
    };
    let mut vm = Vm::new();
    vm.set_compiler(Box::new(|src: &[u8], name: &str| {
        let ast = tape_syntax::parse(src, name).map_err(|e| e.message)?;
        tape_compiler::compile(&ast, name).map_err(|e| e.message)
    }));
    if let Err(e) = tape_stdlib::open_all(&mut vm) {
        eprintln!("cannot open libraries: {e:?}");
        std::process::exit(1);
    }
    vm.gc_set_mode(true);
    let arg = vm.new_table().expect("arg table");
    for (i, a) in argv.enumerate() {
        let s = vm.str_value(a.as_bytes()).expect("arg string");
        vm.raw_set_int(arg, i as i64 + 1, s).expect("arg");
    }
    let _ = vm.set_global("arg", Value::Table(arg));
    let chunkname = if path == "-" {
        "=stdin".to_string()
    } else {
        format!("@{path}")
    };
    let f = match vm.load(&src, &chunkname) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("lua: {}", e.message());
            std::process::exit(1);
        }
    };
    let _ = Arc::new(());
    if let Err(e) = vm.call(f, &[]) {
        vm.flush_output();
        eprintln!("lua5.4: {}\n{}", e.message(), e.traceback());
        std::process::exit(1);
    }
    vm.flush_output();
}
