//! Operations with metamethod fallbacks (manual §2.4): indexing with `__index`/`__newindex`
//! chains, arithmetic/bitwise with coercions and `__add`…, `__concat`, `__len`, `__eq`,
//! `__lt`, `__le`, and `tostring` (`__tostring`, `__name`).
//!
//! Each operation first *resolves* to either a final value or a metamethod to call. The
//! interpreter then calls a Lua metamethod by pushing a frame with a continuation (no Rust
//! recursion); the synchronous API versions (`Vm::index`, …) call through `call1`.

use crate::heap::{Args, NativeFn, NativeKind};
use crate::interp::Culprit;
use crate::meta::Tm;
use crate::ops::{arith_numbers, ArithError, ArithOp};
use crate::thread::Cont;
use crate::value::Value;
use crate::vm::{Vm, STACK_SLACK};
use crate::Error;

/// Outcome of resolving an operation.
pub(crate) enum Resolved {
    Value(Value),
    Call(Value),
}

/// What the string library's arithmetic comes to (`Vm::str_arith_direct`).
enum StrArith {
    Done(Value),
    /// The operands are not both numeric and the second has this metamethod of its own.
    Delegate(Value),
}

/// The string metatable's arithmetic metamethods (manual §6.4); bitwise events have none.
const STR_ARITH: [(ArithOp, NativeFn); 8] = [
    (ArithOp::Add, str_add),
    (ArithOp::Sub, str_sub),
    (ArithOp::Mul, str_mul),
    (ArithOp::Mod, str_mod),
    (ArithOp::Pow, str_pow),
    (ArithOp::Div, str_div),
    (ArithOp::IDiv, str_idiv),
    (ArithOp::Unm, str_unm),
];

/// Body of the string metatable's arithmetic natives. Called with one argument (as
/// `getmetatable("").__unm("3")`), PUC's converted first operand also serves as the second.
fn str_arith_native(vm: &mut Vm, args: Args, op: ArithOp) -> Result<usize, Error> {
    let a = vm.arg(args, 0);
    let b = if args.len() == 1 {
        vm.to_number(a).unwrap_or(Value::Nil)
    } else {
        vm.arg(args, 1)
    };
    let r = match vm.str_arith_direct(op, a, b)? {
        StrArith::Done(v) => v,
        // Called as a native calls (PUC's `lua_call`), one result.
        StrArith::Delegate(tm) => vm.call1(tm, &[a, b])?,
    };
    vm.push(r)?;
    Ok(1)
}

/// One native per arithmetic event (a native function is a plain `fn`, so the operator is
/// fixed in each).
macro_rules! str_arith_natives {
    ($($name:ident => $op:ident),* $(,)?) => {$(
        #[inline(never)]
        fn $name(vm: &mut Vm, args: Args) -> Result<usize, Error> {
            str_arith_native(vm, args, ArithOp::$op)
        }
    )*};
}

str_arith_natives!(
    str_add => Add,
    str_sub => Sub,
    str_mul => Mul,
    str_mod => Mod,
    str_pow => Pow,
    str_div => Div,
    str_idiv => IDiv,
    str_unm => Unm,
);

/// Longest `__index`/`__newindex` chain followed.
const MAX_TAG_LOOP: usize = 2000;

impl Vm {
    fn culprit_info(&self, c: Culprit) -> String {
        match c {
            Culprit::Reg(r) => self.reg_info(r as usize),
            Culprit::Upval(u) => self.upval_info(u as usize),
            Culprit::None | Culprit::Const => String::new(),
        }
    }

