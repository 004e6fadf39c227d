//! Introspection for the debug library (manual §4.7's `lua_getstack`/`lua_getinfo`/
//! `lua_getlocal`/`lua_getupvalue` ideas, used by §6.10): stack levels of the running thread or
//! of a suspended coroutine, what a function or an active level reports to `debug.getinfo`,
//! locals by register (named, `(temporary)`, `(vararg)`), closure upvalues and their cells.
//!
//! Levels count like PUC's: level 0 is the innermost frame (the native asking), level 1 its
//! caller, and so on. A coroutine's levels stop at its body; the main thread has one more, the
//! host frame at the bottom (a nameless native, the `[C]: in ?` of tracebacks).
//!
//! Reading another thread swaps its state into the `Vm` fields for the duration of one query
//! (no guest code runs and nothing is allocated meanwhile), so the frame helpers of
//! `debuginfo.rs` work on it unchanged.

use crate::heap::Upval;
use crate::thread::FrameKind;
use crate::value::{ThreadRef, UpvalRef, Value};
use crate::vm::Vm;

/// What `debug.getinfo` reports about a function value (options `S`, `u`, `L`).
#[derive(Clone, Debug, PartialEq)]
pub struct FuncDebug {
    /// The chunk name as given to `load` (`=[C]` for natives).
    pub source: Vec<u8>,
    /// The chunk name shortened for messages (`[C]` for natives).
    pub short_src: String,
    /// `"Lua"`, `"C"` or `"main"`.
    pub what: &'static str,
    /// Line where the function starts (-1 for natives, 0 for a main chunk).
    pub line_defined: i64,
    pub last_line_defined: i64,
    pub nups: usize,
    pub nparams: usize,
    pub is_vararg: bool,
    /// Lines holding code, in code order with repeats (None for natives).
    pub active_lines: Option<Vec<u32>>,
}

/// What `debug.getinfo` reports about an active stack level (options `l`, `n`, `t`, `f`).
#[derive(Clone, Debug)]
pub struct LevelDebug {
    /// The running function (nil for the host frame).
    pub func: Value,
    /// Current line, -1 when not a Lua function.
    pub current_line: i64,
    /// `(namewhat, name)` from the calling instruction, if the caller is Lua code.
    pub name: Option<(&'static str, String)>,
    /// Whether the frame was entered by a tail call.
    pub is_tail_call: bool,
    /// `(ftransfer, ntransfer)`: while a call or return hook runs for this frame, the values
    /// transferred (parameters or results) as locals; (0, 0) otherwise.
    pub transfer: (usize, usize),
}

impl Vm {
    /// Makes `t` the current thread for a read (returns the thread to swap back to).
    fn debug_enter(&mut self, t: ThreadRef) -> Option<ThreadRef> {
        if t == self.cur_thread {
            return None;
        }
        let cur = self.cur_thread;
        self.debug_swap(cur, t);
        Some(cur)
    }

    fn debug_leave(&mut self, prev: Option<ThreadRef>) {
        if let Some(p) = prev {
            let t = self.cur_thread;
            self.debug_swap(t, p);
        }
    }

    /// Moves the live state into thread `from`'s object and thread `to`'s into the `Vm`.
    fn debug_swap(&mut self, from: ThreadRef, to: ThreadRef) {
        self.heap.threads.get_mut(from.0).state = std::mem::take(&mut self.ts);
        self.ts = std::mem::take(&mut self.heap.threads.get_mut(to.0).state);
        self.cur_thread = to;
    }

    /// Runs a read-only query `q` with `t`'s frames as the current ones.
    fn debug_with<R>(&mut self, t: ThreadRef, q: impl FnOnce(&mut Vm) -> R) -> R {
        let prev = self.debug_enter(t);
        let r = q(self);
        self.debug_leave(prev);
        r
    }

    /// Frame index of `level` in the current frames, if that level exists.
    fn level_frame(&self, level: usize) -> Option<usize> {
        let n = self.ts.frames.len();
        let lowest = if self.cur_thread == self.main_thread {
            0
        } else {
            1
        };
        let i = n.checked_sub(1)?.checked_sub(level)?;
        (i >= lowest).then_some(i)
    }

    /// Number of stack levels of thread `t` (`debug.traceback` elides long stacks with it).
    pub fn debug_stack_depth(&mut self, t: ThreadRef) -> usize {
        self.debug_with(t, |vm| {
            let lowest = usize::from(vm.cur_thread != vm.main_thread);
            vm.ts.frames.len().saturating_sub(lowest)
        })
    }

