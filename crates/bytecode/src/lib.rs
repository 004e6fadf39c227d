//! Tape's bytecode: the instruction set (`isa`), compiled functions (`proto`), and the listing
//! printer (`listing`). The compiler writes it; the VM reads it; neither knows the other.
#![forbid(unsafe_code)]

pub mod isa;
pub mod proto;

pub use isa::{Instr, Reg, Up};
pub use proto::{Constant, LocalVar, Proto, UpvalDesc};
pub mod listing;
pub mod verify;
pub use verify::VerifyError;
