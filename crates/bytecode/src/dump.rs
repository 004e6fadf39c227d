//! Binary chunks, writing side: `dump` turns a proto tree into the bytes `string.dump` returns
//! (manual §6.4.1 `string.dump`; §6.1 `load` recognises such a chunk by its first byte, ESC).
//! `undump` reads them back. The format is Tape's own, but it begins with PUC Lua 5.4's header,
//! field for field, so tools (and the official test suite) that read that header find what they
//! expect; Tape's own marker and layout version follow it, so a PUC chunk is rejected with a
//! clean "format mismatch" (and the bytes after the header mean nothing to PUC).
//!
//! # Format (version 2)
//! All fixed-width numbers are little-endian. `varint` is unsigned LEB128 (at most 10 bytes, the
//! value fits in `u64`; counts and pcs must also fit in `u32`). A `string` is a varint length and
//! that many bytes; an optional string (`string?`) is a varint 0 for "absent", else the length
//! plus one and the bytes.
//!
//! ```text
//! header, PUC's fields at PUC's places:
//!   "\x1bLua"                 signature
//!   0x54                      Lua version (5.4)
//!   0                         format (PUC's official format number)
//!   "\x19\x93\r\n\x1a\n"      catches files mangled by newline or end-of-file conversion
//!   4, 8, 8                   PUC's sizes of Instruction, lua_Integer, lua_Number
//!   0x5678 as i64             byte order check
//!   370.5 as f64              float format check
//! then Tape's own:
//!   "Tape"                    marks Tape's layout
//!   FORMAT_VERSION            bumped whenever this layout or the ISA table changes
//!   8, NUM_OPCODES            size_of::<Instr>(); opcodes in the ISA table
//! function (the main function first, then every nested function in pre-order):
//!   source: string?           absent: the parent's source ("=?" for the main function)
//!   line_defined, last_line_defined: varint
//!   num_params, is_vararg (0/1), max_stack: u8
//!   code: varint n, then n instructions (`Instr::encode`: opcode byte, operands in table order)
//!   constants: varint n, then per constant a tag byte and its payload:
//!     0 nil | 1 false | 2 true | 3 integer (i64) | 4 float (f64 bits) | 5 string
//!   upvalues: varint n, then per upvalue in_stack (0/1) and index (u8)
//!   lines: varint n (0 when stripped, else the code length), then n varint lines
//!   locals: varint n, then per local its name (string), start_pc and end_pc (varint)
//!   upvalue names: varint n (0 when stripped, else the upvalue count), then n strings
//!   children: varint n; the n children's functions (each with its own subtree) follow
//! ```
//! A stripped chunk (`string.dump(f, true)`) keeps no source, lines, local or upvalue names, so
//! errors inside it read `?:-1:` as in PUC Lua. Nested functions whose source equals their
//! parent's store it as absent.

use crate::isa::{Instr, NUM_OPCODES};
use crate::proto::{Constant, Proto};

/// The first four bytes of every binary chunk.
pub const SIGNATURE: &[u8; 4] = b"\x1bLua";
/// The Lua version byte (5.4).
pub const LUA_VERSION: u8 = 0x54;
/// The format byte (PUC's official format).
pub const FORMAT: u8 = 0;
/// PUC's size fields (Instruction, lua_Integer, lua_Number), kept at their places.
pub(crate) const PUC_SIZES: [u8; 3] = [4, 8, 8];
/// Tape's marker after PUC's header.
pub const TAPE_MARK: &[u8; 4] = b"Tape";
/// The layout version, bumped whenever the layout or the instruction table changes.
pub const FORMAT_VERSION: u8 = 2;
/// Bytes that text-mode conversions would change.
pub const CONVERSION_CHECK: &[u8; 6] = b"\x19\x93\r\n\x1a\n";
/// Integer written to check byte order.
pub const CHECK_INT: i64 = 0x5678;
/// Float written to check the float format.
pub const CHECK_FLOAT: f64 = 370.5;

