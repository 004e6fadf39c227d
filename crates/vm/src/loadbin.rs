//! Binary chunks at the VM's boundary (manual §6.1 `load`, §6.4.1 `string.dump`): reading a
//! chunk that starts with ESC through `tape_bytecode::undump` (which verifies every function),
//! and handing out a Lua function's proto so that `string.dump` can serialise it.
//!
//! `Vm::compile` routes binary chunks here, so `load`, `loadfile`, `dofile`, `require` and
//! `Vm::load` accept them without a compiler installed; the mode checks (`"b"`, `"t"`, `"bt"`)
//! belong to the callers that take a mode.

use crate::value::Value;
use crate::vm::Vm;
use std::sync::Arc;
use tape_bytecode::Proto;

/// The first byte of every binary chunk (`"\27Lua"`): how `load` tells them from source text.
pub const BINARY_CHUNK_MARK: u8 = 0x1b;

/// Whether `src` is a binary chunk (its first byte is ESC), as `load` decides.
pub fn is_binary_chunk(src: &[u8]) -> bool {
    src.first() == Some(&BINARY_CHUNK_MARK)
}

/// Reads and verifies a binary chunk; `Err` is the message `load` returns
/// (`name: bad binary format (truncated chunk)`).
pub(crate) fn undump_chunk(src: &[u8], chunkname: &str) -> Result<Arc<Proto>, String> {
    tape_bytecode::undump(src, chunkname).map(Arc::new)
}

impl Vm {
    /// The proto of a Lua function, `None` for anything else (natives cannot be dumped).
    pub fn lua_function_proto(&self, f: Value) -> Option<Arc<Proto>> {
        match f {
            Value::LuaFn(cl) => {
                let c = self.closures.get(cl.0);
                Some(self.protos.get(c.proto.0).proto.clone())
            }
            _ => None,
        }
    }
}
