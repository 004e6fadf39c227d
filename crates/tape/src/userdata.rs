//! Userdata: Rust values that Lua scripts hold, with methods, metamethods and read-only
//! fields declared by the [`UserData`] trait.
//!
//! The payload lives in the VM's userdata object. A method takes it out for the length of the
//! call (`Vm::take_userdata_payload`) and puts it back, so the method has `&mut T` and the
//! whole API (`Ctx`) at once; if Lua code the method runs reaches the same userdata again,
//! the payload is out and that access fails with a clear error (the run-time borrow check).
//! Each type's metatable is built once per `Tape` and kept for its lifetime.

use crate::convert::{FromLuaMulti, IntoLua, IntoLuaMulti};
use crate::ctx::Ctx;
use crate::error::Error;
use crate::value::{AnyUserData, Function};
use std::any::Any;
use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::Arc;
use tape_vm::{TableRef, UdRef, Value};

/// A Rust type Lua scripts can hold: `lua.create_userdata(value)` (or any `IntoLua` use).
/// `register` declares its methods (`obj:name(...)`), metamethods (`__tostring`, `__add`,
/// `__eq`, ...) and fields (`obj.name`).
pub trait UserData: Send + Sized + 'static {
    fn register(registry: &mut UserDataRegistry<Self>) {
        let _ = registry;
    }
}

