//! Guest values (manual §2.1): the 16-byte `Value` enum and the typed handles that name heap
//! objects. A handle is a slot index plus a generation; the heap (`heap.rs`) owns the objects.

/// A slot index in one of the heap's arenas plus the slot's generation when it was allocated.
/// The generation lets debug builds detect a stale handle (a GC bug), never guest-visible.
#[derive(Clone, Copy, Eq, Debug)]
pub struct Handle {
    pub(crate) idx: u32,
    pub(crate) gen: u32,
}

impl Handle {
    /// Both halves as one word, so comparing handles is a single compare.
    #[inline(always)]
    fn word(self) -> u64 {
        self.idx as u64 | (self.gen as u64) << 32
    }
}

impl UpvalRef {
    /// A handle no arena slot has (arenas never reach `u32::MAX` entries).
    pub(crate) const NONE: UpvalRef = UpvalRef(Handle {
        idx: u32::MAX,
        gen: 0,
    });
}

impl PartialEq for Handle {
    #[inline(always)]
    fn eq(&self, other: &Self) -> bool {
        self.word() == other.word()
    }
}

impl std::hash::Hash for Handle {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.word().hash(state)
    }
}

macro_rules! handle_types {
    ($($(#[$m:meta])* $name:ident),*) => {$(
        $(#[$m])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
        pub struct $name(pub(crate) Handle);
        #[allow(dead_code)]
        impl $name {
            /// The slot index (stable while the object lives; used for fake addresses).
            pub fn index(self) -> u32 { self.0.idx }
        }
    )*};
}

/// The bits of `Handle::gen` that hold the arena slot's generation; a string handle keeps an
/// identity tag in the bits above (see `StrRef`).
pub(crate) const GEN_MASK: u32 = 0xFFFF;

/// An interned, immutable byte string.
///
/// Every content is stored once (`string.rs`), and equality and hashing look at the slot index
/// alone. A string longer than `LONG_STR` bytes also carries an identity tag in the high bits
/// of its handle's generation: each time such a string is *created* (concatenation, a library
/// function, a chunk's constants) it gets a fresh tag, while copies of the value keep theirs.
/// Only `%p` (and `fake_address`) sees the tag, so two long strings built separately print
/// different addresses and one passed around prints the same, as PUC's distinct long string
/// objects do, without giving up the single handle compare for equality.
#[derive(Clone, Copy, Debug)]
pub struct StrRef(pub(crate) Handle);

/// Strings longer than this are "long" in PUC's sense (`LUAI_MAXSHORTLEN`): not shared.
pub const LONG_STR: usize = 40;

impl PartialEq for StrRef {
    #[inline(always)]
    fn eq(&self, other: &Self) -> bool {
        self.0.idx == other.0.idx
    }
}

impl Eq for StrRef {}

impl std::hash::Hash for StrRef {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.idx.hash(state)
    }
}

#[allow(dead_code)]
impl StrRef {
    /// The slot index (stable while the object lives; used for fake addresses).
    pub fn index(self) -> u32 {
        self.0.idx
    }

    /// The identity tag (0 for short strings).
    pub(crate) fn tag(self) -> u32 {
        self.0.gen >> 16
    }

    /// The same string with identity tag `tag` (16 bits).
    pub(crate) fn with_tag(self, tag: u16) -> StrRef {
        StrRef(Handle {
            idx: self.0.idx,
            gen: (self.0.gen & GEN_MASK) | (tag as u32) << 16,
        })
    }
}

handle_types!(
    /// A table.
    TableRef,
    /// A Lua closure.
    FnRef,
    /// A native (Rust) function with optional upvalues.
    NativeRef,
    /// A full userdata.
    UdRef,
    /// A thread (coroutine).
    ThreadRef,
    /// An upvalue cell (internal).
    UpvalRef,
    /// A loaded prototype (internal): a `Proto` plus its constants as values.
    ProtoRef
);

/// A Lua value. `Copy`, 16 bytes (pinned by a test). Heap values are handles; they stay valid
/// while reachable from a GC root (see `heap.rs` for the rule natives must follow).
///
/// `repr(u64)`: the tag fills the first eight bytes and every payload sits in the second eight,
/// so copying a `Value` is two whole-word moves (with the default layout, handle payloads sat at
/// offset 4 and copies were split into overlapping moves that defeated store forwarding).
#[derive(Clone, Copy, Debug, Default)]
#[repr(u64)]
pub enum Value {
    #[default]
    Nil,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(StrRef),
    Table(TableRef),
    LuaFn(FnRef),
    Native(NativeRef),
    Userdata(UdRef),
    Thread(ThreadRef),
    /// A light userdata (manual §2.1): an opaque 64-bit word the host chooses, compared by
    /// value, with no per-value metatable (all light userdata share one, set through
    /// `Vm::set_light_userdata_metatable`). `type()` calls it "userdata".
    LightUserdata(u64),
}

/// The basic types of manual §2.1, in PUC's numbering order (used to index type metatables).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Type {
    Nil = 0,
    Boolean = 1,
    Number = 2,
    String = 3,
    Table = 4,
    Function = 5,
    Userdata = 6,
    Thread = 7,
}

