//! `Chunk`: a piece of Lua source to name and then run, evaluate or turn into a function
//! (`lua.chunk("return 1 + 1").set_name("=sum").eval::<i64>()`).

use crate::convert::{FromLuaMulti, IntoLuaMulti};
use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind};
use crate::value::{Function, Table};
use std::sync::Arc;
use tape_bytecode::Proto;
use tape_vm::Value;

/// A chunk waiting to be compiled and run; made by `Tape::chunk` or `Ctx::chunk`.
pub struct Chunk<'a> {
    ctx: Ctx<'a>,
    source: Vec<u8>,
    name: Option<String>,
    env: Option<Table>,
}

impl<'a> Chunk<'a> {
    pub(crate) fn new(ctx: Ctx<'a>, source: Vec<u8>) -> Chunk<'a> {
        Chunk {
            ctx,
            source,
            name: None,
            env: None,
        }
    }

    /// The chunk name messages and tracebacks use, as for `load`: `=name` shows `name`,
    /// `@file.lua` shows `file.lua`, anything else `[string "..."]`. By default the source
    /// itself, as `load` does.
    pub fn set_name(mut self, name: impl Into<String>) -> Chunk<'a> {
        self.name = Some(name.into());
        self
    }

    /// Runs the chunk with `env` as its `_ENV` (its globals) instead of the globals table.
    pub fn set_environment(mut self, env: &Table) -> Chunk<'a> {
        self.env = Some(env.clone());
        self
    }

    fn chunkname(&self) -> String {
        match &self.name {
            Some(n) => n.clone(),
            None => String::from_utf8_lossy(&self.source).into_owned(),
        }
    }

    /// Compiles `src` under the memory cap (`Vm::compile`).
    fn compile(&mut self, src: &[u8]) -> Result<Arc<Proto>, Error> {
        let name = self.chunkname();
        match self.ctx.vm.compile(src, &name) {
            Some(Ok(p)) => Ok(p),
            Some(Err(m)) if m == "not enough memory" => Err(Error::new(ErrorKind::Memory, m, None)),
            Some(Err(m)) if tape_vm::is_binary_chunk(src) => {
                Err(Error::new(ErrorKind::Verify, m, None))
            }
            Some(Err(m)) => Err(Error::new(ErrorKind::Syntax, m, None)),
            None => Err(Error::runtime("no compiler installed")),
        }
    }

    fn load(&mut self, proto: &Arc<Proto>) -> Result<Value, Error> {
        let env = match &self.env {
            Some(t) => Some(self.ctx.deref(&t.0)?),
            None => None,
        };
        self.ctx
            .vm
            .load_proto_closure(proto, env)
            .map_err(|e| self.ctx.runtime_error(e))
    }

    /// Compiles the chunk into a function (not run).
    pub fn into_function(mut self) -> Result<Function, Error> {
        let src = self.source.clone();
        let proto = self.compile(&src)?;
        let f = self.load(&proto)?;
        Ok(Function(self.ctx.root(f)?))
    }

    /// Runs the chunk with `args` as its `...` and converts what it returns.
    pub fn call<R: FromLuaMulti>(mut self, args: impl IntoLuaMulti) -> Result<R, Error> {
        let src = self.source.clone();
        let proto = self.compile(&src)?;
        self.run(&proto, args)
    }

    fn run<R: FromLuaMulti>(
        &mut self,
        proto: &Arc<Proto>,
        args: impl IntoLuaMulti,
    ) -> Result<R, Error> {
        let f = self.load(proto)?;
        let args = args.into_lua_multi(&mut self.ctx)?;
        let out = self
            .ctx
            .vm
            .call(f, &args)
            .map_err(|e| self.ctx.runtime_error(e))?;
        R::from_lua_multi(&out, &mut self.ctx)
    }

    /// Runs the chunk, discarding its results.
    pub fn exec(self) -> Result<(), Error> {
        self.call(())
    }

    /// Evaluates the chunk as the REPL does: as the expression `return <source>` if that
    /// compiles, else as statements; converts what it returns.
    pub fn eval<R: FromLuaMulti>(mut self) -> Result<R, Error> {
        let mut as_expr = b"return ".to_vec();
        as_expr.extend_from_slice(&self.source);
        let proto = match self.compile(&as_expr) {
            Ok(p) => p,
            Err(e) if e.kind() == ErrorKind::Syntax => {
                let src = self.source.clone();
                self.compile(&src)?
            }
            Err(e) => return Err(e),
        };
        self.run(&proto, ())
    }
}
