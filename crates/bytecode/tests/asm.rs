//! Text assembly: for every script of the test corpus, dis → asm → dis gives the same text, and
//! the assembled tree dumps to the same bytes as the original (with and without debug info).
//! Malformed `.tasm` text gives a `file:line: message` error.

use std::path::PathBuf;
use std::sync::Arc;
use tape_bytecode::asm::{assemble, disassemble};
use tape_bytecode::{dump, undump, Proto};

/// Every compilable script under `tests/lua` and `tests/tape`, compiled.
fn corpus() -> Vec<(String, Proto)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut out = Vec::new();
    for dir in ["tests/lua", "tests/tape"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            if path.extension().is_none_or(|e| e != "lua") {
                continue;
            }
            let src = std::fs::read(&path).expect("read");
            let name = format!("@{}", path.display());
            let Ok(ast) = tape_syntax::parse(&src, &name) else {
                continue;
            };
            if let Ok(p) = tape_compiler::compile(&ast, &name) {
                out.push((name, Arc::unwrap_or_clone(p)));
            }
        }
    }
    assert!(out.len() >= 130, "corpus too small: {}", out.len());
    out
}

/// One chunk through text and back, from its bytes as `tapec` would read them.
fn round_trip(name: &str, p: &Proto, strip: bool) {
    let bytes = dump(p, strip);
    let loaded = undump(&bytes, name).expect("undump");
    let text = disassemble(&loaded, strip);
    let a = assemble(&text, "x.tasm").unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(a.strip, strip, "{name}");
    let again = dump(&a.proto, a.strip);
    assert!(
        again == bytes,
        "{name} (strip {strip}): assembled bytes differ"
    );
    let text2 = disassemble(&a.proto, a.strip);
    assert!(
        text2 == text,
        "{name} (strip {strip}): dis → asm → dis differs"
    );
}

#[test]
fn corpus_round_trips_through_text() {
    let corpus = corpus();
    for (name, p) in &corpus {
        round_trip(name, p, false);
    }
    println!("{} scripts round-tripped", corpus.len());
}

#[test]
fn corpus_round_trips_through_text_stripped() {
    for (name, p) in &corpus() {
        round_trip(name, p, true);
    }
}