    /// Describes stack level `level` of thread `t` (None: no such level).
    pub fn debug_level(&mut self, t: ThreadRef, level: usize) -> Option<LevelDebug> {
        self.debug_with(t, |vm| {
            let i = vm.level_frame(level)?;
            let f = vm.ts.frames[i];
            let func = match f.kind {
                FrameKind::Lua { cl, .. } => Value::LuaFn(cl),
                FrameKind::Native { f } | FrameKind::Pcall { f, .. } => Value::Native(f),
                FrameKind::Host => Value::Nil,
            };
            let current_line = vm.frame_line(&f).map(i64::from).unwrap_or(-1);
            Some(LevelDebug {
                func,
                current_line,
                name: if f.tail { None } else { vm.frame_func_name(i) },
                is_tail_call: f.tail,
                transfer: if vm.hs.in_hook && vm.hs.hook_frame == i + 1 {
                    vm.hs.hook_transfer
                } else {
                    (0, 0)
                },
            })
        })
    }

    /// Describes a function value (None if `f` is not a function).
    pub fn debug_func(&self, f: Value) -> Option<FuncDebug> {
        match f {
            Value::LuaFn(cl) => {
                let c = self.closures.get(cl.0);
                let p = &self.protos.get(c.proto.0).proto;
                Some(FuncDebug {
                    source: p.source.as_bytes().to_vec(),
                    short_src: tape_text::chunkid::chunk_id(&p.source),
                    what: if p.line_defined == 0 { "main" } else { "Lua" },
                    line_defined: i64::from(p.line_defined),
                    last_line_defined: i64::from(p.last_line_defined),
                    nups: c.upvals.len(),
                    nparams: p.num_params as usize,
                    is_vararg: p.is_vararg,
                    active_lines: Some(p.lines.clone()),
                })
            }
            Value::Native(nf) => Some(FuncDebug {
                source: b"=[C]".to_vec(),
                short_src: "[C]".to_string(),
                what: "C",
                line_defined: -1,
                last_line_defined: -1,
                nups: self.heap.natives.get(nf.0).upvals.len(),
                nparams: 0,
                is_vararg: true,
                active_lines: None,
            }),
            _ => None,
        }
    }

    /// The slot and name of local `n` of frame `i` (1-based; negative: varargs), PUC's rules:
    /// active named locals first, then `(temporary)`/`(C temporary)` slots below the next
    /// frame (or the top).
    fn find_local(&self, i: usize, n: i64) -> Option<(usize, String)> {
        let f = self.ts.frames.get(i)?;
        if let FrameKind::Lua { proto, .. } = f.kind {
            let p = &self.protos.get(proto.0).proto;
            if n < 0 {
                let k = n.unsigned_abs() as usize;
                if p.is_vararg && k <= f.nvarargs as usize {
                    let slot = f.base.saturating_sub(f.nvarargs as usize) + (k - 1);
                    return Some((slot, "(vararg)".to_string()));
                }
                return None;
            }
            let pc = f.pc.saturating_sub(1);
            if n > 0 {
                if let Some(name) = crate::debuginfo::local_name(p, n as usize - 1, pc) {
                    return Some((f.base + n as usize - 1, name.to_string()));
                }
            }
        } else if n < 0 || matches!(f.kind, FrameKind::Host) {
            return None;
        }
        let limit = match self.ts.frames.get(i + 1) {
            Some(next) => next.func,
            None => match f.kind {
                FrameKind::Lua { .. } => f.top,
                _ => self.cur_top(),
            },
        };
        let n = usize::try_from(n).ok()?;
        if n > 0 && limit >= f.base && limit - f.base >= n {
            let name = if matches!(f.kind, FrameKind::Lua { .. }) {
                "(temporary)"
            } else {
                "(C temporary)"
            };
            return Some((f.base + n - 1, name.to_string()));
        }
        None
    }

    /// `debug.getlocal(level, n)` on thread `t`: Err if the level does not exist, Ok(None) if
    /// there is no such local.
    pub fn debug_get_local(
        &mut self,
        t: ThreadRef,
        level: usize,
        n: i64,
    ) -> Result<Option<(String, Value)>, ()> {
        self.debug_with(t, |vm| {
            let i = vm.level_frame(level).ok_or(())?;
            Ok(vm.find_local(i, n).map(|(slot, name)| {
                let v = vm.ts.stack.get(slot).copied().unwrap_or(Value::Nil);
                (name, v)
            }))
        })
    }

    /// `debug.setlocal(level, n, v)` on thread `t`: the local's name, as `debug_get_local`.
    pub fn debug_set_local(
        &mut self,
        t: ThreadRef,
        level: usize,
        n: i64,
        v: Value,
    ) -> Result<Option<String>, ()> {
        self.debug_with(t, |vm| {
            let i = vm.level_frame(level).ok_or(())?;
            Ok(vm.find_local(i, n).map(|(slot, name)| {
                if let Some(s) = vm.ts.stack.get_mut(slot) {
                    *s = v;
                }
                name
            }))
        })
    }

    /// Name of parameter `n` (1-based) of a Lua function (`debug.getlocal(f, n)`).
    pub fn debug_param_name(&self, f: Value, n: i64) -> Option<String> {
        let Value::LuaFn(cl) = f else { return None };
        let p = &self.protos.get(self.closures.get(cl.0).proto.0).proto;
        let k = usize::try_from(n).ok()?.checked_sub(1)?;
        crate::debuginfo::local_name(p, k, 0).map(str::to_string)
    }

