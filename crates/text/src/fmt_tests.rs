//! Tests for `fmt`; every expected string was printed by `lua5.4` (5.4.4, glibc).
use super::*;

enum Arg<'a> {
    I(i64),
    F(f64),
    S(&'a [u8]),
}

/// One `string.format` item: `%` + `spec` applied to `arg`.
fn f(spec: &str, arg: Arg) -> Result<String, FmtError> {
    let (sp, used) = parse_spec(spec.as_bytes())?;
    assert_eq!(used, spec.len());
    let mut out = Vec::new();
    match arg {
        Arg::I(v) => format_int(&sp, v, &mut out)?,
        Arg::F(v) => format_float(&sp, v, &mut out)?,
        Arg::S(v) => format_str(&sp, v, &mut out)?,
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

fn ok(spec: &str, arg: Arg, want: &str) {
    assert_eq!(f(spec, arg), Ok(want.to_string()), "%{spec}");
}

fn err(spec: &str, arg: Arg, want: &str) {
    assert_eq!(
        f(spec, arg),
        Err(FmtError::Message(want.to_string())),
        "%{spec}"
    );
}

use Arg::*;

#[test]
fn spec_errors() {
    err(
        "10.123d",
        I(1),
        "invalid conversion specification: '%10.123d'",
    );
    err("y", I(1), "invalid conversion '%y' to 'format'");
    err("123d", I(1), "invalid conversion specification: '%123d'");
    err("#d", I(1), "invalid conversion specification: '%#d'");
    err(".3c", I(65), "invalid conversion specification: '%.3c'");
    err("05s", S(b"a"), "invalid conversion specification: '%05s'");
    err("+u", I(1), "invalid conversion specification: '%+u'");
    err(
        "5.3.2d",
        I(1),
        "invalid conversion specification: '%5.3.2d'",
    );
    err(
        "1.111111111111111111d",
        I(1),
        "invalid conversion specification: '%1.111111111111111111d'",
    );
    err("1.1111111111111111111d", I(1), "invalid format (too long)");
    err("0000000000000000000000d", I(1), "invalid format (too long)");
    ok("00000000000000000000d", I(1), "1");
    err("ls", S(b"x"), "invalid conversion '%l' to 'format'");
    err("F", F(1.0), "invalid conversion '%F' to 'format'");
    assert_eq!(
        parse_spec(b"10").err(),
        Some(FmtError::Message(
            "invalid conversion '%10' to 'format'".into()
        ))
    );
    assert_eq!(
        parse_spec(b"").err(),
        Some(FmtError::Message(
            "invalid conversion '%' to 'format'".into()
        ))
    );
    let (q, _) = parse_spec(b"10q").unwrap();
    assert_eq!(
        q.check(),
        Err(FmtError::Message(
            "specifier '%q' cannot have modifiers".into()
        ))
    );
    assert_eq!(
        f("5.1s", S(b"a\0b")),
        Err(FmtError::BadArgument("string contains zeros"))
    );
}

#[test]
fn integers() {
    ok("-0-0-5d", I(1), "1    ");
    ok("0-5d", I(1), "1    ");
    ok("1.11d", I(1), "00000000001");
    ok(".d", I(1), "1");
    ok("5.d", I(0), "     ");
    ok(".0d", I(0), "");
    ok("x", I(-1), "ffffffffffffffff");
    ok("u", I(-1), "18446744073709551615");
    ok("#o", I(0), "0");
    ok("#x", I(0), "0");
    ok("#X", I(255), "0XFF");
    ok("#x", I(255), "0xff");
    ok("#o", I(8), "010");
    ok("#.0o", I(0), "0");
    ok("5.3x", I(255), "  0ff");
    ok("#5.3x", I(255), "0x0ff");
    ok("#5.3o", I(8), "  010");
    ok("+.3d", I(7), "+007");
    ok(" 05d", I(7), " 0007");
    ok("0 5d", I(5), " 0005");
    ok("-05d", I(7), "7    ");
    ok(" d", I(-5), "-5");
    ok("+ d", I(5), "+5");
    ok("099d", I(-5), "-00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000005");
    ok("d", I(i64::MIN), "-9223372036854775808");
    ok("c", I(0), "\0");
    ok("-5c", I(0), "\0    ");
    ok("5c", I(65), "    A");
    ok("c", I(256 + 65), "A");
}

#[test]
fn floats() {
    let big = "100000000000000001097906362944045541740492309677311846336810682903157585404911491537163328978494688899061249669721172515611590283743140088328307009198146046031271664502933027185697489699588559043338384466165001178426897626212945177628091195786707458122783970171784415105291802893207873272974885715430223118336.000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000";
    ok(".99f", F(1e308), big);
    ok(".99e", F(1e308), "1.000000000000000010979063629440455417404923096773118463368106829031575854049114915371633289784946889e+308");
    ok("99.99f", F(-1.5), "-1.500000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000");
    ok(".0f", F(0.5), "0");
    ok(".0f", F(2.5), "2");
    ok(".0f", F(1.5), "2");
    ok("#.0f", F(1.0), "1.");
    ok("0.3f", F(5.0), "5.000");
    ok("05.1f", F(-0.0), "-00.0");
    ok("e", F(0.0), "0.000000e+00");
    ok("E", F(1e300), "1.000000E+300");
    ok(".0e", F(12345.0), "1e+04");
    ok("#.0e", F(12345.0), "1.e+04");
    ok("0#10.3e", F(5.0), "05.000e+00");
    ok("g", F(100000.0), "100000");
    ok("g", F(1e-5), "1e-05");
    ok("g", F(123456789.0), "1.23457e+08");
    ok("#g", F(1.0), "1.00000");
    ok("G", F(1e-10), "1E-10");
    ok(
        ".99g",
        F(0.1),
        "0.1000000000000000055511151231257827021181583404541015625",
    );
    ok(".14g", F(2f64.powi(63)), "9.2233720368548e+18");
    ok("#.0g", F(1.0), "1.");
    ok("#.3g", F(100.0), "100.");
    ok("#g", F(0.0), "0.00000");
    let neg_nan = f64::from_bits(0xFFF8_0000_0000_0000);
    let nan = f64::from_bits(0x7FF8_0000_0000_0000);
    ok("e", F(neg_nan), "-nan");
    ok("f", F(nan), "nan");
    ok("g", F(neg_nan), "-nan");
    ok("G", F(nan), "NAN");
    ok("+f", F(nan), "+nan");
    ok("010f", F(f64::INFINITY), "       inf");
    ok("-010f", F(f64::NEG_INFINITY), "-inf      ");
    ok(" f", F(f64::INFINITY), " inf");
    ok("A", F(f64::INFINITY), "INF");
}

#[test]
fn hex_floats() {
    ok("a", F(1.0), "0x1p+0");
    ok("a", F(0.1), "0x1.999999999999ap-4");
    ok(".3a", F(0.1), "0x1.99ap-4");
    ok("A", F(-0.0), "-0X0P+0");
    ok("a", F(4.9e-324), "0x0.0000000000001p-1022");
    ok("a", F(2.2250738585072014e-308), "0x1p-1022");
    ok("a", F(1e-310), "0x0.012688b70e62bp-1022");
    ok(".0a", F(1.5), "0x2p+0");
    ok(".0a", F(2.5), "0x1p+1");
    ok("#.0a", F(1.0), "0x1.p+0");
    ok("20.5a", F(3.0), "        0x1.80000p+1");
    ok("-+20a", F(3.0), "+0x1.8p+1           ");
    ok("020a", F(-3.0), "-0x000000000001.8p+1");
    ok(".99a", F(1.0), "0x1.000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000p+0");
    // glibc (checked with a C program): ties round to even, carries reach the leading digit.
    ok(".1a", F(f64::from_bits(0x3FF0_8000_0000_0000)), "0x1.0p+0");
    ok(".1a", F(f64::from_bits(0x3FF1_8000_0000_0000)), "0x1.2p+0");
    ok(".1a", F(f64::from_bits(0x3FFF_8000_0000_0000)), "0x2.0p+0");
    ok(".0a", F(f64::from_bits(0x0008_0000_0000_0000)), "0x0p-1022");
}

#[test]
fn strings() {
    ok("-5s", S(b"a"), "a    ");
    ok(".2s", S(b"abc"), "ab");
    ok("5.3s", S(b"abcdef"), "  abc");
    ok("--5s", S(b"x"), "x    ");
    ok("s", S(b"a\0b"), "a\0b");
}

#[test]
fn quoting() {
    let q = |s: &[u8]| {
        let mut out = Vec::new();
        quote_string(s, &mut out);
        out
    };
    assert_eq!(
        q(b"a\0b\x001\r\n\"\\\x7f2\x80"),
        b"\"a\\0b\\0001\\13\\\n\\\"\\\\\\1272\x80\""
    );
    assert_eq!(q(b"\x009"), b"\"\\0009\"");
    assert_eq!(q(b"\x00a"), b"\"\\0a\"");
    assert_eq!(q(b"\x01\x02\x031\x7f\xff"), b"\"\\1\\2\\0031\\127\xff\"");
    assert_eq!(q(b"\x1a"), b"\"\\26\"");
    let qi = |v: i64| {
        let mut out = Vec::new();
        quote_int(v, &mut out);
        String::from_utf8(out).unwrap()
    };
    assert_eq!(qi(i64::MIN), "0x8000000000000000");
    assert_eq!(qi(255), "255");
    assert_eq!(qi(-7), "-7");
    let qf = |v: f64| {
        let mut out = Vec::new();
        quote_float(v, &mut out);
        String::from_utf8(out).unwrap()
    };
    assert_eq!(qf(1.5), "0x1.8p+0");
    assert_eq!(qf(1.0), "0x1p+0");
    assert_eq!(qf(f64::INFINITY), "1e9999");
    assert_eq!(qf(f64::NEG_INFINITY), "-1e9999");
    assert_eq!(qf(f64::NAN), "(0/0)");
    assert_eq!(qf(1e100), "0x1.249ad2594c37dp+332");
    assert_eq!(qf(-0.0), "-0x0p+0");
    assert_eq!(qf(0.0), "0x0p+0");
    assert_eq!(qf(2f64.powi(63)), "0x1p+63");
    assert_eq!(qf(1e-310), "0x0.012688b70e62bp-1022");
    assert_eq!(qf(-1.5), "-0x1.8p+0");
    assert_eq!(qf(100.0), "0x1.9p+6");
}
