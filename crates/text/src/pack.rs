//! Binary packing as `string.pack`, `string.unpack` and `string.packsize` do it (manual §6.4.2,
//! "Format Strings for Pack and Unpack"): format parsing with endianness and alignment, integer
//! and float encoding, length-prefixed, fixed-size and zero-terminated strings, with PUC Lua
//! 5.4's error texts.
//!
//! Values come from and go to the caller through small interfaces ([`PackArgs`] and a push
//! callback), so this module needs no VM types. Errors that PUC raises as argument errors carry
//! the Lua argument number: the format is argument 1, packed values start at 2, the data string
//! of `unpack` is 2 and its position 3.

/// Largest integer size in bytes (PUC's `MAXINTSIZE`).
pub const MAX_INT_SIZE: usize = 16;

/// Alignment `!` gives when it has no number: that of the platform's widest scalar.
const DEFAULT_MAX_ALIGN: usize = 8;

/// Largest total size (`INT_MAX`), and the number-reading cut-off derived from it.
const MAX_SIZE: usize = i32::MAX as usize;

/// Why packing or unpacking failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PackError {
    /// A plain error (`luaL_error`), e.g. `invalid format option 'y'`.
    Message(String),
    /// An argument error, reported as `bad argument #arg to 'pack' (msg)`.
    BadArgument { arg: usize, msg: &'static str },
}

#[cold]
fn bad(arg: usize, msg: &'static str) -> PackError {
    PackError::BadArgument { arg, msg }
}

/// What one format option does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A signed integer of `size` bytes (`b h i l j`).
    Int,
    /// An unsigned integer of `size` bytes (`B H I L J T`).
    Uint,
    /// A 4-byte float (`f`).
    Float,
    /// An 8-byte float (`d`, `n`).
    Double,
    /// A fixed-size string (`cN`).
    Char,
    /// A string preceded by its length as an unsigned integer of `size` bytes (`sN`).
    Str,
    /// A zero-terminated string (`z`).
    Zstr,
    /// One padding byte (`x`).
    Padding,
    /// Alignment only (`Xop`).
    PadAlign,
    /// No data: spaces, endianness and alignment settings.
    Nop,
}

/// One parsed option: its kind, its size in bytes (the length prefix size for `Str`) and the
/// padding bytes that precede it for alignment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Item {
    pub kind: Kind,
    pub size: usize,
    pub align_pad: usize,
    pub little: bool,
}

/// Walks a format string option by option, tracking endianness, maximum alignment and the
/// running total size (needed to compute alignment).
///
/// Invariant: `pos <= fmt.len()`; `total` is the size of everything before `pos` counting
/// variable-length strings as the caller reports them through [`FormatReader::add_total`].
pub struct FormatReader<'f> {
    fmt: &'f [u8],
    pos: usize,
    little: bool,
    max_align: usize,
    total: usize,
}

impl<'f> FormatReader<'f> {
    pub fn new(fmt: &'f [u8]) -> Self {
        FormatReader {
            fmt,
            pos: 0,
            little: cfg!(target_endian = "little"),
            max_align: 1,
            total: 0,
        }
    }

    /// Bytes produced so far.
    pub fn total(&self) -> usize {
        self.total
    }

    /// Sets the running total (`unpack` aligns relative to the start of the data string).
    pub fn set_total(&mut self, total: usize) {
        self.total = total;
    }

    /// Adds the variable part of a string (its length, plus 1 for `z`) to the running total.
    pub fn add_total(&mut self, n: usize) {
        self.total = self.total.saturating_add(n);
    }

    /// Reads an optional decimal number; stops early before it would pass `MAX_SIZE`.
    fn read_num(&mut self) -> Option<usize> {
        let first = *self.fmt.get(self.pos)?;
        if !first.is_ascii_digit() {
            return None;
        }
        let mut a = 0usize;
        while let Some(&d) = self.fmt.get(self.pos) {
            if !d.is_ascii_digit() {
                break;
            }
            a = a * 10 + (d - b'0') as usize;
            self.pos += 1;
            if a > (MAX_SIZE - 9) / 10 {
                break;
            }
        }
        Some(a)
    }

