//! Metatables and metamethod lookup (manual §2.4): the event names, the per-type metatables
//! for non-table values, and the fast "known absent" cache kept on each metatable.

use crate::value::{StrRef, TableRef, Value};
use crate::vm::Vm;

/// Metamethod events. The first 32 can be cached as absent in `Table::absent`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u8)]
pub enum Tm {
    Index = 0,
    NewIndex,
    Gc,
    Mode,
    Len,
    Eq,
    Add,
    Sub,
    Mul,
    Mod,
    Pow,
    Div,
    IDiv,
    BAnd,
    BOr,
    BXor,
    Shl,
    Shr,
    Unm,
    BNot,
    Lt,
    Le,
    Concat,
    Call,
    Close,
    ToString,
    Name,
    Metatable,
    Pairs,
}

/// Number of events.
pub(crate) const TM_COUNT: usize = 29;

impl Tm {
    /// The metatable key, e.g. `__index`.
    pub fn key(self) -> &'static str {
        TM_NAMES[self as usize]
    }
}

pub(crate) const TM_NAMES: [&str; TM_COUNT] = [
    "__index",
    "__newindex",
    "__gc",
    "__mode",
    "__len",
    "__eq",
    "__add",
    "__sub",
    "__mul",
    "__mod",
    "__pow",
    "__div",
    "__idiv",
    "__band",
    "__bor",
    "__bxor",
    "__shl",
    "__shr",
    "__unm",
    "__bnot",
    "__lt",
    "__le",
    "__concat",
    "__call",
    "__close",
    "__tostring",
    "__name",
    "__metatable",
    "__pairs",
];

impl Vm {
    /// The metatable of any value (tables and full userdata have their own; other types share
    /// one per type, light userdata one of their own apart from full userdata's).
    #[inline]
    pub fn metatable(&self, v: Value) -> Option<TableRef> {
        match v {
            Value::Table(t) => self.heap.table_meta(t),
            Value::Userdata(u) => self.heap.userdata.get(u.0).meta,
            Value::LightUserdata(_) => self.type_meta[crate::vm::LIGHT_UD_META],
            _ => self.type_meta[v.type_of() as usize],
        }
    }

    /// The interned name string of an event.
    #[inline]
    pub(crate) fn tm_name(&self, tm: Tm) -> StrRef {
        self.tm_names[tm as usize]
    }

    /// Looks up event `tm` in metatable `mt` (a raw get of its `__` key), using and updating
    /// the metatable's cache of absent events.
    #[inline]
    pub fn fast_tm(&mut self, mt: TableRef, tm: Tm) -> Value {
        let name = self.tm_name(tm);
        let t = self.heap.table_cache_mut(mt);
        if t.tm_absent(tm as u32) {
            return Value::Nil;
        }
        let v = t.get_str(name);
        if v.is_nil() {
            t.note_tm_absent(tm as u32);
        }
        v
    }

    /// The metamethod for event `tm` of value `v` (nil if none).
    #[inline]
    pub fn get_metamethod(&mut self, v: Value, tm: Tm) -> Value {
        match self.metatable(v) {
            Some(mt) => self.fast_tm(mt, tm),
            None => Value::Nil,
        }
    }
}
