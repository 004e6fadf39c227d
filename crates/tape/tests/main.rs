//! Every integration test of this crate, one module per file, linked into one test binary
//! (`cargo test -p <crate> --test integration`): one link instead of one per file.

mod api_fuzz;
#[cfg(feature = "async")]
mod async_api;
mod embedding;
mod fuzz;
mod fuzz_struct;
mod limits;
mod probes;
mod sandbox;
#[cfg(feature = "serde")]
#[path = "serde.rs"]
mod serde_api;
mod trace;
mod userdata;
