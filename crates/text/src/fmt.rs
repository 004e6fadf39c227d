//! C-`printf`-style formatting as `string.format` does it (manual §6.4, `string.format`): parsing
//! one conversion specification with PUC Lua 5.4's limits and error texts, formatting integers,
//! floats (exactly glibc's digits, including `inf`, `-nan`, `%a` hex floats and huge `%f`) and
//! strings, and the `%q` quoting of strings, integers and floats.
//!
//! The caller (the `string.format` builtin) walks the format string itself: it copies plain bytes,
//! turns `%%` into `%`, and for every other `%` first checks that an argument exists (PUC reports
//! `no value` before looking at the specification), then calls [`parse_spec`] on the bytes after
//! the `%`, converts the argument as [`Spec::conv`] demands and calls one of the `format_*`
//! functions, which validate the flags for that conversion (so argument errors come first, as in
//! PUC) and append the text to the output buffer. Nothing here allocates beyond the output buffer.
//! For `%q` the caller checks [`Spec::check`] and dispatches on the value: strings to
//! [`quote_string`], integers to [`quote_int`], floats to [`quote_float`], `nil` and booleans as
//! their names, anything else `BadArgument("value has no literal form")`. For `%p` it renders the
//! pointer (or `(null)`) and passes the text to [`format_str`].

use std::io::Write;

/// Why a conversion failed. `Message` is a plain error (`luaL_error`); `BadArgument` is an
/// argument error that the caller reports as `bad argument #n to 'format' (...)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FmtError {
    Message(String),
    BadArgument(&'static str),
}

/// Longest span of flag/digit/point bytes (plus the conversion byte) PUC accepts in one
/// specification before reporting `invalid format (too long)`.
const MAX_SPEC: usize = 21;

/// One parsed conversion specification, e.g. `-08.3f`.
///
/// Invariant: `form[..form_len]` is the text after `%` up to and including the conversion byte
/// (without it when the format string ended), at most `MAX_SPEC` bytes; `width` and `precision`
/// are at most 99 (two digits), whatever the text says — [`Spec::check`] rejects texts that do
/// not fit C's grammar for the conversion.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spec {
    /// The conversion byte: one of `c d i u o x X a A e E f g G p q s`.
    pub conv: u8,
    pub minus: bool,
    pub plus: bool,
    pub space: bool,
    pub alt: bool,
    pub zero: bool,
    pub width: usize,
    pub precision: Option<usize>,
    form: [u8; MAX_SPEC],
    form_len: u8,
}

fn is_span_byte(b: u8) -> bool {
    matches!(b, b'-' | b'+' | b' ' | b'#' | b'0'..=b'9' | b'.')
}

/// Parses the specification that starts right after a `%` in `fmt`; returns it and the number of
/// bytes consumed (including the conversion byte).
///
/// `spec -> { flag } [ digit [ digit ] ] [ "." [ digit [ digit ] ] ] conv`
///
/// Errors: `invalid format (too long)` and `invalid conversion '%…' to 'format'` for an unknown
/// conversion byte (also `%F`, `%l…`, `%5%`, or a format that ends inside the specification).
pub fn parse_spec(fmt: &[u8]) -> Result<(Spec, usize), FmtError> {
    let span = fmt.iter().take_while(|&&b| is_span_byte(b)).count();
    if span >= MAX_SPEC {
        return Err(FmtError::Message("invalid format (too long)".to_string()));
    }
    let conv = fmt.get(span).copied().unwrap_or(0);
    let mut form = [0u8; MAX_SPEC];
    form[..span].copy_from_slice(&fmt[..span]);
    let mut form_len = span;
    if conv != 0 {
        form[span] = conv;
        form_len += 1;
    }
    let mut spec = Spec {
        conv,
        minus: false,
        plus: false,
        space: false,
        alt: false,
        zero: false,
        width: 0,
        precision: None,
        form,
        form_len: form_len as u8,
    };
    if !b"cdiuoxXaAeEfgGpqs".contains(&conv) {
        return Err(FmtError::Message(format!(
            "invalid conversion '%{}' to 'format'",
            String::from_utf8_lossy(spec.form())
        )));
    }
    let text = &fmt[..span];
    let mut i = 0;
    while let Some(&b) = text.get(i) {
        match b {
            b'-' => spec.minus = true,
            b'+' => spec.plus = true,
            b' ' => spec.space = true,
            b'#' => spec.alt = true,
            b'0' => spec.zero = true,
            _ => break,
        }
        i += 1;
    }
    let (w, n) = two_digits(&text[i..]);
    spec.width = w;
    i += n;
    if text.get(i) == Some(&b'.') {
        let (p, _) = two_digits(&text[i + 1..]);
        spec.precision = Some(p);
    }
    Ok((spec, span + 1))
}

