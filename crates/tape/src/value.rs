//! Rooted handles to Lua objects the host holds (`Table`, `Function`, `LuaString`,
//! `AnyUserData`, `Thread`) and `LuaValue`, a Lua value made of them.
//!
//! A handle owns one root slot in its VM (`Vm::root_host_value`): the object stays alive
//! until the last clone of the handle is dropped, whatever the guest or the collector does.
//! Dropping queues the slot for release, and the next API call on that `Tape` clears it, so a
//! handle needs no access to the VM to drop. Every handle carries the id of its `Tape`; using
//! it with another one is an `ErrorKind::Handle` error, never a read of some other object.

use crate::ctx::Shared;
use std::fmt;
use std::sync::Arc;
use tape_vm::Value;

/// Owns a root slot; dropping it queues the slot for release.
pub(crate) struct RootKey {
    pub(crate) slot: usize,
    /// What the slot holds (released only if it still does).
    pub(crate) value: Value,
    pub(crate) shared: Arc<Shared>,
}

impl Drop for RootKey {
    fn drop(&mut self) {
        self.shared.release(self.slot, self.value);
    }
}

/// A rooted value: the raw value (valid in its VM while the root lives) and the root.
#[derive(Clone)]
pub(crate) struct Ref {
    pub(crate) value: Value,
    pub(crate) key: Arc<RootKey>,
}

impl PartialEq for Ref {
    fn eq(&self, other: &Ref) -> bool {
        Arc::ptr_eq(&self.key.shared, &other.key.shared) && same_object(self.value, other.value)
    }
}

/// Whether two raw values are the same object (or equal plain values).
pub(crate) fn same_object(a: Value, b: Value) -> bool {
    match (a, b) {
        (Value::Nil, Value::Nil) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Table(x), Value::Table(y)) => x == y,
        (Value::LuaFn(x), Value::LuaFn(y)) => x == y,
        (Value::Native(x), Value::Native(y)) => x == y,
        (Value::Userdata(x), Value::Userdata(y)) => x == y,
        (Value::Thread(x), Value::Thread(y)) => x == y,
        (Value::LightUserdata(x), Value::LightUserdata(y)) => x == y,
        _ => false,
    }
}

macro_rules! handle {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq)]
        pub struct $name(pub(crate) Ref);

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.0.value)
            }
        }
    };
}

handle!(
    /// A rooted Lua table. Read and write it with the methods in `table.rs` (`get`, `set`,
    /// `raw_get`, `pairs`, ...), passing the `Tape` (or the `Ctx` of a Rust function).
    Table
);
handle!(
    /// A rooted Lua function (Lua or Rust); call it with `Function::call`.
    Function
);
handle!(
    /// A rooted Lua string (bytes, not necessarily UTF-8).
    LuaString
);
handle!(
    /// A rooted full userdata.
    AnyUserData
);
handle!(
    /// A rooted coroutine.
    Thread
);

/// A Lua value whose objects are rooted handles: what the host keeps of a value of unknown
/// type (`Variadic<LuaValue>` takes any arguments).
#[derive(Clone, Debug, PartialEq, Default)]
pub enum LuaValue {
    #[default]
    Nil,
    Boolean(bool),
    Integer(i64),
    Number(f64),
    String(LuaString),
    Table(Table),
    Function(Function),
    UserData(AnyUserData),
    Thread(Thread),
    /// A light userdata: an opaque word.
    LightUserData(u64),
}

impl LuaValue {
    /// The name `type()` gives it.
    pub fn type_name(&self) -> &'static str {
        match self {
            LuaValue::Nil => "nil",
            LuaValue::Boolean(_) => "boolean",
            LuaValue::Integer(_) | LuaValue::Number(_) => "number",
            LuaValue::String(_) => "string",
            LuaValue::Table(_) => "table",
            LuaValue::Function(_) => "function",
            LuaValue::UserData(_) | LuaValue::LightUserData(_) => "userdata",
            LuaValue::Thread(_) => "thread",
        }
    }

    pub fn is_nil(&self) -> bool {
        matches!(self, LuaValue::Nil)
    }
}