impl Type {
    /// The name `type()` returns.
    pub fn name(self) -> &'static str {
        match self {
            Type::Nil => "nil",
            Type::Boolean => "boolean",
            Type::Number => "number",
            Type::String => "string",
            Type::Table => "table",
            Type::Function => "function",
            Type::Userdata => "userdata",
            Type::Thread => "thread",
        }
    }
}

impl Value {
    /// The value's basic type.
    #[inline]
    pub fn type_of(self) -> Type {
        match self {
            Value::Nil => Type::Nil,
            Value::Bool(_) => Type::Boolean,
            Value::Int(_) | Value::Float(_) => Type::Number,
            Value::Str(_) => Type::String,
            Value::Table(_) => Type::Table,
            Value::LuaFn(_) | Value::Native(_) => Type::Function,
            Value::Userdata(_) | Value::LightUserdata(_) => Type::Userdata,
            Value::Thread(_) => Type::Thread,
        }
    }

    /// The name `type()` returns.
    pub fn type_name(self) -> &'static str {
        self.type_of().name()
    }

    /// False only for nil and false (manual §3.3.4).
    #[inline(always)]
    pub fn truthy(self) -> bool {
        !matches!(self, Value::Nil | Value::Bool(false))
    }

    #[inline(always)]
    pub fn is_nil(self) -> bool {
        matches!(self, Value::Nil)
    }

    /// Does this value refer to an object the collector manages?
    #[inline(always)]
    pub fn is_collectable(self) -> bool {
        !matches!(
            self,
            Value::Nil | Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::LightUserdata(_)
        )
    }

    /// Is this a function (Lua or native)?
    pub fn is_function(self) -> bool {
        matches!(self, Value::LuaFn(_) | Value::Native(_))
    }

    /// Primitive equality (`rawequal`): numbers by mathematical value, everything else by
    /// identity (strings are interned and compared by slot, so identity is content).
    #[inline]
    pub fn raw_eq(self, other: Value) -> bool {
        match (self, other) {
            (Value::Nil, Value::Nil) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Float(a), Value::Float(b)) => a == b,
            (Value::Int(i), Value::Float(f)) | (Value::Float(f), Value::Int(i)) => {
                int_eq_float(i, f)
            }
            (Value::Str(a), Value::Str(b)) => a == b,
            (Value::Table(a), Value::Table(b)) => a == b,
            (Value::LuaFn(a), Value::LuaFn(b)) => a == b,
            (Value::Native(a), Value::Native(b)) => a == b,
            (Value::Userdata(a), Value::Userdata(b)) => a == b,
            (Value::Thread(a), Value::Thread(b)) => a == b,
            (Value::LightUserdata(a), Value::LightUserdata(b)) => a == b,
            _ => false,
        }
    }
}

/// Exact comparison of an integer with a float.
#[inline]
pub fn int_eq_float(i: i64, f: f64) -> bool {
    float_to_int_exact(f) == Some(i)
}

/// The integer a float represents exactly, if any (manual §3.4.3).
#[inline]
pub fn float_to_int_exact(f: f64) -> Option<i64> {
    // -2^63 <= f < 2^63 and integral.
    if (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f) && f.floor() == f {
        Some(f as i64)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_is_sixteen_bytes() {
        assert_eq!(std::mem::size_of::<Value>(), 16);
        // The tag's unused values are a niche: `Option<Value>` costs nothing extra.
        assert_eq!(std::mem::size_of::<Option<Value>>(), 16);
    }

    #[test]
    fn raw_equality_of_numbers() {
        assert!(Value::Int(1).raw_eq(Value::Float(1.0)));
        assert!(!Value::Float(f64::NAN).raw_eq(Value::Float(f64::NAN)));
        assert!(!Value::Int(i64::MAX).raw_eq(Value::Float(9.223372036854775807e18)));
        assert_eq!(float_to_int_exact(-9.223372036854775808e18), Some(i64::MIN));
        assert_eq!(float_to_int_exact(2.5), None);
    }

    #[test]
    fn light_userdata_compares_by_payload() {
        let (a, b) = (Value::LightUserdata(7), Value::LightUserdata(7));
        assert!(a.raw_eq(b));
        assert!(!a.raw_eq(Value::LightUserdata(8)));
        assert!(!a.raw_eq(Value::Int(7)));
        assert_eq!(a.type_name(), "userdata");
    }
}
