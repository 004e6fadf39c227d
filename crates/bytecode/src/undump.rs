//! Binary chunks, reading side: `undump` parses the format described in `dump` back into a
//! proto tree and runs the verifier on every function, so a loaded chunk is exactly as safe to
//! run as a compiled one (manual §6.1 `load`: chunks may be binary).
//!
//! Hostile input is expected. Every count and length is checked against the bytes that remain
//! before anything is allocated for it (so memory stays linear in the input), nested functions
//! are read with an explicit stack whose depth is capped (the proto tree's own drop is
//! recursive, so the cap also bounds that), and every failure is an `Err` carrying PUC Lua's
//! message shape: `name: bad binary format (truncated chunk)`.

use crate::dump::{
    size_fields, CHECK_FLOAT, CHECK_INT, CONVERSION_CHECK, FORMAT, FORMAT_VERSION, LUA_VERSION,
    PUC_SIZES, SIGNATURE, TAG_FALSE, TAG_FLOAT, TAG_INT, TAG_NIL, TAG_STR, TAG_TRUE, TAPE_MARK,
};
use crate::isa::{DecodeError, Instr};
use crate::proto::{Constant, LocalVar, Proto, UpvalDesc};
use std::sync::Arc;

/// Deepest nesting of functions accepted: above what the compiler can produce (its parser
/// stops at 200 levels of syntactic nesting), and shallow enough that dropping the tree
/// cannot exhaust the Rust stack.
pub const MAX_NESTING: usize = 200;

/// The fewest bytes a function record can take (used to bound child counts).
const MIN_FUNCTION_BYTES: usize = 12;

/// Why a chunk was rejected; shown as `bad binary format (...)`.
type Why = &'static str;
const TRUNCATED: Why = "truncated chunk";
const CORRUPTED: Why = "corrupted chunk";

/// Reads a binary chunk (`bytes` starts with the signature) into a verified proto tree.
/// `chunkname` is as given to `load`; it only names the chunk in error messages (the source
/// recorded in the chunk is what the loaded functions report).
pub fn undump(bytes: &[u8], chunkname: &str) -> Result<Proto, String> {
    let proto = read_chunk(bytes).map_err(|why| {
        format!(
            "{}: bad binary format ({})",
            display_name(chunkname),
            why.text()
        )
    })?;
    if let Err(e) = crate::verify::verify_tree(&proto) {
        return Err(format!(
            "{}: bad binary format ({})",
            display_name(chunkname),
            e
        ));
    }
    Ok(proto)
}

/// The chunk name as PUC's undump shows it: without its `@`/`=` prefix, and "binary string"
/// for a name that is itself a binary chunk (the default name of `load(string)`).
fn display_name(chunkname: &str) -> &str {
    if let Some(rest) = chunkname
        .strip_prefix('@')
        .or_else(|| chunkname.strip_prefix('='))
    {
        rest
    } else if chunkname.starts_with('\x1b') {
        "binary string"
    } else {
        chunkname
    }
}

/// A rejection reason: one of PUC's fixed texts or a formatted one.
enum Fail {
    Fixed(Why),
    Text(String),
}

impl Fail {
    fn text(&self) -> &str {
        match self {
            Fail::Fixed(w) => w,
            Fail::Text(s) => s,
        }
    }
}

impl From<Why> for Fail {
    fn from(w: Why) -> Fail {
        Fail::Fixed(w)
    }
}