    /// The cell of upvalue `n` (1-based) of a Lua closure.
    fn upval_cell(&self, f: Value, n: i64) -> Option<UpvalRef> {
        let Value::LuaFn(cl) = f else { return None };
        let k = usize::try_from(n).ok()?.checked_sub(1)?;
        self.closures.get(cl.0).upvals.get(k).copied()
    }

    fn upval_name(&self, f: Value, k: usize) -> String {
        let Value::LuaFn(cl) = f else {
            return String::new();
        };
        let p = &self.protos.get(self.closures.get(cl.0).proto.0).proto;
        match p.upvals.get(k) {
            Some(d) if !d.name.is_empty() => d.name.clone(),
            _ => "(no name)".to_string(),
        }
    }

    /// `debug.getupvalue(f, n)`: name and value of upvalue `n` (1-based); natives' upvalues
    /// have empty names.
    pub fn debug_upvalue(&self, f: Value, n: i64) -> Option<(String, Value)> {
        let k = usize::try_from(n).ok()?.checked_sub(1)?;
        match f {
            Value::LuaFn(_) => {
                let uv = self.upval_cell(f, n)?;
                Some((self.upval_name(f, k), self.read_upval(uv)))
            }
            Value::Native(nf) => {
                let v = self.heap.natives.get(nf.0).upvals.get(k).copied()?;
                Some((String::new(), v))
            }
            _ => None,
        }
    }

    /// `debug.setupvalue(f, n, v)`: the upvalue's name, or None if there is none.
    pub fn debug_set_upvalue(&mut self, f: Value, n: i64, v: Value) -> Option<String> {
        let k = usize::try_from(n).ok()?.checked_sub(1)?;
        match f {
            Value::LuaFn(_) => {
                let uv = self.upval_cell(f, n)?;
                self.write_upval_cell(uv, v);
                Some(self.upval_name(f, k))
            }
            Value::Native(nf) => {
                let slot = self.heap.natives.get_mut(nf.0).upvals.get_mut(k)?;
                *slot = v;
                let marked = self.heap.natives.is_marked(nf.0);
                self.heap.barrier_forward(marked, v);
                Some(String::new())
            }
            _ => None,
        }
    }

    /// Stores `v` into an upvalue cell, open (a stack slot of its thread) or closed.
    fn write_upval_cell(&mut self, uv: UpvalRef, v: Value) {
        match *self.heap.upvals.get(uv.0) {
            Upval::Closed(_) => {
                *self.heap.upvals.get_mut(uv.0) = Upval::Closed(v);
                self.heap.barrier_upval(uv, v);
            }
            Upval::Open { thread, idx } => {
                let stack = if thread == self.cur_thread {
                    &mut self.ts.stack
                } else {
                    &mut self.heap.threads.get_mut(thread.0).state.stack
                };
                if let Some(s) = stack.get_mut(idx) {
                    *s = v;
                }
            }
        }
    }

    /// `debug.upvalueid(f, n)`: a fake address identifying the cell of upvalue `n` (equal for
    /// closures sharing it, distinct for live cells), or None for a bad index. Like PUC's
    /// pointer, it may be reused once the cell is collected.
    pub fn debug_upvalue_id(&self, f: Value, n: i64) -> Option<u64> {
        match f {
            Value::LuaFn(_) => {
                let uv = self.upval_cell(f, n)?;
                Some(0x5555_0000_0000 + (7 << 37) + u64::from(uv.0.idx) * 0x40 + 0x10)
            }
            Value::Native(nf) => {
                // A native's upvalues live inside it, as C closures' do in PUC.
                let k = usize::try_from(n).ok()?.checked_sub(1)?;
                if k >= self.heap.natives.get(nf.0).upvals.len() {
                    return None;
                }
                let base = 0x7000_0000_0000u64 + (u64::from(nf.0.idx) << 16);
                Some(base + ((k as u64 & 0xfff) << 4))
            }
            _ => None,
        }
    }

    /// `debug.upvaluejoin(f1, n1, f2, n2)`: makes upvalue `n1` of Lua closure `f1` refer to
    /// the cell of upvalue `n2` of `f2`. False if either index is invalid.
    pub fn debug_upvalue_join(&mut self, f1: Value, n1: i64, f2: Value, n2: i64) -> bool {
        let (Some(_), Some(cell)) = (self.upval_cell(f1, n1), self.upval_cell(f2, n2)) else {
            return false;
        };
        let (Value::LuaFn(cl), Ok(k)) = (f1, usize::try_from(n1 - 1)) else {
            return false;
        };
        let c = self.closures.get_mut(cl.0);
        match c.upvals.get_mut(k) {
            Some(slot) => {
                *slot = cell;
                if k == 0 {
                    c.up0 = cell;
                }
                if self.heap.barrier.marking {
                    self.heap.barrier.forward_upvals.push(cell);
                }
                true
            }
            None => false,
        }
    }
}
