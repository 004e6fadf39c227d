//! The `serde` feature: any `Serialize` value becomes a Lua value ([`Tape::to_value`]), and a
//! Lua value becomes any `Deserialize` type ([`Tape::from_value`]), in the shape of mlua's
//! `LuaSerdeExt`.
//!
//! ```
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Serialize, Deserialize, Debug, PartialEq)]
//! struct Server {
//!     host: String,
//!     port: u16,
//!     tags: Vec<String>,
//! }
//!
//! let mut lua = tape::Tape::sandboxed().unwrap();
//! let cfg: tape::LuaValue = lua
//!     .chunk("return {host = 'example.org', port = 8080, tags = {'a', 'b'}}")
//!     .eval()
//!     .unwrap();
//! let server: Server = lua.from_value(&cfg).unwrap();
//! assert_eq!(server.port, 8080);
//! let back = lua.to_value(&server).unwrap();
//! let f = lua.chunk("return function(s) return s.host .. ':' .. s.port end");
//! let f: tape::Function = f.eval().unwrap();
//! assert_eq!(f.call::<String>(&mut lua, back).unwrap(), "example.org:8080");
//! ```
//!
//! **Rust to Lua.** Booleans, numbers and strings map to their Lua types; `char` to a
//! one-character string; bytes (`serde_bytes`) to a Lua string with those bytes. Integers
//! outside Lua's 64-bit signed range (a `u64` above `i64::MAX`, an `i128`) are an error
//! (`integer 18446744073709551615 out of range for a Lua integer`), as `IntoLua` has it:
//! converting never loses a value silently. Sequences, tuples and tuple structs become tables
//! with keys `1..n`, marked with [`Tape::array_metatable`] (so that an empty `Vec` comes back
//! as a sequence, not a map); maps and structs become tables keyed by their (serialized) keys.
//! `None`, `()` and unit structs become [`LuaValue::NULL`] (a light userdata), so a `None`
//! inside a sequence keeps its place; [`SerializeOptions`] turns either to `nil`. Enums are
//! externally tagged, as serde does by default: a unit variant is its name, any other a table
//! with one key, `{Circle = {radius = 1.5}}`. Everything is allocated in the VM, so the memory
//! cap applies (`ErrorKind::Memory`). The Rust value drives the recursion; it is the host's.
//!
//! **Lua to Rust.** The value is read raw (no metamethods, no Lua code runs). Integers accept
//! a Lua integer or a float with an exact integer value and check their range; floats accept
//! any number; strings must be strings (valid UTF-8 for `String`; `serde_bytes` takes any
//! bytes). No coercion between strings and numbers, except that a number used as a map key
//! reads as its text where a string is wanted (`{[1] = 'x'}` into `HashMap<String, _>`).
//! `Option`: `nil` and `NULL` are `None`. Sequences need a table whose keys are exactly
//! `1..n`; structs and maps read every pair; enums read a string (unit variant) or a table
//! with one key. `deserialize_any` (untagged enums, `serde_json::Value`) turns a table with
//! the array metatable, or a non-empty one with keys `1..n`, into a sequence and any other
//! table into a map. The guest drives this recursion, so it is bounded: at most
//! [`DeserializeOptions::max_depth`] nested tables (128), a table that contains itself is an
//! error, and so is a value that would come out far larger than the heap it lives in (a table
//! shared at every level: see [`DeserializeOptions::max_size`]). Errors are
//! `ErrorKind::Conversion`, with the place in the value: `servers[2].port: expected integer,
//! got string`. Keys are read in sorted order by default (numbers, then strings, ...), so the
//! same table gives the same result, and the same first error, every time.

use crate::convert::{float_to_int_exact, IntoLua};
use crate::ctx::{Ctx, Host};
use crate::error::Error;
use crate::value::{LuaValue, Table};
use crate::Tape;
use ::serde::de::{self, DeserializeOwned, DeserializeSeed, Visitor};
use ::serde::ser::{self, Serialize};
use std::any::TypeId;
use std::cmp::Ordering;
use std::fmt::Display;
use tape_vm::{TableRef, Value};

/// How [`Tape::to_value_with`] maps Rust values to Lua values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SerializeOptions {
    /// Sequences (and tuples) get [`Tape::array_metatable`], so that `deserialize_any` and
    /// the host can tell an empty sequence from an empty map. Default: true.
    pub array_metatable: bool,
    /// `None` becomes [`LuaValue::NULL`] rather than `nil` (a struct field that is `None` is
    /// then present, and a `None` in a sequence leaves no hole). Default: true.
    pub none_to_null: bool,
    /// `()` and unit structs become [`LuaValue::NULL`] rather than `nil`. Default: true.
    pub unit_to_null: bool,
}

impl Default for SerializeOptions {
    fn default() -> Self {
        SerializeOptions::new()
    }
}

impl SerializeOptions {
    /// The defaults (everything on).
    pub const fn new() -> Self {
        SerializeOptions {
            array_metatable: true,
            none_to_null: true,
            unit_to_null: true,
        }
    }

    /// Sets [`SerializeOptions::array_metatable`].
    pub const fn array_metatable(mut self, on: bool) -> Self {
        self.array_metatable = on;
        self
    }