    /// Calls metamethod `tm` with `args` so that its first result lands in `dest` (a frame
    /// with a continuation for Lua functions, directly for natives).
    pub(crate) fn invoke_meta(
        &mut self,
        tm: Value,
        args: &[Value],
        cont: Cont,
    ) -> Result<(), Error> {
        let func = self.free_slot();
        let need = func + args.len() + 1 + STACK_SLACK;
        if need > self.ts.stack.len() {
            self.heap.fresh.note_value(tm);
            self.grow_stack_for(need, args)?;
        }
        self.ts.stack[func] = tm;
        for (i, a) in args.iter().enumerate() {
            self.ts.stack[func + 1 + i] = *a;
        }
        let nres = if matches!(cont, Cont::Discard) { 0 } else { 1 };
        // Like PUC, a metamethod call counts as a C-level call (limit `MAX_C_DEPTH`).
        let saved = self.c_depth;
        if saved >= self.limits.c_limit {
            return Err(self.rt_error("C stack overflow"));
        }
        self.c_depth += 1;
        match self.precall(func, args.len(), nres, cont, false) {
            Ok(true) => {
                if let Some(f) = self.ts.frames.last_mut() {
                    f.c_depth = saved.saturating_sub(self.c_base);
                }
                Ok(())
            }
            Ok(false) => {
                self.c_depth = saved;
                Ok(())
            }
            Err(e) => {
                self.c_depth = saved;
                Err(e)
            }
        }
    }

    // ----- indexing -----

    fn index_resolve(
        &mut self,
        obj: Value,
        key: Value,
        culprit: Culprit,
    ) -> Result<(Resolved, Value), Error> {
        let mut t = obj;
        for step in 0..MAX_TAG_LOOP {
            let tm = if let Value::Table(tr) = t {
                let tb = self.heap.table(tr);
                let v = tb.get(key);
                if !v.is_nil() {
                    return Ok((Resolved::Value(v), t));
                }
                match self.heap.meta_of(tb) {
                    None => return Ok((Resolved::Value(Value::Nil), t)),
                    Some(mt) => {
                        let tm = self.fast_tm(mt, Tm::Index);
                        if tm.is_nil() {
                            return Ok((Resolved::Value(Value::Nil), t));
                        }
                        tm
                    }
                }
            } else {
                let tm = self.get_metamethod(t, Tm::Index);
                if tm.is_nil() {
                    let tn = self.obj_type_name(t);
                    let info = if step == 0 {
                        self.culprit_info(culprit)
                    } else {
                        String::new()
                    };
                    let info = if info.is_empty() {
                        self.key_info(key)
                    } else {
                        info
                    };
                    return Err(self.rt_error(&format!("attempt to index a {tn} value{info}")));
                }
                tm
            };
            if tm.is_function() {
                return Ok((Resolved::Call(tm), t));
            }
            t = tm;
        }
        Err(self.rt_error("'__index' chain too long; possible loop"))
    }

    /// PUC 5.4 names the key when the indexed value has no name of its own.
    fn key_info(&self, key: Value) -> String {
        match key {
            Value::Str(s) => {
                let _ = s;
                String::new()
            }
            _ => String::new(),
        }
    }

    /// `stack[dest] = obj[key]` for the interpreter.
    pub(crate) fn index_into(
        &mut self,
        obj: Value,
        key: Value,
        dest: usize,
        culprit: Culprit,
    ) -> Result<(), Error> {
        match self.index_resolve(obj, key, culprit)? {
            (Resolved::Value(v), _) => {
                self.ts.stack[dest] = v;
                Ok(())
            }
            (Resolved::Call(tm), t) => self.invoke_meta(tm, &[t, key], Cont::Store(dest as u32)),
        }
    }

    /// `obj[key]` with metamethods, synchronously (for natives and the host).
    pub fn index(&mut self, obj: Value, key: Value) -> Result<Value, Error> {
        match self.index_resolve(obj, key, Culprit::None)? {
            (Resolved::Value(v), _) => Ok(v),
            (Resolved::Call(tm), t) => self.call1(tm, &[t, key]),
        }
    }

    fn check_key(&mut self, key: Value) -> Result<(), Error> {
        match key {
            Value::Nil => Err(self.rt_error("table index is nil")),
            Value::Float(f) if f.is_nan() => Err(self.rt_error("table index is NaN")),
            _ => Ok(()),
        }
    }