/// Reads up to two decimal digits; returns their value and how many were read.
fn two_digits(s: &[u8]) -> (usize, usize) {
    let mut v = 0;
    let mut n = 0;
    while n < 2 {
        match s.get(n) {
            Some(&d) if d.is_ascii_digit() => v = v * 10 + (d - b'0') as usize,
            _ => break,
        }
        n += 1;
    }
    (v, n)
}

impl Spec {
    /// The specification text after `%`, including the conversion byte.
    pub fn form(&self) -> &[u8] {
        let end = (self.form_len as usize).min(MAX_SPEC);
        let f = &self.form[..end];
        // PUC prints the specification as a C string, so a NUL byte ends it.
        let nul = f.iter().position(|&b| b == 0).unwrap_or(f.len());
        &f[..nul]
    }

    /// Checks the text against the flags and the precision this conversion accepts in PUC
    /// (`invalid conversion specification: '%…'`, `specifier '%q' cannot have modifiers`).
    pub fn check(&self) -> Result<(), FmtError> {
        let (flags, precision): (&[u8], bool) = match self.conv {
            b'c' | b'p' => (b"-", false),
            b's' => (b"-", true),
            b'd' | b'i' => (b"-+ 0", true),
            b'u' => (b"-0", true),
            b'o' | b'x' | b'X' => (b"-#0", true),
            b'q' => {
                if self.form_len > 1 {
                    return Err(FmtError::Message(
                        "specifier '%q' cannot have modifiers".to_string(),
                    ));
                }
                return Ok(());
            }
            _ => (b"-+ #0", true),
        };
        let form = self.form();
        let text = &form[..form.len().saturating_sub(1)];
        let mut i = text.iter().take_while(|b| flags.contains(b)).count();
        if text.get(i) != Some(&b'0') {
            i += two_digits(&text[i..]).1;
            if precision && text.get(i) == Some(&b'.') {
                i += 1 + two_digits(&text[i + 1..]).1;
            }
        }
        if i == text.len() {
            Ok(())
        } else {
            Err(FmtError::Message(format!(
                "invalid conversion specification: '%{}'",
                String::from_utf8_lossy(form)
            )))
        }
    }
}

/// Pads the field `out[start..]` to `width`: spaces on the right for `-`, zeros at `zero_at`
/// (after sign and prefix) when `zero_at` is given, spaces on the left otherwise.
fn pad(out: &mut Vec<u8>, start: usize, width: usize, minus: bool, zero_at: Option<usize>) {
    let len = out.len() - start;
    if len >= width {
        return;
    }
    let n = width - len;
    if minus {
        out.resize(out.len() + n, b' ');
    } else {
        let (at, byte) = match zero_at {
            Some(z) => (z, b'0'),
            None => (start, b' '),
        };
        out.splice(at..at, std::iter::repeat_n(byte, n));
    }
}

