//! Binary chunks: `undump` after `dump` gives back the same proto tree for every script of the
//! test corpus (with and without debug info), and damaged chunks — truncated at every byte,
//! bytes flipped at random, hostile counts, too deep nesting — are rejected with an `Err`
//! (or, when the damage happens to yield valid code, a verified proto), never a panic.

use std::path::PathBuf;
use std::sync::Arc;
use tape_bytecode::{dump, undump, verify, Instr, Proto};

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
    assert!(out.len() > 50, "corpus too small: {}", out.len());
    out
}

fn compile(src: &str) -> Proto {
    let ast = tape_syntax::parse(src.as_bytes(), "=test").expect("parse");
    Arc::unwrap_or_clone(tape_compiler::compile(&ast, "=test").expect("compile"))
}

/// Every function of a tree, pre-order.
fn all_functions(p: &Proto) -> Vec<&Proto> {
    let mut out = Vec::new();
    let mut work = vec![p];
    while let Some(p) = work.pop() {
        out.push(p);
        work.extend(p.protos.iter().rev().map(|c| &**c));
    }
    out
}

#[test]
fn corpus_round_trips() {
    for (name, p) in corpus() {
        let bytes = dump(&p, false);
        let back = undump(&bytes, &name).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(back == p, "{name}: undump(dump(p)) differs from p");
        assert_eq!(dump(&back, false), bytes, "{name}: second dump differs");
    }
}

#[test]
fn corpus_round_trips_stripped() {
    for (name, p) in corpus() {
        let bytes = dump(&p, true);
        assert!(bytes.len() <= dump(&p, false).len());
        let back = undump(&bytes, &name).unwrap_or_else(|e| panic!("{name}: {e}"));
        let (orig, got) = (all_functions(&p), all_functions(&back));
        assert_eq!(orig.len(), got.len());
        for (o, g) in orig.iter().zip(got) {
            assert_eq!(&*g.source, "=?");
            assert!(g.lines.is_empty() && g.locals.is_empty());
            assert!(g.upvals.iter().all(|u| u.name.is_empty()));
            assert_eq!(g.code, o.code);
            assert_eq!(g.line_defined, o.line_defined);
            assert_eq!(g.last_line_defined, o.last_line_defined);
            assert_eq!(
                (g.num_params, g.is_vararg, g.max_stack),
                (o.num_params, o.is_vararg, o.max_stack)
            );
            assert_eq!(g.upvals.len(), o.upvals.len());
        }
    }
}

#[test]
fn nested_sources_are_shared() {
    let p = compile("local function f() return function() return 1 end end return f");
    let back = undump(&dump(&p, false), "=x").expect("undump");
    assert_eq!(&*back.source, "=test");
    let child = &back.protos[0];
    assert!(Arc::ptr_eq(&child.source, &back.source));
    assert_eq!(&*child.protos[0].source, "=test");
}

#[test]
fn header_errors_read_like_puc() {
    let good = dump(&compile("return 1"), false);
    let cases: &[(&[u8], &str)] = &[
        (b"\x1b", "truncated chunk"),
        (b"\x1bLua", "truncated chunk"),
        (b"\x1bLux", "not a binary chunk"),
        (b"\x1bLua\x53", "version mismatch"),
        (b"\x1bLua\x54T", "format mismatch"),
        (b"\x1bLua\x54\x00garbage", "corrupted chunk"),
    ];
    for (bytes, why) in cases {
        assert_eq!(
            undump(bytes, "=(load)"),
            Err(format!("(load): bad binary format ({why})"))
        );
    }
    // The default chunk name of `load(s)` is `s` itself: shown as "binary string".
    let name = String::from_utf8_lossy(&good).into_owned();
    assert_eq!(
        undump(&good[..20], &name),
        Err("binary string: bad binary format (truncated chunk)".to_string())
    );
    assert_eq!(
        undump(&good[..20], "@file.luac"),
        Err("file.luac: bad binary format (truncated chunk)".to_string())
    );
    let mut swapped = good.clone();
    swapped[12] = 8; // PUC's size of Instruction
    assert_eq!(
        undump(&swapped, "=c"),
        Err("c: bad binary format (Instruction size mismatch)".to_string())
    );
    // PUC's header fields sit where lua5.4 puts them; Tape's marker and version follow.
    assert_eq!(
        &good[..15],
        b"\x1bLua\x54\x00\x19\x93\r\n\x1a\n\x04\x08\x08"
    );
    assert_eq!(&good[15..23], &0x5678i64.to_le_bytes());
    assert_eq!(&good[23..31], &370.5f64.to_le_bytes());
    let mut puc = good[..31].to_vec();
    puc.extend_from_slice(b"\x01\x00\x00\x00");
    assert_eq!(
        undump(&puc, "=c"),
        Err("c: bad binary format (format mismatch (not a Tape chunk))".to_string())
    );
    let mut version = good.clone();
    version[35] = 9;
    assert_eq!(
        undump(&version, "=c"),
        Err("c: bad binary format (Tape format version mismatch)".to_string())
    );
    let mut extra = good.clone();
    extra.push(0);
    assert_eq!(
        undump(&extra, "=c"),
        Err("c: bad binary format (corrupted chunk)".to_string())
    );
}

