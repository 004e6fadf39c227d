//! Numbers and their text: `tostring` of floats (`%.14g`, manual §3.4.3) and the conversion of
//! strings to numbers that the lexer, `tonumber` and arithmetic coercion share (manual §3.1).

/// A Lua number: the two subtypes of manual §2.1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    Int(i64),
    Float(f64),
}

/// Formats a float as C's `printf("%.<prec>g")` does on Linux (glibc), e.g. `1e+100`, `0.1`,
/// `-0`, `inf`, `-nan`.
pub fn format_g(x: f64, prec: usize, upper: bool, alt: bool) -> String {
    let p = prec.max(1);
    if !x.is_finite() {
        let s = if x.is_nan() {
            if x.is_sign_negative() {
                "-nan"
            } else {
                "nan"
            }
        } else if x < 0.0 {
            "-inf"
        } else {
            "inf"
        };
        return if upper {
            s.to_ascii_uppercase()
        } else {
            s.to_string()
        };
    }
    if !alt {
        if let Some(s) = format_g_shortest(x, p, upper) {
            return s;
        }
    }
    format_g_exact(x, p, upper, alt)
}

/// `%.<p>g` of a finite float from its shortest round-trip digits, when there are at most `p`
/// of them, `p <= 15` and the float is normal or zero: the float then lies within half an ulp
/// (at most 2^-53 of it) of those digits, far less than half a unit in the p-th digit (at
/// least 5e-16 of it), so rounding it to `p` digits gives exactly them. `None` otherwise.
/// (The shortest digits come from the fast algorithm; the exact ones may need bignums.)
pub(crate) fn format_g_shortest(x: f64, p: usize, upper: bool) -> Option<String> {
    if p > 15 || !(x.is_normal() || x == 0.0) {
        return None;
    }
    let e_form = format!("{:e}", x);
    let (mant, exp) = e_form.split_once('e')?;
    let exp: i32 = exp.parse().ok()?;
    let (neg, mant) = match mant.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mant),
    };
    let digits: Vec<u8> = mant.bytes().filter(|&b| b != b'.').collect();
    if digits.len() > p || digits.is_empty() {
        return None;
    }
    let mut out = Vec::with_capacity(digits.len() + 8);
    if neg {
        out.push(b'-');
    }
    if exp < -4 || exp >= p as i32 {
        out.push(digits[0]);
        if digits.len() > 1 {
            out.push(b'.');
            out.extend_from_slice(&digits[1..]);
        }
        out.push(if upper { b'E' } else { b'e' });
        out.push(if exp < 0 { b'-' } else { b'+' });
        out.extend_from_slice(format!("{:02}", exp.unsigned_abs()).as_bytes());
    } else if exp < 0 {
        out.extend_from_slice(b"0.");
        out.resize(out.len() + (-exp - 1) as usize, b'0');
        out.extend_from_slice(&digits);
    } else {
        let int_len = exp as usize + 1;
        if digits.len() <= int_len {
            out.extend_from_slice(&digits);
            out.resize(out.len() + int_len - digits.len(), b'0');
        } else {
            out.extend_from_slice(&digits[..int_len]);
            out.push(b'.');
            out.extend_from_slice(&digits[int_len..]);
        }
    }
    String::from_utf8(out).ok()
}

