//! Every integration test of this crate, one module per file, linked into one test binary
//! (`cargo test -p <crate> --test integration`): one link instead of one per file.

mod asm;
mod chunks;
mod verifier_rules;
