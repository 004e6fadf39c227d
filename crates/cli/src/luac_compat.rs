//! What the `tape` command needs on top of the embedding API to behave like PUC's `lua`:
//! `lua.c`'s message handler, the `arg` table, `-l g=mod`, `-W`, the REPL's
//! prompt and result printing. Kept here so `crates/tape` holds only the embedding API.
use tape::{Error, Tape, Value, Vm};

/// The standalone interpreter's operations on a [`Tape`].
pub trait Standalone {
    /// Reports errors that reach the host the way the standalone `lua` does: a message
    /// handler runs where the error was raised, before any `__close` method, and turns the
    /// error into its message followed by `stack traceback:` (an object with a `__tostring`
    /// that returns a string gives that string alone; other non-strings become
    /// `(error object is a X value)`). The `__close` methods then receive that text, and
    /// `Error::message` holds all of it with `Error::traceback` empty.
    fn use_standalone_message_handler(&mut self) -> Result<(), Error>;
    /// Sets global `arg` to a table with the given integer keys and string values.
    fn set_arg_table(&mut self, entries: &[(i64, &[u8])]);
    /// A global's value if it is a string (the REPL's `_PROMPT`).
    fn global_string(&mut self, name: &str) -> Option<String>;
    /// Calls the global `print` with `values` (the REPL shows results this way, as `lua.c`).
    fn print_values(&mut self, values: &[Value]) -> Result<(), Error>;
    /// `tape -l g=mod`: `g = require("mod")`.
    fn require_into_global(&mut self, global: &str, module: &str) -> Result<(), Error>;
    /// `tape -W`: turns warnings on (as `warn("@on")`).
    fn set_warnings(&mut self, on: bool);
}

impl Standalone for Tape {
    fn use_standalone_message_handler(&mut self) -> Result<(), Error> {
        match self.vm().new_native("?", standalone_msghandler) {
            Ok(h) => {
                self.vm().set_host_message_handler(h);
                Ok(())
            }
            Err(e) => Err(self.error_from_vm(e)),
        }
    }

    fn set_arg_table(&mut self, entries: &[(i64, &[u8])]) {
        let build = |vm: &mut Vm| -> Result<(), tape_vm::Error> {
            let t = vm.new_table()?;
            for (k, s) in entries {
                let v = vm.str_value(s)?;
                vm.raw_set(Value::Table(t), Value::Int(*k), v)?;
            }
            vm.set_global("arg", Value::Table(t))
        };
        // Only a memory cap could fail here, and a fresh VM has none.
        let _ = build(self.vm());
    }

    fn global_string(&mut self, name: &str) -> Option<String> {
        let vm = self.vm();
        match vm.get_global(name) {
            Ok(Value::Str(s)) => Some(String::from_utf8_lossy(vm.str_bytes(s)).into_owned()),
            _ => None,
        }
    }

    fn print_values(&mut self, values: &[Value]) -> Result<(), Error> {
        let print = match self.vm().get_global("print") {
            Ok(p) => p,
            Err(e) => return Err(self.error_from_vm(e)),
        };
        self.call(print, values)?;
        Ok(())
    }

    fn require_into_global(&mut self, global: &str, module: &str) -> Result<(), Error> {
        let vm = self.vm();
        let found = vm
            .get_global("require")
            .and_then(|r| Ok((r, vm.str_value(module.as_bytes())?)));
        let (require, name) = match found {
            Ok(x) => x,
            Err(e) => return Err(self.error_from_vm(e)),
        };
        let result = self.call(require, &[name])?;
        let v = result.first().copied().unwrap_or(Value::Nil);
        match self.vm().set_global(global, v) {
            Ok(()) => Ok(()),
            Err(e) => Err(self.error_from_vm(e)),
        }
    }

    fn set_warnings(&mut self, on: bool) {
        let vm = self.vm();
        if let Ok(warn) = vm.get_global("warn") {
            let ctl = if on { "@on" } else { "@off" };
            if let Ok(v) = vm.str_value(ctl.as_bytes()) {
                let _ = vm.call(warn, &[v]);
            }
        }
    }
}

/// `lua.c`'s `msghandler`: the message plus a traceback from the level that raised the error.
fn standalone_msghandler(vm: &mut Vm, args: tape_vm::Args) -> Result<usize, tape_vm::Error> {
    let v = vm.arg(args, 0);
    let mut out = match v {
        Value::Str(s) => vm.str_bytes(s).to_vec(),
        Value::Int(_) | Value::Float(_) => vm.basic_tostring(v),
        _ => {
            let tm = match vm.metatable(v) {
                Some(mt) => {
                    let key = vm.str_value(b"__tostring")?;
                    vm.raw_get(Value::Table(mt), key)
                }
                None => Value::Nil,
            };
            if !tm.is_nil() {
                match vm.call1(tm, &[v]) {
                    Ok(r @ Value::Str(_)) => {
                        vm.push(r)?;
                        return Ok(1);
                    }
                    Ok(_) => {}
                    // PUC handles an error in `__tostring` with this handler again, at the
                    // point of that error: its message and the whole stack from there down.
                    Err(e2)
                        if matches!(
                            e2.value(),
                            Value::Str(_) | Value::Int(_) | Value::Float(_)
                        ) && !e2.traceback().is_empty() =>
                    {
                        let mut out = vm.basic_tostring(e2.value());
                        out.push(b'\n');
                        out.extend_from_slice(e2.traceback().as_bytes());
                        let s = vm.str_value(&out)?;
                        vm.push(s)?;
                        return Ok(1);
                    }
                    Err(e2) => return Err(e2),
                }
            }
            format!("(error object is a {} value)", v.type_name()).into_bytes()
        }
    };
    out.extend_from_slice(b"\nstack traceback:");
    let t = vm.running_thread().0;
    tape_stdlib::debug::write_traceback(vm, t, 1, &mut out)?;
    let s = vm.str_value(&out)?;
    vm.push(s)?;
    Ok(1)
}