    /// Sets [`SerializeOptions::none_to_null`].
    pub const fn none_to_null(mut self, on: bool) -> Self {
        self.none_to_null = on;
        self
    }

    /// Sets [`SerializeOptions::unit_to_null`].
    pub const fn unit_to_null(mut self, on: bool) -> Self {
        self.unit_to_null = on;
        self
    }
}

/// How [`Tape::from_value_with`] reads Lua values (and how far it goes with guest data).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeserializeOptions {
    /// How many tables may nest; one more is an error (`too deeply nested`). Each level is a
    /// few frames of Rust recursion, so keep it well below what the thread's stack holds.
    /// Default: 128.
    pub max_depth: usize,
    /// Reads the pairs of a table in sorted key order (booleans, numbers, strings, then other
    /// keys in table order) rather than in `next` order, which depends on how the table was
    /// built. Default: true.
    pub sort_keys: bool,
    /// Functions, coroutines, userdata and light userdata other than `NULL` are an error; off,
    /// they read as unit (`()`, `None`, `serde_json::Value::Null`). Default: true.
    pub deny_unsupported_types: bool,
    /// How much reading may produce, in bytes counted as 16 per table entry plus the length
    /// of every string read as a value: a table or string reached through several paths
    /// counts each time, so a table shared at every level of a deep structure (which would come out
    /// exponentially large) is an error, `value too large to deserialize`. `None` (the
    /// default) allows twice the VM's memory in use, at least 2 MiB: anything that is not
    /// shared fits.
    pub max_size: Option<usize>,
}

impl Default for DeserializeOptions {
    fn default() -> Self {
        DeserializeOptions::new()
    }
}

impl DeserializeOptions {
    /// The defaults.
    pub const fn new() -> Self {
        DeserializeOptions {
            max_depth: 128,
            sort_keys: true,
            deny_unsupported_types: true,
            max_size: None,
        }
    }

    /// Sets [`DeserializeOptions::max_depth`].
    pub const fn max_depth(mut self, depth: usize) -> Self {
        self.max_depth = depth;
        self
    }

    /// Sets [`DeserializeOptions::sort_keys`].
    pub const fn sort_keys(mut self, on: bool) -> Self {
        self.sort_keys = on;
        self
    }

    /// Sets [`DeserializeOptions::deny_unsupported_types`].
    pub const fn deny_unsupported_types(mut self, on: bool) -> Self {
        self.deny_unsupported_types = on;
        self
    }

    /// Sets [`DeserializeOptions::max_size`].
    pub const fn max_size(mut self, bytes: Option<usize>) -> Self {
        self.max_size = bytes;
        self
    }
}

impl LuaValue {
    /// The `null` of serialized values: a light userdata (with address 0) that `None` and `()`
    /// serialize to by default, and that reads back as `None`/unit. Unlike `nil` it can be a
    /// table value, so a `None` in a sequence keeps its place. Give scripts a name for it with
    /// `lua.set_global("null", LuaValue::NULL)`.
    pub const NULL: LuaValue = LuaValue::LightUserData(0);

    /// Whether this is [`LuaValue::NULL`].
    pub fn is_null(&self) -> bool {
        matches!(self, LuaValue::LightUserData(0))
    }
}

const NULL: Value = Value::LightUserdata(0);

/// The key of the array metatable in the `Tape`'s object cache.
struct ArrayMetatable;

fn array_metatable_raw(lua: &mut Ctx<'_>) -> Result<TableRef, Error> {
    let id = TypeId::of::<ArrayMetatable>();
    if let Some(Value::Table(t)) = lua.shared.cached_object(lua.vm, id) {
        return Ok(t);
    }
    let t = lua.vm.new_table().map_err(|e| lua.runtime_error(e))?;
    lua.shared.cache_object(lua.vm, id, Value::Table(t));
    Ok(t)
}

impl Ctx<'_> {
    /// Converts any `Serialize` value to a Lua value with the default [`SerializeOptions`]
    /// (see the [module documentation](crate::serde)).
    pub fn to_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<LuaValue, Error> {
        self.to_value_with(value, SerializeOptions::new())
    }

    /// Converts any `Serialize` value to a Lua value.
    pub fn to_value_with<T: Serialize + ?Sized>(
        &mut self,
        value: &T,
        options: SerializeOptions,
    ) -> Result<LuaValue, Error> {
        let array_mt = if options.array_metatable {
            Some(array_metatable_raw(self)?)
        } else {
            None
        };
        let env = Env {
            opts: options,
            array_mt,
        };
        let v = value.serialize(Ser { lua: self, env })?;
        self.root_value(v)
    }

    /// Converts a Lua value (a `LuaValue`, `&Table`, ...) to any `Deserialize` type with the
    /// default [`DeserializeOptions`] (see the [module documentation](crate::serde)).
    pub fn from_value<T: DeserializeOwned>(&mut self, value: impl IntoLua) -> Result<T, Error> {
        self.from_value_with(value, DeserializeOptions::new())
    }

    /// Converts a Lua value to any `Deserialize` type.
    pub fn from_value_with<T: DeserializeOwned>(
        &mut self,
        value: impl IntoLua,
        options: DeserializeOptions,
    ) -> Result<T, Error> {
        let v = value.into_lua(self)?;
        let array_mt = match self
            .shared
            .cached_object(self.vm, TypeId::of::<ArrayMetatable>())
        {
            Some(Value::Table(t)) => Some(t),
            _ => None,
        };
        let budget = match options.max_size {
            Some(n) => n,
            None => self.vm.memory_used().max(1 << 20).saturating_mul(2),
        };
        let mut session = Session {
            lua: self,
            opts: options,
            array_mt,
            stack: Vec::new(),
            budget,
            limit: budget,
        };
        T::deserialize(De {
            s: &mut session,
            v,
            key: false,
        })
    }

    /// The metatable that marks serialized sequences (one per `Tape`, empty). Set it on a
    /// table built in Lua to have an empty one read as a sequence by `deserialize_any`:
    /// `lua.set_global("array_mt", lua.array_metatable()?)`, then `setmetatable({}, array_mt)`.
    pub fn array_metatable(&mut self) -> Result<Table, Error> {
        let t = array_metatable_raw(self)?;
        Ok(Table(self.root(Value::Table(t))?))
    }
}

