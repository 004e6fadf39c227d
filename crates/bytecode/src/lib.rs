//! Tape's bytecode: the instruction set (`isa`), compiled functions (`proto`), the listing
//! printer (`listing`), the verifier (`verify`) and binary chunks (`dump`, `undump`). The
//! compiler writes it; the VM reads it; neither knows the other.
#![forbid(unsafe_code)]

pub mod isa;
pub mod proto;

pub use isa::{DecodeError, Instr, OperandError, Reg, Up, NUM_OPCODES};
pub use proto::{Constant, LocalVar, Proto, UpvalDesc};
pub mod asm;
pub mod effects;
pub mod listing;
pub mod verify;
pub use verify::VerifyError;
pub mod dump;
pub mod undump;
pub use dump::dump;
pub use undump::undump;