    /// An integer size `[n]`, defaulting to `default`, within `[1, 16]`.
    fn read_int_size(&mut self, default: usize) -> Result<usize, PackError> {
        let n = self.read_num().unwrap_or(default);
        if n == 0 || n > MAX_INT_SIZE {
            return Err(PackError::Message(format!(
                "integral size ({n}) out of limits [1,{MAX_INT_SIZE}]"
            )));
        }
        Ok(n)
    }

    /// Reads one option letter (and its number) into kind and size.
    fn read_option(&mut self) -> Result<(Kind, usize), PackError> {
        let Some(&c) = self.fmt.get(self.pos) else {
            return Ok((Kind::Nop, 0));
        };
        self.pos += 1;
        Ok(match c {
            b'b' => (Kind::Int, 1),
            b'B' => (Kind::Uint, 1),
            b'h' => (Kind::Int, 2),
            b'H' => (Kind::Uint, 2),
            b'l' | b'j' => (Kind::Int, 8),
            b'L' | b'J' | b'T' => (Kind::Uint, 8),
            b'f' => (Kind::Float, 4),
            b'n' | b'd' => (Kind::Double, 8),
            b'i' => (Kind::Int, self.read_int_size(4)?),
            b'I' => (Kind::Uint, self.read_int_size(4)?),
            b's' => (Kind::Str, self.read_int_size(8)?),
            b'c' => match self.read_num() {
                Some(n) => (Kind::Char, n),
                None => {
                    return Err(PackError::Message(
                        "missing size for format option 'c'".to_string(),
                    ))
                }
            },
            b'z' => (Kind::Zstr, 0),
            b'x' => (Kind::Padding, 1),
            b'X' => (Kind::PadAlign, 0),
            b' ' => (Kind::Nop, 0),
            b'<' => {
                self.little = true;
                (Kind::Nop, 0)
            }
            b'>' => {
                self.little = false;
                (Kind::Nop, 0)
            }
            b'=' => {
                self.little = cfg!(target_endian = "little");
                (Kind::Nop, 0)
            }
            b'!' => {
                self.max_align = self.read_int_size(DEFAULT_MAX_ALIGN)?;
                (Kind::Nop, 0)
            }
            _ => {
                return Err(PackError::Message(format!(
                    "invalid format option '{}'",
                    c as char
                )))
            }
        })
    }

    /// The next option with its alignment padding, or `None` at the end of the format.
    /// The running total is advanced by the padding and the fixed size.
    pub fn next_item(&mut self) -> Result<Option<Item>, PackError> {
        if self.pos >= self.fmt.len() {
            return Ok(None);
        }
        let (kind, size) = self.read_option()?;
        let mut align = size;
        if kind == Kind::PadAlign {
            let next = if self.pos >= self.fmt.len() {
                None
            } else {
                Some(self.read_option()?)
            };
            match next {
                Some((k, s)) if k != Kind::Char && s != 0 => align = s,
                _ => return Err(bad(1, "invalid next option for option 'X'")),
            }
        }
        let mut align_pad = 0;
        if align > 1 && kind != Kind::Char {
            let align = align.min(self.max_align);
            if !align.is_power_of_two() {
                return Err(bad(1, "format asks for alignment not power of 2"));
            }
            align_pad = (align - (self.total & (align - 1))) & (align - 1);
        }
        self.total = self.total.saturating_add(align_pad).saturating_add(size);
        Ok(Some(Item {
            kind,
            size,
            align_pad,
            little: self.little,
        }))
    }
}

/// Where `pack` gets its values: argument `arg` (2 for the first value) converted as the option
/// needs, with the caller's usual conversion errors.
pub trait PackArgs {
    type Error: From<PackError>;
    fn integer(&mut self, arg: usize) -> Result<i64, Self::Error>;
    fn number(&mut self, arg: usize) -> Result<f64, Self::Error>;
    fn string(&mut self, arg: usize) -> Result<&[u8], Self::Error>;
}