impl Tape {
    /// Converts any `Serialize` value to a Lua value; see [`Ctx::to_value`].
    pub fn to_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<LuaValue, Error> {
        self.ctx().to_value(value)
    }

    /// Converts any `Serialize` value to a Lua value with options; see [`Ctx::to_value_with`].
    pub fn to_value_with<T: Serialize + ?Sized>(
        &mut self,
        value: &T,
        options: SerializeOptions,
    ) -> Result<LuaValue, Error> {
        self.ctx().to_value_with(value, options)
    }

    /// Converts a Lua value to any `Deserialize` type; see [`Ctx::from_value`].
    pub fn from_value<T: DeserializeOwned>(&mut self, value: impl IntoLua) -> Result<T, Error> {
        self.ctx().from_value(value)
    }

    /// Converts a Lua value to any `Deserialize` type with options; see
    /// [`Ctx::from_value_with`].
    pub fn from_value_with<T: DeserializeOwned>(
        &mut self,
        value: impl IntoLua,
        options: DeserializeOptions,
    ) -> Result<T, Error> {
        self.ctx().from_value_with(value, options)
    }

    /// The metatable that marks serialized sequences; see [`Ctx::array_metatable`].
    pub fn array_metatable(&mut self) -> Result<Table, Error> {
        self.ctx().array_metatable()
    }
}

impl ser::Error for Error {
    fn custom<T: Display>(msg: T) -> Error {
        Error::conversion_message(msg.to_string())
    }
}

impl de::Error for Error {
    fn custom<T: Display>(msg: T) -> Error {
        Error::conversion_message(msg.to_string())
    }
}

// ----- Rust to Lua -----

#[derive(Clone, Copy)]
struct Env {
    opts: SerializeOptions,
    array_mt: Option<TableRef>,
}

/// Serializes one value into the VM; the result is a raw value (valid while no Lua code runs,
/// and none does until `to_value` roots it).
struct Ser<'c, 'a> {
    lua: &'c mut Ctx<'a>,
    env: Env,
}

/// A size hint for a new table (a hint from a `Serialize` impl is not trusted to be small).
fn hint(len: Option<usize>) -> usize {
    len.unwrap_or(0).min(1 << 12)
}

fn new_table(lua: &mut Ctx<'_>, narr: usize, nhash: usize) -> Result<TableRef, Error> {
    lua.vm
        .new_table_with(narr, nhash)
        .map_err(|e| lua.runtime_error(e))
}

fn new_string(lua: &mut Ctx<'_>, bytes: &[u8]) -> Result<Value, Error> {
    lua.vm.str_value(bytes).map_err(|e| lua.runtime_error(e))
}

/// `t[k] = v`, raw; a nil or NaN key is a conversion error.
fn set_pair(lua: &mut Ctx<'_>, t: TableRef, k: Value, v: Value) -> Result<(), Error> {
    match k {
        Value::Nil => {
            return Err(Error::conversion_message(
                "a map key serialized to nil, which cannot be a table key",
            ))
        }
        Value::Float(f) if f.is_nan() => {
            return Err(Error::conversion_message(
                "a map key serialized to NaN, which cannot be a table key",
            ))
        }
        _ => {}
    }
    lua.vm
        .raw_set(Value::Table(t), k, v)
        .map_err(|e| lua.runtime_error(e))
}

/// `{[name] = v}`: an externally tagged enum variant.
fn tagged(lua: &mut Ctx<'_>, name: &str, v: Value) -> Result<Value, Error> {
    let t = new_table(lua, 0, 1)?;
    let k = new_string(lua, name.as_bytes())?;
    set_pair(lua, t, k, v)?;
    Ok(Value::Table(t))
}

impl<'c, 'a> Ser<'c, 'a> {
    fn null_or_nil(&self, null: bool) -> Value {
        if null {
            NULL
        } else {
            Value::Nil
        }
    }

    fn sequence(
        self,
        len: Option<usize>,
        variant: Option<&'static str>,
    ) -> Result<SeqSer<'c, 'a>, Error> {
        let t = new_table(self.lua, hint(len), 0)?;
        if let Some(mt) = self.env.array_mt {
            self.lua.vm.set_metatable(t, Some(mt));
        }
        Ok(SeqSer {
            lua: self.lua,
            env: self.env,
            t,
            n: 0,
            variant,
        })
    }

