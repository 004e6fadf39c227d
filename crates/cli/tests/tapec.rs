//! The `tapec` command: `luac`'s options (`-l`, `-l -l`, `-o`, `-p`, `-s`, `-v`, `--`, `-`),
//! several inputs combined into one chunk, `--dis`/`--asm`, and the chunks it writes run by
//! `tape` and by `load`/`loadfile`/`dofile`. Expected texts follow `luac5.4` where it has the
//! same behaviour.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn run(exe: &str, dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(exe)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin)
        .expect("write stdin");
    child.wait_with_output().expect("finishes")
}

fn tapec(dir: &Path, args: &[&str]) -> Output {
    run(env!("CARGO_BIN_EXE_tapec"), dir, args, b"")
}

fn tape(dir: &Path, args: &[&str]) -> Output {
    run(env!("CARGO_BIN_EXE_tape"), dir, args, b"")
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A fresh directory per test, with two small scripts.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tapec-tests-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    std::fs::write(
        dir.join("a.lua"),
        "#!/usr/bin/env tape\nlocal n = 0\nfor i = 1, 4 do n = n + i end\nprint('a', n, ...)\nx = 'from a'\n",
    )
    .unwrap();
    std::fs::write(dir.join("b.lua"), "print('b', x)\nerror('boom')\n").unwrap();
    std::fs::write(dir.join("bad.lua"), "x = = 1\n").unwrap();
    dir
}

#[test]
fn no_input_and_bad_options_print_usage() {
    let d = scratch("usage");
    let o = tapec(&d, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err(&o).starts_with("tapec: no input files given\nusage: tapec [options] [filenames]\n"),
        "{}",
        err(&o)
    );
    let o = tapec(&d, &["-x"]);
    assert!(
        err(&o).starts_with("tapec: unrecognized option '-x'\nusage:"),
        "{}",
        err(&o)
    );
    let o = tapec(&d, &["-o"]);
    assert!(
        err(&o).starts_with("tapec: '-o' needs argument\n"),
        "{}",
        err(&o)
    );
    let o = tapec(&d, &["-v"]);
    assert!(o.status.success());
    assert_eq!(out(&o), "Tape 0.1.0 (Lua 5.4)\n");
}

#[test]
fn compiles_to_tapec_out_and_tape_runs_it() {
    let d = scratch("out");
    let o = tapec(&d, &["a.lua"]);
    assert!(o.status.success(), "{}", err(&o));
    assert_eq!(out(&o), "");
    let bytes = std::fs::read(d.join("tapec.out")).expect("tapec.out written");
    assert!(bytes.starts_with(b"\x1bLua\x54\x00"));
    let o = tape(&d, &["tapec.out", "x", "y"]);
    assert_eq!(out(&o), "a\t10\tx\ty\n");
    // load, loadfile and dofile detect the binary chunk by its signature.
    let o = tape(
        &d,
        &[
            "-e",
            "dofile('tapec.out') print(x) local f = assert(loadfile('tapec.out')) f('l') \
               local s = io.open('tapec.out', 'rb'):read('a') load(s)('ld') \
               print(load(s, 'c', 't'))",
        ],
    );
    assert_eq!(
        out(&o),
        "a\t10\nfrom a\na\t10\tl\na\t10\tld\nnil\tattempt to load a binary chunk (mode is 't')\n"
    );
}

#[test]
fn several_inputs_combine_into_one_chunk() {
    let d = scratch("combine");
    let o = tapec(&d, &["-o", "ab.tbc", "a.lua", "b.lua"]);
    assert!(o.status.success(), "{}", err(&o));
    let o = tape(&d, &["ab.tbc"]);
    assert_eq!(out(&o), "a\t10\nb\tfrom a\n");
    assert!(err(&o).starts_with("tape: b.lua:2: boom\n"), "{}", err(&o));
    let o = tapec(&d, &["-l", "-p", "a.lua", "b.lua"]);
    let list = out(&o);
    assert!(
        list.starts_with(
            "main <(tapec):0,0> (5 instructions)\n\
             0+ params, 2 slots, 1 upvalue, 0 locals, 0 constants, 2 functions\n\
             \t1\t[0]\tCLOSURE  \t0 0\t; function <0,0>\n\
             \t2\t[0]\tCALL     \t0 1 1\t; 0 in 0 out\n"
        ),
        "{list}"
    );
    assert!(list.contains("\nfunction <a.lua:0,0> ("), "{list}");
    assert!(!list.contains("constants ("), "{list}");
    assert!(!d.join("tapec.out").exists(), "-p writes nothing");
}

