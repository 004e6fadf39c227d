//! Reading and writing rooted tables and strings, calling rooted functions.
//!
//! Every method takes the `Tape` (or a Rust function's `Ctx`) the handle belongs to; with
//! another one it fails with `ErrorKind::Handle`.

use crate::convert::{FromLua, FromLuaMulti, IntoLua, IntoLuaMulti};
use crate::ctx::{Ctx, Host};
use crate::error::Error;
use crate::value::{Function, LuaString, Table};
use std::marker::PhantomData;
use tape_vm::{TableRef, Value};

impl Table {
    fn table_ref(&self, lua: &Ctx<'_>) -> Result<TableRef, Error> {
        match lua.deref(&self.0)? {
            Value::Table(t) => Ok(t),
            _ => Err(Error::handle("not a table")),
        }
    }

    /// `t[key]`, with `__index`.
    pub fn get<V: FromLua>(&self, lua: &mut impl Host, key: impl IntoLua) -> Result<V, Error> {
        let mut lua = lua.ctx();
        let t = lua.deref(&self.0)?;
        let k = key.into_lua(&mut lua)?;
        let v = lua.vm.index(t, k).map_err(|e| lua.runtime_error(e))?;
        V::from_lua(v, &mut lua)
    }

    /// `t[key] = value`, with `__newindex`.
    pub fn set(
        &self,
        lua: &mut impl Host,
        key: impl IntoLua,
        value: impl IntoLua,
    ) -> Result<(), Error> {
        let mut lua = lua.ctx();
        let t = lua.deref(&self.0)?;
        let k = key.into_lua(&mut lua)?;
        let v = value.into_lua(&mut lua)?;
        lua.vm.set_index(t, k, v).map_err(|e| lua.runtime_error(e))
    }

    /// `rawget(t, key)`.
    pub fn raw_get<V: FromLua>(&self, lua: &mut impl Host, key: impl IntoLua) -> Result<V, Error> {
        let mut lua = lua.ctx();
        let t = lua.deref(&self.0)?;
        let k = key.into_lua(&mut lua)?;
        let v = lua.vm.raw_get(t, k);
        V::from_lua(v, &mut lua)
    }

    /// `rawset(t, key, value)`; a nil or NaN key is an error.
    pub fn raw_set(
        &self,
        lua: &mut impl Host,
        key: impl IntoLua,
        value: impl IntoLua,
    ) -> Result<(), Error> {
        let mut lua = lua.ctx();
        let t = lua.deref(&self.0)?;
        let k = key.into_lua(&mut lua)?;
        let v = value.into_lua(&mut lua)?;
        lua.vm.raw_set(t, k, v).map_err(|e| lua.runtime_error(e))
    }

    /// `#t`, with `__len` (whose result must be an integer).
    pub fn len(&self, lua: &mut impl Host) -> Result<i64, Error> {
        let mut lua = lua.ctx();
        let t = lua.deref(&self.0)?;
        let n = lua.vm.len(t).map_err(|e| lua.runtime_error(e))?;
        i64::from_lua(n, &mut lua)
    }

    /// `rawlen(t)`.
    pub fn raw_len(&self, lua: &mut impl Host) -> Result<i64, Error> {
        let lua = lua.ctx();
        let t = self.table_ref(&lua)?;
        Ok(lua.vm.raw_len_table(t))
    }

    /// Sets (or removes) the metatable, as `setmetatable` without the `__metatable` check.
    pub fn set_metatable(&self, lua: &mut impl Host, mt: Option<&Table>) -> Result<(), Error> {
        let mut lua = lua.ctx();
        let t = self.table_ref(&lua)?;
        let mt = match mt {
            Some(m) => Some(m.table_ref(&lua)?),
            None => None,
        };
        lua.vm().set_metatable(t, mt);
        Ok(())
    }

    /// The metatable, if any.
    pub fn metatable(&self, lua: &mut impl Host) -> Result<Option<Table>, Error> {
        let mut lua = lua.ctx();
        let t = self.table_ref(&lua)?;
        match lua.vm.metatable(Value::Table(t)) {
            Some(m) => Ok(Some(Table(lua.root(Value::Table(m))?))),
            None => Ok(None),
        }
    }