    fn map(
        self,
        len: Option<usize>,
        variant: Option<&'static str>,
    ) -> Result<MapSer<'c, 'a>, Error> {
        let t = new_table(self.lua, 0, hint(len))?;
        Ok(MapSer {
            lua: self.lua,
            env: self.env,
            t,
            key: None,
            variant,
        })
    }
}

fn int_value(n: impl TryInto<i64> + Display + Copy) -> Result<Value, Error> {
    match n.try_into() {
        Ok(i) => Ok(Value::Int(i)),
        Err(_) => Err(Error::conversion_message(format!(
            "integer {n} out of range for a Lua integer"
        ))),
    }
}

impl<'c, 'a> ser::Serializer for Ser<'c, 'a> {
    type Ok = Value;
    type Error = Error;
    type SerializeSeq = SeqSer<'c, 'a>;
    type SerializeTuple = SeqSer<'c, 'a>;
    type SerializeTupleStruct = SeqSer<'c, 'a>;
    type SerializeTupleVariant = SeqSer<'c, 'a>;
    type SerializeMap = MapSer<'c, 'a>;
    type SerializeStruct = MapSer<'c, 'a>;
    type SerializeStructVariant = MapSer<'c, 'a>;

    fn serialize_bool(self, v: bool) -> Result<Value, Error> {
        Ok(Value::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> Result<Value, Error> {
        Ok(Value::Int(v.into()))
    }
    fn serialize_i16(self, v: i16) -> Result<Value, Error> {
        Ok(Value::Int(v.into()))
    }
    fn serialize_i32(self, v: i32) -> Result<Value, Error> {
        Ok(Value::Int(v.into()))
    }
    fn serialize_i64(self, v: i64) -> Result<Value, Error> {
        Ok(Value::Int(v))
    }
    fn serialize_i128(self, v: i128) -> Result<Value, Error> {
        int_value(v)
    }
    fn serialize_u8(self, v: u8) -> Result<Value, Error> {
        Ok(Value::Int(v.into()))
    }
    fn serialize_u16(self, v: u16) -> Result<Value, Error> {
        Ok(Value::Int(v.into()))
    }
    fn serialize_u32(self, v: u32) -> Result<Value, Error> {
        Ok(Value::Int(v.into()))
    }
    fn serialize_u64(self, v: u64) -> Result<Value, Error> {
        int_value(v)
    }
    fn serialize_u128(self, v: u128) -> Result<Value, Error> {
        int_value(v)
    }
    fn serialize_f32(self, v: f32) -> Result<Value, Error> {
        Ok(Value::Float(v.into()))
    }
    fn serialize_f64(self, v: f64) -> Result<Value, Error> {
        Ok(Value::Float(v))
    }
    fn serialize_char(self, v: char) -> Result<Value, Error> {
        let mut buf = [0; 4];
        new_string(self.lua, v.encode_utf8(&mut buf).as_bytes())
    }
    fn serialize_str(self, v: &str) -> Result<Value, Error> {
        new_string(self.lua, v.as_bytes())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Value, Error> {
        new_string(self.lua, v)
    }
    fn serialize_none(self) -> Result<Value, Error> {
        Ok(self.null_or_nil(self.env.opts.none_to_null))
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Value, Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Value, Error> {
        Ok(self.null_or_nil(self.env.opts.unit_to_null))
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<Value, Error> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Value, Error> {
        new_string(self.lua, variant.as_bytes())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<Value, Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Value, Error> {
        let v = value.serialize(Ser {
            lua: &mut *self.lua,
            env: self.env,
        })?;
        tagged(self.lua, variant, v)
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<SeqSer<'c, 'a>, Error> {
        self.sequence(len, None)
    }
    fn serialize_tuple(self, len: usize) -> Result<SeqSer<'c, 'a>, Error> {
        self.sequence(Some(len), None)
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<SeqSer<'c, 'a>, Error> {
        self.sequence(Some(len), None)
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<SeqSer<'c, 'a>, Error> {
        self.sequence(Some(len), Some(variant))
    }
    fn serialize_map(self, len: Option<usize>) -> Result<MapSer<'c, 'a>, Error> {
        self.map(len, None)
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<MapSer<'c, 'a>, Error> {
        self.map(Some(len), None)
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<MapSer<'c, 'a>, Error> {
        self.map(Some(len), Some(variant))
    }
}

/// A sequence (or tuple) being filled; for a tuple variant, `variant` wraps it at the end.
struct SeqSer<'c, 'a> {
    lua: &'c mut Ctx<'a>,
    env: Env,
    t: TableRef,
    n: i64,
    variant: Option<&'static str>,
}

impl SeqSer<'_, '_> {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let v = value.serialize(Ser {
            lua: &mut *self.lua,
            env: self.env,
        })?;
        self.n += 1;
        self.lua
            .vm
            .raw_set_int(self.t, self.n, v)
            .map_err(|e| self.lua.runtime_error(e))
    }

    fn finish(self) -> Result<Value, Error> {
        match self.variant {
            Some(name) => tagged(self.lua, name, Value::Table(self.t)),
            None => Ok(Value::Table(self.t)),
        }
    }
}

impl ser::SerializeSeq for SeqSer<'_, '_> {
    type Ok = Value;
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.push(value)
    }
    fn end(self) -> Result<Value, Error> {
        self.finish()
    }
}

impl ser::SerializeTuple for SeqSer<'_, '_> {
    type Ok = Value;
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.push(value)
    }
    fn end(self) -> Result<Value, Error> {
        self.finish()
    }
}

impl ser::SerializeTupleStruct for SeqSer<'_, '_> {
    type Ok = Value;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.push(value)
    }
    fn end(self) -> Result<Value, Error> {
        self.finish()
    }
}

impl ser::SerializeTupleVariant for SeqSer<'_, '_> {
    type Ok = Value;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.push(value)
    }
    fn end(self) -> Result<Value, Error> {
        self.finish()
    }
}

/// A map (or struct) being filled; for a struct variant, `variant` wraps it at the end.
struct MapSer<'c, 'a> {
    lua: &'c mut Ctx<'a>,
    env: Env,
    t: TableRef,
    /// The key `serialize_key` made, waiting for its value.
    key: Option<Value>,
    variant: Option<&'static str>,
}

impl MapSer<'_, '_> {
    fn value_of<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<Value, Error> {
        value.serialize(Ser {
            lua: &mut *self.lua,
            env: self.env,
        })
    }

    fn field<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), Error> {
        let v = self.value_of(value)?;
        let k = new_string(self.lua, name.as_bytes())?;
        set_pair(self.lua, self.t, k, v)
    }

    fn finish(self) -> Result<Value, Error> {
        match self.variant {
            Some(name) => tagged(self.lua, name, Value::Table(self.t)),
            None => Ok(Value::Table(self.t)),
        }
    }
}

impl ser::SerializeMap for MapSer<'_, '_> {
    type Ok = Value;
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        let k = self.value_of(key)?;
        self.key = Some(k);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let v = self.value_of(value)?;
        match self.key.take() {
            Some(k) => set_pair(self.lua, self.t, k, v),
            None => Err(Error::conversion_message(
                "a map value was serialized without its key",
            )),
        }
    }
    fn end(self) -> Result<Value, Error> {
        self.finish()
    }
}

impl ser::SerializeStruct for MapSer<'_, '_> {
    type Ok = Value;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.field(key, value)
    }
    fn end(self) -> Result<Value, Error> {
        self.finish()
    }
}

impl ser::SerializeStructVariant for MapSer<'_, '_> {
    type Ok = Value;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.field(key, value)
    }
    fn end(self) -> Result<Value, Error> {
        self.finish()
    }
}

// ----- Lua to Rust -----

/// What one `from_value` call shares across the value: the VM, the options, the tables being
/// read (for the depth limit and cycles) and what is left of the size budget.
struct Session<'c, 'a> {
    lua: &'c mut Ctx<'a>,
    opts: DeserializeOptions,
    array_mt: Option<TableRef>,
    stack: Vec<TableRef>,
    budget: usize,
    limit: usize,
}

/// Bytes a table entry counts for against the size budget: what the smallest entry takes in
/// the VM (a value in an array part), so that data nothing shares always fits the default.
const ENTRY_SIZE: usize = 16;

impl Session<'_, '_> {
    fn charge(&mut self, n: usize) -> Result<(), Error> {
        match self.budget.checked_sub(n) {
            Some(rest) => {
                self.budget = rest;
                Ok(())
            }
            None => Err(Error::conversion_message(format!(
                "value too large to deserialize (over {} bytes; tables and strings reached \
                 through several paths count each time)",
                self.limit
            ))),
        }
    }

    /// Runs `f` with `t` entered: refuses a table already being read (a cycle) and nesting
    /// deeper than `max_depth`.
    fn with_table<R>(
        &mut self,
        t: TableRef,
        f: impl FnOnce(&mut Self) -> Result<R, Error>,
    ) -> Result<R, Error> {
        if self.stack.contains(&t) {
            return Err(Error::conversion_message(
                "recursive table (a table that contains itself)",
            ));
        }
        if self.stack.len() >= self.opts.max_depth {
            return Err(Error::conversion_message(format!(
                "too deeply nested (more than {} levels of tables)",
                self.opts.max_depth
            )));
        }
        self.stack.push(t);
        let r = f(self);
        self.stack.pop();
        r
    }

    /// The pairs of `t` (charged), in sorted key order if so chosen.
    fn pairs(&mut self, t: TableRef) -> Result<Vec<(Value, Value)>, Error> {
        let mut out = Vec::new();
        let mut key = Value::Nil;
        while let Some((k, v)) = self
            .lua
            .vm
            .next(t, key)
            .map_err(|e| self.lua.runtime_error(e))?
        {
            self.charge(ENTRY_SIZE)?;
            out.push((k, v));
            key = k;
        }
        if self.opts.sort_keys {
            let vm = &*self.lua.vm;
            out.sort_by(|a, b| compare_keys(vm, a.0, b.0));
        }
        Ok(out)
    }

    /// The length of `t` if its keys are exactly `1..n`, or the first key that is not.
    /// `charge`: count the entries against the budget (not when only looking at the table:
    /// what is then read is charged).
    fn sequence_len(&mut self, t: TableRef, charge: bool) -> Result<Result<i64, Value>, Error> {
        let mut n: i64 = 0;
        let mut key = Value::Nil;
        while let Some((k, _)) = self
            .lua
            .vm
            .next(t, key)
            .map_err(|e| self.lua.runtime_error(e))?
        {
            if charge {
                self.charge(ENTRY_SIZE)?;
            }
            n += 1;
            key = k;
        }
        key = Value::Nil;
        while let Some((k, _)) = self
            .lua
            .vm
            .next(t, key)
            .map_err(|e| self.lua.runtime_error(e))?
        {
            match k {
                Value::Int(i) if (1..=n).contains(&i) => {}
                _ => return Ok(Err(k)),
            }
            key = k;
        }
        Ok(Ok(n))
    }

    fn has_array_mt(&self, t: TableRef) -> bool {
        self.array_mt.is_some() && self.lua.vm.metatable(Value::Table(t)) == self.array_mt
    }

    /// The name an error gives a value's type.
    fn type_name(&mut self, v: Value) -> String {
        match v {
            Value::LightUserdata(0) => "null".to_string(),
            Value::LightUserdata(_) => "light userdata".to_string(),
            _ => self.lua.vm.obj_type_name(v),
        }
    }

    /// A key as an error shows it: `'name'`, `3`, `true`, `table`.
    fn key_text(&mut self, k: Value) -> String {
        match k {
            Value::Str(s) => format!("'{}'", String::from_utf8_lossy(self.lua.vm.str_bytes(s))),
            Value::Int(_) | Value::Float(_) | Value::Bool(_) => {
                String::from_utf8_lossy(&self.lua.vm.basic_tostring(k)).into_owned()
            }
            _ => self.type_name(k),
        }
    }

    /// The path step to a table's value under key `k`: `.name`, `[3]`, `["a b"]`.
    fn step(&mut self, k: Value) -> String {
        match k {
            Value::Str(s) => {
                let text = String::from_utf8_lossy(self.lua.vm.str_bytes(s)).into_owned();
                let ident = text
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                    && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                if ident {
                    format!(".{text}")
                } else {
                    format!("[{text:?}]")
                }
            }
            _ => format!("[{}]", self.key_text(k)),
        }
    }

    fn expected(&mut self, what: &str, v: Value) -> Error {
        let got = self.type_name(v);
        Error::conversion(what, what, &got)
    }
}

/// The order `sort_keys` reads keys in: booleans, numbers, strings, then the rest (left in
/// table order by the stable sort).
fn compare_keys(vm: &tape_vm::Vm, a: Value, b: Value) -> Ordering {
    fn rank(v: Value) -> u8 {
        match v {
            Value::Bool(_) => 0,
            Value::Int(_) | Value::Float(_) => 1,
            Value::Str(_) => 2,
            _ => 3,
        }
    }
    match (a, b) {
        (Value::Bool(x), Value::Bool(y)) => x.cmp(&y),
        (Value::Int(x), Value::Int(y)) => x.cmp(&y),
        (Value::Int(x), Value::Float(y)) => (x as f64).partial_cmp(&y).unwrap_or(Ordering::Equal),
        (Value::Float(x), Value::Int(y)) => x.partial_cmp(&(y as f64)).unwrap_or(Ordering::Equal),
        (Value::Float(x), Value::Float(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
        (Value::Str(x), Value::Str(y)) => vm.str_bytes(x).cmp(vm.str_bytes(y)),
        _ => rank(a).cmp(&rank(b)),
    }
}

/// Reads one Lua value. `key`: the value is a table key (a number reads as its text where a
/// string is wanted).
struct De<'s, 'c, 'a> {
    s: &'s mut Session<'c, 'a>,
    v: Value,
    key: bool,
}

macro_rules! de_integers {
    ($($method:ident $visit:ident $t:ty),*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            let n = self.integer()?;
            match <$t>::try_from(n) {
                Ok(x) => visitor.$visit(x),
                Err(_) => Err(Error::conversion_message(format!(
                    "integer {} out of range for {}",
                    n,
                    stringify!($t)
                ))),
            }
        }
    )*};
}

impl<'s, 'c, 'a> De<'s, 'c, 'a> {
    fn integer(self) -> Result<i64, Error> {
        match self.v {
            Value::Int(n) => Ok(n),
            Value::Float(f) => match float_to_int_exact(f) {
                Some(n) => Ok(n),
                None => {
                    let text =
                        String::from_utf8_lossy(&self.s.lua.vm.basic_tostring(self.v)).into_owned();
                    Err(Error::conversion_message(format!(
                        "number {text} has no integer representation"
                    )))
                }
            },
            v => Err(self.s.expected("integer", v)),
        }
    }