    /// Resolves `obj[key] = v`: performs a raw store and returns None, or returns the
    /// `__newindex` function and the table it belongs to.
    fn newindex_resolve(
        &mut self,
        obj: Value,
        key: Value,
        v: Value,
        culprit: Culprit,
    ) -> Result<Option<(Value, Value)>, Error> {
        let mut t = obj;
        for step in 0..MAX_TAG_LOOP {
            let tm = if let Value::Table(tr) = t {
                let tb = self.heap.table(tr);
                let meta = self.heap.meta_of(tb);
                let tm = match meta {
                    Some(mt) if tb.get(key).is_nil() => self.fast_tm(mt, Tm::NewIndex),
                    _ => Value::Nil,
                };
                if tm.is_nil() {
                    self.check_key(key)?;
                    if {
                        let (tb, alloc) = self.heap.table_mut_alloc(tr, (key, v));
                        tb.set(key, v, alloc)
                    }
                    .is_err()
                    {
                        self.table_set_after_collect(tr, key, v)?;
                    }
                    return Ok(None);
                }
                tm
            } else {
                let tm = self.get_metamethod(t, Tm::NewIndex);
                if tm.is_nil() {
                    let tn = self.obj_type_name(t);
                    let info = if step == 0 {
                        self.culprit_info(culprit)
                    } else {
                        String::new()
                    };
                    return Err(self.rt_error(&format!("attempt to index a {tn} value{info}")));
                }
                tm
            };
            if tm.is_function() {
                return Ok(Some((tm, t)));
            }
            t = tm;
        }
        Err(self.rt_error("'__newindex' chain too long; possible loop"))
    }

    pub(crate) fn newindex_from(
        &mut self,
        obj: Value,
        key: Value,
        v: Value,
        culprit: Culprit,
    ) -> Result<(), Error> {
        match self.newindex_resolve(obj, key, v, culprit)? {
            None => Ok(()),
            Some((tm, t)) => self.invoke_meta(tm, &[t, key, v], Cont::Discard),
        }
    }

    /// `obj[key] = v` with metamethods, synchronously.
    pub fn set_index(&mut self, obj: Value, key: Value, v: Value) -> Result<(), Error> {
        match self.newindex_resolve(obj, key, v, Culprit::None)? {
            None => Ok(()),
            Some((tm, t)) => {
                self.call1(tm, &[t, key, v])?;
                Ok(())
            }
        }
    }

    // ----- arithmetic -----

    /// String operand to number (manual §3.4.3).
    pub fn to_number(&self, v: Value) -> Option<Value> {
        self.heap.to_number(v)
    }

    /// Resolves `a op b` (unary ops pass the operand twice) when the operands are not both
    /// numbers: the first operand's metamethod, else the second's (manual §2.4), else PUC's
    /// error naming the culprit. Strings have no coercion of their own here: `"10" + 1` works
    /// because the string metatable's `__add` converts (§6.4, see `str_arith_direct`).
    fn arith_resolve(
        &mut self,
        op: ArithOp,
        a: Value,
        b: Value,
        ca: Culprit,
        cb: Culprit,
    ) -> Result<Resolved, Error> {
        match arith_numbers(op, a, b) {
            Ok(v) => return Ok(Resolved::Value(v)),
            Err(ArithError::DivByZero) => return Err(self.rt_error("attempt to divide by zero")),
            Err(ArithError::ModByZero) => return Err(self.rt_error("attempt to perform 'n%0'")),
            Err(_) => {}
        }
        let ev = op.tm();
        let mut tm = self.get_metamethod(a, ev);
        if tm.is_nil() {
            tm = self.get_metamethod(b, ev);
        }
        if !tm.is_nil() {
            // The string library's own metamethod, still installed: convert directly, as
            // calling it would. Anything else it may do (delegate to the other operand's
            // metamethod, raise an error) is left to a real call, so a traceback shows the
            // native's frame as lua5.4's does.
            if let Some(own) = self.builtin_str_arith(tm) {
                if let Some(v) = self.str_arith_value(own, a, b) {
                    return Ok(Resolved::Value(v));
                }
            }
            self.check_tm_callable(tm, ev)?;
            return Ok(Resolved::Call(tm));
        }
        // Errors, worded as PUC 5.4: a bitwise operation on two numbers fails only for a
        // float without an integer value; otherwise the culprit is the first operand that is
        // not a number (strings included), else the second.
        let is_num = |v: Value| v.type_of() == crate::value::Type::Number;
        if op.is_bitwise() && is_num(a) && is_num(b) {
            let c = if crate::ops::to_int_strict(a).is_err() {
                ca
            } else {
                cb
            };
            let info = self.culprit_info(c);
            return Err(self.rt_error(&format!("number{info} has no integer representation")));
        }
        let (bad, c) = if !is_num(a) { (a, ca) } else { (b, cb) };
        let tn = self.obj_type_name(bad);
        let info = self.culprit_info(c);
        let what = if op.is_bitwise() {
            "perform bitwise operation on"
        } else {
            "perform arithmetic on"
        };
        Err(self.rt_error(&format!("attempt to {what} a {tn} value{info}")))
    }

