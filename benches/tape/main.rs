//! Criterion benchmarks of Tape, one group per phase: `compile` (source to bytecode), `execute`
//! (small kernels), `gc` (allocation and full collections) and `host_api` (calls and data
//! across the embedding API). They use the public `tape` crate only; the Lua they run lives in
//! `lua/` beside this crate. `cargo bench -- execute` runs one group.

use std::path::Path;
use tape::{Function, Tape};

mod compile;
mod execute;
mod gc;
mod host_api;

criterion::criterion_main!(
    compile::benches,
    execute::benches,
    gc::benches,
    host_api::benches
);

/// The bytes of `lua/NAME`.
pub fn lua_source(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("lua").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// Runs `lua/NAME`, a chunk that returns a function, and returns that function (compiled once,
/// so that a benchmark calling it measures execution only).
pub fn load_kernel(lua: &mut Tape, name: &str) -> Function {
    lua.chunk(lua_source(name))
        .set_name(format!("@{name}"))
        .call::<Function>(())
        .unwrap_or_else(|e| panic!("loading {name}: {e}"))
}
