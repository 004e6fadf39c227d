//! Lexer tests: token kinds, string escapes, long brackets, numerals and line counting.
//! Expected string bytes were printed by lua5.4.

use crate::lexer::{Lexer, Tok};

/// All tokens of `src` with their lines, or the error message.
fn lex(src: &[u8]) -> Result<Vec<(Tok, u32)>, String> {
    let mut lexer = Lexer::new(src, "x".to_string());
    let mut out = Vec::new();
    loop {
        let t = lexer.next_token().map_err(|e| e.message)?;
        if t.tok == Tok::Eof {
            return Ok(out);
        }
        out.push((t.tok, t.line));
    }
}

fn toks(src: &str) -> Vec<Tok> {
    lex(src.as_bytes())
        .expect("lexes")
        .into_iter()
        .map(|(t, _)| t)
        .collect()
}

fn string_of(src: &[u8]) -> Vec<u8> {
    match lex(src).expect("lexes").as_slice() {
        [(Tok::Str(s), _)] => s.clone(),
        other => panic!("not one string: {other:?}"),
    }
}

#[test]
fn operators_and_words() {
    use Tok::*;
    let name = |s: &str| Name(s.to_string());
    assert_eq!(
        toks("+ - * / // % ^ # & ~ | << >> == ~= <= >= < > = ( ) { } [ ] :: ; : , . .. ..."),
        vec![
            Char(b'+'),
            Char(b'-'),
            Char(b'*'),
            Char(b'/'),
            IDiv,
            Char(b'%'),
            Char(b'^'),
            Char(b'#'),
            Char(b'&'),
            Char(b'~'),
            Char(b'|'),
            Shl,
            Shr,
            Eq,
            Ne,
            Le,
            Ge,
            Char(b'<'),
            Char(b'>'),
            Char(b'='),
            Char(b'('),
            Char(b')'),
            Char(b'{'),
            Char(b'}'),
            Char(b'['),
            Char(b']'),
            DbColon,
            Char(b';'),
            Char(b':'),
            Char(b','),
            Char(b'.'),
            Concat,
            Dots,
        ]
    );
    assert_eq!(
        toks("and break do else elseif end false for function goto if in local nil not or"),
        vec![
            And, Break, Do, Else, Elseif, End, False, For, Function, Goto, If, In, Local, Nil, Not,
            Or
        ]
    );
    assert_eq!(
        toks("repeat return then true until while"),
        vec![Repeat, Return, Then, True, Until, While]
    );
    assert_eq!(
        toks("_x x1 And _ENV"),
        vec![name("_x"), name("x1"), name("And"), name("_ENV")]
    );
    assert_eq!(
        toks("a.b:c"),
        vec![name("a"), Char(b'.'), name("b"), Char(b':'), name("c")]
    );
    assert_eq!(toks("a...b"), vec![name("a"), Dots, name("b")]);
    assert_eq!(toks("~=~"), vec![Ne, Char(b'~')]);
    assert_eq!(
        toks("---x\n--[[ c ]]y --[==[\n]]\n]==]z"),
        vec![name("y"), name("z")]
    );
    assert_eq!(toks("--[=x\ny"), vec![name("y")]);
    assert_eq!(toks("\u{1}"), vec![Char(1)]);
}

