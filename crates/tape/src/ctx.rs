//! `Ctx`: the embedding API over a borrowed VM. A `Tape` lends one for each call
//! (`Host::ctx`), and a Rust function called from Lua receives one, so the same methods
//! (globals, tables, strings, functions, chunks, conversions) work in both places.
//!
//! `Shared` is what a `Tape` and all its handles have in common: the `Tape`'s unique id and
//! the root slots waiting to be released (handles push their slot when dropped; the next
//! `Ctx` clears them in the VM and reuses them).

use crate::convert::{FromLua, FromLuaMulti, IntoLua, IntoLuaMulti};
use crate::error::{Error, ErrorKind};
use crate::value::{same_object, AnyUserData, Function, LuaString, LuaValue, Ref, RootKey};
use crate::value::{Table, Thread};
use std::any::TypeId;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, TryLockError};
use tape_vm::{Args, BoxedNative, Value, Vm};

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// Root slots of one `Tape`: dropped handles' slots waiting to be cleared, and cleared slots
/// ready for reuse.
#[derive(Default)]
struct Slots {
    released: Vec<(usize, Value)>,
    free: Vec<usize>,
}

/// State a `Tape` shares with its handles and its Rust functions.
pub(crate) struct Shared {
    id: u64,
    slots: Mutex<Slots>,
    /// Some slot was released since the last `Ctx` looked.
    dirty: AtomicBool,
    /// Objects the API makes once per `Tape` (userdata metatables by Rust type, the
    /// `coroutine.resume` builtin): the root slot (never released) and the object.
    objects: Mutex<HashMap<TypeId, (usize, Value)>>,
    /// The running `call_async` and the future an async function has just made.
    #[cfg(feature = "async")]
    pub(crate) async_state: Mutex<crate::async_call::AsyncState>,
}

impl Shared {
    pub(crate) fn new() -> Arc<Shared> {
        Arc::new(Shared {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            slots: Mutex::new(Slots::default()),
            dirty: AtomicBool::new(false),
            objects: Mutex::new(HashMap::new()),
            #[cfg(feature = "async")]
            async_state: Mutex::new(Default::default()),
        })
    }

    /// The object cached under `id`, if its root still holds it.
    pub(crate) fn cached_object(&self, vm: &Vm, id: TypeId) -> Option<Value> {
        let cache = self.objects.lock().unwrap_or_else(PoisonError::into_inner);
        let (slot, v) = *cache.get(&id)?;
        match vm.host_root(slot) {
            Some(r) if same_object(r, v) => Some(v),
            _ => None,
        }
    }

    /// Roots `obj` for the VM's lifetime and caches it under `id`.
    pub(crate) fn cache_object(&self, vm: &mut Vm, id: TypeId, obj: Value) {
        if let Ok(slot) = vm.root_host_value(None, obj) {
            let mut cache = self.objects.lock().unwrap_or_else(PoisonError::into_inner);
            cache.insert(id, (slot, obj));
        }
    }

    pub(crate) fn release(&self, slot: usize, value: Value) {
        let mut s = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        s.released.push((slot, value));
        self.dirty.store(true, Ordering::Release);
    }
}

/// Anything that can lend a [`Ctx`]: a [`Tape`](crate::Tape), or the `Ctx` a Rust function
/// receives. Handle methods take `&mut impl Host`.
pub trait Host {
    fn ctx(&mut self) -> Ctx<'_>;
}

/// The API over a borrowed VM: what a Rust function made by `create_function` receives, and
/// what a [`Tape`](crate::Tape) lends to handle methods (`Host::ctx`). It has the same
/// methods as `Tape` for globals, tables, strings, functions, userdata, coroutines and chunks.
pub struct Ctx<'a> {
    pub(crate) vm: &'a mut Vm,
    pub(crate) shared: &'a Arc<Shared>,
}