    /// PUC's `attempt to call a number value (metamethod 'add')` when a metamethod is neither a
    /// function nor has a `__call` of its own; anything callable is left to the call.
    pub(crate) fn check_tm_callable(&mut self, tm: Value, ev: Tm) -> Result<(), Error> {
        if tm.is_function() || !self.get_metamethod(tm, Tm::Call).is_nil() {
            return Ok(());
        }
        let tn = self.obj_type_name(tm);
        let name = &ev.key()[2..];
        Err(self.rt_error(&format!(
            "attempt to call a {tn} value (metamethod '{name}')"
        )))
    }

    /// `stack[dest] = a op b` for the interpreter.
    pub(crate) fn arith(
        &mut self,
        op: ArithOp,
        a: Value,
        b: Value,
        dest: usize,
        ca: Culprit,
        cb: Culprit,
    ) -> Result<(), Error> {
        match self.arith_resolve(op, a, b, ca, cb)? {
            Resolved::Value(v) => {
                self.ts.stack[dest] = v;
                Ok(())
            }
            Resolved::Call(tm) => self.invoke_meta(tm, &[a, b], Cont::Store(dest as u32)),
        }
    }

    /// `a op b` with metamethods, synchronously (unary ops take `b == a`).
    pub fn arith_op(&mut self, op: ArithOp, a: Value, b: Value) -> Result<Value, Error> {
        match self.arith_resolve(op, a, b, Culprit::None, Culprit::None)? {
            Resolved::Value(v) => Ok(v),
            Resolved::Call(tm) => self.call1(tm, &[a, b]),
        }
    }

    // ----- string arithmetic (manual §3.4.3, §6.4) -----

