//! Coroutines from the host: create one from a function and resume it step by step.

use crate::convert::{FromLuaMulti, IntoLuaMulti};
use crate::ctx::{Ctx, Host};
use crate::error::Error;
use crate::value::{Function, Thread};
use std::any::TypeId;
use tape_vm::{ThreadStatus, Value};

/// The key of the cached `coroutine.resume` builtin.
struct ResumeBuiltin;

impl Ctx<'_> {
    /// A new coroutine running `f` (as `coroutine.create`).
    pub fn create_thread(&mut self, f: &Function) -> Result<Thread, Error> {
        let f = self.deref(&f.0)?;
        let t = self.vm.new_thread(f).map_err(|e| self.runtime_error(e))?;
        Ok(Thread(self.root(Value::Thread(t))?))
    }

    pub(crate) fn resume_builtin(&mut self) -> Result<Value, Error> {
        let id = TypeId::of::<ResumeBuiltin>();
        if let Some(v) = self.shared.cached_object(self.vm, id) {
            return Ok(v);
        }
        let v = self.vm.new_resume().map_err(|e| self.runtime_error(e))?;
        self.shared.cache_object(self.vm, id, v);
        Ok(v)
    }
}

impl Thread {
    /// Resumes the coroutine with `args` (as `coroutine.resume`) and converts what it yields
    /// or returns; an error in the coroutine (or resuming a dead one) is an `Err`.
    pub fn resume<R: FromLuaMulti>(
        &self,
        lua: &mut impl Host,
        args: impl IntoLuaMulti,
    ) -> Result<R, Error> {
        let mut lua = lua.ctx();
        let t = lua.deref(&self.0)?;
        let resume = lua.resume_builtin()?;
        let mut all = vec![t];
        all.extend(args.into_lua_multi(&mut lua)?);
        let out = lua
            .vm
            .call(resume, &all)
            .map_err(|e| lua.runtime_error(e))?;
        match out.split_first() {
            Some((Value::Bool(true), rest)) => R::from_lua_multi(rest, &mut lua),
            Some((_, rest)) => {
                let v = rest.first().copied().unwrap_or(Value::Nil);
                Err(lua.runtime_error(tape_vm::Error::from_value(v)))
            }
            None => Err(Error::runtime("coroutine.resume returned nothing")),
        }
    }

    /// The coroutine's status (as `coroutine.status`).
    pub fn status(&self, lua: &mut impl Host) -> Result<ThreadStatus, Error> {
        let lua = lua.ctx();
        match lua.deref(&self.0)? {
            Value::Thread(t) => Ok(match lua.vm.thread_status(t) {
                "suspended" => ThreadStatus::Suspended,
                "running" => ThreadStatus::Running,
                "normal" => ThreadStatus::Normal,
                _ => ThreadStatus::Dead,
            }),
            _ => Err(Error::handle("not a thread")),
        }
    }
}