/// `%.<p>g` of a finite float through the exactly rounded `%e` and `%f` forms.
fn format_g_exact(x: f64, p: usize, upper: bool, alt: bool) -> String {
    // The exponent C's %e would show with precision p-1 (after rounding).
    let e_form = format!("{:.*e}", p - 1, x);
    let (mant, exp) = e_form.split_once('e').unwrap_or((&e_form, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let mut out = if exp < -4 || exp >= p as i32 {
        let mut m = mant.to_string();
        if !alt {
            strip_zeros(&mut m);
        }
        let sign = if exp < 0 { '-' } else { '+' };
        format!(
            "{}{}{}{:02}",
            m,
            if upper { 'E' } else { 'e' },
            sign,
            exp.unsigned_abs()
        )
    } else {
        let decimals = (p as i32 - 1 - exp).max(0) as usize;
        let mut f = format!("{:.*}", decimals, x);
        if !alt {
            strip_zeros(&mut f);
        } else if !f.contains('.') {
            f.push('.');
        }
        f
    };
    if upper {
        out = out.to_ascii_uppercase();
    }
    out
}

/// Removes trailing zeros after a decimal point, and the point itself if nothing follows it.
fn strip_zeros(s: &mut String) {
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
}

/// `tostring` of a float: `%.14g`, plus `.0` when the result would read back as an integer.
pub fn float_to_string(x: f64) -> String {
    let mut s = format_g(x, 14, false, false);
    if s.bytes().all(|b| b == b'-' || b.is_ascii_digit()) {
        s.push_str(".0");
    }
    s
}

/// `tostring` of any number.
pub fn number_to_string(n: Number) -> String {
    match n {
        Number::Int(i) => i.to_string(),
        Number::Float(f) => float_to_string(f),
    }
}

/// C's `isspace` in the "C" locale: space, `\t`, `\n`, `\v`, `\f`, `\r`.
pub fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Strips C whitespace from both ends.
fn trim_c_space(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|&b| !is_c_space(b)).unwrap_or(s.len());
    let end = s
        .iter()
        .rposition(|&b| !is_c_space(b))
        .map_or(start, |i| i + 1);
    &s[start..end.max(start)]
}

/// The value of an ASCII digit or letter as a digit in base 36 (`'a'`/`'A'` = 10).
fn digit_value(b: u8) -> Option<u32> {
    match b {
        b'0'..=b'9' => Some(u32::from(b - b'0')),
        b'a'..=b'z' => Some(u32::from(b - b'a') + 10),
        b'A'..=b'Z' => Some(u32::from(b - b'A') + 10),
        _ => None,
    }
}

/// Converts a string to a number by Lua's rules (manual §3.1 numerals, §3.4.3 coercions): optional
/// surrounding whitespace, an optional sign, then a decimal or hexadecimal integer or float. A
/// decimal integer that overflows `i64` becomes a float; a hexadecimal integer wraps around
/// modulo 2^64. `inf` and `nan` are not numerals. The whole string must be used. The lexer calls
/// this on the text of a numeral, `tonumber` and arithmetic coercion on any string.
pub fn str_to_number(s: &[u8]) -> Option<Number> {
    let s = trim_c_space(s);
    if let Some(i) = str_to_int(s) {
        return Some(Number::Int(i));
    }
    str_to_float(s).map(Number::Float)
}

/// Splits an optional leading `+` or `-`; returns whether it was `-`.
fn split_sign(s: &[u8]) -> (bool, &[u8]) {
    match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    }
}

/// Splits a leading `0x`/`0X`.
fn split_hex_prefix(s: &[u8]) -> Option<&[u8]> {
    match s {
        [b'0', b'x' | b'X', rest @ ..] => Some(rest),
        _ => None,
    }
}

/// An integer numeral (already trimmed): decimal that fits in `i64`, or hexadecimal (wrapping).
fn str_to_int(s: &[u8]) -> Option<i64> {
    let (neg, s) = split_sign(s);
    let value: u64 = if let Some(hex) = split_hex_prefix(s) {
        if hex.is_empty() {
            return None;
        }
        let mut acc: u64 = 0;
        for &b in hex {
            let d = match b {
                b'0'..=b'9' | b'a'..=b'f' | b'A'..=b'F' => digit_value(b)?,
                _ => return None,
            };
            acc = acc.wrapping_mul(16).wrapping_add(u64::from(d));
        }
        acc
    } else {
        if s.is_empty() {
            return None;
        }
        // Magnitude limit: 2^63 - 1, or 2^63 for a negative numeral.
        let limit = if neg { 1u64 << 63 } else { (1u64 << 63) - 1 };
        let mut acc: u64 = 0;
        for &b in s {
            if !b.is_ascii_digit() {
                return None;
            }
            acc = acc.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
            if acc > limit {
                return None;
            }
        }
        acc
    };
    let value = value as i64;
    Some(if neg { value.wrapping_neg() } else { value })
}