    /// Every pair, raw (as `next`), converted to `K` and `V`; a pair that does not convert
    /// is an `Err` item, which ends the iteration. The table must not be changed meanwhile
    /// (the iterator borrows the host).
    pub fn pairs<'a, K: FromLua, V: FromLua>(&'a self, lua: &'a mut impl Host) -> Pairs<'a, K, V> {
        let lua = lua.ctx();
        let start = self.table_ref(&lua);
        let (table, pending) = match start {
            Ok(t) => (Some(t), None),
            Err(e) => (None, Some(e)),
        };
        Pairs {
            lua,
            table,
            key: Value::Nil,
            pending,
            _types: PhantomData,
        }
    }

    /// The values at keys 1, 2, ... up to the first nil, raw, converted to `V`.
    pub fn sequence_values<'a, V: FromLua>(
        &'a self,
        lua: &'a mut impl Host,
    ) -> SequenceValues<'a, V> {
        let lua = lua.ctx();
        let start = self.table_ref(&lua);
        let (table, pending) = match start {
            Ok(t) => (Some(t), None),
            Err(e) => (None, Some(e)),
        };
        SequenceValues {
            lua,
            table,
            index: 1,
            pending,
            _types: PhantomData,
        }
    }
}

/// The iterator of `Table::pairs`.
pub struct Pairs<'a, K, V> {
    lua: Ctx<'a>,
    table: Option<TableRef>,
    key: Value,
    pending: Option<Error>,
    _types: PhantomData<fn() -> (K, V)>,
}

impl<K: FromLua, V: FromLua> Iterator for Pairs<'_, K, V> {
    type Item = Result<(K, V), Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(e) = self.pending.take() {
            return Some(Err(e));
        }
        let t = self.table?;
        let step = match self.lua.vm.next(t, self.key) {
            Ok(s) => s,
            Err(e) => {
                self.table = None;
                return Some(Err(self.lua.runtime_error(e)));
            }
        };
        let Some((k, v)) = step else {
            self.table = None;
            return None;
        };
        self.key = k;
        let pair =
            K::from_lua(k, &mut self.lua).and_then(|k| Ok((k, V::from_lua(v, &mut self.lua)?)));
        if pair.is_err() {
            self.table = None;
        }
        Some(pair)
    }
}

/// The iterator of `Table::sequence_values`.
pub struct SequenceValues<'a, V> {
    lua: Ctx<'a>,
    table: Option<TableRef>,
    index: i64,
    pending: Option<Error>,
    _types: PhantomData<fn() -> V>,
}

impl<V: FromLua> Iterator for SequenceValues<'_, V> {
    type Item = Result<V, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(e) = self.pending.take() {
            return Some(Err(e));
        }
        let t = self.table?;
        let v = self.lua.vm.raw_get_int(t, self.index);
        if v.is_nil() {
            self.table = None;
            return None;
        }
        self.index = self.index.saturating_add(1);
        let item = V::from_lua(v, &mut self.lua);
        if item.is_err() {
            self.table = None;
        }
        Some(item)
    }
}

impl Function {
    /// Calls the function with `args` and converts its results:
    /// `f.call::<(i64, String)>(&mut lua, (1, "a"))`.
    pub fn call<R: FromLuaMulti>(
        &self,
        lua: &mut impl Host,
        args: impl IntoLuaMulti,
    ) -> Result<R, Error> {
        let mut lua = lua.ctx();
        let f = lua.deref(&self.0)?;
        let args = args.into_lua_multi(&mut lua)?;
        let out = lua.vm.call(f, &args).map_err(|e| lua.runtime_error(e))?;
        R::from_lua_multi(&out, &mut lua)
    }
}

impl LuaString {
    /// The string's bytes.
    pub fn to_bytes(&self, lua: &mut impl Host) -> Result<Vec<u8>, Error> {
        let lua = lua.ctx();
        match lua.deref(&self.0)? {
            Value::Str(s) => Ok(lua.vm.str_bytes(s).to_vec()),
            _ => Err(Error::handle("not a string")),
        }
    }

    /// The string as UTF-8 text (an error if it is not valid UTF-8).
    pub fn to_str(&self, lua: &mut impl Host) -> Result<String, Error> {
        String::from_utf8(self.to_bytes(lua)?)
            .map_err(|_| Error::conversion_message("string is not valid UTF-8"))
    }
}
