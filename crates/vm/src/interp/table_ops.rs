//! Table access (GETTABUP, GETTABLE, GETI, GETFIELD, SELF, the SET forms, NEWTABLE, SETLIST):
//! the fast-path helpers the dispatch loop inlines (string keys with `__index` chains of plain
//! tables, stores that no `__newindex` can see) and the fallbacks it calls for everything else
//! (metamethods, errors naming the culprit, growth that needs the collector).

use super::Culprit;
use crate::value::Value;
use crate::vm::Vm;
use crate::Error;

/// Longest `__index` chain of plain tables the fast loop follows before deferring to the slow
/// path (which handles any length and reports loops).
const FAST_INDEX_CHAIN: usize = 8;

/// `t[key]` for a string key, following `__index` chains made of tables (the common "class"
/// pattern) without leaving the fast loop. `None` means a function `__index` (or a long chain)
/// is involved: the caller takes the slow path, which repeats the lookup from the start.
#[inline(always)]
pub(super) fn get_str_chain(
    heap: &crate::heap::Heap,
    index_name: crate::value::StrRef,
    t: crate::value::TableRef,
    key: crate::value::StrRef,
    hint: &std::cell::Cell<u16>,
) -> Option<Value> {
    let mut t = t;
    for level in 0..FAST_INDEX_CHAIN {
        let tb = heap.tables.get(t.0);
        // The instruction's hint is for the table it indexes, not the ones `__index` leads to.
        let v = if level == 0 {
            tb.get_str_hinted(key, hint)
        } else {
            tb.get_str(key)
        };
        if !v.is_nil() {
            return Some(v);
        }
        let Some(mt) = tb.meta_slot() else {
            return Some(Value::Nil);
        };
        let mtb = heap.tables.get_idx(mt);
        if mtb.tm_absent(crate::meta::Tm::Index as u32) {
            return Some(Value::Nil);
        }
        match mtb.get_str(index_name) {
            Value::Nil => return Some(Value::Nil),
            Value::Table(next) => t = next,
            _ => return None,
        }
    }
    None
}

/// GETFIELD's `get_str_chain`, storing into the register: the lookup in `t` itself (through
/// the instruction's hint) is inline and stores straight from the node; a miss in a table
/// with a metatable follows the chain out of line (`index_chain`). SELF keeps
/// `get_str_chain`, whose first table seldom has the key.
#[inline(always)]
pub(super) fn get_field_into(
    slot: &mut Value,
    heap: &crate::heap::Heap,
    index_name: crate::value::StrRef,
    t: crate::value::TableRef,
    key: crate::value::StrRef,
    hint: &std::cell::Cell<u16>,
) -> bool {
    let tb = heap.tables.get(t.0);
    let v = tb.get_str_hinted(key, hint);
    if !v.is_nil() {
        *slot = v;
        return true;
    }
    match tb.meta_slot() {
        None => {
            *slot = Value::Nil;
            true
        }
        Some(mt) => match index_chain(heap, index_name, mt, key) {
            Some(v) => {
                *slot = v;
                true
            }
            None => false,
        },
    }
}

/// The rest of `get_field_into` once `key` is absent from a table whose metatable is `mt` (an
/// arena index): the tables `__index` leads to, up to `FAST_INDEX_CHAIN` in all as
/// `get_str_chain`. Its step repeats `get_str_chain`'s: a shared `#[inline(always)]` step
/// function for both changed the dispatch loop's register allocation (fib +2.4% instructions).
#[inline(never)]
fn index_chain(
    heap: &crate::heap::Heap,
    index_name: crate::value::StrRef,
    mt: u32,
    key: crate::value::StrRef,
) -> Option<Value> {
    let mut mt = mt;
    for _ in 1..FAST_INDEX_CHAIN {
        let mtb = heap.tables.get_idx(mt);
        if mtb.tm_absent(crate::meta::Tm::Index as u32) {
            return Some(Value::Nil);
        }
        let tb = match mtb.get_str(index_name) {
            Value::Nil => return Some(Value::Nil),
            Value::Table(next) => heap.tables.get(next.0),
            _ => return None,
        };
        let v = tb.get_str(key);
        if !v.is_nil() {
            return Some(v);
        }
        let Some(next_mt) = tb.meta_slot() else {
            return Some(Value::Nil);
        };
        mt = next_mt;
    }
    // The chain is longer: the slow path decides, unless it ends here.
    let mtb = heap.tables.get_idx(mt);
    if mtb.tm_absent(crate::meta::Tm::Index as u32) || mtb.get_str(index_name).is_nil() {
        return Some(Value::Nil);
    }
    None
}