/// Formats an integer for `%d %i %u %o %x %X %c` (`u`, `o`, `x` see the two's-complement bits,
/// `c` the low byte).
pub fn format_int(spec: &Spec, v: i64, out: &mut Vec<u8>) -> Result<(), FmtError> {
    spec.check()?;
    let start = out.len();
    if spec.conv == b'c' {
        out.push(v as u8);
        pad(out, start, spec.width, spec.minus, None);
        return Ok(());
    }
    let (mut mag, radix, signed) = match spec.conv {
        b'd' | b'i' => (v.unsigned_abs(), 10, true),
        b'o' => (v as u64, 8, false),
        b'x' | b'X' => (v as u64, 16, false),
        _ => (v as u64, 10, false),
    };
    let hex: &[u8; 16] = if spec.conv == b'X' {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    let mut digits = [0u8; 24];
    let mut n = 0;
    while mag != 0 {
        digits[23 - n] = hex[(mag % radix) as usize];
        mag /= radix;
        n += 1;
    }
    let digits = &digits[24 - n..];
    if signed {
        if v < 0 {
            out.push(b'-');
        } else if spec.plus {
            out.push(b'+');
        } else if spec.space {
            out.push(b' ');
        }
    }
    let prec = spec.precision.unwrap_or(1);
    let mut zeros = prec.saturating_sub(n);
    if spec.alt && spec.conv == b'o' && zeros == 0 && digits.first() != Some(&b'0') {
        zeros = 1;
    }
    if spec.alt && v != 0 && (spec.conv == b'x' || spec.conv == b'X') {
        out.push(b'0');
        out.push(spec.conv);
    }
    let zero_at = out.len();
    out.resize(out.len() + zeros, b'0');
    out.extend_from_slice(digits);
    let zero_pad = spec.zero && !spec.minus && spec.precision.is_none();
    pad(
        out,
        start,
        spec.width,
        spec.minus,
        zero_pad.then_some(zero_at),
    );
    Ok(())
}

/// Formats a float for `%a %A %e %E %f %g %G`, with glibc's exact digits.
pub fn format_float(spec: &Spec, x: f64, out: &mut Vec<u8>) -> Result<(), FmtError> {
    spec.check()?;
    let start = out.len();
    let upper = spec.conv.is_ascii_uppercase();
    if x.is_sign_negative() {
        out.push(b'-');
    } else if spec.plus {
        out.push(b'+');
    } else if spec.space {
        out.push(b' ');
    }
    if !x.is_finite() {
        let s: &[u8] = match (x.is_nan(), upper) {
            (true, false) => b"nan",
            (true, true) => b"NAN",
            (false, false) => b"inf",
            (false, true) => b"INF",
        };
        out.extend_from_slice(s);
        pad(out, start, spec.width, spec.minus, None);
        return Ok(());
    }
    let a = x.abs();
    let mut zero_at = out.len();
    match spec.conv.to_ascii_lowercase() {
        b'a' => {
            out.push(b'0');
            out.push(if upper { b'X' } else { b'x' });
            zero_at = out.len();
            hex_float(a, spec.precision, spec.alt, upper, out);
        }
        b'e' => {
            exp_form(a, spec.precision.unwrap_or(6), spec.alt, upper, out);
        }
        b'f' => {
            let p = spec.precision.unwrap_or(6);
            let _ = write!(out, "{:.*}", p, a);
            if spec.alt && p == 0 {
                out.push(b'.');
            }
        }
        _ => general_form(a, spec.precision.unwrap_or(6), spec.alt, upper, out),
    }
    let zero_pad = spec.zero && !spec.minus;
    pad(
        out,
        start,
        spec.width,
        spec.minus,
        zero_pad.then_some(zero_at),
    );
    Ok(())
}

/// `%e` digits of a non-negative finite `a`: `d.ddde+XX`. Returns the decimal exponent.
fn exp_form(a: f64, prec: usize, alt: bool, upper: bool, out: &mut Vec<u8>) -> i32 {
    let body = out.len();
    let _ = write!(out, "{:.*e}", prec, a);
    // Rust writes `1.5e-7`; C wants `1.5e-07`.
    let e_pos = out[body..]
        .iter()
        .position(|&b| b == b'e')
        .map_or(out.len(), |p| body + p);
    let mut exp: i32 = 0;
    let mut neg = false;
    for &b in &out[e_pos + 1..] {
        match b {
            b'-' => neg = true,
            d => exp = exp * 10 + (d - b'0') as i32,
        }
    }
    if neg {
        exp = -exp;
    }
    out.truncate(e_pos);
    if alt && prec == 0 {
        out.push(b'.');
    }
    out.push(if upper { b'E' } else { b'e' });
    out.push(if exp < 0 { b'-' } else { b'+' });
    let ea = exp.unsigned_abs();
    if ea < 10 {
        out.push(b'0');
    }
    let _ = write!(out, "{ea}");
    exp
}

/// `%g` digits of a non-negative finite `a`.
fn general_form(a: f64, prec: usize, alt: bool, upper: bool, out: &mut Vec<u8>) {
    let p = prec.max(1);
    if !alt {
        if let Some(s) = crate::number::format_g_shortest(a, p, upper) {
            out.extend_from_slice(s.as_bytes());
            return;
        }
    }
    let body = out.len();
    let x = exp_form(a, p - 1, alt, upper, out);
    let mant_end = if x < -4 || x >= p as i32 {
        out[body..]
            .iter()
            .position(|&b| b == b'e' || b == b'E')
            .map_or(out.len(), |q| body + q)
    } else {
        out.truncate(body);
        let decimals = (p as i32 - 1 - x) as usize;
        let _ = write!(out, "{:.*}", decimals, a);
        if alt && decimals == 0 {
            out.push(b'.');
        }
        out.len()
    };
    if !alt && out[body..mant_end].contains(&b'.') {
        let mut cut = mant_end;
        while out[cut - 1] == b'0' {
            cut -= 1;
        }
        if out[cut - 1] == b'.' {
            cut -= 1;
        }
        out.drain(cut..mant_end);
    }
}

/// `%a` digits (after the `0x`) of a non-negative finite `a`: glibc's form, which keeps the
/// leading digit 0 for subnormals and lets rounding carry into it (`%.0a` of 1.5 is `0x2p+0`).
fn hex_float(a: f64, prec: Option<usize>, alt: bool, upper: bool, out: &mut Vec<u8>) {
    let hex: &[u8; 16] = if upper {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    let bits = a.to_bits();
    let frac = bits & ((1u64 << 52) - 1);
    let biased = (bits >> 52) & 0x7ff;
    let (lead, exp): (u64, i64) = match (biased, frac) {
        (0, 0) => (0, 0),
        (0, _) => (0, -1022),
        _ => (1, biased as i64 - 1023),
    };
    let (lead, frac, ndig) = match prec {
        None => {
            let mut n = 13;
            while n > 0 && (frac >> (52 - 4 * n)) & 0xf == 0 {
                n -= 1;
            }
            (lead, frac, n)
        }
        Some(p) if p >= 13 => (lead, frac, p),
        Some(p) => {
            let shift = 52 - 4 * p as u32;
            let v = (lead << 52) | frac;
            let mut q = v >> shift;
            let rem = v & ((1u64 << shift) - 1);
            let half = 1u64 << (shift - 1);
            if rem > half || (rem == half && q & 1 == 1) {
                q += 1;
            }
            (q >> (4 * p), (q & ((1u64 << (4 * p)) - 1)) << shift, p)
        }
    };
    out.push(hex[lead as usize & 0xf]);
    if ndig > 0 || alt {
        out.push(b'.');
    }
    for i in 0..ndig {
        let d = if i < 13 {
            (frac >> (48 - 4 * i)) & 0xf
        } else {
            0
        };
        out.push(hex[d as usize]);
    }
    let _ = write!(out, "{}{:+}", if upper { 'P' } else { 'p' }, exp);
}

/// Formats a string for `%s` (precision truncates) or an already-rendered pointer for `%p`.
/// PUC refuses strings with embedded zeros when the specification has modifiers.
pub fn format_str(spec: &Spec, s: &[u8], out: &mut Vec<u8>) -> Result<(), FmtError> {
    if spec.form_len <= 1 {
        out.extend_from_slice(s);
        return Ok(());
    }
    if spec.conv == b's' && s.contains(&0) {
        return Err(FmtError::BadArgument("string contains zeros"));
    }
    spec.check()?;
    let start = out.len();
    let s = match spec.precision {
        Some(p) if p < s.len() => &s[..p],
        _ => s,
    };
    out.extend_from_slice(s);
    pad(out, start, spec.width, spec.minus, None);
    Ok(())
}

/// `%q` of a string: in double quotes, with `"`, `\` and newline escaped by a backslash, and
/// other control bytes as `\ddd` decimal escapes (three digits when a digit follows).
pub fn quote_string(s: &[u8], out: &mut Vec<u8>) {
    out.reserve(s.len() + 2);
    out.push(b'"');
    for (i, &b) in s.iter().enumerate() {
        match b {
            b'"' | b'\\' | b'\n' => {
                out.push(b'\\');
                out.push(b);
            }
            0..=31 | 127 => {
                if s.get(i + 1).is_some_and(|n| n.is_ascii_digit()) {
                    let _ = write!(out, "\\{b:03}");
                } else {
                    let _ = write!(out, "\\{b}");
                }
            }
            _ => out.push(b),
        }
    }
    out.push(b'"');
}

/// `%q` of an integer: decimal, except `math.mininteger`, which has no decimal literal and is
/// written `0x8000000000000000`.
pub fn quote_int(v: i64, out: &mut Vec<u8>) {
    if v == i64::MIN {
        out.extend_from_slice(b"0x8000000000000000");
    } else {
        let _ = write!(out, "{v}");
    }
}

/// `%q` of a float: `1e9999`, `-1e9999`, `(0/0)`, otherwise the `%a` hex form (`0x1p+0`).
pub fn quote_float(x: f64, out: &mut Vec<u8>) {
    if x == f64::INFINITY {
        out.extend_from_slice(b"1e9999");
    } else if x == f64::NEG_INFINITY {
        out.extend_from_slice(b"-1e9999");
    } else if x.is_nan() {
        out.extend_from_slice(b"(0/0)");
    } else {
        if x.is_sign_negative() {
            out.push(b'-');
        }
        out.extend_from_slice(b"0x");
        hex_float(x.abs(), None, false, false, out);
    }
}

#[cfg(test)]
#[path = "fmt_tests.rs"]
mod tests;