    fn number(self) -> Result<f64, Error> {
        match self.v {
            Value::Int(n) => Ok(n as f64),
            Value::Float(f) => Ok(f),
            v => Err(self.s.expected("number", v)),
        }
    }

    /// Calls `f` with the UTF-8 text of a string (or, as a key, of a number). `copied`: the
    /// visitor may keep a copy (charged against the budget; a field name is only compared).
    fn text<R>(self, copied: bool, f: impl FnOnce(&str) -> Result<R, Error>) -> Result<R, Error> {
        match self.v {
            Value::Str(s) => {
                if copied {
                    let len = self.s.lua.vm.str_bytes(s).len();
                    self.s.charge(len)?;
                }
                match std::str::from_utf8(self.s.lua.vm.str_bytes(s)) {
                    Ok(text) => f(text),
                    Err(_) => Err(Error::conversion_message("string is not valid UTF-8")),
                }
            }
            Value::Int(_) | Value::Float(_) if self.key => {
                let b = self.s.lua.vm.basic_tostring(self.v);
                f(&String::from_utf8_lossy(&b))
            }
            v => Err(self.s.expected("string", v)),
        }
    }

    fn unsupported(self) -> Error {
        let name = self.s.type_name(self.v);
        Error::conversion_message(format!("cannot deserialize a {name}"))
    }

