//! Conversions between Rust values and Lua values: [`IntoLua`]/[`FromLua`] for one value,
//! [`IntoLuaMulti`]/[`FromLuaMulti`] for argument and result lists (tuples, [`Variadic`]).
//!
//! Numbers follow Lua's rules: an integer type accepts an integer, a float with an exact
//! integer value, or a numeric string, and fails on anything out of its range; strings accept
//! numbers (converted as `tostring` does). Tables convert raw (no metamethods): `Vec<T>` reads
//! keys `1..#t`, maps read every pair.
//!
//! The traits work on raw `tape::Value`s, which stay valid only until Lua code runs again
//! (the collector runs only while Lua code runs): an implementation must not call Lua
//! functions or run chunks. Keep what must live longer in a rooted handle (`FromLua` for
//! `Table`, `Function`, `LuaValue`, ... roots it).

use crate::ctx::Ctx;
use crate::error::Error;
use crate::value::{AnyUserData, Function, LuaString, LuaValue, Table, Thread};
use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;
use tape_vm::Value;

/// A Rust value that can become one Lua value.
pub trait IntoLua {
    fn into_lua(self, lua: &mut Ctx<'_>) -> Result<Value, Error>;
}

/// A Rust value that can be made from one Lua value.
pub trait FromLua: Sized {
    fn from_lua(value: Value, lua: &mut Ctx<'_>) -> Result<Self, Error>;
}

/// A Rust value that becomes a list of Lua values (arguments or results).
pub trait IntoLuaMulti {
    fn into_lua_multi(self, lua: &mut Ctx<'_>) -> Result<Vec<Value>, Error>;
}

/// A Rust value made from a list of Lua values (missing values read as nil, extra ones are
/// ignored).
pub trait FromLuaMulti: Sized {
    fn from_lua_multi(values: &[Value], lua: &mut Ctx<'_>) -> Result<Self, Error>;
}

/// Any number of values of one type: the rest of an argument list (`(String, Variadic<i64>)`)
/// or a result list of unknown length.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Variadic<T>(pub Vec<T>);

impl<T> std::ops::Deref for Variadic<T> {
    type Target = Vec<T>;
    fn deref(&self) -> &Vec<T> {
        &self.0
    }
}

/// A Lua string as raw bytes (`Vec<u8>` itself converts as a table of numbers).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Bytes(pub Vec<u8>);

fn err_in(lua: &mut Ctx<'_>, e: tape_vm::Error) -> Error {
    lua.runtime_error(e)
}

/// The type name a conversion error reports (`__name`-aware, as PUC's `luaL_typeerror`).
fn got(lua: &mut Ctx<'_>, v: Value) -> String {
    match v {
        Value::LightUserdata(_) => "light userdata".to_string(),
        _ => lua.vm.obj_type_name(v),
    }
}

// ----- plain values -----

impl IntoLua for bool {
    fn into_lua(self, _: &mut Ctx<'_>) -> Result<Value, Error> {
        Ok(Value::Bool(self))
    }
}

impl FromLua for bool {
    /// Lua's truth: `nil` and `false` are false, everything else is true.
    fn from_lua(v: Value, _: &mut Ctx<'_>) -> Result<bool, Error> {
        Ok(!matches!(v, Value::Nil | Value::Bool(false)))
    }
}

/// The integer equal to `f`, if there is one (-2^63 <= f < 2^63 and integral).
pub(crate) fn float_to_int_exact(f: f64) -> Option<i64> {
    if (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f) && f.floor() == f {
        Some(f as i64)
    } else {
        None
    }
}

/// The integer a value converts to, as PUC's `luaL_checkinteger`.
fn to_integer(v: Value, lua: &mut Ctx<'_>) -> Result<i64, Error> {
    match lua.vm.to_number(v) {
        Some(Value::Int(n)) => Ok(n),
        Some(Value::Float(f)) => match float_to_int_exact(f) {
            Some(n) => Ok(n),
            None => Err(Error::conversion_message(
                "number has no integer representation",
            )),
        },
        _ => {
            let g = got(lua, v);
            Err(Error::conversion("integer", "number", &g))
        }
    }
}

macro_rules! integers {
    ($($t:ty),*) => {$(
        impl IntoLua for $t {
            fn into_lua(self, _: &mut Ctx<'_>) -> Result<Value, Error> {
                match i64::try_from(self) {
                    Ok(n) => Ok(Value::Int(n)),
                    Err(_) => Err(Error::conversion_message(format!(
                        "integer {} out of range for a Lua integer",
                        self
                    ))),
                }
            }
        }

        impl FromLua for $t {
            fn from_lua(v: Value, lua: &mut Ctx<'_>) -> Result<$t, Error> {
                let n = to_integer(v, lua)?;
                <$t>::try_from(n).map_err(|_| {
                    Error::conversion_message(format!(
                        "integer {} out of range for {}",
                        n,
                        stringify!($t)
                    ))
                })
            }
        }
    )*};
}

integers!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize, i128, u128);

impl IntoLua for f64 {
    fn into_lua(self, _: &mut Ctx<'_>) -> Result<Value, Error> {
        Ok(Value::Float(self))
    }
}

impl IntoLua for f32 {
    fn into_lua(self, _: &mut Ctx<'_>) -> Result<Value, Error> {
        Ok(Value::Float(f64::from(self)))
    }
}

impl FromLua for f64 {
    fn from_lua(v: Value, lua: &mut Ctx<'_>) -> Result<f64, Error> {
        match lua.vm.to_number(v) {
            Some(Value::Int(n)) => Ok(n as f64),
            Some(Value::Float(f)) => Ok(f),
            _ => {
                let g = got(lua, v);
                Err(Error::conversion("number", "number", &g))
            }
        }
    }
}

impl FromLua for f32 {
    fn from_lua(v: Value, lua: &mut Ctx<'_>) -> Result<f32, Error> {
        f64::from_lua(v, lua).map(|f| f as f32)
    }
}

// ----- strings -----

impl IntoLua for &str {
    fn into_lua(self, lua: &mut Ctx<'_>) -> Result<Value, Error> {
        lua.vm
            .str_value(self.as_bytes())
            .map_err(|e| err_in(lua, e))
    }
}

impl IntoLua for String {
    fn into_lua(self, lua: &mut Ctx<'_>) -> Result<Value, Error> {
        self.as_str().into_lua(lua)
    }
}

impl IntoLua for &String {
    fn into_lua(self, lua: &mut Ctx<'_>) -> Result<Value, Error> {
        self.as_str().into_lua(lua)
    }
}

impl IntoLua for &[u8] {
    fn into_lua(self, lua: &mut Ctx<'_>) -> Result<Value, Error> {
        lua.vm.str_value(self).map_err(|e| err_in(lua, e))
    }
}

impl IntoLua for Bytes {
    fn into_lua(self, lua: &mut Ctx<'_>) -> Result<Value, Error> {
        self.0.as_slice().into_lua(lua)
    }
}

/// The bytes of a string, or of a number converted as `tostring` does.
fn string_bytes(v: Value, lua: &mut Ctx<'_>) -> Result<Vec<u8>, Error> {
    match v {
        Value::Str(s) => Ok(lua.vm.str_bytes(s).to_vec()),
        Value::Int(_) | Value::Float(_) => Ok(lua.vm.basic_tostring(v)),
        _ => {
            let g = got(lua, v);
            Err(Error::conversion("string", "string", &g))
        }
    }
}

impl FromLua for Bytes {
    fn from_lua(v: Value, lua: &mut Ctx<'_>) -> Result<Bytes, Error> {
        string_bytes(v, lua).map(Bytes)
    }
}

impl FromLua for String {
    /// A string that is valid UTF-8 (or a number).
    fn from_lua(v: Value, lua: &mut Ctx<'_>) -> Result<String, Error> {
        let b = string_bytes(v, lua)?;
        String::from_utf8(b).map_err(|_| Error::conversion_message("string is not valid UTF-8"))
    }
}

// ----- Option, sequences, maps -----

impl<T: IntoLua> IntoLua for Option<T> {
    fn into_lua(self, lua: &mut Ctx<'_>) -> Result<Value, Error> {
        match self {
            Some(t) => t.into_lua(lua),
            None => Ok(Value::Nil),
        }
    }
}

impl<T: FromLua> FromLua for Option<T> {
    fn from_lua(v: Value, lua: &mut Ctx<'_>) -> Result<Option<T>, Error> {
        match v {
            Value::Nil => Ok(None),
            v => T::from_lua(v, lua).map(Some),
        }
    }
}

fn new_table(lua: &mut Ctx<'_>, narr: usize, nhash: usize) -> Result<tape_vm::TableRef, Error> {
    lua.vm
        .new_table_with(narr, nhash)
        .map_err(|e| err_in(lua, e))
}

impl<T: IntoLua> IntoLua for Vec<T> {
    fn into_lua(self, lua: &mut Ctx<'_>) -> Result<Value, Error> {
        let t = new_table(lua, self.len(), 0)?;
        for (i, item) in self.into_iter().enumerate() {
            let v = item.into_lua(lua)?;
            lua.vm
                .raw_set_int(t, i as i64 + 1, v)
                .map_err(|e| err_in(lua, e))?;
        }
        Ok(Value::Table(t))
    }
}

fn expect_table(v: Value, lua: &mut Ctx<'_>) -> Result<tape_vm::TableRef, Error> {
    match v {
        Value::Table(t) => Ok(t),
        _ => {
            let g = got(lua, v);
            Err(Error::conversion("table", "table", &g))
        }
    }
}

impl<T: FromLua> FromLua for Vec<T> {
    fn from_lua(v: Value, lua: &mut Ctx<'_>) -> Result<Vec<T>, Error> {
        let t = expect_table(v, lua)?;
        let n = lua.vm.raw_len_table(t).max(0);
        let mut out = Vec::new();
        for i in 1..=n {
            let item = lua.vm.raw_get_int(t, i);
            out.push(T::from_lua(item, lua)?);
        }
        Ok(out)
    }
}

fn map_into_lua<K: IntoLua, V: IntoLua>(
    lua: &mut Ctx<'_>,
    len: usize,
    pairs: impl Iterator<Item = (K, V)>,
) -> Result<Value, Error> {
    let t = new_table(lua, 0, len)?;
    for (k, v) in pairs {
        let k = k.into_lua(lua)?;
        let v = v.into_lua(lua)?;
        lua.vm
            .raw_set(Value::Table(t), k, v)
            .map_err(|e| err_in(lua, e))?;
    }
    Ok(Value::Table(t))
}

fn map_from_lua<K: FromLua, V: FromLua>(
    v: Value,
    lua: &mut Ctx<'_>,
    mut put: impl FnMut(K, V),
) -> Result<(), Error> {
    let t = expect_table(v, lua)?;
    let mut key = Value::Nil;
    while let Some((k, v)) = lua.vm.next(t, key).map_err(|e| err_in(lua, e))? {
        put(K::from_lua(k, lua)?, V::from_lua(v, lua)?);
        key = k;
    }
    Ok(())
}

impl<K: IntoLua, V: IntoLua, S> IntoLua for HashMap<K, V, S> {
    fn into_lua(self, lua: &mut Ctx<'_>) -> Result<Value, Error> {
        let n = self.len();
        map_into_lua(lua, n, self.into_iter())
    }
}

impl<K: FromLua + Eq + Hash, V: FromLua> FromLua for HashMap<K, V> {
    fn from_lua(v: Value, lua: &mut Ctx<'_>) -> Result<HashMap<K, V>, Error> {
        let mut out = HashMap::new();
        map_from_lua(v, lua, |k, v| {
            out.insert(k, v);
        })?;
        Ok(out)
    }
}

impl<K: IntoLua, V: IntoLua> IntoLua for BTreeMap<K, V> {
    fn into_lua(self, lua: &mut Ctx<'_>) -> Result<Value, Error> {
        let n = self.len();
        map_into_lua(lua, n, self.into_iter())
    }
}

impl<K: FromLua + Ord, V: FromLua> FromLua for BTreeMap<K, V> {
    fn from_lua(v: Value, lua: &mut Ctx<'_>) -> Result<BTreeMap<K, V>, Error> {
        let mut out = BTreeMap::new();
        map_from_lua(v, lua, |k, v| {
            out.insert(k, v);
        })?;
        Ok(out)
    }
}

// ----- rooted handles -----

macro_rules! handle_conversions {
    ($($name:ident: $expected:literal, ($pat:pat);)*) => {$(
        impl IntoLua for &$name {
            fn into_lua(self, lua: &mut Ctx<'_>) -> Result<Value, Error> {
                lua.deref(&self.0)
            }
        }

        impl IntoLua for $name {
            fn into_lua(self, lua: &mut Ctx<'_>) -> Result<Value, Error> {
                lua.deref(&self.0)
            }
        }

        impl FromLua for $name {
            fn from_lua(v: Value, lua: &mut Ctx<'_>) -> Result<$name, Error> {
                match v {
                    $pat => Ok($name(lua.root(v)?)),
                    _ => {
                        let g = got(lua, v);
                        Err(Error::conversion($expected, $expected, &g))
                    }
                }
            }
        }
    )*};
}

handle_conversions! {
    Table: "table", (Value::Table(_));
    Function: "function", (Value::LuaFn(_) | Value::Native(_));
    LuaString: "string", (Value::Str(_));
    AnyUserData: "userdata", (Value::Userdata(_));
    Thread: "thread", (Value::Thread(_));
}

impl IntoLua for &LuaValue {
    fn into_lua(self, lua: &mut Ctx<'_>) -> Result<Value, Error> {
        lua.raw_of(self)
    }
}

impl IntoLua for LuaValue {
    fn into_lua(self, lua: &mut Ctx<'_>) -> Result<Value, Error> {
        lua.raw_of(&self)
    }
}

impl FromLua for LuaValue {
    fn from_lua(v: Value, lua: &mut Ctx<'_>) -> Result<LuaValue, Error> {
        lua.root_value(v)
    }
}

// ----- value lists -----

impl<T: IntoLua> IntoLuaMulti for T {
    fn into_lua_multi(self, lua: &mut Ctx<'_>) -> Result<Vec<Value>, Error> {
        Ok(vec![self.into_lua(lua)?])
    }
}

impl<T: FromLua> FromLuaMulti for T {
    fn from_lua_multi(values: &[Value], lua: &mut Ctx<'_>) -> Result<T, Error> {
        value_at(values, 0, lua)
    }
}

/// Value `i` of a list converted, errors marked with the position (a missing value is nil,
/// reported as `no value`).
fn value_at<T: FromLua>(values: &[Value], i: usize, lua: &mut Ctx<'_>) -> Result<T, Error> {
    match values.get(i) {
        Some(v) => T::from_lua(*v, lua).map_err(|e| e.at_arg(i)),
        None => T::from_lua(Value::Nil, lua).map_err(|e| e.no_value().at_arg(i)),
    }
}

impl IntoLuaMulti for () {
    fn into_lua_multi(self, _: &mut Ctx<'_>) -> Result<Vec<Value>, Error> {
        Ok(Vec::new())
    }
}

impl FromLuaMulti for () {
    fn from_lua_multi(_: &[Value], _: &mut Ctx<'_>) -> Result<(), Error> {
        Ok(())
    }
}

impl<T: IntoLua> IntoLuaMulti for Variadic<T> {
    fn into_lua_multi(self, lua: &mut Ctx<'_>) -> Result<Vec<Value>, Error> {
        let mut out = Vec::with_capacity(self.0.len());
        for item in self.0 {
            out.push(item.into_lua(lua)?);
        }
        Ok(out)
    }
}

impl<T: FromLua> FromLuaMulti for Variadic<T> {
    fn from_lua_multi(values: &[Value], lua: &mut Ctx<'_>) -> Result<Variadic<T>, Error> {
        let mut out = Vec::with_capacity(values.len());
        for i in 0..values.len() {
            out.push(value_at(values, i, lua)?);
        }
        Ok(Variadic(out))
    }
}

macro_rules! tuples {
    ($($name:ident $idx:tt),* ; $last:ident $lidx:tt) => {
        impl<$($name: IntoLua,)* $last: IntoLuaMulti> IntoLuaMulti for ($($name,)* $last,) {
            #[allow(non_snake_case)]
            fn into_lua_multi(self, lua: &mut Ctx<'_>) -> Result<Vec<Value>, Error> {
                let ($($name,)* $last,) = self;
                let mut out = vec![$($name.into_lua(lua)?,)*];
                out.extend($last.into_lua_multi(lua)?);
                Ok(out)
            }
        }

        impl<$($name: FromLua,)* $last: FromLuaMulti> FromLuaMulti for ($($name,)* $last,) {
            fn from_lua_multi(values: &[Value], lua: &mut Ctx<'_>) -> Result<Self, Error> {
                Ok((
                    $(value_at::<$name>(values, $idx, lua)?,)*
                    $last::from_lua_multi(values.get($lidx..).unwrap_or(&[]), lua)
                        .map_err(|e| e.shift_arg($lidx))?,
                ))
            }
        }
    };
}

tuples!(; A 0);
tuples!(A 0; B 1);
tuples!(A 0, B 1; C 2);
tuples!(A 0, B 1, C 2; D 3);
tuples!(A 0, B 1, C 2, D 3; E 4);
tuples!(A 0, B 1, C 2, D 3, E 4; F 5);
tuples!(A 0, B 1, C 2, D 3, E 4, F 5; G 6);
tuples!(A 0, B 1, C 2, D 3, E 4, F 5, G 6; H 7);