/// `s[key]` for a string `s` whose metatable is `mt` (a method call on a string, `s:sub(i)`):
/// through the metatable's `__index` when that is a table, as `get_str_chain`; `None` for
/// anything else (no metatable, a function `__index`), which the slow path decides. Out of
/// line: the dispatch loop's arm stays small.
#[inline(never)]
pub(super) fn get_str_method(
    heap: &crate::heap::Heap,
    mt: Option<crate::value::TableRef>,
    index_name: crate::value::StrRef,
    key: crate::value::StrRef,
    hint: &std::cell::Cell<u16>,
) -> Option<Value> {
    let mtb = heap.tables.get(mt?.0);
    if mtb.tm_absent(crate::meta::Tm::Index as u32) {
        return None;
    }
    match mtb.get_str(index_name) {
        Value::Table(t) => get_str_chain(heap, index_name, t, key, hint),
        _ => None,
    }
}

/// `t[key] = v` for a string key when no `__newindex` can be involved: the key is present, or
/// the table has no metatable, or its metatable is known to lack `__newindex`. Returns false
/// (nothing stored) when the slow path must decide, or when the table cannot grow.
#[inline(always)]
pub(super) fn set_str_fast(
    heap: &mut crate::heap::Heap,
    t: crate::value::TableRef,
    key: crate::value::StrRef,
    v: Value,
    hint: &std::cell::Cell<u16>,
) -> bool {
    let tb = heap.tables.get(t.0);
    if tb.has_meta() && tb.get_str(key).is_nil() && !lacks_tm(heap, tb, crate::meta::Tm::NewIndex) {
        return false;
    }
    let (tb, alloc) = heap.table_mut_alloc(t, (Value::Str(key), v));
    tb.set_str_hinted(key, v, alloc, hint).is_ok()
}

/// `t[i] = v` for an integer key when no `__newindex` can be involved (as `set_str_fast`).
#[inline(always)]
pub(super) fn set_int_fast(
    heap: &mut crate::heap::Heap,
    t: crate::value::TableRef,
    i: i64,
    v: Value,
) -> bool {
    let tb = heap.tables.get(t.0);
    if tb.has_meta() && tb.get_int(i).is_nil() && !lacks_tm(heap, tb, crate::meta::Tm::NewIndex) {
        return false;
    }
    let (tb, alloc) = heap.table_mut_alloc(t, v);
    tb.set_int(i, v, alloc).is_ok()
}

/// `t[key] = v` for SETTABLE when no `__newindex` can be involved: an integer key (an array
/// index, most often) as SETI does, a string key through the instruction's node hint as
/// SETFIELD, any other key but nil and NaN through `Table::set`. Out of line, so the dispatch
/// loop's arm stays as small as it was.
///
/// A store into a slot of the array part that holds a value, or of a table without a
/// metatable, in a table that is not black (no barrier) comes first: it needs no registers
/// saved, and the rest is a call away.
#[inline(never)]
pub(super) fn set_table_fast(
    heap: &mut crate::heap::Heap,
    t: crate::value::TableRef,
    key: Value,
    v: Value,
    hint: &std::cell::Cell<u16>,
) -> bool {
    if let Value::Int(i) = key {
        let tb = heap.tables.get_mut(t.0);
        if !tb.is_black() && tb.set_array_slot(i, v) {
            return true;
        }
    }
    set_table_rest(heap, t, key, v, hint)
}

/// `set_table_fast` past its array case.
#[inline(never)]
fn set_table_rest(
    heap: &mut crate::heap::Heap,
    t: crate::value::TableRef,
    key: Value,
    v: Value,
    hint: &std::cell::Cell<u16>,
) -> bool {
    match key {
        Value::Int(i) => return set_int_fast(heap, t, i, v),
        Value::Str(k) => return set_str_fast(heap, t, k, v, hint),
        Value::Nil => return false,
        Value::Float(f) if f.is_nan() => return false,
        _ => {}
    }
    let tb = heap.tables.get(t.0);
    if tb.has_meta() && tb.get(key).is_nil() && !lacks_tm(heap, tb, crate::meta::Tm::NewIndex) {
        return false;
    }
    let (tb, alloc) = heap.table_mut_alloc(t, (key, v));
    tb.set(key, v, alloc).is_ok()
}

/// Whether table `tb` has no metatable or one known (by its absent cache) to have no
/// handler for `tm`.
#[inline(always)]
pub(crate) fn lacks_tm(
    heap: &crate::heap::Heap,
    tb: &crate::table::Table,
    tm: crate::meta::Tm,
) -> bool {
    match tb.meta_slot() {
        Some(mt) => heap.tables.get_idx(mt).tm_absent(tm as u32),
        None => true,
    }
}

impl Vm {
    /// GETTABUP: `R[a] = Upval[u][K[k]]` through `__index`.
    pub(super) fn op_get_tab_up(&mut self, base: usize, a: u8, u: u8, k: u16) -> Result<(), Error> {
        let t = self.upval_value(u as usize);
        let key = self.konst(k as usize)?;
        self.index_into(t, key, base + a as usize, Culprit::Upval(u))
    }