impl Host for Ctx<'_> {
    fn ctx(&mut self) -> Ctx<'_> {
        Ctx::new(self.vm, self.shared)
    }
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(vm: &'a mut Vm, shared: &'a Arc<Shared>) -> Ctx<'a> {
        let mut ctx = Ctx { vm, shared };
        ctx.release_pending();
        ctx
    }

    /// Clears the root slots of dropped handles.
    fn release_pending(&mut self) {
        if !self.shared.dirty.swap(false, Ordering::Acquire) {
            return;
        }
        let mut s = self
            .shared
            .slots
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let Slots { released, free } = &mut *s;
        for (slot, value) in released.drain(..) {
            // A slot that no longer holds the handle's value was cleared by the host
            // (`Vm::unpin_all`) and may hold someone else's pin now: leave it alone.
            if matches!(self.vm.host_root(slot), Some(v) if same_object(v, value)) {
                self.vm.unroot_host_value(slot);
                free.push(slot);
            }
        }
    }

    /// Roots a raw value of this VM.
    pub(crate) fn root(&mut self, v: Value) -> Result<Ref, Error> {
        let reuse = {
            let mut s = self
                .shared
                .slots
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            s.free.pop()
        };
        let slot = match self.vm.root_host_value(reuse, v) {
            Ok(s) => s,
            Err(e) => return Err(self.vm_error_plain(e)),
        };
        Ok(Ref {
            value: v,
            key: Arc::new(RootKey {
                slot,
                value: v,
                shared: Arc::clone(self.shared),
            }),
        })
    }

    /// The raw value of a handle, if it belongs to this VM and is still rooted.
    pub(crate) fn deref(&self, r: &Ref) -> Result<Value, Error> {
        if r.key.shared.id != self.shared.id {
            return Err(Error::handle(
                "a handle of one Tape was used with another Tape",
            ));
        }
        match self.vm.host_root(r.key.slot) {
            Some(v) if same_object(v, r.value) => Ok(v),
            _ => Err(Error::handle(
                "a handle's root was cleared (Vm::unpin_all was called)",
            )),
        }
    }

    /// A raw value of this VM as a `LuaValue` (objects rooted).
    pub(crate) fn root_value(&mut self, v: Value) -> Result<LuaValue, Error> {
        Ok(match v {
            Value::Nil => LuaValue::Nil,
            Value::Bool(b) => LuaValue::Boolean(b),
            Value::Int(i) => LuaValue::Integer(i),
            Value::Float(f) => LuaValue::Number(f),
            Value::LightUserdata(p) => LuaValue::LightUserData(p),
            Value::Str(_) => LuaValue::String(LuaString(self.root(v)?)),
            Value::Table(_) => LuaValue::Table(Table(self.root(v)?)),
            Value::LuaFn(_) | Value::Native(_) => LuaValue::Function(Function(self.root(v)?)),
            Value::Userdata(_) => LuaValue::UserData(AnyUserData(self.root(v)?)),
            Value::Thread(_) => LuaValue::Thread(Thread(self.root(v)?)),
        })
    }

    /// The raw value behind a `LuaValue` (checking its handle).
    pub(crate) fn raw_of(&self, v: &LuaValue) -> Result<Value, Error> {
        Ok(match v {
            LuaValue::Nil => Value::Nil,
            LuaValue::Boolean(b) => Value::Bool(*b),
            LuaValue::Integer(i) => Value::Int(*i),
            LuaValue::Number(f) => Value::Float(*f),
            LuaValue::LightUserData(p) => Value::LightUserdata(*p),
            LuaValue::String(LuaString(r))
            | LuaValue::Table(Table(r))
            | LuaValue::Function(Function(r))
            | LuaValue::UserData(AnyUserData(r))
            | LuaValue::Thread(Thread(r)) => self.deref(r)?,
        })
    }

    /// The VM, for everything this API does not wrap.
    pub fn vm(&mut self) -> &mut Vm {
        self.vm
    }

    /// The globals table (`_G`).
    pub fn globals(&mut self) -> Result<Table, Error> {
        let g = self.vm.globals();
        Ok(Table(self.root(Value::Table(g))?))
    }

    /// Reads a global (raw), converted to `V`.
    pub fn get_global<V: FromLua>(&mut self, name: &str) -> Result<V, Error> {
        let v = self
            .vm
            .get_global(name)
            .map_err(|e| self.runtime_error(e))?;
        V::from_lua(v, self)
    }

    /// Sets a global (raw).
    pub fn set_global(&mut self, name: &str, value: impl IntoLua) -> Result<(), Error> {
        let v = value.into_lua(self)?;
        self.vm
            .set_global(name, v)
            .map_err(|e| self.runtime_error(e))
    }

    /// A new empty table.
    pub fn create_table(&mut self) -> Result<Table, Error> {
        let t = self.vm.new_table().map_err(|e| self.runtime_error(e))?;
        Ok(Table(self.root(Value::Table(t))?))
    }

    /// A new table holding the pairs of `iter`.
    pub fn create_table_from<K: IntoLua, V: IntoLua>(
        &mut self,
        iter: impl IntoIterator<Item = (K, V)>,
    ) -> Result<Table, Error> {
        let t = self.vm.new_table().map_err(|e| self.runtime_error(e))?;
        let t = Table(self.root(Value::Table(t))?);
        for (k, v) in iter {
            t.raw_set(self, k, v)?;
        }
        Ok(t)
    }

    /// A new table holding the values of `iter` at keys 1, 2, ...
    pub fn create_sequence_from<V: IntoLua>(
        &mut self,
        iter: impl IntoIterator<Item = V>,
    ) -> Result<Table, Error> {
        let t = self.vm.new_table().map_err(|e| self.runtime_error(e))?;
        let t = Table(self.root(Value::Table(t))?);
        for (i, v) in iter.into_iter().enumerate() {
            t.raw_set(self, i as i64 + 1, v)?;
        }
        Ok(t)
    }

    /// A new Lua string with these bytes.
    pub fn create_string(&mut self, bytes: impl AsRef<[u8]>) -> Result<LuaString, Error> {
        let v = self
            .vm
            .str_value(bytes.as_ref())
            .map_err(|e| self.runtime_error(e))?;
        Ok(LuaString(self.root(v)?))
    }

    /// Converts a Rust value to a `LuaValue`.
    pub fn pack(&mut self, value: impl IntoLua) -> Result<LuaValue, Error> {
        let v = value.into_lua(self)?;
        self.root_value(v)
    }

    /// Converts a `LuaValue` to a Rust value.
    pub fn unpack<T: FromLua>(&mut self, value: &LuaValue) -> Result<T, Error> {
        let v = self.raw_of(value)?;
        T::from_lua(v, self)
    }

    /// Makes a Lua function of a Rust closure with typed arguments and results:
    /// `lua.create_function(|lua, (a, b): (i64, String)| Ok(format!("{b}{a}")))`.
    ///
    /// The arguments convert with [`FromLuaMulti`]; a value that does not fit fails the call
    /// as PUC's checks do (`bad argument #1 to 'f' (number expected, got string)`). An `Err`
    /// the closure returns becomes a Lua error: a Lua error value passes through unchanged,
    /// and an error made in Rust (`Error::runtime("msg")`) raises its message with the
    /// caller's position, as `luaL_error` does. The closure may keep state (`FnMut`); a call
    /// that reaches the same closure again while it runs (through Lua) fails with an error
    /// (see [`Ctx::create_reentrant_function`] for closures that can be re-entered).
    pub fn create_function<A, R, F>(&mut self, f: F) -> Result<Function, Error>
    where
        A: FromLuaMulti,
        R: IntoLuaMulti,
        F: FnMut(&mut Ctx<'_>, A) -> Result<R, Error> + Send + 'static,
    {
        let cell = Mutex::new(f);
        self.create_reentrant_function(move |lua, args: A| {
            let mut f = match cell.try_lock() {
                Ok(g) => g,
                Err(TryLockError::Poisoned(p)) => p.into_inner(),
                Err(TryLockError::WouldBlock) => {
                    return Err(Error::runtime(
                        "a Rust function was called again while it was running",
                    ))
                }
            };
            (*f)(lua, args)
        })
    }

    /// As [`Ctx::create_function`], for a closure that needs no exclusive state (`Fn`) and
    /// so may be called again while it runs (a Rust function that calls Lua that calls it).
    pub fn create_reentrant_function<A, R, F>(&mut self, f: F) -> Result<Function, Error>
    where
        A: FromLuaMulti,
        R: IntoLuaMulti,
        F: Fn(&mut Ctx<'_>, A) -> Result<R, Error> + Send + Sync + 'static,
    {
        self.create_raw_function(move |ctx, vals| {
            let a = A::from_lua_multi(vals, ctx).map_err(|e| (e, true))?;
            let r = f(ctx, a).map_err(|e| (e, false))?;
            r.into_lua_multi(ctx).map_err(|e| (e, false))
        })
    }

    /// A Lua function running `f` on its arguments. An `Err((e, true))` is an argument
    /// error (reported as `bad argument #i` when `e` is a conversion error about value `i`),
    /// `Err((e, false))` any other error.
    pub(crate) fn create_raw_function<F>(&mut self, f: F) -> Result<Function, Error>
    where
        F: Fn(&mut Ctx<'_>, &[Value]) -> Result<Vec<Value>, (Error, bool)> + Send + Sync + 'static,
    {
        let shared = Arc::clone(self.shared);
        let native: BoxedNative = Arc::new(move |vm: &mut Vm, args: Args| {
            // The arguments stay in their stack slots (rooted) while the closure runs.
            let vals: Vec<Value> = (0..args.len()).map(|i| vm.arg(args, i)).collect();
            let out = {
                let mut ctx = Ctx::new(vm, &shared);
                match f(&mut ctx, &vals) {
                    Ok(out) => out,
                    Err((e, arguments)) => return Err(ctx.vm_error_for(e, arguments)),
                }
            };
            // A Rust function may take long (it may block): its return is a place where the
            // interrupt and the deadline are looked at, so a script looping over a slow host
            // call stops within one call of the limit.
            vm.poll_limits()?;
            for v in &out {
                vm.push(*v)?;
            }
            Ok(out.len())
        });
        let v = self
            .vm
            .new_boxed_native("?", native)
            .map_err(|e| self.runtime_error(e))?;
        Ok(Function(self.root(v)?))
    }

    /// A chunk of Lua source (or a binary chunk) to run: `lua.chunk("return 1 + 1").eval()`.
    pub fn chunk(&mut self, source: impl AsRef<[u8]>) -> crate::chunk::Chunk<'_> {
        crate::chunk::Chunk::new(Ctx::new(self.vm, self.shared), source.as_ref().to_vec())
    }

    /// Turns an `Error` a Rust function returned into the VM error Lua sees.
    pub(crate) fn vm_error_for(&mut self, e: Error, arguments: bool) -> tape_vm::Error {
        if arguments {
            if let Some((i, detail)) = e.arg_info() {
                return self.vm.arg_error(i, detail);
            }
        }
        match self.error_value(&e) {
            Some(v) => tape_vm::Error::from_value(v),
            None => self.vm.error(e.message()),
        }
    }

    /// The Lua value an error raises as is: its own Lua value, or the Rust error inside it
    /// wrapped as userdata; `None` when it is only a message (raised with a position).
    pub(crate) fn error_value(&mut self, e: &Error) -> Option<Value> {
        if let Some(v) = e.value() {
            if let Ok(raw) = self.raw_of(v) {
                return Some(raw);
            }
        }
        let x = e.external_source()?;
        crate::userdata::WrappedError(Arc::clone(x))
            .into_lua(self)
            .ok()
    }

    /// A VM error from an allocation (no Lua code involved): its message from the value.
    fn vm_error_plain(&mut self, e: tape_vm::Error) -> Error {
        let message = match e.message() {
            "" => self.vm.error_text(e.value()),
            m => m.to_string(),
        };
        let kind = if message == "not enough memory" {
            ErrorKind::Memory
        } else {
            ErrorKind::Runtime
        };
        Error::new(kind, message, None)
    }

    /// Which limit or failure a VM error is.
    fn classify(&self, e: &tape_vm::Error, message: &str) -> ErrorKind {
        if let Some(reason) = self.vm.limit_reason() {
            if message.ends_with(reason) {
                return match reason {
                    tape_vm::FUEL_EXHAUSTED => ErrorKind::Fuel,
                    tape_vm::TIME_LIMIT => ErrorKind::Deadline,
                    _ => ErrorKind::Interrupted,
                };
            }
        }
        match e.value() {
            Value::Str(s) if self.vm.str_bytes(s) == b"not enough memory" => ErrorKind::Memory,
            _ => ErrorKind::Runtime,
        }
    }

    /// The text of a string value (lossily as UTF-8); empty for anything else.
    fn string_of(&self, v: Value) -> String {
        match v {
            Value::Str(s) => String::from_utf8_lossy(self.vm.str_bytes(s)).into_owned(),
            _ => String::new(),
        }
    }

    /// Whether `v`'s metatable has field `name`.
    fn has_metafield(&mut self, v: Value, name: &str) -> bool {
        let Some(mt) = self.vm.metatable(v) else {
            return false;
        };
        match self.vm.str_value(name.as_bytes()) {
            Ok(key) => !self.vm.raw_get(Value::Table(mt), key).is_nil(),
            Err(_) => false,
        }
    }

    /// Converts a VM error into the public one: the message and traceback `lua.c` would
    /// print (strings and numbers as they are; an object with `__tostring` by it, with no
    /// traceback; anything else as `(error object is a X value)`), its kind, and the error
    /// value, rooted.
    pub(crate) fn runtime_error(&mut self, e: tape_vm::Error) -> Error {
        if e.is_paused() {
            return Error::new(ErrorKind::Paused, e.message().to_string(), None);
        }
        let raw_message = match e.message() {
            "" => self.vm.error_text(e.value()),
            m => m.to_string(),
        };
        let kind = self.classify(&e, &raw_message);
        let value = self.root_value(e.value()).ok();
        let external = self
            .vm
            .userdata_ref::<crate::userdata::WrappedError>(e.value())
            .map(|w| Arc::clone(&w.0));
        let (message, traceback) = self.message_and_traceback(&e, raw_message);
        Error::new(kind, message, traceback)
            .with_value(value)
            .with_external(external)
    }

    fn message_and_traceback(
        &mut self,
        e: &tape_vm::Error,
        raw_message: String,
    ) -> (String, Option<String>) {
        let v = e.value();
        let plain = matches!(v, Value::Str(_) | Value::Int(_) | Value::Float(_));
        if !plain && self.has_metafield(v, "__tostring") {
            // As `lua.c`'s message handler: the metamethod's result is the message only if it
            // is a string; an error in it is handled in turn, its traceback above the first.
            let tm = self
                .vm
                .metatable(v)
                .and_then(|mt| {
                    let key = self.vm.str_value(b"__tostring").ok()?;
                    Some(self.vm.raw_get(Value::Table(mt), key))
                })
                .unwrap_or(Value::Nil);
            match self.vm.call(tm, &[v]) {
                Ok(r) => {
                    if let Some(s @ Value::Str(_)) = r.first().copied() {
                        return (self.string_of(s), None);
                    }
                }
                Err(e2)
                    if matches!(e2.value(), Value::Str(_) | Value::Int(_) | Value::Float(_)) =>
                {
                    let inner = e2.traceback();
                    let outer = e.traceback();
                    let tb = match (inner.is_empty(), outer.strip_prefix("stack traceback:")) {
                        (false, Some(rest)) => {
                            let inner = inner.strip_suffix("\n\t[C]: in ?").unwrap_or(inner);
                            Some(format!("{inner}\n\t[C]: in ?{rest}"))
                        }
                        (false, None) => Some(inner.to_string()),
                        (true, _) => None,
                    };
                    let m = match e2.message() {
                        "" => self.vm.error_text(e2.value()),
                        m => m.to_string(),
                    };
                    return (m, tb);
                }
                Err(_) => {}
            }
        }
        let tb = e.traceback();
        let tb = if tb.is_empty() {
            None
        } else {
            Some(tb.to_string())
        };
        (raw_message, tb)
    }
}