/// A float numeral (already trimmed), as C's `strtod` reads it but without `inf`/`nan`.
fn str_to_float(s: &[u8]) -> Option<f64> {
    let (neg, body) = split_sign(s);
    let x = if let Some(hex) = split_hex_prefix(body) {
        hex_float(hex)?
    } else {
        if !is_decimal_float(body) {
            return None;
        }
        // Validated ASCII, so the conversion cannot fail; Rust's parser rounds correctly.
        std::str::from_utf8(body).ok()?.parse::<f64>().ok()?
    };
    Some(if neg { -x } else { x })
}

/// `digits ['.' digits] [('e'|'E') ['+'|'-'] digits]` with at least one mantissa digit.
fn is_decimal_float(s: &[u8]) -> bool {
    let mut i = 0;
    let mut n_digits = 0;
    while i < s.len() && s[i].is_ascii_digit() {
        i += 1;
        n_digits += 1;
    }
    if i < s.len() && s[i] == b'.' {
        i += 1;
        while i < s.len() && s[i].is_ascii_digit() {
            i += 1;
            n_digits += 1;
        }
    }
    if n_digits == 0 {
        return false;
    }
    if i < s.len() && (s[i] == b'e' || s[i] == b'E') {
        i += 1;
        if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
            i += 1;
        }
        let start = i;
        while i < s.len() && s[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    i == s.len()
}

/// The part after `0x` of a hexadecimal float: `hexdigits ['.' hexdigits] [('p'|'P') ['+'|'-']
/// digits]`, at least one hex digit, correctly rounded (to nearest, ties to even) as `strtod`.
fn hex_float(s: &[u8]) -> Option<f64> {
    let mut i = 0;
    let mut mant: u64 = 0; // the first significant hex digits
    let mut sticky = false; // whether any nonzero digit did not fit in `mant`
    let mut exp2: i64 = 0; // value = mant * 2^exp2 (before the 'p' exponent)
    let mut n_digits = 0;
    let mut seen_dot = false;
    while i < s.len() {
        let b = s[i];
        if b == b'.' {
            if seen_dot {
                break;
            }
            seen_dot = true;
        } else if b.is_ascii_hexdigit() {
            let d = u64::from(digit_value(b)?);
            n_digits += 1;
            if mant < (1u64 << 60) {
                mant = mant * 16 + d;
                if seen_dot {
                    exp2 -= 4;
                }
            } else {
                sticky |= d != 0;
                if !seen_dot {
                    exp2 += 4;
                }
            }
        } else {
            break;
        }
        i += 1;
    }
    if n_digits == 0 {
        return None;
    }
    if i < s.len() && (s[i] == b'p' || s[i] == b'P') {
        i += 1;
        let (neg, rest) = split_sign(&s[i..]);
        i = s.len() - rest.len();
        let start = i;
        let mut e: i64 = 0;
        while i < s.len() && s[i].is_ascii_digit() {
            e = (e * 10 + i64::from(s[i] - b'0')).min(1_000_000);
            i += 1;
        }
        if i == start {
            return None;
        }
        exp2 += if neg { -e } else { e };
    }
    if i != s.len() {
        return None;
    }
    Some(compose_f64(mant, sticky, exp2))
}

/// `mant * 2^exp2` rounded to the nearest double (ties to even); `sticky` says that the true
/// mantissa has further nonzero bits below `mant`'s last bit.
fn compose_f64(mant: u64, sticky: bool, exp2: i64) -> f64 {
    if mant == 0 {
        return 0.0;
    }
    let lz = mant.leading_zeros();
    let m = mant << lz;
    // Now value = m * 2^e with m in [2^63, 2^64), i.e. value in [2^top, 2^(top+1)).
    let e = exp2 - i64::from(lz);
    let top = e + 63;
    if top > 1023 {
        return f64::INFINITY;
    }
    // Normal numbers keep 53 bits; subnormals fewer.
    let drop: i64 = if top >= -1022 { 11 } else { 11 + (-1022 - top) };
    if drop > 64 {
        return 0.0;
    }
    let (kept, rem, half) = if drop == 64 {
        (0u64, m, 1u64 << 63)
    } else {
        (m >> drop, m & ((1u64 << drop) - 1), 1u64 << (drop - 1))
    };
    let round_up = rem > half || (rem == half && (sticky || kept & 1 == 1));
    let kept = kept + u64::from(round_up);
    let bits = if top >= -1022 {
        // The implicit bit of `kept` (2^52) adds one to the biased exponent field.
        (((top + 1023 - 1) as u64) << 52) + kept
    } else {
        kept
    };
    if bits >= 0x7FF0_0000_0000_0000 {
        return f64::INFINITY;
    }
    f64::from_bits(bits)
}

/// `tonumber(s, base)` for bases 2 to 36: optional surrounding whitespace, an optional `-` (or
/// `+`), then at least one digit (letters in either case stand for 10 to 35), wrapping around
/// modulo 2^64. Returns `None` for a base outside 2..=36 or a malformed string.
pub fn str_to_int_base(s: &[u8], base: u32) -> Option<i64> {
    if !(2..=36).contains(&base) {
        return None;
    }
    let s = trim_c_space(s);
    let (neg, digits) = split_sign(s);
    if digits.is_empty() {
        return None;
    }
    let mut acc: u64 = 0;
    for &b in digits {
        let d = digit_value(b).filter(|&d| d < base)?;
        acc = acc.wrapping_mul(u64::from(base)).wrapping_add(u64::from(d));
    }
    let value = acc as i64;
    Some(if neg { value.wrapping_neg() } else { value })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_like_lua() {
        let cases: &[(f64, &str)] = &[
            (1.0, "1.0"),
            (-0.0, "-0.0"),
            (0.1, "0.1"),
            (1e100, "1e+100"),
            (1e15, "1e+15"),
            (123456789012345.0, "1.2345678901234e+14"),
            (12345678901234.0, "12345678901234.0"),
            (1.23456789012345678, "1.2345678901235"),
            (1e-5, "1e-05"),
            (0.0001, "0.0001"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (2f64.powi(63), "9.2233720368548e+18"),
            (0.5, "0.5"),
            (100.0, "100.0"),
        ];
        for (x, want) in cases {
            assert_eq!(float_to_string(*x), *want, "formatting {x:?}");
        }
        assert_eq!(
            float_to_string(f64::from_bits(0xFFF8_0000_0000_0000)),
            "-nan"
        );
        assert_eq!(
            float_to_string(f64::from_bits(0x7FF8_0000_0000_0000)),
            "nan"
        );
    }

    /// The shortest-digits path gives what the exact one gives, wherever it answers.
    #[test]
    fn format_g_shortest_agrees_with_exact() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut checked = 0;
        for i in 0..300_000 {
            let r = next();
            let x = match i % 4 {
                0 => f64::from_bits(r),
                1 => (r % 2_000_000) as f64 / 1000.0 - 1000.0,
                2 => (r >> 11) as f64 * 2f64.powi((r % 200) as i32 - 100) / 9.0e15,
                _ => (r % 100_000) as f64 * 10f64.powi((r % 40) as i32 - 20),
            };
            if !x.is_finite() {
                continue;
            }
            for p in [1, 2, 6, 10, 14, 15] {
                for upper in [false, true] {
                    if let Some(s) = format_g_shortest(x, p, upper) {
                        assert_eq!(s, format_g_exact(x, p, upper, false), "{x:e} p={p}");
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 500_000, "{checked}");
        assert_eq!(format_g(0.1, 17, false, false), "0.10000000000000001");
        assert_eq!(format_g(5e-324, 14, false, false), "4.9406564584125e-324");
        assert_eq!(format_g(-0.0, 14, false, false), "-0");
        assert_eq!(format_g(1e15, 14, false, false), "1e+15");
        assert_eq!(format_g(123456.0, 14, false, false), "123456");
        assert_eq!(format_g(0.0001, 14, false, false), "0.0001");
        assert_eq!(format_g(0.00001, 14, true, false), "1E-05");
    }

    #[test]
    fn format_g_options() {
        assert_eq!(format_g(0.000123456, 3, false, false), "0.000123");
        assert_eq!(format_g(1234567.0, 3, true, false), "1.23E+06");
        assert_eq!(format_g(2.0, 6, false, true), "2.00000");
        assert_eq!(format_g(0.0, 0, false, false), "0");
    }

    fn show(n: Option<Number>) -> String {
        match n {
            None => "nil".to_string(),
            Some(Number::Int(i)) => format!("int {i}"),
            Some(Number::Float(f)) => format!("float {f:e}"),
        }
    }

    /// Expected values from lua5.4's `tonumber` (printed with `%.17g` / `%a`).
    #[test]
    fn str_to_number_like_lua() {
        let cases: &[(&str, &str)] = &[
            ("10", "int 10"),
            (" 10 ", "int 10"),
            ("+10", "int 10"),
            ("-10", "int -10"),
            ("0x10", "int 16"),
            ("-0x10", "int -16"),
            ("0xffffffffffffffff", "int -1"),
            ("0x1ffffffffffffffff", "int -1"),
            ("0x123456789abcdef0123", "int 5001117282205630755"),
            ("9223372036854775807", "int 9223372036854775807"),
            ("9223372036854775808", "float 9.223372036854776e18"),
            ("-9223372036854775808", "int -9223372036854775808"),
            ("-9223372036854775809", "float -9.223372036854776e18"),
            ("12345678901234567890", "float 1.2345678901234567e19"),
            ("1e400", "float inf"),
            ("1e-400", "float 0e0"),
            ("1e", "nil"),
            ("1.", "float 1e0"),
            ("5.", "float 5e0"),
            (".5", "float 5e-1"),
            (".", "nil"),
            ("0x", "nil"),
            ("0xg", "nil"),
            ("0x.1", "float 6.25e-2"),
            ("0xA.p-1", "float 5e0"),
            ("0x1.8p3", "float 1.2e1"),
            ("0X1P4", "float 1.6e1"),
            ("0x1p", "nil"),
            ("inf", "nil"),
            ("nan", "nil"),
            ("-inf", "nil"),
            ("1e+5", "float 1e5"),
            ("1E2", "float 1e2"),
            (" \t\n\x0b\x0c\r12\n", "int 12"),
            ("1 2", "nil"),
            ("", "nil"),
            (" ", "nil"),
            ("- 1", "nil"),
            ("--1", "nil"),
            ("1.5e+", "nil"),
            ("0e0", "float 0e0"),
            ("00012", "int 12"),
            ("0x1e", "int 30"),
            ("1f", "nil"),
            ("-.5e-3", "float -5e-4"),
            ("0x1P-1074", "float 5e-324"),
            ("0x1p-1075", "float 0e0"),
            ("0x1.8p-1075", "float 5e-324"),
            ("0x.8p-1074", "float 0e0"),
            ("0x1p1024", "float inf"),
            ("0x1.fffffffffffff8p1023", "float inf"),
            ("0x1.fffffffffffff7p1023", "float 1.7976931348623157e308"),
            ("0x.0000000000000000000001", "float 3.2311742677852644e-27"),
            ("2.4703282292062328e-324", "float 5e-324"),
            ("2.4703282292062327e-324", "float 0e0"),
            ("0x1.0000000000000801p0", "float 1.0000000000000002e0"),
            ("0x1.00000000000008p0", "float 1e0"),
            ("0x1.00000000000018p0", "float 1.0000000000000004e0"),
            ("0x1p99999999999999999999", "float inf"),
        ];
        for (src, want) in cases {
            assert_eq!(
                show(str_to_number(src.as_bytes())),
                *want,
                "converting {src:?}"
            );
        }
    }

    /// Expected values from lua5.4's `tonumber(s, base)`.
    #[test]
    fn str_to_int_base_like_lua() {
        assert_eq!(str_to_int_base(b"+10", 16), Some(16));
        assert_eq!(str_to_int_base(b"-ff", 16), Some(-255));
        assert_eq!(str_to_int_base(b" zz ", 36), Some(1295));
        assert_eq!(str_to_int_base(b"Zz", 36), Some(1295));
        assert_eq!(str_to_int_base(b"7fffffffffffffff", 16), Some(i64::MAX));
        assert_eq!(str_to_int_base(b"ffffffffffffffff", 16), Some(-1));
        assert_eq!(str_to_int_base(b"1ffffffffffffffff", 16), Some(-1));
        assert_eq!(str_to_int_base(b"", 10), None);
        assert_eq!(str_to_int_base(b"1.0", 10), None);
        assert_eq!(str_to_int_base(b"8", 8), None);
        assert_eq!(str_to_int_base(b"- 1", 10), None);
        assert_eq!(str_to_int_base(b"101", 2), Some(5));
        assert_eq!(str_to_int_base(b"1", 37), None);
    }
}