    /// GETTABLE: `R[a] = R[b][R[c]]` through `__index`.
    pub(super) fn op_get_table(&mut self, base: usize, a: u8, b: u8, c: u8) -> Result<(), Error> {
        let (t, key) = (self.r(base, b), self.r(base, c));
        self.index_into(t, key, base + a as usize, Culprit::Reg(b))
    }

    /// GETI: `R[a] = R[b][i]` through `__index`.
    pub(super) fn op_get_int(&mut self, base: usize, a: u8, b: u8, i: u8) -> Result<(), Error> {
        let t = self.r(base, b);
        self.index_into(t, Value::Int(i as i64), base + a as usize, Culprit::Reg(b))
    }

    /// GETFIELD: `R[a] = R[b][K[k]]` through `__index`.
    pub(super) fn op_get_field(&mut self, base: usize, a: u8, b: u8, k: u16) -> Result<(), Error> {
        let t = self.r(base, b);
        let key = self.konst(k as usize)?;
        self.index_into(t, key, base + a as usize, Culprit::Reg(b))
    }

    /// SELF: `R[a+1] = R[b]; R[a] = R[b][K[k]]` through `__index`.
    pub(super) fn op_self(&mut self, base: usize, a: u8, b: u8, k: u16) -> Result<(), Error> {
        let t = self.r(base, b);
        let key = self.konst(k as usize)?;
        let s = base + a as usize;
        self.ts.stack[s + 1] = t;
        self.index_into(t, key, s, Culprit::Reg(b))
    }

    /// SETTABUP: `Upval[u][K[k]] = R[c]` through `__newindex`.
    pub(super) fn op_set_tab_up(&mut self, base: usize, u: u8, k: u16, c: u8) -> Result<(), Error> {
        let t = self.upval_value(u as usize);
        let key = self.konst(k as usize)?;
        let v = self.r(base, c);
        self.newindex_from(t, key, v, Culprit::Upval(u))
    }

    /// SETTABLE: `R[a][R[b]] = R[c]` through `__newindex` (and the errors for nil/NaN keys).
    pub(super) fn op_set_table(&mut self, base: usize, a: u8, b: u8, c: u8) -> Result<(), Error> {
        let (t, key, v) = (self.r(base, a), self.r(base, b), self.r(base, c));
        self.newindex_from(t, key, v, Culprit::Reg(a))
    }

    /// SETI: `R[a][i] = R[c]` through `__newindex`.
    pub(super) fn op_set_int(&mut self, base: usize, a: u8, i: u8, c: u8) -> Result<(), Error> {
        let (t, v) = (self.r(base, a), self.r(base, c));
        self.newindex_from(t, Value::Int(i as i64), v, Culprit::Reg(a))
    }

    /// SETFIELD: `R[a][K[k]] = R[c]` through `__newindex`.
    pub(super) fn op_set_field(&mut self, base: usize, a: u8, k: u16, c: u8) -> Result<(), Error> {
        let (t, v) = (self.r(base, a), self.r(base, c));
        let key = self.konst(k as usize)?;
        self.newindex_from(t, key, v, Culprit::Reg(a))
    }

    /// NEWTABLE when the collector is due or the arena must grow (a collector safe point).
    pub(super) fn op_new_table(
        &mut self,
        base: usize,
        a: u8,
        nhash: u8,
        narr: u32,
    ) -> Result<(), Error> {
        let s = base + a as usize;
        self.gc_check(s);
        let t = self.new_table_with(narr.min(1 << 20) as usize, nhash as usize)?;
        self.ts.stack[s] = Value::Table(t);
        Ok(())
    }

    /// SETLIST when the array part must grow under the memory cap (or the operands are odd).
    pub(super) fn op_set_list(&mut self, base: usize, a: u8, n: u8, off: u32) -> Result<(), Error> {
        let s = base + a as usize;
        let count = if n == 0 {
            self.frame_top().saturating_sub(s + 1)
        } else {
            n as usize
        };
        let Value::Table(t) = self.ts.stack[s] else {
            return Err(self.internal_error("SETLIST on a non-table"));
        };
        let last = (off as usize).saturating_add(count);
        self.ensure_array(t, last)?;
        for i in 1..=count {
            let v = self.ts.stack[s + i];
            self.raw_set_int(t, off as i64 + i as i64, v)?;
        }
        self.reset_top();
        Ok(())
    }

    /// Resets a Lua frame's `top` after a multi-value consumer.
    fn reset_top(&mut self) {
        let max = self
            .ts
            .frames
            .last()
            .and_then(|f| self.frame_proto(f))
            .map(|p| p.max_stack as usize);
        if let (Some(m), Some(f)) = (max, self.ts.frames.last_mut()) {
            f.top = f.base + m;
        }
    }
}