    /// Reads a table as a sequence (keys exactly `1..n`).
    fn seq<'de, V: Visitor<'de>>(self, t: TableRef, visitor: V) -> Result<V::Value, Error> {
        self.s.with_table(t, |s| {
            let n = match s.sequence_len(t, true)? {
                Ok(n) => n,
                Err(k) => {
                    let k = s.key_text(k);
                    return Err(Error::conversion_message(format!(
                        "expected sequence (keys 1..n), got table with key {k}"
                    )));
                }
            };
            let mut access = SeqAcc { s, t, i: 0, n };
            let out = visitor.visit_seq(&mut access)?;
            if access.i < n {
                return Err(Error::conversion_message(format!(
                    "expected {} elements, got a sequence of {n}",
                    access.i
                )));
            }
            Ok(out)
        })
    }

    fn map<'de, V: Visitor<'de>>(self, t: TableRef, visitor: V) -> Result<V::Value, Error> {
        self.s.with_table(t, |s| {
            let pairs = s.pairs(t)?;
            let mut access = MapAcc {
                s,
                pairs: pairs.into_iter(),
                value: None,
            };
            visitor.visit_map(&mut access)
        })
    }
}

impl<'de> de::Deserializer<'de> for De<'_, '_, '_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.v {
            Value::Nil | Value::LightUserdata(0) => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(b),
            Value::Int(n) => visitor.visit_i64(n),
            Value::Float(f) => visitor.visit_f64(f),
            Value::Str(s) => {
                let len = self.s.lua.vm.str_bytes(s).len();
                self.s.charge(len)?;
                let b = self.s.lua.vm.str_bytes(s);
                match std::str::from_utf8(b) {
                    Ok(text) => visitor.visit_str(text),
                    Err(_) => visitor.visit_bytes(b),
                }
            }
            Value::Table(t) => {
                let is_seq = if self.s.has_array_mt(t) {
                    true
                } else {
                    self.s.with_table(t, |s| {
                        Ok(matches!(s.sequence_len(t, false)?, Ok(n) if n > 0))
                    })?
                };
                if is_seq {
                    self.seq(t, visitor)
                } else {
                    self.map(t, visitor)
                }
            }
            _ if !self.s.opts.deny_unsupported_types => visitor.visit_unit(),
            _ => Err(self.unsupported()),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.v {
            Value::Bool(b) => visitor.visit_bool(b),
            v => Err(self.s.expected("boolean", v)),
        }
    }

    de_integers!(
        deserialize_i8 visit_i8 i8,
        deserialize_i16 visit_i16 i16,
        deserialize_i32 visit_i32 i32,
        deserialize_i64 visit_i64 i64,
        deserialize_i128 visit_i128 i128,
        deserialize_u8 visit_u8 u8,
        deserialize_u16 visit_u16 u16,
        deserialize_u32 visit_u32 u32,
        deserialize_u64 visit_u64 u64,
        deserialize_u128 visit_u128 u128
    );

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let f = self.number()?;
        visitor.visit_f32(f as f32)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let f = self.number()?;
        visitor.visit_f64(f)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.text(true, |text| {
            let mut chars = text.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => visitor.visit_char(c),
                _ => Err(Error::conversion_message(format!(
                    "expected a single character, got a string of {} characters",
                    text.chars().count()
                ))),
            }
        })
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.text(true, |text| visitor.visit_str(text))
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.text(true, |text| visitor.visit_str(text))
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.v {
            Value::Str(s) => {
                let len = self.s.lua.vm.str_bytes(s).len();
                self.s.charge(len)?;
                visitor.visit_bytes(self.s.lua.vm.str_bytes(s))
            }
            Value::Table(t) => self.seq(t, visitor),
            v => Err(self.s.expected("string", v)),
        }
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.v {
            Value::Nil | Value::LightUserdata(0) => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.v {
            Value::Nil | Value::LightUserdata(0) => visitor.visit_unit(),
            v => Err(self.s.expected("nil", v)),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.v {
            Value::Table(t) => self.seq(t, visitor),
            v => Err(self.s.expected("sequence", v)),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.v {
            Value::Table(t) => self.map(t, visitor),
            v => Err(self.s.expected("table", v)),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.v {
            Value::Str(_) => visitor.visit_enum(EnumAcc {
                s: self.s,
                tag: self.v,
                content: None,
            }),
            Value::Table(t) => self.s.with_table(t, |s| {
                let mut pairs = s.pairs(t)?;
                let n = pairs.len();
                let (Some((tag, content)), 1) = (pairs.pop(), n) else {
                    return Err(Error::conversion_message(format!(
                        "expected enum (a string or a table with one key), got table with {n} keys"
                    )));
                };
                visitor.visit_enum(EnumAcc {
                    s,
                    tag,
                    content: Some(content),
                })
            }),
            v => Err(self
                .s
                .expected("enum (a string or a table with one key)", v)),
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.v {
            Value::Str(_) | Value::Int(_) | Value::Float(_) => {
                De { key: true, ..self }.text(false, |text| visitor.visit_str(text))
            }
            v => Err(self.s.expected("field name", v)),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }
}

struct SeqAcc<'x, 'c, 'a> {
    s: &'x mut Session<'c, 'a>,
    t: TableRef,
    /// Elements read so far.
    i: i64,
    n: i64,
}

impl<'de> de::SeqAccess<'de> for SeqAcc<'_, '_, '_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        if self.i >= self.n {
            return Ok(None);
        }
        self.i += 1;
        let v = self.s.lua.vm.raw_get_int(self.t, self.i);
        let de = De {
            s: &mut *self.s,
            v,
            key: false,
        };
        match seed.deserialize(de) {
            Ok(x) => Ok(Some(x)),
            Err(e) => Err(e.in_path(&format!("[{}]", self.i))),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        usize::try_from(self.n - self.i)
            .ok()
            .map(|n| n.min(1 << 12))
    }
}

struct MapAcc<'x, 'c, 'a> {
    s: &'x mut Session<'c, 'a>,
    pairs: std::vec::IntoIter<(Value, Value)>,
    /// The pair whose key was just read.
    value: Option<(Value, Value)>,
}

