//! UTF-8 encoding and decoding for the `utf8` library (manual §6.5): `utf8.char`,
//! `utf8.charpattern`, `utf8.codes`, `utf8.codepoint`, `utf8.len` and `utf8.offset`.
//!
//! Lua's UTF-8 is the original, wider one: sequences of up to six bytes encode values up to
//! 2^31 - 1. Strict decoding (the default in the library) also rejects values past U+10FFFF and
//! the surrogates U+D800–U+DFFF; the `lax` flag accepts them. Overlong encodings are always
//! rejected. Positions are 0-based byte offsets; argument checking and the conversion of Lua's
//! 1-based, possibly negative positions stay with the caller.

/// Largest value Lua's UTF-8 can encode (lax mode).
pub const MAX_UTF: u32 = 0x7FFF_FFFF;

/// Largest Unicode code point (strict mode).
pub const MAX_UNICODE: u32 = 0x10_FFFF;

/// `utf8.charpattern`: one UTF-8 byte sequence, assuming valid input.
pub const CHARPATTERN: &[u8] = b"[\x00-\x7F\xC2-\xFD][\x80-\xBF]*";

/// Error text of `utf8.codes`, `utf8.codepoint` on invalid input.
pub const MSG_INVALID: &str = "invalid UTF-8 code";

/// Is `b` a continuation byte (`10xxxxxx`)?
#[inline]
pub fn is_cont(b: u8) -> bool {
    b & 0xC0 == 0x80
}

/// Appends the UTF-8 sequence of `code` (at most [`MAX_UTF`]; larger values are masked to 31
/// bits, the caller rejects them first with `value out of range`).
pub fn encode(code: u32, out: &mut Vec<u8>) {
    let x = code & MAX_UTF;
    if x < 0x80 {
        out.push(x as u8);
        return;
    }
    let n = match x {
        0..=0x7FF => 2,
        0x800..=0xFFFF => 3,
        0x1_0000..=0x1F_FFFF => 4,
        0x20_0000..=0x3FF_FFFF => 5,
        _ => 6,
    };
    let lead = (0xFF00u32 >> n) as u8; // n high bits set
    out.push(lead | (x >> (6 * (n - 1))) as u8);
    for k in (0..n - 1).rev() {
        out.push(0x80 | ((x >> (6 * k)) & 0x3F) as u8);
    }
}

/// Decodes the sequence at the start of `s`: its value and length in bytes, or `None` when it
/// is not valid (a stray continuation byte, a truncated or overlong sequence, a value past
/// [`MAX_UTF`], and in `strict` mode also surrogates and values past [`MAX_UNICODE`]).
pub fn decode(s: &[u8], strict: bool) -> Option<(u32, usize)> {
    // Smallest value that needs a sequence of 1 + index continuation bytes.
    const LIMITS: [u32; 6] = [u32::MAX, 0x80, 0x800, 0x1_0000, 0x20_0000, 0x400_0000];
    let c = *s.first()?;
    let code = if c < 0x80 {
        return Some((c as u32, 1));
    } else {
        let mut count = 0;
        let mut res: u32 = 0;
        let mut lead = c as u32;
        while lead & 0x40 != 0 {
            count += 1;
            if count > 5 {
                return None;
            }
            let cc = *s.get(count)?;
            if !is_cont(cc) {
                return None;
            }
            res = (res << 6) | (cc & 0x3F) as u32;
            lead <<= 1;
        }
        let code = res as u64 | (((lead & 0x7F) as u64) << (count * 5));
        if code > MAX_UTF as u64 || (code as u32) < LIMITS[count] {
            return None;
        }
        (code as u32, count + 1)
    };
    if strict && (code.0 > MAX_UNICODE || (0xD800..=0xDFFF).contains(&code.0)) {
        return None;
    }
    Some(code)
}

/// `utf8.len` over the characters that start at byte positions `i..=j` (0-based; `j` may be
/// `i - 1` for an empty range): the count, or `Err(pos)` with the 0-based position of the first
/// invalid sequence (Lua returns `fail, pos + 1`).
pub fn len(s: &[u8], i: usize, j: isize, strict: bool) -> Result<usize, usize> {
    let mut pos = i;
    let mut n = 0;
    while (pos as isize) <= j {
        match s.get(pos..).and_then(|rest| decode(rest, strict)) {
            Some((_, l)) => pos += l,
            None => return Err(pos),
        }
        n += 1;
    }
    Ok(n)
}

/// `utf8.offset(s, n, i)` with `i` the 0-based start (`0..=s.len()`, already checked by the
/// caller against `position out of bounds`): the 0-based position where the `n`-th character
/// counted from `i` starts (`n == 0`: the start of the character containing `i`), or `None`.
/// Error: `initial position is a continuation byte`.
pub fn offset(s: &[u8], n: i64, i: usize) -> Result<Option<usize>, &'static str> {
    let cont_at = |p: usize| s.get(p).is_some_and(|&b| is_cont(b));
    let mut pos = i.min(s.len());
    let mut n = n;
    if n == 0 {
        while pos > 0 && cont_at(pos) {
            pos -= 1;
        }
        return Ok(Some(pos));
    }
    if cont_at(pos) {
        return Err("initial position is a continuation byte");
    }
    if n < 0 {
        while n < 0 && pos > 0 {
            pos -= 1;
            while pos > 0 && cont_at(pos) {
                pos -= 1;
            }
            n += 1;
        }
    } else {
        n -= 1; // the character at `i` is the first one
        while n > 0 && pos < s.len() {
            pos += 1;
            while cont_at(pos) {
                pos += 1;
            }
            n -= 1;
        }
    }
    Ok((n == 0).then_some(pos))
}

