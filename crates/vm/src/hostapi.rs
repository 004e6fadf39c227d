//! Host roots: the embedding API's way to keep one host-held value alive at a time.
//!
//! The `tape` crate gives the host rooted handles (tables, functions, strings) that keep their
//! object alive until dropped. Each handle owns one slot of the VM's pinned list (`Vm::pin`),
//! which the collector marks as a root; dropping the handle clears its slot, and the facade
//! reuses cleared slots. A handle checks its slot still holds its value before each use, so a
//! host that cleared the pins (`unpin_all`) gets an error instead of another object.

use crate::value::Value;
use crate::vm::Vm;
use crate::Error;

impl Vm {
    /// Roots `v` in pinned slot `slot` when that slot exists and is empty (nil), else in a
    /// new slot; returns the slot used. Fails (`not enough memory`) only when the pinned list
    /// cannot grow.
    pub fn root_host_value(&mut self, slot: Option<usize>, v: Value) -> Result<usize, Error> {
        if let Some(s) = slot {
            if let Some(cell) = self.pinned.get_mut(s) {
                if cell.is_nil() {
                    *cell = v;
                    return Ok(s);
                }
            }
        }
        if self.pinned.try_reserve(1).is_err() {
            return Err(self.memory_error());
        }
        self.pinned.push(v);
        Ok(self.pinned.len() - 1)
    }

    /// Clears pinned slot `slot` (nothing happens for a slot that does not exist).
    pub fn unroot_host_value(&mut self, slot: usize) {
        if let Some(cell) = self.pinned.get_mut(slot) {
            *cell = Value::Nil;
        }
    }

    /// What pinned slot `slot` holds (`None` past the end of the list).
    pub fn host_root(&self, slot: usize) -> Option<Value> {
        self.pinned.get(slot).copied()
    }
}

impl Vm {
    /// Takes a userdata's payload out, leaving it empty, so a host method can use the payload
    /// and the VM together; `put_userdata_payload` puts it back. While it is out, the
    /// userdata reads as empty (`userdata` returns `None`), which the host reports as a
    /// borrow error. `None` also for a handle that names no live userdata of this VM.
    pub fn take_userdata_payload(
        &mut self,
        u: crate::value::UdRef,
    ) -> Option<Box<dyn std::any::Any + Send>> {
        self.heap.userdata.get_live_mut(u.0)?.data.take()
    }

    /// Puts back a payload taken with `take_userdata_payload` (dropped if the userdata is
    /// gone).
    pub fn put_userdata_payload(
        &mut self,
        u: crate::value::UdRef,
        data: Box<dyn std::any::Any + Send>,
    ) {
        if let Some(ud) = self.heap.userdata.get_live_mut(u.0) {
            ud.data = Some(data);
        }
    }
}