impl<'de> de::MapAccess<'de> for MapAcc<'_, '_, '_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some((k, v)) = self.pairs.next() else {
            return Ok(None);
        };
        self.value = Some((k, v));
        let de = De {
            s: &mut *self.s,
            v: k,
            key: true,
        };
        match seed.deserialize(de) {
            Ok(x) => Ok(Some(x)),
            Err(e) => {
                let step = self.s.step(k);
                Err(e.in_path(&format!("{step} (key)")))
            }
        }
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, Error> {
        let Some((k, v)) = self.value.take() else {
            return Err(Error::conversion_message(
                "a map value was read before its key",
            ));
        };
        let de = De {
            s: &mut *self.s,
            v,
            key: false,
        };
        match seed.deserialize(de) {
            Ok(x) => Ok(x),
            Err(e) => {
                let step = self.s.step(k);
                Err(e.in_path(&step))
            }
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.pairs.len())
    }
}

/// An enum: its tag (a string) and, for a variant with data, the value under it.
struct EnumAcc<'x, 'c, 'a> {
    s: &'x mut Session<'c, 'a>,
    tag: Value,
    content: Option<Value>,
}

impl<'de, 'x, 'c, 'a> de::EnumAccess<'de> for EnumAcc<'x, 'c, 'a> {
    type Error = Error;
    type Variant = VariantAcc<'x, 'c, 'a>;