#[test]
fn numerals() {
    use Tok::*;
    assert_eq!(
        toks("3 345 0xff 0xBEBADA 3.0 3.25 325e-2 0.325E1 34e1"),
        vec![
            Int(3),
            Int(345),
            Int(255),
            Int(0xBEBADA),
            Float(3.0),
            Float(3.25),
            Float(3.25),
            Float(3.25),
            Float(340.0)
        ]
    );
    assert_eq!(
        toks("0x0.1E 0xA23p-4 0X1.921FB54442D18P+1 .5 5. 0x.8"),
        vec![
            Float(0.1171875),
            Float(162.1875),
            Float(std::f64::consts::PI),
            Float(0.5),
            Float(5.0),
            Float(0.5)
        ]
    );
    assert_eq!(
        toks("9223372036854775807 9223372036854775808"),
        vec![Int(i64::MAX), Float(9.223_372_036_854_776e18)]
    );
    assert_eq!(
        toks("0x7fffffffffffffff 0xffffffffffffffff 0x10000000000000000"),
        vec![Int(i64::MAX), Int(-1), Int(0)]
    );
    assert_eq!(
        lex(b"1..2").unwrap_err(),
        "x:1: malformed number near '1..2'"
    );
    assert_eq!(toks("1 ..2"), vec![Int(1), Concat, Int(2)]);
    assert_eq!(toks("a-1"), vec![Name("a".into()), Char(b'-'), Int(1)]);
}

#[test]
fn escapes() {
    assert_eq!(
        string_of(br#""\a\b\f\n\r\t\v\\\"\'""#),
        b"\x07\x08\x0c\x0a\x0d\x09\x0b\x5c\x22\x27"
    );
    assert_eq!(string_of(br#"'\65\066\0677'"#), b"ABC7");
    assert_eq!(string_of(br#""\x41\x4a\0\255""#), b"AJ\0\xff");
    assert_eq!(string_of(b"'a\\z  \n\n   b'"), b"ab");
    assert_eq!(string_of(b"'a\\\nb'"), b"a\nb");
    assert_eq!(string_of(b"'a\\\r\nb'"), b"a\nb");
    assert_eq!(string_of(br#""\u{7FFFFFFF}""#), b"\xfd\xbf\xbf\xbf\xbf\xbf");
    assert_eq!(string_of(br#""\u{4000000}""#), b"\xfc\x84\x80\x80\x80\x80");
    assert_eq!(string_of(br#""\u{200000}""#), b"\xf8\x88\x80\x80\x80");
    assert_eq!(string_of(br#""\u{10FFFF}""#), b"\xf4\x8f\xbf\xbf");
    assert_eq!(
        string_of(br#""\u{800}\u{80}\u{7F}\u{0000000041}""#),
        b"\xe0\xa0\x80\xc2\x80\x7fA"
    );
    assert_eq!(string_of(b"'\xff\x00'"), b"\xff\x00");
    assert_eq!(string_of(br#"'"'"#), b"\"");
}

#[test]
fn long_brackets() {
    assert_eq!(string_of(b"[[\nabc]]"), b"abc");
    assert_eq!(string_of(b"[[\r\nabc\r\n]]"), b"abc\n");
    assert_eq!(string_of(b"[[\n\nabc]]"), b"\nabc");
    assert_eq!(string_of(b"[==[a]]b]=]c]===]d]==]"), b"a]]b]=]c]===]d");
    assert_eq!(string_of(b"[=[\\n]=]"), b"\\n");
    assert_eq!(string_of(b"[[a\n\rb\r\rc]]"), b"a\nb\n\nc");
    assert_eq!(
        lex(b"[==[ ]=]").unwrap_err(),
        "x:1: unfinished long string (starting at line 1) near <eof>"
    );
    assert_eq!(
        lex(b"\n--[[ \n").unwrap_err(),
        "x:3: unfinished long comment (starting at line 2) near <eof>"
    );
}

#[test]
fn lines() {
    let lines =
        |src: &[u8]| -> Vec<u32> { lex(src).unwrap().into_iter().map(|(_, l)| l).collect() };
    assert_eq!(lines(b"a\nb\r\nc\n\rd\r\re\n\nf"), vec![1, 2, 3, 4, 6, 8]);
    assert_eq!(
        lines(b"a [[\n\n]] b --[[\n]] c -- x\nd"),
        vec![1, 3, 3, 4, 5]
    );
    assert_eq!(lines(b"'\\z\n\n' x"), vec![3, 3]);
}
