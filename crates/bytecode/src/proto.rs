//! `Proto`: a compiled function — the unit of code the compiler produces and the VM runs.
//!
//! A proto is plain, immutable data (no VM handles): the VM turns its constants into guest values
//! when it loads a chunk. Nested functions are child protos, referenced by `Closure { p }`.

use crate::isa::Instr;
use std::sync::Arc;

/// A constant in a proto's constant table.
#[derive(Clone, Debug, PartialEq)]
pub enum Constant {
    Nil,
    Bool(bool),
    Int(i64),
    Float(f64),
    /// A string constant (any bytes).
    Str(Box<[u8]>),
}

/// How a closure obtains one upvalue when it is created.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UpvalDesc {
    /// Name for debug info and error messages (`upvalue 'x'`); empty when stripped from a
    /// binary chunk.
    pub name: String,
    /// True: capture register `index` of the enclosing frame; false: share upvalue `index` of
    /// the enclosing closure.
    pub in_stack: bool,
    pub index: u8,
}

/// Debug info for a local variable: it lives in the register given by the register convention
/// (see `isa`) while `start_pc <= pc < end_pc`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalVar {
    pub name: String,
    pub start_pc: u32,
    pub end_pc: u32,
}

/// A compiled function.
///
/// Invariants (checked by the verifier): `lines.len() == code.len()`, or `lines` is empty in a
/// function loaded from a stripped binary chunk; `max_stack <= 255` and
/// covers every register the code names; the main chunk's proto has exactly one upvalue,
/// `_ENV`, which the VM binds to the globals table on load.
#[derive(Clone, Debug, PartialEq)]
pub struct Proto {
    /// Chunk name as given to `load` (`@file.lua`, `=stdin`, or the source text itself).
    pub source: Arc<str>,
    /// Line of `function` (0 for the main chunk).
    pub line_defined: u32,
    /// Line of the closing `end` (0 for the main chunk).
    pub last_line_defined: u32,
    /// Number of fixed parameters (they arrive in R[0]..R[num_params-1]).
    pub num_params: u8,
    pub is_vararg: bool,
    /// Number of registers the frame needs.
    pub max_stack: u8,
    pub code: Vec<Instr>,
    /// Source line of each instruction (empty when stripped from a binary chunk).
    pub lines: Vec<u32>,
    pub consts: Vec<Constant>,
    pub upvals: Vec<UpvalDesc>,
    pub protos: Vec<Arc<Proto>>,
    /// Local variables in order of declaration (debug info).
    pub locals: Vec<LocalVar>,
}