#[test]
fn constants_of_every_kind_survive() {
    let text = r#".tasm 1
.function
  .maxstack 2
  .upvalue "_ENV" stack 0
  .const nil
  .const true
  .const false
  .const int -9223372036854775808
  .const float -0.0
  .const float inf
  .const float 1e300
  .const float 5e-324
  .const floatbits 0xfff8000000000001
  .const string "a\"b\\c\n\r\t\x00\xff"
  RETURN0
.end
"#;
    let a = assemble(text, "k.tasm").expect("assembles");
    let t = disassemble(&a.proto, false);
    let b = assemble(&t, "k2.tasm").expect("assembles again");
    assert_eq!(dump(&a.proto, false), dump(&b.proto, false));
    assert!(t.contains(".const floatbits 0xfff8000000000001"), "{t}");
    assert!(t.contains(".const float -0.0"), "{t}");
    assert!(
        t.contains(r#".const string "a\"b\\c\n\r\t\x00\xff""#),
        "{t}"
    );
}

/// Each malformed text and the exact error it gives.
#[test]
fn malformed_text_is_reported_with_its_line() {
    let head = ".tasm 1\n.function\n.maxstack 2\n";
    let cases: &[(&str, &str)] = &[
        ("", "t.tasm:0: no '.function' block"),
        (".function\n", "t.tasm:1: expected '.tasm 1' before anything else"),
        (".tasm 2\n", "t.tasm:1: unsupported .tasm version 2 (this assembler reads version 1)"),
        (".tasm 1\n.function\nRETURN0\n", "t.tasm:3: '.function' at line 2 has no '.end'"),
        (".tasm 1\nRETURN0\n", "t.tasm:2: 'RETURN0' outside a '.function' block"),
        ("MOVE 0\n.end\n", "t.tasm:4: MOVE takes 2 operands (a b), got 1"),
        ("MOVE 0 256\n.end\n", "t.tasm:4: MOVE: operand 'b' = 256 does not fit 0..=255"),
        ("EQ 0 1 2 L\n.end\n", "t.tasm:4: EQ: operand 'k' = 2 does not fit 0 or 1"),
        ("FOO 1\n.end\n", "t.tasm:4: unknown instruction 'FOO'"),
        ("JMP nowhere\nRETURN0\n.end\n", "t.tasm:4: undefined label 'nowhere'"),
        ("L1:\nL1:\n.end\n", "t.tasm:5: label 'L1' defined twice"),
        ("JMP 1x\n.end\n", "t.tasm:4: JMP: operand 'j' must be a label or a number, got '1x'"),
        ("MOVE x 1\n.end\n", "t.tasm:4: MOVE: operand 1 is not a number: 'x'"),
        (".const string \"abc\n.end\n", "t.tasm:4: unfinished string"),
        (".const string \"\\q\"\n.end\n", "t.tasm:4: invalid escape '\\q' in string"),
        (".const string \"\\x4\"\n.end\n", "t.tasm:4: '\\x' needs two hexadecimal digits"),
        (".const float nan\n.end\n", "t.tasm:4: .const float: expected a number (use floatbits for a NaN)"),
        (".const thing\n.end\n", "t.tasm:4: .const: unknown kind 'thing' (nil, true, false, int, float, floatbits, string)"),
        (".maxstack 3\n.end\n", "t.tasm:4: '.maxstack' given twice in one function"),
        (".upvalue \"x\" here 0\n.end\n", "t.tasm:4: .upvalue: expected 'stack' or 'up' after the name"),
        (".params 1 2\n.end\n", "t.tasm:4: .params: unexpected '2'"),
        (".bogus\n.end\n", "t.tasm:4: unknown directive '.bogus'"),
        ("RETURN0\n.line 3\nRETURN0\n.end\n", "t.tasm:7: pc 0 has no line but others have (give every instruction of a function a '.line', or none)"),
        (".end\n.function\n", "t.tasm:5: a second top-level '.function' (a chunk has one main function)"),
        (".end\n.end\n", "t.tasm:5: '.end' without '.function'"),
        (".end\n.strip\n", "t.tasm:5: '.strip' must come before the first '.function'"),
        ("\"x\"\n", "t.tasm:4: unexpected \"x\" at the start of a line"),
        ("1bad:\n", "t.tasm:4: invalid label name '1bad'"),
    ];
    for (body, want) in cases {
        let text = if body.starts_with(".function") || body.starts_with(".tasm") || body.is_empty()
        {
            if body.is_empty() {
                ".tasm 1\n".to_string()
            } else {
                body.to_string()
            }
        } else {
            format!("{head}{body}")
        };
        let got = assemble(&text, "t.tasm")
            .err()
            .unwrap_or_else(|| panic!("accepted: {text}"));
        let want = if body.is_empty() {
            "t.tasm:1: no '.function' block"
        } else {
            want
        };
        assert_eq!(&got, want, "for text:\n{text}");
    }
}

/// Random bytes and random edits of a real disassembly never panic the assembler.
#[test]
fn garbage_never_panics() {
    let (_, p) = corpus().into_iter().next().expect("a script");
    let text = disassemble(&p, false);
    let mut seed: u64 = 0x9e3779b97f4a7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..2000 {
        let mut t: Vec<u8> = text.as_bytes().to_vec();
        for _ in 0..1 + next() % 8 {
            let at = (next() as usize) % t.len().max(1);
            match next() % 3 {
                0 => t.insert(at, b" \n:;\".-0123456789Lx\\"[(next() % 20) as usize]),
                1 => {
                    if at < t.len() {
                        t.remove(at);
                    }
                }
                _ => {
                    let v = next() as u8;
                    if let Some(b) = t.get_mut(at) {
                        *b = v;
                    }
                }
            }
        }
        let s = String::from_utf8_lossy(&t);
        if let Ok(a) = assemble(&s, "g.tasm") {
            let _ = undump(&dump(&a.proto, a.strip), "=g");
        }
    }
}