/// Makes room for `n` more bytes in `out`, failing with `not enough memory` past `max_len` or
/// when the allocator refuses (a guest format such as `c999999999` asks for a gigabyte).
fn grow(out: &mut Vec<u8>, n: usize, max_len: usize) -> Result<(), PackError> {
    if n > max_len.saturating_sub(out.len()) || out.try_reserve(n).is_err() {
        return Err(PackError::Message("not enough memory".to_string()));
    }
    Ok(())
}

/// Appends `v`'s low `size` bytes (sign- or zero-extended past 8 bytes) in the given order.
fn put_int(out: &mut Vec<u8>, v: u64, size: usize, little: bool, negative: bool) {
    let start = out.len();
    for i in 0..size {
        out.push(if i < 8 {
            (v >> (8 * i)) as u8
        } else if negative {
            0xff
        } else {
            0
        });
    }
    if !little {
        out[start..].reverse();
    }
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8], little: bool) {
    let start = out.len();
    out.extend_from_slice(bytes);
    if little != cfg!(target_endian = "little") {
        out[start..].reverse();
    }
}

/// `string.pack(fmt, ...)`: appends the packed values to `out`, which may not grow past
/// `max_len` bytes (the caller's memory budget).
pub fn pack<A: PackArgs>(
    fmt: &[u8],
    args: &mut A,
    out: &mut Vec<u8>,
    max_len: usize,
) -> Result<(), A::Error> {
    let mut reader = FormatReader::new(fmt);
    let mut arg = 1;
    while let Some(item) = reader.next_item()? {
        grow(out, item.align_pad.saturating_add(item.size), max_len)?;
        out.resize(out.len() + item.align_pad, 0);
        let (size, little) = (item.size, item.little);
        match item.kind {
            Kind::Int => {
                arg += 1;
                let n = args.integer(arg)?;
                if size < 8 {
                    let lim = 1i64 << (size * 8 - 1);
                    if !(-lim..lim).contains(&n) {
                        return Err(bad(arg, "integer overflow").into());
                    }
                }
                put_int(out, n as u64, size, little, n < 0);
            }
            Kind::Uint => {
                arg += 1;
                let n = args.integer(arg)?;
                if size < 8 && (n as u64) >= (1u64 << (size * 8)) {
                    return Err(bad(arg, "unsigned overflow").into());
                }
                put_int(out, n as u64, size, little, false);
            }
            Kind::Float => {
                arg += 1;
                let x = args.number(arg)? as f32;
                put_bytes(out, &x.to_ne_bytes(), little);
            }
            Kind::Double => {
                arg += 1;
                let x = args.number(arg)?;
                put_bytes(out, &x.to_ne_bytes(), little);
            }
            Kind::Char => {
                arg += 1;
                let s = args.string(arg)?;
                if s.len() > size {
                    return Err(bad(arg, "string longer than given size").into());
                }
                out.extend_from_slice(s);
                out.resize(out.len() + (size - s.len()), 0);
            }
            Kind::Str => {
                arg += 1;
                let s = args.string(arg)?;
                if size < 8 && s.len() as u64 >= 1u64 << (size * 8) {
                    return Err(bad(arg, "string length does not fit in given size").into());
                }
                grow(out, size.saturating_add(s.len()), max_len)?;
                put_int(out, s.len() as u64, size, little, false);
                out.extend_from_slice(s);
                let n = s.len();
                reader.add_total(n);
            }
            Kind::Zstr => {
                arg += 1;
                let s = args.string(arg)?;
                if s.contains(&0) {
                    return Err(bad(arg, "string contains zeros").into());
                }
                grow(out, s.len() + 1, max_len)?;
                out.extend_from_slice(s);
                out.push(0);
                let n = s.len() + 1;
                reader.add_total(n);
            }
            Kind::Padding => out.push(0),
            Kind::PadAlign | Kind::Nop => {}
        }
    }
    Ok(())
}