/// One step of `utf8.codes`' iterator (PUC 5.4.4): `control` is the previous 1-based position
/// (0 at the start). Continuation bytes after it are skipped; returns the next character's
/// 1-based position and value, `Ok(None)` at the end, or `Err(MSG_INVALID)`.
pub fn codes_next(
    s: &[u8],
    control: i64,
    strict: bool,
) -> Result<Option<(i64, u32)>, &'static str> {
    let mut n = control as u64;
    let len = s.len() as u64;
    while n < len && is_cont(s[n as usize]) {
        n += 1;
    }
    if n >= len {
        return Ok(None);
    }
    match decode(&s[n as usize..], strict) {
        Some((code, _)) => Ok(Some((n as i64 + 1, code))),
        None => Err(MSG_INVALID),
    }
}

#[cfg(test)]
mod tests {
    //! Expected values printed by `lua5.4` (5.4.4).
    use super::*;

    fn codes(s: &[u8], strict: bool) -> String {
        let mut out = Vec::new();
        let mut control = 0;
        loop {
            match codes_next(s, control, strict) {
                Ok(Some((p, c))) => {
                    out.push(format!("{p}:{c}"));
                    control = p;
                }
                Ok(None) => return out.join(" "),
                Err(e) => return out.join(" ") + " error: " + e,
            }
        }
    }

    #[test]
    fn codes_iteration() {
        assert_eq!(
            codes("héllo".as_bytes(), true),
            "1:104 2:233 4:108 5:108 6:111"
        );
        assert_eq!(codes(b"\x80abc", true), "2:97 3:98 4:99");
        assert_eq!(codes(b"a\x80bc", true), "1:97 3:98 4:99");
        assert_eq!(
            codes(b"ab\xC3", true),
            "1:97 2:98 error: invalid UTF-8 code"
        );
        assert_eq!(codes(b"\xed\xa0\x80", true), " error: invalid UTF-8 code");
        assert_eq!(codes(b"\xed\xa0\x80", false), "1:55296");
        assert_eq!(
            codes(b"\xF4\x90\x80\x80", true),
            " error: invalid UTF-8 code"
        );
        assert_eq!(codes(b"\xF4\x90\x80\x80", false), "1:1114112");
        assert_eq!(codes(b"\xFD\xBF\xBF\xBF\xBF\xBF", false), "1:2147483647");
        assert_eq!(codes(b"\xC0\x80", false), " error: invalid UTF-8 code");
        assert_eq!(codes(b"a\xC3\xA9\xA9", true), "1:97 2:233");
    }

    #[test]
    fn encoding() {
        let mut out = Vec::new();
        for c in [
            72,
            0x7FFF_FFFF,
            0x10_FFFF,
            0xD800,
            0,
            0x7FF,
            0x800,
            0x3FF_FFFF,
            0x400_0000,
        ] {
            encode(c, &mut out);
        }
        // utf8.char(72, 0x7FFFFFFF, 0x10FFFF, 0xD800, 0) in lua5.4, then the boundaries.
        let want: &[u8] = b"H\xFD\xBF\xBF\xBF\xBF\xBF\xF4\x8F\xBF\xBF\xED\xA0\x80\x00\
            \xDF\xBF\xE0\xA0\x80\xFB\xBF\xBF\xBF\xBF\xFC\x84\x80\x80\x80\x80";
        assert_eq!(out, want);
        let mut pos = 0;
        let mut back = Vec::new();
        while pos < out.len() {
            let (c, l) = decode(&out[pos..], false).unwrap();
            back.push(c);
            pos += l;
        }
        assert_eq!(
            back,
            [
                72,
                0x7FFF_FFFF,
                0x10_FFFF,
                0xD800,
                0,
                0x7FF,
                0x800,
                0x3FF_FFFF,
                0x400_0000
            ]
        );
        assert_eq!(decode(b"\xFE\x80\x80\x80\x80\x80\x80", false), None);
        assert_eq!(decode(b"\xFF", false), None);
        assert_eq!(decode(b"\xE0\x80\x80", false), None); // overlong
        assert_eq!(decode(b"", false), None);
    }

    #[test]
    fn lengths() {
        let s = "héllo".as_bytes();
        assert_eq!(len(s, 0, s.len() as isize - 1, true), Ok(5));
        assert_eq!(len(b"h\x80llo", 0, 4, true), Err(1)); // nil 2
        assert_eq!(len(b"\xed\xa0\x80", 0, 2, true), Err(0)); // nil 1
        assert_eq!(len(b"\xed\xa0\x80", 0, 2, false), Ok(1));
        assert_eq!(len(b"abc", 3, 2, true), Ok(0)); // utf8.len("abc", 4) --> 0
        assert_eq!(len(b"h\xC3\xA9", 2, 2, true), Err(2)); // nil 3
    }

    #[test]
    fn offsets() {
        let s = "héllo".as_bytes();
        assert_eq!(offset(s, 3, 0), Ok(Some(3))); // 4
        assert_eq!(offset(s, -1, s.len()), Ok(Some(5))); // 6
        assert_eq!(offset(s, 0, 2), Ok(Some(1))); // utf8.offset(s, 0, 3) --> 2
        assert_eq!(
            offset(s, 1, 2),
            Err("initial position is a continuation byte")
        );
        assert_eq!(offset(s, 10, 0), Ok(None));
        assert_eq!(offset(s, 7, 0), Ok(None));
        assert_eq!(offset(s, -10, s.len()), Ok(None));
        assert_eq!(offset(b"", 1, 0), Ok(Some(0))); // 1
        assert_eq!(offset(b"abc", 0, 3), Ok(Some(3))); // 4
    }

    #[test]
    fn charpattern() {
        assert_eq!(CHARPATTERN, b"[\0-\x7F\xC2-\xFD][\x80-\xBF]*");
    }
}
