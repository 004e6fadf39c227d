//! Finalizers (manual §2.5.3), warnings (§6.1 `warn`) and closing a VM (`lua_close`).
//!
//! An object (table or full userdata) is *marked for finalization* when `setmetatable` (or
//! userdata creation) gives it a metatable whose `__gc` field is present at that moment; it is
//! then listed in `GcState::finobj` in marking order. When a cycle finds such an object
//! unreached, the collector moves it to `GcState::tobefnz` (newest first), resurrects it and
//! everything it reaches for this cycle, and does not free it. The finalizers themselves run
//! later, at a safe point (`run_pending_finalizers`), never inside the collector: each object is
//! taken off the queue and its current `__gc` is called with it once; afterwards it is an
//! ordinary object again (freed by the next cycle that finds it unreached, unless it is marked
//! for finalization again). An error in a finalizer becomes a warning, never an error.
//! `Vm::close` runs the pending finalizers, then the finalizers of every object still marked
//! for finalization (newest first), as `lua_close` does; it is idempotent and `Drop` calls it.

use crate::meta::Tm;
use crate::value::{TableRef, Value};
use crate::vm::Vm;
use std::io::Write;

/// Identity of a finalizable object (tables and userdata only).
fn fin_key(v: Value) -> Option<u64> {
    match v {
        Value::Table(t) => Some(t.0.idx as u64),
        Value::Userdata(u) => Some(1 << 32 | u.0.idx as u64),
        _ => None,
    }
}

/// Bytes accounted per object marked for finalization: its entries in `finobj`/`tobefnz` and
/// `fin_set`, with the spare capacity those collections keep.
const FIN_COST: usize = 64;

impl Vm {
    /// Marks `obj` for finalization if `mt` has a `__gc` field (called whenever a table or
    /// userdata gets a metatable). An object is marked at most once until its finalizer runs.
    pub(crate) fn check_finalizer(&mut self, obj: Value, mt: Option<TableRef>) {
        let Some(mt) = mt else { return };
        if self.gc.closed {
            return;
        }
        if self.fast_tm(mt, Tm::Gc).is_nil() {
            return;
        }
        if let Some(key) = fin_key(obj) {
            if self.gc.fin_set.insert(key) {
                self.gc.finobj.push(obj);
                // The lists' host memory counts (as PUC's, setmetatable itself cannot fail:
                // the charge may pass the cap, and the next allocation then fails).
                let a = &mut self.heap.alloc;
                a.used = a.used.saturating_add(FIN_COST);
            }
        }
    }

    /// Moves objects marked for finalization that this cycle did not reach (all of them when
    /// `all`) to the finalization queue, newest first. Returns whether any moved.
    pub(crate) fn separate_unreached(&mut self, all: bool) -> bool {
        if self.gc.finobj.is_empty() {
            return false;
        }
        let fin = std::mem::take(&mut self.gc.finobj);
        let mut kept = Vec::with_capacity(fin.len());
        let mut dying = Vec::new();
        for v in fin {
            if all || !self.is_live_for_finalizer(v) {
                dying.push(v);
            } else {
                kept.push(v);
            }
        }
        self.gc.finobj = kept;
        let moved = !dying.is_empty();
        for v in dying.into_iter().rev() {
            self.gc.tobefnz.push_back(v);
        }
        moved
    }

    fn is_live_for_finalizer(&self, v: Value) -> bool {
        match v {
            Value::Table(t) => self.heap.tables.is_marked(t.0),
            Value::Userdata(u) => self.heap.userdata.is_marked(u.0),
            _ => true,
        }
    }

    /// Whether a finalizer is running now (`collectgarbage` refuses to collect then, as PUC).
    pub fn gc_in_finalizer(&self) -> bool {
        self.gc.in_finalizer
    }

    /// Calls the finalizers of queued objects, one at a time, in queue order. Errors become
    /// warnings (`error in __gc (...)`). Does nothing when called from inside a finalizer.
    pub(crate) fn run_pending_finalizers(&mut self) {
        if self.gc.in_finalizer || self.gc.tobefnz.is_empty() {
            return;
        }
        self.gc.in_finalizer = true;
        while let Some(obj) = self.gc.tobefnz.pop_front() {
            if let Some(k) = fin_key(obj) {
                if self.gc.fin_set.remove(&k) {
                    self.heap.alloc.release(FIN_COST);
                }
            }
            let f = match self.metatable(obj) {
                Some(mt) => {
                    let gc = self.tm_name(Tm::Gc);
                    self.heap.table(mt).get_str(gc)
                }
                None => Value::Nil,
            };
            if f.is_nil() {
                continue;
            }
            let callable = matches!(f, Value::LuaFn(_) | Value::Native(_))
                || !self.get_metamethod(f, Tm::Call).is_nil();
            if !callable {
                let t = self.obj_type_name(f);
                let text =
                    format!("error in __gc (attempt to call a {t} value (metamethod '__gc'))");
                self.warn(text.as_bytes(), false);
                continue;
            }
            let saved_top = self.cur_top();
            // No message handler sees its errors; `debug.getinfo` names its frame `__gc`.
            let at = (self.cur_thread, self.ts.frames.len());
            let floor = std::mem::replace(&mut self.err_floor, at);
            self.fin_frame = at;
            let r = self.call_raw(f, &[obj]);
            self.fin_frame = (self.main_thread, 0);
            self.err_floor = floor;
            self.set_cur_top(saved_top);
            if let Err(e) = r {
                let msg = match e.value() {
                    Value::Str(s) => String::from_utf8_lossy(self.str_bytes(s)).into_owned(),
                    _ => "error object is not a string".to_string(),
                };
                let text = format!("error in __gc ({msg})");
                self.warn(text.as_bytes(), false);
            }
        }
        self.gc.in_finalizer = false;
    }

    /// Emits a warning piece (`warn`, manual §6.1): `tocont` says more pieces follow. A
    /// single-piece message starting with `@` is a control message (`@on`, `@off`; others are
    /// ignored). When on, a warning goes to standard error as `Lua warning: ...` plus newline.
    pub fn warn(&mut self, msg: &[u8], tocont: bool) {
        if !self.gc.warn_cont && !tocont && msg.first() == Some(&b'@') {
            match msg {
                b"@on" => self.gc.warn_on = true,
                b"@off" => self.gc.warn_on = false,
                _ => {}
            }
            return;
        }
        if self.gc.warn_on {
            // Standard output is not flushed first, as in PUC.
            let mut err = std::io::stderr().lock();
            if !self.gc.warn_cont {
                let _ = err.write_all(b"Lua warning: ");
            }
            let _ = err.write_all(msg);
            if !tocont {
                let _ = err.write_all(b"\n");
            }
            let _ = err.flush();
        }
        self.gc.warn_cont = tocont;
    }

    /// Whether warnings are on (`warn("@on")`).
    pub fn warnings_on(&self) -> bool {
        self.gc.warn_on
    }

    /// Closes the VM as `lua_close` does: runs pending finalizers, then the finalizers of all
    /// objects still marked for finalization (newest first), and flushes the output. Objects
    /// given a `__gc` metatable from then on are not finalized. Idempotent; `Drop` calls it.
    /// The VM stays usable for reading values afterwards.
    pub fn close(&mut self) {
        if self.gc.closed {
            return;
        }
        self.run_pending_finalizers();
        self.gc.closed = true;
        self.separate_unreached(true);
        self.run_pending_finalizers();
        self.flush_output();
    }
}

impl Drop for Vm {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            self.close();
        }
    }
}