/// `string.packsize(fmt)`: the size of any string `pack` makes with this format.
pub fn packsize(fmt: &[u8]) -> Result<usize, PackError> {
    let mut reader = FormatReader::new(fmt);
    let mut total = 0usize;
    while let Some(item) = reader.next_item()? {
        if matches!(item.kind, Kind::Str | Kind::Zstr) {
            return Err(bad(1, "variable-length format"));
        }
        let size = item.size + item.align_pad;
        if total > MAX_SIZE - size.min(MAX_SIZE) {
            return Err(bad(1, "format result too large"));
        }
        total += size;
    }
    Ok(total)
}

/// A value `unpack` produces.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Unpacked<'d> {
    Int(i64),
    Float(f64),
    Str(&'d [u8]),
}

/// Reads a `size`-byte integer. Errors when it does not fit in 64 bits.
fn get_int(bytes: &[u8], little: bool, signed: bool) -> Result<i64, PackError> {
    let size = bytes.len();
    let byte = |i: usize| {
        if little {
            bytes[i]
        } else {
            bytes[size - 1 - i]
        }
    };
    let limit = size.min(8);
    let mut res: u64 = 0;
    for i in (0..limit).rev() {
        res = (res << 8) | byte(i) as u64;
    }
    if size < 8 {
        if signed {
            let mask = 1u64 << (size * 8 - 1);
            res = (res ^ mask).wrapping_sub(mask);
        }
    } else if size > 8 {
        let fill = if signed && (res as i64) < 0 { 0xff } else { 0 };
        if (limit..size).any(|i| byte(i) != fill) {
            return Err(PackError::Message(format!(
                "{size}-byte integer does not fit into Lua Integer"
            )));
        }
    }
    Ok(res as i64)
}

/// `string.unpack(fmt, data, pos)` with `pos` 0-based (after the caller's negative-index
/// adjustment): calls `push` for each value and returns the 0-based position after the last.
pub fn unpack<'d, E: From<PackError>>(
    fmt: &[u8],
    data: &'d [u8],
    pos: usize,
    mut push: impl FnMut(Unpacked<'d>) -> Result<(), E>,
) -> Result<usize, E> {
    if pos > data.len() {
        return Err(bad(3, "initial position out of string").into());
    }
    let mut pos = pos;
    let mut reader = FormatReader::new(fmt);
    reader.set_total(pos);
    while let Some(item) = reader.next_item()? {
        let (size, little) = (item.size, item.little);
        if item.align_pad.saturating_add(size) > data.len() - pos {
            return Err(bad(2, "data string too short").into());
        }
        pos += item.align_pad;
        let bytes = &data[pos..pos + size];
        match item.kind {
            Kind::Int | Kind::Uint => push(Unpacked::Int(get_int(
                bytes,
                little,
                item.kind == Kind::Int,
            )?))?,
            Kind::Float => {
                let mut b = [0u8; 4];
                b.copy_from_slice(bytes);
                if little != cfg!(target_endian = "little") {
                    b.reverse();
                }
                push(Unpacked::Float(f32::from_ne_bytes(b) as f64))?;
            }
            Kind::Double => {
                let mut b = [0u8; 8];
                b.copy_from_slice(bytes);
                if little != cfg!(target_endian = "little") {
                    b.reverse();
                }
                push(Unpacked::Float(f64::from_ne_bytes(b)))?;
            }
            Kind::Char => push(Unpacked::Str(bytes))?,
            Kind::Str => {
                let len = get_int(bytes, little, false)? as u64;
                let avail = (data.len() - pos - size) as u64;
                if len > avail {
                    return Err(bad(2, "data string too short").into());
                }
                let start = pos + size;
                let len = len as usize;
                push(Unpacked::Str(&data[start..start + len]))?;
                pos += len;
            }
            Kind::Zstr => {
                let rest = &data[pos..];
                let Some(len) = rest.iter().position(|&b| b == 0) else {
                    return Err(bad(2, "unfinished string for format 'z'").into());
                };
                push(Unpacked::Str(&rest[..len]))?;
                pos += len + 1;
            }
            Kind::Padding | Kind::PadAlign | Kind::Nop => {}
        }
        pos += size;
        reader.set_total(pos);
    }
    Ok(pos)
}

#[cfg(test)]
#[path = "pack_tests.rs"]
mod tests;