/// Constant tags.
pub(crate) const TAG_NIL: u8 = 0;
pub(crate) const TAG_FALSE: u8 = 1;
pub(crate) const TAG_TRUE: u8 = 2;
pub(crate) const TAG_INT: u8 = 3;
pub(crate) const TAG_FLOAT: u8 = 4;
pub(crate) const TAG_STR: u8 = 5;

/// Tape's size fields: `Instr` and the number of opcodes.
pub(crate) fn size_fields() -> [u8; 2] {
    [std::mem::size_of::<Instr>() as u8, NUM_OPCODES as u8]
}

/// Serialises `proto` and its nested functions as a binary chunk; `strip` leaves out debug
/// information (source, lines, local and upvalue names).
pub fn dump(proto: &Proto, strip: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 + proto.code.len() * 4);
    out.extend_from_slice(SIGNATURE);
    out.push(LUA_VERSION);
    out.push(FORMAT);
    out.extend_from_slice(CONVERSION_CHECK);
    out.extend_from_slice(&PUC_SIZES);
    out.extend_from_slice(&CHECK_INT.to_le_bytes());
    out.extend_from_slice(&CHECK_FLOAT.to_le_bytes());
    out.extend_from_slice(TAPE_MARK);
    out.push(FORMAT_VERSION);
    out.extend_from_slice(&size_fields());
    // Pre-order walk with an explicit stack of (function, its parent's source).
    let mut work: Vec<(&Proto, Option<&str>)> = vec![(proto, None)];
    while let Some((p, parent_source)) = work.pop() {
        write_function(p, parent_source, strip, &mut out);
        let src: &str = &p.source;
        work.extend(p.protos.iter().rev().map(|c| (&**c, Some(src))));
    }
    out
}

/// Writes one function's record (not its children's).
fn write_function(p: &Proto, parent_source: Option<&str>, strip: bool, out: &mut Vec<u8>) {
    if strip || parent_source == Some(&*p.source) {
        varint(out, 0);
    } else {
        varint(out, p.source.len() as u64 + 1);
        out.extend_from_slice(p.source.as_bytes());
    }
    varint(out, p.line_defined as u64);
    varint(out, p.last_line_defined as u64);
    out.push(p.num_params);
    out.push(p.is_vararg as u8);
    out.push(p.max_stack);
    varint(out, p.code.len() as u64);
    for i in &p.code {
        i.encode(out);
    }
    varint(out, p.consts.len() as u64);
    for c in &p.consts {
        match c {
            Constant::Nil => out.push(TAG_NIL),
            Constant::Bool(false) => out.push(TAG_FALSE),
            Constant::Bool(true) => out.push(TAG_TRUE),
            Constant::Int(i) => {
                out.push(TAG_INT);
                out.extend_from_slice(&i.to_le_bytes());
            }
            Constant::Float(f) => {
                out.push(TAG_FLOAT);
                out.extend_from_slice(&f.to_bits().to_le_bytes());
            }
            Constant::Str(s) => {
                out.push(TAG_STR);
                string(out, s);
            }
        }
    }
    varint(out, p.upvals.len() as u64);
    for u in &p.upvals {
        out.push(u.in_stack as u8);
        out.push(u.index);
    }
    if strip {
        varint(out, 0); // lines
        varint(out, 0); // locals
        varint(out, 0); // upvalue names
    } else {
        varint(out, p.lines.len() as u64);
        for &l in &p.lines {
            varint(out, l as u64);
        }
        varint(out, p.locals.len() as u64);
        for l in &p.locals {
            string(out, l.name.as_bytes());
            varint(out, l.start_pc as u64);
            varint(out, l.end_pc as u64);
        }
        varint(out, p.upvals.len() as u64);
        for u in &p.upvals {
            string(out, u.name.as_bytes());
        }
    }
    varint(out, p.protos.len() as u64);
}

/// Unsigned LEB128.
fn varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn string(out: &mut Vec<u8>, s: &[u8]) {
    varint(out, s.len() as u64);
    out.extend_from_slice(s);
}
