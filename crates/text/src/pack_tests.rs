//! Tests for `pack`; expected bytes and messages were printed by `lua5.4` (5.4.4, x86-64).
use super::*;

#[derive(Clone, Debug)]
enum V {
    I(i64),
    F(f64),
    S(&'static [u8]),
}

/// Lua-like arguments: integers, floats with an integer value, and strings convert as in PUC;
/// anything else fails with the error the VM would raise.
struct Args(Vec<V>);

impl PackArgs for Args {
    type Error = PackError;
    fn integer(&mut self, arg: usize) -> Result<i64, PackError> {
        match self.0.get(arg - 2) {
            Some(V::I(i)) => Ok(*i),
            Some(V::F(f)) if f.fract() == 0.0 && f.abs() < 9.2e18 => Ok(*f as i64),
            Some(V::F(_)) => Err(bad(arg, "number has no integer representation")),
            _ => Err(bad(arg, "number expected")),
        }
    }
    fn number(&mut self, arg: usize) -> Result<f64, PackError> {
        match self.0.get(arg - 2) {
            Some(V::I(i)) => Ok(*i as f64),
            Some(V::F(f)) => Ok(*f),
            _ => Err(bad(arg, "number expected")),
        }
    }
    fn string(&mut self, arg: usize) -> Result<&[u8], PackError> {
        match self.0.get(arg - 2) {
            Some(V::S(s)) => Ok(s),
            _ => Err(bad(arg, "string expected")),
        }
    }
}

fn p(fmt: &str, vals: &[V]) -> Result<Vec<u8>, PackError> {
    let mut out = Vec::new();
    pack(fmt.as_bytes(), &mut Args(vals.to_vec()), &mut out, 1 << 20)?;
    Ok(out)
}

fn msg(m: &str) -> PackError {
    PackError::Message(m.to_string())
}

use V::*;

#[test]
fn pack_errors() {
    assert_eq!(
        p("i17", &[I(1)]),
        Err(msg("integral size (17) out of limits [1,16]"))
    );
    assert_eq!(
        p("i0", &[I(1)]),
        Err(msg("integral size (0) out of limits [1,16]"))
    );
    assert_eq!(p("y", &[I(1)]), Err(msg("invalid format option 'y'")));
    let not_pow2 = Err(bad(1, "format asks for alignment not power of 2"));
    assert_eq!(p("!3i4", &[I(1)]), not_pow2);
    assert_eq!(p("!4 i3", &[I(1)]), not_pow2);
    assert_eq!(p("b", &[I(128)]), Err(bad(2, "integer overflow")));
    assert_eq!(p("B", &[I(256)]), Err(bad(2, "unsigned overflow")));
    assert_eq!(p("B", &[I(-1)]), Err(bad(2, "unsigned overflow")));
    assert_eq!(
        p("s1", &[S(&[b'x'; 256])]),
        Err(bad(2, "string length does not fit in given size"))
    );
    assert_eq!(p("z", &[S(b"a\0b")]), Err(bad(2, "string contains zeros")));
    assert_eq!(
        p("c3", &[S(b"abcd")]),
        Err(bad(2, "string longer than given size"))
    );
    assert_eq!(
        p("c", &[S(b"a")]),
        Err(msg("missing size for format option 'c'"))
    );
    let bad_x = Err(bad(1, "invalid next option for option 'X'"));
    assert_eq!(p("X", &[I(1)]), bad_x);
    assert_eq!(p("Xc1", &[I(1)]), bad_x);
    assert_eq!(p("Xz", &[I(1)]), bad_x);
    // PUC pads a gigabyte before it reaches the bad option; here the output budget stops it.
    assert_eq!(p("c99999999999", &[S(b"")]), Err(msg("not enough memory")));
    assert_eq!(
        packsize(b"c99999999999"),
        Err(msg("invalid format option '9'"))
    );
    assert_eq!(
        p("s", &[S(&[b'x'; 1 << 20])]),
        Err(msg("not enough memory"))
    );
    assert_eq!(
        p("z", &[S(&[b'x'; (1 << 20) - 1])]).map(|v| v.len()),
        Ok(1 << 20)
    );
    assert_eq!(p("b x b", &[I(1)]), Err(bad(3, "number expected")));
}

#[test]
fn pack_values() {
    assert_eq!(p("i3", &[I(1)]).unwrap(), b"\x01\0\0");
    assert_eq!(p("b", &[I(-128)]).unwrap(), b"\x80");
    assert_eq!(p("I8", &[I(-1)]).unwrap(), [0xff; 8]);
    assert_eq!(p("i16", &[I(-2)]).unwrap(), {
        let mut v = vec![0xfe];
        v.extend([0xff; 15]);
        v
    });
    let mut be3 = vec![0; 15];
    be3.push(3);
    assert_eq!(p(">i16", &[I(3)]).unwrap(), be3);
    assert_eq!(p("s1", &[S(b"xxx")]).unwrap(), b"\x03xxx");
    assert_eq!(p("z", &[S(b"ab")]).unwrap(), b"ab\0");
    assert_eq!(p("c5", &[S(b"abc")]).unwrap(), b"abc\0\0");
    assert_eq!(p("Xi", &[I(1)]).unwrap(), b"");
    assert_eq!(
        p("!8 b Xi8 i", &[I(1), I(2)]).unwrap(),
        b"\x01\0\0\0\0\0\0\0\x02\0\0\0"
    );
    assert_eq!(
        p("!8 b Xh i", &[I(1), I(2)]).unwrap(),
        b"\x01\0\0\0\x02\0\0\0"
    );
    assert_eq!(
        p("<!4 b i8", &[I(1), I(2)]).unwrap(),
        b"\x01\0\0\0\x02\0\0\0\0\0\0\0"
    );
    assert_eq!(p(">d", &[F(1.5)]).unwrap(), b"\x3f\xf8\0\0\0\0\0\0");
    assert_eq!(p("f", &[F(1.5)]).unwrap(), b"\0\0\xc0\x3f");
    assert_eq!(
        p("n j", &[I(1), I(2)]).unwrap(),
        b"\0\0\0\0\0\0\xf0\x3f\x02\0\0\0\0\0\0\0"
    );
    assert_eq!(p("i", &[F(12.0)]).unwrap(), b"\x0c\0\0\0");
    assert_eq!(p("b x b", &[I(1), I(2)]).unwrap(), b"\x01\0\x02");
    assert_eq!(
        p("=I2 >I2 <I2", &[I(1), I(2), I(3)]).unwrap(),
        b"\x01\0\0\x02\x03\0"
    );
    assert_eq!(p("T", &[I(5)]).unwrap(), b"\x05\0\0\0\0\0\0\0");
    assert_eq!(p("<j", &[I(i64::MIN)]).unwrap(), b"\0\0\0\0\0\0\0\x80");
    assert_eq!(p("!4 z i", &[S(b"a"), I(2)]).unwrap().len(), 8);
    assert_eq!(p("!4 s1 i", &[S(b"a"), I(2)]).unwrap().len(), 8);
}

#[test]
fn packsize_values() {
    assert_eq!(packsize(b"s"), Err(bad(1, "variable-length format")));
    assert_eq!(packsize(b"z"), Err(bad(1, "variable-length format")));
    assert_eq!(packsize(b"i4 !8 d"), Ok(16));
    assert_eq!(
        packsize(b"c2147483647"),
        Err(msg("invalid format option '7'"))
    );
    assert_eq!(packsize(b"c214748364"), Ok(214748364));
    assert_eq!(packsize(b""), Ok(0));
    assert_eq!(
        packsize(b"!i3"),
        Err(bad(1, "format asks for alignment not power of 2"))
    );
    let many = "c200000000".repeat(11);
    assert_eq!(
        packsize(many.as_bytes()),
        Err(bad(1, "format result too large"))
    );
}

/// `string.unpack` results as Lua prints them, separated by spaces.
fn u(fmt: &str, data: &[u8], pos: usize) -> Result<String, PackError> {
    let mut vals = Vec::new();
    let next = unpack::<PackError>(fmt.as_bytes(), data, pos, |v| {
        vals.push(match v {
            Unpacked::Int(i) => i.to_string(),
            Unpacked::Float(f) => crate::number::float_to_string(f),
            Unpacked::Str(s) => format!("{:?}", String::from_utf8_lossy(s)),
        });
        Ok(())
    })?;
    vals.push((next + 1).to_string());
    Ok(vals.join(" "))
}

#[test]
fn unpack_values() {
    let short = Err(bad(2, "data string too short"));
    assert_eq!(u("i4", b"abc", 0), short);
    assert_eq!(u("i4", b"abcd", 1), short);
    assert_eq!(
        u("i4", b"abcd", 5),
        Err(bad(3, "initial position out of string"))
    );
    assert_eq!(u("i4", b"abcd", 4), short);
    assert_eq!(u("i4", b"abcd", 0), Ok("1684234849 5".into()));
    assert_eq!(
        u("z", b"abc", 0),
        Err(bad(2, "unfinished string for format 'z'"))
    );
    assert_eq!(u("z z", b"abc\0de\0", 0), Ok("\"abc\" \"de\" 8".into()));
    assert_eq!(u("s1", b"\x05abc", 0), short);
    assert_eq!(u("s1", b"\x03abc", 0), Ok("\"abc\" 5".into()));
    assert_eq!(u("i16", &[0xff; 16], 0), Ok("-1 17".into()));
    let mut big = vec![0; 8];
    big.push(1);
    big.extend([0; 7]);
    assert_eq!(
        u("i16", &big, 0),
        Err(msg("16-byte integer does not fit into Lua Integer"))
    );
    assert_eq!(
        u("I9", &[0xff; 9], 0),
        Err(msg("9-byte integer does not fit into Lua Integer"))
    );
    assert_eq!(u("i9", &[0xff; 9], 0), Ok("-1 10".into()));
    let mut i9 = vec![0xff; 8];
    i9.push(0);
    assert_eq!(
        u("i9", &i9, 0),
        Err(msg("9-byte integer does not fit into Lua Integer"))
    );
    assert_eq!(u(">i3", b"\xff\xff\xfe", 0), Ok("-2 4".into()));
    assert_eq!(u("<I3", b"\xff\xff\xfe", 0), Ok("16711679 4".into()));
    assert_eq!(
        u("b B h", b"\xff\xff\x01\x02", 0),
        Ok("-1 255 513 5".into())
    );
    assert_eq!(u("!4 b i", b"\x01\0\0\0\x02\0\0\0", 0), Ok("1 2 9".into()));
    assert_eq!(u("!4 b i", b"\x01\0\0\0\x02\0\0", 0), short);
    assert_eq!(u("c2 c0", b"ab", 0), Ok("\"ab\" \"\" 3".into()));
    assert_eq!(u("x", b"", 0), short);
    assert_eq!(u("", b"", 0), Ok("1".into()));
    assert_eq!(u(" ", b"abc", 3), Ok("4".into()));
    assert_eq!(u("Xi4", b"abc", 0), Ok("1".into()));
    assert_eq!(u("b Xi4", b"abcd", 0), Ok("97 2".into()));
    assert_eq!(u("!4 i", b"\0\x01\0\0\0\0\0\0", 1), Ok("0 9".into()));
    assert_eq!(u("!4 z i", b"a\0\0\0\x02\0\0\0", 0), Ok("\"a\" 2 9".into()));
    assert_eq!(
        u("!4 s1 i", b"\x01a\0\0\x03\0\0\0", 0),
        Ok("\"a\" 3 9".into())
    );
    assert_eq!(
        u("<i2 >i2 =i2", b"\x01\0\0\x01\x01\0", 0),
        Ok("1 1 1 7".into())
    );
    assert_eq!(u(">f", b"\xc0\x20\0\0", 0), Ok("-2.5 5".into()));
    let fd = p("f d", &[F(0.1), F(0.1)]).unwrap();
    assert_eq!(u("f d", &fd, 0), Ok("0.10000000149012 0.1 13".into()));
    assert_eq!(u("J", &[0xff; 8], 0), Ok("-1 9".into()));
}