#[test]
fn every_truncation_is_rejected() {
    let p = compile(
        "local t = {1, 2.5, 'x', true, nil}\n\
         local function f(a, ...) local b = a + select('#', ...) return function() return b, a end end\n\
         for i = 1, 3 do t[i] = f(i) end\n\
         return t",
    );
    for strip in [false, true] {
        let bytes = dump(&p, strip);
        for len in 0..bytes.len() {
            match undump(&bytes[..len], "=t") {
                Err(e) => assert!(e.starts_with("t: bad binary format ("), "{e}"),
                Ok(_) => panic!("prefix of {len} bytes accepted"),
            }
        }
        assert!(undump(&bytes, "=t").is_ok());
    }
}

/// xorshift64*, so the "random" damage is the same on every run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn flipped_bytes_never_panic() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let corpus = corpus();
    let (mut accepted, mut rejected) = (0, 0);
    for (i, (_, p)) in corpus.iter().enumerate().step_by(4) {
        let bytes = dump(p, i % 8 == 0);
        for _ in 0..300 {
            let mut bad = bytes.clone();
            for _ in 0..1 + rng.below(3) {
                let at = rng.below(bad.len());
                bad[at] = match rng.below(3) {
                    0 => bad[at] ^ (1 << rng.below(8)),
                    1 => rng.next() as u8,
                    _ => [0, 0xff, 0x80, 0x7f][rng.below(4)],
                };
            }
            if rng.below(10) == 0 {
                let cut = rng.below(bad.len());
                bad.truncate(cut);
            }
            match undump(&bad, "=f") {
                Ok(p) => {
                    // Whatever got through is exactly as safe as compiled code.
                    assert_eq!(verify::verify_tree(&p), Ok(()));
                    accepted += 1;
                }
                Err(e) => {
                    assert!(e.starts_with("f: bad binary format ("), "{e}");
                    rejected += 1;
                }
            }
        }
    }
    println!("accepted {accepted}, rejected {rejected}");
    assert!(rejected > accepted);
}

/// A varint as `dump` writes it.
fn varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

/// The header of a valid chunk.
fn header() -> Vec<u8> {
    let good = dump(&compile("return"), false);
    good[..38].to_vec()
}

#[test]
fn hostile_counts_fail_before_allocating() {
    // A main function claiming 2^60 instructions / constants / children.
    for field in 0..3 {
        let mut b = header();
        varint(&mut b, 0); // source
        varint(&mut b, 0);
        varint(&mut b, 0);
        b.extend_from_slice(&[0, 1, 2]);
        if field == 0 {
            varint(&mut b, 1 << 60);
        } else {
            varint(&mut b, 1);
            Instr::Return0 {}.encode(&mut b);
            if field == 1 {
                varint(&mut b, 1 << 60);
            } else {
                b.extend_from_slice(&[0, 0, 0, 0, 0]);
                varint(&mut b, u64::MAX);
            }
        }
        b.extend_from_slice(&[0; 64]);
        assert_eq!(
            undump(&b, "=h"),
            Err("h: bad binary format (truncated chunk)".to_string())
        );
    }
    // An over-long varint.
    let mut b = header();
    b.extend_from_slice(&[0xff; 11]);
    assert_eq!(
        undump(&b, "=h"),
        Err("h: bad binary format (corrupted chunk)".to_string())
    );
}

/// A chain of `depth` functions, each the only child of the one before.
fn chain(depth: usize) -> Proto {
    let leaf = compile("return");
    let mut p = leaf.clone();
    for _ in 1..depth {
        let mut parent = compile("local f = function() end return f");
        parent.protos = vec![Arc::new(p)];
        // The child's upvalue descriptors must be valid in the parent.
        p = parent;
    }
    p
}

#[test]
fn nesting_is_capped() {
    // The deepest nesting the parser accepts loads back.
    let nested = |n: usize| {
        let mut src = String::from("return ");
        src.push_str(&"function() return ".repeat(n));
        src.push('1');
        src.push_str(&" end".repeat(n));
        tape_syntax::parse(src.as_bytes(), "=deep").ok()
    };
    let deepest = (1..400).take_while(|&n| nested(n).is_some()).last();
    let ast = nested(deepest.expect("some nesting parses")).expect("parse");
    let p = tape_compiler::compile(&ast, "=deep").expect("compile");
    assert!(undump(&dump(&p, false), "=deep").is_ok());
    let ok = chain(tape_bytecode::undump::MAX_NESTING);
    assert!(undump(&dump(&ok, true), "=c").is_ok());
    let too_deep = chain(tape_bytecode::undump::MAX_NESTING + 2);
    assert_eq!(
        undump(&dump(&too_deep, true), "=c"),
        Err("c: bad binary format (too many nested functions)".to_string())
    );
}

#[test]
fn verifier_runs_on_loaded_code() {
    let mut p = compile("local a = 1 return a");
    p.code.insert(0, Instr::Move { a: 200, b: 0 });
    p.lines.insert(0, 1);
    let e = undump(&dump(&p, false), "=v").expect_err("must be rejected");
    assert!(
        e.starts_with("v: bad binary format (invalid bytecode: main function pc 0 (MOVE): register 200 outside the frame"),
        "{e}"
    );
    // A loaded main function may have any number of upvalues.
    let f = compile("local function g(a) return a end return g");
    let g = Arc::unwrap_or_clone(f.protos[0].clone());
    assert!(g.upvals.is_empty());
    assert!(undump(&dump(&g, false), "=g").is_ok());
}