/// A cursor over the chunk's bytes; every read checks what remains.
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.pos)
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], Fail> {
        let end = self.pos.checked_add(n).ok_or(TRUNCATED)?;
        let b = self.bytes.get(self.pos..end).ok_or(TRUNCATED)?;
        self.pos = end;
        Ok(b)
    }

    fn byte(&mut self) -> Result<u8, Fail> {
        let b = *self.bytes.get(self.pos).ok_or(TRUNCATED)?;
        self.pos += 1;
        Ok(b)
    }

    fn flag(&mut self) -> Result<bool, Fail> {
        match self.byte()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(CORRUPTED.into()),
        }
    }

    fn array8(&mut self) -> Result<[u8; 8], Fail> {
        let b = self.take(8)?;
        <[u8; 8]>::try_from(b).map_err(|_| TRUNCATED.into())
    }

    /// Unsigned LEB128, at most 10 bytes, fitting in `u64`.
    fn varint(&mut self) -> Result<u64, Fail> {
        let mut v: u64 = 0;
        for shift in (0..70).step_by(7) {
            let b = self.byte()?;
            let bits = (b & 0x7f) as u64;
            if shift == 63 && bits > 1 {
                return Err(CORRUPTED.into());
            }
            v |= bits << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(CORRUPTED.into())
    }

    /// A varint that must fit in `u32` (lines, pcs).
    fn u32(&mut self) -> Result<u32, Fail> {
        u32::try_from(self.varint()?).map_err(|_| CORRUPTED.into())
    }

    /// A count of items each taking at least `min_bytes`: rejected as truncated when the bytes
    /// left could not hold them, so callers may allocate for it.
    fn count(&mut self, min_bytes: usize) -> Result<usize, Fail> {
        let n = self.varint()?;
        let n = usize::try_from(n).map_err(|_| Fail::from(TRUNCATED))?;
        if n.saturating_mul(min_bytes) > self.remaining() {
            return Err(TRUNCATED.into());
        }
        Ok(n)
    }

    fn bytes_str(&mut self) -> Result<&'a [u8], Fail> {
        let n = self.count(1)?;
        self.take(n)
    }

    fn string(&mut self) -> Result<String, Fail> {
        Ok(String::from_utf8_lossy(self.bytes_str()?).into_owned())
    }
}

/// Parses header and function tree (no verification).
fn read_chunk(bytes: &[u8]) -> Result<Proto, Fail> {
    let mut r = Reader { bytes, pos: 0 };
    read_header(&mut r)?;
    // Functions in pre-order; `stack` holds the ancestors still waiting for children, each with
    // how many it still expects.
    let mut stack: Vec<(Proto, usize)> = Vec::new();
    loop {
        let parent_source = stack.last().map(|(p, _)| p.source.clone());
        let (p, n_children) = read_function(&mut r, parent_source)?;
        if n_children > 0 {
            if stack.len() >= MAX_NESTING {
                return Err(Fail::Text("too many nested functions".into()));
            }
            stack.push((p, n_children));
            continue;
        }
        // `p` is complete: attach it, and every ancestor it completes, to its parent.
        let mut finished = p;
        loop {
            let Some((parent, left)) = stack.last_mut() else {
                if r.remaining() != 0 {
                    return Err(CORRUPTED.into());
                }
                return Ok(finished);
            };
            parent.protos.push(Arc::new(finished));
            *left -= 1;
            if *left > 0 {
                break;
            }
            match stack.pop() {
                Some((done, _)) => finished = done,
                None => return Err(CORRUPTED.into()),
            }
        }
    }
}

/// Checks the header, with PUC's messages for the checks it shares.
fn read_header(r: &mut Reader) -> Result<(), Fail> {
    // PUC consumes the first byte (ESC) before comparing the rest of the signature.
    r.take(1)?;
    if r.take(SIGNATURE.len() - 1)? != &SIGNATURE[1..] {
        return Err("not a binary chunk".into());
    }
    if r.byte()? != LUA_VERSION {
        return Err("version mismatch".into());
    }
    if r.byte()? != FORMAT {
        return Err("format mismatch".into());
    }
    if r.take(CONVERSION_CHECK.len())? != CONVERSION_CHECK {
        return Err(CORRUPTED.into());
    }
    let names = ["Instruction", "lua_Integer", "lua_Number"];
    for (want, name) in PUC_SIZES.into_iter().zip(names) {
        if r.byte()? != want {
            return Err(Fail::Text(format!("{name} size mismatch")));
        }
    }
    if i64::from_le_bytes(r.array8()?) != CHECK_INT {
        return Err("integer format mismatch".into());
    }
    if f64::from_le_bytes(r.array8()?) != CHECK_FLOAT {
        return Err("float format mismatch".into());
    }
    // Tape's own part: a chunk of PUC's layout stops here.
    if r.take(TAPE_MARK.len())? != TAPE_MARK {
        return Err("format mismatch (not a Tape chunk)".into());
    }
    if r.byte()? != FORMAT_VERSION {
        return Err("Tape format version mismatch".into());
    }
    let names = ["Tape instruction", "opcode count"];
    for (want, name) in size_fields().into_iter().zip(names) {
        if r.byte()? != want {
            return Err(Fail::Text(format!("{name} size mismatch")));
        }
    }
    Ok(())
}