    /// The string library's arithmetic metamethods as `(event key, native)` pairs, for the
    /// string metatable (manual §6.4). While one of these is what a string's metatable holds
    /// for an event, the VM converts the operands itself instead of calling it; the result is
    /// the same (`str_arith_direct` is the one implementation of both).
    pub fn string_arith_metamethods() -> [(&'static str, NativeFn); 8] {
        STR_ARITH.map(|(op, f)| (op.tm().key(), f))
    }

    /// Which operation `tm` performs if it is one of `string_arith_metamethods` (compared by
    /// function address: a miss only costs a real call of the same code).
    fn builtin_str_arith(&self, tm: Value) -> Option<ArithOp> {
        let Value::Native(h) = tm else {
            return None;
        };
        match self.heap.natives.get(h.0).kind {
            NativeKind::Fn(f) => STR_ARITH
                .iter()
                .find(|&&(_, g)| std::ptr::fn_addr_eq(f, g))
                .map(|&(op, _)| op),
            _ => None,
        }
    }

    /// The string library's `a op b` when it succeeds: both operands converted to numbers
    /// (numbers as they are, strings by the lexer's rules) and no error in the arithmetic.
    fn str_arith_value(&mut self, op: ArithOp, a: Value, b: Value) -> Option<Value> {
        let (x, y) = (self.to_number(a)?, self.to_number(b)?);
        // A unary operation works on the top operand, the converted second one.
        let x = if op == ArithOp::Unm { y } else { x };
        arith_numbers(op, x, y).ok()
    }

    /// The string library's `a op b` (PUC `lstrlib.c` semantics, §6.4): `str_arith_value`, or
    /// else the second operand's own metamethod when it is not a string (`Delegate`: the
    /// builtin must call it), or else `attempt to add a 'string' with a 'table'` (plain type
    /// names), with `luaL_error`'s position (level 1: the metamethod's caller). Division by
    /// zero comes from arithmetic inside the native, so it has no position.
    fn str_arith_direct(&mut self, op: ArithOp, a: Value, b: Value) -> Result<StrArith, Error> {
        if let (Some(x), Some(y)) = (self.to_number(a), self.to_number(b)) {
            // A unary operation works on the top operand, the converted second one.
            let x = if op == ArithOp::Unm { y } else { x };
            match arith_numbers(op, x, y) {
                Ok(v) => return Ok(StrArith::Done(v)),
                Err(ArithError::DivByZero) => {
                    return Err(self.make_error("attempt to divide by zero".into()))
                }
                Err(ArithError::ModByZero) => {
                    return Err(self.make_error("attempt to perform 'n%0'".into()))
                }
                Err(_) => {}
            }
        }
        let tm = if matches!(b, Value::Str(_)) {
            Value::Nil
        } else {
            self.get_metamethod(b, op.tm())
        };
        if !tm.is_nil() {
            return Ok(StrArith::Delegate(tm));
        }
        let name = &op.tm().key()[2..];
        let msg = format!(
            "attempt to {name} a '{}' with a '{}'",
            a.type_name(),
            b.type_name()
        );
        Err(self.error(&msg))
    }

    // ----- length -----

    fn len_resolve(&mut self, v: Value, culprit: Culprit) -> Result<Resolved, Error> {
        match v {
            Value::Str(s) => Ok(Resolved::Value(Value::Int(self.str_bytes(s).len() as i64))),
            Value::Table(t) => {
                if let Some(mt) = self.heap.table_meta(t) {
                    let tm = self.fast_tm(mt, Tm::Len);
                    if !tm.is_nil() {
                        self.check_tm_callable(tm, Tm::Len)?;
                        return Ok(Resolved::Call(tm));
                    }
                }
                Ok(Resolved::Value(Value::Int(self.heap.table(t).len())))
            }
            _ => {
                let tm = self.get_metamethod(v, Tm::Len);
                if !tm.is_nil() {
                    self.check_tm_callable(tm, Tm::Len)?;
                    return Ok(Resolved::Call(tm));
                }
                let tn = self.obj_type_name(v);
                let info = self.culprit_info(culprit);
                Err(self.rt_error(&format!("attempt to get length of a {tn} value{info}")))
            }
        }
    }

    pub(crate) fn len_into(
        &mut self,
        v: Value,
        dest: usize,
        culprit: Culprit,
    ) -> Result<(), Error> {
        match self.len_resolve(v, culprit)? {
            Resolved::Value(r) => {
                self.ts.stack[dest] = r;
                Ok(())
            }
            Resolved::Call(tm) => self.invoke_meta(tm, &[v, v], Cont::Store(dest as u32)),
        }
    }

    /// `#v` with `__len`, synchronously.
    pub fn len(&mut self, v: Value) -> Result<Value, Error> {
        match self.len_resolve(v, Culprit::None)? {
            Resolved::Value(r) => Ok(r),
            Resolved::Call(tm) => self.call1(tm, &[v, v]),
        }
    }

    // ----- comparison -----

    fn eq_resolve(&mut self, a: Value, b: Value) -> Result<Resolved, Error> {
        if a.raw_eq(b) {
            return Ok(Resolved::Value(Value::Bool(true)));
        }
        let both = matches!(
            (a, b),
            (Value::Table(_), Value::Table(_)) | (Value::Userdata(_), Value::Userdata(_))
        );
        if !both {
            return Ok(Resolved::Value(Value::Bool(false)));
        }
        let mut tm = self.get_metamethod(a, Tm::Eq);
        if tm.is_nil() {
            tm = self.get_metamethod(b, Tm::Eq);
        }
        if tm.is_nil() {
            Ok(Resolved::Value(Value::Bool(false)))
        } else {
            self.check_tm_callable(tm, Tm::Eq)?;
            Ok(Resolved::Call(tm))
        }
    }

    pub(crate) fn eq_cond(&mut self, a: Value, b: Value, k: bool, j: i32) -> Result<(), Error> {
        match self.eq_resolve(a, b)? {
            Resolved::Value(v) => {
                if v.truthy() == k {
                    self.jump(j);
                }
                Ok(())
            }
            Resolved::Call(tm) => self.invoke_meta(tm, &[a, b], Cont::Cond { k, j }),
        }
    }

    /// `a == b` with `__eq`, synchronously.
    pub fn equals(&mut self, a: Value, b: Value) -> Result<bool, Error> {
        match self.eq_resolve(a, b)? {
            Resolved::Value(v) => Ok(v.truthy()),
            Resolved::Call(tm) => Ok(self.call1(tm, &[a, b])?.truthy()),
        }
    }

    fn order_resolve(&mut self, a: Value, b: Value, le: bool) -> Result<Resolved, Error> {
        let r = if le {
            crate::ops::num_le(a, b)
        } else {
            crate::ops::num_lt(a, b)
        };
        if let Some(r) = r {
            return Ok(Resolved::Value(Value::Bool(r)));
        }
        if let (Value::Str(x), Value::Str(y)) = (a, b) {
            let (x, y) = (self.str_bytes(x), self.str_bytes(y));
            return Ok(Resolved::Value(Value::Bool(if le {
                x <= y
            } else {
                x < y
            })));
        }
        let ev = if le { Tm::Le } else { Tm::Lt };
        let mut tm = self.get_metamethod(a, ev);
        if tm.is_nil() {
            tm = self.get_metamethod(b, ev);
        }
        if !tm.is_nil() {
            self.check_tm_callable(tm, ev)?;
            return Ok(Resolved::Call(tm));
        }
        let (ta, tb) = (self.obj_type_name(a), self.obj_type_name(b));
        if ta == tb {
            Err(self.rt_error(&format!("attempt to compare two {ta} values")))
        } else {
            Err(self.rt_error(&format!("attempt to compare {ta} with {tb}")))
        }
    }

    pub(crate) fn order_cond(
        &mut self,
        a: Value,
        b: Value,
        le: bool,
        k: bool,
        j: i32,
    ) -> Result<(), Error> {
        match self.order_resolve(a, b, le)? {
            Resolved::Value(v) => {
                if v.truthy() == k {
                    self.jump(j);
                }
                Ok(())
            }
            Resolved::Call(tm) => self.invoke_meta(tm, &[a, b], Cont::Cond { k, j }),
        }
    }

    /// `a < b` (or `a <= b`) with metamethods, synchronously.
    pub fn less(&mut self, a: Value, b: Value, or_equal: bool) -> Result<bool, Error> {
        match self.order_resolve(a, b, or_equal)? {
            Resolved::Value(v) => Ok(v.truthy()),
            Resolved::Call(tm) => Ok(self.call1(tm, &[a, b])?.truthy()),
        }
    }

    // ----- concatenation -----

    fn is_strnum(v: Value) -> bool {
        matches!(v, Value::Str(_) | Value::Int(_) | Value::Float(_))
    }

    fn append_strnum(&self, v: Value, out: &mut Vec<u8>) {
        match v {
            Value::Str(s) => out.extend_from_slice(self.str_bytes(s)),
            Value::Int(i) => {
                let mut digits = [0u8; 20];
                out.extend_from_slice(int_to_decimal(i, &mut digits));
            }
            Value::Float(f) => {
                out.extend_from_slice(tape_text::number::float_to_string(f).as_bytes())
            }
            _ => {}
        }
    }

    /// Concatenates `stack[first..first+n]` into `stack[first]` (right to left, like PUC),
    /// calling `__concat` where needed; a Lua metamethod suspends the work into a continuation.
    pub(crate) fn concat(&mut self, first: usize, n: usize) -> Result<(), Error> {
        let mut buf: Vec<u8> = std::mem::take(&mut self.concat_buf);
        let r = self.concat_with(first, n, &mut buf);
        // Keep a small buffer (a long result takes it as its own; a big one is let go).
        if buf.capacity() <= 256 {
            self.concat_buf = buf;
        }
        r
    }

    /// `concat`'s work, with `buf` as the scratch buffer.
    fn concat_with(&mut self, first: usize, n: usize, buf: &mut Vec<u8>) -> Result<(), Error> {
        let mut n = n;
        while n > 1 {
            let top = first + n;
            let (a, b) = (self.ts.stack[top - 2], self.ts.stack[top - 1]);
            if Self::is_strnum(a) && Self::is_strnum(b) {
                let strings = &self.heap.strings;
                let len_of = |v: Value| match v {
                    Value::Str(s) => Some(strings.get(s).as_bytes().len()),
                    _ => None,
                };
                let (la, lb) = (len_of(a), len_of(b));
                // An empty string operand: the result is the other string itself (the same
                // object, which `%p` of a long string can tell), as in PUC.
                if la.is_some() && lb == Some(0) || la == Some(0) && lb.is_some() {
                    self.ts.stack[top - 2] = if lb == Some(0) { a } else { b };
                    n -= 1;
                    continue;
                }
                // As many string or number operands as there are below these two; a number
                // counts for its longest text.
                let mut k = 2;
                let mut total = la.unwrap_or(24).saturating_add(lb.unwrap_or(24));
                while k < n {
                    let v = self.ts.stack[top - k - 1];
                    if !Self::is_strnum(v) {
                        break;
                    }
                    total = total.saturating_add(len_of(v).unwrap_or(24));
                    k += 1;
                }
                if total >= self.memory_room() {
                    let ok = self.emergency_collect() && total < self.memory_room();
                    self.stress_rearm();
                    if !ok {
                        return Err(self.memory_error());
                    }
                }
                buf.clear();
                if buf.try_reserve_exact(total).is_err() {
                    return Err(self.memory_error());
                }
                for v in self.ts.stack.get(top - k..top).unwrap_or_default() {
                    self.append_strnum(*v, buf);
                }
                // A result short enough to live inside its string object is copied there and
                // the buffer kept; a longer one takes the buffer.
                let s = if buf.len() <= crate::string::INLINE_STR {
                    self.new_str(buf)?
                } else {
                    self.new_str_owned(std::mem::take(buf))?
                };
                self.ts.stack[top - k] = Value::Str(s);
                n -= k - 1;
            } else {
                let mut tm = self.get_metamethod(a, Tm::Concat);
                if tm.is_nil() {
                    tm = self.get_metamethod(b, Tm::Concat);
                }
                if tm.is_nil() {
                    let (bad, slot) = if Self::is_strnum(a) {
                        (b, top - 1)
                    } else {
                        (a, top - 2)
                    };
                    let tn = self.obj_type_name(bad);
                    let base = self.ts.frames.last().map(|f| f.base).unwrap_or(0);
                    let info = if slot >= base {
                        self.reg_info(slot - base)
                    } else {
                        String::new()
                    };
                    return Err(
                        self.rt_error(&format!("attempt to concatenate a {tn} value{info}"))
                    );
                }
                self.check_tm_callable(tm, Tm::Concat)?;
                let before = self.ts.frames.len();
                self.invoke_meta(
                    tm,
                    &[a, b],
                    Cont::Concat {
                        slot: (top - 2) as u32,
                        first: first as u32,
                        n: (n - 1) as u32,
                    },
                )?;
                if self.ts.frames.len() > before {
                    // A Lua metamethod is running; its continuation finishes this concat.
                    return Ok(());
                }
                // A native metamethod already stored its result and re-ran the rest.
                return Ok(());
            }
        }
        Ok(())
    }

    // ----- tostring -----

    /// A stable fake address for a heap value (`0x` + 12 hex digits, like PUC on Linux); a
    /// light userdata's address is its payload.
    pub fn fake_address(v: Value) -> u64 {
        let (kind, idx) = match v {
            Value::Str(h) => (1u64, h.0.idx),
            Value::Table(h) => (2, h.0.idx),
            Value::LuaFn(h) => (3, h.0.idx),
            Value::Native(h) => (4, h.0.idx),
            Value::Userdata(h) => (5, h.0.idx),
            Value::Thread(h) => (6, h.0.idx),
            Value::LightUserdata(p) => return p,
            _ => (0, 0),
        };
        let tag = match v {
            Value::Str(s) => s.tag() as u64,
            _ => 0,
        };
        0x5555_0000_0000u64 + (tag << 44) + (kind << 37) + (idx as u64) * 0x40 + 0x10
    }

    /// The `__name` string of the metatable light userdata share, if any.
    pub(crate) fn light_ud_name(&mut self) -> Option<String> {
        let mt = self.metatable(Value::LightUserdata(0))?;
        let k = self.tm_name(Tm::Name);
        match self.heap.table(mt).get_str(k) {
            Value::Str(s) => Some(String::from_utf8_lossy(self.str_bytes(s)).into_owned()),
            _ => None,
        }
    }

    /// `tostring` without metamethods.
    pub fn basic_tostring(&mut self, v: Value) -> Vec<u8> {
        match v {
            Value::Nil => b"nil".to_vec(),
            Value::Bool(true) => b"true".to_vec(),
            Value::Bool(false) => b"false".to_vec(),
            Value::Int(i) => i.to_string().into_bytes(),
            Value::Float(f) => tape_text::number::float_to_string(f).into_bytes(),
            Value::Str(s) => self.str_bytes(s).to_vec(),
            Value::LightUserdata(p) => {
                // PUC prints the pointer with C's `%p` ("(nil)" for null) after the `__name`
                // of the shared metatable, if it has one.
                let name = self
                    .light_ud_name()
                    .unwrap_or_else(|| "userdata".to_string());
                match p {
                    0 => format!("{name}: (nil)").into_bytes(),
                    _ => format!("{name}: 0x{p:x}").into_bytes(),
                }
            }
            _ => {
                let name = match v {
                    Value::Table(_) | Value::Userdata(_) => self.obj_type_name(v),
                    Value::LuaFn(_) => "function".to_string(),
                    Value::Native(_) => "function".to_string(),
                    _ => v.type_name().to_string(),
                };
                format!("{}: 0x{:012x}", name, Self::fake_address(v)).into_bytes()
            }
        }
    }

    /// `tostring(v)` (manual §6.1): `__tostring` (must return a string), `__name`, or the
    /// basic form. Returns a string value.
    pub fn tostring(&mut self, v: Value) -> Result<Value, Error> {
        if let Value::Str(_) = v {
            return Ok(v);
        }
        let tm = self.get_metamethod(v, Tm::ToString);
        if !tm.is_nil() {
            let r = self.call1(tm, &[v])?;
            return match r {
                Value::Str(_) => Ok(r),
                Value::Int(_) | Value::Float(_) => {
                    let b = self.basic_tostring(r);
                    self.str_value(&b)
                }
                _ => Err(self.error("'__tostring' must return a string")),
            };
        }
        let b = self.basic_tostring(v);
        self.str_value(&b)
    }
}

/// The decimal digits of `i` (as `%d` writes them), in `buf`.
pub(crate) fn int_to_decimal(i: i64, buf: &mut [u8; 20]) -> &[u8] {
    let mut u = i.unsigned_abs();
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (u % 10) as u8;
        u /= 10;
        if u == 0 {
            break;
        }
    }
    if i < 0 {
        at -= 1;
        buf[at] = b'-';
    }
    &buf[at..]
}