#[test]
fn full_listing_strip_and_stdin() {
    let d = scratch("list");
    let o = tapec(&d, &["-l", "-l", "-o", "a.tbc", "a.lua"]);
    assert!(
        out(&o).contains("\t3\tS\t\"from a\"\nlocals (5):\n\t0\tn\t2\t16\n"),
        "{}",
        out(&o)
    );
    let o = tapec(&d, &["-s", "-o", "s.tbc", "a.lua"]);
    assert!(o.status.success());
    let full = std::fs::metadata(d.join("a.tbc")).unwrap().len();
    let stripped = std::fs::metadata(d.join("s.tbc")).unwrap().len();
    assert!(stripped < full, "{stripped} < {full}");
    let o = tape(
        &d,
        &[
            "-e",
            "dofile('s.tbc')",
            "-e",
            "print(pcall(dofile, 'b.lua'))",
        ],
    );
    assert_eq!(out(&o), "a\t10\nb\tfrom a\nfalse\tb.lua:2: boom\n");
    // A listing of a binary chunk reads it back (through the verifier).
    let o = tapec(&d, &["-l", "-p", "s.tbc"]);
    assert!(out(&o).starts_with("main <?:0,0> ("), "{}", out(&o));
    // `-` reads standard input; `-o -` writes to standard output.
    let o = run(
        env!("CARGO_BIN_EXE_tapec"),
        &d,
        &["-o", "-", "-"],
        b"print('in')",
    );
    assert!(o.stdout.starts_with(b"\x1bLua"), "{}", err(&o));
    std::fs::write(d.join("in.tbc"), &o.stdout).unwrap();
    assert_eq!(out(&tape(&d, &["in.tbc"])), "in\n");
}

#[test]
fn errors_name_the_file() {
    let d = scratch("errors");
    let o = tapec(&d, &["bad.lua"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(err(&o), "tapec: bad.lua:1: unexpected symbol near '='\n");
    let o = tapec(&d, &["missing.lua"]);
    assert_eq!(
        err(&o),
        "tapec: cannot open missing.lua: No such file or directory\n"
    );
    std::fs::write(d.join("junk.tbc"), b"\x1bLua\x54\x00junk").unwrap();
    let o = tapec(&d, &["junk.tbc"]);
    assert_eq!(
        err(&o),
        "tapec: junk.tbc: bad binary format (truncated chunk)\n"
    );
    std::fs::write(d.join("bad.tasm"), ".tasm 1\n.function\n  MOVE 1\n.end\n").unwrap();
    let o = tapec(&d, &["--asm", "bad.tasm"]);
    assert_eq!(
        err(&o),
        "tapec: bad.tasm:3: MOVE takes 2 operands (a b), got 1\n"
    );
    std::fs::write(
        d.join("unverified.tasm"),
        ".tasm 1\n.function\n.maxstack 1\n  MOVE 0 1\n  RETURN0\n.end\n",
    )
    .unwrap();
    let o = tapec(&d, &["--asm", "unverified.tasm"]);
    assert_eq!(
        err(&o),
        "tapec: unverified.tasm: bad binary format (invalid bytecode: main function pc 0 (MOVE): register 1 outside the frame (max_stack 1))\n"
    );
    assert!(!d.join("tapec.out").exists());
}

#[test]
fn dis_and_asm_round_trip_through_files() {
    let d = scratch("dis");
    let o = tapec(&d, &["-o", "a.tbc", "a.lua"]);
    assert!(o.status.success());
    let o = tapec(&d, &["--dis", "a.tbc"]);
    let text = out(&o);
    assert!(text.starts_with("; Tape assembly (docs/assembly.md)\n.tasm 1\n.function   ; main <0,0>\n  .source \"@a.lua\"\n"), "{text}");
    std::fs::write(d.join("a.tasm"), &text).unwrap();
    let o = tapec(&d, &["--asm", "a.tasm", "-o", "a2.tbc"]);
    assert!(o.status.success(), "{}", err(&o));
    assert_eq!(
        std::fs::read(d.join("a.tbc")).unwrap(),
        std::fs::read(d.join("a2.tbc")).unwrap()
    );
    let o = tapec(&d, &["--dis", "-o", "a2.tasm", "a2.tbc"]);
    assert!(o.status.success());
    assert_eq!(std::fs::read_to_string(d.join("a2.tasm")).unwrap(), text);
    // A stripped chunk says so, and comes back stripped.
    tapec(&d, &["-s", "-o", "s.tbc", "a.lua"]);
    let s = out(&tapec(&d, &["--dis", "s.tbc"]));
    assert!(s.contains("\n.strip\n"), "{s}");
    std::fs::write(d.join("s.tasm"), &s).unwrap();
    tapec(&d, &["--asm", "-o", "s2.tbc", "s.tasm"]);
    assert_eq!(
        std::fs::read(d.join("s.tbc")).unwrap(),
        std::fs::read(d.join("s2.tbc")).unwrap()
    );
    assert_eq!(out(&tape(&d, &["s2.tbc"])), "a\t10\n");
}
