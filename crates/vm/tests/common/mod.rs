//! Test helper: runs Lua source on a fresh VM with the base library, capturing `print`.

use std::io::Write;
use std::sync::{Arc, Mutex};
use tape_vm::Vm;

/// A `Write` that appends into a shared buffer.
#[derive(Clone, Default)]
pub struct Capture(pub Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?
            .extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

pub fn new_vm() -> (Vm, Capture) {
    let mut vm = Vm::new();
    vm.set_compiler(Box::new(|src: &[u8], name: &str| {
        let ast = tape_syntax::parse(src, name).map_err(|e| e.message)?;
        tape_compiler::compile(&ast, name).map_err(|e| e.message)
    }));
    tape_stdlib::open_all(&mut vm).expect("open libs");
    // lua.c (the reference's command line) switches to generational mode at startup.
    vm.gc_set_mode(true);
    let cap = Capture::default();
    vm.set_output(Box::new(cap.clone()));
    (vm, cap)
}

/// Runs `src` (chunk name `=input`); returns printed output, or `ERROR: msg` appended.
#[allow(dead_code)] // not every test file that includes this module uses it
pub fn run(src: &str) -> String {
    let (mut vm, cap) = new_vm();
    let mut out = String::new();
    match vm.load(src.as_bytes(), "=input") {
        Ok(f) => {
            if let Err(e) = vm.call(f, &[]) {
                vm.flush_output();
                out = String::from_utf8_lossy(&cap.0.lock().unwrap()).into_owned();
                out.push_str("ERROR: ");
                out.push_str(e.message());
                return out;
            }
        }
        Err(e) => {
            return format!("COMPILE ERROR: {}", e.message());
        }
    }
    vm.flush_output();
    out.push_str(&String::from_utf8_lossy(&cap.0.lock().unwrap()));
    out
}