type RawMethod =
    Arc<dyn Fn(&mut Ctx<'_>, &[Value]) -> Result<Vec<Value>, (Error, bool)> + Send + Sync>;
type RawGetter = Arc<dyn Fn(&mut Ctx<'_>, &[Value]) -> Result<Value, (Error, bool)> + Send + Sync>;

/// Collects what [`UserData::register`] declares.
pub struct UserDataRegistry<T> {
    methods: Vec<(String, RawMethod)>,
    meta: Vec<(String, RawMethod)>,
    fields: Vec<(String, RawGetter)>,
    _type: PhantomData<fn() -> T>,
}

/// The short name of `T` (`Counter` for `my_crate::Counter`), the userdata's `__name`.
fn short_name<T>() -> &'static str {
    let full = std::any::type_name::<T>();
    let head = full.split('<').next().unwrap_or(full);
    head.rsplit("::").next().unwrap_or(head)
}

/// Runs `f` with the payload of the userdata in `vals[0]`, taken out for the call.
fn with_self<T: 'static, R>(
    ctx: &mut Ctx<'_>,
    vals: &[Value],
    f: impl FnOnce(&mut Ctx<'_>, &mut T, &[Value]) -> Result<R, (Error, bool)>,
) -> Result<R, (Error, bool)> {
    let name = short_name::<T>();
    let u = match vals.first() {
        Some(Value::Userdata(u)) => *u,
        other => {
            let v = other.copied().unwrap_or(Value::Nil);
            let got = ctx.vm.obj_type_name(v);
            return Err((Error::conversion(name, name, &got).at_arg(0), true));
        }
    };
    let Some(mut payload) = ctx.vm.take_userdata_payload(u) else {
        return Err((borrowed_error(name), false));
    };
    let r = match payload.downcast_mut::<T>() {
        Some(this) => f(ctx, this, vals.get(1..).unwrap_or(&[])),
        None => {
            let got = ctx.vm.obj_type_name(Value::Userdata(u));
            Err((Error::conversion(name, name, &got).at_arg(0), true))
        }
    };
    ctx.vm.put_userdata_payload(u, payload);
    r
}

fn borrowed_error(name: &str) -> Error {
    Error::runtime(format!(
        "userdata {name} is in use by one of its methods (borrowed)"
    ))
}

impl<T: 'static> UserDataRegistry<T> {
    fn new() -> UserDataRegistry<T> {
        UserDataRegistry {
            methods: Vec::new(),
            meta: Vec::new(),
            fields: Vec::new(),
            _type: PhantomData,
        }
    }

    fn method<A, R, F>(f: F) -> RawMethod
    where
        A: FromLuaMulti,
        R: IntoLuaMulti,
        F: Fn(&mut Ctx<'_>, &mut T, A) -> Result<R, Error> + Send + Sync + 'static,
    {
        Arc::new(move |ctx: &mut Ctx<'_>, vals: &[Value]| {
            with_self::<T, Vec<Value>>(ctx, vals, |ctx, this, rest| {
                let a = A::from_lua_multi(rest, ctx).map_err(|e| (e.shift_arg(1), true))?;
                let r = f(ctx, this, a).map_err(|e| (e, false))?;
                r.into_lua_multi(ctx).map_err(|e| (e, false))
            })
        })
    }

    /// A method (`obj:name(args)`) with shared access to the value.
    pub fn add_method<A, R, F>(&mut self, name: &str, f: F)
    where
        A: FromLuaMulti,
        R: IntoLuaMulti,
        F: Fn(&mut Ctx<'_>, &T, A) -> Result<R, Error> + Send + Sync + 'static,
    {
        let m = Self::method(move |ctx: &mut Ctx<'_>, this: &mut T, a: A| f(ctx, this, a));
        self.methods.push((name.to_string(), m));
    }

    /// A method (`obj:name(args)`) that may change the value.
    pub fn add_method_mut<A, R, F>(&mut self, name: &str, f: F)
    where
        A: FromLuaMulti,
        R: IntoLuaMulti,
        F: Fn(&mut Ctx<'_>, &mut T, A) -> Result<R, Error> + Send + Sync + 'static,
    {
        self.methods.push((name.to_string(), Self::method(f)));
    }

    /// A metamethod (`__tostring`, `__add`, `__eq`, `__len`, `__call`, ...); the value is
    /// its first operand.
    pub fn add_meta_method<A, R, F>(&mut self, name: &str, f: F)
    where
        A: FromLuaMulti,
        R: IntoLuaMulti,
        F: Fn(&mut Ctx<'_>, &T, A) -> Result<R, Error> + Send + Sync + 'static,
    {
        let m = Self::method(move |ctx: &mut Ctx<'_>, this: &mut T, a: A| f(ctx, this, a));
        self.meta.push((name.to_string(), m));
    }

    /// A read-only field (`obj.name`), computed from the value.
    pub fn add_field<R, F>(&mut self, name: &str, f: F)
    where
        R: IntoLua,
        F: Fn(&mut Ctx<'_>, &T) -> Result<R, Error> + Send + Sync + 'static,
    {
        let g: RawGetter = Arc::new(move |ctx: &mut Ctx<'_>, vals: &[Value]| {
            with_self::<T, Value>(ctx, vals, |ctx, this, _| {
                let r = f(ctx, this).map_err(|e| (e, false))?;
                r.into_lua(ctx).map_err(|e| (e, false))
            })
        });
        self.fields.push((name.to_string(), g));
    }
}

/// The Lua error object of an `Error::external`: its `tostring` is the message.
pub(crate) struct WrappedError(pub(crate) crate::error::External);

impl UserData for WrappedError {
    fn register(r: &mut UserDataRegistry<Self>) {
        r.add_meta_method("__tostring", |_, e, ()| Ok(e.0.to_string()));
    }
}

impl Ctx<'_> {
    /// The metatable of userdata of type `T`, built on first use.
    fn userdata_metatable<T: UserData>(&mut self) -> Result<TableRef, Error> {
        let id = std::any::TypeId::of::<T>();
        if let Some(Value::Table(t)) = self.shared.cached_object(self.vm, id) {
            return Ok(t);
        }
        let mut reg = UserDataRegistry::<T>::new();
        T::register(&mut reg);
        let mt = self.create_table()?;
        let methods = self.create_table()?;
        for (name, m) in reg.methods {
            let f = self.create_raw_function(move |ctx, vals| m(ctx, vals))?;
            methods.raw_set(self, name.as_str(), f)?;
        }
        for (name, m) in reg.meta {
            let f = self.create_raw_function(move |ctx, vals| m(ctx, vals))?;
            mt.raw_set(self, name.as_str(), f)?;
        }
        mt.raw_set(self, "__name", short_name::<T>())?;
        if reg.fields.is_empty() {
            mt.raw_set(self, "__index", &methods)?;
        } else {
            let fields: HashMap<Vec<u8>, RawGetter> = reg
                .fields
                .into_iter()
                .map(|(k, g)| (k.into_bytes(), g))
                .collect();
            let index: Function = self.create_raw_function(move |ctx, vals| {
                let key = vals.get(1).copied().unwrap_or(Value::Nil);
                if let Value::Str(s) = key {
                    let getter = fields.get(ctx.vm.str_bytes(s)).cloned();
                    if let Some(g) = getter {
                        return Ok(vec![g(ctx, vals)?]);
                    }
                }
                let m = ctx.deref(&methods.0).map_err(|e| (e, false))?;
                Ok(vec![ctx.vm.raw_get(m, key)])
            })?;
            mt.raw_set(self, "__index", &index)?;
        }
        let raw = self.deref(&mt.0)?;
        self.shared.cache_object(self.vm, id, raw);
        match raw {
            Value::Table(t) => Ok(t),
            _ => Err(Error::handle("not a table")),
        }
    }

    /// A new userdata holding `value`, with the methods `T` registers.
    pub fn create_userdata<T: UserData>(&mut self, value: T) -> Result<AnyUserData, Error> {
        let v = value.into_lua(self)?;
        Ok(AnyUserData(self.root(v)?))
    }
}

impl<T: UserData> IntoLua for T {
    fn into_lua(self, lua: &mut Ctx<'_>) -> Result<Value, Error> {
        let mt = lua.userdata_metatable::<T>()?;
        lua.vm
            .new_userdata(Box::new(self), Some(mt))
            .map_err(|e| lua.runtime_error(e))
    }
}

impl AnyUserData {
    fn ud_ref(&self, lua: &Ctx<'_>) -> Result<UdRef, Error> {
        match lua.deref(&self.0)? {
            Value::Userdata(u) => Ok(u),
            _ => Err(Error::handle("not a userdata")),
        }
    }

    /// Whether the userdata holds a `T` (false while one of its methods runs).
    pub fn is<T: Any>(&self, lua: &mut impl crate::Host) -> bool {
        let lua = lua.ctx();
        match self.ud_ref(&lua) {
            Ok(u) => lua.vm.userdata(u).is_some_and(|d| d.is::<T>()),
            Err(_) => false,
        }
    }

    /// Runs `f` with the value, mutably if wanted: `ud.borrow_mut(&mut lua, |c: &mut
    /// Counter| c.n += 1)`. Fails if the userdata holds another type, or while one of its
    /// methods runs.
    pub fn borrow_mut<T: Any, R>(
        &self,
        lua: &mut impl crate::Host,
        f: impl FnOnce(&mut T) -> R,
    ) -> Result<R, Error> {
        let lua = lua.ctx();
        let u = self.ud_ref(&lua)?;
        let v = Value::Userdata(u);
        let name = short_name::<T>();
        if lua.vm.userdata(u).is_none() {
            return Err(borrowed_error(name));
        }
        match lua.vm.userdata_ref_mut::<T>(v) {
            Some(t) => Ok(f(t)),
            None => {
                let got = lua.vm.obj_type_name(v);
                Err(Error::conversion(name, name, &got))
            }
        }
    }

    /// Runs `f` with shared access to the value; see `borrow_mut`.
    pub fn borrow<T: Any, R>(
        &self,
        lua: &mut impl crate::Host,
        f: impl FnOnce(&T) -> R,
    ) -> Result<R, Error> {
        self.borrow_mut(lua, |t: &mut T| f(t))
    }
}