    fn variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<(T::Value, VariantAcc<'x, 'c, 'a>), Error> {
        let tag = match self.tag {
            Value::Str(_) => seed.deserialize(De {
                s: &mut *self.s,
                v: self.tag,
                key: true,
            })?,
            v => return Err(self.s.expected("variant name (a string)", v)),
        };
        Ok((
            tag,
            VariantAcc {
                s: self.s,
                tag: self.tag,
                content: self.content,
            },
        ))
    }
}

struct VariantAcc<'x, 'c, 'a> {
    s: &'x mut Session<'c, 'a>,
    tag: Value,
    content: Option<Value>,
}

impl VariantAcc<'_, '_, '_> {
    /// The variant's data, or an error naming what the variant needs.
    fn content(&mut self, what: &str) -> Result<Value, Error> {
        match self.content {
            Some(v) => Ok(v),
            None => {
                let name = self.s.key_text(self.tag);
                Err(Error::conversion_message(format!(
                    "expected {what} for variant {name}, got a string"
                )))
            }
        }
    }

    fn read<R>(
        mut self,
        what: &str,
        f: impl FnOnce(De<'_, '_, '_>) -> Result<R, Error>,
    ) -> Result<R, Error> {
        let v = self.content(what)?;
        let r = f(De {
            s: &mut *self.s,
            v,
            key: false,
        });
        r.map_err(|e| {
            let step = self.s.step(self.tag);
            e.in_path(&step)
        })
    }
}

impl<'de> de::VariantAccess<'de> for VariantAcc<'_, '_, '_> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        match self.content {
            None => Ok(()),
            Some(v) => {
                let this = self;
                let r = de::Deserialize::deserialize(De {
                    s: &mut *this.s,
                    v,
                    key: false,
                });
                r.map_err(|e: Error| {
                    let step = this.s.step(this.tag);
                    e.in_path(&step)
                })
            }
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        self.read("a value", |de| seed.deserialize(de))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        self.read("a sequence", |de| {
            de::Deserializer::deserialize_seq(de, visitor)
        })
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.read("a table", |de| {
            de::Deserializer::deserialize_map(de, visitor)
        })
    }
}
