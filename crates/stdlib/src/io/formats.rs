//! Read formats of the io library: parsing the format arguments of `read` and `lines`, and
//! reading a numeral for the `n` format as PUC's `l_getn` does.

use super::stream::Stream;
use tape_vm::{Args, Value, Vm};

/// One read format. A bad one keeps the message of its argument error, raised only when
/// reading reaches it, as PUC checks each format just before reading it.
#[derive(Clone, Debug)]
pub(super) enum Fmt {
    Count(i64),
    Number,
    Line,
    LineNl,
    All,
    Bad(String),
}

/// The most formats `lines` takes (PUC's `MAXARGLINE`).
pub(super) const MAX_LINE_FORMATS: usize = 250;

/// Parses the formats in `args[first..]` (none means `l`).
pub(super) fn parse_formats(vm: &mut Vm, args: Args, first: usize) -> Vec<Fmt> {
    let mut out = Vec::new();
    for i in first..args.len() {
        let v = vm.arg(args, i);
        let f = match v {
            Value::Int(n) => Fmt::Count(n),
            Value::Float(x) => {
                if x == x.floor() && (-9223372036854775808.0..9223372036854775808.0).contains(&x) {
                    Fmt::Count(x as i64)
                } else {
                    Fmt::Bad("number has no integer representation".to_string())
                }
            }
            Value::Str(s) => {
                let b = vm.str_bytes(s);
                let b = b.strip_prefix(b"*").unwrap_or(b);
                match b.first() {
                    Some(b'n') => Fmt::Number,
                    Some(b'l') => Fmt::Line,
                    Some(b'L') => Fmt::LineNl,
                    Some(b'a') => Fmt::All,
                    _ => Fmt::Bad("invalid format".to_string()),
                }
            }
            _ => Fmt::Bad(format!("string expected, got {}", vm.obj_type_name(v))),
        };
        out.push(f);
    }
    if out.is_empty() {
        out.push(Fmt::Line);
    }
    out
}

/// Reads a numeral as PUC's `l_getn` does (at most 200 characters, then `tonumber` rules).
pub(super) fn read_number(s: &mut Stream) -> std::io::Result<Option<Value>> {
    let mut buf: Vec<u8> = Vec::new();
    // Set when a character that belongs to the numeral does not fit in PUC's 200-byte buffer;
    // the read then fails, having consumed the 200.
    let mut full = false;
    while let Some(c) = s.peek()? {
        if tape_text::number::is_c_space(c) {
            s.bump();
        } else {
            break;
        }
    }
    fn accept(
        s: &mut Stream,
        buf: &mut Vec<u8>,
        full: &mut bool,
        set: &[u8],
    ) -> std::io::Result<bool> {
        match s.peek()? {
            Some(c) if set.contains(&c) && !*full => {
                if buf.len() >= 200 {
                    *full = true;
                    return Ok(false);
                }
                buf.push(c);
                s.bump();
                Ok(true)
            }
            _ => Ok(false),
        }
    }
    fn digits(
        s: &mut Stream,
        buf: &mut Vec<u8>,
        full: &mut bool,
        hex: bool,
    ) -> std::io::Result<usize> {
        let mut n = 0;
        while let Some(c) = s.peek()? {
            let ok = if hex {
                c.is_ascii_hexdigit()
            } else {
                c.is_ascii_digit()
            };
            if !ok || *full {
                break;
            }
            if buf.len() >= 200 {
                *full = true;
                break;
            }
            buf.push(c);
            s.bump();
            n += 1;
        }
        Ok(n)
    }
    let f = &mut full;
    accept(s, &mut buf, f, b"+-")?;
    let mut count = 0;
    let mut hex = false;
    if accept(s, &mut buf, f, b"0")? {
        if accept(s, &mut buf, f, b"xX")? {
            hex = true;
        } else {
            count = 1;
        }
    }
    count += digits(s, &mut buf, f, hex)?;
    if accept(s, &mut buf, f, b".")? {
        count += digits(s, &mut buf, f, hex)?;
    }
    if count > 0 && accept(s, &mut buf, f, if hex { b"pP" } else { b"eE" })? {
        accept(s, &mut buf, f, b"+-")?;
        digits(s, &mut buf, f, false)?;
    }
    if full {
        return Ok(None);
    }
    Ok(match tape_text::number::str_to_number(&buf) {
        Some(tape_text::number::Number::Int(i)) => Some(Value::Int(i)),
        Some(tape_text::number::Number::Float(f)) => Some(Value::Float(f)),
        None => None,
    })
}
