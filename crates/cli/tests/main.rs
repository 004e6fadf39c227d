//! Every integration test of this crate, one module per file, linked into one test binary
//! (`cargo test -p <crate> --test integration`): one link instead of one per file.

mod cli;
mod lib_output;
mod scripts;
mod static_link;
mod tapec;
mod trace;
mod traceback;
