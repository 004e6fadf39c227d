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
            if x.is_sign_negative() { "-nan" } else { "nan" }
        } else if x < 0.0 {
            "-inf"
        } else {
            "inf"
        };
        return if upper { s.to_ascii_uppercase() } else { s.to_string() };
    }
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
        format!("{}{}{}{:02}", m, if upper { 'E' } else { 'e' }, sign, exp.unsigned_abs())
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
            (3.14159265358979, "3.1415926535898"),
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
        assert_eq!(float_to_string(f64::from_bits(0xFFF8_0000_0000_0000)), "-nan");
        assert_eq!(float_to_string(f64::from_bits(0x7FF8_0000_0000_0000)), "nan");
    }

    #[test]
    fn format_g_options() {
        assert_eq!(format_g(0.000123456, 3, false, false), "0.000123");
        assert_eq!(format_g(1234567.0, 3, true, false), "1.23E+06");
        assert_eq!(format_g(2.0, 6, false, true), "2.00000");
        assert_eq!(format_g(0.0, 0, false, false), "0");
    }
}
