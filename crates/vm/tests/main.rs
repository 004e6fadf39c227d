//! Every integration test of this crate, one module per file, linked into one test binary
//! (`cargo test -p <crate> --test integration`): one link instead of one per file.

mod api;
mod common;
mod fuel_pause;
mod gc;
mod gc_finalize;
mod native_limits;
mod smoke;
