//! Argument checking for natives, with PUC's messages (`luaL_argerror`, `luaL_typeerror`, the
//! `luaL_check*` family of manual §5.1): `bad argument #1 to 'insert' (table expected, got nil)`.
//! The function name comes from the call site (`global 'f'`, `method 'm'`, …) or else the
//! native's registered name; for method calls the argument number is shifted and argument 0
//! reads `calling 'm' on bad self`.

use crate::heap::Args;
use crate::value::{float_to_int_exact, StrRef, TableRef, Value};
use crate::vm::Vm;
use crate::Error;

impl Vm {
    /// `bad argument #i to 'name' (msg)` for argument `i` (0-based).
    pub fn arg_error(&mut self, i: usize, msg: &str) -> Error {
        let (name, is_method) = self.native_call_name();
        let mut n = i + 1;
        if is_method {
            n -= 1;
            if n == 0 {
                return self.error(&format!("calling '{name}' on bad self ({msg})"));
            }
        }
        self.error(&format!("bad argument #{n} to '{name}' ({msg})"))
    }

    /// `bad argument #i to 'name' (T expected, got U)`.
    pub fn type_error(&mut self, args: Args, i: usize, expected: &str) -> Error {
        let got = if i >= args.n {
            "no value".to_string()
        } else {
            match self.arg(args, i) {
                // `luaL_typeerror` names a light userdata apart from a full one.
                Value::LightUserdata(_) => self
                    .light_ud_name()
                    .unwrap_or_else(|| "light userdata".to_string()),
                v => self.obj_type_name(v),
            }
        };
        self.arg_error(i, &format!("{expected} expected, got {got}"))
    }

    /// Any value (errors with `value expected` if absent).
    pub fn check_any(&mut self, args: Args, i: usize) -> Result<Value, Error> {
        if i >= args.n {
            return Err(self.arg_error(i, "value expected"));
        }
        Ok(self.arg(args, i))
    }

    pub fn check_table(&mut self, args: Args, i: usize) -> Result<TableRef, Error> {
        match self.arg(args, i) {
            Value::Table(t) => Ok(t),
            _ => Err(self.type_error(args, i, "table")),
        }
    }

    /// An integer argument (floats with an integral value and numeric strings accepted).
    #[inline]
    pub fn check_int(&mut self, args: Args, i: usize) -> Result<i64, Error> {
        match self.arg(args, i) {
            Value::Int(n) => Ok(n),
            _ => self.check_int_other(args, i),
        }
    }

    /// `check_int` for anything but an integer.
    #[inline(never)]
    fn check_int_other(&mut self, args: Args, i: usize) -> Result<i64, Error> {
        let v = self.arg(args, i);
        match self.to_number(v) {
            Some(Value::Int(n)) => Ok(n),
            Some(Value::Float(f)) => match float_to_int_exact(f) {
                Some(n) => Ok(n),
                None => Err(self.arg_error(i, "number has no integer representation")),
            },
            _ => Err(self.type_error(args, i, "number")),
        }
    }

    /// An optional integer argument.
    #[inline]
    pub fn opt_int(&mut self, args: Args, i: usize, default: i64) -> Result<i64, Error> {
        if self.arg(args, i).is_nil() {
            Ok(default)
        } else {
            self.check_int(args, i)
        }
    }

    /// A number argument (numeric strings converted).
    #[inline]
    pub fn check_number(&mut self, args: Args, i: usize) -> Result<Value, Error> {
        match self.arg(args, i) {
            v @ (Value::Int(_) | Value::Float(_)) => Ok(v),
            _ => self.check_number_other(args, i),
        }
    }

    /// `check_number` for anything but a number.
    #[inline(never)]
    fn check_number_other(&mut self, args: Args, i: usize) -> Result<Value, Error> {
        let v = self.arg(args, i);
        match self.to_number(v) {
            Some(n) => Ok(n),
            None => Err(self.type_error(args, i, "number")),
        }
    }

    /// A number argument as f64.
    pub fn check_float(&mut self, args: Args, i: usize) -> Result<f64, Error> {
        match self.check_number(args, i)? {
            Value::Int(n) => Ok(n as f64),
            Value::Float(f) => Ok(f),
            _ => Ok(0.0),
        }
    }

    /// A string argument; numbers are converted (and the argument slot updated, like PUC).
    #[inline]
    pub fn check_str(&mut self, args: Args, i: usize) -> Result<StrRef, Error> {
        match self.arg(args, i) {
            Value::Str(s) => Ok(s),
            _ => self.check_str_other(args, i),
        }
    }

    /// `check_str` for anything but a string.
    #[inline(never)]
    fn check_str_other(&mut self, args: Args, i: usize) -> Result<StrRef, Error> {
        let v = self.arg(args, i);
        match v {
            Value::Str(s) => Ok(s),
            Value::Int(_) | Value::Float(_) => {
                let b = self.basic_tostring(v);
                let s = self.new_str(&b)?;
                self.ts.stack[args.base + i] = Value::Str(s);
                Ok(s)
            }
            _ => Err(self.type_error(args, i, "string")),
        }
    }

    /// An optional string argument.
    pub fn opt_str(&mut self, args: Args, i: usize) -> Result<Option<StrRef>, Error> {
        if self.arg(args, i).is_nil() {
            Ok(None)
        } else {
            self.check_str(args, i).map(Some)
        }
    }

    /// Errors with `bad argument` unless `cond`.
    pub fn arg_check(&mut self, cond: bool, i: usize, msg: &str) -> Result<(), Error> {
        if cond {
            Ok(())
        } else {
            Err(self.arg_error(i, msg))
        }
    }
}