/// Reads one function record; returns it (children not yet attached) and its child count.
fn read_function(r: &mut Reader, parent_source: Option<Arc<str>>) -> Result<(Proto, usize), Fail> {
    let source: Arc<str> = match r.varint()? {
        0 => parent_source.unwrap_or_else(|| Arc::from("=?")),
        n => {
            let len = usize::try_from(n - 1).map_err(|_| Fail::from(TRUNCATED))?;
            Arc::from(String::from_utf8_lossy(r.take(len)?).as_ref())
        }
    };
    let line_defined = r.u32()?;
    let last_line_defined = r.u32()?;
    let num_params = r.byte()?;
    let is_vararg = r.flag()?;
    let max_stack = r.byte()?;

    let n = r.count(1)?;
    let mut code = Vec::with_capacity(n);
    for _ in 0..n {
        let i = Instr::decode(r.bytes, &mut r.pos).map_err(|e| match e {
            DecodeError::Truncated => Fail::from(TRUNCATED),
            DecodeError::BadOpcode(op) => Fail::Text(format!("bad opcode {op}")),
            DecodeError::BadOperand => Fail::from(CORRUPTED),
        })?;
        code.push(i);
    }

    let n = r.count(1)?;
    let mut consts = Vec::with_capacity(n);
    for _ in 0..n {
        consts.push(match r.byte()? {
            TAG_NIL => Constant::Nil,
            TAG_FALSE => Constant::Bool(false),
            TAG_TRUE => Constant::Bool(true),
            TAG_INT => Constant::Int(i64::from_le_bytes(r.array8()?)),
            TAG_FLOAT => Constant::Float(f64::from_bits(u64::from_le_bytes(r.array8()?))),
            TAG_STR => Constant::Str(r.bytes_str()?.into()),
            _ => return Err(CORRUPTED.into()),
        });
    }

    let n = r.count(2)?;
    let mut upvals = Vec::with_capacity(n);
    for _ in 0..n {
        let in_stack = r.flag()?;
        let index = r.byte()?;
        upvals.push(UpvalDesc {
            name: String::new(),
            in_stack,
            index,
        });
    }

    let n = r.count(1)?;
    if n != 0 && n != code.len() {
        return Err(CORRUPTED.into());
    }
    let mut lines = Vec::with_capacity(n);
    for _ in 0..n {
        lines.push(r.u32()?);
    }

    let n = r.count(3)?;
    let mut locals = Vec::with_capacity(n);
    for _ in 0..n {
        let name = r.string()?;
        let start_pc = r.u32()?;
        let end_pc = r.u32()?;
        locals.push(LocalVar {
            name,
            start_pc,
            end_pc,
        });
    }

    let n = r.count(1)?;
    if n != 0 && n != upvals.len() {
        return Err(CORRUPTED.into());
    }
    for u in upvals.iter_mut().take(n) {
        u.name = r.string()?;
    }

    let n_children = r.count(MIN_FUNCTION_BYTES)?;
    let proto = Proto {
        source,
        line_defined,
        last_line_defined,
        num_params,
        is_vararg,
        max_stack,
        code,
        lines,
        consts,
        upvals,
        protos: Vec::with_capacity(n_children),
        locals,
    };
    Ok((proto, n_children))
}
